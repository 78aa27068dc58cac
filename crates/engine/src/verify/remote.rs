//! Signature checks answered by a verifier in another module: the web app's main wasm carries
//! no pure-Rust crypto (WebCrypto answers there), and loads the reference verifier — a second,
//! separately built wasm module (`crates/rust-verifier`) — only when something is left that
//! WebCrypto cannot decide. The two modules share no memory, so the checks go over as JSON
//! ([`encode_checks`] → [`answer_checks`] → [`decode_answers`]) and the answers come back into a
//! [`super::RecordedAnswers`], which the engine then consults like any other verifier.

use serde::{Deserialize, Serialize};

use super::{Alg, PlannedCheck, SignatureVerifier, VerifyError};
use crate::b64;
use crate::keys::KeyMaterial;

/// One check on the wire: byte strings as base64url, keys in JWK form.
#[derive(Serialize, Deserialize)]
struct WireCheck {
    alg: String,
    key: WireKey,
    input: String,
    signature: String,
}

/// A key as a flat JWK (one struct rather than an enum tagged by `kty`: serde's tagged enums
/// cost the wasm bundle a buffering deserialiser).
#[derive(Serialize, Deserialize, Default)]
struct WireKey {
    kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    e: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    y: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k: Option<String>,
}

/// One answer on the wire: `verified`, or the error, each kind in its own member (flat, like
/// [`WireKey`]: `VerifyError` is a tagged enum, whose deserialiser would bring serde's
/// buffering machinery into the page's bundle).
#[derive(Serialize, Deserialize, Default)]
struct WireAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verified: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unsupported_algorithm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bad_key: Option<String>,
}

impl From<Result<bool, VerifyError>> for WireAnswer {
    fn from(answer: Result<bool, VerifyError>) -> Self {
        match answer {
            Ok(v) => WireAnswer {
                verified: Some(v),
                ..WireAnswer::default()
            },
            Err(VerifyError::UnsupportedAlgorithm { alg }) => WireAnswer {
                unsupported_algorithm: Some(alg),
                ..WireAnswer::default()
            },
            Err(VerifyError::BadKey { detail }) => WireAnswer {
                bad_key: Some(detail),
                ..WireAnswer::default()
            },
        }
    }
}

impl WireAnswer {
    fn into_answer(self) -> Result<Result<bool, VerifyError>, String> {
        match (self.verified, self.unsupported_algorithm, self.bad_key) {
            (Some(v), None, None) => Ok(Ok(v)),
            (None, Some(alg), None) => Ok(Err(VerifyError::UnsupportedAlgorithm { alg })),
            (None, None, Some(detail)) => Ok(Err(VerifyError::BadKey { detail })),
            _ => Err(
                "an answer must hold exactly one of verified, unsupported_algorithm, bad_key"
                    .to_owned(),
            ),
        }
    }
}

fn wire_key(material: &KeyMaterial) -> WireKey {
    let s = |b: &[u8]| Some(b64::encode_url(b));
    match material {
        KeyMaterial::Rsa { n, e } => WireKey {
            kty: "RSA".into(),
            n: s(n),
            e: s(e),
            ..WireKey::default()
        },
        KeyMaterial::Ec { crv, x, y } => WireKey {
            kty: "EC".into(),
            crv: Some(crv.clone()),
            x: s(x),
            y: s(y),
            ..WireKey::default()
        },
        KeyMaterial::Okp { crv, x } => WireKey {
            kty: "OKP".into(),
            crv: Some(crv.clone()),
            x: s(x),
            ..WireKey::default()
        },
        KeyMaterial::Oct { secret } => WireKey {
            kty: "oct".into(),
            k: s(secret),
            ..WireKey::default()
        },
    }
}

