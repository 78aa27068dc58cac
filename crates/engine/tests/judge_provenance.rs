//! Key provenance: each part decided by the first available evidence, in the order issue 4 fixes,
//! and the evidence recorded (domain.md B.5 "Consequences for rules").
#![cfg(test)]

mod judge_support;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use judge_support::*;
use keyhole_engine::judge::provenance::{key_provenance, EvidenceKind, KeyScope};
use keyhole_engine::judge::Cloud;
use keyhole_engine::keys::{KeyEntry, KeySet};

fn prov(
    key: KeyEntry,
    source: Option<&str>,
    issuer: Option<&str>,
) -> keyhole_engine::judge::KeyProvenance {
    let set: KeySet = key_set(0, source, issuer, vec![key.clone()]);
    key_provenance(&key, &set)
}

#[test]
fn cloud_instance_name_beats_certificate_subject_and_source() {
    let mut k = entra_key("0/0", "k");
    k.cloud_instance_name = Some("microsoftonline.us".into());
    let p = prov(k, Some(COMMON_V2_KEYS), None);
    assert_eq!(p.cloud, Some(Cloud::UsGovernment));
    assert_eq!(p.cloud_evidence.kind, EvidenceKind::CloudInstanceName);
    assert!(!p.cloud_evidence.weak);
}

#[test]
fn certificate_subject_host_beats_source_host() {
    let mut k = entra_key("0/0", "k");
    k.cloud_instance_name = None;
    k.certificate = Some(certificate("CN=accounts.accesscontrol.chinacloudapi.cn"));
    let p = prov(k, Some(COMMON_V2_KEYS), None);
    assert_eq!(p.cloud, Some(Cloud::China));
    assert_eq!(p.cloud_evidence.kind, EvidenceKind::CertificateSubject);
}

#[test]
fn source_host_alone_is_weak_evidence_and_says_why() {
    let p = prov(
        bare_key("0/0", "k"),
        Some("https://login.microsoftonline.us/common/discovery/keys"),
        None,
    );
    assert_eq!(p.cloud, Some(Cloud::UsGovernment));
    assert_eq!(p.cloud_evidence.kind, EvidenceKind::KeySetSource);
    assert!(p.cloud_evidence.weak);
    assert!(
        p.cloud_evidence.explanation.contains("US Government"),
        "{}",
        p.cloud_evidence.explanation
    );
}

#[test]
fn unknown_cloud_instance_name_is_noted_and_skipped() {
    let mut k = bare_key("0/0", "k");
    k.cloud_instance_name = Some("example.org".into());
    let p = prov(k, None, None);
    assert_eq!(p.cloud, None);
    assert!(p.notes.iter().any(|n| n.contains("example.org")));
}

#[test]
fn key_issuer_template_means_any_organisation() {
    let p = prov(
        entra_key("0/0", "k"),
        Some("https://login.microsoftonline.com/consumers/discovery/v2.0/keys"),
        None,
    );
    assert_eq!(p.scope, KeyScope::AnyOrganization);
    assert_eq!(p.scope_evidence.kind, EvidenceKind::KeyIssuer);
    assert_eq!(p.scope_evidence.value.as_deref(), Some(ENTRA_V2_TEMPLATE));
}

#[test]
fn key_issuer_concrete_tenant_and_consumer_tenant() {
    let mut k = bare_key("0/0", "k");
    k.issuer = Some(format!(
        "https://sts.windows.net/{}/",
        ORG_TENANT.to_uppercase()
    ));
    assert_eq!(
        prov(k, None, None).scope,
        KeyScope::Tenant {
            tenant: ORG_TENANT.into()
        }
    );
    let p = prov(consumer_key("0/0", "k"), None, None);
    assert_eq!(p.scope, KeyScope::Consumer);
}

#[test]
fn key_issuer_of_another_provider_is_that_issuer() {
    let mut k = bare_key("0/0", "k");
    k.issuer = Some("https://issuer.example/".into());
    assert_eq!(
        prov(k, None, None).scope,
        KeyScope::Issuer {
            issuer: "https://issuer.example/".into()
        }
    );
}

#[test]
fn live_id_certificate_subject_means_consumer_when_the_key_has_no_issuer() {
    let mut k = consumer_key("0/0", "k");
    k.issuer = None;
    let p = prov(
        k,
        Some("https://login.microsoftonline.com/organizations/discovery/v2.0/keys"),
        None,
    );
    assert_eq!(p.scope, KeyScope::Consumer);
    assert_eq!(p.scope_evidence.kind, EvidenceKind::CertificateSubject);
}

