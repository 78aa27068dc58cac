//! The `weak-hmac-secret` rule: does an HMAC-signed token verify with a publicly known secret?
//! Keyhole ships only a handful of obvious secrets of its own; larger third-party lists (e.g.
//! wallarm/jwt-secrets) are passed in by the caller through `JudgeOptions::weak_secrets`, because
//! their licences and sizes do not belong in the engine.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::{Sha256, Sha384, Sha512};

use super::{evidence, Facts, WEAK_HMAC_SECRET};
use crate::b64;
use crate::keys::KeyMaterial;
use crate::report::Finding;

/// Secrets anyone would try first: defaults of tutorials and jwt.io, and placeholder words.
pub const BUILT_IN_WEAK_SECRETS: &[&str] = &[
    "",
    "secret",
    "Secret",
    "SECRET",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "secretkey",
    "secret-key",
    "secret_key",
    "mysecret",
    "my-secret",
    "supersecret",
    "changeme",
    "change-me",
    "password",
    "jwt",
    "jwtsecret",
    "jwt-secret",
    "key",
    "test",
    "123456",
];

/// Computes HMAC-SHA-2 of `input` with `secret` for an HS* algorithm (RFC 7518 §3.2).
pub fn hmac(alg: &str, secret: &[u8], input: &[u8]) -> Option<Vec<u8>> {
    macro_rules! mac {
        ($h:ty) => {{
            let mut m = <Hmac<$h> as Mac>::new_from_slice(secret).ok()?;
            m.update(input);
            Some(m.finalize().into_bytes().to_vec())
        }};
    }
    match alg {
        "HS256" => mac!(Sha256),
        "HS384" => mac!(Sha384),
        "HS512" => mac!(Sha512),
        _ => None,
    }
}

/// The first secret (built-in, then the caller's) under which the signature verifies.
pub fn find_weak_secret<'a>(
    alg: &str,
    signing_input: &[u8],
    signature: &[u8],
    extra: &'a [String],
) -> Option<(&'a str, &'static str)> {
    let candidates = BUILT_IN_WEAK_SECRETS
        .iter()
        .map(|s| (*s, "built-in list"))
        .chain(extra.iter().map(|s| (s.as_str(), "supplied list")));
    for (secret, list) in candidates {
        if hmac(alg, secret.as_bytes(), signing_input).is_some_and(|m| m == signature) {
            return Some((secret, list));
        }
    }
    None
}

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(alg) = f
        .alg()
        .filter(|a| matches!(*a, "HS256" | "HS384" | "HS512"))
    else {
        return;
    };
    // A trusted secret that is itself on a list.
    if let Some(KeyMaterial::Oct { secret }) = f.key.map(|k| &k.material) {
        let listed = BUILT_IN_WEAK_SECRETS
            .iter()
            .any(|s| s.as_bytes() == secret.as_slice())
            || f.options
                .weak_secrets
                .iter()
                .any(|s| s.as_bytes() == secret.as_slice());
        if listed {
            out.push(WEAK_HMAC_SECRET.finding(
                format!(
                    "the trusted {alg} secret of key {} is on a list of publicly known secrets",
                    f.key.map_or("?", |k| k.id.as_str())
                ),
                evidence([("alg", json!(alg)), ("matched_on", json!("trusted secret"))]),
            ));
            return;
        }
    }
    let Some(block) = f.token.primary() else {
        return;
    };
    let Ok(signature) = b64::decode_url(&block.signature_b64) else {
        return;
    };
    if signature.is_empty() {
        return;
    }
    if let Some((secret, list)) = find_weak_secret(
        alg,
        &block.signing_input,
        &signature,
        f.options.weak_secrets,
    ) {
        out.push(WEAK_HMAC_SECRET.finding(
            format!("the {alg} signature verifies with the publicly known secret \"{secret}\" ({list}): anyone can forge this token"),
            evidence([
                ("alg", json!(alg)),
                ("secret", json!(secret)),
                ("list", json!(list)),
                ("matched_on", json!("token signature")),
            ]),
        ));
    }
}
