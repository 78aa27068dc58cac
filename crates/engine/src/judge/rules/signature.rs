//! Rules on the signature check and on the key that answered it. The key-acceptance policy is
//! not repeated here: each [`KeyPolicyProblem`] the verifier's policy (`verify::fit`) finds with the
//! key that verified the token becomes one finding, under the problem's own code.

use super::{evidence, opt, rule, Facts};
use super::{
    AMBIGUOUS_KEY_ID, DETACHED_PAYLOAD, HASHED_NONCE_SIGNATURE, KEY_NOT_IN_TRUSTED_SET,
    SECRET_KEY_PUBLISHED, SIGNATURE_INVALID,
};
use crate::b64;
use crate::judge::find_key;
use crate::keys::{KeyEntry, KeyMaterial, KeyOrigin, KeySet};
use crate::report::Finding;
use crate::verify::{
    hashed_nonce_header, key_problems, Alg, KeyPolicyProblem, MatchedBy, Verification,
};

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    match f.verification {
        Verification::SignatureInvalid {
            key_ids, verifier, ..
        } => {
            out.push(SIGNATURE_INVALID.finding(
                format!(
                    "the signature does not verify with the matching trusted key{}: {} (checked by {verifier})",
                    if key_ids.len() == 1 { "" } else { "s" },
                    f.keys_named(key_ids)
                ),
                evidence([
                    ("key_ids", f.keys_ev(key_ids)),
                    ("alg", opt(f.alg())),
                    ("verifier", verifier.into()),
                ]),
            ));
        }
        Verification::NoMatchingKey { detail } => {
            let p = f.params;
            out.push(KEY_NOT_IN_TRUSTED_SET.finding(
                format!(
                    "no trusted key matches the token (kid {}, x5t {}): {detail}",
                    quoted(p.and_then(|p| p.kid.as_deref())),
                    quoted(p.and_then(|p| p.x5t.as_deref()))
                ),
                evidence([
                    ("kid", opt(p.and_then(|p| p.kid.as_deref()))),
                    ("x5t", opt(p.and_then(|p| p.x5t.as_deref()))),
                    ("alg", opt(f.alg())),
                    ("detail", detail.into()),
                ]),
            ));
        }
        Verification::AlgorithmDoesNotFitKey {
            key_id,
            reason,
            problem,
        } => {
            if let Some(r) = rule(
                problem
                    .as_ref()
                    .map_or("alg-key-type-mismatch", KeyPolicyProblem::code),
            ) {
                let key = f.key;
                out.push(r.finding(
                    format!(
                        "the header algorithm \"{}\" does not fit trusted key {key_id}: {reason}",
                        f.alg().unwrap_or("?")
                    ),
                    evidence([
                        ("alg", opt(f.alg())),
                        ("key_id", f.key_ev_by_id(key_id)),
                        ("kty", opt(key.map(|k| k.kty.as_str()))),
                        ("crv", opt(key.and_then(|k| curve(&k.material)))),
                        ("key_alg", opt(key.and_then(|k| k.alg.as_deref()))),
                        ("problem", opt(problem.as_ref().map(KeyPolicyProblem::code))),
                        ("reason", reason.into()),
                    ]),
                ));
            }
        }
        Verification::DetachedPayload => {
            out.push(DETACHED_PAYLOAD.finding(
                "the payload segment is empty and the signature does not verify over an empty payload: the signed content is detached and was not supplied, so the signature cannot be checked".to_owned(),
                evidence([("alg", opt(f.alg()))]),
            ));
        }
        Verification::Verified {
            hashed_nonce: true, ..
        } => hashed_nonce(f, out),
        _ => {}
    }
    ambiguous_key_id(f, out);
    let (Some(key), true) = (f.key, f.key_verified) else {
        return;
    };
    if let Some(alg) = f.alg().and_then(Alg::parse) {
        for problem in key_problems(alg, key) {
            let Some(r) = rule(problem.code()) else {
                continue;
            };
            out.push(r.finding(
                format!(
                    "{} verified the signature, but it must not be trusted for {alg}: {}",
                    f.key_name(key),
                    problem.explain(alg)
                ),
                evidence([
                    ("key_id", f.key_ev(key)),
                    ("alg", alg.as_str().into()),
                    ("problem", problem.code().into()),
                    ("detail", problem.explain(alg).into()),
                    ("use", opt(key.use_.as_deref())),
                    ("key_ops", key.key_ops.clone().into()),
                    ("key_alg", opt(key.alg.as_deref())),
                ]),
            ));
        }
    }
    if let Some(set) = f.key_set.filter(|s| is_published_secret(key, s)) {
        out.push(SECRET_KEY_PUBLISHED.finding(
            format!(
                "the signature verifies with {}, a symmetric secret published in a key document{}: anyone who can read that document can sign such tokens",
                f.key_name(key),
                set.source
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default()
            ),
            evidence([
                ("key_id", f.key_ev(key)),
                ("kid", opt(key.kid.as_deref())),
                ("origin", format!("{:?}", key.origin).to_ascii_lowercase().into()),
                ("source", opt(set.source.as_deref())),
            ]),
        ));
    }
}

