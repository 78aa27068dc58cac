//! The native reference verifier: `jsonwebtoken` 11 (RustCrypto backend) for every algorithm it
//! implements, and the RustCrypto `p521` crate for ES512, which jsonwebtoken lacks. Ed448 and
//! ES256K are reported unsupported, never guessed. RSA keys below 2048 bits go to the `rsa`
//! crate directly: the native backend (aws-lc) refuses them outright, and a token under such a
//! key must be reported as signed with a weak key, not as forged (the policy in `fit.rs`
//! distrusts the key; the mathematics still answers).

use jsonwebtoken::{Algorithm, DecodingKey};
use p521::ecdsa::signature::Verifier;

use super::{Alg, SignatureVerifier, VerifyError};
use crate::b64;
use crate::keys::material::rsa_bits;
use crate::keys::KeyMaterial;

/// Largest RSA modulus the `rsa` crate behind jsonwebtoken accepts (bits).
const JSONWEBTOKEN_MAX_RSA_BITS: u32 = 4096;

/// Verifies with `jsonwebtoken::crypto::verify` (and `p521` for ES512).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonWebTokenVerifier;

fn bad_key(detail: impl std::fmt::Display) -> VerifyError {
    VerifyError::BadKey {
        detail: detail.to_string(),
    }
}

fn unsupported(alg: Alg, why: &str) -> VerifyError {
    VerifyError::UnsupportedAlgorithm {
        alg: format!("{alg} ({why})"),
    }
}

fn jsonwebtoken_alg(alg: Alg) -> Option<Algorithm> {
    Some(match alg {
        Alg::HS256 => Algorithm::HS256,
        Alg::HS384 => Algorithm::HS384,
        Alg::HS512 => Algorithm::HS512,
        Alg::RS256 => Algorithm::RS256,
        Alg::RS384 => Algorithm::RS384,
        Alg::RS512 => Algorithm::RS512,
        Alg::PS256 => Algorithm::PS256,
        Alg::PS384 => Algorithm::PS384,
        Alg::PS512 => Algorithm::PS512,
        Alg::ES256 => Algorithm::ES256,
        Alg::ES384 => Algorithm::ES384,
        Alg::EdDSA => Algorithm::EdDSA,
        Alg::ES512 | Alg::ES256K => return None,
    })
}

fn verify_es512(
    x: &[u8],
    y: &[u8],
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, VerifyError> {
    let mut sec1 = Vec::with_capacity(1 + x.len() + y.len());
    sec1.push(0x04);
    sec1.extend_from_slice(x);
    sec1.extend_from_slice(y);
    let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(bad_key)?;
    // RFC 7518 §3.4: R || S, 66 bytes each; any other length is simply not a valid signature.
    let Ok(sig) = p521::ecdsa::Signature::from_slice(signature) else {
        return Ok(false);
    };
    Ok(key.verify(signing_input, &sig).is_ok())
}

/// RS*/PS* with an RSA key below 2048 bits, by the RustCrypto `rsa` crate (which jsonwebtoken's
/// pure-Rust backend also uses, so the wasm build answers alike).
fn verify_short_rsa(
    alg: Alg,
    n: &[u8],
    e: &[u8],
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, VerifyError> {
    use rsa::signature::Verifier as _;
    use rsa::{BigUint, RsaPublicKey};
    use sha2::{Sha256, Sha384, Sha512};
    let key =
        RsaPublicKey::new(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e)).map_err(bad_key)?;
    macro_rules! check {
        ($module:ident, $hash:ty) => {{
            let Ok(sig) = rsa::$module::Signature::try_from(signature) else {
                return Ok(false);
            };
            Ok(rsa::$module::VerifyingKey::<$hash>::new(key)
                .verify(signing_input, &sig)
                .is_ok())
        }};
    }
    match alg {
        Alg::RS256 => check!(pkcs1v15, Sha256),
        Alg::RS384 => check!(pkcs1v15, Sha384),
        Alg::RS512 => check!(pkcs1v15, Sha512),
        Alg::PS256 => check!(pss, Sha256),
        Alg::PS384 => check!(pss, Sha384),
        Alg::PS512 => check!(pss, Sha512),
        _ => Err(bad_key(format!("{alg} cannot be used with an RSA key"))),
    }
}

impl SignatureVerifier for JsonWebTokenVerifier {
    fn name(&self) -> &'static str {
        "jsonwebtoken"
    }

    fn verify(
        &self,
        alg: Alg,
        key: &KeyMaterial,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, VerifyError> {
        let decoding = match (alg, key) {
            (Alg::ES512, KeyMaterial::Ec { crv, x, y }) if crv == "P-521" => {
                return verify_es512(x, y, signing_input, signature)
            }
            (Alg::ES256K, _) => return Err(unsupported(alg, "no secp256k1 verifier is linked")),
            (Alg::EdDSA, KeyMaterial::Okp { crv, .. }) if crv == "Ed448" => {
                return Err(unsupported(alg, "Ed448 is not implemented by jsonwebtoken"))
            }
            (_, KeyMaterial::Rsa { n, e }) if rsa_bits(n) < super::MIN_RSA_BITS => {
                return verify_short_rsa(alg, n, e, signing_input, signature)
            }
            (_, KeyMaterial::Rsa { n, e }) => {
                if rsa_bits(n) > JSONWEBTOKEN_MAX_RSA_BITS {
                    return Err(bad_key(format!(
                        "the RSA key has {} bits; jsonwebtoken's RSA backend accepts at most {JSONWEBTOKEN_MAX_RSA_BITS}",
                        rsa_bits(n)
                    )));
                }
                DecodingKey::from_rsa_raw_components(n, e)
            }
            (_, KeyMaterial::Ec { x, y, .. }) => {
                DecodingKey::from_ec_components(&b64::encode_url(x), &b64::encode_url(y))
                    .map_err(bad_key)?
            }
            (_, KeyMaterial::Okp { x, .. }) => {
                DecodingKey::from_ed_components(&b64::encode_url(x)).map_err(bad_key)?
            }
            (_, KeyMaterial::Oct { secret }) => DecodingKey::from_secret(secret),
        };
        let Some(algorithm) = jsonwebtoken_alg(alg) else {
            return Err(bad_key(format!("{alg} cannot be used with this key")));
        };
        jsonwebtoken::crypto::verify(
            &b64::encode_url(signature),
            signing_input,
            &decoding,
            algorithm,
        )
        .map_err(bad_key)
    }
}
