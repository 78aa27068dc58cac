//! Key documents (JWKS, JWK, JWK array, OpenID configuration, PEM keys and certificates, base64
//! DER): the input is tried as a JSON value and as a string document. Never panics; a document
//! never fails as a whole.
#![no_main]
#![forbid(unsafe_code)]

use keyhole_engine::keys::parse_key_set;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let text = keyhole_fuzz::text(data);
    if let Ok(value) = serde_json::from_str::<Value>(&text) {
        let set = parse_key_set(0, Some("https://fuzz.example/keys"), None, &value);
        keyhole_fuzz::check_key_set(&set, 0);
    }
    let set = parse_key_set(
        1,
        None,
        Some("https://issuer.example"),
        &Value::String(text),
    );
    keyhole_fuzz::check_key_set(&set, 1);
});
