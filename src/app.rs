//! The application shell: the tokens input and the decoded result.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::DecodedView;

/// Keyhole's root component.
#[function_component(App)]
pub fn app() -> Html {
    let input = use_state(String::new);
    let oninput = {
        let input = input.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            input.set(area.value());
        })
    };
    let result = if input.trim().is_empty() {
        None
    } else {
        Some(keyhole_engine::decode_token(&input))
    };
    html! {
        <main class="app">
            <header class="masthead">
                <h1>{ "Keyhole" }</h1>
                <p class="tagline">{ "Token inspector — everything stays in this browser tab." }</p>
            </header>
            <label for="tokens-input">{ "Token" }</label>
            <textarea id="tokens-input" rows="6" spellcheck="false" autocomplete="off"
                placeholder="eyJhbGciOi…" value={(*input).clone()} {oninput} />
            <DecodedView {result} />
        </main>
    }
}
