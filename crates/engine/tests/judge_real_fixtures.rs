//! The judgement over real public Microsoft metadata in ../shared/fixtures/real (read-only,
//! never copied into the repository). The key-document parser is developed separately, so the
//! keys are read here with a minimal adapter that keeps only the JWK members the provenance uses
//! (kid, x5t, issuer, cloud_instance_name); certificates are not parsed in this file.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

mod judge_support;

use std::path::Path;

use common::fixture;
use hmac::{Hmac, Mac};
use judge_support::*;
use keyhole_engine::b64;
use keyhole_engine::judge::{self, Cloud, JudgeOptions, KeyScope};
use keyhole_engine::keys::{KeyEntry, KeySet};
use keyhole_engine::report::Verdict;
use keyhole_engine::verify::{MatchedBy, Verification};
use serde_json::Value;

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Minimal JWKS adapter: one bare `KeyEntry` per JWK, with kid/x5t/use/issuer/cloud_instance_name.
fn jwks(dir: &Path, rel: &str, index: usize, source: &str) -> KeySet {
    let doc: Value = serde_json::from_str(&read(dir, rel)).unwrap();
    let keys: Vec<KeyEntry> = doc["keys"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, jwk)| {
            let s = |k: &str| jwk.get(k).and_then(Value::as_str).map(str::to_owned);
            let mut k = bare_key(&format!("{index}/{i}"), "");
            k.kid = s("kid");
            k.x5t = s("x5t");
            k.use_ = s("use");
            k.issuer = s("issuer");
            k.cloud_instance_name = s("cloud_instance_name");
            k
        })
        .collect();
    key_set(index, Some(source), None, keys)
}

/// The Microsoft Docs sample tokens carry `=` padding in their payload segment, which the strict
/// compact parser rejects (RFC 7515 §2 says unpadded); the judgement is what is under test here,
/// so the padding is removed before parsing.
fn unpadded(token: &str) -> String {
    token
        .trim()
        .split('.')
        .map(|p| p.trim_end_matches('='))
        .collect::<Vec<_>>()
        .join(".")
}

fn provenances(set: &KeySet) -> Vec<keyhole_engine::judge::KeyProvenance> {
    set.keys
        .iter()
        .map(|k| judge::key_provenance(k, set))
        .collect()
}

#[test]
fn storm_0558_consumers_set_2016_and_a_2023_token_naming_its_kid() {
    let Some(dir) = fixture("fixtures") else {
        return;
    };
    let set = jwks(
        &dir,
        "real/msa-consumers-v2-jwks.2016-storm0558-key.json",
        0,
        "https://login.microsoftonline.com/consumers/discovery/v2.0/keys",
    );
    // A synthetic 2023 token claiming an organisational tenant and naming the Storm-0558 kid; its
    // signature is junk (the real private key is not public), so the verifier would say invalid.
    let mut s = Scenario::clean();
    s.header =
        serde_json::json!({"typ": "JWT", "alg": "RS256", "kid": "1LTMzakihiRla_8z2BEJVXeWMqo"});
    s.now = 1_686_873_600;
    s.claims = serde_json::json!({
        "iss": format!("https://login.microsoftonline.com/{ORG_TENANT}/v2.0"),
        "tid": ORG_TENANT, "ver": "2.0", "iat": 1_686_787_200, "exp": 1_686_790_800
    });
    s.sets = vec![set.clone()];
    s.verification = Verification::SignatureInvalid {
        key_ids: vec!["0/0".into()],
        matched_by: MatchedBy::Kid,
        verifier: "test".into(),
    };
    // Issue 12: a signature that does not verify with the key it names is invalid (forged or
    // altered), and a key that did not sign the token is only named: a warning, no key findings.
    let j = s.judge();
    assert_eq!(j.verdict, Verdict::Invalid);
    let codes: Vec<&str> = j.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(!codes.contains(&"known-compromised-key"), "{codes:?}");
    assert!(
        !codes.contains(&"signing-cert-expired-at-issue"),
        "{codes:?}"
    );
    let f = j
        .findings
        .iter()
        .find(|f| f.code == "names-compromised-key")
        .unwrap_or_else(|| panic!("{:?}", j.findings));
    assert!(!f.message.contains("documentation sample"), "{}", f.message);
    let key = j.signing_key.unwrap();
    assert!(!key.verified);
    assert_eq!(key.provenance.scope, KeyScope::Consumer);
    assert_eq!(key.provenance.cloud, Some(Cloud::Public));
    // Had the forged signature verified, the boundary rule would name the pattern, and the key
    // findings would be made: it is the known compromised key.
    s.verification = verified("0/0");
    let codes = s.codes();
    for code in [
        "consumer-key-for-organization-tenant",
        "known-compromised-key",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} missing from {codes:?}"
        );
    }
    assert!(
        !codes.iter().any(|c| c == "names-compromised-key"),
        "{codes:?}"
    );
}

