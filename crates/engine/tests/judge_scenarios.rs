//! End-to-end judgements of the patterns issue 4 names: the Storm-0558 pattern (a consumer key
//! signing an organisational-tenant token), a cross-cloud token (US Government key, commercial
//! issuer), a clean token, header-key attacks, plus the verdict ladder and the report shape.
//! Tokens are synthetic: the signature outcome is given to the judgement, not computed.
#![cfg(test)]

mod judge_support;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use judge_support::*;
use keyhole_engine::judge::provenance::EvidenceKind;
use keyhole_engine::judge::{self, Cloud, KeyScope};
use keyhole_engine::report::{Report, Severity, TokenReport, Verdict};
use keyhole_engine::verify::{MatchedBy, Verification};
use keyhole_engine::TokenError;
use serde_json::{json, Value};

const STORM_KID: &str = "1LTMzakihiRla_8z2BEJVXeWMqo";
/// 2023-06-15, inside the Storm-0558 activity window (domain.md A.1).
const JUNE_2023: i64 = 1_686_787_200;

/// The Storm-0558 key as hand-built facts (domain.md A.5): MSA issuer, Live ID certificate that
/// expired 2021-04-04T14:43:35Z, SHA-1 d4b4cccd…
fn storm_key(id: &str) -> keyhole_engine::keys::KeyEntry {
    let mut k = consumer_key(id, STORM_KID);
    if let Some(c) = k.certificate.as_mut() {
        c.not_before = 1_459_867_415;
        c.not_after = 1_617_547_415;
        c.sha1_hex = "d4b4cccda9228624656bff33d8110955779632aa".into();
    }
    k
}

fn storm_scenario() -> Scenario {
    let mut s = Scenario::clean();
    s.header = json!({"typ": "JWT", "alg": "RS256", "kid": STORM_KID});
    s.now = JUNE_2023 + 600;
    s.claims = json!({
        "iss": format!("https://login.microsoftonline.com/{ORG_TENANT}/v2.0"),
        "tid": ORG_TENANT,
        "ver": "2.0",
        "aud": "00000002-0000-0ff1-ce00-000000000000",
        "iat": JUNE_2023,
        "nbf": JUNE_2023,
        "exp": JUNE_2023 + 3600
    });
    s.sets = vec![key_set(
        0,
        Some(COMMON_V2_KEYS),
        None,
        vec![entra_key("0/0", "k1"), storm_key("0/1")],
    )];
    s.verification = verified("0/1");
    s
}

fn codes(s: &Scenario) -> Vec<String> {
    s.codes()
}

#[test]
fn storm_0558_pattern_consumer_key_signing_an_organisation_tenant_token() {
    let s = storm_scenario();
    let j = s.judge();
    assert_eq!(j.verdict, Verdict::Violation);
    let c = codes(&s);
    for expected in [
        "consumer-key-for-organization-tenant",
        "known-compromised-key",
        "signing-cert-expired-at-issue",
    ] {
        assert!(
            c.iter().any(|x| x == expected),
            "{expected} missing from {c:?}"
        );
    }
    let f = j
        .findings
        .iter()
        .find(|f| f.code == "consumer-key-for-organization-tenant")
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.evidence_json().get("token_tenant"),
        Some(&json!(ORG_TENANT))
    );
    assert!(
        f.message.contains(ORG_TENANT) && f.message.contains("key set 1"),
        "{}",
        f.message
    );
    let key = j.signing_key.unwrap();
    assert!(key.verified);
    assert_eq!(key.provenance.scope, KeyScope::Consumer);
    assert_eq!(key.provenance.scope_evidence.kind, EvidenceKind::KeyIssuer);
    assert!(key.provenance.compromised.is_some());
}

#[test]
fn storm_0558_pattern_is_caught_from_the_certificate_subject_when_the_key_has_no_issuer() {
    let mut s = storm_scenario();
    if let Some(k) = s.set().keys.get_mut(1) {
        k.issuer = None;
    }
    let j = s.judge();
    let key = j.signing_key.as_ref().unwrap();
    assert_eq!(key.provenance.scope, KeyScope::Consumer);
    assert_eq!(
        key.provenance.scope_evidence.kind,
        EvidenceKind::CertificateSubject
    );
    assert!(j
        .findings
        .iter()
        .any(|f| f.code == "consumer-key-for-organization-tenant"));
}

