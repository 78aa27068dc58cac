//! Rules on the key that verified the token: agreement with its own certificate and the
//! built-in known-compromised list. A token that only *names* a compromised key (Microsoft's
//! documentation samples name the Storm-0558 key) gets `names-compromised-key`, a warning: a
//! key that did not sign the token says nothing about it. Key strength is the verifier's
//! policy (`verify::fit`), reported in `signature.rs`.

use crate::judge::evidence as ev;

use super::{evidence, opt, Facts};
use super::{JWK_CERT_MISMATCH, KNOWN_COMPROMISED_KEY, NAMES_COMPROMISED_KEY};
use crate::judge::boundary::time_claim;
use crate::judge::compromised;
use crate::judge::rules::time::show_time;
use crate::report::Finding;

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    compromised_key(f, out);
    let (Some(key), true) = (f.key, f.key_verified) else {
        return;
    };
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
                    "{} disagrees with its own certificate ({}): {}",
                    f.key_name(key),
                    cert.subject,
                    disagree.join("; ")
                ),
                evidence([
                    ("key_id", f.key_ev(key)),
                    ("jwk_x5t", opt(key.x5t.as_deref())),
                    ("certificate_x5t", (&cert.x5t).into()),
                    ("jwk_x5t_s256", opt(key.x5t_s256.as_deref())),
                    ("certificate_x5t_s256", (&cert.x5t_s256).into()),
                    ("public_key_matches_jwk", cert.public_key_matches_jwk.into()),
                ]),
            ));
        }
    }
}

fn compromised_key(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let verified = f.key.filter(|_| f.key_verified);
    let found = verified
        .and_then(compromised::match_key)
        .map(|m| (m, true))
        .or_else(|| {
            f.params
                .and_then(|p| compromised::match_header(p.kid.as_deref(), p.x5t.as_deref()))
                .map(|m| (m, false))
        });
    let Some((m, signed_with_it)) = found else {
        return;
    };
    let iat = time_claim(f.claims, "iat");
    let context = match iat {
        Some(t) if t < m.abused_from => format!(
            "; the token's iat {} predates the first known abuse ({}), so it may be an old documentation sample",
            show_time(t),
            show_time(m.abused_from)
        ),
        _ => String::new(),
    };
    let (rule, message) = if signed_with_it {
        (
            KNOWN_COMPROMISED_KEY,
            format!(
                "the key that verified the signature ({} \"{}\") is the {}{context}",
                m.matched_on, m.value, m.name
            ),
        )
    } else {
        (
            NAMES_COMPROMISED_KEY,
            format!(
                "the header names the {} ({} \"{}\"), but that key did not verify the signature{context}",
                m.name, m.matched_on, m.value
            ),
        )
    };
    out.push(rule.finding(
        message,
        evidence([
            ("matched_on", (&m.matched_on).into()),
            ("value", (&m.value).into()),
            ("incident", (&m.name).into()),
            ("iat", iat.map(ev::time).into()),
            ("abused_from", ev::time(m.abused_from)),
            ("sources", m.sources.clone().into()),
        ]),
    ));
}
