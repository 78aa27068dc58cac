//! Does the token's algorithm fit the trusted key? Checked before any cryptography, so that a
//! key is only ever used the way its owner published it. This is what stops RS/HS confusion: an
//! HS256 token is never checked with an RSA public key's bytes as the HMAC secret.

use super::Alg;
use crate::keys::{KeyEntry, KeyMaterial};

/// Smallest RSA modulus allowed for RS*/PS* (RFC 7518 §3.3 and §3.5: "2048 bits or larger").
pub const MIN_RSA_BITS: u32 = 2048;

/// Checks, in order, and explains the first refusal in plain English:
/// 1. key type: HS* needs `oct`, RS*/PS* need `RSA`, ES* need `EC`, EdDSA needs `OKP`;
/// 2. curve: ES256 ↔ P-256, ES384 ↔ P-384, ES512 ↔ P-521, ES256K ↔ secp256k1,
///    EdDSA ↔ Ed25519/Ed448;
/// 3. the key's own `alg`, when present, must name exactly this algorithm (RFC 7517 §4.4);
/// 4. the key's `use`, when present, must be `sig` (RFC 7517 §4.2);
/// 5. the key's `key_ops`, when present, must contain `verify` (RFC 7517 §4.3);
/// 6. strength the RFC requires: RSA ≥ 2048 bits (RFC 7518 §3.3), an HMAC secret at least as
///    long as the hash output (RFC 7518 §3.2); and no RSA modulus with the ROCA fingerprint
///    (CVE-2017-15361), whose private key anyone can compute.
pub fn alg_fits_key(alg: Alg, key: &KeyEntry) -> Result<(), String> {
    fits_material(alg, &key.material)?;
    if let Some(key_alg) = key.alg.as_deref() {
        if key_alg != alg.as_str() {
            return Err(format!(
                "the key declares \"alg\": \"{key_alg}\", so it may not verify a {alg} signature (RFC 7517 §4.4)"
            ));
        }
    }
    if let Some(use_) = key.use_.as_deref() {
        if use_ != "sig" {
            return Err(format!(
                "the key declares \"use\": \"{use_}\", not \"sig\": it is not meant for signatures (RFC 7517 §4.2)"
            ));
        }
    }
    if let Some(ops) = &key.key_ops {
        if !ops.iter().any(|o| o == "verify") {
            return Err(format!(
                "the key's \"key_ops\" ({}) do not include \"verify\" (RFC 7517 §4.3)",
                ops.iter()
                    .map(|o| format!("\"{o}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    strong_enough(alg, key)
}

fn fits_material(alg: Alg, material: &KeyMaterial) -> Result<(), String> {
    let kty = match material {
        KeyMaterial::Rsa { .. } => "an RSA public key",
        KeyMaterial::Ec { .. } => "an EC public key",
        KeyMaterial::Okp { .. } => "an OKP public key",
        KeyMaterial::Oct { .. } => "a shared secret (oct)",
    };
    match (alg, material) {
        (Alg::HS256 | Alg::HS384 | Alg::HS512, KeyMaterial::Oct { .. }) => Ok(()),
        (Alg::HS256 | Alg::HS384 | Alg::HS512, _) => Err(format!(
            "{alg} needs a shared secret, but the key is {kty}; using a public key as an HMAC secret is the RS/HS key-confusion attack"
        )),
        (
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512,
            KeyMaterial::Rsa { .. },
        ) => Ok(()),
        (Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512, _) => {
            Err(format!("{alg} needs an RSA key, but the key is {kty}"))
        }
        (Alg::ES256 | Alg::ES384 | Alg::ES512 | Alg::ES256K, KeyMaterial::Ec { crv, .. }) => {
            let wanted = match alg {
                Alg::ES256 => "P-256",
                Alg::ES384 => "P-384",
                Alg::ES512 => "P-521",
                _ => "secp256k1",
            };
            if crv == wanted {
                Ok(())
            } else {
                Err(format!(
                    "{alg} needs a key on curve {wanted}, but the key is on {crv} (RFC 7518 §3.4)"
                ))
            }
        }
        (Alg::ES256 | Alg::ES384 | Alg::ES512 | Alg::ES256K, _) => {
            Err(format!("{alg} needs an EC key, but the key is {kty}"))
        }
        (Alg::EdDSA, KeyMaterial::Okp { crv, .. }) => {
            if crv == "Ed25519" || crv == "Ed448" {
                Ok(())
            } else {
                Err(format!(
                    "EdDSA needs an Ed25519 or Ed448 key, but the key is on {crv}, a key-agreement curve (RFC 8037 §3.1)"
                ))
            }
        }
        (Alg::EdDSA, _) => Err(format!("EdDSA needs an OKP key, but the key is {kty}")),
    }
}

/// The RSA size and ROCA test come from the key's [`crate::keys::KeyFacts`], computed once when
/// the key was read: this runs for every token and candidate key, and the ROCA test is
/// arithmetic over the whole modulus.
fn strong_enough(alg: Alg, key: &KeyEntry) -> Result<(), String> {
    match &key.material {
        KeyMaterial::Rsa { .. } => {
            let facts = key.facts();
            let bits = facts.rsa_bits.unwrap_or(0);
            if bits < MIN_RSA_BITS {
                return Err(format!(
                    "the RSA key has {bits} bits; {alg} requires at least {MIN_RSA_BITS} (RFC 7518 §3.3), and shorter keys can be factored"
                ));
            }
            if facts.roca {
                return Err("the RSA modulus has the ROCA fingerprint (CVE-2017-15361, Infineon key generation): its private key can be computed from the public key, so a signature proves nothing".to_owned());
            }
            Ok(())
        }
        KeyMaterial::Oct { secret } => match alg.hmac_min_key_bytes() {
            Some(min) if secret.len() < min => Err(format!(
                "the shared secret is {} bits; {alg} requires at least {} (RFC 7518 §3.2)",
                secret.len() * 8,
                min * 8
            )),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyOrigin;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn key(material: KeyMaterial) -> KeyEntry {
        crate::keys::pem::bare_entry(0, 0, KeyOrigin::Jwk, material, None)
    }

    fn rsa(bits: usize) -> KeyEntry {
        let mut n = vec![0xC3u8; bits / 8];
        if let Some(last) = n.last_mut() {
            *last |= 1;
        }
        key(KeyMaterial::Rsa {
            n,
            e: vec![1, 0, 1],
        })
    }

    fn ec(crv: &str) -> KeyEntry {
        key(KeyMaterial::Ec {
            crv: crv.into(),
            x: vec![1; 32],
            y: vec![2; 32],
        })
    }

    fn secret(bytes: usize) -> KeyEntry {
        key(KeyMaterial::Oct {
            secret: vec![0x42; bytes],
        })
    }

    fn refusal(alg: Alg, k: &KeyEntry) -> String {
        alg_fits_key(alg, k).err().unwrap_or_default()
    }

    #[test]
    fn hs_with_rsa_key_is_refused_as_key_confusion() {
        assert!(refusal(Alg::HS256, &rsa(2048)).contains("key-confusion"));
        assert_eq!(alg_fits_key(Alg::HS256, &secret(32)), Ok(()));
    }

    #[test]
    fn rs_with_ec_key_is_refused() {
        assert!(refusal(Alg::RS256, &ec("P-256")).contains("needs an RSA key"));
        assert_eq!(alg_fits_key(Alg::RS256, &rsa(2048)), Ok(()));
        assert_eq!(alg_fits_key(Alg::PS512, &rsa(4096)), Ok(()));
    }

    #[test]
    fn es256_with_p384_key_is_refused() {
        assert!(refusal(Alg::ES256, &ec("P-384")).contains("curve P-256"));
        assert_eq!(alg_fits_key(Alg::ES256, &ec("P-256")), Ok(()));
        assert_eq!(alg_fits_key(Alg::ES512, &ec("P-521")), Ok(()));
    }

    #[test]
    fn key_alg_that_differs_is_refused() {
        let mut k = rsa(2048);
        k.alg = Some("PS256".into());
        assert!(refusal(Alg::PS384, &k).contains("\"alg\": \"PS256\""));
        assert_eq!(alg_fits_key(Alg::PS256, &k), Ok(()));
    }

    #[test]
    fn use_enc_is_refused() {
        let mut k = rsa(2048);
        k.use_ = Some("enc".into());
        assert!(refusal(Alg::RS256, &k).contains("\"use\": \"enc\""));
        k.use_ = Some("sig".into());
        assert_eq!(alg_fits_key(Alg::RS256, &k), Ok(()));
    }

    #[test]
    fn key_ops_without_verify_is_refused() {
        let mut k = ec("P-256");
        k.key_ops = Some(vec!["encrypt".into()]);
        assert!(refusal(Alg::ES256, &k).contains("do not include \"verify\""));
        k.key_ops = Some(vec!["sign".into(), "verify".into()]);
        assert_eq!(alg_fits_key(Alg::ES256, &k), Ok(()));
    }

    #[test]
    fn roca_modulus_is_refused() {
        // 65537^130: over 2048 bits, with the fingerprint by construction.
        let big = crate::keys::material::power_of_65537(130);
        let k = key(KeyMaterial::Rsa {
            n: big,
            e: vec![1, 0, 1],
        });
        assert!(refusal(Alg::RS256, &k).contains("ROCA"));
        assert_eq!(alg_fits_key(Alg::RS256, &rsa(2048)), Ok(()));
    }

    #[test]
    fn short_rsa_key_is_refused() {
        assert!(refusal(Alg::RS256, &rsa(1024)).contains("1024 bits"));
    }

    #[test]
    fn short_hmac_secret_is_refused() {
        assert!(refusal(Alg::HS384, &secret(47)).contains("376 bits"));
        assert_eq!(alg_fits_key(Alg::HS384, &secret(48)), Ok(()));
        assert!(refusal(Alg::HS512, &secret(32)).contains("512"));
    }

    #[test]
    fn eddsa_needs_a_signature_curve() {
        let x = key(KeyMaterial::Okp {
            crv: "X25519".into(),
            x: vec![9; 32],
        });
        assert!(refusal(Alg::EdDSA, &x).contains("key-agreement"));
        let ed = key(KeyMaterial::Okp {
            crv: "Ed25519".into(),
            x: vec![9; 32],
        });
        assert_eq!(alg_fits_key(Alg::EdDSA, &ed), Ok(()));
        assert!(refusal(Alg::EdDSA, &rsa(2048)).contains("OKP"));
    }
}