#[test]
fn the_same_consumer_key_signing_a_consumer_token_is_only_flagged_as_compromised() {
    let mut s = storm_scenario();
    let mut claims = v2_claims(CONSUMER_TENANT);
    claims["iat"] = json!(JUNE_2023);
    s.claims = claims;
    let c = codes(&s);
    assert!(
        !c.iter()
            .any(|x| x == "consumer-key-for-organization-tenant"),
        "{c:?}"
    );
    assert!(c.iter().any(|x| x == "known-compromised-key"));
}

#[test]
fn cross_cloud_us_government_key_signing_a_commercial_token() {
    // As on the real global common v2 set (domain.md B.5): a US Government key published with
    // the commercial {tenantid} issuer template.
    let mut s = Scenario::clean();
    s.key().cloud_instance_name = Some("microsoftonline.us".into());
    s.key().certificate = Some(certificate("CN=login.microsoftonline.us"));
    let j = s.judge();
    assert_eq!(j.verdict, Verdict::Violation);
    let f = j
        .findings
        .iter()
        .find(|f| f.code == "cross-cloud-key")
        .unwrap();
    assert_eq!(
        f.evidence_json()["key_cloud"]["cloud"],
        json!("us_government")
    );
    assert_eq!(f.evidence_json()["token_cloud"]["cloud"], json!("public"));
    assert_eq!(f.evidence["key_cloud"].words(), "US Government cloud");
    let p = &j.signing_key.unwrap().provenance;
    assert_eq!(p.cloud_evidence.kind, EvidenceKind::CloudInstanceName);
}

#[test]
fn cross_cloud_from_the_certificate_subject_when_cloud_instance_name_is_absent() {
    let mut s = Scenario::clean();
    s.key().cloud_instance_name = None;
    s.key().certificate = Some(certificate("CN=login.microsoftonline.us"));
    let j = s.judge();
    assert!(j.findings.iter().any(|f| f.code == "cross-cloud-key"));
    let p = &j.signing_key.unwrap().provenance;
    assert_eq!(p.cloud, Some(Cloud::UsGovernment));
    assert_eq!(p.cloud_evidence.kind, EvidenceKind::CertificateSubject);
}

#[test]
fn clean_token_is_permitted_with_the_reason_and_provenance() {
    let j = Scenario::clean().judge();
    assert_eq!(j.verdict, Verdict::Permitted);
    assert!(j.findings.is_empty());
    assert!(
        j.verdict_reason.contains("key set 1") && j.verdict_reason.contains(ORG_TENANT),
        "{}",
        j.verdict_reason
    );
    let key = j.signing_key.unwrap();
    assert_eq!(key.provenance.scope, KeyScope::AnyOrganization);
    assert_eq!(key.provenance.cloud, Some(Cloud::Public));
    assert_eq!(j.boundary.cloud, Some(Cloud::Public));
}

#[test]
fn warnings_do_not_stop_a_permitted_verdict() {
    let mut s = Scenario::clean();
    s.claim("exp", json!(NOW - 10));
    let j = s.judge();
    assert_eq!(j.verdict, Verdict::Permitted);
    assert_eq!(j.findings.len(), 1);
}

#[test]
fn v1_token_signed_by_a_key_with_the_v2_template_is_permitted() {
    let mut s = Scenario::clean();
    s.claims = json!({
        "iss": format!("https://sts.windows.net/{ORG_TENANT}/"),
        "tid": ORG_TENANT, "ver": "1.0", "iat": NOW - 60, "exp": NOW + 60
    });
    assert_eq!(s.verdict(), Verdict::Permitted, "{:?}", s.codes());
}

#[test]
fn header_key_attack_embedded_jwk_is_a_violation() {
    // RFC 8725 §3.10: the attacker signs with their own key and ships it in the header.
    let mut s = Scenario::clean();
    s.header =
        json!({"alg": "RS256", "typ": "JWT", "jwk": {"kty": "RSA", "n": "0vx7", "e": "AQAB"}});
    s.verification = Verification::NoMatchingKey {
        detail: "the header names no kid; no trusted key verified".into(),
    };
    let j = s.judge();
    assert_eq!(j.verdict, Verdict::Violation);
    let f = j
        .findings
        .iter()
        .find(|f| f.code == "header-embedded-key")
        .unwrap();
    assert_eq!(f.evidence_json().get("parameters"), Some(&json!(["jwk"])));
}

#[test]
fn header_key_attack_jku_is_a_violation_even_if_a_trusted_key_verified() {
    let mut s = Scenario::clean();
    s.header_param("jku", json!("https://attacker.example/keys"));
    assert_eq!(s.verdict(), Verdict::Violation);
}

