//! The web app's fallback verifier: `jsonwebtoken` (pure Rust, the engine's reference) compiled
//! into its own wasm module. The app's main module carries no pure-Rust crypto — WebCrypto
//! answers in secure contexts — and loads this module (its size: BENCHMARKS.md) only when a check
//! is left that WebCrypto did not confirm: an invalid signature, an algorithm or key WebCrypto
//! refuses, or a page without WebCrypto (plain http). `scripts/inline-wasm.mjs` builds and
//! inlines it as `keyhole-rust-verifier.js`; the page loads it on first use, once
//! (`keyholeRustVerifier` in `www/boot.js`, called from `src/adapters/rust_verifier.rs`); the
//! extraction worker never does.
#![forbid(unsafe_code)]

use keyhole_engine::verify::{remote, JsonWebTokenVerifier};
use wasm_bindgen::prelude::*;

/// Answers a request made by the engine's `verify::remote::encode_checks` with the reference
/// verifier; the app reads the result with `verify::remote::decode_answers`.
#[wasm_bindgen]
pub fn verify_checks(request: &str) -> Result<String, JsValue> {
    remote::answer_checks(request, &JsonWebTokenVerifier).map_err(|e| JsValue::from_str(&e))
}

/// WebCrypto's own answers to a `verify::remote` request (the JSON the engine sends to this
/// module): one per check, `true`, `false`, or `null` where WebCrypto could not answer. The
/// diagnostic "what does the browser alone say?", answered by the app's own WebCrypto code
/// (crates/webcrypto) and loaded on demand like this module's verifier, so the start module does
/// not carry it: `e2e/conformance.mjs` puts the conformance suites' checks through it
/// (`keyholeWebCryptoAnswers` in `www/boot.js`).
#[wasm_bindgen(js_name = webcryptoAnswers)]
pub async fn webcrypto_answers(request: String) -> Result<JsValue, JsValue> {
    let checks = remote::decode_checks(&request).map_err(|e| JsValue::from_str(&e))?;
    let answers = keyhole_webcrypto::answer_all(&checks)
        .await
        .map_err(|e| JsValue::from_str(&e))?;
    let json = serde_json::to_string(&answers).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&json)
}
