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

use super::clouds::{cloud_of_domain, cloud_of_issuer_host, split_url, Cloud};
use super::compromised;
use super::tenants::{is_consumer_tenant, is_guid, parse_microsoft_issuer};
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
            KeyScope::AnyOrganization | KeyScope::Consumer | KeyScope::Tenant { .. }
        )
    }

    /// A phrase for messages.
    pub fn describe(&self) -> String {
        match self {
            KeyScope::AnyOrganization => "any organisational tenant".to_owned(),
            KeyScope::Consumer => "Microsoft consumer accounts only".to_owned(),
            KeyScope::Tenant { tenant } => format!("tenant {tenant} only"),
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
    } else {
        KeyScope::Tenant {
            tenant: parsed.tenant.to_ascii_lowercase(),
        }
    })
}

/// What the key set's source path says about the scope of every key in it.
enum SourcePath {
    Decides(KeyScope, String),
    Mixed,
    Silent,
}

fn source_path_scope(source: &str) -> SourcePath {
    let Some((host, path)) = split_url(source) else {
        return SourcePath::Silent;
    };
    if host == MSA_PARTNER_KEY_HOST {
        return SourcePath::Decides(
            KeyScope::Consumer,
            format!("{host} is the Microsoft consumer-account partner key endpoint"),
        );
    }
    if cloud_of_issuer_host(&host).is_none() {
        return SourcePath::Silent;
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let first = segments.first().copied().unwrap_or("");
    let is_v2 = segments.contains(&"v2.0");
    match first.to_ascii_lowercase().as_str() {
        "consumers" => SourcePath::Decides(KeyScope::Consumer, "a /consumers/ key set".to_owned()),
        "organizations" => SourcePath::Decides(
            KeyScope::AnyOrganization,
            "an /organizations/ key set".to_owned(),
        ),
        "common" if !is_v2 => SourcePath::Decides(
            KeyScope::AnyOrganization,
            "the v1 /common/discovery/keys set (organisational keys)".to_owned(),
        ),
        "common" => SourcePath::Mixed,
        t if is_guid(t) && is_consumer_tenant(t) => SourcePath::Decides(
            KeyScope::Consumer,
            "the consumer tenant's key set".to_owned(),
        ),
        t if is_guid(t) => SourcePath::Decides(
            KeyScope::Tenant {
                tenant: t.to_owned(),
            },
            format!("tenant {t}'s own key set"),
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
            SourcePath::Decides(scope, why) => {
                let explanation =
                    format!("the key set source {source} is {why}: {}", scope.describe());
                return (
                    scope,
                    Evidence::new(EvidenceKind::KeySetSource, Some(source), false, explanation),
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
