//! Does the token's algorithm fit the trusted key? The one place Keyhole's key-acceptance
//! policy is written: the verifier uses it to decide which keys to try, and the judgement turns
//! each [`KeyPolicyProblem`] into exactly one finding code, so the two can never drift apart.
//!
//! Problems come in two kinds. A key that *cannot* check the signature (wrong key type or curve:
//! HS256 with an RSA public key is the key-confusion attack) is never used. A key that *can*
//! check it but must not be trusted (too short, ROCA, an `alg`/`use`/`key_ops` that rules the
//! algorithm out) is still tried, so the report says what really happened: a genuine token under
//! a 1024-bit key is a violation with `weak-signing-key`, not a forgery.

use serde::{Deserialize, Serialize};

use super::Alg;
use crate::keys::{KeyEntry, KeyMaterial};

/// Smallest RSA modulus allowed for RS*/PS* (RFC 7518 §3.3 and §3.5: "2048 bits or larger").
pub const MIN_RSA_BITS: u32 = 2048;

/// Why a trusted key may not verify a token's algorithm. Each variant maps to one finding code
/// ([`KeyPolicyProblem::code`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum KeyPolicyProblem {
    /// The algorithm needs another key type (`confusion`: an HS* token naming a public key,
    /// the RS/HS key-confusion attack, RFC 8725 §2.1).
    WrongKeyType {
        needs: String,
        has: String,
        confusion: bool,
    },
    /// The algorithm needs another curve (RFC 7518 §3.4, RFC 8037 §3.1).
    WrongCurve { needs: String, has: String },
    /// The key declares another `alg` (RFC 7517 §4.4; RFC 8725 §3.1: one key, one algorithm).
    DeclaredAlg { key_alg: String },
    /// The key's `use` is not `sig`, or its `key_ops` lack `verify` (RFC 7517 §4.2, §4.3).
    NotForSignatures { detail: String },
    /// An RSA modulus below [`MIN_RSA_BITS`] (RFC 7518 §3.3).
    ShortRsa { bits: u32, minimum: u32 },
    /// An RSA modulus with the ROCA fingerprint (CVE-2017-15361): its private key can be computed.
    Roca,
    /// An HMAC secret shorter than the hash output (RFC 7518 §3.2).
    ShortHmacSecret { bits: usize, minimum: usize },
}

impl KeyPolicyProblem {
    /// The finding code this problem is reported under (see `judge::rules`).
    pub fn code(&self) -> &'static str {
        match self {
            KeyPolicyProblem::WrongKeyType { .. }
            | KeyPolicyProblem::WrongCurve { .. }
            | KeyPolicyProblem::DeclaredAlg { .. } => "alg-key-type-mismatch",
            KeyPolicyProblem::NotForSignatures { .. } => "key-use-not-signing",
            KeyPolicyProblem::ShortRsa { .. } => "weak-signing-key",
            KeyPolicyProblem::Roca => "roca-vulnerable-key",
            KeyPolicyProblem::ShortHmacSecret { .. } => "hmac-secret-too-short",
        }
    }

    /// True when the key can still check the signature (the policy refuses to *trust* it, the
    /// mathematics does not refuse to *use* it): such keys are tried, so that a genuine token
    /// under a weak key is told apart from a forged one.
    pub fn checkable(&self) -> bool {
        !matches!(
            self,
            KeyPolicyProblem::WrongKeyType { .. } | KeyPolicyProblem::WrongCurve { .. }
        )
    }

    /// The problem in plain English, for `alg`.
    pub fn explain(&self, alg: Alg) -> String {
        match self {
            KeyPolicyProblem::WrongKeyType {
                needs,
                has,
                confusion,
            } => {
                if *confusion {
                    format!("{alg} needs {needs}, but the key is {has}; using a public key as an HMAC secret is the RS/HS key-confusion attack")
                } else {
                    format!("{alg} needs {needs}, but the key is {has}")
                }
            }
            KeyPolicyProblem::WrongCurve { needs, has } => {
                if has == "X25519" || has == "X448" {
                    format!("{alg} needs a key on {needs}, but the key is on {has}, a key-agreement curve (RFC 8037 §3.1)")
                } else {
                    format!("{alg} needs a key on curve {needs}, but the key is on {has} (RFC 7518 §3.4)")
                }
            }
            KeyPolicyProblem::DeclaredAlg { key_alg } => format!(
                "the key declares \"alg\": \"{key_alg}\", so it may not verify a {alg} signature (RFC 7517 §4.4)"
            ),
            KeyPolicyProblem::NotForSignatures { detail } => {
                format!("{detail}: the key is not meant for verifying signatures (RFC 7517 §4.2, §4.3)")
            }
            KeyPolicyProblem::ShortRsa { bits, minimum } => format!(
                "the RSA key has {bits} bits; {alg} requires at least {minimum} (RFC 7518 §3.3), and shorter keys can be factored"
            ),
            KeyPolicyProblem::Roca => "the RSA modulus has the ROCA fingerprint (CVE-2017-15361, Infineon key generation): its private key can be computed from the public key, so a signature proves nothing".to_owned(),
            KeyPolicyProblem::ShortHmacSecret { bits, minimum } => format!(
                "the shared secret is {bits} bits; {alg} requires at least {minimum} (RFC 7518 §3.2)"
            ),
        }
    }
}

