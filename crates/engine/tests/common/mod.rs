//! Test support shared by the integration tests that read ../shared: locating the fixtures
//! (and skipping when they are absent, as in a user's fresh clone) and assembling signature
//! blocks from JOSE vectors.
#![allow(dead_code)] // each test binary uses a different part

use std::path::PathBuf;

use keyhole_engine::token::{decode_header, parse_compact, HeaderParams, SignatureBlock};
use serde_json::{Map, Value};

/// `../shared` (or `$KEYHOLE_SHARED`), if present.
pub fn shared() -> Option<PathBuf> {
    let root = std::env::var("KEYHOLE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    if root.is_dir() {
        Some(root)
    } else {
        println!("skipped: ../shared not found");
        None
    }
}

pub fn vectors() -> Option<PathBuf> {
    let root = std::env::var("KEYHOLE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    let dir = root.join("fixtures/vectors");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared not found");
        None
    }
}

pub fn load(dir: &std::path::Path, rel: &str) -> Value {
    let text =
        std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| unreachable!("{rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| unreachable!("{rel}: {e}"))
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
            let parsed = parse_compact(&compact).unwrap_or_else(|e| unreachable!("{compact}: {e}"));
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
                        decode_header(&protected_b64).unwrap_or_else(|e| unreachable!("{e}"))
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
