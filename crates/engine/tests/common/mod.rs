//! Test support shared by the integration tests that read ../shared: the one fixture lookup
//! ([`fixture`]: a visible skip when the fixtures are absent, a failure under `CI=true`) and
//! assembling signature blocks from JOSE vectors.
#![allow(dead_code)] // each test binary uses a different part

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use keyhole_engine::keys::KeyMaterial;
use keyhole_engine::token::{decode_header, parse_compact, HeaderParams, SignatureBlock};
use keyhole_engine::verify::{
    remote, Alg, JsonWebTokenVerifier, PlannedCheck, SignatureVerifier, VerifyError,
};
use serde_json::{Map, Value};

/// The RSA public key of a JWK's `n` and `e` (the test fails when they are not one).
pub fn rsa_public(jwk: &Value) -> rsa::RsaPublicKey {
    let part = |m: &str| {
        keyhole_engine::b64::decode_url(jwk.get(m).and_then(Value::as_str).unwrap_or_default())
            .unwrap_or_default()
    };
    rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(&part("n")),
        rsa::BigUint::from_bytes_be(&part("e")),
    )
    .unwrap()
}

/// The RSA public key of a JWK as DER `SubjectPublicKeyInfo` and PKCS#1 `RSAPublicKey`.
pub fn rsa_spki_and_pkcs1_der(jwk: &Value) -> (Vec<u8>, Vec<u8>) {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::EncodePublicKey;
    let public = rsa_public(jwk);
    let spki = public.to_public_key_der().unwrap();
    let pkcs1 = public.to_pkcs1_der().unwrap();
    (spki.as_bytes().to_vec(), pkcs1.as_bytes().to_vec())
}

/// The shared fixtures' root: `$KEYHOLE_SHARED`, else `../shared` beside the repository.
fn shared_root() -> PathBuf {
    std::env::var_os("KEYHOLE_SHARED").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")),
        PathBuf::from,
    )
}

/// True when the environment says it is CI (`CI=true`, as CI systems set it): there the
/// fixtures are always present, so their absence is a broken set-up, not a reason to skip.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The path of `rel` (a file or a directory) under the shared fixtures, e.g.
/// `fixture("fixtures/real")`. Third-party fixtures stay in `../shared` and are never copied into
/// the repository, so a user's fresh clone may not have them: then this writes
/// `skipped: <test> needs ../shared/<rel>` straight to stderr (past the test harness' capture, so
/// it shows even for a passing test and `scripts/test` can count it) and returns `None`, and the
/// test returns early. Under `CI=true` the absence fails the test instead, so a suite cannot
/// pass there without asserting. When the fixtures are present but `rel` is not among them, the
/// test fails: a renamed fixture must not turn into a silent skip.
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let root = shared_root();
    if root.is_dir() {
        let path = root.join(rel);
        assert!(
            path.exists(),
            "fixture {rel} is missing from {} (renamed or removed?)",
            root.display()
        );
        return Some(path);
    }
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    assert!(
        !in_ci(),
        "{test} needs ../shared/{rel}, but {} is absent and CI=true (CI must have the shared \
         fixtures; set KEYHOLE_SHARED to their directory)",
        root.display()
    );
    let _ = writeln!(std::io::stderr(), "skipped: {test} needs ../shared/{rel}");
    None
}

