//! Conformance with Wycheproof's `json_web_signature_test.json` and `json_web_key_test.json`
//! (C2SP/wycheproof, Apache-2.0; read from ../shared, never copied here).
//!
//! A case is "valid" for Keyhole when every signature in it comes out [`Verification::Verified`]
//! with the group's keys (parsed by `keys::parse_key_set`) by a key Keyhole's policy trusts for
//! the algorithm (`verify::key_problems` is empty: Keyhole still *tries* a key that is too short,
//! ROCA or declared for another use or alg, so it can say a genuine token was signed with a key
//! it must not trust, and reports that as a violation); anything else — a token that does not
//! parse, a key that is refused or distrusted, an algorithm that does not fit, a bad signature —
//! is "invalid".
//! `acceptable` cases may go either way. Deliberate disagreements are listed in `*_EXCEPTIONS`
//! with their reason, and each has a named test pinning the behaviour.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{blocks_of, fixture_json, unwrap_json};
use keyhole_engine::keys::{parse_key_set, KeyEntry};
use keyhole_engine::token::parse_compact;
use keyhole_engine::verify::{key_problems, verify_signature, Alg, KeyPolicyProblem, Verification};
use serde_json::Value;

/// tcIds in json_web_signature_test.json where Keyhole deliberately differs, with the result
/// Keyhole gives and why.
const JWS_EXCEPTIONS: &[(u64, &str, &str)] = &[
    (346, "invalid", "the group JWK declares \"alg\": \"PS256\" for a PS384 token; Keyhole enforces the key's own alg (RFC 7517 §4.4), as Wycheproof itself requires in tcId 331-340 and json_web_key tcId 19"),
    (347, "invalid", "the group JWK declares \"alg\": \"ES521\" (not a registered name) for an ES512 token; the key's alg is enforced exactly, as json_web_key tcId 19 requires for the same \"ES521\""),
    (350, "invalid", "as tcId 346, with key_ops [\"verify\"]: the key's \"alg\": \"PS256\" does not allow PS384"),
    (351, "invalid", "as tcId 347, with key_ops [\"verify\"]: the key's \"alg\": \"ES521\" does not allow ES512"),
    (367, "valid", "in this copy (wycheproof dac1dd4) the token is byte-identical to the valid tcId 357: the invalid padding the comment describes is not in the data, so no verifier can refuse it without refusing tcId 357"),
    (370, "valid", "as tcId 367: byte-identical to the valid tcId 357, the invalid payload padding is not in the data"),
    (372, "invalid", "a '?' was inserted into the base64url header; Keyhole decodes base64url strictly (RFC 7515 §2) so that two strings never stand for one token"),
    (373, "invalid", "a '?' was inserted into the base64url payload; strict base64url as for tcId 372"),
];

/// tcIds in json_web_key_test.json where Keyhole deliberately differs.
const JWK_EXCEPTIONS: &[(u64, &str, &str)] = &[
    (1, "valid", "the key set mixes an HMAC secret with an EC key (flag MixedKeySet, 'Ambiguous'); Keyhole is an inspector: it reports that the secret verifies and warns about the mixed set instead of hiding the fact"),
    (4, "valid", "two keys share a kid (flag DuplicateKid, 'Ambiguous'), but the second one's \"k\" is not canonical base64url (non-zero trailing bits), so Keyhole reports it as a key problem and the remaining key, which signed the token, verifies it"),
];

/// Keyhole's answer for one case: "valid" when every signature verifies.
fn keyhole_result(jws: &Value, keys: &[KeyEntry]) -> (&'static str, String) {
    let jws = &unwrap_json(jws);
    // Compact tokens that do not parse are invalid; parse errors are typed, never panics.
    if let Value::String(compact) = jws {
        if let Err(e) = parse_compact(compact) {
            return ("invalid", format!("parse error: {e}"));
        }
    }
    let blocks = blocks_of(jws, None);
    let refs: Vec<&KeyEntry> = keys.iter().collect();
    let outcomes: Vec<Verification> = blocks
        .iter()
        .map(|b| verify_signature(b, &refs, &common::Recording))
        .collect();
    let trusted = |block: &keyhole_engine::token::SignatureBlock, o: &Verification| match o {
        Verification::Verified { key_id, .. } => {
            let alg = block.params.alg.as_deref().and_then(Alg::parse);
            keys.iter()
                .find(|k| &k.id == key_id)
                .zip(alg)
                .is_some_and(|(k, alg)| key_problems(alg, k).is_empty())
        }
        _ => false,
    };
    let valid = !outcomes.is_empty() && blocks.iter().zip(&outcomes).all(|(b, o)| trusted(b, o));
    (
        if valid { "valid" } else { "invalid" },
        format!("{outcomes:?}"),
    )
}

