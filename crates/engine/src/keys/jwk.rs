//! One JSON Web Key (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2) read into a [`KeyEntry`]: its
//! members, validated public material, size, RFC 7638 thumbprint and, when it carries `x5c`,
//! what its first certificate says and whether it agrees with the key.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{Map, Value};

use super::certificate::parse_certificate;
use super::material::{ec_material, key_size, okp_material, rsa_material};
use super::thumbprint::jwk_thumbprint;
use super::{FactsCell, KeyEntry, KeyMaterial, KeyOrigin, KeyProblem};
use crate::b64;

/// Private members by key type (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// A JWK read successfully, with remarks that do not stop it from being used.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedJwk {
    pub entry: KeyEntry,
    /// E.g. "private material was pasted", "x5c[0] is not a certificate".
    pub warnings: Vec<String>,
}

fn opt_string(jwk: &Map<String, Value>, member: &str) -> Result<Option<String>, String> {
    match jwk.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "the \"{member}\" member must be a string, found {}",
            json_type(other)
        )),
    }
}

/// A short English name for a JSON value's type, for messages.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The code of the key-set warning for a member read leniently (the rule registry has it).
pub const NON_CONFORMANT_KEY_ENCODING: &str = "non-conformant-key-encoding";

/// Decodes a key member: strict unpadded base64url (RFC 7518 §6), else — as real key sets
/// publish them (Battle.net's `n` in standard base64, PayPal's padded X25519 `x`) — standard
/// base64 or `=` padding when that reading is the only one: one alphabet, canonical padding,
/// canonical trailing bits. Returns the bytes and, when read leniently, how it was written.
/// A value mixing `-`/`_` with `+`/`/`, or one that decodes in no way, is refused.
pub(crate) fn decode_member(text: &str) -> Result<(Vec<u8>, Option<&'static str>), String> {
    let strict = match b64::decode_url(text) {
        Ok(bytes) => return Ok((bytes, None)),
        Err(e) => e,
    };
    let standard = text.contains(['+', '/']);
    let url = text.contains(['-', '_']);
    let padded = text.ends_with('=');
    if standard && url {
        return Err("mixes the base64url (-, _) and standard base64 (+, /) alphabets, so it has no single reading".to_owned());
    }
    if !standard && !padded {
        return Err(format!("is not valid unpadded base64url ({strict})"));
    }
    let translated: String = text
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let engine = if padded { &URL_SAFE } else { &URL_SAFE_NO_PAD };
    let bytes = engine.decode(&translated).map_err(|e| {
        format!("is neither unpadded base64url ({strict}) nor unambiguous standard or padded base64 ({e})")
    })?;
    let how = match (standard, padded) {
        (true, true) => "standard base64 (+, /) with = padding",
        (true, false) => "standard base64 (+, /)",
        _ => "base64url with = padding",
    };
    Ok((bytes, Some(how)))
}

fn required_b64(
    jwk: &Map<String, Value>,
    member: &str,
    kty: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    let text = opt_string(jwk, member)?.ok_or_else(|| {
        format!("an {kty} key needs a \"{member}\" member, and this one has none")
    })?;
    let (bytes, how) = decode_member(&text).map_err(|e| format!("the \"{member}\" member {e}"))?;
    if let Some(how) = how {
        notes.push(format!(
            "the \"{member}\" member is written in {how} instead of unpadded base64url (RFC 7518 §6); its reading is unambiguous, so it was read"
        ));
    }
    Ok(bytes)
}

fn decode_x5c_entry(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    // RFC 7517 §4.7: standard base64 (not base64url); tolerate a missing padding.
    b64::decode_std(text).or_else(|_| STANDARD_NO_PAD.decode(text))
}