/// The first problem of [`key_problems`], if any: `Ok(())` means the key may verify `alg`.
pub fn alg_fits_key(alg: Alg, key: &KeyEntry) -> Result<(), KeyPolicyProblem> {
    match key_problems(alg, key).into_iter().next() {
        Some(p) => Err(p),
        None => Ok(()),
    }
}

/// True when `key` can check an `alg` signature at all (right key type and curve), whether or
/// not the policy lets it be trusted: the keys worth trying.
pub fn can_check(alg: Alg, key: &KeyEntry) -> bool {
    fits_material(alg, &key.material).is_ok()
}

/// Every reason `key` may not verify `alg`, in this order:
/// 1. key type: HS* needs `oct`, RS*/PS* need `RSA`, ES* need `EC`, EdDSA needs `OKP`;
/// 2. curve: ES256 ↔ P-256, ES384 ↔ P-384, ES512 ↔ P-521, ES256K ↔ secp256k1,
///    EdDSA ↔ Ed25519/Ed448;
/// 3. the key's own `alg`, when present, must name exactly this algorithm (RFC 7517 §4.4);
/// 4. the key's `use`, when present, must be `sig`, and its `key_ops`, when present, must
///    contain `verify` (RFC 7517 §4.2, §4.3);
/// 5. strength the RFC requires: RSA ≥ 2048 bits (RFC 7518 §3.3) and no ROCA fingerprint
///    (CVE-2017-15361); an HMAC secret at least as long as the hash output (RFC 7518 §3.2).
///
/// A wrong key type or curve is the only problem reported (nothing else about the key matters
/// then).
pub fn key_problems(alg: Alg, key: &KeyEntry) -> Vec<KeyPolicyProblem> {
    if let Err(p) = fits_material(alg, &key.material) {
        return vec![p];
    }
    let mut out = Vec::new();
    if let Some(key_alg) = key.alg.as_deref() {
        if key_alg != alg.as_str() {
            out.push(KeyPolicyProblem::DeclaredAlg {
                key_alg: key_alg.to_owned(),
            });
        }
    }
    if let Some(detail) = use_problem(key) {
        out.push(KeyPolicyProblem::NotForSignatures { detail });
    }
    out.extend(strength_problems(alg, key));
    out
}

