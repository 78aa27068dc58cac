//! X.509 certificates (RFC 5280) as they appear in `x5c` (RFC 7517 §4.7), PEM and base64 DER:
//! subject, issuer, serial, validity, SHA-1/SHA-256 thumbprints and the public key, so that the
//! analyst can see whether a JWK agrees with the certificate it carries.

use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::der::Decode;
use x509_cert::Certificate;

use super::material::material_from_spki;
use super::{CertificateInfo, KeyMaterial};
use crate::b64;

/// A certificate read from DER: what it says, and its public key (or why that is unreadable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCertificate {
    /// Facts about the certificate; the JWK comparison fields are left None here.
    pub info: CertificateInfo,
    pub material: Result<KeyMaterial, String>,
}

use crate::b64::hex_lower as hex;

/// Reads a DER X.509 certificate. Thumbprints are over the exact DER bytes given.
pub fn parse_certificate(der: &[u8]) -> Result<ParsedCertificate, String> {
    let cert =
        Certificate::from_der(der).map_err(|e| format!("not a DER X.509 certificate: {e}"))?;
    let tbs = &cert.tbs_certificate;
    let serial = tbs.serial_number.as_bytes();
    // DER integers carry a 0x00 sign byte before a high bit; the serial is shown without it.
    let serial = match serial {
        [0, rest @ ..] if !rest.is_empty() => rest,
        other => other,
    };
    let secs = |t: x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    let sha1 = Sha1::digest(der);
    let sha256 = Sha256::digest(der);
    let info = CertificateInfo {
        subject: super::dn::to_rfc4514(&tbs.subject),
        issuer: super::dn::to_rfc4514(&tbs.issuer),
        serial: hex(serial),
        not_before: secs(tbs.validity.not_before),
        not_after: secs(tbs.validity.not_after),
        sha1_hex: hex(&sha1),
        x5t: b64::encode_url(&sha1),
        x5t_s256: b64::encode_url(&sha256),
        public_key_matches_jwk: None,
        x5t_matches: None,
        x5t_s256_matches: None,
    };
    Ok(ParsedCertificate {
        info,
        material: material_from_spki(&tbs.subject_public_key_info),
    })
}