#[test]
fn x5c_of_the_trusted_key_itself_is_not_an_embedded_key() {
    use sha1::{Digest, Sha1};
    let der = b"the trusted key's own certificate";
    let mut s = Scenario::clean();
    s.header_param("x5c", json!([keyhole_engine::b64::encode_std(der)]));
    if let Some(c) = s.key().certificate.as_mut() {
        c.sha1_hex = Sha1::digest(der)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    }
    assert_eq!(s.verdict(), Verdict::Permitted, "{:?}", s.codes());
    // The same x5c, but the signature was not verified by that key: it proves nothing.
    s.verification = Verification::NoMatchingKey {
        detail: "none".into(),
    };
    assert!(s.codes().iter().any(|c| c == "header-embedded-key"));
}

#[test]
fn no_matching_key_without_errors_is_unverified() {
    let mut s = Scenario::clean();
    s.verification = Verification::NoMatchingKey {
        detail: "no trusted key has kid \"k1\"".into(),
    };
    let j = s.judge();
    assert_eq!(j.verdict, Verdict::Unverified);
    assert!(j.signing_key.is_none());
}

#[test]
fn verified_by_a_key_of_unknown_provenance_is_unverified() {
    let mut s = Scenario::clean();
    s.sets = vec![key_set(0, None, None, vec![bare_key("0/0", "k1")])];
    let j = s.judge();
    assert_eq!(j.verdict, Verdict::Unverified);
    assert!(j.verdict_reason.contains("scope"), "{}", j.verdict_reason);
}

#[test]
fn a_bare_key_on_the_mixed_v2_common_set_decides_nothing() {
    let mut s = Scenario::clean();
    s.sets = vec![key_set(
        0,
        Some(COMMON_V2_KEYS),
        Some(ENTRA_V2_TEMPLATE),
        vec![bare_key("0/0", "k1")],
    )];
    let j = s.judge();
    assert_eq!(j.verdict, Verdict::Unverified);
    let p = j.signing_key.unwrap().provenance;
    assert_eq!(p.scope, KeyScope::Unknown);
    assert!(
        p.notes.iter().any(|n| n.contains("/common/")),
        "{:?}",
        p.notes
    );
}

#[test]
fn generic_openid_issuer_key_permits_its_own_issuer_only() {
    let mut s = Scenario::clean();
    s.sets = vec![key_set(
        0,
        Some("https://www.googleapis.com/oauth2/v3/certs"),
        Some("https://accounts.google.com"),
        vec![bare_key("0/0", "k1")],
    )];
    s.claims =
        json!({"iss": "https://accounts.google.com", "sub": "1", "iat": NOW - 5, "exp": NOW + 60});
    assert_eq!(s.verdict(), Verdict::Permitted, "{:?}", s.codes());
    s.claim(
        "iss",
        json!(format!(
            "https://login.microsoftonline.com/{ORG_TENANT}/v2.0"
        )),
    );
    assert!(s.codes().iter().any(|c| c == "key-issuer-mismatch"));
}

#[test]
fn microsoft_key_signing_a_non_microsoft_issuer_is_a_key_issuer_mismatch() {
    let mut s = Scenario::clean();
    s.claims = json!({"iss": "https://issuer.example", "iat": NOW - 5});
    assert!(s.codes().iter().any(|c| c == "key-issuer-mismatch"));
}

#[test]
fn msdocs_sample_shape_iss_consumer_tid_other_is_issuer_tenant_mismatch() {
    // domain.md D: the v2 docs sample has iss tenant 9188040d but tid 3338040d.
    let mut s = Scenario::clean();
    s.claims = json!({
        "iss": format!("https://login.microsoftonline.com/{CONSUMER_TENANT}/v2.0"),
        "tid": "3338040d-6c67-4c5b-b112-36a304b66dad", "ver": "2.0"
    });
    s.verification = Verification::NoMatchingKey { detail: "x".into() };
    assert!(s.codes().iter().any(|c| c == "issuer-tenant-mismatch"));
}

#[test]
fn every_verdict_is_exactly_one_of_four() {
    let malformed = TokenReport::malformed(
        3,
        &TokenError::WrongSegmentCount { found: 2 },
        Some(keyhole_engine::report::FoundAt::Text {
            count: 1,
            locations: vec![keyhole_engine::extract::Location {
                line: 1,
                column: 11,
                offset: 10,
                length: 20,
                context: keyhole_engine::extract::LocationContext::Text,
                log: None,
            }],
        }),
    );
    assert_eq!(malformed.verdict, Verdict::Malformed);
    assert!(malformed
        .error
        .as_deref()
        .unwrap_or("")
        .contains("3 dot-separated"));
    let verdicts = [storm_scenario().verdict(), Scenario::clean().verdict(), {
        let mut s = Scenario::clean();
        s.verification = Verification::NoMatchingKey { detail: "x".into() };
        s.verdict()
    }];
    assert_eq!(
        verdicts,
        [Verdict::Violation, Verdict::Permitted, Verdict::Unverified]
    );
}

