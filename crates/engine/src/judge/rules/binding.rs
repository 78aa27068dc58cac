//! Boundary rules: does the verifying key's scope (consumer, any organisational tenant, one
//! tenant, one issuer) and cloud cover the tenant and cloud the token claims? Comparisons are
//! semantic — tenant ids and cloud alias groups, not issuer strings — so a v1 token
//! (`https://sts.windows.net/{tid}/`) verified by a key published with the v2 template
//! (`https://login.microsoftonline.com/{tenantid}/v2.0`) is covered. Also the claim-only checks
//! Microsoft.IdentityModel performs (IDX40004) and the `ver`/issuer-form consistency.
//!
//! Weak evidence (a key set's URL or membership, see `judge::provenance`) never produces an
//! error here: when only weak evidence places the key outside the token's boundary, the finding
//! is `weak-key-evidence` (warning) naming the error it would have been, and the boundary is
//! left unjudged (the token is `unverified`, not a `violation`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{evidence, opt, Facts, RuleInfo};
use super::{
    CONSUMER_KEY_FOR_ORGANIZATION_TENANT, CROSS_CLOUD_KEY, ISSUER_TENANT_MISMATCH,
    KEY_APPLICATION_MISMATCH, KEY_APPLICATION_UNVERIFIABLE, KEY_ISSUER_MISMATCH,
    KEY_TENANT_MISMATCH, MISSING_ISSUER, ORGANIZATION_KEY_FOR_CONSUMER_TENANT,
    TOKEN_VERSION_ISSUER_MISMATCH, UNKNOWN_KEY_PROVENANCE, WEAK_KEY_EVIDENCE,
};
use crate::judge::boundary::{str_claim, ClaimedBoundary};
use crate::judge::evidence as ev;
use crate::judge::provenance::{Evidence, KeyScope};
use crate::judge::tenants::{is_guid, same_tenant, IssuerFamily, IssuerForm};
use crate::model::EvidenceValue;
use crate::report::{Finding, Severity};

