//! Rules on the signature check and on whether the named key may be used with the header's
//! algorithm at all (RFC 8725 §3.1: each key with exactly one algorithm; RFC 7517 §4.2–4.4).

use serde_json::json;

use super::{evidence, opt, Facts};
use super::{
    ALG_KEY_TYPE_MISMATCH, KEY_NOT_IN_TRUSTED_SET, KEY_USE_NOT_SIGNING, SIGNATURE_INVALID,
};
use crate::keys::{KeyEntry, KeyMaterial};
use crate::report::Finding;
use crate::verify::Verification;

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    match f.verification {
        Verification::SignatureInvalid {
            key_ids, verifier, ..
        } => {
            out.push(SIGNATURE_INVALID.finding(
                format!(
                    "the signature does not verify with the matching trusted key{} {} (checked by {verifier})",
                    if key_ids.len() == 1 { "" } else { "s" },
                    key_ids.join(", ")
                ),
                evidence([
                    ("key_ids", json!(key_ids)),
                    ("alg", opt(f.alg())),
                    ("verifier", json!(verifier)),
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
                    ("detail", json!(detail)),
                ]),
            ));
        }
        _ => {}
    }
    let Some(key) = f.key else { return };
    let use_problem = key_use_problem(key);
    if let Some(problem) = &use_problem {
        out.push(KEY_USE_NOT_SIGNING.finding(
            format!(
                "trusted key {} is not meant for verifying signatures: {problem}",
                key.id
            ),
            evidence([
                ("key_id", json!(key.id)),
                ("use", opt(key.use_.as_deref())),
                ("key_ops", json!(key.key_ops)),
            ]),
        ));
    }
    let Some(alg) = f.alg() else { return };
    if let Some(problem) = alg_key_problem(alg, key) {
        out.push(ALG_KEY_TYPE_MISMATCH.finding(
            format!(
                "the header algorithm \"{alg}\" does not fit trusted key {}: {problem}",
                key.id
            ),
            evidence([
                ("alg", json!(alg)),
                ("key_id", json!(key.id)),
                ("kty", json!(key.kty)),
                ("crv", opt(curve(&key.material))),
                ("key_alg", opt(key.alg.as_deref())),
            ]),
        ));
    } else if let Verification::AlgorithmDoesNotFitKey { key_id, reason } = f.verification {
        if use_problem.is_none() {
            out.push(ALG_KEY_TYPE_MISMATCH.finding(
                format!(
                    "the header algorithm \"{alg}\" does not fit trusted key {key_id}: {reason}"
                ),
                evidence([
                    ("alg", json!(alg)),
                    ("key_id", json!(key_id)),
                    ("reason", json!(reason)),
                ]),
            ));
        }
    }
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

/// Why a key's `use` / `key_ops` rule out verifying signatures, if they do.
pub(crate) fn key_use_problem(key: &KeyEntry) -> Option<String> {
    if let Some(u) = key.use_.as_deref().filter(|u| *u != "sig") {
        return Some(format!("its \"use\" is \"{u}\", not \"sig\""));
    }
    if let Some(ops) = &key.key_ops {
        if !ops.iter().any(|o| o == "verify") {
            return Some(format!(
                "its \"key_ops\" [{}] do not include \"verify\"",
                ops.join(", ")
            ));
        }
    }
    None
}

/// The key type (and curves) an algorithm needs (RFC 7518 §3.1, RFC 8037 §3.1).
fn needs(alg: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match alg {
        "HS256" | "HS384" | "HS512" => ("oct", &[]),
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => ("RSA", &[]),
        "ES256" => ("EC", &["P-256"]),
        "ES384" => ("EC", &["P-384"]),
        "ES512" => ("EC", &["P-521"]),
        "ES256K" => ("EC", &["secp256k1"]),
        "EdDSA" => ("OKP", &["Ed25519", "Ed448"]),
        "Ed25519" => ("OKP", &["Ed25519"]),
        _ => return None,
    })
}

/// Why an algorithm cannot be used with a key, if it cannot.
pub(crate) fn alg_key_problem(alg: &str, key: &KeyEntry) -> Option<String> {
    if let Some(key_alg) = key.alg.as_deref().filter(|a| *a != alg) {
        return Some(format!("the key declares \"alg\": \"{key_alg}\""));
    }
    let (kty, curves) = needs(alg)?;
    if key.kty != kty {
        return Some(format!("it needs a {kty} key, the key is {}", key.kty));
    }
    match curve(&key.material) {
        Some(crv) if !curves.is_empty() && !curves.contains(&crv) => Some(format!(
            "it needs curve {}, the key is on {crv}",
            curves.join(" or ")
        )),
        _ => None,
    }
}
