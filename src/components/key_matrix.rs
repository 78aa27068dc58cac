//! The key-usage matrix: each trusted key against the tenants and clouds of the tokens it
//! verified, with key-level findings highlighted.

use std::rc::Rc;

use keyhole_engine::render::{key_flags, key_report_name};
use keyhole_engine::Report;
use yew::prelude::*;

use super::reveal::Clipped;

/// Keys per page: a 10,000-key JWKS must not put 10,000 rows in the page at once.
pub const KEYS_PER_PAGE: usize = 100;
/// Tenants listed per key before "and N more".
const LIST_MAX: usize = 20;

#[derive(Properties)]
pub struct KeyMatrixProps {
    pub report: Rc<Report>,
}

/// The same report is the same matrix: comparing by pointer keeps re-renders of a 100,000-token
/// report from walking it.
impl PartialEq for KeyMatrixProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.report, &other.report)
    }
}

/// Indices of `r.keys` in display order: flagged keys first, then keys that verified tokens,
/// then the rest, each group in report order — so that in a large key set what matters is on
/// the first page.
pub fn key_order(r: &Report) -> Vec<usize> {
    let mut order: Vec<usize> = (0..r.keys.len()).collect();
    order.sort_by_key(|&i| {
        r.keys.get(i).map_or((true, true), |k| {
            let flagged = !k.findings.is_empty() || k.provenance.compromised.is_some();
            (!flagged, k.tokens == 0)
        })
    });
    order
}

#[function_component(KeyMatrix)]
pub fn key_matrix(p: &KeyMatrixProps) -> Html {
    let r = &p.report;
    let page = use_state(|| 0usize);
    let total = r.keys.len();
    let pages = total.div_ceil(KEYS_PER_PAGE).max(1);
    let current = (*page).min(pages - 1);
    let order = key_order(r);
    let shown = order
        .iter()
        .skip(current * KEYS_PER_PAGE)
        .take(KEYS_PER_PAGE)
        .filter_map(|&i| r.keys.get(i));
    let nav = |label: &'static str, to: usize, enabled: bool| {
        let page = page.clone();
        html! {
            <button type="button" disabled={!enabled} onclick={Callback::from(move |_| page.set(to))}>{ label }</button>
        }
    };
    html! {
        <section class="key-matrix" aria-labelledby="keys-title">
            <h2 id="keys-title">{ "Keys: who signed for whom" }</h2>
            if r.keys.is_empty() {
                <p class="hint">{ "No trusted keys yet. Add a key set (JWKS, OpenID configuration, PEM or certificate) below." }</p>
            } else {
                if pages > 1 {
                    <nav class="pager" aria-label="key pages">
                        { nav("◀ Previous keys", current.saturating_sub(1), current > 0) }
                        <span>{ format!("Keys {}–{} of {total} (flagged and used keys first)", current * KEYS_PER_PAGE + 1, ((current + 1) * KEYS_PER_PAGE).min(total)) }</span>
                        { nav("Next keys ▶", current + 1, current + 1 < pages) }
                    </nav>
                }
                <div class="table-scroll">
                <table id="key-matrix">
                    <thead><tr>
                        <th scope="col">{ "Key" }</th><th scope="col">{ "May sign for" }</th>
                        <th scope="col">{ "Cloud" }</th><th scope="col">{ "Tokens verified" }</th>
                        <th scope="col">{ "Tenants seen" }</th><th scope="col">{ "Clouds seen" }</th><th scope="col">{ "Key findings" }</th>
                    </tr></thead>
                    <tbody>
                    { for shown.map(|k| {
                        let flagged = !k.findings.is_empty() || k.provenance.compromised.is_some();
                        html! {
                            <tr class={classes!(flagged.then_some("flagged"))} data-key={k.key_id.clone()}>
                                <th scope="row" class="key-name"><Clipped text={AttrValue::from(key_report_name(k))} /></th>
                                <td><Clipped text={AttrValue::from(k.scope.describe())} /></td>
                                <td>{ k.cloud.map(|c| c.label()).unwrap_or("unknown") }</td>
                                <td class="num">{ k.tokens }</td>
                                <td>
                                    { for k.tenants.iter().take(LIST_MAX).map(|t| html!{ <div><code><Clipped text={AttrValue::from(t.clone())} /></code></div> }) }
                                    if k.tenants.len() > LIST_MAX { <div class="hint">{ format!("… and {} more (see the export)", k.tenants.len() - LIST_MAX) }</div> }
                                </td>
                                <td>{ k.clouds.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ") }</td>
                                <td>
                                    { for key_flags(k).into_iter().map(|flag| html!{
                                        <div class="sev-error">{ "✖ " }<code>{ flag }</code></div>
                                    }) }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                </div>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::key_order;
    use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile};

    #[test]
    fn key_order_is_a_permutation_with_flagged_then_used_keys_first() {
        let mut checked = 0;
        for name in ["storm-0558", "cross-cloud", "clean", "header-key-attack"] {
            let Some(case) = keyhole_engine::samples::sample(name)
                .and_then(|s| CaseFile::from_json(s.case_json()).ok())
            else {
                continue;
            };
            let report = analyze_with_reference(&case, &AnalyzeOptions::at(case.now.unwrap_or(0)));
            let order = key_order(&report);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..report.keys.len()).collect::<Vec<_>>(), "{name}");
            let rank: Vec<(bool, bool)> = order
                .iter()
                .filter_map(|&i| report.keys.get(i))
                .map(|k| {
                    let flagged = !k.findings.is_empty() || k.provenance.compromised.is_some();
                    (!flagged, k.tokens == 0)
                })
                .collect();
            assert!(rank.windows(2).all(|w| w[0] <= w[1]), "{name}: {rank:?}");
            checked += 1;
        }
        assert!(checked > 0, "no built-in sample could be analysed");
    }
}
