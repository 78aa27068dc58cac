//! Trusted key sets (each with source URL, declared issuer and document, and what reading it
//! found wrong, said in that key set) and the HMAC secret.

use std::rc::Rc;

use keyhole_engine::report::KeySetReport;
use keyhole_engine::Report;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::endpoints::endpoints;
use super::reveal::Clipped;
use crate::state::{Action, KeySetDraft, KeySetField};

#[derive(Properties)]
pub struct KeySetsPaneProps {
    pub key_sets: Vec<KeySetDraft>,
    /// The report of the current inputs (None while it is being worked out): each key set's
    /// problems and warnings are shown in that key set.
    pub report: Option<Rc<Report>>,
    pub secret: AttrValue,
    pub secret_base64: bool,
    pub secret_issuer: AttrValue,
    /// The analyst's guessed secrets, one per line.
    pub weak_secrets: AttrValue,
    /// HMAC secrets of the opened case file beyond the one the fields edit.
    pub more_secrets: usize,
    pub on_action: Callback<Action>,
}

/// The report by pointer (see `components::same_report`), the rest by value.
impl PartialEq for KeySetsPaneProps {
    fn eq(&self, o: &Self) -> bool {
        super::same_report(&self.report, &o.report)
            && self.key_sets == o.key_sets
            && self.secret == o.secret
            && self.secret_base64 == o.secret_base64
            && self.secret_issuer == o.secret_issuer
            && self.weak_secrets == o.weak_secrets
            && self.more_secrets == o.more_secrets
            && self.on_action == o.on_action
    }
}

/// Problems and warnings listed per key set before "and N more".
const PROBLEMS_SHOWN: usize = 5;

/// What reading a key set found wrong, in that key set's panel.
fn problems(id: u32, r: &KeySetReport) -> Html {
    let all: Vec<(&String, bool)> = r
        .problems
        .iter()
        .map(|m| (m, true))
        .chain(r.warnings.iter().map(|m| (m, false)))
        .collect();
    if all.is_empty() {
        return html! {};
    }
    html! {
        <ul id={format!("ks-{id}-problems")} class="key-problems key-set-problems" role="alert">
            { for all.iter().take(PROBLEMS_SHOWN).map(|(m, problem)| html! {
                <li class={if *problem { "sev-error" } else { "sev-warning" }}>
                    { if *problem { "✖ " } else { "⚠ " } }<Clipped text={AttrValue::from((*m).clone())} />
                </li>
            }) }
            if all.len() > PROBLEMS_SHOWN {
                <li class="hint">{ format!("… and {} more (see the export)", all.len() - PROBLEMS_SHOWN) }</li>
            }
        </ul>
    }
}

fn field_input(id: u32, field: KeySetField, on: &Callback<Action>) -> Callback<InputEvent> {
    on.reform(move |e: InputEvent| {
        let value = match e.target_dyn_into::<HtmlTextAreaElement>() {
            Some(a) => a.value(),
            None => e.target_unchecked_into::<HtmlInputElement>().value(),
        };
        Action::EditKeySet { id, field, value }
    })
}