fn material_from_members(
    kty: &str,
    jwk: &Map<String, Value>,
    notes: &mut Vec<String>,
) -> Result<KeyMaterial, String> {
    match kty {
        "RSA" => rsa_material(
            &required_b64(jwk, "n", kty, notes)?,
            &required_b64(jwk, "e", kty, notes)?,
        ),
        "EC" => {
            let crv = opt_string(jwk, "crv")?
                .ok_or("an EC key needs a \"crv\" member, and this one has none")?;
            ec_material(
                &crv,
                &required_b64(jwk, "x", kty, notes)?,
                &required_b64(jwk, "y", kty, notes)?,
            )
        }
        "OKP" => {
            let crv = opt_string(jwk, "crv")?
                .ok_or("an OKP key needs a \"crv\" member, and this one has none")?;
            okp_material(&crv, &required_b64(jwk, "x", kty, notes)?)
        }
        "oct" => {
            let secret = required_b64(jwk, "k", kty, notes)?;
            if secret.is_empty() {
                return Err("the shared secret \"k\" is empty".into());
            }
            Ok(KeyMaterial::Oct { secret })
        }
        other => Err(format!(
            "unknown key type \"kty\": \"{other}\" (expected RSA, EC, OKP or oct)"
        )),
    }
}

/// Reads one JWK. `set_index`/`key_index` name it in the case (`"{set}/{key}"`).
///
/// Fails (with the reason, which key, and its `kid`) when the key cannot be used at all; a
/// private JWK is accepted for its public part with `had_private_material` set.
pub fn parse_jwk(
    set_index: usize,
    key_index: usize,
    origin: KeyOrigin,
    jwk: &Value,
) -> Result<ParsedJwk, KeyProblem> {
    let problem = |kid: Option<String>, message: String| KeyProblem {
        set_index,
        key_index: Some(key_index),
        kid,
        message,
    };
    let Value::Object(obj) = jwk else {
        return Err(problem(
            None,
            format!("a JWK must be a JSON object, found {}", json_type(jwk)),
        ));
    };
    let kid = obj.get("kid").and_then(Value::as_str).map(str::to_owned);
    parse_jwk_object(set_index, key_index, origin, obj).map_err(|m| problem(kid, m))
}

