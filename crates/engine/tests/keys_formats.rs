//! Key documents in every shape an analyst pastes: PEM certificates and public keys (SPKI,
//! PKCS#1), bare base64 DER, JSON text, JWKs that disagree with their certificate, and key
//! selection by `x5t` / `x5t#S256` through a certificate. Certificates come from the real
//! Microsoft fixtures (../shared, read at test time); other keys are generated here.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use keyhole_engine::b64;
use keyhole_engine::keys::{parse_key_set, DocumentKind, KeyEntry, KeyMaterial, KeyOrigin};
use keyhole_engine::token::HeaderParams;
use keyhole_engine::verify::{select_keys, Alg, MatchedBy};
use serde_json::{json, Value};
use x509_cert::der::pem::{encode_string, LineEnding};

fn storm_jwk() -> Option<Value> {
    let doc = common::fixture_json("fixtures/real/msa-consumers-v2-jwks.2016-storm0558-key.json")?;
    doc.pointer("/keys/0").cloned()
}

fn x5c0(jwk: &Value) -> String {
    jwk.pointer("/x5c/0")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn pem(label: &str, der: &[u8]) -> String {
    encode_string(label, LineEnding::LF, der).unwrap()
}

fn one_key(doc: &Value) -> KeyEntry {
    let set = parse_key_set(0, None, None, doc);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.keys.len(), 1, "{doc}");
    set.keys.into_iter().next().unwrap()
}

#[test]
fn pem_certificate_yields_the_same_key_as_the_jwk() {
    let Some(jwk) = storm_jwk() else { return };
    let der = b64::decode_std(&x5c0(&jwk)).unwrap_or_default();
    let from_jwk = one_key(&json!({ "keys": [jwk] }));
    let text = format!("issuer cert follows\n{}", pem("CERTIFICATE", &der));
    let set = parse_key_set(1, None, None, &Value::from(text));
    assert_eq!(set.kind, DocumentKind::Pem);
    let key = set
        .keys
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("{:?}", set.problems));
    assert_eq!(key.origin, KeyOrigin::Certificate);
    assert_eq!(key.id, "1/0");
    assert_eq!(key.material, from_jwk.material);
    assert_eq!(key.thumbprint, from_jwk.thumbprint);
    let cert = key.certificate.unwrap_or_default();
    assert_eq!(cert.subject, "CN=Live ID STS Signing Public Key");
    assert_eq!(cert.public_key_matches_jwk, None, "no JWK to compare with");
}

#[test]
fn bare_base64_der_certificate_is_read() {
    let Some(jwk) = storm_jwk() else { return };
    let set = parse_key_set(0, None, None, &Value::from(x5c0(&jwk)));
    assert_eq!(set.kind, DocumentKind::Der);
    assert_eq!(
        set.keys
            .first()
            .and_then(|k| k.certificate.as_ref())
            .map(|c| c.sha1_hex.as_str()),
        Some("d4b4cccda9228624656bff33d8110955779632aa")
    );
}

#[test]
fn spki_and_pkcs1_pem_public_keys_equal_the_jwk() {
    let Some(jwk) = storm_jwk() else { return };
    let from_jwk = one_key(&jwk);
    let (spki, pkcs1) = common::rsa_spki_and_pkcs1_der(&jwk);
    for text in [pem("PUBLIC KEY", &spki), pem("RSA PUBLIC KEY", &pkcs1)] {
        let key = one_key(&Value::from(text.clone()));
        assert_eq!(key.origin, KeyOrigin::PemPublicKey, "{text}");
        assert_eq!(key.material, from_jwk.material, "{text}");
        assert_eq!(key.thumbprint, from_jwk.thumbprint, "{text}");
        assert_eq!(key.kid, None);
    }
}

#[test]
fn generated_ec_and_ed25519_spki_pem_keys_are_read() {
    // P-256 key from a fixed scalar; SPKI = fixed ecPublicKey/prime256v1 prefix + SEC1 point.
    let sk = p256::ecdsa::SigningKey::from_slice(&[3u8; 32]).unwrap();
    let point = sk.verifying_key().to_encoded_point(false);
    let mut der = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    der.extend_from_slice(point.as_bytes());
    let key = one_key(&Value::from(pem("PUBLIC KEY", &der)));
    assert!(
        matches!(&key.material, KeyMaterial::Ec { crv, x, .. } if crv == "P-256" && x.as_slice() == point.as_bytes().get(1..33).unwrap_or_default())
    );

    // Ed25519 (RFC 8037 A.2 public key) in SPKI (RFC 8410 §4).
    let x = b64::decode_url("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").unwrap_or_default();
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(&x);
    let key = one_key(&Value::from(pem("PUBLIC KEY", &der)));
    assert_eq!(
        key.thumbprint.as_deref(),
        Some("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"),
        "RFC 8037 A.3"
    );
}

