//! Export the report as JSON, a Markdown report for tickets or a printable HTML page, optionally
//! with personal claims redacted and tokens replaced by their SHA-256 fingerprints. Saved through
//! a local Blob download. The two documents are rendered by the reference module, loaded on the
//! first such export, so the start module carries no document renderer.

use std::rc::Rc;

use keyhole_engine::export::{prepare, ExportOptions};
use keyhole_engine::render_remote::DocumentFormat;
use keyhole_engine::Report;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::adapters::documents;
use crate::adapters::download::save_text;

#[derive(Properties)]
pub struct ExportBarProps {
    pub report: Option<Rc<Report>>,
    pub on_error: Callback<String>,
}

/// The report by pointer (see `TokenListProps`).
impl PartialEq for ExportBarProps {
    fn eq(&self, other: &Self) -> bool {
        super::same_report(&self.report, &other.report) && self.on_error == other.on_error
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Json,
    Markdown,
    Html,
}

#[function_component(ExportBar)]
pub fn export_bar(p: &ExportBarProps) -> Html {
    let redact = use_state(|| true);
    let fingerprint = use_state(|| true);
    let options = ExportOptions {
        redact_personal: *redact,
        fingerprint_tokens: *fingerprint,
    };
    let export = |kind: Kind| {
        let report = p.report.clone();
        let on_error = p.on_error.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(r) = report.as_ref() else { return };
            let out = prepare(r, options);
            let document = match kind {
                Kind::Markdown => DocumentFormat::Markdown,
                Kind::Html => DocumentFormat::Html,
                Kind::Json => {
                    let saved = serde_json::to_string_pretty(&out)
                        .map_err(|e| e.to_string())
                        .and_then(|json| {
                            save_text("keyhole-report.json", "application/json", &json)
                        });
                    if let Err(e) = saved {
                        on_error.emit(format!("Export failed: {e}"));
                    }
                    return;
                }
            };
            // Rendered by the reference module, loaded on the first such export.
            let on_error = on_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let (name, media_type) = document.file();
                let saved = documents::render(&out, document)
                    .await
                    .and_then(|text| save_text(name, media_type, &text));
                if let Err(e) = saved {
                    on_error.emit(format!("Export failed: {e}"));
                }
            });
        })
    };
    let toggle = |state: UseStateHandle<bool>| {
        Callback::from(move |e: Event| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let disabled = p.report.is_none();
    html! {
        <section class="export-bar" aria-label="Export">
            <button type="button" id="export-json" {disabled} onclick={export(Kind::Json)}>{ "Export JSON" }</button>
            <button type="button" id="export-md" {disabled} onclick={export(Kind::Markdown)}>{ "Export Markdown" }</button>
            <button type="button" id="export-html" {disabled} onclick={export(Kind::Html)}>{ "Export printable HTML" }</button>
            <label class="inline"><input type="checkbox" id="export-redact" checked={*redact} onchange={toggle(redact.clone())} />{ " Redact personal claims" }</label>
            <label class="inline"><input type="checkbox" id="export-fingerprint" checked={*fingerprint} onchange={toggle(fingerprint.clone())} />{ " Replace tokens by SHA-256 fingerprints" }</label>
        </section>
    }
}
