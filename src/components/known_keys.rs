//! "Known keys": Keyhole's catalogue of published signing keys in the page. Before it is loaded,
//! a button to load it (offered outright when tokens name a key no supplied key set holds,
//! as the engine's `would_consult` says); once loaded, whether this case consults it and how
//! many verdicts rest on it, a lookup of a kid or thumbprint with the key's history, and an
//! endpoint's keys as of a chosen date added as a key set. The lookup and the key set are the
//! document module's (`catalogue::page`, loaded with the first lookup or addition), so the start
//! module carries only this form.

use std::rc::Rc;

use keyhole_engine::catalogue::{self, page::Lookup};
use keyhole_engine::time::format_utc;
use keyhole_engine::Report;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::adapters::catalogue as loader;
use crate::adapters::documents;
use crate::state::Action;

#[derive(Properties)]
pub struct KnownKeysProps {
    pub report: Option<Rc<Report>>,
    /// The page's analyses consult the catalogue (the analyst loaded it).
    pub loaded: bool,
    /// The case does not turn the catalogue off (`"catalogue": false`).
    pub consulted: bool,
    pub on_action: Callback<Action>,
}

impl PartialEq for KnownKeysProps {
    fn eq(&self, o: &Self) -> bool {
        super::same_report(&self.report, &o.report)
            && self.loaded == o.loaded
            && self.consulted == o.consulted
    }
}

fn day(t: i64) -> String {
    format_utc(t).chars().take(10).collect()
}

