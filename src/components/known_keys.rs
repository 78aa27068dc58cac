//! "Known keys": Keyhole's catalogue of published signing keys in the page. Before it is loaded,
//! a button to load it (offered outright when tokens name a key no supplied key set holds,
//! as the engine's `would_consult` says); once loaded, the switch that has this case consult it
//! and the lookup field (the page's own controls), around the view the document module draws
//! for them (`catalogue::page::view`: how many verdicts rest on the catalogue, the looked-up
//! keys' histories, the form adding an endpoint's keys as of a date as a key set). The start
//! module carries neither that view nor the catalogue's lookup.

use std::rc::Rc;

use keyhole_engine::catalogue;
use keyhole_engine::catalogue::page::{View, ViewRequest};
use keyhole_engine::Report;
use wasm_bindgen::JsCast;
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

/// The value of the document module's form control `id`, as the analyst left it.
fn control_value(id: &str) -> String {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    match element {
        Some(e) => match e.dyn_into::<HtmlSelectElement>() {
            Ok(select) => select.value(),
            Err(e) => e
                .dyn_into::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default(),
        },
        None => String::new(),
    }
}

#[function_component(KnownKeys)]
pub fn known_keys(p: &KnownKeysProps) -> Html {
    let loading = use_state(|| false);
    let query = use_state(String::new);
    let endpoint = use_state(String::new);
    let date = use_state(String::new);
    let loaded = p.loaded && loader::for_page().is_some();
    // Verdicts resting on the catalogue (only counted once it is loaded: none before).
    let resting = p.report.as_ref().filter(|_| loaded).map_or(0, |r| {
        r.tokens
            .iter()
            .filter(|t| {
                t.signing_key
                    .as_ref()
                    .is_some_and(|k| k.provenance.catalogue.is_some())
            })
            .count()
    });
    let request = ViewRequest {
        consulted: p.consulted,
        resting,
        query: (*query).clone(),
        endpoint: (*endpoint).clone(),
        date: (*date).clone(),
    };
    // The document module's view of the latest request; an answer to an older one is dropped.
    let view = use_state(|| None::<Result<View, String>>);
    let latest = use_mut_ref(|| None::<ViewRequest>);
    {
        let (view, latest) = (view.clone(), latest.clone());
        use_effect_with((loaded, request), move |(loaded, request)| {
            if *loaded {
                let request = request.clone();
                *latest.borrow_mut() = Some(request.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let answer = documents::known_keys_view(&request).await;
                    if latest.borrow().as_ref() == Some(&request) {
                        view.set(Some(answer));
                    }
                });
            }
        });
    }
    if !loaded {
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

    let on_consult = p.on_action.reform(|e: Event| {
        Action::SetCatalogue(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    // The document module's form: its controls' changes and its button reach the section.
    let on_form_change = {
        let (endpoint, date) = (endpoint.clone(), date.clone());
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                if select.id() == "catalogue-endpoint" {
                    endpoint.set(select.value());
                }
            } else if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if input.id() == "catalogue-date" {
                    date.set(input.value());
                }
            }
        })
    };
    let on_add = {
        let on_action = p.on_action.clone();
        Callback::from(move |e: MouseEvent| {
            let on_add_button = e
                .target_dyn_into::<web_sys::Element>()
                .is_some_and(|t| t.id() == "catalogue-add");
            if !on_add_button {
                return;
            }
            let (chosen, day) = (
                control_value("catalogue-endpoint"),
                control_value("catalogue-date"),
            );
            let on_action = on_action.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match documents::key_set_as_of(&chosen, &day).await {
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
    let raw = |html: &str| Html::from_html_unchecked(AttrValue::from(html.to_owned()));
    let (status, found, add) = match &*view {
        Some(Ok(v)) => (raw(&v.status), raw(&v.found), raw(&v.add)),
        Some(Err(e)) => (
            html! { <p class="error">{ format!("The Known keys view failed: {e}") }</p> },
            html! {},
            html! {},
        ),
        None => (html! {}, html! {}, html! {}),
    };
    html! {
        <section id="known-keys" class="known-keys" aria-labelledby="known-keys-title"
            onchange={on_form_change} onclick={on_add}>
            <h2 id="known-keys-title">{ "Known keys" }</h2>
            { status }
            <label class="inline-check"><input type="checkbox" id="catalogue-consult" checked={p.consulted} onchange={on_consult} />
                { " Consult the catalogue for tokens whose key no supplied key set holds" }</label>
            <label for="known-keys-query">{ "Look up a kid, x5t or certificate thumbprint (SHA-1/SHA-256 hex)" }</label>
            <input id="known-keys-query" type="search" spellcheck="false" autocomplete="off" value={(*query).clone()} oninput={on_query} />
            { found }
            { add }
        </section>
    }
}
