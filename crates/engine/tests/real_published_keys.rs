//! Real published keys (issue 13): `../shared/fixtures/history/published-keys.json` holds 342
//! public signing keys of 23 endpoints (Entra global / US Government / China / pre-production
//! v1 sets, the Entra v2 common and organizations sets, and 17 other identity providers), each
//! exactly as published. Every endpoint's keys are read as one key set with the endpoint's real
//! URL, and every key must be read (with a `non-conformant-key-encoding` warning where the
//! provider does not write base64url) and get the cloud and scope its own metadata implies.
//!
//! The expected cloud and scope are derived here from the key's published members, not from the
//! engine: `cloud_instance_name` first, else the certificate subject's host, and the key's
//! `issuer` (or a consumer certificate subject) for the scope.
#![cfg(test)]

mod common;

use std::collections::BTreeMap;

use common::fixture_json;
use keyhole_engine::judge::{key_provenance, Cloud, KeyScope};
use keyhole_engine::keys::{parse_key_set, KeySet};
use serde_json::{json, Value};

const CONSUMER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
const ENTRA_TEMPLATE: &str = "https://login.microsoftonline.com/{tenantid}/v2.0";

/// The cloud a published `cloud_instance_name` names.
fn cloud_of_instance_name(name: &str) -> Option<Cloud> {
    match name {
        "microsoftonline.com" => Some(Cloud::Public),
        "microsoftonline.us" => Some(Cloud::UsGovernment),
        "windows-ppe.net" => Some(Cloud::Preproduction),
        _ => None,
    }
}

/// The cloud a Microsoft signing certificate's subject names (the subjects in the data).
fn cloud_of_subject(subject: &str) -> Option<Cloud> {
    match subject {
        "CN=accounts.accesscontrol.windows.net" => Some(Cloud::Public),
        "CN=login.microsoftonline.us" => Some(Cloud::UsGovernment),
        "CN=accounts.accesscontrol.chinacloudapi.cn" => Some(Cloud::China),
        "CN=accounts.accesscontrol.windows-ppe.net" => Some(Cloud::Preproduction),
        _ => None,
    }
}

struct Endpoint {
    issuer: Option<String>,
    jwks: Vec<Value>,
}

fn endpoints(data: &Value) -> BTreeMap<String, Endpoint> {
    let mut by_endpoint: BTreeMap<String, Endpoint> = BTreeMap::new();
    for k in data.get("keys").and_then(Value::as_array).expect("no keys") {
        let endpoint = k
            .get("endpoint")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let e = by_endpoint.entry(endpoint).or_insert(Endpoint {
            issuer: None,
            jwks: Vec::new(),
        });
        e.issuer = k
            .get("endpoint_issuer")
            .and_then(Value::as_str)
            .map(str::to_owned);
        e.jwks.push(k.get("jwk").cloned().unwrap_or(Value::Null));
    }
    by_endpoint
}

fn read(index: usize, endpoint: &str, e: &Endpoint) -> KeySet {
    parse_key_set(
        index,
        Some(endpoint),
        e.issuer.as_deref(),
        &json!({ "keys": e.jwks }),
    )
}

#[test]
fn every_published_key_is_read_with_the_cloud_and_scope_its_metadata_implies() {
    let Some(data) = fixture_json("fixtures/history/published-keys.json") else {
        return;
    };
    let endpoints = endpoints(&data);
    assert_eq!(endpoints.len(), 23);
    let (mut total, mut read_keys, mut lenient) = (0, 0, 0);
    for (index, (endpoint, e)) in endpoints.iter().enumerate() {
        let set = read(index, endpoint, e);
        total += e.jwks.len();
        read_keys += set.keys.len();
        assert!(set.problems.is_empty(), "{endpoint}: {:?}", set.problems);
        assert_eq!(set.keys.len(), e.jwks.len(), "{endpoint}");
        let microsoft = endpoint.contains("microsoftonline") || endpoint.contains("windows-ppe");
        for (key, jwk) in set.keys.iter().zip(&e.jwks) {
            let kid = key.kid.as_deref().unwrap_or_default();
            let s = |m: &str| jwk.get(m).and_then(Value::as_str);
            // A non-conformant member is read with a warning naming the key and the member.
            let standard_or_padded = ["n", "e", "x", "y"]
                .into_iter()
                .filter(|m| s(m).is_some_and(|v| v.contains(['+', '/', '='])))
                .collect::<Vec<_>>();
            if !standard_or_padded.is_empty() {
                lenient += 1;
                for m in standard_or_padded {
                    assert!(
                        set.warnings
                            .iter()
                            .any(|w| w.starts_with("non-conformant-key-encoding")
                                && w.contains(&format!("\"{kid}\""))
                                && w.contains(&format!("\"{m}\""))),
                        "{endpoint} {kid}: {:?}",
                        set.warnings
                    );
                }
            }
            let p = key_provenance(key, &set);
            if !microsoft {
                let issuer = e.issuer.clone().unwrap_or_default();
                assert_eq!(p.scope, KeyScope::Issuer { issuer }, "{endpoint} {kid}");
                continue;
            }
            let subject = key.certificate.as_ref().map(|c| c.subject.as_str());
            let by_name = s("cloud_instance_name").and_then(cloud_of_instance_name);
            let by_subject = subject.and_then(cloud_of_subject);
            // Where a key carries both, they agree (dual-published keys included).
            if let (Some(a), Some(b)) = (by_name, by_subject) {
                assert_eq!(a, b, "{endpoint} {kid}");
            }
            let consumer = subject == Some("CN=Live ID STS Signing Public Key")
                || s("issuer").is_some_and(|i| i.contains(CONSUMER_TENANT));
            match by_name.or(by_subject) {
                Some(cloud) => {
                    assert_eq!(p.cloud, Some(cloud), "{endpoint} {kid}");
                    assert!(!p.cloud_evidence.weak, "{endpoint} {kid}");
                }
                // Consumer keys carry neither: only their key set's host says public.
                None => {
                    assert!(consumer, "{endpoint} {kid}: {subject:?}");
                    assert_eq!(p.cloud, Some(Cloud::Public), "{endpoint} {kid}");
                    assert!(p.cloud_evidence.weak, "{endpoint} {kid}");
                }
            }
            let expected_scope = if consumer {
                KeyScope::Consumer
            } else {
                // Template issuers, and v1 /common/ sets (no issuer): any organisational tenant.
                assert!(
                    s("issuer").is_none_or(|i| i == ENTRA_TEMPLATE),
                    "{endpoint} {kid}"
                );
                KeyScope::AnyOrganization
            };
            assert_eq!(p.scope, expected_scope, "{endpoint} {kid}");
            assert!(!p.scope_evidence.weak, "{endpoint} {kid}");
        }
    }
    assert_eq!((total, read_keys), (342, 342));
    // Battle.net's 7 RSA keys (n in standard base64) and PayPal's X25519 key (padded x).
    assert_eq!(lenient, 8);
}

