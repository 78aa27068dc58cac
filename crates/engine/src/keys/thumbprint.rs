//! RFC 7638 JWK thumbprints: SHA-256 over the key's required members, in lexicographic order,
//! without whitespace. The members are re-encoded from the parsed material, so two spellings of
//! the same key (e.g. a modulus with a stray leading zero byte) get the same thumbprint.

use sha2::{Digest, Sha256};

use super::KeyMaterial;
use crate::b64;

/// The RFC 7638 §3 SHA-256 thumbprint (base64url) of a public key.
///
/// Returns None for shared secrets (`oct`): RFC 7638 defines one, but a digest of a secret is a
/// guessing oracle, and Keyhole reports are meant to be shared.
pub fn jwk_thumbprint(material: &KeyMaterial) -> Option<String> {
    // Every value below is base64url text or a fixed name, so no JSON escaping is needed.
    let json = match material {
        KeyMaterial::Rsa { n, e } => format!(
            r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
            b64::encode_url(e),
            b64::encode_url(n)
        ),
        KeyMaterial::Ec { crv, x, y } => format!(
            r#"{{"crv":"{crv}","kty":"EC","x":"{}","y":"{}"}}"#,
            b64::encode_url(x),
            b64::encode_url(y)
        ),
        KeyMaterial::Okp { crv, x } => format!(
            r#"{{"crv":"{crv}","kty":"OKP","x":"{}"}}"#,
            b64::encode_url(x)
        ),
        KeyMaterial::Oct { .. } => return None,
    };
    Some(b64::encode_url(&Sha256::digest(json.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// RFC 8037 Appendix A.3: the thumbprint of the A.2 Ed25519 public key.
    #[test]
    fn rfc8037_a3_ed25519_thumbprint() {
        let x = b64::decode_url("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").unwrap();
        let material = KeyMaterial::Okp {
            crv: "Ed25519".into(),
            x,
        };
        assert_eq!(
            jwk_thumbprint(&material).as_deref(),
            Some("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
        );
    }

    #[test]
    fn secrets_have_no_thumbprint() {
        assert_eq!(
            jwk_thumbprint(&KeyMaterial::Oct {
                secret: b"0123456789abcdef0123456789abcdef".to_vec()
            }),
            None
        );
    }
}
