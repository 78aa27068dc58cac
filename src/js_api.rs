//! The engine for JavaScript: `await wasm_bindgen.analyze(caseObject)` gives the report as plain
//! JS objects (the same JSON as the CLI's `keyhole check`), so other pages and scripts can use
//! Keyhole's judgement without the UI. Values cross as JSON text (`JSON.stringify` /
//! `JSON.parse`): the app already reads and writes these types with serde_json, and a second
//! serde backend would add its own copy of every (de)serialiser to the bundle.

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use keyhole_engine::{Analysis, AnalyzeOptions, CaseFile};

/// Analyses a case file given as a JS object (`{now?, key_sets?, tokens?, text?, catalogue?}`);
/// the promise resolves to the report (signatures checked as in the app: WebCrypto, then the
/// reference verifier for anything it cannot decide). Like `keyhole check`, it consults Keyhole's
/// catalogue of published keys (loaded on first use, from this page) unless the case says
/// `"catalogue": false` (as `--no-catalogue`). Rejects with a string when the case is not usable
/// or the catalogue cannot be loaded.
#[wasm_bindgen]
pub async fn analyze(case: JsValue) -> Result<JsValue, JsValue> {
    let text: String = JSON::stringify(&case)
        .map_err(|_| JsValue::from_str("not a usable case file: it cannot be written as JSON"))?
        .into();
    let case: CaseFile = serde_json::from_str(&text)
        .map_err(|e| JsValue::from_str(&format!("not a usable case file: {e}")))?;
    let catalogue = match case.catalogue {
        Some(false) => None,
        _ => Some(
            crate::adapters::catalogue::load()
                .await
                .map_err(|e| JsValue::from_str(&format!("the key catalogue: {e}")))?,
        ),
    };
    let options = AnalyzeOptions::at(crate::adapters::clock::now());
    let mut analysis = Analysis::new(&case, &options);
    analysis.set_catalogue(catalogue);
    analysis.add_case(case);
    let Some((report, _)) =
        crate::adapters::verification::run_slices(analysis, &mut |_, _| {}, &|| false).await
    else {
        return Err(JsValue::from_str("the analysis stopped"));
    };
    // Pretty, as the page's JSON export writes it: one JSON writer for the report in this
    // module instead of two (each is a full copy of the report's serialisation code).
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| JsValue::from_str(&format!("cannot return the report: {e}")))?;
    JSON::parse(&json)
}

/// True when the app takes WebCrypto's answer (`verified`: true or false) to a check of `alg`
/// as final instead of asking the reference verifier: the engine's
/// `policy::webcrypto_answer_is_final`, for `e2e/conformance.mjs` to hold WebCrypto (`keyholeWebCryptoAnswers`, answered by the fallback
/// verifier module with the app's own WebCrypto code) to exactly
/// the answers the app relies on. False for an algorithm the engine does not know.
#[wasm_bindgen(js_name = webcryptoAnswerIsFinal)]
pub fn webcrypto_answer_is_final(alg: &str, verified: bool) -> bool {
    keyhole_engine::verify::Alg::parse(alg)
        .is_some_and(|alg| keyhole_engine::policy::webcrypto_answer_is_final(alg, Some(verified)))
}
