//! The pure-Rust reference verifier (`jsonwebtoken`), which lives in a second wasm module
//! (`crates/rust-verifier`) so the app's main module carries no pure-Rust crypto. The page's
//! `www/boot.js` and the worker's `www/worker.js` define `keyholeRustVerifier(request)`, which
//! loads that module on first use (a same-origin script: no fetch, the CSP holds) and answers
//! the engine's JSON request (`verify::remote`).

use js_sys::{Function, Promise, Reflect};
use keyhole_engine::verify::{remote, PlannedCheck, VerifyError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn message(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The reference verifier's answer to every check, in order. Errs when the module cannot be
/// loaded or answers something unreadable; the caller then reports the checks unverified.
pub async fn answer(checks: &[PlannedCheck]) -> Result<Vec<Result<bool, VerifyError>>, String> {
    let loader: Function = Reflect::get(&js_sys::global(), &"keyholeRustVerifier".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("the pure-Rust verifier's loader (keyholeRustVerifier) is missing")?;
    let request = remote::encode_checks(checks);
    let promise: Promise = loader
        .call1(&JsValue::NULL, &JsValue::from_str(&request))
        .map_err(message)?
        .dyn_into()
        .map_err(|_| "keyholeRustVerifier did not return a promise".to_owned())?;
    let response = JsFuture::from(promise)
        .await
        .map_err(message)?
        .as_string()
        .ok_or("the pure-Rust verifier returned no text")?;
    remote::decode_answers(&response, checks.len())
}