#[test]
fn source_paths_decide_scope() {
    let cases = [
        ("https://login.microsoftonline.com/consumers/discovery/v2.0/keys", KeyScope::Consumer),
        ("https://login.microsoftonline.com/organizations/discovery/v2.0/keys", KeyScope::AnyOrganization),
        ("https://login.microsoftonline.com/common/discovery/keys", KeyScope::AnyOrganization),
        (
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/discovery/v2.0/keys",
            KeyScope::Tenant { tenant: ORG_TENANT.into() },
        ),
        ("https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/discovery/v2.0/keys", KeyScope::Consumer),
        ("https://nexus.passport.com/public/partner/discovery/key", KeyScope::Consumer),
        ("https://login.microsoftonline.com/common/discovery/v2.0/keys", KeyScope::Unknown),
        ("https://keys.example/jwks.json", KeyScope::Unknown),
    ];
    for (source, expected) in cases {
        let p = prov(bare_key("0/0", "k"), Some(source), None);
        assert_eq!(p.scope, expected, "{source}");
        if expected != KeyScope::Unknown {
            assert_eq!(
                p.scope_evidence.kind,
                EvidenceKind::KeySetSource,
                "{source}"
            );
        }
    }
}

#[test]
fn declared_issuer_decides_last() {
    let p = prov(
        bare_key("0/0", "k"),
        None,
        Some("https://accounts.google.com"),
    );
    assert_eq!(
        p.scope,
        KeyScope::Issuer {
            issuer: "https://accounts.google.com".into()
        }
    );
    assert_eq!(p.scope_evidence.kind, EvidenceKind::DeclaredIssuer);
    let p = prov(
        bare_key("0/0", "k"),
        None,
        Some(&format!(
            "https://login.microsoftonline.com/{ORG_TENANT}/v2.0"
        )),
    );
    assert_eq!(
        p.scope,
        KeyScope::Tenant {
            tenant: ORG_TENANT.into()
        }
    );
    let p = prov(bare_key("0/0", "k"), None, None);
    assert_eq!(p.scope, KeyScope::Unknown);
    assert_eq!(p.scope_evidence.kind, EvidenceKind::None);
    assert!(!p.is_known());
}

#[test]
fn a_microsoft_scope_without_a_cloud_is_not_known() {
    let mut k = entra_key("0/0", "k");
    k.cloud_instance_name = None;
    k.certificate = None;
    let p = prov(k, None, None);
    assert_eq!(p.scope, KeyScope::AnyOrganization);
    assert_eq!(p.cloud, None);
    assert!(!p.is_known());
}

#[test]
fn certificate_window_and_compromised_match_are_recorded() {
    let mut k = consumer_key("0/0", "1LTMzakihiRla_8z2BEJVXeWMqo");
    if let Some(c) = k.certificate.as_mut() {
        c.sha1_hex = "d4b4cccda9228624656bff33d8110955779632aa".into();
    }
    let p = prov(k, None, None);
    assert_eq!(
        p.certificate.as_ref().map(|c| c.not_after),
        Some(1_893_456_000)
    );
    let m = p.compromised.unwrap();
    assert_eq!(m.matched_on, "certificate SHA-1");
    assert!(m.sources.iter().any(|s| s.contains("microsoft.com")));
}

/// A provenance keeps the name it worked out (every token's copy carries it), and the kept name
/// takes no part in comparisons or in the report's JSON: a report read back equals the original.
#[test]
fn a_provenances_kept_name_is_its_name_and_not_part_of_the_report() {
    let p = prov(entra_key("1/0", "kid-1"), Some(COMMON_V2_KEYS), None);
    let fresh = p.clone();
    let named = p.name();
    assert_eq!(
        named,
        keyhole_engine::model::key_name("1/0", Some(COMMON_V2_KEYS), Some("kid-1"), false)
    );
    assert!(named.starts_with("key set 2 ("), "{named}");
    assert_eq!(p.clone().name(), named);
    assert_eq!(p, fresh);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(serde_json::to_value(&fresh).unwrap(), json);
    assert!(json.get("name").is_none(), "{json}");
    let back: keyhole_engine::judge::KeyProvenance = serde_json::from_value(json).unwrap();
    assert_eq!(back.name(), named);
}
