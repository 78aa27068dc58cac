//! The key-usage matrix: each trusted key against the tenants and clouds of the tokens it
//! verified, with key-level findings highlighted.

use std::rc::Rc;

use keyhole_engine::Report;
use yew::prelude::*;

use super::reveal::reveal;

#[derive(Properties, PartialEq)]
pub struct KeyMatrixProps {
    pub report: Rc<Report>,
}

#[function_component(KeyMatrix)]
pub fn key_matrix(p: &KeyMatrixProps) -> Html {
    let r = &p.report;
    html! {
        <section class="key-matrix" aria-labelledby="keys-title">
            <h2 id="keys-title">{ "Keys: who signed for whom" }</h2>
            if r.keys.is_empty() {
                <p class="hint">{ "No trusted keys yet. Add a key set (JWKS, OpenID configuration, PEM or certificate) below." }</p>
            } else {
                <div class="table-scroll">
                <table id="key-matrix">
                    <thead><tr>
                        <th scope="col">{ "Key" }</th><th scope="col">{ "kid" }</th><th scope="col">{ "May sign for" }</th>
                        <th scope="col">{ "Cloud" }</th><th scope="col">{ "Tokens verified" }</th>
                        <th scope="col">{ "Tenants seen" }</th><th scope="col">{ "Clouds seen" }</th><th scope="col">{ "Key findings" }</th>
                    </tr></thead>
                    <tbody>
                    { for r.keys.iter().map(|k| {
                        let flagged = !k.findings.is_empty() || k.provenance.compromised.is_some();
                        html! {
                            <tr class={classes!(flagged.then_some("flagged"))} data-key={k.key_id.clone()}>
                                <th scope="row">{ k.key_id.clone() }</th>
                                <td><code>{ reveal(k.kid.as_deref().unwrap_or("—")) }</code></td>
                                <td>{ k.scope.describe() }</td>
                                <td>{ k.cloud.map(|c| c.label()).unwrap_or("unknown") }</td>
                                <td class="num">{ k.tokens }</td>
                                <td>{ for k.tenants.iter().map(|t| html!{ <div><code>{ reveal(t) }</code></div> }) }</td>
                                <td>{ k.clouds.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ") }</td>
                                <td>
                                    if k.provenance.compromised.is_some() { <div class="sev-error">{ "✖ known-compromised key" }</div> }
                                    { for k.findings.iter().map(|f| html!{
                                        <div class="sev-error" title={f.message.clone()}>{ "✖ " }<code>{ f.code.clone() }</code></div>
                                    }) }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                </div>
            }
            if r.key_sets.iter().any(|s| !s.problems.is_empty() || !s.warnings.is_empty()) {
                <ul class="key-problems">
                    { for r.key_sets.iter().flat_map(|s| {
                        let label = s.source.clone().unwrap_or_else(|| format!("key set {}", s.index + 1));
                        s.problems.iter().map(move |m| (label.clone(), m.clone(), true))
                            .chain(s.warnings.iter().map({ let label = s.source.clone().unwrap_or_else(|| format!("key set {}", s.index + 1)); move |m| (label.clone(), m.clone(), false) }))
                            .collect::<Vec<_>>()
                    }).map(|(label, m, problem)| html! {
                        <li class={if problem { "sev-error" } else { "sev-warning" }}>{ reveal(&format!("{label}: {m}")) }</li>
                    }) }
                </ul>
            }
        </section>
    }
}
