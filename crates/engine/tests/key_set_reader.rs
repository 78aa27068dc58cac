//! `KeySetReader` read in slices of any size gives exactly `parse_key_set`'s key set (keys, key
//! ids, problems, warnings and their order), for every kind of document; and every way of
//! building a key (JWK, PEM public key, PKCS#1, certificate, DER, HMAC secret) computes the
//! key's facts once, when it is read. Documents come from the golden cases (always present),
//! the real Microsoft fixtures (../shared, when present) and are generated here.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;

use keyhole_engine::b64;
use keyhole_engine::keys::{
    hmac_key_set, parse_key_set, DocumentKind, KeyEntry, KeyFacts, KeyMaterial, KeySet,
    KeySetReader, SecretEncoding,
};
use keyhole_engine::CaseFile;
use serde_json::{json, Value};
use x509_cert::der::pem::{encode_string, LineEnding};

const GOLDEN: [&str; 5] = [
    include_str!("../golden/cases/algorithms.json"),
    include_str!("../golden/cases/clean.json"),
    include_str!("../golden/cases/cross-cloud.json"),
    include_str!("../golden/cases/header-key-attack.json"),
    include_str!("../golden/cases/storm-0558.json"),
];

fn golden_documents() -> Vec<Value> {
    GOLDEN
        .iter()
        .map(|text| CaseFile::from_json(text).unwrap())
        .flat_map(|case| case.key_sets.into_iter().map(|ks| ks.document))
        .collect()
}

fn real_documents() -> Vec<Value> {
    let Some(dir) = common::fixture("fixtures/real") else {
        return Vec::new();
    };
    let dir = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut names: Vec<PathBuf> = dir
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    names
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect()
}

fn pem(label: &str, der: &[u8]) -> String {
    encode_string(label, LineEnding::LF, der).unwrap()
}

/// Every `x5c[0]` certificate (DER) and every RSA JWK of the golden cases.
fn golden_certificates_and_rsa_jwks() -> (Vec<Vec<u8>>, Vec<Value>) {
    let mut certs = Vec::new();
    let mut rsa = Vec::new();
    for doc in golden_documents() {
        for jwk in doc
            .get("keys")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            if let Some(c) = jwk.pointer("/x5c/0").and_then(Value::as_str) {
                certs.push(b64::decode_std(c).unwrap_or_default());
            }
            if jwk["kty"] == "RSA" {
                rsa.push(jwk);
            }
        }
    }
    (certs, rsa)
}

/// 65537^130, big-endian: over 2048 bits and carrying the ROCA fingerprint by construction.
fn roca_modulus() -> Vec<u8> {
    (0..130)
        .fold(rsa::BigUint::from(1u32), |n, _| n * 65537u32)
        .to_bytes_be()
}

/// The golden cases' certificates and RSA JWKs, and the first RSA key as SPKI and PKCS#1 DER.
struct Golden {
    certs: Vec<Vec<u8>>,
    rsa_jwks: Vec<Value>,
    cert: Vec<u8>,
    jwk: Value,
    spki: Vec<u8>,
    pkcs1: Vec<u8>,
}

fn golden() -> Golden {
    let (certs, rsa_jwks) = golden_certificates_and_rsa_jwks();
    let jwk = rsa_jwks.first().cloned().unwrap_or_default();
    let (spki, pkcs1) = common::rsa_spki_and_pkcs1_der(&jwk);
    Golden {
        cert: certs.first().cloned().unwrap_or_default(),
        certs,
        rsa_jwks,
        jwk,
        spki,
        pkcs1,
    }
}

