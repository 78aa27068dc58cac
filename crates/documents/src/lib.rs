//! The web app's document module: what the page shows or saves only on request, rendered by the
//! engine in a wasm module of its own, so the app's start module carries none of it and the
//! fallback verifier module no report reader: the ticket reports (Markdown, printable HTML;
//! `render_remote`), the page's per-key timelines, and the Known keys view of the catalogue
//! (`catalogue::page`). `scripts/inline-wasm.mjs` builds and inlines it as
//! `keyhole-documents.js`; the page loads it on first use (`keyholeRender` and its siblings in
//! `www/boot.js`, called from `src/adapters/documents.rs`).
#![forbid(unsafe_code)]

use std::cell::OnceCell;

use keyhole_engine::catalogue::{page, Catalogue};
use keyhole_engine::render_remote;
use wasm_bindgen::prelude::*;

thread_local! {
    static CATALOGUE: OnceCell<&'static Catalogue> = const { OnceCell::new() };
}

/// The catalogue the page loaded (`self.KEYHOLE_CATALOGUE`, set by `keyhole-catalogue.js`),
/// read on first use and kept for the module's lifetime, like the page's own copy.
fn catalogue() -> Result<&'static Catalogue, String> {
    if let Some(c) = CATALOGUE.with(|c| c.get().copied()) {
        return Ok(c);
    }
    let text = js_sys::Reflect::get(&js_sys::global(), &"KEYHOLE_CATALOGUE".into())
        .ok()
        .and_then(|t| t.as_string())
        .ok_or("Keyhole's catalogue of published keys is not loaded in this page")?;
    let read: &'static Catalogue = Box::leak(Box::new(
        Catalogue::from_json(&text).map_err(|e| e.to_string())?,
    ));
    Ok(CATALOGUE.with(|c| *c.get_or_init(|| read)))
}

/// Renders the document a request made by the engine's `render_remote::encode_request` asks
/// for (the report as the page prepared it for export).
#[wasm_bindgen]
pub fn render_report(request: &str) -> Result<String, JsValue> {
    render_remote::render_request(request, catalogue).map_err(|e| JsValue::from_str(&e))
}

/// The page's "When each key signed" section for a request made by
/// `render_remote::encode_timelines_request`.
#[wasm_bindgen]
pub fn render_timelines(request: &str) -> Result<String, JsValue> {
    render_remote::render_timelines_request(request, catalogue).map_err(|e| JsValue::from_str(&e))
}

/// The Known keys view (`catalogue::page::View`, as JSON) for a request
/// (`catalogue::page::ViewRequest`, as JSON): what the page shows once the catalogue is loaded.
#[wasm_bindgen]
pub fn known_keys_view(request: &str) -> Result<String, JsValue> {
    let request: page::ViewRequest = serde_json::from_str(request)
        .map_err(|e| JsValue::from_str(&format!("the request is not readable: {e}")))?;
    let view = page::view(catalogue()?, &request);
    serde_json::to_string(&view).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// An endpoint's keys as of a date, for a request `["ENDPOINT", "YYYY-MM-DD"]`, as JSON
/// (`catalogue::page::KeySetAsOf`); an error the analyst can act on otherwise.
#[wasm_bindgen]
pub fn key_set_as_of(request: &str) -> Result<String, JsValue> {
    let (endpoint, date): (String, String) = serde_json::from_str(request)
        .map_err(|e| JsValue::from_str(&format!("the request is not readable: {e}")))?;
    let added = page::key_set_as_of(catalogue()?, &endpoint, &date)?;
    serde_json::to_string(&added).map_err(|e| JsValue::from_str(&e.to_string()))
}