fn material(key: WireKey) -> Result<KeyMaterial, String> {
    let d = |field: &str, v: Option<String>| {
        let v = v.ok_or_else(|| format!("key field \"{field}\" is missing"))?;
        b64::decode_url(&v).map_err(|e| format!("key field \"{field}\" is not base64url: {e}"))
    };
    let crv = || {
        key.crv
            .clone()
            .ok_or("key field \"crv\" is missing".to_owned())
    };
    Ok(match key.kty.as_str() {
        "RSA" => KeyMaterial::Rsa {
            n: d("n", key.n)?,
            e: d("e", key.e)?,
        },
        "EC" => KeyMaterial::Ec {
            crv: crv()?,
            x: d("x", key.x)?,
            y: d("y", key.y)?,
        },
        "OKP" => KeyMaterial::Okp {
            crv: crv()?,
            x: d("x", key.x)?,
        },
        "oct" => KeyMaterial::Oct {
            secret: d("k", key.k)?,
        },
        other => return Err(format!("unknown key type \"{other}\"")),
    })
}

/// The checks as the JSON request a remote verifier reads with [`answer_checks`].
pub fn encode_checks(checks: &[PlannedCheck]) -> String {
    let wire: Vec<WireCheck> = checks
        .iter()
        .map(|c| WireCheck {
            alg: c.alg.as_str().to_owned(),
            key: wire_key(&c.material),
            input: b64::encode_url(&c.signing_input),
            signature: b64::encode_url(&c.signature),
        })
        .collect();
    serde_json::to_string(&wire).unwrap_or_else(|_| "[]".to_owned())
}

/// Reads a request made by [`encode_checks`] back into checks (key ids are not sent: each
/// becomes `"remote/{index}"`). Errs, naming the check and the problem, on anything else.
pub fn decode_checks(request: &str) -> Result<Vec<PlannedCheck>, String> {
    let checks: Vec<WireCheck> = serde_json::from_str(request)
        .map_err(|e| format!("the verification request is not valid: {e}"))?;
    checks
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let bad = |what: String| format!("check {i}: {what}");
            Ok(PlannedCheck {
                alg: Alg::parse(&c.alg)
                    .ok_or_else(|| bad(format!("unknown algorithm {}", c.alg)))?,
                key_id: format!("remote/{i}"),
                material: material(c.key).map_err(bad)?,
                signing_input: b64::decode_url(&c.input).map_err(|e| bad(e.to_string()))?,
                signature: b64::decode_url(&c.signature).map_err(|e| bad(e.to_string()))?,
                hashed_nonce: false,
            })
        })
        .collect()
}

/// Answers a request made by [`encode_checks`] with `verifier`, one answer per check in order.
/// Errs (with a message naming the problem) when the request is not such a request.
pub fn answer_checks(request: &str, verifier: &dyn SignatureVerifier) -> Result<String, String> {
    let answers: Vec<WireAnswer> = decode_checks(request)?
        .iter()
        .map(|c| {
            WireAnswer::from(verifier.verify(c.alg, &c.material, &c.signing_input, &c.signature))
        })
        .collect();
    serde_json::to_string(&answers).map_err(|e| e.to_string())
}