fn sample_report() -> Report {
    let clean = Scenario::clean();
    let mut other_tenant = Scenario::clean();
    other_tenant.claims = v2_claims(OTHER_TENANT);
    let mut tokens: Vec<TokenReport> = vec![clean.report(0), other_tenant.report(1)];
    tokens.push(TokenReport::malformed(2, &TokenError::Empty, None));
    let keys = judge::key_usage(&clean.sets, &tokens);
    Report::new(NOW, tokens, keys)
}

#[test]
fn report_has_the_issue_4_shape_and_round_trips() {
    let report = sample_report();
    let v: Value = serde_json::to_value(&report).unwrap();
    let t0 = &v["tokens"][0];
    for field in [
        "verdict",
        "findings",
        "header",
        "claims",
        "signing_key",
        "found_at",
    ] {
        assert!(t0.get(field).is_some(), "token report lacks {field}");
    }
    assert_eq!(t0["verdict"], json!("permitted"));
    assert_eq!(t0["signing_key"]["matched_by"], json!("kid"));
    assert_eq!(
        t0["found_at"],
        json!({"source": "tokens", "index": 0, "count": 1})
    );
    let k0 = &v["keys"][0];
    for field in [
        "kid", "source", "cloud", "scope", "tenants", "clouds", "tokens", "findings",
    ] {
        assert!(k0.get(field).is_some(), "key report lacks {field}");
    }
    assert_eq!(k0["tokens"], json!(2));
    assert_eq!(k0["tenants"], json!([ORG_TENANT, OTHER_TENANT]));
    assert_eq!(k0["clouds"], json!(["public"]));
    assert_eq!(v["summary"]["permitted"], json!(2));
    assert_eq!(v["summary"]["malformed"], json!(1));
    let back: Report = serde_json::from_value(v).unwrap();
    assert_eq!(back, report);
    assert!(!report.has_violation());
}

#[test]
fn key_matrix_counts_only_tokens_the_key_verified() {
    let storm = storm_scenario();
    let mut unverified = storm_scenario();
    unverified.verification = Verification::SignatureInvalid {
        key_ids: vec!["0/1".into()],
        matched_by: MatchedBy::Kid,
        verifier: "test".into(),
    };
    let tokens = vec![storm.report(0), unverified.report(1)];
    let keys = judge::key_usage(&storm.sets, &tokens);
    assert_eq!(keys.len(), 2);
    let storm_row = keys.iter().find(|k| k.key_id == "0/1").unwrap();
    assert_eq!(storm_row.tokens, 1);
    assert_eq!(storm_row.token_indexes, vec![0]);
    assert_eq!(storm_row.scope, KeyScope::Consumer);
    let entra_row = keys.iter().find(|k| k.key_id == "0/0").unwrap();
    assert_eq!(entra_row.tokens, 0);
}

#[test]
fn key_used_across_tenants_names_the_tenants() {
    let mut tenant_key = Scenario::clean();
    tenant_key.key().issuer = Some(format!(
        "https://login.microsoftonline.com/{ORG_TENANT}/v2.0"
    ));
    let mut second = tenant_key.clone();
    second.claims = v2_claims(OTHER_TENANT);
    let tokens = vec![tenant_key.report(0), second.report(1)];
    let keys = judge::key_usage(&tenant_key.sets, &tokens);
    let f = keys.first().and_then(|k| k.findings.first()).unwrap();
    assert_eq!(f.code, "key-used-across-tenants");
    assert_eq!(
        f.evidence_json().get("tenants"),
        Some(&json!([ORG_TENANT, OTHER_TENANT]))
    );
    // The token itself was already a violation (key-tenant-mismatch).
    assert_eq!(tokens.get(1).map(|t| t.verdict), Some(Verdict::Violation));
}

#[test]
#[ignore = "prints a sample report for people to read: cargo test --test judge_scenarios -- --ignored --nocapture"]
fn print_sample_reports() {
    let mut cross = Scenario::clean();
    cross.key().cloud_instance_name = Some("microsoftonline.us".into());
    let tokens = vec![storm_scenario().report(0), cross.report(1)];
    let keys = judge::key_usage(&storm_scenario().sets, &tokens);
    let r = Report::new(NOW, tokens, keys);
    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
}
