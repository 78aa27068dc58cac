//! Boundary rules: does the verifying key's scope (consumer, any organisational tenant, one
//! tenant, one issuer) and cloud cover the tenant and cloud the token claims? Comparisons are
//! semantic — tenant ids and cloud alias groups, not issuer strings — so a v1 token
//! (`https://sts.windows.net/{tid}/`) verified by a key published with the v2 template
//! (`https://login.microsoftonline.com/{tenantid}/v2.0`) is covered. Also the claim-only checks
//! Microsoft.IdentityModel performs (IDX40004) and the `ver`/issuer-form consistency.

use serde_json::json;

use super::{evidence, opt, Facts};
use super::{
    CONSUMER_KEY_FOR_ORGANIZATION_TENANT, CROSS_CLOUD_KEY, ISSUER_TENANT_MISMATCH,
    KEY_ISSUER_MISMATCH, KEY_TENANT_MISMATCH, MISSING_ISSUER, ORGANIZATION_KEY_FOR_CONSUMER_TENANT,
    TOKEN_VERSION_ISSUER_MISMATCH, UNKNOWN_KEY_PROVENANCE,
};
use crate::judge::provenance::KeyScope;
use crate::judge::tenants::{same_tenant, IssuerForm};
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
    let Some(iss) = b.iss.as_deref() else {
        out.push(MISSING_ISSUER.finding(
            "the token has no \"iss\" claim, so its boundary cannot be compared with the key's scope".to_owned(),
            evidence([("key_id", json!(key.id))]),
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
                "the {} of verifying key {} could not be established ({}), so whether it may sign for {} cannot be judged",
                unknown_parts.join(" and "),
                key.id,
                if *scope == KeyScope::Unknown { prov.scope_evidence.explanation.as_str() } else { prov.cloud_evidence.explanation.as_str() },
                b.description
            ),
            evidence([
                ("key_id", json!(key.id)),
                ("unknown", json!(unknown_parts)),
                ("key_set_source", opt(prov.source.as_deref())),
            ]),
        ));
    }
    let before = out.len();
    let key_ev = |extra: [(&str, serde_json::Value); 2]| {
        let mut e = evidence([
            ("key_id", json!(key.id)),
            ("key_scope", json!(scope)),
            ("scope_evidence", json!(prov.scope_evidence.explanation)),
            ("token_iss", json!(iss)),
            ("token_tid", opt(b.tid.as_deref())),
        ]);
        e.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
        e
    };
    match (&b.microsoft, scope) {
        (Some(_), KeyScope::Consumer) if b.consumer == Some(false) => {
            out.push(CONSUMER_KEY_FOR_ORGANIZATION_TENANT.finding(
                format!(
                    "key {} is a Microsoft consumer-account key ({}) but verified a token for organisational tenant {} (iss \"{iss}\"): the Storm-0558 pattern",
                    key.id,
                    prov.scope_evidence.explanation,
                    b.tenant.as_deref().unwrap_or("?")
                ),
                key_ev([("token_tenant", opt(b.tenant.as_deref())), ("consumer_tenant", json!(crate::judge::tenants::CONSUMER_TENANT))]),
            ));
        }
        (Some(_), KeyScope::AnyOrganization | KeyScope::Tenant { .. })
            if b.consumer == Some(true) =>
        {
            out.push(ORGANIZATION_KEY_FOR_CONSUMER_TENANT.finding(
                format!(
                    "key {} may sign for {} ({}) but verified a token for the consumer tenant (iss \"{iss}\")",
                    key.id,
                    scope.describe(),
                    prov.scope_evidence.explanation
                ),
                key_ev([("token_tenant", opt(b.tenant.as_deref())), ("token_consumer", json!(true))]),
            ));
        }
        (Some(_), KeyScope::Tenant { tenant }) => {
            if let Some(t) = b.tenant.as_deref().filter(|t| !same_tenant(t, tenant)) {
                out.push(KEY_TENANT_MISMATCH.finding(
                    format!("key {} belongs to tenant {tenant} only but verified a token for tenant {t}", key.id),
                    key_ev([("key_tenant", json!(tenant)), ("token_tenant", json!(t))]),
                ));
            }
        }
        (_, KeyScope::Issuer { issuer }) if issuer != iss => {
            out.push(KEY_ISSUER_MISMATCH.finding(
                format!("key {} is bound to issuer \"{issuer}\" but verified a token of issuer \"{iss}\"", key.id),
                key_ev([("key_issuer", json!(issuer)), ("token_issuer", json!(iss))]),
            ));
        }
        (None, s) if s.is_microsoft() => {
            out.push(KEY_ISSUER_MISMATCH.finding(
                format!(
                    "key {} is a Microsoft key ({}) but verified a token of the non-Microsoft issuer \"{iss}\"",
                    key.id,
                    scope.describe()
                ),
                key_ev([("key_issuer", json!("a Microsoft cloud issuer")), ("token_issuer", json!(iss))]),
            ));
        }
        _ => {}
    }
    if let (true, Some(kc), Some(tc)) = (cloud_needed, prov.cloud, b.cloud) {
        if kc != tc {
            out.push(CROSS_CLOUD_KEY.finding(
                format!(
                    "key {} belongs to the {} ({}) but verified a token whose issuer host \"{}\" is in the {}",
                    key.id,
                    kc.label(),
                    prov.cloud_evidence.explanation,
                    b.microsoft.as_ref().map_or("?", |m| m.host.as_str()),
                    tc.label()
                ),
                key_ev([("key_cloud", json!(kc)), ("token_cloud", json!(tc))]),
            ));
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
            "key {}'s scope ({}) does not cover {}",
            key.id,
            scope.describe(),
            b.description
        ));
    }
    if !unknown_parts.is_empty() {
        return Coverage::Unknown(format!(
            "the {} of key {} is unknown",
            unknown_parts.join(" and "),
            key.id
        ));
    }
    if b.microsoft.is_some() && b.tenant.is_none() {
        return Coverage::Unknown(format!("the token (iss \"{iss}\") names no tenant"));
    }
    Coverage::Covered(format!(
        "key {} ({}{}) covers {}",
        key.id,
        scope.describe(),
        prov.cloud
            .filter(|_| scope.is_microsoft())
            .map_or(String::new(), |c| format!(", {}", c.label())),
        b.description
    ))
}

/// Checks on the claims alone: IDX40004-style tenant consistency and the `ver` claim.
fn claims_only(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let b = f.boundary;
    let Some(m) = &b.microsoft else { return };
    if let Some(tid) = b.tid.as_deref() {
        if !m.is_template() && !same_tenant(tid, &m.tenant) {
            out.push(ISSUER_TENANT_MISMATCH.finding(
                format!(
                    "the issuer \"{}\" names tenant {} but the tid claim is {tid}",
                    b.iss.as_deref().unwrap_or(""),
                    m.tenant
                ),
                evidence([
                    ("iss", opt(b.iss.as_deref())),
                    ("iss_tenant", json!(m.tenant)),
                    ("tid", json!(tid)),
                ]),
            ));
        }
    }
    let mismatch = matches!(
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
                }
            ),
            evidence([
                ("ver", opt(b.ver.as_deref())),
                ("iss", opt(b.iss.as_deref())),
            ]),
        ));
    }
}
