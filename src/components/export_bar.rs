//! Export the report as JSON, a Markdown report for tickets or a printable HTML page, optionally with personal claims redacted and tokens
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
            let result = match kind {
                Kind::Markdown => save_text(
                    "keyhole-report.md",
                    "text/markdown",
                    &keyhole_engine::render::to_markdown(&out),
                ),
                Kind::Html => save_text(
                    "keyhole-report.html",
                    "text/html",
                    &keyhole_engine::render::to_html(&out),
                ),
                Kind::Json => match serde_json::to_string_pretty(&out) {
                    Ok(json) => save_text("keyhole-report.json", "application/json", &json),
                    Err(e) => Err(e.to_string()),
                },
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
            <button type="button" id="export-json" {disabled} onclick={export(Kind::Json)}>{ "Export JSON" }</button>
            <button type="button" id="export-md" {disabled} onclick={export(Kind::Markdown)}>{ "Export Markdown" }</button>
            <button type="button" id="export-html" {disabled} onclick={export(Kind::Html)}>{ "Export printable HTML" }</button>
            <label class="inline"><input type="checkbox" id="export-redact" checked={*redact} onchange={toggle(redact.clone())} />{ " Redact personal claims" }</label>
            <label class="inline"><input type="checkbox" id="export-fingerprint" checked={*fingerprint} onchange={toggle(fingerprint.clone())} />{ " Replace tokens by SHA-256 fingerprints" }</label>
        </section>
    }
}