/// Whether the verifying key's scope covers the token's claimed boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Coverage {
    Covered(String),
    NotCovered(String),
    /// Cannot be judged (no verified key, unknown provenance, no issuer).
    Unknown(String),
}

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) -> Coverage {
    claims_only(f, out);
    let b = f.boundary;
    let (Some(key), Some(prov), true) = (f.key, f.provenance, f.key_verified) else {
        return Coverage::Unknown("the signature was not verified with a trusted key".to_owned());
    };
    let name = f.key_name(key);
    let Some(iss) = b.iss.as_deref() else {
        out.push(MISSING_ISSUER.finding(
            "the token has no \"iss\" claim, so its boundary cannot be compared with the key's scope".to_owned(),
            evidence([("key_id", f.key_ev(key))]),
        ));
        return Coverage::Unknown("the token names no issuer".to_owned());
    };
    let scope = &prov.scope;
    let cloud_needed = scope.is_microsoft() && b.microsoft.is_some();
    let mut unknown_parts = Vec::new();
    if *scope == KeyScope::Unknown {
        unknown_parts.push("scope");
    }
    if cloud_needed && prov.cloud.is_none() {
        unknown_parts.push("cloud");
    }
    if !unknown_parts.is_empty() {
        out.push(UNKNOWN_KEY_PROVENANCE.finding(
            format!(
                "the {} of the verifying key, {}, could not be established ({}), so whether it may sign for {} cannot be judged",
                unknown_parts.join(" and "),
                name,
                if *scope == KeyScope::Unknown { prov.scope_evidence.explanation.as_str() } else { prov.cloud_evidence.explanation.as_str() },
                b.description
            ),
            evidence([
                ("key_id", f.key_ev(key)),
                ("unknown", unknown_parts.clone().into()),
                ("key_set_source", opt(prov.source.as_deref())),
            ]),
        ));
    }
    let before = out.len();
    let key_ev = |extra: [(&str, EvidenceValue); 2]| {
        let mut e = evidence([
            ("key_id", f.key_ev(key)),
            ("key_scope", ev::scope(scope)),
            ("scope_evidence", (&prov.scope_evidence.explanation).into()),
            ("token_iss", iss.into()),
            ("token_tid", opt(b.tid.as_deref())),
        ]);
        e.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
        e
    };
    // Why the boundary is left unjudged although nothing contradicts it strongly.
    let mut unjudged: Vec<String> = Vec::new();
    let conflict = |out: &mut Vec<Finding>,
                    unjudged: &mut Vec<String>,
                    rule: &RuleInfo,
                    message: String,
                    ev: BTreeMap<String, EvidenceValue>,
                    weak: Option<&Evidence>| {
        match weak.filter(|e| e.weak) {
            None => out.push(rule.finding(message, ev)),
            Some(e) => {
                let mut ev = ev;
                ev.insert("would_be".to_owned(), rule.code.into());
                ev.insert("weak_evidence".to_owned(), (&e.explanation).into());
                out.push(WEAK_KEY_EVIDENCE.finding(
                    format!(
                        "{message} — but only weak evidence says so ({}), so this is not called {}: the boundary is left unjudged",
                        e.explanation, rule.code
                    ),
                    ev,
                ));
                unjudged.push(format!(
                    "only weak evidence ({}) places {} outside {}",
                    e.explanation, name, b.description
                ));
            }
        }
    };
    let scope_ev = Some(&prov.scope_evidence);
    match (&b.microsoft, scope) {
        (Some(_), KeyScope::Consumer) if b.consumer == Some(false) => conflict(
            out,
            &mut unjudged,
            &CONSUMER_KEY_FOR_ORGANIZATION_TENANT,
            format!(
                "{} is a Microsoft consumer-account key ({}) but verified a token for organisational tenant {} (iss \"{iss}\"): the Storm-0558 pattern",
                name,
                prov.scope_evidence.explanation,
                b.tenant.as_deref().unwrap_or("?")
            ),
            key_ev([("token_tenant", opt(b.tenant.as_deref())), ("consumer_tenant", crate::judge::tenants::CONSUMER_TENANT.into())]),
            scope_ev,
        ),
        (Some(_), KeyScope::AnyOrganization | KeyScope::Tenant { .. } | KeyScope::Application { .. })
            if b.consumer == Some(true) =>
        {
            conflict(
                out,
                &mut unjudged,
                &ORGANIZATION_KEY_FOR_CONSUMER_TENANT,
                format!(
                    "{} may sign for {} ({}) but verified a token for the consumer tenant (iss \"{iss}\")",
                    name,
                    scope.describe(),
                    prov.scope_evidence.explanation
                ),
                key_ev([("token_tenant", opt(b.tenant.as_deref())), ("token_consumer", true.into())]),
                scope_ev,
            );
        }
        (Some(_), KeyScope::Tenant { tenant }) => match tenant_match(tenant, b) {
            TenantMatch::Same | TenantMatch::TokenNamesNone => {}
            TenantMatch::Other(t) => conflict(
                out,
                &mut unjudged,
                &KEY_TENANT_MISMATCH,
                format!("{} belongs to tenant {tenant} only but verified a token for tenant {t}", name),
                key_ev([("key_tenant", tenant.into()), ("token_tenant", t.as_str().into())]),
                scope_ev,
            ),
            TenantMatch::Unjudged(why) => unjudged.push(why),
        },
        (Some(_), KeyScope::Application { tenant, application }) => {
            if let Some(tenant) = tenant {
                match tenant_match(tenant, b) {
                    TenantMatch::Same | TenantMatch::TokenNamesNone => {}
                    TenantMatch::Other(t) => conflict(
                        out,
                        &mut unjudged,
                        &KEY_TENANT_MISMATCH,
                        format!("{} belongs to application {application} of tenant {tenant} only but verified a token for tenant {t}", name),
                        key_ev([("key_tenant", tenant.into()), ("token_tenant", t.as_str().into())]),
                        scope_ev,
                    ),
                    TenantMatch::Unjudged(why) => unjudged.push(why),
                }
            }
            let aud = f.claims.and_then(|c| c.get("aud")).cloned().unwrap_or(Value::Null);
            let app_ev = |named: EvidenceValue| {
                let mut e = key_ev([("key_application", application.into()), ("token_aud", ev::json(aud.clone()))]);
                e.insert("token_appid".to_owned(), opt(str_claim(f.claims, "appid")));
                e.insert("token_azp".to_owned(), opt(str_claim(f.claims, "azp")));
                e.insert("aud_applications".to_owned(), named);
                e
            };
            match application_match(&aud, application) {
                AppMatch::Same => {}
                AppMatch::Other(named) => conflict(
                    out,
                    &mut unjudged,
                    &KEY_APPLICATION_MISMATCH,
                    format!(
                        "{} signs for application {application} only ({}) but verified a token whose audience names application {}",
                        name,
                        prov.scope_evidence.explanation,
                        named.join(", ")
                    ),
                    app_ev(named.clone().into()),
                    scope_ev,
                ),
                AppMatch::Unnamed => {
                    out.push(KEY_APPLICATION_UNVERIFIABLE.finding(
                        format!(
                            "{} signs for application {application} only, but the token's audience {} names no application id, so whether it is that application's token cannot be judged",
                            name, aud
                        ),
                        app_ev(EvidenceValue::List(Vec::new())),
                    ));
                    unjudged.push(format!("the token's audience names no application id to compare with the application {application} of {}", name));
                }
            }
        }
        (_, KeyScope::Issuer { issuer }) if issuer != iss => conflict(
            out,
            &mut unjudged,
            &KEY_ISSUER_MISMATCH,
            format!("{} is bound to issuer \"{issuer}\" but verified a token of issuer \"{iss}\"", name),
            key_ev([("key_issuer", issuer.into()), ("token_issuer", iss.into())]),
            scope_ev,
        ),
        (None, s) if s.is_microsoft() => conflict(
            out,
            &mut unjudged,
            &KEY_ISSUER_MISMATCH,
            format!(
                "{} is a Microsoft key ({}) but verified a token of the non-Microsoft issuer \"{iss}\"",
                name,
                scope.describe()
            ),
            key_ev([("key_issuer", "a Microsoft cloud issuer".into()), ("token_issuer", iss.into())]),
            scope_ev,
        ),
        _ => {}
    }
    if let (true, Some(kc), Some(tc)) = (cloud_needed, prov.cloud, b.cloud) {
        if kc != tc {
            let token_host = match b.microsoft.as_ref() {
                Some(m) if !m.host.is_empty() => format!("issuer host \"{}\"", m.host),
                _ => format!("issuer \"{iss}\""),
            };
            conflict(
                out,
                &mut unjudged,
                &CROSS_CLOUD_KEY,
                format!(
                    "{} belongs to the {} ({}) but verified a token whose {token_host} is in the {}",
                    name,
                    kc.label(),
                    prov.cloud_evidence.explanation,
                    tc.label()
                ),
                key_ev([("key_cloud", ev::cloud(Some(kc))), ("token_cloud", ev::cloud(Some(tc)))]),
                Some(&prov.cloud_evidence),
            );
        }
    }
    let errors = out
        .get(before..)
        .unwrap_or_default()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Coverage::NotCovered(format!(
            "the scope of {} ({}) does not cover {}",
            name,
            scope.describe(),
            b.description
        ));
    }
    if !unknown_parts.is_empty() {
        return Coverage::Unknown(format!(
            "the {} of {} is unknown",
            unknown_parts.join(" and "),
            name
        ));
    }
    if !unjudged.is_empty() {
        return Coverage::Unknown(unjudged.join("; "));
    }
    if b.microsoft.is_some() && b.tenant.is_none() && b.tenant_name.is_none() {
        return Coverage::Unknown(format!("the token (iss \"{iss}\") names no tenant"));
    }
    Coverage::Covered(format!(
        "{} ({}{}) covers {}",
        name,
        scope.describe(),
        prov.cloud
            .filter(|_| scope.is_microsoft())
            .map_or(String::new(), |c| format!(", {}", c.label())),
        b.description
    ))
}

