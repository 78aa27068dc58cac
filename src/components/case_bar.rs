//! The case toolbar: built-in samples, open/save a case file (warning first when it would hold
//! live tokens, with the choice of a copy holding their fingerprints instead), "analyse as
//! of", reset.

use gloo::file::File;
use keyhole_engine::samples::SAMPLES;
use keyhole_engine::time::{format_utc, parse_utc};
use keyhole_engine::CaseFile;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct CaseBarProps {
    pub as_of: Option<i64>,
    pub on_action: Callback<Action>,
    pub on_files: Callback<Vec<File>>,
    /// Save the case: `true` with its tokens replaced by fingerprints.
    pub on_save: Callback<bool>,
    /// Each token is judged at its own time.
    pub judge_at_token: bool,
    /// Tokens the case holds (saving writes them unless replaced by fingerprints).
    pub live_tokens: usize,
}

#[function_component(CaseBar)]
pub fn case_bar(p: &CaseBarProps) -> Html {
    let on = &p.on_action;
    let on_files = p.on_files.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Some(list) = input.files() {
            let files = (0..list.length())
                .filter_map(|i| list.get(i))
                .map(File::from)
                .collect();
            on_files.emit(files);
        }
        input.set_value("");
    });
    let asking = use_state(|| false);
    let save = {
        let (asking, on_save, live) = (asking.clone(), p.on_save.clone(), p.live_tokens);
        Callback::from(move |_| {
            if live == 0 {
                on_save.emit(false);
            } else {
                asking.set(true);
            }
        })
    };
    let answer = |fingerprinted: Option<bool>| {
        let (asking, on_save) = (asking.clone(), p.on_save.clone());
        Callback::from(move |_| {
            asking.set(false);
            if let Some(f) = fingerprinted {
                on_save.emit(f);
            }
        })
    };
    let as_of_value = p
        .as_of
        .map(|t| format_utc(t).get(..16).unwrap_or("").to_owned())
        .unwrap_or_default();
    html! {
        <section class="case-bar" aria-label="Case">
            <div class="samples" role="group" aria-labelledby="samples-label">
                <span id="samples-label" class="bar-label">{ "Samples (synthetic keys):" }</span>
                { for SAMPLES.iter().map(|s| {
                    // The case texts are a separate script, loaded on the first click.
                    let name = s.name;
                    let on = on.clone();
                    let onclick = Callback::from(move |_| {
                        let on = on.clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            let text = crate::adapters::on_demand::call("keyholeSample", name).await;
                            on.emit(match text.and_then(|t| CaseFile::from_json(&t).map_err(|e| e.to_string())) {
                                Ok(c) => Action::LoadCase(Box::new(c)),
                                Err(e) => Action::Notice(Some(format!("sample {name} unavailable: {e}"))),
                            });
                        });
                    });
                    html! { <button type="button" class="sample" data-sample={s.name} {onclick}>{ s.title }</button> }
                }) }
            </div>
            <div class="case-actions">
                <label class="file-button" for="case-file">{ "Open case or files…" }</label>
                <input id="case-file" type="file" class="visually-hidden-file" multiple=true {onchange}
                    accept=".json,.har,.txt,.log,.pem,.cer,.crt,.jwt" />
                <button type="button" id="save-case" onclick={save} aria-expanded={(p.live_tokens > 0).then(|| asking.to_string())}
                    aria-controls="save-warning">{ "Save case" }</button>
                <label for="as-of" class="bar-label">{ "Analyse as of (UTC)" }</label>
                <input id="as-of" type="datetime-local" value={as_of_value}
                    oninput={on.reform(|e: InputEvent| Action::SetAsOf(parse_utc(&e.target_unchecked_into::<HtmlInputElement>().value())))} />
                <button type="button" id="as-of-now" onclick={on.reform(|_| Action::SetAsOf(None))}>{ "Now" }</button>
                <label class="inline" title="A log or HAR file spanning hours then makes no 'issued in the future' noise; each token's notes say which time was used">
                    <input type="checkbox" id="judge-at-token" checked={p.judge_at_token}
                        onchange={on.reform(|e: Event| Action::SetJudgeAtToken(e.target_unchecked_into::<HtmlInputElement>().checked()))} />
                    { " Judge each token at its log line's or HAR entry's time (else its iat)" }
                </label>
                <button type="button" id="reset" onclick={on.reform(|_| Action::Reset)}>{ "Clear all" }</button>
            </div>
            if *asking {
                <div id="save-warning" class="save-warning" role="alertdialog" aria-labelledby="save-warning-text">
                    <p id="save-warning-text"><strong>{ "⚠ This case holds live tokens." }</strong>
                        { format!(" Saved as it is, the file holds {} bearer token{} that anyone with the file can replay until they expire. A copy with each token replaced by its SHA-256 fingerprint keeps the key sets, secrets and text around the tokens.",
                            p.live_tokens, if p.live_tokens == 1 { "" } else { "s" }) }</p>
                    <button type="button" id="save-fingerprinted" onclick={answer(Some(true))}>{ "Save a copy with fingerprints" }</button>
                    <button type="button" id="save-with-tokens" onclick={answer(Some(false))}>{ "Save with the tokens" }</button>
                    <button type="button" id="save-cancel" onclick={answer(None)}>{ "Cancel" }</button>
                </div>
            }
        </section>
    }
}
