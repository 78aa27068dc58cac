//! The per-key timelines: for each key that verified tokens, when it signed (each token's iat)
//! against its certificate's validity and the window its endpoint was seen publishing it. A
//! section that opens on request: the document module (loaded then, like an export) computes
//! and draws them (`catalogue::page::timelines_section`: every text escaped, a text alternative
//! per figure), and this places the result, coloured by the stylesheet.

use std::rc::Rc;

use keyhole_engine::catalogue::page::keys_with_timelines;
use keyhole_engine::Report;
use yew::prelude::*;

use crate::adapters::documents;

#[derive(Properties)]
pub struct TimelinesProps {
    pub report: Rc<Report>,
    /// The catalogue is loaded (publication windows can be drawn).
    pub loaded: bool,
}

impl PartialEq for TimelinesProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.report, &o.report) && self.loaded == o.loaded
    }
}

#[function_component(Timelines)]
pub fn timelines(p: &TimelinesProps) -> Html {
    let open = use_state(|| false);
    // The drawing, for the report and catalogue state it was drawn for.
    let drawn = use_state(|| None::<(usize, bool, Result<String, String>)>);
    let keys = keys_with_timelines(&p.report);
    let current = (Rc::as_ptr(&p.report) as usize, p.loaded);
    {
        let (drawn, report) = (drawn.clone(), p.report.clone());
        use_effect_with((*open, current), move |&(open, (at, loaded))| {
            let stale = drawn
                .as_ref()
                .is_none_or(|(a, l, _)| (*a, *l) != (at, loaded));
            if open && keys_with_timelines(&report) > 0 && stale {
                wasm_bindgen_futures::spawn_local(async move {
                    let html = documents::timelines(&report).await;
                    drawn.set(Some((at, loaded, html)));
                });
            }
        });
    }
    if keys == 0 {
        return html! {};
    }
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(
                e.target_unchecked_into::<web_sys::Element>()
                    .has_attribute("open"),
            )
        })
    };
    let body = match drawn.as_ref() {
        Some((a, l, Ok(html))) if (*a, *l) == current => {
            Html::from_html_unchecked(html.clone().into())
        }
        Some((a, l, Err(e))) if (*a, *l) == current => {
            html! { <p class="error">{ format!("The timelines could not be drawn: {e}") }</p> }
        }
        _ => html! { <p role="status">{ "Drawing…" }</p> },
    };
    html! {
        <section id="timelines" class="timelines" aria-labelledby="timelines-title">
            <details open={*open} {ontoggle}>
                <summary><h2 id="timelines-title">{ format!("When each key signed ({keys} key(s))") }</h2></summary>
                if *open { { body } }
            </details>
        </section>
    }
}
