//! Trusted key sets (each with source URL, declared issuer and document) and the HMAC secret.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::endpoints::Endpoints;
use crate::state::{Action, KeySetDraft, KeySetField};

#[derive(Properties, PartialEq)]
pub struct KeySetsPaneProps {
    pub key_sets: Vec<KeySetDraft>,
    pub secret: AttrValue,
    pub secret_base64: bool,
    pub secret_issuer: AttrValue,
    /// The analyst's guessed secrets, one per line.
    pub weak_secrets: AttrValue,
    /// HMAC secrets of the opened case file beyond the one the fields edit.
    pub more_secrets: usize,
    pub on_action: Callback<Action>,
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
    html! {
        <section class="pane keys-pane" aria-labelledby="keys-pane-title">
            <h2 id="keys-pane-title">{ "Trusted keys" }</h2>
            <p class="hint">{ "Paste or drop a JWKS, a JWK, an OpenID configuration, a PEM public key or a certificate. The source URL decides provenance when the keys themselves do not." }</p>
            { for p.key_sets.iter().enumerate().map(|(n, k)| {
                let id = k.id;
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
                            value={k.document.clone()} oninput={field_input(id, KeySetField::Document, on)} />
                        <button type="button" class="remove" onclick={on.reform(move |_| Action::RemoveKeySet(id))}>
                            { format!("Remove key set {}", n + 1) }
                        </button>
                    </fieldset>
                }
            }) }
            <button type="button" id="add-key-set" onclick={on.reform(|_| Action::AddKeySet { source: String::new(), document: String::new() })}>
                { "+ Add key set" }
            </button>
            <Endpoints on_action={on.clone()} />
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
