//! Findings with their explanation and the evidence (the values compared).

use keyhole_engine::judge::rules::rule;
use keyhole_engine::render::severity_word;
use keyhole_engine::report::{Finding, Severity};
use serde_json::Value;
use yew::prelude::*;

use super::reveal::Clipped;

#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    pub findings: Vec<Finding>,
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        Severity::Info => "ℹ",
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[function_component(Findings)]
pub fn findings(p: &FindingsProps) -> Html {
    if p.findings.is_empty() {
        return html! { <p class="hint">{ "No findings." }</p> };
    }
    html! {
        <ul class="findings">
            { for p.findings.iter().map(|f| {
                let info = rule(&f.code);
                html! {
                    <li class={classes!("finding", format!("sev-{}", severity_word(f.severity)))} data-code={f.code.clone()}>
                        <div class="finding-head">
                            <span class="sev" aria-hidden="true">{ icon(f.severity) }</span>
                            <span class="sev-word">{ severity_word(f.severity) }</span>
                            <code class="code">{ f.code.clone() }</code>
                            if let Some(i) = info { <span class="finding-title">{ i.title }</span> }
                        </div>
                        <p class="finding-message"><Clipped text={AttrValue::from(f.message.clone())} /></p>
                        <details class="evidence">
                            <summary>{ "Evidence and explanation" }</summary>
                            if let Some(i) = info { <p class="explanation">{ i.explanation }</p> }
                            <table>
                                <tbody>
                                { for f.evidence.iter().map(|(k, v)| html! {
                                    <tr><th scope="row">{ k.clone() }</th><td><code><Clipped text={AttrValue::from(value_text(v))} /></code></td></tr>
                                }) }
                                </tbody>
                            </table>
                        </details>
                    </li>
                }
            }) }
        </ul>
    }
}