fn parse_jwk_object(
    set_index: usize,
    key_index: usize,
    origin: KeyOrigin,
    obj: &Map<String, Value>,
) -> Result<ParsedJwk, String> {
    let kty =
        opt_string(obj, "kty")?.ok_or("the JWK has no \"kty\" (RFC 7517 §4.1 requires one)")?;
    let kid = opt_string(obj, "kid")?;
    let alg = opt_string(obj, "alg")?;
    let use_ = opt_string(obj, "use")?;
    let x5t = opt_string(obj, "x5t")?;
    let x5t_s256 = opt_string(obj, "x5t#S256")?;
    let issuer = opt_string(obj, "issuer")?;
    let cloud_instance_name = opt_string(obj, "cloud_instance_name")?;
    let key_ops = match obj.get("key_ops") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_owned).ok_or_else(|| {
                        format!("\"key_ops\" must hold strings, found {}", json_type(v))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(other) => {
            return Err(format!(
                "\"key_ops\" must be an array of strings, found {}",
                json_type(other)
            ))
        }
    };

    let mut warnings = Vec::new();
    let name = kid
        .as_deref()
        .map_or_else(|| format!("key {key_index}"), |k| format!("key \"{k}\""));

    // x5c[0] (RFC 7517 §4.7): the certificate holding this key.
    let certificate = match obj.get("x5c") {
        None | Some(Value::Null) => None,
        Some(Value::Array(chain)) => match chain.first().and_then(Value::as_str) {
            Some(first) => match decode_x5c_entry(first)
                .map_err(|e| format!("x5c[0] is not base64 ({e})"))
                .and_then(|der| parse_certificate(&der))
            {
                Ok(cert) => Some(cert),
                Err(e) => {
                    warnings.push(format!("{name}: {e}; the certificate was ignored"));
                    None
                }
            },
            None => {
                warnings.push(format!(
                    "{name}: \"x5c\" holds no certificate string; it was ignored"
                ));
                None
            }
        },
        Some(other) => {
            warnings.push(format!(
                "{name}: \"x5c\" must be an array of base64 certificates, found {}; it was ignored",
                json_type(other)
            ));
            None
        }
    };

    let mut encoding_notes = Vec::new();
    let material = match material_from_members(&kty, obj, &mut encoding_notes) {
        Ok(m) => {
            warnings.extend(
                encoding_notes
                    .into_iter()
                    .map(|n| format!("{NON_CONFORMANT_KEY_ENCODING}: {name}: {n}")),
            );
            m
        }
        // A JWK that only carries its certificate (no n/e) is still usable through it.
        Err(e) => match certificate.as_ref().map(|c| &c.material) {
            Some(Ok(m)) if super::material::kty_of(m) == kty && !has_key_members(&kty, obj) => {
                warnings.push(format!(
                    "{name}: the JWK has no key members; its public key was taken from x5c[0]"
                ));
                m.clone()
            }
            _ => return Err(e),
        },
    };

    let had_private_material = match kty.as_str() {
        "oct" => true,
        _ => PRIVATE_MEMBERS.iter().any(|m| obj.contains_key(*m)),
    };
    if had_private_material {
        warnings.push(match kty.as_str() {
            "oct" => format!("{name} is a shared secret (oct): anyone holding it can sign tokens; treat this document as a secret"),
            _ => format!("{name} contains private key material (d, p, q, …): only its public part is used; treat the pasted document as compromised"),
        });
    }

    let certificate = certificate.map(|c| {
        let mut info = c.info;
        info.public_key_matches_jwk = c.material.ok().map(|m| m == material);
        info.x5t_matches = x5t.as_ref().map(|t| *t == info.x5t);
        info.x5t_s256_matches = x5t_s256.as_ref().map(|t| *t == info.x5t_s256);
        info
    });
    if let Some(info) = &certificate {
        if info.public_key_matches_jwk == Some(false) {
            warnings.push(format!("{name}: the certificate in x5c[0] holds a different public key than the JWK; the JWK's key is the one used"));
        }
        if info.x5t_matches == Some(false) {
            warnings.push(format!(
                "{name}: \"x5t\" does not match the SHA-1 thumbprint of x5c[0] ({})",
                info.x5t
            ));
        }
        if info.x5t_s256_matches == Some(false) {
            warnings.push(format!(
                "{name}: \"x5t#S256\" does not match the SHA-256 thumbprint of x5c[0] ({})",
                info.x5t_s256
            ));
        }
    }

    Ok(ParsedJwk {
        entry: KeyEntry {
            id: format!("{set_index}/{key_index}"),
            set_index,
            key_index,
            origin,
            kty: kty.clone(),
            kid,
            alg,
            use_,
            key_ops,
            x5t,
            x5t_s256,
            issuer,
            cloud_instance_name,
            size: Some(key_size(&material)),
            thumbprint: jwk_thumbprint(&material),
            certificate,
            had_private_material,
            facts: FactsCell::computed(&material),
            material,
        },
        warnings,
    })
}

fn has_key_members(kty: &str, obj: &Map<String, Value>) -> bool {
    let members: &[&str] = match kty {
        "RSA" => &["n", "e"],
        "EC" => &["x", "y"],
        "OKP" => &["x"],
        _ => &["k"],
    };
    members.iter().any(|m| obj.contains_key(*m))
}

// The tests sign with the RustCrypto crates of the reference verifier.
#[cfg(all(test, feature = "rust-crypto"))]
mod tests {
    use super::*;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn p256_point() -> (String, String) {
        let sk =
            p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap_or_else(|e| unreachable!("{e}"));
        let point = sk.verifying_key().to_encoded_point(false);
        let bytes = point.as_bytes();
        (
            b64::encode_url(bytes.get(1..33).unwrap_or_default()),
            b64::encode_url(bytes.get(33..65).unwrap_or_default()),
        )
    }

