//! From one signature block and the trusted keys to exactly one [`Verification`] outcome.
//!
//! Verification is split in two so that an asynchronous or batch verifier (WebCrypto in the
//! browser) can answer the same questions as `jsonwebtoken`: [`plan_checks`] decides everything
//! that needs no cryptography (JWE, `alg: none`, unknown algorithm, key selection, algorithm
//! fits key) and lists the remaining [`PlannedCheck`]s; [`conclude`] turns the answers into the
//! outcome. [`verify_signature`] does both with a synchronous [`SignatureVerifier`]; a batch
//! verifier answers the planned checks, records them in a [`super::RecordedAnswers`], and calls
//! [`verify_signature`] with it, so the verdict logic is the same code either way.
//!
//! `crit` (RFC 7515 §4.1.11) is not judged here: this module answers only "which trusted key, if
//! any, produced this signature"; the token's notes and the findings deal with `crit`.

use sha2::{Digest, Sha256};

use super::{
    can_check, key_problems, select_keys, Alg, MatchedBy, SignatureVerifier, Verification,
    VerifyError,
};
use crate::b64;
use crate::keys::{KeyEntry, KeyMaterial};
use crate::token::{ParsedToken, SignatureBlock};

/// One cryptographic question: does `signature` over `signing_input` verify with this key?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCheck {
    pub alg: Alg,
    /// The trusted key's id (`"{set}/{key}"`).
    pub key_id: String,
    pub material: KeyMaterial,
    pub signing_input: Vec<u8>,
    pub signature: Vec<u8>,
    /// The signing input is the hashed-nonce form of the header (see [`hashed_nonce_header`]),
    /// not the header as transmitted.
    pub hashed_nonce: bool,
}

/// What [`plan_checks`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The outcome is known without any cryptography.
    Decided(Verification),
    /// These checks (every candidate key, each as transmitted and, for a header with a
    /// `nonce`, in its hashed-nonce form) decide the outcome; see [`conclude`].
    Checks {
        alg: Alg,
        matched_by: MatchedBy,
        checks: Vec<PlannedCheck>,
        /// The payload segment is empty: if no key verifies it, it is detached content
        /// (RFC 7515 Appendix F) that cannot be checked, not a forgery.
        payload_empty: bool,
    },
}

/// What is left to ask once everything that needs no cryptography is decided: the candidate
/// keys and the inputs, borrowed from the block and the key list. [`plan_checks`] turns it into
/// owned [`PlannedCheck`]s for a verifier that answers later (WebCrypto); [`verify_signature`]
/// asks its verifier directly, without copying a key or a signing input per check.
enum Candidates<'a> {
    Decided(Verification),
    Keys {
        alg: Alg,
        matched_by: MatchedBy,
        usable: Vec<&'a KeyEntry>,
        signature: Vec<u8>,
        /// The signing input in its hashed-nonce form, when the header has a nonce.
        hashed: Option<Vec<u8>>,
        payload_empty: bool,
    },
}

impl Candidates<'_> {
    /// The checks in order: per candidate key, as transmitted, then in the hashed-nonce form.
    fn each<'s>(
        &'s self,
        block: &'s SignatureBlock,
    ) -> impl Iterator<Item = (&'s KeyEntry, &'s [u8], bool)> + 's {
        let (usable, hashed) = match self {
            Candidates::Keys { usable, hashed, .. } => (&usable[..], hashed.as_deref()),
            Candidates::Decided(_) => (&[][..], None),
        };
        usable.iter().flat_map(move |k| {
            std::iter::once((*k, &block.signing_input[..], false))
                .chain(hashed.map(|h| (*k, h, true)))
        })
    }
}