#[function_component(KeySetsPane)]
pub fn key_sets_pane(p: &KeySetsPaneProps) -> Html {
    let on = &p.on_action;
    // The case holds only key sets with a document, numbered in order (`Workspace::to_case`);
    // the report's key sets follow that numbering.
    let mut read = 0usize;
    let reports: Vec<Option<&KeySetReport>> = p
        .key_sets
        .iter()
        .map(|k| {
            if k.document.trim().is_empty() {
                return None;
            }
            read += 1;
            p.report
                .as_ref()
                .and_then(|r| r.key_sets.iter().find(|s| s.index == read - 1))
        })
        .collect();
    html! {
        <section class="pane keys-pane" aria-labelledby="keys-pane-title">
            <h2 id="keys-pane-title">{ "Trusted keys" }</h2>
            <p class="hint">{ "Paste or drop a JWKS, a JWK, an OpenID configuration, a PEM public key or a certificate. The source URL decides provenance when the keys themselves do not." }</p>
            { for p.key_sets.iter().enumerate().map(|(n, k)| {
                let id = k.id;
                let report = reports.get(n).copied().flatten();
                let bad = report.is_some_and(|r| !r.problems.is_empty());
                html! {
                    <fieldset class="key-set" key={id}>
                        <legend>{ format!("Key set {}", n + 1) }</legend>
                        <label for={format!("ks-{id}-source")}>{ "Source URL" }</label>
                        <input id={format!("ks-{id}-source")} class="ks-source" type="url" placeholder="https://login.microsoftonline.com/common/discovery/v2.0/keys"
                            value={k.source.clone()} oninput={field_input(id, KeySetField::Source, on)}
                            aria-invalid={keyhole_engine::policy::source_url_problem(&k.source).map(|_| "true")}
                            aria-describedby={format!("ks-{id}-source-problem")} />
                        if let Some(problem) = keyhole_engine::policy::source_url_problem(&k.source) {
                            <p id={format!("ks-{id}-source-problem")} class="field-error" role="alert">{ problem }</p>
                        }
                        <label for={format!("ks-{id}-issuer")}>{ "Declared issuer (optional; filled from an OpenID configuration)" }</label>
                        <input id={format!("ks-{id}-issuer")} class="ks-issuer" type="text" value={k.issuer.clone()}
                            oninput={field_input(id, KeySetField::Issuer, on)} />
                        <label for={format!("ks-{id}-document")}>{ "Document" }</label>
                        <textarea id={format!("ks-{id}-document")} class="ks-document" rows="5" spellcheck="false"
                            aria-invalid={bad.then_some("true")} aria-describedby={format!("ks-{id}-problems")}
                            value={k.document.clone()} oninput={field_input(id, KeySetField::Document, on)} />
                        { report.map(|r| problems(id, r)).unwrap_or_default() }
                        <button type="button" class="remove" onclick={on.reform(move |_| Action::RemoveKeySet(id))}>
                            { format!("Remove key set {}", n + 1) }
                        </button>
                    </fieldset>
                }
            }) }
            <button type="button" id="add-key-set" onclick={on.reform(|_| Action::AddKeySet { source: String::new(), document: String::new() })}>
                { "+ Add key set" }
            </button>
            { endpoints(on) }
            <div class="secret">
                <label for="hmac-secret">{ "HMAC secret for HS256/384/512 tokens (optional)" }</label>
                <input id="hmac-secret" type="password" autocomplete="off" value={p.secret.clone()}
                    oninput={on.reform(|e: InputEvent| Action::SetSecret(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                <label class="inline">
                    <input type="checkbox" id="hmac-base64" checked={p.secret_base64}
                        onchange={on.reform(|e: Event| Action::SetSecretBase64(e.target_unchecked_into::<HtmlInputElement>().checked()))} />
                    { " The secret is base64" }
                </label>
                <label for="hmac-issuer">{ "Issuer the secret signs for (optional; decides provenance)" }</label>
                <input id="hmac-issuer" type="text" value={p.secret_issuer.clone()} placeholder="https://idp.example.com"
                    oninput={on.reform(|e: InputEvent| Action::SetSecretIssuer(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                if p.more_secrets > 0 {
                    <p class="hint more-secrets">{ format!("Plus {} more HMAC secret(s) from the opened case file.", p.more_secrets) }</p>
                }
                <label for="weak-secrets">{ "Guessed HMAC secrets to try, one per line (optional)" }</label>
                <textarea id="weak-secrets" rows="3" spellcheck="false" autocomplete="off" value={p.weak_secrets.clone()}
                    aria-describedby="weak-secrets-help"
                    oninput={on.reform(|e: InputEvent| Action::SetWeakSecrets(e.target_unchecked_into::<HtmlTextAreaElement>().value()))} />
                <p id="weak-secrets-help" class="hint">{ "Each HS256/384/512 token is tried against these and Keyhole's built-in list of publicly known secrets; a match is a violation (weak-hmac-secret): anyone holding the secret can forge such tokens." }</p>
            </div>
        </section>
    }
}
