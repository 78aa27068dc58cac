//! Rules on the (untrusted) header alone: `alg: none`, keys the token brings along, encrypted
//! tokens, algorithms nobody can check, and inconsistent key references.

use serde_json::{json, Value};
use sha1::{Digest, Sha1};

use super::{evidence, opt, Facts};
use super::{
    ALG_NONE, ENCRYPTED_TOKEN, HEADER_EMBEDDED_KEY, HEADER_KID_X5T_MISMATCH, UNSUPPORTED_ALGORITHM,
};
use crate::b64;
use crate::report::Finding;
use crate::token::TokenKind;
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
            evidence([("alg", json!(alg))]),
        ));
    }
    kid_x5t(f, out);
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
            ("parameters", json!(found)),
            ("jku", opt(p.jku.as_deref())),
            ("x5u", opt(p.x5u.as_deref())),
            ("jwk", p.jwk.clone().unwrap_or(Value::Null)),
            (
                "x5c_is_trusted_key_certificate",
                x5c_is_trusted_cert.map_or(Value::Null, Value::Bool),
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
                evidence([("kid", json!(kid)), ("x5t", json!(x5t))]),
            ));
        }
    }
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