fn candidates<'a>(block: &SignatureBlock, keys: &[&'a KeyEntry]) -> Candidates<'a> {
    let params = &block.params;
    if params.enc.is_some() {
        return Candidates::Decided(Verification::Encrypted);
    }
    if params.is_unsecured() {
        return Candidates::Decided(Verification::Unsecured);
    }
    let name = params.alg.as_deref().unwrap_or_default();
    let Some(alg) = Alg::parse(name) else {
        return Candidates::Decided(Verification::UnsupportedAlgorithm {
            alg: if name.is_empty() {
                "(no alg in the header)".to_owned()
            } else {
                name.to_owned()
            },
        });
    };
    let (candidates, matched_by) = select_keys(params, alg, keys);
    if candidates.is_empty() {
        return Candidates::Decided(Verification::NoMatchingKey {
            detail: no_key_detail(block, alg, keys),
        });
    }
    let (usable, refused): (Vec<&KeyEntry>, Vec<&KeyEntry>) =
        candidates.into_iter().partition(|k| can_check(alg, k));
    if usable.is_empty() {
        // Report the refused key with the smallest id, whatever the order of the keys.
        let refused = refused.into_iter().min_by(|a, b| key_order(a, b));
        let problem = refused.and_then(|k| key_problems(alg, k).into_iter().next());
        return Candidates::Decided(Verification::AlgorithmDoesNotFitKey {
            key_id: refused.map(|k| k.id.clone()).unwrap_or_default(),
            reason: problem.as_ref().map(|p| p.explain(alg)).unwrap_or_default(),
            problem,
        });
    }
    let payload_empty = block.signing_input.len() == block.protected_b64.len() + 1;
    let Ok(signature) = b64::decode_url(&block.signature_b64) else {
        // The parser normally refuses this; if it gets here, no key can verify it.
        return Candidates::Decided(Verification::SignatureInvalid {
            key_ids: usable.iter().map(|k| k.id.clone()).collect(),
            matched_by,
            verifier: "none (the signature is not base64url)".to_owned(),
        });
    };
    Candidates::Keys {
        alg,
        matched_by,
        usable,
        signature,
        hashed: hashed_nonce_header(block).map(|h| h.signing_input),
        payload_empty,
    }
}

/// Decides what can be decided without cryptography and lists the checks that remain: one per
/// candidate key that can check the algorithm at all, including keys the policy distrusts
/// (too short, ROCA, a conflicting `alg`/`use`), so the report can say a genuine token was
/// signed with a key too weak to trust rather than call it forged.
pub fn plan_checks(block: &SignatureBlock, keys: &[&KeyEntry]) -> Plan {
    let found = candidates(block, keys);
    let checks = found
        .each(block)
        .map(|(k, input, hashed_nonce)| {
            (
                k.id.clone(),
                k.material.clone(),
                input.to_vec(),
                hashed_nonce,
            )
        })
        .collect::<Vec<_>>();
    match found {
        Candidates::Decided(v) => Plan::Decided(v),
        Candidates::Keys {
            alg,
            matched_by,
            signature,
            payload_empty,
            ..
        } => Plan::Checks {
            alg,
            matched_by,
            checks: checks
                .into_iter()
                .map(
                    |(key_id, material, signing_input, hashed_nonce)| PlannedCheck {
                        alg,
                        key_id,
                        material,
                        signing_input,
                        signature: signature.clone(),
                        hashed_nonce,
                    },
                )
                .collect(),
            payload_empty,
        },
    }
}

/// Key ids (`"{set}/{key}"`) in numeric order.
fn key_order(a: &KeyEntry, b: &KeyEntry) -> std::cmp::Ordering {
    (a.set_index, a.key_index).cmp(&(b.set_index, b.key_index))
}

/// The header as the issuer signed it when the transmitted header carries a `nonce`: some
/// Microsoft issuers (Graph and Teams/Skype access tokens) sign the header with the nonce
/// replaced by base64url(SHA-256(nonce)) and transmit the raw nonce, so such a token verifies
/// only in that form (domain.md, "Observed on real tokens"). Only the nonce's value changes:
/// the rest of the header text (member order, spacing) is kept byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedNonceHeader {
    /// The header JSON as signed.
    pub header_json: String,
    /// `BASE64URL(header_json) '.' payload`.
    pub signing_input: Vec<u8>,
}