#[function_component(KnownKeys)]
pub fn known_keys(p: &KnownKeysProps) -> Html {
    let loading = use_state(|| false);
    let query = use_state(String::new);
    let endpoint = use_state(String::new);
    let date = use_state(String::new);
    // The last lookup's answer, for the query it answers.
    let found = use_state(|| None::<(String, Result<Lookup, String>)>);
    {
        let found = found.clone();
        use_effect_with((*query).clone(), move |q| {
            if q.trim().is_empty() {
                found.set(None);
            } else {
                let q = q.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let answer = documents::known_keys(&q).await;
                    found.set(Some((q, answer)));
                });
            }
        });
    }
    let catalogue = loader::for_page().filter(|_| p.loaded);

    let Some(c) = catalogue else {
        let wanting = p
            .report
            .as_ref()
            .map_or(0, |r| catalogue::would_consult(r, None).len());
        let onclick = {
            let (on_action, loading) = (p.on_action.clone(), loading.clone());
            Callback::from(move |_| {
                let (on_action, loading) = (on_action.clone(), loading.clone());
                loading.set(true);
                wasm_bindgen_futures::spawn_local(async move {
                    match loader::load().await {
                        Ok(_) => {
                            loader::consult_in_page();
                            on_action.emit(Action::CatalogueLoaded);
                        }
                        Err(e) => on_action.emit(Action::Notice(Some(format!(
                            "Keyhole's catalogue of published keys could not be loaded: {e}"
                        )))),
                    }
                    loading.set(false);
                });
            })
        };
        return html! {
            <section id="known-keys" class="known-keys" aria-labelledby="known-keys-title">
                <h2 id="known-keys-title">{ "Known keys" }</h2>
                if wanting > 0 {
                    <p id="catalogue-offer" class="catalogue-offer" role="status">
                        { format!("{wanting} token(s) name a key that no key set you supplied holds. Keyhole's catalogue of published signing keys may know it.") }
                    </p>
                }
                <p>
                    <button type="button" id="catalogue-load" disabled={*loading} {onclick}>
                        { if *loading { "Loading the catalogue…" } else { "Load the catalogue of published keys" } }
                    </button>
                    { " (about 0.6 MB, one of Keyhole's own files, loaded like the page itself; nothing is sent anywhere)" }
                </p>
            </section>
        };
    };

    let resting = p.report.as_ref().map_or(0, |r| {
        r.tokens
            .iter()
            .filter(|t| {
                t.signing_key
                    .as_ref()
                    .is_some_and(|k| k.provenance.catalogue.is_some())
            })
            .count()
    });
    let on_consult = p.on_action.reform(|e: Event| {
        Action::SetCatalogue(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    let lookup = found
        .as_ref()
        .filter(|(q, _)| *q == *query)
        .map(|(_, answer)| answer.clone());
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    // The endpoint defaults to the first one the looked-up key was published at.
    let chosen = Some((*endpoint).clone())
        .filter(|e| !e.is_empty())
        .or_else(|| {
            lookup
                .as_ref()
                .and_then(|l| l.as_ref().ok())
                .and_then(|l| l.endpoint.clone())
        })
        .or_else(|| c.endpoints.first().map(|e| e.url.clone()))
        .unwrap_or_default();
    let date_value = Some((*date).clone())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| day(c.latest_snapshot.0));
    let on_add = {
        let (on_action, chosen, date_value) =
            (p.on_action.clone(), chosen.clone(), date_value.clone());
        Callback::from(move |_| {
            let (on_action, chosen, date_value) =
                (on_action.clone(), chosen.clone(), date_value.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match documents::key_set_as_of(&chosen, &date_value).await {
                    Ok(added) => {
                        on_action.emit(Action::AddKeySet {
                            source: added.source,
                            document: added.document,
                        });
                        on_action.emit(Action::Notice(Some(added.notice)));
                    }
                    Err(e) => on_action.emit(Action::Notice(Some(e))),
                }
            });
        })
    };
    let on_endpoint = {
        let endpoint = endpoint.clone();
        Callback::from(move |e: Event| {
            endpoint.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_date = {
        let date = date.clone();
        Callback::from(move |e: Event| {
            date.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <section id="known-keys" class="known-keys" aria-labelledby="known-keys-title">
            <h2 id="known-keys-title">{ "Known keys" }</h2>
            <p id="catalogue-status" role="status" data-keys={c.keys.len().to_string()} data-resting={resting.to_string()}>
                { format!("Keyhole's catalogue of published keys is loaded: {} keys from {} endpoints, keys published up to {}. ", c.keys.len(), c.endpoints.len(), c.published_up_to()) }
                { if !p.consulted {
                    "This case turns it off (\"catalogue\": false).".to_owned()
                } else if resting > 0 {
                    format!("{resting} verdict(s) rest on it rather than on a key set you supplied.")
                } else {
                    "No verdict rests on it.".to_owned()
                } }
            </p>
            <label class="inline-check"><input type="checkbox" id="catalogue-consult" checked={p.consulted} onchange={on_consult} />
                { " Consult the catalogue for tokens whose key no supplied key set holds" }</label>
            <label for="known-keys-query">{ "Look up a kid, x5t or certificate thumbprint (SHA-1/SHA-256 hex)" }</label>
            <input id="known-keys-query" type="search" spellcheck="false" autocomplete="off" value={(*query).clone()} oninput={on_query} />
            { match &lookup {
                Some(Ok(l)) => html! { <>
                    <p id="known-keys-count">{ format!("{} key(s) found", l.count) }</p>
                    { Html::from_html_unchecked(l.html.clone().into()) }
                </> },
                Some(Err(e)) => html! { <p class="error">{ format!("The lookup failed: {e}") }</p> },
                None => html! {},
            } }
            <div class="known-keys-add">
                <label for="catalogue-endpoint">{ "Add an endpoint's keys as a key set, as of a date" }</label>
                <select id="catalogue-endpoint" onchange={on_endpoint}>
                    { for c.endpoints.iter().map(|e| html! {
                        <option value={e.url.clone()} selected={e.url == chosen}>{ &e.url }</option>
                    }) }
                </select>
                <input id="catalogue-date" type="date" aria-label="As of (UTC date)" value={date_value} onchange={on_date} />
                <button type="button" id="catalogue-add" onclick={on_add}>{ "Add as key set" }</button>
            </div>
        </section>
    }
}