/// Why a key's `use` / `key_ops` rule out verifying signatures, if they do.
fn use_problem(key: &KeyEntry) -> Option<String> {
    if let Some(u) = key.use_.as_deref().filter(|u| *u != "sig") {
        return Some(format!("the key declares \"use\": \"{u}\", not \"sig\""));
    }
    if let Some(ops) = &key.key_ops {
        if !ops.iter().any(|o| o == "verify") {
            return Some(format!(
                "the key's \"key_ops\" ({}) do not include \"verify\"",
                ops.iter()
                    .map(|o| format!("\"{o}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    None
}

fn describe(material: &KeyMaterial) -> &'static str {
    match material {
        KeyMaterial::Rsa { .. } => "an RSA public key",
        KeyMaterial::Ec { .. } => "an EC public key",
        KeyMaterial::Okp { .. } => "an OKP public key",
        KeyMaterial::Oct { .. } => "a shared secret (oct)",
    }
}

fn fits_material(alg: Alg, material: &KeyMaterial) -> Result<(), KeyPolicyProblem> {
    let wrong = |needs: &str| KeyPolicyProblem::WrongKeyType {
        needs: needs.to_owned(),
        has: describe(material).to_owned(),
        confusion: matches!(alg, Alg::HS256 | Alg::HS384 | Alg::HS512),
    };
    let curve = |needs: &[&str], has: &str| {
        if needs.contains(&has) {
            Ok(())
        } else {
            Err(KeyPolicyProblem::WrongCurve {
                needs: needs.join(" or "),
                has: has.to_owned(),
            })
        }
    };
    match (alg, material) {
        (Alg::HS256 | Alg::HS384 | Alg::HS512, KeyMaterial::Oct { .. }) => Ok(()),
        (Alg::HS256 | Alg::HS384 | Alg::HS512, _) => Err(wrong("a shared secret")),
        (
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512,
            KeyMaterial::Rsa { .. },
        ) => Ok(()),
        (Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512, _) => {
            Err(wrong("an RSA key"))
        }
        (Alg::ES256, KeyMaterial::Ec { crv, .. }) => curve(&["P-256"], crv),
        (Alg::ES384, KeyMaterial::Ec { crv, .. }) => curve(&["P-384"], crv),
        (Alg::ES512, KeyMaterial::Ec { crv, .. }) => curve(&["P-521"], crv),
        (Alg::ES256K, KeyMaterial::Ec { crv, .. }) => curve(&["secp256k1"], crv),
        (Alg::ES256 | Alg::ES384 | Alg::ES512 | Alg::ES256K, _) => Err(wrong("an EC key")),
        (Alg::EdDSA, KeyMaterial::Okp { crv, .. }) => curve(&["Ed25519", "Ed448"], crv),
        (Alg::EdDSA, _) => Err(wrong("an OKP key")),
    }
}

/// The RSA size and ROCA test come from the key's [`crate::keys::KeyFacts`], computed once when
/// the key was read: this runs for every token and candidate key, and the ROCA test is
/// arithmetic over the whole modulus.
fn strength_problems(alg: Alg, key: &KeyEntry) -> Vec<KeyPolicyProblem> {
    let mut out = Vec::new();
    match &key.material {
        KeyMaterial::Rsa { .. } => {
            let facts = key.facts();
            let bits = facts.rsa_bits.unwrap_or(0);
            if bits < MIN_RSA_BITS {
                out.push(KeyPolicyProblem::ShortRsa {
                    bits,
                    minimum: MIN_RSA_BITS,
                });
            }
            if facts.roca {
                out.push(KeyPolicyProblem::Roca);
            }
        }
        KeyMaterial::Oct { secret } => {
            if let Some(min) = alg.hmac_min_key_bytes().filter(|m| secret.len() < *m) {
                out.push(KeyPolicyProblem::ShortHmacSecret {
                    bits: secret.len() * 8,
                    minimum: min * 8,
                });
            }
        }
        _ => {}
    }
    out
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
        alg_fits_key(alg, k)
            .err()
            .map(|p| p.explain(alg))
            .unwrap_or_default()
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
    fn short_rsa_key_is_refused_but_checkable() {
        assert!(refusal(Alg::RS256, &rsa(1024)).contains("1024 bits"));
        let problems = key_problems(Alg::RS256, &rsa(1024));
        assert_eq!(
            problems,
            vec![KeyPolicyProblem::ShortRsa {
                bits: 1024,
                minimum: 2048
            }]
        );
        assert!(problems.iter().all(KeyPolicyProblem::checkable));
        assert_eq!(problems[0].code(), "weak-signing-key");
    }

    #[test]
    fn each_problem_has_one_code_and_only_type_and_curve_are_uncheckable() {
        let mut k = rsa(1024);
        k.use_ = Some("enc".into());
        k.alg = Some("RS384".into());
        let codes: Vec<&str> = key_problems(Alg::RS256, &k)
            .iter()
            .map(KeyPolicyProblem::code)
            .collect();
        assert_eq!(
            codes,
            [
                "alg-key-type-mismatch",
                "key-use-not-signing",
                "weak-signing-key"
            ]
        );
        let confusion = key_problems(Alg::HS256, &k);
        assert_eq!(confusion.len(), 1, "{confusion:?}");
        assert!(!confusion[0].checkable());
        assert!(matches!(
            confusion[0],
            KeyPolicyProblem::WrongKeyType {
                confusion: true,
                ..
            }
        ));
        let curve = key_problems(Alg::ES256, &ec("P-384"));
        assert!(!curve[0].checkable());
        assert!(key_problems(Alg::ES256, &ec("P-256")).is_empty());
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