/// The text of the fixture file `rel` (see [`fixture`]); `None` after a visible skip.
pub fn fixture_text(rel: &str) -> Option<String> {
    let path = fixture(rel)?;
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The fixture file `rel` parsed as JSON (see [`fixture`]); `None` after a visible skip.
pub fn fixture_json(rel: &str) -> Option<Value> {
    let text = fixture_text(rel)?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

/// Some fixture fields hold JSON as a string (e.g. `"\"eyJ…\""` or `"{\"kty\":…}"`).
pub fn unwrap_json(v: &Value) -> Value {
    match v {
        Value::String(s) if s.starts_with('"') || s.starts_with('{') => {
            serde_json::from_str(s).unwrap_or_else(|_| v.clone())
        }
        other => other.clone(),
    }
}

/// Signature blocks of a compact or JSON-serialized JWS (RFC 7515 §7.1, §7.2).
/// `detached` is the payload as base64url (or raw for `b64: false`) when the JWS omits it.
///
/// TODO(token::parse_token): JSON serializations are assembled here until the token module's
/// `parse_token` lands; then these tests should go through it.
pub fn blocks_of(jws: &Value, detached: Option<&str>) -> Vec<SignatureBlock> {
    match unwrap_json(jws) {
        Value::String(compact) => {
            let parsed = parse_compact(&compact).unwrap_or_else(|e| panic!("{compact}: {e}"));
            parsed
                .signatures
                .into_iter()
                .map(|mut b| {
                    if let (Some(p), true) = (detached, compact.split('.').nth(1) == Some("")) {
                        b.signing_input = format!("{}.{p}", b.protected_b64).into_bytes();
                    }
                    b
                })
                .collect()
        }
        Value::Object(obj) => {
            let payload = obj
                .get("payload")
                .and_then(Value::as_str)
                .or(detached)
                .unwrap_or_default()
                .to_owned();
            let sigs: Vec<Map<String, Value>> = match obj.get("signatures") {
                Some(Value::Array(a)) => a.iter().filter_map(|s| s.as_object().cloned()).collect(),
                _ => vec![obj.clone()],
            };
            sigs.iter()
                .map(|s| {
                    let protected_b64 = s
                        .get("protected")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    let mut header = if protected_b64.is_empty() {
                        Map::new()
                    } else {
                        decode_header(&protected_b64).unwrap()
                    };
                    if let Some(Value::Object(unprotected)) = s.get("header") {
                        for (k, v) in unprotected {
                            header.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                    SignatureBlock {
                        params: HeaderParams::from_header(&header),
                        signing_input: format!("{protected_b64}.{payload}").into_bytes(),
                        signature_b64: s
                            .get("signature")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        protected_b64,
                        header,
                    }
                })
                .collect()
        }
        other => unreachable!("not a JWS: {other}"),
    }
}

/// The reference verifier (jsonwebtoken) for the conformance suites. When
/// `$KEYHOLE_EXPORT_CHECKS` names a file, every check it answers is appended to it as a JSON line
/// `{"check": <verify::remote wire check>, "jsonwebtoken": true | false | null (error)}`, so
/// `e2e/conformance.mjs` can put the same checks to the browser's verifiers (WebCrypto, and
/// this verifier compiled to wasm).
pub struct Recording;

static EXPORT_LOCK: Mutex<()> = Mutex::new(());

impl SignatureVerifier for Recording {
    fn name(&self) -> &'static str {
        JsonWebTokenVerifier.name()
    }

    fn verify(
        &self,
        alg: Alg,
        key: &KeyMaterial,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, VerifyError> {
        let answer = JsonWebTokenVerifier.verify(alg, key, signing_input, signature);
        if let Ok(path) = std::env::var("KEYHOLE_EXPORT_CHECKS") {
            let check = PlannedCheck {
                alg,
                key_id: "conformance".to_owned(),
                material: key.clone(),
                signing_input: signing_input.to_vec(),
                signature: signature.to_vec(),
                hashed_nonce: false,
            };
            let wire = remote::encode_checks(&[check]);
            let one = wire
                .strip_prefix('[')
                .and_then(|w| w.strip_suffix(']'))
                .unwrap_or("null");
            let said = answer
                .as_ref()
                .map_or_else(|_| "null".to_owned(), |v| v.to_string());
            let _guard = EXPORT_LOCK.lock();
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .and_then(|mut f| writeln!(f, "{{\"check\":{one},\"jsonwebtoken\":{said}}}"))
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        answer
    }
}
