//! Untrusted text for display: always text nodes (inert), with bidi overrides and invisible
//! characters shown as visible `U+XXXX` markers so they cannot hide or reorder what is read.

use keyhole_engine::render::{reveal_invisible, Shown};
use yew::prelude::*;

/// Renders untrusted text safely.
pub fn reveal(text: &str) -> Html {
    let parts = reveal_invisible(text);
    if let [Shown::Text(t)] = parts.as_slice() {
        return html! { <>{ *t }</> };
    }
    html! {
        <>
            { for parts.into_iter().map(|p| match p {
                Shown::Text(t) => html! { <>{ t }</> },
                Shown::Control(code) => html! {
                    <span class="invisible-char" title="invisible or direction-changing character">{ code }</span>
                },
            }) }
        </>
    }
}
