//! Rules on the named key itself: size, agreement with its own certificate, HMAC secret length,
//! and the built-in known-compromised list (which also matches on the header alone, so a token
//! naming the Storm-0558 key is flagged even when that key was not supplied).

use serde_json::json;

use super::{evidence, opt, Facts};
use super::{HMAC_SECRET_TOO_SHORT, JWK_CERT_MISMATCH, KNOWN_COMPROMISED_KEY, WEAK_SIGNING_KEY};
use crate::judge::boundary::time_claim;
use crate::judge::compromised;
use crate::judge::rules::time::show_time;
use crate::keys::{KeyMaterial, KeySize};
use crate::report::Finding;

/// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
pub const MIN_RSA_BITS: u32 = 2048;

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    compromised_key(f, out);
    let Some(key) = f.key else { return };
    if let Some(KeySize::RsaBits { bits }) = &key.size {
        if *bits < MIN_RSA_BITS {
            out.push(WEAK_SIGNING_KEY.finding(
                format!(
                    "trusted key {} is RSA {bits} bits, below the {MIN_RSA_BITS}-bit minimum",
                    key.id
                ),
                evidence([
                    ("key_id", json!(key.id)),
                    ("bits", json!(bits)),
                    ("minimum", json!(MIN_RSA_BITS)),
                ]),
            ));
        }
    }
    if let Some(cert) = &key.certificate {
        let mut disagree = Vec::new();
        if cert.public_key_matches_jwk == Some(false) {
            disagree.push("the certificate's public key differs from the JWK's");
        }
        if cert.x5t_matches == Some(false) {
            disagree.push("the JWK's x5t is not the certificate's SHA-1 thumbprint");
        }
        if cert.x5t_s256_matches == Some(false) {
            disagree.push("the JWK's x5t#S256 is not the certificate's SHA-256 thumbprint");
        }
        if !disagree.is_empty() {
            out.push(JWK_CERT_MISMATCH.finding(
                format!(
                    "trusted key {} disagrees with its own certificate ({}): {}",
                    key.id,
                    cert.subject,
                    disagree.join("; ")
                ),
                evidence([
                    ("key_id", json!(key.id)),
                    ("jwk_x5t", opt(key.x5t.as_deref())),
                    ("certificate_x5t", json!(cert.x5t)),
                    ("jwk_x5t_s256", opt(key.x5t_s256.as_deref())),
                    ("certificate_x5t_s256", json!(cert.x5t_s256)),
                    ("public_key_matches_jwk", json!(cert.public_key_matches_jwk)),
                ]),
            ));
        }
    }
    if let (KeyMaterial::Oct { secret }, Some(alg)) = (&key.material, f.alg()) {
        let needed = match alg {
            "HS256" => 32,
            "HS384" => 48,
            "HS512" => 64,
            _ => 0,
        };
        if secret.len() < needed {
            out.push(HMAC_SECRET_TOO_SHORT.finding(
                format!(
                    "the {alg} secret of trusted key {} is {} bytes; {alg} needs at least {needed}",
                    key.id,
                    secret.len()
                ),
                evidence([
                    ("key_id", json!(key.id)),
                    ("alg", json!(alg)),
                    ("bytes", json!(secret.len())),
                    ("minimum_bytes", json!(needed)),
                ]),
            ));
        }
    }
}

fn compromised_key(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let found = f.key.and_then(compromised::match_key).or_else(|| {
        let p = f.params?;
        compromised::match_header(p.kid.as_deref(), p.x5t.as_deref())
    });
    let Some(m) = found else { return };
    let iat = time_claim(f.claims, "iat");
    let context = match iat {
        Some(t) if t < m.abused_from => format!(
            "; the token's iat {} predates the first known abuse ({}), so it may be an old documentation sample",
            show_time(t),
            show_time(m.abused_from)
        ),
        _ => String::new(),
    };
    out.push(KNOWN_COMPROMISED_KEY.finding(
        format!(
            "the {} \"{}\" is the {}{context}",
            m.matched_on, m.value, m.name
        ),
        evidence([
            ("matched_on", json!(m.matched_on)),
            ("value", json!(m.value)),
            ("incident", json!(m.name)),
            ("iat", json!(iat)),
            ("abused_from", json!(m.abused_from)),
            ("sources", json!(m.sources)),
        ]),
    ));
}
