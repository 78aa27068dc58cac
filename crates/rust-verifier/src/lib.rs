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
