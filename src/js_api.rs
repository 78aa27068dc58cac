//! The engine for JavaScript: `await wasm_bindgen.analyze(caseObject)` gives the report as plain
//! JS objects (the same JSON shape as the CLI's `keyhole check`), so other pages and scripts
//! can use Keyhole's judgement without the UI.

use wasm_bindgen::prelude::*;

use keyhole_engine::{AnalyzeOptions, CaseFile};

/// Analyses a case file given as a JS object (`{now?, key_sets?, tokens?, text?}`); the promise
/// resolves to the report (signatures checked as in the app: WebCrypto, then the reference
/// verifier for anything it did not confirm). Rejects with a string when the case is not usable.
#[wasm_bindgen]
pub async fn analyze(case: JsValue) -> Result<JsValue, JsValue> {
    let case: CaseFile = serde_wasm_bindgen::from_value(case)
        .map_err(|e| JsValue::from_str(&format!("not a usable case file: {e}")))?;
    let options = AnalyzeOptions::at(crate::adapters::clock::now());
    let (report, _) = crate::adapters::verification::analyze(&case, &options, &mut |_, _| {}).await;
    report
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&format!("cannot return the report: {e}")))
}

use serde::Serialize;
