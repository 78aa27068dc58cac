//! Key provenance: which cloud a trusted key belongs to and which tenants it may sign for, each
//! part with the evidence that decided it (issue 4; domain.md B.5). The evidence order is fixed:
//!
//! * cloud: the key's `cloud_instance_name`, else the host in its certificate subject, else the
//!   host its key set was fetched from. The last is weak: real global key sets also publish US
//!   Government keys, so the provenance says when set membership is all there is.
//! * scope: the key's `issuer` (`{tenantid}` template = any organisational tenant, the consumer
//!   tenant = consumer accounts, a concrete tenant = that tenant, any other issuer = exactly that
//!   issuer), else its certificate subject (`CN=Live ID STS Signing Public Key` = consumer), else
//!   the key set's source path (`/consumers/`, `/organizations/`, v1 `/common/discovery/keys`,
//!   `/{tenant-id}/`; the v2 `/common/` set mixes consumer and organisational keys and decides
//!   nothing), else the key set's declared issuer, else unknown.
//!
//! What binds a key to one tenant is evidence about the key, not the URL it was found at:
//! a tenant's own key URL (`/{tenant-id}/discovery/…`, `{tenant}.ciamlogin.com/…`) also serves
//! keys shared by every tenant, so it is weak evidence (it permits the tenant it names, and a
//! token of another tenant under it is left unjudged, never a violation). Key sets whose URL
//! names what they hold by Microsoft's design decide strongly: `/consumers/`, `/organizations/`,
//! v1 `/common/`, an application's own keys (`…/keys?appid={app}` → that tenant and app), an
//! Azure AD B2C custom policy (`B2C_1A_…` → the tenant's own policy keys) and a B2C built-in
//! user flow (`B2C_1_…` → Microsoft-managed keys that B2C tenants share: no tenant binding).

use super::boundary::tenant_name_label;
use super::clouds::tenant_issuer_host;
use super::clouds::{cloud_of_domain, cloud_of_issuer_host, split_url, Cloud};
use super::compromised;
use super::tenants::{
    is_b2c_custom_policy, is_b2c_policy, is_consumer_tenant, is_guid, parse_microsoft_issuer,
    same_tenant,
};
use crate::keys::{KeyEntry, KeySet};
pub use crate::model::{CertificateWindow, Evidence, EvidenceKind, KeyProvenance, KeyScope};

/// The subject of Microsoft consumer-account (MSA) signing certificates.
pub const MSA_CERT_SUBJECT_CN: &str = "Live ID STS Signing Public Key";

/// The legacy MSA partner key endpoint host; it publishes consumer keys only (domain.md B.5).
pub const MSA_PARTNER_KEY_HOST: &str = "nexus.passport.com";

impl KeyScope {
    /// True for the scopes that only make sense inside a Microsoft cloud (and so need a cloud).
    pub fn is_microsoft(&self) -> bool {
        matches!(
            self,
            KeyScope::AnyOrganization
                | KeyScope::Consumer
                | KeyScope::Tenant { .. }
                | KeyScope::Application { .. }
        )
    }

    /// A phrase for messages.
    pub fn describe(&self) -> String {
        match self {
            KeyScope::AnyOrganization => "any organisational tenant".to_owned(),
            KeyScope::Consumer => "Microsoft consumer accounts only".to_owned(),
            KeyScope::Tenant { tenant } => format!("tenant {tenant} only"),
            KeyScope::Application {
                tenant: Some(tenant),
                application,
            } => format!("application {application} of tenant {tenant} only"),
            KeyScope::Application {
                tenant: None,
                application,
            } => format!("application {application} only"),
            KeyScope::Issuer { issuer } => format!("issuer {issuer} only"),
            KeyScope::Unknown => "unknown".to_owned(),
        }
    }
}

impl Evidence {
    fn new(kind: EvidenceKind, value: Option<&str>, weak: bool, explanation: String) -> Self {
        Evidence {
            kind,
            value: value.map(str::to_owned),
            weak,
            explanation,
        }
    }
}

impl KeyProvenance {
    /// True when the boundary can be judged: a known scope, and a known cloud for Microsoft scopes.
    pub fn is_known(&self) -> bool {
        match self.scope {
            KeyScope::Unknown => false,
            ref s if s.is_microsoft() => self.cloud.is_some(),
            _ => true,
        }
    }
}