#[test]
fn one_bad_pem_block_does_not_stop_the_others() {
    let Some(jwk) = storm_jwk() else { return };
    let der = b64::decode_std(&x5c0(&jwk)).unwrap_or_default();
    let text = format!(
        "{}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n{}",
        pem("CERTIFICATE", &der),
        pem("EC PRIVATE KEY", &[1, 2, 3])
    );
    let set = parse_key_set(0, None, None, &Value::from(text));
    assert_eq!(set.keys.len(), 1);
    assert_eq!(set.problems.len(), 2);
    assert!(set
        .problems
        .iter()
        .any(|p| p.key_index == Some(1) && p.message.contains("certificate")));
    assert!(set
        .problems
        .iter()
        .any(|p| p.key_index == Some(2) && p.message.contains("private key")));
}

#[test]
fn jwk_that_disagrees_with_its_certificate_is_flagged() {
    let Some(jwk) = storm_jwk() else { return };
    let mut lying = jwk.clone();
    if let Some(o) = lying.as_object_mut() {
        o.insert("x5t".into(), Value::from("AAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        o.insert("x5t#S256".into(), Value::from("wrong"));
        let mut n = b64::decode_url(jwk.get("n").and_then(Value::as_str).unwrap_or_default())
            .unwrap_or_default();
        if let Some(last) = n.last_mut() {
            *last ^= 0x02;
        }
        o.insert("n".into(), Value::from(b64::encode_url(&n)));
    }
    let set = parse_key_set(0, None, None, &lying);
    assert_eq!(set.warnings.len(), 3, "{:?}", set.warnings);
    assert!(set
        .warnings
        .iter()
        .any(|w| w.contains("different public key")));
    let cert = one_key(&lying).certificate.unwrap_or_default();
    assert_eq!(cert.x5t_matches, Some(false));
    assert_eq!(cert.x5t_s256_matches, Some(false));
    assert_eq!(cert.public_key_matches_jwk, Some(false));

    assert!(parse_key_set(0, None, None, &jwk).warnings.is_empty());
    let honest = one_key(&jwk).certificate.unwrap_or_default();
    assert_eq!(
        (honest.x5t_matches, honest.public_key_matches_jwk),
        (Some(true), Some(true))
    );
}

#[test]
fn jwk_with_only_x5c_takes_its_key_from_the_certificate() {
    let Some(jwk) = storm_jwk() else { return };
    let bare = json!({"kty":"RSA","kid":"cert-only","x5c":[x5c0(&jwk)]});
    let set = parse_key_set(0, None, None, &bare);
    assert_eq!(
        set.keys.first().map(|k| &k.material),
        Some(&one_key(&jwk).material)
    );
    assert!(set.warnings.iter().any(|w| w.contains("taken from x5c[0]")));
}

#[test]
fn jwks_as_json_text_is_read_like_json() {
    let Some(jwk) = storm_jwk() else { return };
    let text = format!("  {{\"keys\": [{jwk}]}}\n");
    let set = parse_key_set(0, None, None, &Value::from(text));
    assert_eq!(set.kind, DocumentKind::Jwks);
    assert_eq!(set.keys.len(), 1);
}

/// A certificate-only key (no kid) is found by the header's x5t or x5t#S256 through its
/// certificate's thumbprints; a wrong thumbprint finds nothing.
#[test]
fn x5t_and_x5t_s256_select_a_certificate_key() {
    let Some(jwk) = storm_jwk() else { return };
    let der = b64::decode_std(&x5c0(&jwk)).unwrap_or_default();
    let set = parse_key_set(0, None, None, &Value::from(pem("CERTIFICATE", &der)));
    let keys: Vec<&KeyEntry> = set.keys.iter().collect();
    let cert = set
        .keys
        .first()
        .and_then(|k| k.certificate.clone())
        .unwrap_or_default();

    let by_x5t = HeaderParams {
        x5t: Some(cert.x5t.clone()),
        ..HeaderParams::default()
    };
    let (found, how) = select_keys(&by_x5t, Alg::RS256, &keys);
    assert_eq!((found.len(), how), (1, MatchedBy::X5t));

    let by_s256 = HeaderParams {
        x5t_s256: Some(cert.x5t_s256.clone()),
        ..HeaderParams::default()
    };
    let (found, how) = select_keys(&by_s256, Alg::RS256, &keys);
    assert_eq!((found.len(), how), (1, MatchedBy::X5tS256));

    // kid takes precedence, and a kid no key has falls through to x5t.
    let both = HeaderParams {
        kid: Some("unknown".into()),
        x5t: Some(cert.x5t.clone()),
        ..HeaderParams::default()
    };
    assert_eq!(select_keys(&both, Alg::RS256, &keys).1, MatchedBy::X5t);

    let wrong = HeaderParams {
        x5t: Some("AAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
        ..HeaderParams::default()
    };
    assert!(select_keys(&wrong, Alg::RS256, &keys).0.is_empty());
}
