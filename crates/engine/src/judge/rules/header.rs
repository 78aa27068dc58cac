//! Rules on the (untrusted) header alone: `alg: none`, keys the token brings along, encrypted
//! tokens, algorithms nobody can check, and inconsistent key references.

use crate::judge::evidence as ev;
use crate::model::EvidenceValue;
use sha1::{Digest, Sha1};

use super::{evidence, opt, Facts};
use super::{
    ALG_NONE, CRIT_NOT_UNDERSTOOD, ENCRYPTED_TOKEN, HEADER_EMBEDDED_KEY, HEADER_KID_X5T_MISMATCH,
    UNSUPPORTED_ALGORITHM,
};
use crate::b64;
use crate::report::Finding;
use crate::token::{TokenKind, REGISTERED_HEADER_PARAMS};
use crate::verify::Verification;

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let unsecured = f.token.kind == TokenKind::Unsecured
        || f.params.is_some_and(|p| p.is_unsecured())
        || matches!(f.verification, Verification::Unsecured);
    if unsecured {
        out.push(ALG_NONE.finding(
            format!(
                "the header says \"alg\": \"{}\": the token is unsecured and anyone could have written it",
                f.alg().unwrap_or("none")
            ),
            evidence([("alg", opt(f.alg()))]),
        ));
    }
    embedded_key(f, out);
    if f.token.kind == TokenKind::Jwe || matches!(f.verification, Verification::Encrypted) {
        out.push(ENCRYPTED_TOKEN.finding(
            format!(
                "the token is encrypted (JWE, \"alg\": \"{}\", \"enc\": \"{}\"): only its header can be read and there is no signature to check",
                f.alg().unwrap_or("?"),
                f.params.and_then(|p| p.enc.as_deref()).unwrap_or("?")
            ),
            evidence([
                ("alg", opt(f.alg())),
                ("enc", opt(f.params.and_then(|p| p.enc.as_deref()))),
            ]),
        ));
    }
    if let Verification::UnsupportedAlgorithm { alg } = f.verification {
        out.push(UNSUPPORTED_ALGORITHM.finding(
            format!("the algorithm \"{alg}\" is not supported, so the signature was not checked"),
            evidence([("alg", alg.into())]),
        ));
    }
    kid_x5t(f, out);
    crit(f, out);
}

/// The extensions Keyhole understands when a header marks them critical: only RFC 7797's
/// `b64` (the unencoded payload option), which it reads as RFC 7797 says.
pub const UNDERSTOOD_CRITICAL: &[&str] = &["b64"];

/// RFC 7515 §4.1.11: a recipient MUST reject a token whose `crit` it does not understand, or
/// whose `crit` is malformed. A validator that ignores `crit` would accept it: so a token a
/// trusted key verified is a violation.
fn crit(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(block) = f.token.primary() else {
        return;
    };
    let Some(value) = block.header.get("crit") else {
        return;
    };
    let mut problems: Vec<String> = Vec::new();
    match value.as_array() {
        None => problems.push(format!("\"crit\" is {value}, not a list of names")),
        Some(list) if list.is_empty() => {
            problems.push("\"crit\" is an empty list, which RFC 7515 §4.1.11 forbids".into());
        }
        Some(list) => {
            for item in list {
                let Some(name) = item.as_str() else {
                    problems.push(format!("\"crit\" lists {item}, which is not a name"));
                    continue;
                };
                // `b64` is registered by RFC 7797 precisely to be listed in `crit`.
                if name != "b64" && REGISTERED_HEADER_PARAMS.contains(&name) {
                    problems.push(format!(
                        "\"crit\" lists the standard parameter \"{name}\", which RFC 7515 §4.1.11 forbids"
                    ));
                } else if !UNDERSTOOD_CRITICAL.contains(&name) {
                    problems.push(format!(
                        "\"crit\" lists \"{name}\", an extension Keyhole does not understand"
                    ));
                }
                if !block.header.contains_key(name) {
                    problems.push(format!(
                        "\"crit\" lists \"{name}\" but the header does not contain it"
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        return;
    }
    out.push(CRIT_NOT_UNDERSTOOD.finding(
        format!(
            "the token must be rejected (RFC 7515 §4.1.11): {}; a validator that ignores \"crit\" would accept it",
            problems.join("; ")
        ),
        evidence([
            ("crit", ev::json(value.clone())),
            ("problems", problems.into()),
            ("understood", UNDERSTOOD_CRITICAL.into()),
        ]),
    ));
}

fn embedded_key(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(p) = f.params else { return };
    let mut found: Vec<&str> = Vec::new();
    if p.jwk.is_some() {
        found.push("jwk");
    }
    if p.jku.is_some() {
        found.push("jku");
    }
    if p.x5u.is_some() {
        found.push("x5u");
    }
    let mut x5c_is_trusted_cert = None;
    if let Some(chain) = &p.x5c {
        let header_sha1 = chain
            .first()
            .and_then(|c| b64::decode_std(c).ok())
            .map(|der| hex(&Sha1::digest(der)));
        let trusted_sha1 = f
            .key
            .filter(|_| f.key_verified)
            .and_then(|k| k.certificate.as_ref())
            .map(|c| c.sha1_hex.to_ascii_lowercase());
        let same = matches!((&header_sha1, &trusted_sha1), (Some(h), Some(t)) if h == t);
        x5c_is_trusted_cert = Some(same);
        if !same {
            found.push("x5c");
        }
    }
    if found.is_empty() {
        return;
    }
    out.push(HEADER_EMBEDDED_KEY.finding(
        format!(
            "the header supplies its own key material ({}); a key chosen by the token itself proves nothing{}",
            found.join(", "),
            if x5c_is_trusted_cert == Some(false) {
                " (the x5c certificate is not the trusted signing key's certificate)"
            } else {
                ""
            }
        ),
        evidence([
            ("parameters", found.into()),
            ("jku", opt(p.jku.as_deref())),
            ("x5u", opt(p.x5u.as_deref())),
            ("jwk", p.jwk.clone().map_or(EvidenceValue::None, ev::json)),
            (
                "x5c_is_trusted_key_certificate",
                x5c_is_trusted_cert.into(),
            ),
        ]),
    ));
}

fn kid_x5t(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(p) = f.params else { return };
    if f.boundary.microsoft.is_none() {
        // Other identity providers choose kid freely; only Microsoft sets kid = x5t.
        return;
    }
    if let (Some(kid), Some(x5t)) = (p.kid.as_deref(), p.x5t.as_deref()) {
        if kid != x5t {
            out.push(HEADER_KID_X5T_MISMATCH.finding(
                format!("the header's kid \"{kid}\" differs from its x5t \"{x5t}\"; Microsoft sets both to the certificate thumbprint"),
                evidence([("kid", kid.into()), ("x5t", x5t.into())]),
            ));
        }
    }
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