/// The common name of an RFC 4514-style subject (`CN=…`), if any.
pub fn subject_common_name(subject: &str) -> Option<&str> {
    subject
        .split([',', '+'])
        .map(str::trim)
        .find_map(|rdn| {
            rdn.strip_prefix("CN=")
                .or_else(|| rdn.strip_prefix("cn="))
                .or_else(|| rdn.strip_prefix("CN ="))
        })
        .map(str::trim)
}

/// Decides the provenance of one trusted key from the key and its set.
pub fn key_provenance(key: &KeyEntry, set: &KeySet) -> KeyProvenance {
    let mut notes = Vec::new();
    let cloud_part = decide_cloud(key, set, &mut notes);
    let (scope, scope_evidence) = decide_scope(key, set, &mut notes);
    let certificate = key.certificate.as_ref().map(|c| CertificateWindow {
        subject: c.subject.clone(),
        not_before: c.not_before,
        not_after: c.not_after,
        sha1_hex: c.sha1_hex.clone(),
    });
    let mut scope_evidence = scope_evidence;
    if set.issuer_from_catalogue && scope_evidence.kind == EvidenceKind::DeclaredIssuer {
        // No issuer was declared: the catalogue's record of the source endpoint supplied it.
        scope_evidence.kind = EvidenceKind::Catalogue;
        scope_evidence.explanation = format!(
            "Keyhole's catalogue of published keys records {} as the issuer of the endpoint {} (no issuer was declared for the key set): {}",
            scope_evidence.value.as_deref().unwrap_or_default(),
            set.source.as_deref().unwrap_or_default(),
            scope.describe()
        );
    }
    KeyProvenance {
        key_id: key.id.clone(),
        kid: key.kid.clone(),
        source: set.source.clone(),
        cloud: cloud_part.0,
        cloud_evidence: cloud_part.1,
        scope,
        scope_evidence,
        certificate,
        compromised: compromised::match_key(key),
        notes,
        catalogue: None,
        name: Default::default(),
    }
}

fn decide_cloud(
    key: &KeyEntry,
    set: &KeySet,
    notes: &mut Vec<String>,
) -> (Option<Cloud>, Evidence) {
    if let Some(name) = key.cloud_instance_name.as_deref() {
        if let Some(cloud) = cloud_of_domain(name) {
            return (
                Some(cloud),
                Evidence::new(
                    EvidenceKind::CloudInstanceName,
                    Some(name),
                    false,
                    format!(
                        "the key's cloud_instance_name \"{name}\" is the {}",
                        cloud.label()
                    ),
                ),
            );
        }
        notes.push(format!(
            "the key's cloud_instance_name \"{name}\" is not a known Microsoft cloud"
        ));
    }
    if let Some(cert) = &key.certificate {
        if let Some(cn) = subject_common_name(&cert.subject) {
            if let Some(cloud) = cloud_of_domain(cn) {
                return (
                    Some(cloud),
                    Evidence::new(
                        EvidenceKind::CertificateSubject,
                        Some(&cert.subject),
                        false,
                        format!(
                            "the key's certificate subject host \"{cn}\" is in the {}",
                            cloud.label()
                        ),
                    ),
                );
            }
        }
    }
    if let Some(source) = set.source.as_deref() {
        if let Some((host, _)) = split_url(source) {
            if let Some(cloud) = cloud_of_issuer_host(&host).or_else(|| cloud_of_domain(&host)) {
                return (
                    Some(cloud),
                    Evidence::new(
                        EvidenceKind::KeySetSource,
                        Some(source),
                        true,
                        format!(
                            "only the key set's source host \"{host}\" says {}; set membership is weak evidence, since real global key sets also publish US Government keys",
                            cloud.label()
                        ),
                    ),
                );
            }
        }
    }
    (
        None,
        Evidence::new(
            EvidenceKind::None,
            None,
            false,
            "no cloud_instance_name, no cloud host in a certificate subject, and no Microsoft key set source".to_owned(),
        ),
    )
}