/// The hashed-nonce form of `block`'s header, if the header has a string `nonce` whose JSON
/// text can be found and replaced unambiguously.
pub fn hashed_nonce_header(block: &SignatureBlock) -> Option<HashedNonceHeader> {
    let nonce = block.header.get("nonce")?.as_str()?;
    let header_bytes = b64::decode_url(block.protected_b64.trim_end_matches('=')).ok()?;
    let text = std::str::from_utf8(&header_bytes).ok()?;
    let raw = serde_json::to_string(nonce).ok()?;
    let hashed = serde_json::to_string(&b64::encode_url(&Sha256::digest(nonce.as_bytes()))).ok()?;
    let at = nonce_value_position(text, &raw)?;
    let mut header_json = String::with_capacity(text.len() + hashed.len());
    header_json.push_str(text.get(..at)?);
    header_json.push_str(&hashed);
    header_json.push_str(text.get(at + raw.len()..)?);
    let payload_part = block.signing_input.get(block.protected_b64.len()..)?;
    let mut signing_input = b64::encode_url(header_json.as_bytes()).into_bytes();
    signing_input.extend_from_slice(payload_part);
    Some(HashedNonceHeader {
        header_json,
        signing_input,
    })
}

/// Where the value of the `"nonce"` member starts in `text`, when it is written exactly as
/// `raw` (its JSON encoding) right after `"nonce"` and a colon.
fn nonce_value_position(text: &str, raw: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text.get(from..)?.find("\"nonce\"") {
        let after_key = from + i + "\"nonce\"".len();
        let rest = text.get(after_key..)?;
        let trimmed = rest.trim_start();
        if let Some(value) = trimmed.strip_prefix(':') {
            let value_trimmed = value.trim_start();
            if value_trimmed.starts_with(raw) {
                return Some(text.len() - value_trimmed.len());
            }
        }
        from = after_key;
    }
    None
}

fn no_key_detail(block: &SignatureBlock, alg: Alg, keys: &[&KeyEntry]) -> String {
    let p = &block.params;
    let header_key = if p.jwk.is_some() || p.x5c.is_some() || p.jku.is_some() || p.x5u.is_some() {
        "; the key the header itself carries or points to (jwk, x5c, jku, x5u) is never trusted"
    } else {
        ""
    };
    if keys.is_empty() {
        return format!("no trusted keys were given: paste the issuer's JWKS (or a certificate, public key or HMAC secret){header_key}");
    }
    let mut named = Vec::new();
    if let Some(kid) = &p.kid {
        named.push(format!("kid \"{kid}\""));
    }
    if let Some(x5t) = &p.x5t {
        named.push(format!("x5t \"{x5t}\""));
    }
    if let Some(s) = &p.x5t_s256 {
        named.push(format!("x5t#S256 \"{s}\""));
    }
    if named.is_empty() {
        format!(
            "the header names no key, and none of the {} trusted keys can verify {alg}{header_key}",
            keys.len()
        )
    } else {
        format!(
            "none of the {} trusted keys has {}{header_key}",
            keys.len(),
            named.join(" or ")
        )
    }
}

/// Turns the answers to a plan's checks into the outcome. Every check counts, in any order:
/// the keys that verified the header as transmitted (or, failing that, in its hashed-nonce
/// form) are all named; otherwise "signature invalid" if any key answered no — or, when the
/// payload segment was empty, "detached payload", since the content the issuer signed is not
/// here — else the verifier's reason.
pub fn conclude(
    matched_by: MatchedBy,
    checks: &[PlannedCheck],
    payload_empty: bool,
    verifier_name: &str,
    mut answer: impl FnMut(&PlannedCheck) -> Result<bool, VerifyError>,
) -> Verification {
    conclude_answers(
        matched_by,
        checks
            .iter()
            .map(|c| (c.key_id.as_str(), c.hashed_nonce, answer(c))),
        payload_empty,
        verifier_name,
    )
}

