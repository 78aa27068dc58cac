//! The web app's document module: the ticket reports (Markdown, printable HTML) rendered by the
//! engine (`render_remote`) in a wasm module of their own, so the app's start module carries no
//! document renderer and the fallback verifier module no report reader. `scripts/inline-wasm.mjs`
//! builds and inlines it as `keyhole-documents.js`; the page loads it on the first export of a
//! document (`keyholeRender` in `www/boot.js`, called from `src/adapters/documents.rs`).
#![forbid(unsafe_code)]

use keyhole_engine::render_remote;
use wasm_bindgen::prelude::*;

/// Renders the document a request made by the engine's `render_remote::encode_request` asks
/// for (the report as the page prepared it for export).
#[wasm_bindgen]
pub fn render_report(request: &str) -> Result<String, JsValue> {
    render_remote::render_request(request).map_err(|e| JsValue::from_str(&e))
}
