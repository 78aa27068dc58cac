//! The reference verifier: `jsonwebtoken` 11 (aws-lc natively, RustCrypto on wasm32; natively
//! RSA and ECDSA keys are parsed once and reused, module `parsed`) for every algorithm it
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
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(answer) = parsed::verify(alg, key, signing_input, signature) {
            return Ok(answer);
        }
        verify_with_jsonwebtoken(alg, key, signing_input, signature)
    }
}

/// Every check through `jsonwebtoken::crypto::verify` (and the `p521`/`rsa` special cases):
/// what `parsed::verify` must answer alike where it answers at all.
fn verify_with_jsonwebtoken(
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

/// RSA (RS*/PS*, 2048–4096 bits) and ECDSA (ES256 on P-256, ES384 on P-384) checks with each
/// key parsed once per thread and reused, natively. jsonwebtoken's aws-lc backend rebuilds the
/// key on every check (`RsaPublicKeyComponents::verify`, `EcdsaVerificationAlgorithm::verify_sig`:
/// for RSA a new `RSA` object, so a new Montgomery context, per signature); here the same
/// aws-lc-rs functions verify with a `ParsedPublicKey` built by the same code from the same
/// bytes (`to_parsed_public_key` is that rebuild, kept; `ParsedPublicKey::new` for EC is the
/// parse `verify_sig` does). So the answer cannot depend on the cache: a key that does not
/// parse is left to jsonwebtoken, which refuses it as before; `tests` compare both paths.
///
/// The cache is per thread (no locking between the CLI's rayon threads) and holds at most
/// `parsed::CAPACITY` keys, each compared by its material (a JWKS of 10,000 keys tried in
/// turn only replaces entries).
#[cfg(not(target_arch = "wasm32"))]
mod parsed {
    use std::cell::RefCell;

    use aws_lc_rs::signature::{
        self as lc, ParsedPublicKey, RsaParameters, RsaPublicKeyComponents,
    };

    use super::JSONWEBTOKEN_MAX_RSA_BITS;
    use crate::keys::material::rsa_bits;
    use crate::keys::KeyMaterial;
    use crate::verify::{Alg, MIN_RSA_BITS};

    /// Keys kept per thread.
    pub(super) const CAPACITY: usize = 64;

    struct Entry {
        alg: Alg,
        material: KeyMaterial,
        /// None: aws-lc refused the key (jsonwebtoken answers for it).
        parsed: Option<ParsedPublicKey>,
    }

    #[derive(Default)]
    struct Cache {
        entries: Vec<Entry>,
        /// The entry replaced next once full (round robin).
        next: usize,
    }

    thread_local! {
        static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
    }

    /// The parameters jsonwebtoken's aws-lc backend uses for `alg` (crypto/aws_lc/rsa.rs).
    fn rsa_params(alg: Alg) -> Option<&'static RsaParameters> {
        Some(match alg {
            Alg::RS256 => &lc::RSA_PKCS1_2048_8192_SHA256,
            Alg::RS384 => &lc::RSA_PKCS1_2048_8192_SHA384,
            Alg::RS512 => &lc::RSA_PKCS1_2048_8192_SHA512,
            Alg::PS256 => &lc::RSA_PSS_2048_8192_SHA256,
            Alg::PS384 => &lc::RSA_PSS_2048_8192_SHA384,
            Alg::PS512 => &lc::RSA_PSS_2048_8192_SHA512,
            _ => return None,
        })
    }

    /// Whether this path answers for (alg, key): exactly the pairs jsonwebtoken would verify
    /// with aws-lc's RSA or ECDSA (the rest, and short or huge RSA keys, go the generic way).
    fn handled(alg: Alg, key: &KeyMaterial) -> bool {
        match key {
            KeyMaterial::Rsa { n, .. } => {
                rsa_params(alg).is_some()
                    && (MIN_RSA_BITS..=JSONWEBTOKEN_MAX_RSA_BITS).contains(&rsa_bits(n))
            }
            KeyMaterial::Ec { crv, .. } => {
                matches!(
                    (alg, crv.as_str()),
                    (Alg::ES256, "P-256") | (Alg::ES384, "P-384")
                )
            }
            _ => false,
        }
    }

    fn parse(alg: Alg, key: &KeyMaterial) -> Option<ParsedPublicKey> {
        match key {
            KeyMaterial::Rsa { n, e } => RsaPublicKeyComponents {
                n: &n[..],
                e: &e[..],
            }
            .to_parsed_public_key(rsa_params(alg)?)
            .ok(),
            // What jsonwebtoken's `DecodingKey::from_ec_components` builds: 0x04 || x || y.
            KeyMaterial::Ec { x, y, .. } => {
                let mut sec1 = Vec::with_capacity(1 + x.len() + y.len());
                sec1.push(0x04);
                sec1.extend_from_slice(x);
                sec1.extend_from_slice(y);
                let algorithm: &'static dyn lc::VerificationAlgorithm = match alg {
                    Alg::ES256 => &lc::ECDSA_P256_SHA256_FIXED,
                    Alg::ES384 => &lc::ECDSA_P384_SHA384_FIXED,
                    _ => return None,
                };
                ParsedPublicKey::new(algorithm, sec1).ok()
            }
            _ => None,
        }
    }

    /// `Some(verified)` when this path answers, `None` to leave the check to jsonwebtoken.
    pub(super) fn verify(
        alg: Alg,
        key: &KeyMaterial,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Option<bool> {
        if !handled(alg, key) {
            return None;
        }
        CACHE.with(|cache| {
            let mut cache = cache.try_borrow_mut().ok()?;
            let found = cache
                .entries
                .iter()
                .position(|e| e.alg == alg && e.material == *key);
            let slot = match found {
                Some(slot) => slot,
                None => {
                    let entry = Entry {
                        alg,
                        material: key.clone(),
                        parsed: parse(alg, key),
                    };
                    if cache.entries.len() < CAPACITY {
                        cache.entries.push(entry);
                        cache.entries.len() - 1
                    } else {
                        let slot = cache.next % CAPACITY;
                        cache.next = slot + 1;
                        *cache.entries.get_mut(slot)? = entry;
                        slot
                    }
                }
            };
            let parsed = cache.entries.get(slot)?.parsed.as_ref()?;
            Some(parsed.verify_sig(signing_input, signature).is_ok())
        })
    }

    #[cfg(test)]
    mod tests {
        use super::super::verify_with_jsonwebtoken;
        use super::*;
        use crate::b64;
        use crate::keys::parse_key_set;
        use serde_json::Value;

        /// The benchmark's committed synthetic keys and tokens (RS256, PS256, ES256, ES384, …).
        fn entries() -> Vec<(Alg, KeyMaterial, Vec<u8>, Vec<u8>)> {
            let doc: Value =
                serde_json::from_str(include_str!("../../benches/fixtures/verify.json")).unwrap();
            let mut out = Vec::new();
            for e in doc["entries"].as_array().unwrap() {
                let alg = Alg::parse(e["alg"].as_str().unwrap()).unwrap();
                let set = parse_key_set(0, None, None, &serde_json::json!({ "keys": [e["jwk"]] }));
                let material = set.keys[0].material.clone();
                let token = e["token"].as_str().unwrap();
                let (input, sig) = token.rsplit_once('.').unwrap();
                out.push((
                    alg,
                    material,
                    input.as_bytes().to_vec(),
                    b64::decode_url(sig).unwrap(),
                ));
            }
            out
        }

        /// Every (alg, key, input, signature) the tests put: the genuine check, a changed
        /// input, a changed signature, a cut signature, and the key under the other algorithms.
        fn variants() -> Vec<(Alg, KeyMaterial, Vec<u8>, Vec<u8>)> {
            let algs = [
                Alg::RS256,
                Alg::RS384,
                Alg::RS512,
                Alg::PS256,
                Alg::PS384,
                Alg::PS512,
                Alg::ES256,
                Alg::ES384,
            ];
            let mut out = Vec::new();
            for (alg, key, input, sig) in entries() {
                let mut other_input = input.clone();
                other_input.push(b'x');
                let mut flipped = sig.clone();
                if let Some(b) = flipped.last_mut() {
                    *b ^= 1;
                }
                let cut = sig[..sig.len().saturating_sub(1)].to_vec();
                out.push((alg, key.clone(), input.clone(), sig.clone()));
                out.push((alg, key.clone(), other_input, sig.clone()));
                out.push((alg, key.clone(), input.clone(), flipped));
                out.push((alg, key.clone(), input.clone(), cut));
                out.push((alg, key.clone(), input.clone(), Vec::new()));
                for other in algs.into_iter().filter(|&a| a != alg) {
                    out.push((other, key.clone(), input.clone(), sig.clone()));
                }
            }
            out
        }

        #[test]
        fn parsed_keys_answer_as_jsonwebtoken_does() {
            let mut answered = 0;
            let mut verified = 0;
            // Twice: the first pass parses each key, the second takes it from the cache.
            for pass in 0..2 {
                for (alg, key, input, sig) in variants() {
                    let generic = verify_with_jsonwebtoken(alg, &key, &input, &sig);
                    if let Some(got) = verify(alg, &key, &input, &sig) {
                        assert_eq!(Ok(got), generic, "{alg} pass {pass}");
                        answered += 1;
                        verified += usize::from(got);
                    }
                }
            }
            // RS256, PS256, ES256, ES384 genuine checks verify on both passes.
            assert_eq!(verified, 8);
            assert!(answered > 40, "{answered}");
        }

        #[test]
        fn evicted_and_refused_keys_answer_alike() {
            let checks = entries();
            // More distinct keys than the cache holds, valid in form (odd 2048-bit moduli)
            // but not the signers', and a curve point that is not on the curve.
            for i in 0..(CAPACITY * 2 + 3) {
                let mut n = vec![0xc5u8; 256];
                n[0] = 0x80 | (i as u8);
                n[1] = (i >> 8) as u8;
                let junk = KeyMaterial::Rsa {
                    n,
                    e: vec![1, 0, 1],
                };
                let (alg, _, input, sig) = &checks[0];
                let generic = verify_with_jsonwebtoken(*alg, &junk, input, sig);
                assert_eq!(verify(*alg, &junk, input, sig).map(Ok), Some(generic));
                for (alg, key, input, sig) in &checks {
                    if let Some(got) = verify(*alg, key, input, sig) {
                        assert!(got, "{alg} after {i} other keys");
                    }
                }
            }
            let off_curve = KeyMaterial::Ec {
                crv: "P-256".to_owned(),
                x: vec![1; 32],
                y: vec![2; 32],
            };
            let (_, _, input, sig) = &checks[2];
            assert_eq!(verify(Alg::ES256, &off_curve, input, sig), None);
            assert_eq!(
                verify_with_jsonwebtoken(Alg::ES256, &off_curve, input, sig),
                Ok(false)
            );
        }
    }
}