/// Reads a Microsoft issuer (key `issuer` or declared) as a scope; None when it is not one.
fn microsoft_scope(issuer: &str) -> Option<KeyScope> {
    let parsed = parse_microsoft_issuer(issuer)?;
    Some(if parsed.is_template() {
        KeyScope::AnyOrganization
    } else if is_consumer_tenant(&parsed.tenant) {
        KeyScope::Consumer
    } else if parsed.has_tenant_id() {
        KeyScope::Tenant {
            tenant: parsed.tenant.to_ascii_lowercase(),
        }
    } else {
        KeyScope::Tenant {
            tenant: tenant_name_label(&parsed.tenant)?,
        }
    })
}

/// What the key set's source path says about the scope of every key in it.
enum SourcePath {
    /// The scope, why, and whether the evidence is weak (the URL alone, which also serves
    /// shared keys).
    Decides(KeyScope, String, bool),
    Mixed,
    Silent,
}

/// The value of a query parameter of a URL (first occurrence, not percent-decoded: the values
/// Keyhole reads are GUIDs and policy names).
pub fn query_param<'u>(url: &'u str, name: &str) -> Option<&'u str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        k.eq_ignore_ascii_case(name).then_some(v)
    })
}

/// The application of an app-specific key set (`…/keys?appid={app}`) and the tenant its path
/// names (None for `common`/`organizations`).
fn application_source(source: &str) -> Option<(Option<String>, String)> {
    let app = query_param(source, "appid").filter(|a| is_guid(a))?;
    let (host, path) = split_url(source)?;
    cloud_of_issuer_host(&host).or_else(|| tenant_issuer_host(&host).map(|(c, _)| c))?;
    let tenant = path
        .trim_matches('/')
        .split('/')
        .find(|s| is_guid(s))
        .map(str::to_ascii_lowercase);
    Some((tenant, app.to_ascii_lowercase()))
}

/// An Azure AD B2C key set: on a `{tenant}.b2clogin.com` host, or an Entra host with a `te` /
/// `tfp` path or a B2C policy in the path or the `p` parameter. Returns the policy (if named)
/// and the tenant (its id, else its name label).
fn b2c_source(
    source: &str,
    host: &str,
    segments: &[&str],
) -> Option<(Option<String>, Option<String>)> {
    let host_tenant = tenant_issuer_host(host)
        .filter(|_| host.ends_with("b2clogin.com"))
        .map(|(_, label)| label);
    let policy = segments
        .iter()
        .find(|s| is_b2c_policy(s))
        .map(|s| (*s).to_owned())
        .or_else(|| {
            query_param(source, "p")
                .filter(|p| is_b2c_policy(p))
                .map(str::to_owned)
        });
    let first = segments.first().copied().unwrap_or("");
    let prefixed = first.eq_ignore_ascii_case("te") || first.eq_ignore_ascii_case("tfp");
    if host_tenant.is_none() && !prefixed && policy.is_none() {
        return None;
    }
    let tenant_segment = segments.get(usize::from(prefixed)).copied().unwrap_or("");
    let tenant = if is_guid(tenant_segment) {
        Some(tenant_segment.to_ascii_lowercase())
    } else if tenant_segment.contains('.') {
        tenant_name_label(tenant_segment)
    } else {
        host_tenant
    };
    Some((policy, tenant))
}

