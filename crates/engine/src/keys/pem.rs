//! PEM text (RFC 7468) and bare DER: public keys (`PUBLIC KEY` = SPKI, `RSA PUBLIC KEY` =
//! PKCS#1) and certificates (`CERTIFICATE`), each turned into a [`KeyEntry`] or a [`KeyProblem`].

use x509_cert::der::pem;

use super::certificate::parse_certificate;
use super::material::{key_size, kty_of, material_from_pkcs1_der, material_from_spki_der};
use super::thumbprint::jwk_thumbprint;
use super::{CertificateInfo, FactsCell, KeyEntry, KeyMaterial, KeyOrigin, KeyProblem};

const BEGIN: &str = "-----BEGIN ";

/// Builds an entry for a key that came without JWK members (PEM, DER, certificate).
pub(crate) fn bare_entry(
    set_index: usize,
    key_index: usize,
    origin: KeyOrigin,
    material: KeyMaterial,
    certificate: Option<CertificateInfo>,
) -> KeyEntry {
    KeyEntry {
        id: format!("{set_index}/{key_index}"),
        set_index,
        key_index,
        origin,
        kty: kty_of(&material).to_owned(),
        kid: None,
        alg: None,
        use_: None,
        key_ops: None,
        x5t: None,
        x5t_s256: None,
        issuer: None,
        cloud_instance_name: None,
        size: Some(key_size(&material)),
        thumbprint: jwk_thumbprint(&material),
        certificate,
        had_private_material: false,
        facts: FactsCell::computed(&material),
        material,
    }
}

/// Reads a certificate's DER into an entry.
pub(crate) fn certificate_entry(
    set_index: usize,
    key_index: usize,
    der: &[u8],
) -> Result<KeyEntry, String> {
    let cert = parse_certificate(der)?;
    let material = cert
        .material
        .map_err(|e| format!("the certificate's public key is unusable: {e}"))?;
    Ok(bare_entry(
        set_index,
        key_index,
        KeyOrigin::Certificate,
        material,
        Some(cert.info),
    ))
}

/// Reads one DER blob of unknown type: certificate, then SPKI, then PKCS#1.
pub(crate) fn der_entry(
    set_index: usize,
    key_index: usize,
    der: &[u8],
) -> Result<KeyEntry, String> {
    if let Ok(entry) = certificate_entry(set_index, key_index, der) {
        return Ok(entry);
    }
    material_from_spki_der(der)
        .or_else(|_| material_from_pkcs1_der(der))
        .map(|m| bare_entry(set_index, key_index, KeyOrigin::PemPublicKey, m, None))
        .map_err(|_| {
            "the DER data is neither an X.509 certificate, a SubjectPublicKeyInfo nor a PKCS#1 RSA public key".to_owned()
        })
}

/// True when the text holds at least one PEM block.
pub(crate) fn looks_like_pem(text: &str) -> bool {
    text.contains(BEGIN)
}

/// Reads one PEM block (from [`split_blocks`]); `key_index` is its position in the text.
pub(crate) fn pem_block_entry(
    set_index: usize,
    key_index: usize,
    block: &str,
) -> Result<KeyEntry, KeyProblem> {
    pem::decode_vec(block.as_bytes())
        .map_err(|e| format!("PEM block {} does not decode: {e}", key_index + 1))
        .and_then(|(label, der)| match label {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                certificate_entry(set_index, key_index, &der)
            }
            "PUBLIC KEY" => material_from_spki_der(&der)
                .map(|m| bare_entry(set_index, key_index, KeyOrigin::PemPublicKey, m, None)),
            "RSA PUBLIC KEY" => material_from_pkcs1_der(&der)
                .map(|m| bare_entry(set_index, key_index, KeyOrigin::PemPublicKey, m, None)),
            l if l.contains("PRIVATE KEY") => Err(format!(
                "PEM block {} is a private key (\"{l}\"); paste the public key or the certificate instead, and treat this private key as compromised",
                key_index + 1
            )),
            other => Err(format!(
                "PEM block {} is a \"{other}\"; expected CERTIFICATE, PUBLIC KEY or RSA PUBLIC KEY",
                key_index + 1
            )),
        })
        .map_err(|message| KeyProblem {
            set_index,
            key_index: Some(key_index),
            kid: None,
            message,
        })
}

/// Splits text into PEM blocks, each from `-----BEGIN` to the end of its `-----END …-----` line.
pub(crate) fn split_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let from = rest.get(start..).unwrap_or_default();
        let end = from
            .find("-----END ")
            .and_then(|e| {
                let after = from.get(e + 9..)?;
                after.find("-----").map(|d| e + 9 + d + 5)
            })
            .unwrap_or(from.len());
        let block = from.get(..end).unwrap_or(from);
        // Normalise line endings and indentation so pasted text decodes.
        let cleaned: Vec<&str> = block
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        blocks.push(cleaned.join("\n") + "\n");
        rest = from.get(end..).unwrap_or_default();
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn splits_two_blocks_with_noise() {
        let text = "junk\n-----BEGIN A-----\n  QUJD\n-----END A-----\nmore\r\n-----BEGIN B-----\r\nREVG\r\n-----END B-----";
        let blocks = split_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            blocks.first().map(String::as_str),
            Some("-----BEGIN A-----\nQUJD\n-----END A-----\n")
        );
    }

    #[test]
    fn private_key_block_is_a_problem() {
        let text = "-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n";
        let blocks = split_blocks(text);
        assert_eq!(blocks.len(), 1);
        let read = blocks.first().map(|b| pem_block_entry(0, 0, b));
        assert!(read.is_some_and(|r| r.is_err_and(|p| p.message.contains("private key"))));
    }
}