#[test]
fn msdocs_v2_sample_token_names_the_storm_key_before_the_abuse_window() {
    let Some(dir) = fixture("fixtures") else {
        return;
    };
    let token = parse(&unpadded(&read(
        &dir,
        "real/msdocs-sample-idtoken-v2-msa-kid-1LTMz.jwt",
    )));
    let set = jwks(
        &dir,
        "real/msa-consumers-v2-jwks.2016-storm0558-key.json",
        0,
        "https://login.microsoftonline.com/consumers/discovery/v2.0/keys",
    );
    let v = Verification::SignatureInvalid {
        key_ids: vec!["0/0".into()],
        matched_by: MatchedBy::Kid,
        verifier: "test".into(),
    };
    let j = judge::judge_token(&token, &v, &[set], &JudgeOptions::at(NOW));
    let codes: Vec<&str> = j.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(j.verdict, Verdict::Invalid, "{}", j.verdict_reason);
    assert!(!codes.contains(&"known-compromised-key"), "{codes:?}");
    for expected in [
        "names-compromised-key",
        "issuer-tenant-mismatch",
        "signature-invalid",
        "token-expired",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {codes:?}"
        );
    }
    let f = j
        .findings
        .iter()
        .find(|f| f.code == "names-compromised-key")
        .unwrap();
    assert!(f.message.contains("documentation sample"), "{}", f.message);
}

#[test]
fn msdocs_v1_sample_token_with_no_trusted_key_is_unverified() {
    let Some(dir) = fixture("fixtures") else {
        return;
    };
    let token = parse(&unpadded(&read(
        &dir,
        "real/msdocs-sample-idtoken-v1-aad.jwt",
    )));
    let j = judge::judge_token(
        &token,
        &Verification::NoMatchingKey {
            detail: "kid not in supplied sets".into(),
        },
        &[],
        &JudgeOptions::at(NOW),
    );
    assert_eq!(j.verdict, Verdict::Unverified, "{:?}", j.findings);
    assert_eq!(
        j.boundary.tenant.as_deref(),
        Some("fa15d692-e9c7-4460-a743-29f2956fd429")
    );
    assert_eq!(j.boundary.consumer, Some(false));
}

#[test]
fn global_common_v2_2025_separates_consumer_us_and_commercial_keys() {
    let Some(dir) = fixture("fixtures") else {
        return;
    };
    let set = jwks(
        &dir,
        "real/entra-global-common-v2-jwks.2025-with-cloud_instance_name.json",
        0,
        "https://login.microsoftonline.com/common/discovery/v2.0/keys",
    );
    let p = provenances(&set);
    assert_eq!(p.len(), 6);
    let consumer = p.iter().filter(|p| p.scope == KeyScope::Consumer).count();
    let us = p
        .iter()
        .filter(|p| p.cloud == Some(Cloud::UsGovernment))
        .count();
    let org_public = p
        .iter()
        .filter(|p| p.scope == KeyScope::AnyOrganization && p.cloud == Some(Cloud::Public))
        .count();
    assert_eq!((consumer, us, org_public), (2, 2, 2));
    assert!(p.iter().all(|p| p.is_known()));
}

