//! The engine for JavaScript: `wasm_bindgen.analyze(caseObject)` returns the report as plain
//! JS objects (the same JSON shape as the CLI's `keyhole check`), so other pages and scripts
//! can use Keyhole's judgement without the UI.

use wasm_bindgen::prelude::*;

use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile};

/// Analyses a case file given as a JS object (`{now?, key_sets?, tokens?, text?}`) and returns
/// the report. Throws a string when the case is not usable.
#[wasm_bindgen]
pub fn analyze(case: JsValue) -> Result<JsValue, JsValue> {
    let case: CaseFile = serde_wasm_bindgen::from_value(case)
        .map_err(|e| JsValue::from_str(&format!("not a usable case file: {e}")))?;
    let report = analyze_with_reference(&case, &AnalyzeOptions::at(crate::adapters::clock::now()));
    report
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&format!("cannot return the report: {e}")))
}

use serde::Serialize;
