//! Scripts loaded only when needed: `www/boot.js` defines global functions
//! that load a same-origin script once (with the SRI hash pinned in index.html; no fetch, so
//! the CSP's connect-src 'none' holds) and resolve to a string: `keyholeRustVerifier(request)`
//! (the fallback verifier module) and `keyholeSample(name)` (the sample case texts).

use js_sys::{Function, Promise, Reflect};
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

/// Calls the global `function(argument)` and awaits the string its promise resolves to.
pub async fn call(function: &str, argument: &str) -> Result<String, String> {
    let f: Function = Reflect::get(&js_sys::global(), &function.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("{function} is missing (www/boot.js defines it)"))?;
    let promise: Promise = f
        .call1(&JsValue::NULL, &JsValue::from_str(argument))
        .map_err(message)?
        .dyn_into()
        .map_err(|_| format!("{function} did not return a promise"))?;
    JsFuture::from(promise)
        .await
        .map_err(message)?
        .as_string()
        .ok_or_else(|| format!("{function} returned no text"))
}