#[test]
fn paypals_x25519_key_agreement_key_is_read_but_never_verifies_a_signature() {
    let Some(data) = fixture_json("fixtures/history/published-keys.json") else {
        return;
    };
    let endpoints = endpoints(&data);
    let endpoint = "https://api.paypal.com/v1/oauth2/certs";
    let e = endpoints.get(endpoint).expect("no PayPal keys");
    let set = read(0, endpoint, e);
    let x25519 = set
        .keys
        .iter()
        .find(|k| k.kty == "OKP")
        .unwrap_or_else(|| panic!("the X25519 key was not read: {:?}", set.problems));
    let kid = x25519.kid.clone().unwrap_or_default();
    // An EdDSA token naming it: X25519 is a key-agreement curve (RFC 8037 §3.1), so the
    // algorithm does not fit the key and the signature is never checked with it.
    let header = json!({"alg": "EdDSA", "kid": kid});
    let token = format!(
        "{}.{}.{}",
        keyhole_engine::b64::encode_url(header.to_string().as_bytes()),
        keyhole_engine::b64::encode_url(br#"{"iss":"https://www.paypal.com"}"#),
        keyhole_engine::b64::encode_url(&[7u8; 64])
    );
    let case = keyhole_engine::CaseFile {
        now: Some(1_717_200_000),
        key_sets: vec![keyhole_engine::case::CaseKeySet {
            source: Some(endpoint.to_owned()),
            issuer: e.issuer.clone(),
            document: json!({"keys": e.jwks}),
        }],
        tokens: vec![token],
        ..Default::default()
    };
    let report = keyhole_engine::analyze_with_reference(
        &case,
        &keyhole_engine::AnalyzeOptions::at(1_717_200_000),
    );
    let t = report.tokens.first().unwrap();
    assert!(
        t.findings.iter().any(|f| f.code == "alg-key-type-mismatch"),
        "{:?}",
        t.findings
    );
    assert!(t.signing_key.as_ref().is_none_or(|k| !k.verified));
    assert_ne!(t.verdict, keyhole_engine::report::Verdict::Permitted);
}

#[test]
fn the_real_b2c_user_flow_key_binds_to_no_tenant_and_a_custom_policy_set_would() {
    let Some(doc) = fixture_json("fixtures/real/b2c-user-flow-shared-key.json") else {
        return;
    };
    let user_flow = parse_key_set(
        0,
        Some("https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/B2C_1_SignUpSignIn/discovery/v2.0/keys"),
        None,
        &doc,
    );
    let key = user_flow.keys.first().unwrap();
    let p = key_provenance(key, &user_flow);
    assert_eq!(p.scope, KeyScope::AnyOrganization);
    assert!(!p.scope_evidence.weak);
    // No certificate, no cloud_instance_name: only the b2clogin.com host says public.
    assert_eq!(p.cloud, Some(Cloud::Public));
    assert!(p.cloud_evidence.weak);
    let custom = parse_key_set(
        0,
        Some("https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/B2C_1A_signin/discovery/v2.0/keys"),
        None,
        &doc,
    );
    let key = custom.keys.first().unwrap();
    assert_eq!(
        key_provenance(key, &custom).scope,
        KeyScope::Tenant {
            tenant: "fabrikamb2c".to_owned()
        }
    );
}