/// Documents of every kind, good and bad.
fn documents() -> Vec<Value> {
    let Golden {
        certs,
        rsa_jwks,
        cert,
        jwk,
        spki,
        pkcs1,
    } = golden();
    let roca = json!({"kty":"RSA","kid":"roca","e":"Aw","n":b64::encode_url(&roca_modulus())});
    let secret =
        |k: &str, kid: &str| json!({"kty":"oct","k":b64::encode_url(k.as_bytes()),"kid":kid});
    let mut bad_and_duplicates: Vec<Value> = vec![
        secret("secret-one-secret-one", "dup"),
        json!({"kty":"RSA","kid":"no-n","e":"AQAB"}),
        jwk.clone(),
        secret("secret-two-secret-two", "dup"),
        json!("not an object"),
        roca.clone(),
        json!({"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":"short"}),
        json!({"kty":"RSA","kid":"private","e":"AQAB","n":jwk["n"],"d":"AQAB"}),
        json!({"kty":"RSA","kid":"bad-x5c","e":"AQAB","n":jwk["n"],"x5c":["!!"]}),
        json!({"kty":"XYZ"}),
        secret("secret-one-secret-one", "same"),
        secret("secret-one-secret-one", "same"),
    ];
    bad_and_duplicates.extend(rsa_jwks.iter().cloned());
    let mut many: Vec<Value> = Vec::new();
    for i in 0..23 {
        let mut k = jwk.clone();
        k["kid"] = json!(format!("k{}", i % 5));
        many.push(k);
    }
    let pem_text = format!(
        "header\n{}\n{}\n{}junk\n-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n{}-----BEGIN FOO-----\nQUJD\n-----END FOO-----\n-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n",
        pem("CERTIFICATE", &cert),
        pem("PUBLIC KEY", &spki),
        pem("RSA PUBLIC KEY", &pkcs1),
        certs.iter().map(|c| pem("CERTIFICATE", c)).collect::<String>(),
    );
    let nested = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let mut docs = vec![
        json!({ "keys": bad_and_duplicates.clone() }),
        json!({ "keys": many.clone() }),
        Value::Array(bad_and_duplicates),
        Value::Array(many),
        jwk.clone(),
        roca.clone(),
        json!({"keys":[roca.clone(), roca]}),
        json!({"keys":[]}),
        json!({"keys":"nope"}),
        json!({"keys":null}),
        json!({"issuer":"https://issuer.example/","jwks_uri":"https://issuer.example/keys",
            "id_token_signing_alg_values_supported":["RS256"]}),
        json!({"issuer":"https://issuer.example/","authorization_endpoint":"https://a/"}),
        json!({"foo":1}),
        json!(42),
        json!(null),
        json!(""),
        json!("   "),
        Value::from(pem_text),
        Value::from(pem("CERTIFICATE", &cert)),
        Value::from(b64::encode_std(&cert)),
        Value::from(b64::encode_url(&cert)),
        Value::from(b64::encode_std(&spki)),
        Value::from(b64::encode_std(&pkcs1)),
        Value::from(b64::encode_std(b"neither a certificate nor a key")),
        json!("not a key at all!"),
        json!("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
        Value::from(json!({ "keys": [jwk.clone(), jwk.clone()] }).to_string()),
        Value::from(json!([jwk.clone()]).to_string()),
        Value::from(format!("  {}  ", jwk)),
        // JSON text holding JSON text: the inner text is not parsed again.
        Value::from(Value::from(json!({ "keys": [jwk] }).to_string()).to_string()),
        Value::from("{\"keys\": [ broken"),
        Value::from(nested),
        Value::from(
            " ".repeat(8) + &"A".repeat(keyhole_engine::limits::MAX_KEY_DOCUMENT_BYTES + 1),
        ),
    ];
    docs.extend(certs.iter().map(|c| Value::from(b64::encode_std(c))));
    docs.extend(golden_documents());
    docs.extend(real_documents());
    docs
}

fn assert_facts_computed(set: &KeySet, what: &str) {
    for key in &set.keys {
        assert_eq!(
            key.facts.get(),
            Some(KeyFacts::of(&key.material)),
            "{what}: key {}",
            key.id
        );
    }
}

fn describe(doc: &Value) -> String {
    let text = doc.to_string();
    text.chars().take(120).collect()
}

#[test]
fn reading_in_slices_of_any_size_gives_parse_key_set() {
    let docs = documents();
    assert!(docs.len() > 40, "{}", docs.len());
    let mut kinds = std::collections::BTreeSet::new();
    for doc in &docs {
        let expected = parse_key_set(3, Some("https://src.example/keys"), None, doc);
        kinds.insert(format!("{:?}", expected.kind));
        assert_facts_computed(&expected, &describe(doc));
        let total = expected.keys.len() + expected.problems.len();
        for step in [1, 2, 7, usize::MAX] {
            let what = format!("step {step}: {}", describe(doc));
            let mut reader =
                KeySetReader::new(3, Some("https://src.example/keys"), None, doc.clone());
            let mut calls = 0usize;
            let mut before = reader.remaining();
            while !reader.step(step) {
                calls += 1;
                let now = reader.remaining();
                assert_eq!(before - now, step.min(before), "{what}");
                before = now;
                assert!(calls <= total + 1, "{what}: the reader makes no progress");
            }
            assert_eq!(reader.remaining(), 0, "{what}");
            // Stepping a finished reader is harmless.
            assert!(reader.step(step), "{what}");
            let set = reader.finish();
            assert_facts_computed(&set, &what);
            assert_eq!(set, expected, "{what}");
            assert_eq!(
                serde_json::to_string(&set).ok(),
                serde_json::to_string(&expected).ok(),
                "{what}"
            );
            let borrowed = KeySetReader::borrowing(3, Some("https://src.example/keys"), None, doc);
            assert_eq!(borrowed.finish(), expected, "{what}: borrowed, in one go");
        }
    }
    for kind in [
        DocumentKind::Jwks,
        DocumentKind::Jwk,
        DocumentKind::JwkArray,
        DocumentKind::OpenIdConfiguration,
        DocumentKind::Pem,
        DocumentKind::Der,
        DocumentKind::Unrecognised,
    ] {
        assert!(kinds.contains(&format!("{kind:?}")), "{kind:?} not covered");
    }
}

#[test]
fn the_test_documents_hold_what_the_reader_must_keep_in_order() {
    let docs = documents();
    let sets: Vec<KeySet> = docs
        .iter()
        .map(|d| parse_key_set(0, None, None, d))
        .collect();
    let warned = |needle: &str| {
        sets.iter()
            .any(|s| s.warnings.iter().any(|w| w.contains(needle)))
    };
    let refused = |needle: &str| {
        sets.iter()
            .any(|s| s.problems.iter().any(|p| p.message.contains(needle)))
    };
    for needle in [
        "ROCA fingerprint",
        "share kid \"dup\" with different key material",
        "2 keys share kid \"same\": a token",
        "mixes shared secrets",
        "private key material",
        "x5c[0] is not base64",
        "jwks_uri",
    ] {
        assert!(warned(needle), "no warning says {needle}");
    }
    for needle in [
        "nests JSON deeper than",
        "-byte limit",
        "is a private key",
        "decodes as base64 but",
        "unknown key type",
        "looks like a token",
    ] {
        assert!(refused(needle), "no problem says {needle}");
    }
}

#[test]
fn a_zero_step_reads_nothing_and_finish_reads_the_rest() {
    let (_, rsa_jwks) = golden_certificates_and_rsa_jwks();
    let doc = json!({ "keys": rsa_jwks });
    let n = rsa_jwks_len(&doc);
    assert!(n >= 2);
    let mut reader = KeySetReader::new(0, None, None, doc.clone());
    assert!(!reader.step(0));
    assert_eq!(reader.remaining(), n);
    assert!(!reader.step(1));
    assert_eq!(reader.remaining(), n - 1);
    assert_eq!(reader.finish(), parse_key_set(0, None, None, &doc));
}

fn rsa_jwks_len(doc: &Value) -> usize {
    doc["keys"].as_array().map_or(0, Vec::len)
}

fn only_key(set: KeySet) -> KeyEntry {
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.keys.len(), 1);
    set.keys.into_iter().next().unwrap()
}

