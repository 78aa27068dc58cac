//! Every claim with its meaning; times in UTC and relative to the analysis time.

use keyhole_engine::claims::explain;
use keyhole_engine::time::{format_utc, relative};
use serde_json::Value;
use yew::prelude::*;

use super::reveal::Clipped;

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The claims table of a token card. A plain function rather than a component: it has no
/// state, its card re-renders it only when the card itself changes, and each component type
/// costs the page's start module about 4 KB of Yew's generic code (and took a copy of the
/// claims on every render of its card).
pub fn claims_table(claims: &Value, now: i64) -> Html {
    let Value::Object(map) = claims else {
        return html! {};
    };
    html! {
        <table class="claims">
            <thead><tr><th scope="col">{ "Claim" }</th><th scope="col">{ "Value" }</th><th scope="col">{ "Meaning" }</th></tr></thead>
            <tbody>
            { for map.iter().map(|(name, value)| {
                let info = explain(name);
                let time = info.filter(|i| i.timestamp).and_then(|_| value.as_i64());
                html! {
                    <tr>
                        <th scope="row"><code><Clipped text={AttrValue::from(name.clone())} /></code></th>
                        <td class="claim-value">
                            <code><Clipped text={AttrValue::from(show(value))} /></code>
                            if let Some(t) = time {
                                <div class="time">{ format!("{} · {}", format_utc(t), relative(t, now)) }</div>
                            }
                        </td>
                        <td class="claim-meaning">
                            { match info {
                                Some(i) => html!{ <><strong>{ i.title }</strong>{ ": " }{ i.explanation }</> },
                                None => html!{ <span class="hint">{ "Not a claim Keyhole knows." }</span> },
                            } }
                        </td>
                    </tr>
                }
            }) }
            </tbody>
        </table>
    }
}
