//! Export the report as JSON or Markdown, optionally with personal claims redacted and tokens
//! replaced by their SHA-256 fingerprints. Saved through a local Blob download.

use std::rc::Rc;

use keyhole_engine::export::{prepare, ExportOptions};
use keyhole_engine::Report;
use web_sys::HtmlInputElement;
use yew::prelude::*;

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
    let export = |markdown: bool| {
        let report = p.report.clone();
        let on_error = p.on_error.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(r) = report.as_ref() else { return };
            let out = prepare(r, options);
            let result = if markdown {
                save_text(
                    "keyhole-report.md",
                    "text/markdown",
                    &keyhole_engine::render::to_markdown(&out),
                )
            } else {
                match serde_json::to_string_pretty(&out) {
                    Ok(json) => save_text("keyhole-report.json", "application/json", &json),
                    Err(e) => Err(e.to_string()),
                }
            };
            if let Err(e) = result {
                on_error.emit(format!("Export failed: {e}"));
            }
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
            <button type="button" id="export-json" {disabled} onclick={export(false)}>{ "Export JSON" }</button>
            <button type="button" id="export-md" {disabled} onclick={export(true)}>{ "Export Markdown" }</button>
            <label class="inline"><input type="checkbox" id="export-redact" checked={*redact} onchange={toggle(redact.clone())} />{ " Redact personal claims" }</label>
            <label class="inline"><input type="checkbox" id="export-fingerprint" checked={*fingerprint} onchange={toggle(fingerprint.clone())} />{ " Replace tokens by SHA-256 fingerprints" }</label>
        </section>
    }
}