#[test]
fn every_way_of_building_a_key_computes_its_facts_once() {
    let g = golden();
    let rsa_2048 = KeyFacts {
        rsa_bits: Some(2048),
        roca: false,
    };
    let read = |doc: Value| only_key(parse_key_set(0, None, None, &doc));
    for (what, key) in [
        ("jwk", read(g.jwk.clone())),
        ("jwks", read(json!({ "keys": [g.jwk.clone()] }))),
        ("x5c only", {
            let mut bare = g
                .rsa_jwks
                .iter()
                .find(|k| k.get("x5c").is_some())
                .cloned()
                .unwrap_or_default();
            if let Some(o) = bare.as_object_mut() {
                o.remove("n");
                o.remove("e");
            }
            let set = parse_key_set(0, None, None, &bare);
            set.keys.into_iter().next().unwrap()
        }),
        ("pem spki", read(Value::from(pem("PUBLIC KEY", &g.spki)))),
        (
            "pem pkcs1",
            read(Value::from(pem("RSA PUBLIC KEY", &g.pkcs1))),
        ),
        (
            "pem certificate",
            read(Value::from(pem("CERTIFICATE", &g.cert))),
        ),
        (
            "der certificate",
            read(Value::from(b64::encode_std(&g.cert))),
        ),
        ("der spki", read(Value::from(b64::encode_std(&g.spki)))),
        ("der pkcs1", read(Value::from(b64::encode_std(&g.pkcs1)))),
    ] {
        assert!(matches!(key.material, KeyMaterial::Rsa { .. }), "{what}");
        assert_eq!(key.facts.get(), Some(rsa_2048), "{what}");
        assert_eq!(key.facts(), rsa_2048, "{what}");
    }

    let roca = read(json!({"kty":"RSA","e":"Aw","n":b64::encode_url(&roca_modulus())}));
    let roca_facts = roca.facts.get();
    assert!(roca_facts.is_some_and(|f| f.roca && f.rsa_bits.is_some_and(|b| b > 2048)));

    let hmac = only_key(hmac_key_set(0, "a-secret", SecretEncoding::Utf8));
    assert_eq!(hmac.facts.get(), Some(KeyFacts::default()));
    let oct = read(json!({"kty":"oct","k":"c2VjcmV0"}));
    assert_eq!(oct.facts.get(), Some(KeyFacts::default()));
    for doc in golden_documents() {
        for key in parse_key_set(0, None, None, &doc).keys {
            assert_eq!(
                key.facts.get(),
                Some(KeyFacts::of(&key.material)),
                "{}",
                key.id
            );
            if !matches!(key.material, KeyMaterial::Rsa { .. }) {
                assert_eq!(key.facts(), KeyFacts::default(), "{}", key.id);
            }
        }
    }

    // An entry written as a literal computes its facts on first use, and compares equal to
    // one whose facts were computed when it was read.
    let mut literal = read(g.jwk);
    let computed = literal.clone();
    literal.facts = Default::default();
    assert_eq!(literal.facts.get(), None);
    assert_eq!(literal, computed);
    assert_eq!(literal.facts(), rsa_2048);
    assert_eq!(literal.facts.get(), Some(rsa_2048));
}
