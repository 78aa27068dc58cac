//! The decoded header and payload of one token, pretty-printed, or the parser's error.

use keyhole_engine::decode::pretty;
use keyhole_engine::token::Payload;
use keyhole_engine::{DecodedToken, TokenError};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DecodedViewProps {
    pub result: Option<Result<DecodedToken, TokenError>>,
}

/// Shows what the engine decoded; text is always rendered as text nodes (inert).
#[function_component(DecodedView)]
pub fn decoded_view(props: &DecodedViewProps) -> Html {
    match &props.result {
        None => html! {
            <p class="hint" id="decode-hint">{ "Paste a token above to decode it." }</p>
        },
        Some(Err(e)) => html! {
            <p class="error" id="decode-error" role="alert">{ format!("Cannot decode: {e}") }</p>
        },
        Some(Ok(d)) => {
            let payload = match &d.payload {
                Payload::Json(v) => pretty(v),
                Payload::Text(t) => t.clone(),
                Payload::Binary { bytes } => format!("({bytes} bytes of binary content)"),
                Payload::Encrypted => "(encrypted content — JWE)".to_owned(),
                Payload::Detached => "(detached payload)".to_owned(),
            };
            html! {
                <div class="decoded">
                    <section aria-labelledby="header-title">
                        <h2 id="header-title">{ "Header" }</h2>
                        <pre id="decoded-header" class="json header">{ pretty(&d.header) }</pre>
                    </section>
                    <section aria-labelledby="payload-title">
                        <h2 id="payload-title">{ "Payload" }</h2>
                        <pre id="decoded-payload" class="json payload">{ payload }</pre>
                    </section>
                    if !d.notes.is_empty() {
                        <ul class="notes">
                            { for d.notes.iter().map(|n| html!{ <li>{ n }</li> }) }
                        </ul>
                    }
                </div>
            }
        }
    }
}
