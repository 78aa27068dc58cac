//! Findings with their explanation and the evidence (the values compared, in words), each with
//! a "Copy finding" button that puts the engine's sentence for it on the clipboard.

use keyhole_engine::judge::rules::rule;
use keyhole_engine::render::{finding_sentence, severity_word};
use std::rc::Rc;

use keyhole_engine::report::{Report, Severity};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use super::reveal::Clipped;

#[derive(Properties)]
pub struct FindingsProps {
    pub report: Rc<Report>,
    /// The token whose findings these are: its place in `report.tokens`.
    pub at: usize,
    /// What the copied sentence starts with: which token (`render::finding_context`). Without
    /// it no copy button is shown.
    #[prop_or_default]
    pub about: Option<AttrValue>,
}

/// The same report's same token: the same findings (no copy or comparison of them).
impl PartialEq for FindingsProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.report, &o.report) && self.at == o.at && self.about == o.about
    }
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "▲",
        Severity::Info => "ℹ",
    }
}

/// `navigator.clipboard.writeText(text)`, looked up at run time (no extra web-sys bindings);
/// an error when the page may not write the clipboard (not a secure context).
fn write_clipboard(text: &str) -> Result<(), String> {
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
    let window = web_sys::window().ok_or("no window")?;
    let clipboard = get(&window, "navigator")
        .and_then(|n| get(&n, "clipboard"))
        .filter(|c| !c.is_undefined())
        .ok_or("the browser offers no clipboard here (an https page or 127.0.0.1 does)")?;
    let write: js_sys::Function = get(&clipboard, "writeText")
        .and_then(|f| f.dyn_into().ok())
        .ok_or("the browser offers no clipboard here")?;
    write
        .call1(&clipboard, &JsValue::from_str(text))
        .map(|_| ())
        .map_err(|_| "the browser refused to write the clipboard".to_owned())
}

#[function_component(Findings)]
pub fn findings(p: &FindingsProps) -> Html {
    let copied = use_state(|| None::<Result<usize, String>>);
    let findings = p.report.tokens.get(p.at).map_or(&[][..], |t| &t.findings);
    if findings.is_empty() {
        return html! { <p class="hint">{ "No findings." }</p> };
    }
    html! {
        <ul class="findings">
            { for findings.iter().enumerate().map(|(i, f)| {
                let info = rule(&f.code);
                let copy = p.about.as_ref().map(|about| {
                    let text = format!("{about}{}", finding_sentence(f));
                    let copied = copied.clone();
                    Callback::from(move |_: MouseEvent| copied.set(Some(write_clipboard(&text).map(|()| i))))
                });
                let state = match &*copied {
                    Some(Ok(j)) if *j == i => Some(Ok(())),
                    Some(Err(e)) => Some(Err(e.clone())),
                    _ => None,
                };
                html! {
                    <li class={classes!("finding", format!("sev-{}", severity_word(f.severity)))} data-code={f.code.clone()}>
                        <div class="finding-head">
                            <span class="sev" aria-hidden="true">{ icon(f.severity) }</span>
                            <span class="sev-word">{ severity_word(f.severity) }</span>
                            <code class="code">{ f.code.clone() }</code>
                            if let Some(i) = info { <span class="finding-title">{ i.title }</span> }
                            if let Some(onclick) = copy {
                                <button type="button" class="copy-finding" {onclick}>{ "Copy finding" }</button>
                                <span class="copy-state" role="status">{ match state {
                                    Some(Ok(())) => "Copied".to_owned(),
                                    Some(Err(e)) => format!("Not copied: {e}"),
                                    None => String::new(),
                                } }</span>
                            }
                        </div>
                        <p class="finding-message"><Clipped text={AttrValue::from(f.message.clone())} /></p>
                        <details class="evidence">
                            <summary>{ "Evidence and explanation" }</summary>
                            if let Some(i) = info { <p class="explanation">{ i.explanation }</p> }
                            <table>
                                <tbody>
                                { for f.evidence.iter().map(|(k, v)| html! {
                                    <tr data-evidence={k.clone()}><th scope="row">{ k.replace('_', " ") }</th><td><code><Clipped text={AttrValue::from(v.words())} /></code></td></tr>
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