struct Case {
    tc_id: u64,
    expected: String,
    comment: String,
    jws: Value,
    keys: Vec<KeyEntry>,
}

/// A Wycheproof file under ../shared/fixtures/vectors; `None` (a visible skip) when absent.
fn wycheproof(file: &str) -> Option<Value> {
    fixture_json(&format!("fixtures/vectors/wycheproof/{file}"))
}

fn cases(file: &str) -> Option<Vec<Case>> {
    let doc = wycheproof(file)?;
    let mut out = Vec::new();
    for group in doc
        .get("testGroups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key_doc = group
            .get("public")
            .or_else(|| group.get("private"))
            .cloned()
            .unwrap_or_default();
        let keys = parse_key_set(0, None, None, &key_doc).keys;
        for t in group
            .get("tests")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(Case {
                tc_id: t.get("tcId").and_then(Value::as_u64).unwrap_or_default(),
                expected: t
                    .get("result")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                comment: t
                    .get("comment")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                jws: t.get("jws").cloned().unwrap_or_default(),
                keys: keys.clone(),
            });
        }
    }
    Some(out)
}

/// Runs every case of a file and lists each disagreement by tcId.
fn run_file(file: &str, exceptions: &[(u64, &str, &str)], expected_count: usize) {
    let Some(cases) = cases(file) else { return };
    assert_eq!(cases.len(), expected_count, "{file}: number of cases");
    let mut failures = Vec::new();
    for case in &cases {
        let (got, detail) = keyhole_result(&case.jws, &case.keys);
        let wanted = exceptions
            .iter()
            .find(|(id, _, _)| *id == case.tc_id)
            .map_or(case.expected.as_str(), |(_, r, _)| r);
        let ok = wanted == got || (wanted == "acceptable");
        if !ok {
            failures.push(format!(
                "tcId {} ({}): expected {wanted}, Keyhole says {got}: {detail}",
                case.tc_id, case.comment
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{file}: {} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn case(file: &str, tc_id: u64) -> Option<Case> {
    let found = cases(file)?.into_iter().find(|c| c.tc_id == tc_id);
    Some(found.unwrap_or_else(|| panic!("{file} has no tcId {tc_id}")))
}

fn outcomes(c: &Case) -> Vec<Verification> {
    let refs: Vec<&KeyEntry> = c.keys.iter().collect();
    blocks_of(&c.jws, None)
        .iter()
        .map(|b| verify_signature(b, &refs, &common::Recording))
        .collect()
}

#[test]
fn wycheproof_json_web_signature_every_tc_id() {
    run_file("json_web_signature_test.json", JWS_EXCEPTIONS, 401);
}

#[test]
fn wycheproof_json_web_key_every_tc_id() {
    run_file("json_web_key_test.json", JWK_EXCEPTIONS, 26);
}

#[test]
fn exceptions_each_name_a_reason() {
    for (id, result, reason) in JWS_EXCEPTIONS.iter().chain(JWK_EXCEPTIONS) {
        assert!(matches!(*result, "valid" | "invalid"), "tcId {id}");
        assert!(reason.len() > 40, "tcId {id} needs a real reason");
    }
}

/// tcId 17 ("rejectsValidJsonSerialization") is a JSON serialization cut short (the closing
/// `]}` is missing): it is neither JSON nor a compact token, so it is refused — as Wycheproof
/// expects, though Keyhole does read well-formed JSON serializations (see conformance_rfc).
#[test]
fn wycheproof_jws_tc17_truncated_json_serialization_is_refused() {
    let Some(c) = case("json_web_signature_test.json", 17) else {
        return;
    };
    let text = c.jws.as_str().unwrap_or_default();
    assert!(text.starts_with('{'));
    assert!(serde_json::from_str::<Value>(text).is_err());
    assert!(parse_compact(text).is_err());
    assert_eq!(keyhole_result(&c.jws, &c.keys).0, "invalid");
}

/// Exception: the key's own `alg` (PS256) refuses a PS384 token (RFC 7520 Figure 20).
#[test]
fn wycheproof_jws_tc346_tc350_key_alg_ps256_refuses_ps384() {
    for id in [346, 350] {
        let Some(c) = case("json_web_signature_test.json", id) else {
            return;
        };
        // The key verifies the signature, but the policy distrusts it for PS384.
        let o = outcomes(&c);
        assert!(
            matches!(o.as_slice(), [Verification::Verified { .. }]),
            "tcId {id}: {o:?}"
        );
        assert!(c.keys.iter().all(|k| key_problems(Alg::PS384, k)
            == [KeyPolicyProblem::DeclaredAlg {
                key_alg: "PS256".into()
            }]));
        // Without the key's alg the same signature verifies: the refusal is the alg rule alone.
        let mut keys = c.keys.clone();
        keys.iter_mut().for_each(|k| k.alg = None);
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        for b in blocks_of(&c.jws, None) {
            assert!(
                matches!(
                    verify_signature(&b, &refs, &common::Recording),
                    Verification::Verified { .. }
                ),
                "tcId {id}"
            );
        }
    }
}

/// Exception: the key's own `alg` "ES521" refuses an ES512 token (RFC 7520 Figure 27).
#[test]
fn wycheproof_jws_tc347_tc351_key_alg_es521_refuses_es512() {
    for id in [347, 351] {
        let Some(c) = case("json_web_signature_test.json", id) else {
            return;
        };
        let o = outcomes(&c);
        assert!(
            matches!(o.as_slice(), [Verification::Verified { .. }]),
            "tcId {id}: {o:?}"
        );
        assert!(c.keys.iter().all(|k| key_problems(Alg::ES512, k)
            == [KeyPolicyProblem::DeclaredAlg {
                key_alg: "ES521".into()
            }]));
        let mut keys = c.keys.clone();
        keys.iter_mut().for_each(|k| k.alg = None);
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        for b in blocks_of(&c.jws, None) {
            assert!(
                matches!(
                    verify_signature(&b, &refs, &common::Recording),
                    Verification::Verified { .. }
                ),
                "tcId {id}"
            );
        }
    }
}

/// Exception: strict base64url refuses a '?' inserted into the header (372) or payload (373).
#[test]
fn wycheproof_jws_tc372_tc373_strict_base64url_refuses_inserted_character() {
    for id in [372, 373] {
        let Some(c) = case("json_web_signature_test.json", id) else {
            return;
        };
        let text = c.jws.as_str().unwrap_or_default();
        assert!(text.contains('?'), "tcId {id}");
        assert!(
            parse_compact(text).is_err_and(|e| e.to_string().contains("base64url")),
            "tcId {id}"
        );
    }
}

/// Exception: a mixed secret/public key set still verifies the HMAC token, with a warning.
#[test]
fn wycheproof_jwk_tc1_mixed_key_set_verifies_with_warning() {
    let Some(doc) = wycheproof("json_web_key_test.json") else {
        return;
    };
    let Some(c) = case("json_web_key_test.json", 1) else {
        return;
    };
    assert!(matches!(
        outcomes(&c).as_slice(),
        [Verification::Verified { .. }]
    ));
    let set = parse_key_set(
        0,
        None,
        None,
        doc.pointer("/testGroups/0/private").unwrap_or(&Value::Null),
    );
    assert!(
        set.warnings
            .iter()
            .any(|w| w.contains("mixes shared secrets")),
        "{:?}",
        set.warnings
    );
}

/// Exception: of the two keys sharing a kid, the non-canonical one is a key problem; the other
/// verifies.
#[test]
fn wycheproof_jwk_tc4_duplicate_kid_second_key_refused_first_verifies() {
    let Some(doc) = wycheproof("json_web_key_test.json") else {
        return;
    };
    let Some(c) = case("json_web_key_test.json", 4) else {
        return;
    };
    assert!(
        matches!(outcomes(&c).as_slice(), [Verification::Verified { key_id, .. }] if key_id == "0/0")
    );
    let set = parse_key_set(
        0,
        None,
        None,
        doc.pointer("/testGroups/2/private").unwrap_or(&Value::Null),
    );
    assert_eq!(set.keys.len(), 1);
    assert!(
        matches!(set.problems.as_slice(), [p] if p.kid.as_deref() == Some("kid-aes-sign") && p.key_index == Some(1) && p.message.contains("\"k\"")),
        "{:?}",
        set.problems
    );
}

/// Exception: tcId 367 and 370 carry the very token of the valid tcId 357.
#[test]
fn wycheproof_jws_tc367_tc370_are_identical_to_valid_tc357() {
    let Some(valid) = case("json_web_signature_test.json", 357) else {
        return;
    };
    for id in [367, 370] {
        let Some(c) = case("json_web_signature_test.json", id) else {
            return;
        };
        assert_eq!(c.jws, valid.jws, "tcId {id}");
        assert!(
            matches!(outcomes(&c).as_slice(), [Verification::Verified { .. }]),
            "tcId {id}"
        );
    }
}

/// tcId 7 (not an exception): the ROCA key checks the signature, and the policy distrusts it
/// (the judgement reports `roca-vulnerable-key`, a violation).
#[test]
fn wycheproof_jwk_tc7_roca_key_does_not_fit() {
    let Some(c) = case("json_web_key_test.json", 7) else {
        return;
    };
    assert!(
        matches!(outcomes(&c).as_slice(), [Verification::Verified { .. }]),
        "{:?}",
        outcomes(&c)
    );
    assert!(c
        .keys
        .iter()
        .all(|k| key_problems(Alg::RS256, k).contains(&KeyPolicyProblem::Roca)));
}
