//! Conformance with the RFC JWS examples: RFC 7515 Appendix A, RFC 7520 §4 (the JOSE cookbook),
//! RFC 8037 Appendix A (Ed25519), RFC 7797 (unencoded payload) and RFC 7638 §3.1 thumbprints.
//! Every example must verify with the engine's own key parsing, key selection and verifier, and
//! changing one byte of the signed data or of the signature must make it fail.
//!
//! Vectors are read from ../shared/fixtures/vectors (third-party data, never copied here).
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{blocks_of, fixture_json, unwrap_json};
use keyhole_engine::b64;
use keyhole_engine::keys::{parse_key_set, KeyEntry};
use keyhole_engine::token::SignatureBlock;
use keyhole_engine::verify::{verify_signature, Verification};
use serde_json::Value;

fn keys_of(doc: &Value) -> Vec<KeyEntry> {
    let set = parse_key_set(0, None, None, &unwrap_json(doc));
    assert!(set.problems.is_empty(), "key problems: {:?}", set.problems);
    assert!(!set.keys.is_empty(), "no keys in {doc}");
    set.keys
}

fn verify(block: &SignatureBlock, keys: &[KeyEntry]) -> Verification {
    let refs: Vec<&KeyEntry> = keys.iter().collect();
    verify_signature(block, &refs, &common::Recording)
}

/// The block verifies; a changed byte in the signing input, or in the signature, does not.
fn assert_verifies_and_tamper_fails(name: &str, block: &SignatureBlock, keys: &[KeyEntry]) {
    let v = verify(block, keys);
    assert!(matches!(v, Verification::Verified { .. }), "{name}: {v:?}");

    let mut tampered = block.clone();
    if let Some(last) = tampered.signing_input.last_mut() {
        *last ^= 0x01;
    }
    let v = verify(&tampered, keys);
    assert!(
        matches!(v, Verification::SignatureInvalid { .. }),
        "{name} (signing input changed): {v:?}"
    );

    let mut sig = b64::decode_url(&block.signature_b64).unwrap();
    let mid = sig.len() / 2;
    if let Some(b) = sig.get_mut(mid) {
        *b ^= 0x01;
    }
    let mut tampered = block.clone();
    tampered.signature_b64 = b64::encode_url(&sig);
    let v = verify(&tampered, keys);
    assert!(
        matches!(v, Verification::SignatureInvalid { .. }),
        "{name} (signature changed): {v:?}"
    );
}

/// A vector file under ../shared/fixtures/vectors; `None` (a visible skip) when absent.
fn vector(rel: &str) -> Option<Value> {
    fixture_json(&format!("fixtures/vectors/{rel}"))
}

fn rfc7515_example(id: &str) -> Option<Value> {
    let doc = vector("rfc/rfc7515_appendix_a.json")?;
    let example = doc
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
        })
        .cloned();
    Some(example.unwrap_or_else(|| panic!("no example {id} in rfc7515_appendix_a.json")))
}

fn rfc7515_compact(id: &str) {
    let Some(ex) = rfc7515_example(id) else {
        return;
    };
    // A.1's public JWK omits the secret; the private JWK is the HMAC key.
    let key = match ex.get("jwk_public").map(unwrap_json) {
        Some(Value::Object(k))
            if k.contains_key("k") || k.get("kty") != Some(&Value::from("oct")) =>
        {
            Value::Object(k)
        }
        _ => ex.get("jwk_private").map(unwrap_json).unwrap_or_default(),
    };
    let keys = keys_of(&key);
    let blocks = blocks_of(ex.get("compact").unwrap_or(&Value::Null), None);
    assert_eq!(blocks.len(), 1);
    for b in &blocks {
        assert_eq!(
            b.signing_input,
            ex.get("signing_input")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .as_bytes()
        );
        assert_verifies_and_tamper_fails(id, b, &keys);
    }
}

#[test]
fn rfc7515_a1_hs256_verifies() {
    rfc7515_compact("RFC7515-A.1");
}

#[test]
fn rfc7515_a2_rs256_verifies() {
    rfc7515_compact("RFC7515-A.2");
}

#[test]
fn rfc7515_a3_es256_verifies() {
    rfc7515_compact("RFC7515-A.3");
}

#[test]
fn rfc7515_a4_es512_verifies() {
    rfc7515_compact("RFC7515-A.4");
}

#[test]
fn rfc7515_a5_unsecured_is_reported_unsecured() {
    let Some(ex) = rfc7515_example("RFC7515-A.5") else {
        return;
    };
    let blocks = blocks_of(ex.get("compact").unwrap_or(&Value::Null), None);
    assert!(blocks
        .iter()
        .all(|b| verify(b, &[]) == Verification::Unsecured));
}

#[test]
fn rfc7515_4_1_11_crit_example_with_alg_none_is_unsecured() {
    let Some(doc) = vector("rfc/rfc7515_appendix_a.json") else {
        return;
    };
    let ex = doc
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter().find(|e| {
                e.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.contains("4.1.11"))
            })
        })
        .cloned()
        .unwrap_or_default();
    let blocks = blocks_of(ex.get("compact").unwrap_or(&Value::Null), None);
    assert_eq!(blocks.len(), 1);
    assert!(blocks
        .iter()
        .all(|b| verify(b, &[]) == Verification::Unsecured));
}