/// True for a symmetric key that came in a key document meant for publication (a JWKS, a JWK
/// array, an OpenID configuration, or any document with a source URL), as opposed to the HMAC
/// secret the analyst typed.
pub(crate) fn is_published_secret(key: &KeyEntry, set: &KeySet) -> bool {
    matches!(key.material, KeyMaterial::Oct { .. })
        && key.origin != KeyOrigin::HmacSecret
        && (matches!(key.origin, KeyOrigin::Jwks | KeyOrigin::JwkArray)
            || set.source.is_some()
            || set.openid.is_some())
}

fn hashed_nonce(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(block) = f.token.primary() else {
        return;
    };
    let Some(signed) = hashed_nonce_header(block) else {
        return;
    };
    let transmitted = b64::decode_url(block.protected_b64.trim_end_matches('='))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    out.push(HASHED_NONCE_SIGNATURE.finding(
        "the signature verifies over the header with its nonce replaced by base64url(SHA-256(nonce)), as Microsoft signs Graph and Teams/Skype access tokens (meant for the resource, not for the client to validate)".to_owned(),
        evidence([
            ("header_as_transmitted", transmitted.into()),
            ("header_as_signed", (&signed.header_json).into()),
        ]),
    ));
}

/// Several different keys (different material) carry the key id the token names.
fn ambiguous_key_id(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let (ids, matched_by): (Vec<&String>, MatchedBy) = match f.verification {
        Verification::Verified {
            key_id,
            also_verified,
            not_verified,
            matched_by,
            ..
        } => (
            std::iter::once(key_id)
                .chain(also_verified)
                .chain(not_verified)
                .collect(),
            *matched_by,
        ),
        Verification::SignatureInvalid {
            key_ids,
            matched_by,
            ..
        } => (key_ids.iter().collect(), *matched_by),
        _ => return,
    };
    if matched_by == MatchedBy::Trial || ids.len() < 2 {
        return;
    }
    let keys: Vec<&KeyEntry> = ids
        .iter()
        .filter_map(|id| find_key(f.trusted, id).map(|(k, _)| k))
        .collect();
    let mut distinct: Vec<&KeyMaterial> = Vec::new();
    for k in &keys {
        if !distinct.contains(&&k.material) {
            distinct.push(&k.material);
        }
    }
    if distinct.len() < 2 {
        return;
    }
    let p = f.params;
    let mut thumbprints: Vec<String> = keys
        .iter()
        .map(|k| k.thumbprint.clone().unwrap_or_else(|| k.kty.clone()))
        .collect();
    crate::small_sort::sort_by(&mut thumbprints, |a, b| a < b);
    thumbprints.dedup();
    let mut key_ids: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
    crate::small_sort::sort_by(&mut key_ids, |a, b| a < b);
    out.push(AMBIGUOUS_KEY_ID.finding(
        format!(
            "{} different trusted keys carry the key id the token names (kid {}, x5t {}); each was tried: {}",
            distinct.len(),
            quoted(p.and_then(|p| p.kid.as_deref())),
            quoted(p.and_then(|p| p.x5t.as_deref())),
            f.keys_named(key_ids.iter().copied())
        ),
        evidence([
            ("kid", opt(p.and_then(|p| p.kid.as_deref()))),
            ("x5t", opt(p.and_then(|p| p.x5t.as_deref()))),
            ("key_ids", f.keys_ev(key_ids.iter().copied())),
            ("distinct_keys", distinct.len().into()),
            ("thumbprints", thumbprints.into()),
        ]),
    ));
}

fn quoted(v: Option<&str>) -> String {
    v.map_or_else(|| "(none)".to_owned(), |s| format!("\"{s}\""))
}

fn curve(m: &KeyMaterial) -> Option<&str> {
    match m {
        KeyMaterial::Ec { crv, .. } | KeyMaterial::Okp { crv, .. } => Some(crv),
        _ => None,
    }
}