/// How a tenant-bound key's tenant compares with the token's.
enum TenantMatch {
    Same,
    Other(String),
    /// The token names no tenant (decided later: the boundary is unknown).
    TokenNamesNone,
    /// The key names its tenant one way (by name) and the token the other (by id).
    Unjudged(String),
}

/// Compares a key's tenant — an id, or a B2C tenant name label — with the token's tenant id or
/// name.
fn tenant_match(key_tenant: &str, b: &ClaimedBoundary) -> TenantMatch {
    if is_guid(key_tenant) {
        return match b.tenant.as_deref() {
            Some(t) if same_tenant(t, key_tenant) => TenantMatch::Same,
            Some(t) => TenantMatch::Other(t.to_owned()),
            None => TenantMatch::TokenNamesNone,
        };
    }
    match b.tenant_name.as_deref() {
        Some(n) if n.eq_ignore_ascii_case(key_tenant) => TenantMatch::Same,
        Some(n) => TenantMatch::Other(n.to_owned()),
        None if b.tenant.is_none() => TenantMatch::TokenNamesNone,
        None => TenantMatch::Unjudged(format!(
            "the key's tenant is named \"{key_tenant}\" but the token names its tenant only by id ({}), and a name cannot be compared with an id",
            b.tenant.as_deref().unwrap_or_default()
        )),
    }
}