#[test]
fn rfc7515_a6_general_json_both_signatures_verify() {
    let Some(ex) = rfc7515_example("RFC7515-A.6") else {
        return;
    };
    let by_kid = unwrap_json(ex.get("jwk_public_by_kid").unwrap_or(&Value::Null));
    let jwks: Vec<Value> = by_kid
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(kid, k)| {
                    let mut k = k.clone();
                    if let Some(o) = k.as_object_mut() {
                        o.insert("kid".into(), Value::from(kid.clone()));
                    }
                    k
                })
                .collect()
        })
        .unwrap_or_default();
    let keys = keys_of(&serde_json::json!({ "keys": jwks }));
    let blocks = blocks_of(ex.get("json_general").unwrap_or(&Value::Null), None);
    assert_eq!(blocks.len(), 2);
    for b in &blocks {
        assert_verifies_and_tamper_fails("RFC7515-A.6", b, &keys);
    }
}

#[test]
fn rfc7515_a7_flattened_json_verifies() {
    let Some(ex) = rfc7515_example("RFC7515-A.7") else {
        return;
    };
    let keys = keys_of(ex.get("jwk_public").unwrap_or(&Value::Null));
    let blocks = blocks_of(ex.get("json_flattened").unwrap_or(&Value::Null), None);
    assert_eq!(blocks.len(), 1);
    for b in &blocks {
        assert_verifies_and_tamper_fails("RFC7515-A.7", b, &keys);
    }
}

/// Verifies every output serialization (compact, general JSON, flattened JSON) of a cookbook
/// example with the example's own key(s).
fn cookbook(rel: &str) {
    let Some(ex) = vector(rel) else { return };
    let keys = keys_of(ex.pointer("/input/key").unwrap_or(&Value::Null));
    let payload = ex
        .pointer("/input/payload")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let unencoded = ex.pointer("/signing/protected/b64") == Some(&Value::Bool(false))
        || ex
            .pointer("/signing/0/protected/b64")
            .is_some_and(|b| b == &Value::Bool(false));
    let detached = if unencoded {
        payload.to_owned()
    } else {
        b64::encode_url(payload.as_bytes())
    };
    let outputs = ex
        .get("output")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    assert!(!outputs.is_empty(), "{rel}: no outputs");
    let mut count = 0;
    for (form, jws) in &outputs {
        for (i, b) in blocks_of(jws, Some(&detached)).iter().enumerate() {
            assert_verifies_and_tamper_fails(&format!("{rel} {form} signature {i}"), b, &keys);
            count += 1;
        }
    }
    assert!(count >= outputs.len(), "{rel}: {count} signatures checked");
}

#[test]
fn rfc7520_4_1_rsa_v15_signature_verifies() {
    cookbook("cookbook/jws/4_1.rsa_v15_signature.json");
}

#[test]
fn rfc7520_4_2_rsa_pss_signature_verifies() {
    cookbook("cookbook/jws/4_2.rsa-pss_signature.json");
}

#[test]
fn rfc7520_4_3_ecdsa_p521_signature_verifies() {
    cookbook("cookbook/jws/4_3.ecdsa_signature.json");
}

#[test]
fn rfc7520_4_4_hmac_sha2_verifies() {
    cookbook("cookbook/jws/4_4.hmac-sha2_integrity_protection.json");
}

#[test]
fn rfc7520_4_5_detached_content_verifies() {
    cookbook("cookbook/jws/4_5.signature_with_detached_content.json");
}

#[test]
fn rfc7520_4_6_protecting_specific_header_fields_verifies() {
    cookbook("cookbook/jws/4_6.protecting_specific_header_fields.json");
}

#[test]
fn rfc7520_4_7_protecting_content_only_verifies() {
    cookbook("cookbook/jws/4_7.protecting_content_only.json");
}

#[test]
fn rfc7520_4_8_multiple_signatures_all_verify() {
    cookbook("cookbook/jws/4_8.multiple_signatures.json");
}

#[test]
fn rfc8037_a4_ed25519_cookbook_verifies() {
    cookbook("cookbook/curve25519/jws.json");
}

#[test]
fn rfc7797_b64_false_compact_verifies() {
    cookbook("cookbook/rfc7797/hmac-sha2_b64_false.json");
}

#[test]
fn rfc7797_4_2_b64_false_json_verifies() {
    cookbook("cookbook/rfc7797/4.2.hmac-sha2_b64_false.json");
}

#[test]
fn rfc8037_a4_ed25519_verifies_and_a3_thumbprint_matches() {
    let Some(ex) = vector("rfc/rfc8037_ed25519.json") else {
        return;
    };
    let keys = keys_of(ex.get("jwk_public").unwrap_or(&Value::Null));
    assert_eq!(
        keys.first().and_then(|k| k.thumbprint.as_deref()),
        ex.get("jwk_thumbprint_sha256_b64u").and_then(Value::as_str)
    );
    for b in blocks_of(ex.get("compact").unwrap_or(&Value::Null), None) {
        assert_verifies_and_tamper_fails("RFC8037-A.4", &b, &keys);
    }
}

#[test]
fn rfc7638_3_1_thumbprints_of_rfc7517_a1_keys() {
    let Some(ex) = vector("rfc/rfc7517_jwks_and_rfc7638_thumbprints.json") else {
        return;
    };
    let set = parse_key_set(0, None, None, ex.get("jwks").unwrap_or(&Value::Null));
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let expected: Vec<&str> = ex
        .get("thumbprints_sha256_b64u")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let got: Vec<&str> = set
        .keys
        .iter()
        .filter_map(|k| k.thumbprint.as_deref())
        .collect();
    assert_eq!(expected.len(), 2);
    assert_eq!(got, expected);
}