/// Reads the answers of [`answer_checks`]; there must be exactly `expected` of them.
pub fn decode_answers(
    response: &str,
    expected: usize,
) -> Result<Vec<Result<bool, VerifyError>>, String> {
    let answers: Vec<WireAnswer> = serde_json::from_str(response)
        .map_err(|e| format!("the verifier's answer is not valid: {e}"))?;
    if answers.len() != expected {
        return Err(format!(
            "the verifier answered {} checks, {expected} were asked",
            answers.len()
        ));
    }
    answers
        .into_iter()
        .map(|a| {
            a.into_answer()
                .map_err(|e| format!("the verifier's answer is not valid: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Says yes exactly when the signature equals the signing input, so answers are checkable
    /// without any cryptography.
    struct Echo;
    impl SignatureVerifier for Echo {
        fn name(&self) -> &'static str {
            "echo"
        }
        fn verify(
            &self,
            alg: Alg,
            _: &KeyMaterial,
            input: &[u8],
            sig: &[u8],
        ) -> Result<bool, VerifyError> {
            if alg == Alg::ES256K {
                return Err(VerifyError::UnsupportedAlgorithm {
                    alg: alg.to_string(),
                });
            }
            Ok(input == sig)
        }
    }

    fn check(alg: Alg, material: KeyMaterial, input: &[u8], sig: &[u8]) -> PlannedCheck {
        PlannedCheck {
            alg,
            key_id: "set/key".to_owned(),
            material,
            signing_input: input.to_vec(),
            signature: sig.to_vec(),
            hashed_nonce: false,
        }
    }

    fn checks() -> Vec<PlannedCheck> {
        vec![
            check(
                Alg::RS256,
                KeyMaterial::Rsa {
                    n: vec![0xC5; 256],
                    e: vec![1, 0, 1],
                },
                b"a.b",
                b"a.b",
            ),
            check(
                Alg::ES256,
                KeyMaterial::Ec {
                    crv: "P-256".into(),
                    x: vec![1; 32],
                    y: vec![2; 32],
                },
                b"a.b",
                b"x",
            ),
            check(
                Alg::EdDSA,
                KeyMaterial::Okp {
                    crv: "Ed25519".into(),
                    x: vec![3; 32],
                },
                b"c.d",
                b"c.d",
            ),
            check(
                Alg::HS256,
                KeyMaterial::Oct {
                    secret: b"s3cret".to_vec(),
                },
                b"e.f",
                b"",
            ),
            check(
                Alg::ES256K,
                KeyMaterial::Ec {
                    crv: "secp256k1".into(),
                    x: vec![1; 32],
                    y: vec![2; 32],
                },
                b"g.h",
                b"g.h",
            ),
        ]
    }

    #[test]
    fn answers_survive_the_round_trip_in_order() {
        let checks = checks();
        let response = answer_checks(&encode_checks(&checks), &Echo).unwrap();
        let answers = decode_answers(&response, checks.len()).unwrap();
        let direct: Vec<_> = checks
            .iter()
            .map(|c| Echo.verify(c.alg, &c.material, &c.signing_input, &c.signature))
            .collect();
        assert_eq!(answers, direct);
        assert_eq!(answers.first(), Some(&Ok(true)));
        assert_eq!(answers.get(1), Some(&Ok(false)));
    }

    #[test]
    fn decoded_checks_equal_the_encoded_ones_but_for_the_key_id() {
        let checks = checks();
        let decoded = decode_checks(&encode_checks(&checks)).unwrap();
        assert_eq!(decoded.len(), checks.len());
        for (i, (d, c)) in decoded.iter().zip(&checks).enumerate() {
            assert_eq!(
                (d.alg, &d.material, &d.signing_input, &d.signature),
                (c.alg, &c.material, &c.signing_input, &c.signature)
            );
            assert_eq!(d.key_id, format!("remote/{i}"));
        }
    }

    #[test]
    fn malformed_requests_and_answers_are_errors() {
        assert!(answer_checks("{", &Echo).is_err_and(|m| m.contains("request is not valid")));
        let bad_alg = r#"[{"alg":"XX1","key":{"kty":"oct","k":"AA"},"input":"","signature":""}]"#;
        assert!(
            answer_checks(bad_alg, &Echo).is_err_and(|m| m.contains("check 0: unknown algorithm"))
        );
        let bad_b64 = r#"[{"alg":"HS256","key":{"kty":"oct","k":"*"},"input":"","signature":""}]"#;
        assert!(answer_checks(bad_b64, &Echo).is_err_and(|m| m.contains("\"k\"")));
        assert!(decode_answers("[{\"verified\":true}]", 2)
            .is_err_and(|m| m.contains("answered 1 checks, 2 were asked")));
        assert!(decode_answers("nope", 0).is_err());
    }

    #[test]
    fn an_answer_must_hold_exactly_one_member() {
        for bad in [
            r#"[{}]"#,
            r#"[{"verified":true,"bad_key":"x"}]"#,
            r#"[{"unsupported_algorithm":"ES256K","bad_key":"x"}]"#,
        ] {
            let e = decode_answers(bad, 1).err().unwrap_or_default();
            assert!(e.contains("exactly one"), "{bad}: {e}");
        }
        let ok = decode_answers(
            r#"[{"verified":false},{"unsupported_algorithm":"ES256K"},{"bad_key":"short"}]"#,
            3,
        );
        assert_eq!(
            ok,
            Ok(vec![
                Ok(false),
                Err(VerifyError::UnsupportedAlgorithm {
                    alg: "ES256K".into()
                }),
                Err(VerifyError::BadKey {
                    detail: "short".into()
                }),
            ])
        );
    }
}