/// [`conclude`] over the answers themselves: (key id, hashed-nonce form, answer) per check.
fn conclude_answers<'k>(
    matched_by: MatchedBy,
    answers: impl Iterator<Item = (&'k str, bool, Result<bool, VerifyError>)>,
    payload_empty: bool,
    verifier_name: &str,
) -> Verification {
    let mut verified: Vec<&str> = Vec::new();
    let mut verified_hashed: Vec<&str> = Vec::new();
    let mut tried: Vec<&str> = Vec::new();
    let mut unsupported = None;
    let mut bad_key = None;
    for (key_id, hashed_nonce, answer) in answers {
        match answer {
            Ok(true) if hashed_nonce => verified_hashed.push(key_id),
            Ok(true) => verified.push(key_id),
            Ok(false) => tried.push(key_id),
            Err(VerifyError::UnsupportedAlgorithm { alg }) => {
                unsupported.get_or_insert(alg);
            }
            Err(VerifyError::BadKey { detail }) => {
                bad_key.get_or_insert((key_id.to_owned(), detail));
            }
        }
    }
    let hashed_nonce = verified.is_empty() && !verified_hashed.is_empty();
    let ids = if hashed_nonce {
        verified_hashed
    } else {
        verified
    };
    let ids = sorted_ids(ids);
    if let Some((first, rest)) = ids.split_first() {
        return Verification::Verified {
            key_id: first.clone(),
            matched_by,
            verifier: verifier_name.to_owned(),
            also_verified: rest.to_vec(),
            not_verified: sorted_ids(tried)
                .into_iter()
                .filter(|t| !ids.contains(t))
                .collect(),
            hashed_nonce,
        };
    }
    if !tried.is_empty() {
        if payload_empty {
            return Verification::DetachedPayload;
        }
        return Verification::SignatureInvalid {
            key_ids: sorted_ids(tried),
            matched_by,
            verifier: verifier_name.to_owned(),
        };
    }
    if let Some(alg) = unsupported {
        return Verification::UnsupportedAlgorithm { alg };
    }
    let (key_id, detail) = bad_key.unwrap_or_default();
    Verification::AlgorithmDoesNotFitKey {
        key_id,
        reason: format!("the key cannot be used for this algorithm: {detail}"),
        problem: None,
    }
}

/// Distinct key ids in numeric `"{set}/{key}"` order (ids that are not of that form last, in
/// text order).
fn sorted_ids(ids: Vec<&str>) -> Vec<String> {
    let mut ids: Vec<String> = ids.into_iter().map(str::to_owned).collect();
    let num = |id: &str| -> (usize, usize, usize) {
        let mut parts = id.split('/').map(|p| p.parse::<usize>().ok());
        match (parts.next().flatten(), parts.next().flatten()) {
            (Some(a), Some(b)) => (0, a, b),
            _ => (1, 0, 0),
        }
    };
    crate::small_sort::sort_by(&mut ids, |a, b| (num(a), a) < (num(b), b));
    ids.dedup();
    ids
}

/// Checks one signature block against the trusted keys and returns exactly one outcome.
///
/// `keys` are the analyst's trusted keys only; keys in the token header are never used (see
/// [`select_keys`]). Only keys of the right type and curve are ever used
/// ([`super::fit`]).
pub fn verify_signature(
    block: &SignatureBlock,
    keys: &[&KeyEntry],
    verifier: &dyn SignatureVerifier,
) -> Verification {
    let found = candidates(block, keys);
    match &found {
        Candidates::Decided(outcome) => outcome.clone(),
        Candidates::Keys {
            alg,
            matched_by,
            signature,
            payload_empty,
            ..
        } => conclude_answers(
            *matched_by,
            found.each(block).map(|(k, input, hashed_nonce)| {
                let answer = verifier.verify(*alg, &k.material, input, signature);
                (k.id.as_str(), hashed_nonce, answer)
            }),
            *payload_empty,
            verifier.name(),
        ),
    }
}

/// Checks every signature block of a parsed token, in order (a JWS JSON serialization may
/// carry several; compact tokens, unsecured tokens and JWEs have one block).
pub fn verify_token(
    token: &ParsedToken,
    keys: &[&KeyEntry],
    verifier: &dyn SignatureVerifier,
) -> Vec<Verification> {
    token
        .signatures
        .iter()
        .map(|block| verify_signature(block, keys, verifier))
        .collect()
}

// The tests sign with the RustCrypto crates of the reference verifier.
#[cfg(all(test, feature = "rust-crypto"))]
mod tests {
    use super::*;
    use crate::keys::{hmac_key_set, parse_key_set, SecretEncoding};
    use crate::token::parse_compact;
    use crate::verify::JsonWebTokenVerifier;
    use p256::ecdsa::signature::Signer;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const SECRET: &str = "a-test-secret-that-is-32-bytes!!";

    fn enc(s: &str) -> String {
        b64::encode_url(s.as_bytes())
    }