/// How an application-bound key's application compares with the token's audience.
enum AppMatch {
    Same,
    /// The audience names these other applications.
    Other(Vec<String>),
    /// The audience names no application id (a URI such as `https://graph.microsoft.com` or
    /// a custom App ID URI).
    Unnamed,
}

/// The application id an audience value names: a bare GUID, `api://{guid}`, or the ACS form
/// `{guid}/{host}@{tenant}`.
fn audience_application(value: &str) -> Option<String> {
    let v = value.trim();
    let v = v.strip_prefix("api://").unwrap_or(v);
    let head = v.split(['/', '@']).next().unwrap_or(v);
    is_guid(head).then(|| head.to_ascii_lowercase())
}

fn application_match(aud: &Value, application: &str) -> AppMatch {
    let values: Vec<&str> = match aud {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let named: Vec<String> = values
        .iter()
        .filter_map(|v| audience_application(v))
        .collect();
    if named.iter().any(|a| same_tenant(a, application)) {
        AppMatch::Same
    } else if named.is_empty() {
        AppMatch::Unnamed
    } else {
        AppMatch::Other(named)
    }
}

/// Checks on the claims alone: IDX40004-style tenant consistency and the `ver` claim.
fn claims_only(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let b = f.boundary;
    let Some(m) = &b.microsoft else { return };
    if let Some(tid) = b.tid.as_deref() {
        if m.has_tenant_id() && !same_tenant(tid, &m.tenant) {
            out.push(ISSUER_TENANT_MISMATCH.finding(
                format!(
                    "the issuer \"{}\" names tenant {} but the tid claim is {tid}",
                    b.iss.as_deref().unwrap_or(""),
                    m.tenant
                ),
                evidence([
                    ("iss", opt(b.iss.as_deref())),
                    ("iss_tenant", (&m.tenant).into()),
                    ("tid", tid.into()),
                ]),
            ));
        }
    }
    // Azure AD B2C issues `ver: 1.0` tokens under its `/v2.0/` issuers (docs/microsoft-identity.md),
    // and the ACS form has no version shape at all.
    let mismatch = b.family != IssuerFamily::B2c
        && matches!(
            (b.ver.as_deref(), m.form),
            (Some("2.0"), IssuerForm::V1) | (Some("1.0"), IssuerForm::V2)
        );
    if mismatch {
        out.push(TOKEN_VERSION_ISSUER_MISMATCH.finding(
            format!(
                "the token says ver \"{}\" but its issuer \"{}\" has the {} form",
                b.ver.as_deref().unwrap_or(""),
                b.iss.as_deref().unwrap_or(""),
                match m.form {
                    IssuerForm::V1 => "v1",
                    IssuerForm::V2 => "v2",
                    IssuerForm::Acs => "ACS",
                }
            ),
            evidence([
                ("ver", opt(b.ver.as_deref())),
                ("iss", opt(b.iss.as_deref())),
            ]),
        ));
    }
}