    #[test]
    fn reads_an_ec_jwk_with_all_members() {
        let (x, y) = p256_point();
        let jwk = json!({"kty":"EC","crv":"P-256","x":x,"y":y,"kid":"k1","alg":"ES256","use":"sig","key_ops":["verify"]});
        let parsed = parse_jwk(2, 5, KeyOrigin::Jwks, &jwk)
            .unwrap_or_else(|p| unreachable!("{}", p.message));
        let e = parsed.entry;
        assert_eq!(e.id, "2/5");
        assert_eq!(e.kid.as_deref(), Some("k1"));
        assert_eq!(
            e.size,
            Some(super::super::KeySize::Curve {
                name: "P-256".into()
            })
        );
        assert_eq!(e.key_ops, Some(vec!["verify".to_owned()]));
        assert!(!e.had_private_material);
        assert!(e.thumbprint.is_some());
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn private_ec_jwk_keeps_public_part_and_warns() {
        let (x, y) = p256_point();
        let jwk = json!({"kty":"EC","crv":"P-256","x":x,"y":y,"d":b64::encode_url(&[7u8;32])});
        let parsed =
            parse_jwk(0, 0, KeyOrigin::Jwk, &jwk).unwrap_or_else(|p| unreachable!("{}", p.message));
        assert!(parsed.entry.had_private_material);
        assert_eq!(parsed.warnings.len(), 1);
    }

    #[test]
    fn problems_name_the_key() {
        let jwk = json!({"kty":"RSA","kid":"broken","n":"!!","e":"AQAB"});
        let p = parse_jwk(1, 3, KeyOrigin::Jwks, &jwk).err();
        assert!(p
            .as_ref()
            .is_some_and(|p| p.kid.as_deref() == Some("broken")
                && p.key_index == Some(3)
                && p.message.contains("\"n\"")));
    }

    #[test]
    fn unknown_kty_is_a_problem() {
        let p = parse_jwk(0, 0, KeyOrigin::Jwk, &json!({"kty":"XYZ"})).err();
        assert!(p.is_some_and(|p| p.message.contains("unknown key type")));
    }

    #[test]
    fn oct_is_a_secret() {
        let parsed = parse_jwk(0, 0, KeyOrigin::Jwk, &json!({"kty":"oct","k":"c2VjcmV0"}))
            .unwrap_or_else(|p| unreachable!("{}", p.message));
        assert!(parsed.entry.had_private_material);
        assert_eq!(parsed.entry.thumbprint, None);
    }

    #[test]
    fn unambiguous_non_conformant_members_are_read_with_a_warning() {
        // 0xfb 0xff: base64url "-_8", standard base64 "+/8=".
        assert_eq!(decode_member("-_8"), Ok((vec![0xfb, 0xff], None)));
        assert_eq!(
            decode_member("+/8="),
            Ok((
                vec![0xfb, 0xff],
                Some("standard base64 (+, /) with = padding")
            ))
        );
        assert_eq!(
            decode_member("+/8"),
            Ok((vec![0xfb, 0xff], Some("standard base64 (+, /)")))
        );
        assert_eq!(
            decode_member("-_8="),
            Ok((vec![0xfb, 0xff], Some("base64url with = padding")))
        );
        // Ambiguous or broken: mixed alphabets, wrong padding, non-canonical trailing bits.
        assert!(decode_member("-/8").is_err());
        assert!(decode_member("+/8==").is_err());
        assert!(decode_member("-_9").is_err());
        assert!(decode_member("!!").is_err());
        let jwk = json!({"kty":"oct","kid":"s","k":"c2VjcmV0+/8="});
        let parsed =
            parse_jwk(0, 0, KeyOrigin::Jwk, &jwk).unwrap_or_else(|p| unreachable!("{}", p.message));
        assert!(parsed
            .warnings
            .iter()
            .any(|w| w.starts_with(NON_CONFORMANT_KEY_ENCODING)
                && w.contains("key \"s\"")
                && w.contains("\"k\"")));
    }

    #[test]
    fn empty_oct_secret_is_a_problem() {
        assert!(parse_jwk(0, 0, KeyOrigin::Jwk, &json!({"kty":"oct","k":""})).is_err());
    }
}