    fn ec_key(seed: u8) -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn ec_jwk(seed: u8, extra: serde_json::Value) -> serde_json::Value {
        let point = ec_key(seed).verifying_key().to_encoded_point(false);
        let b = point.as_bytes();
        let mut jwk = json!({"kty":"EC","crv":"P-256",
            "x": b64::encode_url(b.get(1..33).unwrap_or_default()),
            "y": b64::encode_url(b.get(33..65).unwrap_or_default())});
        if let (Some(o), Some(e)) = (jwk.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        jwk
    }

    /// A compact ES256 token signed by the P-256 key derived from `seed`.
    fn es256_token(header: serde_json::Value, seed: u8) -> String {
        let input = format!("{}.{}", enc(&header.to_string()), enc(r#"{"sub":"x"}"#));
        let sig: p256::ecdsa::Signature = ec_key(seed).sign(input.as_bytes());
        format!("{input}.{}", b64::encode_url(&sig.to_bytes()))
    }

    fn hs256_token(header: serde_json::Value, secret: &[u8]) -> String {
        let input = format!("{}.{}", enc(&header.to_string()), enc(r#"{"sub":"x"}"#));
        let sig = jsonwebtoken::crypto::sign(
            input.as_bytes(),
            &jsonwebtoken::EncodingKey::from_secret(secret),
            jsonwebtoken::Algorithm::HS256,
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        format!("{input}.{sig}")
    }

    fn outcome(token: &str, keys: &[KeyEntry]) -> Verification {
        let parsed = parse_compact(token).unwrap_or_else(|e| unreachable!("{e}"));
        let block = parsed.primary().unwrap_or_else(|| unreachable!("no block"));
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        verify_signature(block, &refs, &JsonWebTokenVerifier)
    }

    fn jwks(doc: serde_json::Value) -> Vec<KeyEntry> {
        parse_key_set(0, None, None, &doc).keys
    }

    /// A syntactically valid 2048-bit RSA public key (not for signing; only for refusal tests).
    fn rsa_jwk(kid: &str) -> serde_json::Value {
        let mut n = vec![0xC3u8; 256];
        if let Some(l) = n.last_mut() {
            *l = 0xC5;
        }
        json!({"kty":"RSA","kid":kid,"n":b64::encode_url(&n),"e":"AQAB"})
    }

    #[test]
    fn verified_by_kid() {
        let keys = jwks(
            json!({"keys":[ec_jwk(2, json!({"kid":"other"})), ec_jwk(1, json!({"kid":"k1"}))]}),
        );
        let v = outcome(&es256_token(json!({"alg":"ES256","kid":"k1"}), 1), &keys);
        assert_eq!(
            v,
            Verification::Verified {
                key_id: "0/1".into(),
                matched_by: MatchedBy::Kid,
                verifier: "jsonwebtoken".into(),
                also_verified: vec![],
                not_verified: vec![],
                hashed_nonce: false,
            }
        );
    }

    #[test]
    fn signature_invalid_when_one_byte_changes() {
        let keys = jwks(json!({"keys":[ec_jwk(1, json!({"kid":"k1"}))]}));
        let token = es256_token(json!({"alg":"ES256","kid":"k1"}), 1);
        // Change the first payload character: same header, same key, different signing input.
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        if let Some(p) = parts.get_mut(1) {
            p.replace_range(0..1, if p.starts_with('e') { "f" } else { "e" });
        }
        let v = outcome(&parts.join("."), &keys);
        assert!(
            matches!(v, Verification::SignatureInvalid { ref key_ids, matched_by: MatchedBy::Kid, .. } if key_ids == &["0/0".to_owned()]),
            "{v:?}"
        );
    }

    #[test]
    fn wrong_signer_is_signature_invalid_not_verified() {
        let keys = jwks(json!({"keys":[ec_jwk(1, json!({"kid":"k1"}))]}));
        let v = outcome(&es256_token(json!({"alg":"ES256","kid":"k1"}), 9), &keys);
        assert!(matches!(v, Verification::SignatureInvalid { .. }), "{v:?}");
    }

    #[test]
    fn no_matching_key_for_unknown_kid() {
        let keys = jwks(json!({"keys":[ec_jwk(1, json!({"kid":"k1"}))]}));
        let v = outcome(&es256_token(json!({"alg":"ES256","kid":"nope"}), 1), &keys);
        assert!(
            matches!(v, Verification::NoMatchingKey { ref detail } if detail.contains("kid \"nope\"")),
            "{v:?}"
        );
    }

    #[test]
    fn no_matching_key_when_trial_finds_no_compatible_key() {
        let keys = jwks(json!({"keys":[rsa_jwk("r1")]}));
        let v = outcome(&es256_token(json!({"alg":"ES256"}), 1), &keys);
        assert!(
            matches!(v, Verification::NoMatchingKey { ref detail } if detail.contains("can verify ES256")),
            "{v:?}"
        );
        let v = outcome(&es256_token(json!({"alg":"ES256"}), 1), &[]);
        assert!(
            matches!(v, Verification::NoMatchingKey { ref detail } if detail.contains("no trusted keys")),
            "{v:?}"
        );
    }

    #[test]
    fn trial_finds_the_signing_key_when_the_header_names_none() {
        let keys =
            jwks(json!({"keys":[rsa_jwk("r1"), ec_jwk(2, json!({})), ec_jwk(1, json!({}))]}));
        let v = outcome(&es256_token(json!({"alg":"ES256"}), 1), &keys);
        assert_eq!(
            v,
            Verification::Verified {
                key_id: "0/2".into(),
                matched_by: MatchedBy::Trial,
                verifier: "jsonwebtoken".into(),
                also_verified: vec![],
                not_verified: vec!["0/1".into()],
                hashed_nonce: false,
            }
        );
    }

    #[test]
    fn named_key_is_never_swapped_for_another_identified_key() {
        // The header names kid "k1"; the only trusted key is the signer but carries kid "k2".
        let keys = jwks(json!({"keys":[ec_jwk(1, json!({"kid":"k2"}))]}));
        let v = outcome(&es256_token(json!({"alg":"ES256","kid":"k1"}), 1), &keys);
        assert!(matches!(v, Verification::NoMatchingKey { .. }), "{v:?}");
    }

    #[test]
    fn anonymous_analyst_key_is_tried_when_the_named_kid_is_unknown() {
        let keys = hmac_key_set(1, SECRET, SecretEncoding::Utf8).keys;
        let v = outcome(
            &hs256_token(json!({"alg":"HS256","kid":"whatever"}), SECRET.as_bytes()),
            &keys,
        );
        assert_eq!(
            v,
            Verification::Verified {
                key_id: "1/0".into(),
                matched_by: MatchedBy::Trial,
                verifier: "jsonwebtoken".into(),
                also_verified: vec![],
                not_verified: vec![],
                hashed_nonce: false,
            }
        );
    }

    /// RS/HS key confusion: an HS256 token whose HMAC key is the RSA key's bytes, naming the
    /// RSA key by kid, must not be checked at all.
    #[test]
    fn hs256_naming_an_rsa_key_does_not_fit() {
        let jwk = rsa_jwk("r1");
        let keys = jwks(json!({"keys":[jwk.clone()]}));
        let forged = hs256_token(
            json!({"alg":"HS256","kid":"r1"}),
            jwk.to_string().as_bytes(),
        );
        let v = outcome(&forged, &keys);
        assert!(
            matches!(v, Verification::AlgorithmDoesNotFitKey { ref key_id, ref reason, .. } if key_id == "0/0" && reason.contains("key-confusion")),
            "{v:?}"
        );
        // Trial mode never offers an RSA key to HS256 either.
        let forged = hs256_token(json!({"alg":"HS256"}), jwk.to_string().as_bytes());
        assert!(matches!(
            outcome(&forged, &keys),
            Verification::NoMatchingKey { .. }
        ));
    }

    #[test]
    fn fitting_key_is_not_refused() {
        let keys = jwks(
            json!({"keys":[{"kty":"oct","kid":"h","alg":"HS256","use":"sig","k":b64::encode_url(SECRET.as_bytes())}]}),
        );
        let v = outcome(
            &hs256_token(json!({"alg":"HS256","kid":"h"}), SECRET.as_bytes()),
            &keys,
        );
        assert!(matches!(v, Verification::Verified { .. }), "{v:?}");
    }

    #[test]
    fn unknown_alg_is_unsupported() {
        let token = format!("{}.{}.AAAA", enc(r#"{"alg":"ES224"}"#), enc("{}"));
        assert_eq!(
            outcome(&token, &[]),
            Verification::UnsupportedAlgorithm {
                alg: "ES224".into()
            }
        );
    }

    #[test]
    fn es256k_is_reported_unsupported_by_the_verifier() {
        let keys = jwks(
            json!({"keys":[{"kty":"EC","crv":"secp256k1","kid":"s","x":b64::encode_url(&[1;32]),"y":b64::encode_url(&[2;32])}]}),
        );
        let token = format!(
            "{}.{}.AAAA",
            enc(r#"{"alg":"ES256K","kid":"s"}"#),
            enc("{}")
        );
        assert!(
            matches!(outcome(&token, &keys), Verification::UnsupportedAlgorithm { ref alg } if alg.starts_with("ES256K"))
        );
    }

    #[test]
    fn alg_none_is_unsecured_even_with_keys() {
        let keys = hmac_key_set(0, SECRET, SecretEncoding::Utf8).keys;
        let token = format!("{}.{}.", enc(r#"{"alg":"NoNe"}"#), enc("{}"));
        assert_eq!(outcome(&token, &keys), Verification::Unsecured);
    }

    #[test]
    fn verify_token_gives_one_outcome_per_block() {
        let keys = jwks(json!({"keys":[ec_jwk(1, json!({"kid":"k1"}))]}));
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        let token = parse_compact(&es256_token(json!({"alg":"ES256","kid":"k1"}), 1))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let outcomes = verify_token(&token, &refs, &JsonWebTokenVerifier);
        assert!(matches!(
            outcomes.as_slice(),
            [Verification::Verified { .. }]
        ));
    }

    #[test]
    fn jwe_is_encrypted() {
        let token = format!(
            "{}.YQ.Yg.Yw.ZA",
            enc(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)
        );
        assert_eq!(outcome(&token, &[]), Verification::Encrypted);
    }

    /// The header's own `jwk` is the signer; the trusted key is a different one with the same
    /// kid. The embedded key must be ignored.
    #[test]
    fn header_jwk_is_never_used() {
        let keys = jwks(json!({"keys":[ec_jwk(1, json!({"kid":"k1"}))]}));
        let token = es256_token(
            json!({"alg":"ES256","kid":"k1","jwk":ec_jwk(5, json!({}))}),
            5,
        );
        assert!(matches!(
            outcome(&token, &keys),
            Verification::SignatureInvalid { .. }
        ));
        let token = es256_token(json!({"alg":"ES256","jwk":ec_jwk(5, json!({}))}), 5);
        assert!(
            matches!(outcome(&token, &[]), Verification::NoMatchingKey { ref detail } if detail.contains("never trusted"))
        );
    }

    #[test]
    fn answer_lookup_replays_planned_checks() {
        let keys = jwks(json!({"keys":[ec_jwk(2, json!({})), ec_jwk(1, json!({}))]}));
        let refs: Vec<&KeyEntry> = keys.iter().collect();
        let token = parse_compact(&es256_token(json!({"alg":"ES256"}), 1))
            .unwrap_or_else(|e| unreachable!("{e}"));
        let block = token.primary().unwrap_or_else(|| unreachable!());
        let Plan::Checks { checks, .. } = plan_checks(block, &refs) else {
            unreachable!("expected checks")
        };
        assert_eq!(checks.len(), 2);
        let mut lookup = super::super::RecordedAnswers::new("replay");
        for c in &checks {
            let ok =
                JsonWebTokenVerifier.verify(c.alg, &c.material, &c.signing_input, &c.signature);
            lookup.record(c, ok);
        }
        assert_eq!(
            verify_signature(block, &refs, &lookup),
            Verification::Verified {
                key_id: "0/1".into(),
                matched_by: MatchedBy::Trial,
                verifier: "replay".into(),
                also_verified: vec![],
                not_verified: vec!["0/0".into()],
                hashed_nonce: false,
            }
        );
        let empty = super::super::RecordedAnswers::new("empty");
        assert!(matches!(
            verify_signature(block, &refs, &empty),
            Verification::UnsupportedAlgorithm { ref alg } if alg.contains("no verifier answered")
        ));
    }
}
