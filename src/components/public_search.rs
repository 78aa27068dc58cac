//! The search of the public list of known JWT HMAC secrets (~104,000, wallarm/jwt-secrets), on
//! the analyst's request: the list is loaded then (keyhole-weak-secrets.js, outside the start
//! bundle), and each HS token the engine names (no trusted key could check it, no list matched
//! it) is tried against every secret, in short slices so the page stays responsive. Secrets it
//! finds go back into the analysis, which names the public list in `weak-hmac-secret`.

use std::rc::Rc;

use keyhole_engine::judge::rules::weak_secrets::{public_search_input, wants_public_search};
use keyhole_engine::Report;
use yew::prelude::*;

use crate::adapters::{on_demand, tasks};
use crate::state::Action;

#[derive(Properties)]
pub struct PublicSearchProps {
    pub report: Rc<Report>,
    /// Fingerprints of the tokens already searched.
    pub searched: Rc<std::collections::HashSet<String>>,
    /// Tokens searched out of total, while the search runs.
    pub running: Option<(usize, usize)>,
    pub on_action: Callback<Action>,
}

/// The report and the searched set by pointer (see `TokenListProps`), the rest by value.
impl PartialEq for PublicSearchProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.report, &other.report)
            && Rc::ptr_eq(&self.searched, &other.searched)
            && self.running == other.running
    }
}

/// Longest stretch of hashing before the browser gets its turn, in milliseconds.
const BUDGET_MS: f64 = 30.0;

/// Tries every secret of the list on the tokens at `indices` of `report`, then reports the
/// secrets that sign one and the tokens searched.
async fn search(
    report: Rc<Report>,
    indices: Vec<usize>,
    on_action: Callback<Action>,
) -> Result<(), String> {
    let list = on_demand::call("keyholeWeakSecrets", "").await?;
    let secrets: Vec<&str> = list.lines().filter(|l| !l.is_empty()).collect();
    let total = indices.len();
    let mut found = Vec::new();
    let mut searched = Vec::new();
    let mut began = js_sys::Date::now();
    for (done, i) in indices.into_iter().enumerate() {
        on_action.emit(Action::PublicSearchProgress { done, total });
        let Some(t) = report.tokens.get(i) else {
            continue;
        };
        if let Some(input) = public_search_input(t) {
            for secret in &secrets {
                if input.signs(secret) {
                    found.push((*secret).to_owned());
                    break;
                }
                if js_sys::Date::now() - began > BUDGET_MS {
                    tasks::yield_now().await;
                    began = js_sys::Date::now();
                }
            }
        }
        searched.push(t.fingerprint.clone());
    }
    let outcome = match found.len() {
        0 => "none signs them".to_owned(),
        n => format!("{n} secret(s) sign them: see weak-hmac-secret"),
    };
    on_action.emit(Action::Notice(Some(format!(
        "The public list of {} known HMAC secrets was tried on {total} token(s): {outcome}.",
        secrets.len()
    ))));
    on_action.emit(Action::PublicSearchDone { found, searched });
    Ok(())
}

#[function_component(PublicSearch)]
pub fn public_search(p: &PublicSearchProps) -> Html {
    // Counted once per report (and per search done), not on every render.
    let indices = {
        let (report, searched) = (p.report.clone(), p.searched.clone());
        let key = (
            Rc::as_ptr(&p.report) as usize,
            Rc::as_ptr(&p.searched) as usize,
        );
        use_memo(key, move |_| {
            Rc::new(
                report
                    .tokens
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| wants_public_search(t) && !searched.contains(&t.fingerprint))
                    .map(|(i, _)| i)
                    .collect::<Vec<usize>>(),
            )
        })
    };
    if let Some((done, total)) = p.running {
        return html! {
            <p id="public-search" class="public-search" role="status">
                { format!("Searching the public list of known HMAC secrets: {done} of {total} token(s) done…") }
            </p>
        };
    }
    if indices.is_empty() {
        return html! {};
    }
    let count = indices.len();
    let onclick = {
        let on_action = p.on_action.clone();
        let report = p.report.clone();
        let indices = indices.clone();
        Callback::from(move |_| {
            let (on_action, report, indices) =
                (on_action.clone(), report.clone(), (**indices).clone());
            on_action.emit(Action::PublicSearchProgress {
                done: 0,
                total: indices.len(),
            });
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = search(report, indices, on_action.clone()).await {
                    on_action.emit(Action::PublicSearchDone {
                        found: Vec::new(),
                        searched: Vec::new(),
                    });
                    on_action.emit(Action::Notice(Some(format!(
                        "the public list of known HMAC secrets could not be searched: {e}"
                    ))));
                }
            });
        })
    };
    html! {
        <p id="public-search" class="public-search">
            { format!("{count} HS token(s) could not be checked with a trusted key. ") }
            <button type="button" id="public-search-run" {onclick}>
                { "Try the public list of ~104,000 known HMAC secrets" }
            </button>
            { " (loaded now, about 0.5 MB; roughly a second per token)" }
        </p>
    }
}
