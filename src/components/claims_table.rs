//! Every claim with its meaning; times in UTC and relative to the analysis time.

use keyhole_engine::claims::explain;
use keyhole_engine::time::{format_utc, relative};
use serde_json::Value;
use yew::prelude::*;

use super::reveal::Clipped;

#[derive(Properties, PartialEq)]
pub struct ClaimsTableProps {
    pub claims: Value,
    pub now: i64,
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[function_component(ClaimsTable)]
pub fn claims_table(p: &ClaimsTableProps) -> Html {
    let Value::Object(map) = &p.claims else {
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
                                <div class="time">{ format!("{} · {}", format_utc(t), relative(t, p.now)) }</div>
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