#[test]
fn a_us_key_from_the_global_set_signing_a_commercial_token_is_cross_cloud() {
    let Some(dir) = fixture("fixtures") else {
        return;
    };
    let set = jwks(
        &dir,
        "real/entra-global-common-v2-jwks.2025-with-cloud_instance_name.json",
        0,
        "https://login.microsoftonline.com/common/discovery/v2.0/keys",
    );
    let us_key = set
        .keys
        .iter()
        .find(|k| k.cloud_instance_name.as_deref() == Some("microsoftonline.us"))
        .map(|k| k.id.clone())
        .unwrap();
    let mut s = Scenario::clean();
    s.sets = vec![set];
    s.verification = verified(&us_key);
    assert!(
        s.codes().iter().any(|c| c == "cross-cloud-key"),
        "{:?}",
        s.codes()
    );
}

#[test]
fn v1_sets_without_issuer_are_organisational_by_source_path() {
    let Some(dir) = fixture("fixtures") else {
        return;
    };
    let global = jwks(
        &dir,
        "real/entra-global-common-v1-jwks.2026-07.json",
        0,
        "https://login.microsoftonline.com/common/discovery/keys",
    );
    let p = provenances(&global);
    assert!(p.iter().all(|p| p.scope == KeyScope::AnyOrganization));
    assert_eq!(
        p.iter()
            .filter(|p| p.cloud == Some(Cloud::UsGovernment))
            .count(),
        2
    );
    let china = jwks(
        &dir,
        "real/entra-china-common-v1-jwks.2026-07.json",
        1,
        "https://login.partner.microsoftonline.cn/common/discovery/keys",
    );
    let p = provenances(&china);
    assert_eq!(p.len(), 1);
    assert!(p
        .iter()
        .all(|p| p.cloud == Some(Cloud::China) && p.cloud_evidence.weak));
}

#[test]
fn weak_hmac_secret_with_the_wallarm_list() {
    let Some(dir) = fixture("fixtures") else {
        return;
    };
    let list: Vec<String> = read(&dir, "vectors/weak-secrets/wallarm_jwt.secrets.list")
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(list.len() > 100_000);
    let secret = list.iter().rev().find(|s| s.len() > 12).cloned().unwrap();
    let header = b64::encode_url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = b64::encode_url(br#"{"iss":"https://issuer.example","sub":"u"}"#);
    let input = format!("{header}.{payload}");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    let token = parse(&format!(
        "{input}.{}",
        b64::encode_url(&mac.finalize().into_bytes())
    ));
    let v = Verification::NoMatchingKey {
        detail: "none".into(),
    };
    let without = judge::judge_token(&token, &v, &[], &JudgeOptions::at(NOW));
    // Built with the public list (the CLI's build), the engine knows the secret by itself.
    assert_eq!(
        without
            .findings
            .iter()
            .any(|f| f.code == "weak-hmac-secret"),
        cfg!(feature = "public-weak-secrets")
    );
    let with = judge::judge_token(
        &token,
        &v,
        &[],
        &JudgeOptions {
            now: NOW,
            weak_secrets: &list,
            public_secrets: &[],
        },
    );
    let f = with
        .findings
        .iter()
        .find(|f| f.code == "weak-hmac-secret")
        .unwrap();
    assert_eq!(
        f.evidence_json().get("secret"),
        Some(&Value::String(secret))
    );
    assert_eq!(with.verdict, Verdict::Violation);
}

/// The committed public weak-secret list is exactly what tools/weak-secrets/generate.py makes
/// from the shared copy of wallarm/jwt-secrets (CRLF to LF, empty lines and duplicates dropped).
#[test]
fn committed_public_weak_secret_list_is_the_generators_output() {
    let Some(path) = fixture("fixtures/vectors/weak-secrets/wallarm_jwt.secrets.list") else {
        return;
    };
    let raw = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&raw)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let mut seen = std::collections::HashSet::new();
    let mut want = String::new();
    for line in text.split('\n') {
        if !line.is_empty() && seen.insert(line) {
            want.push_str(line);
            want.push('\n');
        }
    }
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/weak-secrets/public.txt"
    ))
    .unwrap();
    assert!(
        committed == want,
        "weak-secrets/public.txt is stale: run tools/weak-secrets/generate.py"
    );
    assert!(committed.lines().count() > 100_000);
}