fn source_path_scope(source: &str) -> SourcePath {
    let Some((host, path)) = split_url(source) else {
        return SourcePath::Silent;
    };
    if host == MSA_PARTNER_KEY_HOST {
        return SourcePath::Decides(
            KeyScope::Consumer,
            format!("{host} is the Microsoft consumer-account partner key endpoint"),
            false,
        );
    }
    if cloud_of_issuer_host(&host).is_none() && tenant_issuer_host(&host).is_none() {
        return SourcePath::Silent;
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let Some((tenant, application)) = application_source(source) {
        let scope = KeyScope::Application {
            tenant,
            application,
        };
        return SourcePath::Decides(
            scope,
            "an application's own key set (?appid=), which holds the keys that application's tokens are signed with".to_owned(),
            false,
        );
    }
    if let Some((policy, tenant)) = b2c_source(source, &host, &segments) {
        return match (policy, tenant) {
            (Some(p), _) if !is_b2c_custom_policy(&p) => SourcePath::Decides(
                KeyScope::AnyOrganization,
                format!("an Azure AD B2C built-in user flow ({p}) key set; user flows sign with Microsoft-managed keys that B2C tenants share, so the set binds its keys to no tenant"),
                false,
            ),
            (Some(p), Some(t)) => SourcePath::Decides(
                KeyScope::Tenant { tenant: t.clone() },
                format!("tenant {t}'s Azure AD B2C custom policy ({p}) key set; custom policies sign with the tenant's own policy keys"),
                false,
            ),
            (None, Some(t)) => SourcePath::Decides(
                KeyScope::Tenant { tenant: t.clone() },
                format!("tenant {t}'s Azure AD B2C key set (no policy named); a tenant's URL also serves shared keys, so this is weak evidence"),
                true,
            ),
            _ => SourcePath::Silent,
        };
    }
    let first = segments.first().copied().unwrap_or("");
    let is_v2 = segments.contains(&"v2.0");
    match first.to_ascii_lowercase().as_str() {
        "consumers" => SourcePath::Decides(
            KeyScope::Consumer,
            "a /consumers/ key set".to_owned(),
            false,
        ),
        "organizations" => SourcePath::Decides(
            KeyScope::AnyOrganization,
            "an /organizations/ key set".to_owned(),
            false,
        ),
        "common" if !is_v2 => SourcePath::Decides(
            KeyScope::AnyOrganization,
            "the v1 /common/discovery/keys set (organisational keys)".to_owned(),
            false,
        ),
        "common" => SourcePath::Mixed,
        t if is_guid(t) && is_consumer_tenant(t) => SourcePath::Decides(
            KeyScope::Consumer,
            "the consumer tenant's key set".to_owned(),
            false,
        ),
        t if is_guid(t) => SourcePath::Decides(
            KeyScope::Tenant {
                tenant: t.to_owned(),
            },
            format!("tenant {t}'s key set; a tenant's URL also serves keys every tenant shares, so it is weak evidence of a tenant binding"),
            true,
        ),
        _ => SourcePath::Silent,
    }
}

fn decide_scope(key: &KeyEntry, set: &KeySet, notes: &mut Vec<String>) -> (KeyScope, Evidence) {
    if let Some(issuer) = key
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let scope = microsoft_scope(issuer).unwrap_or_else(|| KeyScope::Issuer {
            issuer: issuer.to_owned(),
        });
        // A tenant key in an application's own key set belongs to that application.
        if let (KeyScope::Tenant { tenant }, Some((app_tenant, application))) =
            (&scope, set.source.as_deref().and_then(application_source))
        {
            if app_tenant.as_deref().is_none_or(|t| same_tenant(t, tenant)) {
                let scope = KeyScope::Application {
                    tenant: Some(tenant.clone()),
                    application,
                };
                let explanation = format!(
                    "the key's own issuer \"{issuer}\" names its tenant and its key set {} is that application's own: {}",
                    set.source.as_deref().unwrap_or_default(),
                    scope.describe()
                );
                return (
                    scope,
                    Evidence::new(EvidenceKind::KeyIssuer, Some(issuer), false, explanation),
                );
            }
        }
        let explanation = format!(
            "the key's own issuer \"{issuer}\" means {}",
            scope.describe()
        );
        return (
            scope,
            Evidence::new(EvidenceKind::KeyIssuer, Some(issuer), false, explanation),
        );
    }
    if let Some(cert) = &key.certificate {
        if subject_common_name(&cert.subject) == Some(MSA_CERT_SUBJECT_CN) {
            return (
                KeyScope::Consumer,
                Evidence::new(
                    EvidenceKind::CertificateSubject,
                    Some(&cert.subject),
                    false,
                    format!("the certificate subject \"{}\" is Microsoft's consumer-account signing certificate", cert.subject),
                ),
            );
        }
    }
    let mut mixed = false;
    if let Some(source) = set.source.as_deref() {
        match source_path_scope(source) {
            SourcePath::Decides(scope, why, weak) => {
                let explanation =
                    format!("the key set source {source} is {why}: {}", scope.describe());
                return (
                    scope,
                    Evidence::new(EvidenceKind::KeySetSource, Some(source), weak, explanation),
                );
            }
            SourcePath::Mixed => {
                mixed = true;
                notes.push(format!(
                    "the key set source {source} is a v2 /common/ set, which publishes consumer and organisational keys together; it decides nothing about this key"
                ));
            }
            SourcePath::Silent => {}
        }
    }
    if let Some(declared) = set
        .declared_issuer
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match microsoft_scope(declared) {
            Some(KeyScope::AnyOrganization) if mixed => notes.push(format!(
                "the declared issuer \"{declared}\" is the multi-tenant template of a mixed /common/ set; it does not show that this key is organisational"
            )),
            Some(scope) => {
                let explanation = format!("the key set's declared issuer \"{declared}\" means {}", scope.describe());
                return (
                    scope,
                    Evidence::new(EvidenceKind::DeclaredIssuer, Some(declared), false, explanation),
                );
            }
            None => {
                let scope = KeyScope::Issuer {
                    issuer: declared.to_owned(),
                };
                return (
                    scope,
                    Evidence::new(
                        EvidenceKind::DeclaredIssuer,
                        Some(declared),
                        false,
                        format!("the key set's declared issuer \"{declared}\": tokens of exactly that issuer"),
                    ),
                );
            }
        }
    }
    (
        KeyScope::Unknown,
        Evidence::new(
            EvidenceKind::None,
            None,
            false,
            "no key issuer, no consumer certificate subject, no deciding key set source and no declared issuer".to_owned(),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const TID: &str = "775527ff-9a37-4307-8b3d-cc311f58d925";
    const APP: &str = "11111111-2222-4333-8444-555555555555";

    fn decided(source: &str) -> Option<(KeyScope, bool)> {
        match source_path_scope(source) {
            SourcePath::Decides(scope, _, weak) => Some((scope, weak)),
            _ => None,
        }
    }

    fn tenant(t: &str) -> KeyScope {
        KeyScope::Tenant {
            tenant: t.to_owned(),
        }
    }

    #[test]
    fn b2c_user_flows_bind_no_tenant_and_custom_policies_bind_theirs() {
        for source in [
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/discovery/v2.0/keys",
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/discovery/v2.0/keys?p=b2c_1_susi",
            "https://login.microsoftonline.com/te/contoso.onmicrosoft.com/b2c_1_susi/discovery/v2.0/keys",
        ] {
            assert_eq!(
                decided(source),
                Some((KeyScope::AnyOrganization, false)),
                "{source}"
            );
        }
        assert_eq!(
            decided("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signin/discovery/v2.0/keys"),
            Some((tenant("contoso"), false))
        );
        assert_eq!(
            decided(&format!(
                "https://login.microsoftonline.com/{TID}/discovery/v2.0/keys?p=B2C_1A_signin"
            )),
            Some((tenant(TID), false))
        );
        // No policy named: the tenant's URL, weak.
        assert_eq!(
            decided("https://contoso.b2clogin.com/contoso.onmicrosoft.com/discovery/v2.0/keys"),
            Some((tenant("contoso"), true))
        );
    }

    #[test]
    fn application_sets_and_tenant_urls() {
        assert_eq!(
            decided(&format!(
                "https://login.microsoftonline.com/{TID}/discovery/v2.0/keys?appid={APP}"
            )),
            Some((
                KeyScope::Application {
                    tenant: Some(TID.to_owned()),
                    application: APP.to_owned()
                },
                false
            ))
        );
        assert_eq!(
            decided(&format!(
                "https://login.microsoftonline.com/common/discovery/keys?appid={APP}"
            )),
            Some((
                KeyScope::Application {
                    tenant: None,
                    application: APP.to_owned()
                },
                false
            ))
        );
        // A tenant's own URL (workforce or External ID) binds only weakly.
        for source in [
            format!("https://login.microsoftonline.com/{TID}/discovery/keys"),
            format!("https://{TID}.ciamlogin.com/{TID}/discovery/v2.0/keys"),
        ] {
            assert_eq!(decided(&source), Some((tenant(TID), true)), "{source}");
        }
        assert_eq!(
            query_param("https://x/keys?a=1&AppId=z#f", "appid"),
            Some("z")
        );
    }
}
