//! HMAC secrets typed by the analyst, as UTF-8 text or base64, turned into a one-key set so that
//! HS256/384/512 tokens can be checked like any other.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::Serialize;

use super::pem::bare_entry;
use super::{DocumentKind, KeyMaterial, KeyOrigin, KeyProblem, KeySet};

/// How the analyst typed the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretEncoding {
    /// The secret is the UTF-8 bytes of the text as typed (not trimmed).
    Utf8,
    /// The secret is base64 or base64url, padded or not.
    Base64,
}

/// Builds a key set holding one HMAC secret.
pub fn hmac_key_set(index: usize, secret: &str, encoding: SecretEncoding) -> KeySet {
    let mut set = KeySet {
        index,
        source: None,
        declared_issuer: None,
        issuer_from_catalogue: false,
        kind: DocumentKind::HmacSecret,
        keys: Vec::new(),
        openid: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let bytes = match encoding {
        SecretEncoding::Utf8 => Ok(secret.as_bytes().to_vec()),
        SecretEncoding::Base64 => {
            let text: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
            URL_SAFE_NO_PAD
                .decode(&text)
                .or_else(|_| URL_SAFE.decode(&text))
                .or_else(|_| STANDARD.decode(&text))
                .or_else(|_| STANDARD_NO_PAD.decode(&text))
                .map_err(|e| format!("the secret is not base64 or base64url ({e}); choose UTF-8 if it is plain text"))
        }
    };
    match bytes {
        Ok(b) if b.is_empty() => set.problems.push(KeyProblem {
            set_index: index,
            key_index: Some(0),
            kid: None,
            message: "the secret is empty".into(),
        }),
        Ok(secret) => set.keys.push(bare_entry(
            index,
            0,
            KeyOrigin::HmacSecret,
            KeyMaterial::Oct { secret },
            None,
        )),
        Err(message) => set.problems.push(KeyProblem {
            set_index: index,
            key_index: Some(0),
            kid: None,
            message,
        }),
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeySize;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn utf8_secret_is_used_as_typed() {
        let set = hmac_key_set(3, "your-256-bit-secret", SecretEncoding::Utf8);
        let key = set.keys.first();
        assert_eq!(
            key.map(|k| k.material.clone()),
            Some(KeyMaterial::Oct {
                secret: b"your-256-bit-secret".to_vec()
            })
        );
        assert_eq!(
            key.and_then(|k| k.size.clone()),
            Some(KeySize::SecretBits { bits: 152 })
        );
        assert_eq!(key.map(|k| k.id.as_str()), Some("3/0"));
    }

    #[test]
    fn base64_and_base64url_secrets_decode() {
        for text in ["-_8", "+/8=", "+/8"] {
            let set = hmac_key_set(0, text, SecretEncoding::Base64);
            assert_eq!(
                set.keys.first().map(|k| k.material.clone()),
                Some(KeyMaterial::Oct {
                    secret: vec![0xfb, 0xff]
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_base64_and_empty_secret_are_problems() {
        assert_eq!(
            hmac_key_set(0, "***", SecretEncoding::Base64)
                .problems
                .len(),
            1
        );
        assert_eq!(hmac_key_set(0, "", SecretEncoding::Utf8).problems.len(), 1);
    }
}
