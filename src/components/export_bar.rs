//! Export the report as JSON, a Markdown report for tickets or a printable HTML page, optionally
//! with personal claims redacted and tokens replaced by their SHA-256 fingerprints. Saved through
//! a local Blob download. The document module renders and redacts all three (loaded on the first
//! export), so the start module carries no document writer or redaction.

use std::rc::Rc;

use keyhole_engine::export::ExportOptions;
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

#[function_component(ExportBar)]
pub fn export_bar(p: &ExportBarProps) -> Html {
    let redact = use_state(|| true);
    let fingerprint = use_state(|| true);
    let options = ExportOptions {
        redact_personal: *redact,
        fingerprint_tokens: *fingerprint,
    };
    let export = |format: DocumentFormat| {
        let report = p.report.clone();
        let on_error = p.on_error.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(r) = report.clone() else { return };
            let on_error = on_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let (name, media_type) = format.file();
                let saved = documents::render(&r, format, options)
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
            <button type="button" id="export-json" {disabled} onclick={export(DocumentFormat::Json)}>{ "Export JSON" }</button>
            <button type="button" id="export-md" {disabled} onclick={export(DocumentFormat::Markdown)}>{ "Export Markdown" }</button>
            <button type="button" id="export-html" {disabled} onclick={export(DocumentFormat::Html)}>{ "Export printable HTML" }</button>
            <label class="inline"><input type="checkbox" id="export-redact" checked={*redact} onchange={toggle(redact.clone())} />{ " Redact personal claims" }</label>
            <label class="inline"><input type="checkbox" id="export-fingerprint" checked={*fingerprint} onchange={toggle(fingerprint.clone())} />{ " Replace tokens by SHA-256 fingerprints" }</label>
        </section>
    }
}
