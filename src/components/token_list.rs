//! The result list: the analyst's order and search over the verdicts chosen in the summary
//! (selected by the engine's `triage`, worked out in slices by `adapters::triage`), paginated
//! (100 per page) so that 100,000 tokens stay fast to render.

use std::cell::Cell;
use std::rc::Rc;

use keyhole_engine::triage::SortBy;
use keyhole_engine::Report;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::token_card::TokenCard;
use crate::adapters::triage::{self, Cache};
use crate::state::{Action, Triage};

/// Tokens per page; the first page always holds the first 100 tokens.
pub const PAGE: usize = 100;

#[derive(Properties)]
pub struct TokenListProps {
    pub report: Rc<Report>,
    pub triage: Triage,
    pub on_action: Callback<Action>,
}

/// The report by pointer: Report is not `Eq`, so `Rc`'s own comparison would walk every token
/// of a 100,000-token report on each re-render of the page.
impl PartialEq for TokenListProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.report, &other.report)
            && self.triage == other.triage
            && self.on_action == other.on_action
    }
}

/// An effect's dependency on a report: equal when the same allocation.
#[derive(Clone)]
struct SameReport(Rc<Report>);

impl PartialEq for SameReport {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The tokens shown, for the choices they were worked out for. `positions` None: all, in
/// case order.
#[derive(Clone, PartialEq)]
struct Selection {
    report: SameReport,
    sort: SortBy,
    filter: keyhole_engine::triage::Filter,
    positions: Option<Rc<Vec<usize>>>,
    /// Only the first [`FIRST_CARDS`] cards are rendered yet: a new selection's page of 100
    /// cards is built in two tasks, so that neither blocks the page for long.
    partial: bool,
}

/// Cards rendered in the first task after a new selection.
const FIRST_CARDS: usize = 20;

#[function_component(TokenList)]
pub fn token_list(p: &TokenListProps) -> Html {
    let page = use_state(|| 0usize);
    let cache = use_mut_ref(Cache::default);
    let generation = use_mut_ref(|| Rc::new(Cell::new(0u64))).borrow().clone();
    let selection: UseStateHandle<Option<Selection>> = use_state(|| None);
    let filter = p.triage.filter();
    {
        let selection = selection.clone();
        let page = page.clone();
        use_effect_with(
            (SameReport(p.report.clone()), p.triage.sort, filter.clone()),
            move |(report, sort, filter)| {
                let run = generation.get() + 1;
                generation.set(run);
                let (report, sort, filter) = (report.clone(), *sort, filter.clone());
                let changed_choice = selection
                    .as_ref()
                    .is_some_and(|s| s.sort != sort || s.filter != filter);
                if changed_choice {
                    page.set(0);
                }
                wasm_bindgen_futures::spawn_local(async move {
                    let cancelled = || generation.get() != run;
                    let result = triage::select(
                        cache.clone(),
                        report.0.clone(),
                        sort,
                        filter.clone(),
                        cancelled,
                    )
                    .await;
                    if let Ok(positions) = result {
                        let partial = positions.is_some();
                        let done = Selection {
                            report,
                            sort,
                            filter,
                            positions,
                            partial: false,
                        };
                        if !partial {
                            selection.set(Some(done));
                            return;
                        }
                        selection.set(Some(Selection {
                            partial: true,
                            ..done.clone()
                        }));
                        crate::adapters::tasks::yield_now().await;
                        if generation.get() == run {
                            selection.set(Some(done));
                        }
                    }
                });
            },
        );
    }
    let all = p.report.tokens.len();
    // Until the selection for these choices is ready, the last one (of this report) stays.
    let current = selection
        .as_ref()
        .filter(|s| Rc::ptr_eq(&s.report.0, &p.report));
    let ready =
        current.is_some_and(|s| !s.partial && s.sort == p.triage.sort && s.filter == filter);
    let positions = current.and_then(|s| s.positions.clone());
    let cards = if current.is_some_and(|s| s.partial) {
        FIRST_CARDS
    } else {
        PAGE
    };
    let total = positions.as_ref().map_or(all, |v| v.len());
    let pages = total.div_ceil(PAGE).max(1);
    let at = (*page).min(pages - 1);
    let nav = |label: &'static str, to: usize, enabled: bool| {
        let page = page.clone();
        html! {
            <button type="button" disabled={!enabled} onclick={Callback::from(move |_| page.set(to))}>{ label }</button>
        }
    };
    let on = &p.on_action;
    // Positions in the report's token list.
    let shown: Vec<usize> = match &positions {
        None => (0..all).skip(at * PAGE).take(cards).collect(),
        Some(v) => v.iter().skip(at * PAGE).take(cards).copied().collect(),
    };
    let status = if !ready {
        "Selecting…".to_owned()
    } else if total == all {
        format!("Showing all {all} tokens")
    } else {
        format!("Showing {total} of {all} tokens")
    };
    html! {
        <section id="results" class="token-list" aria-labelledby="tokens-title" tabindex="-1"
            data-shown={ready.then(|| total.to_string())}>
            <h2 id="tokens-title">{ "Tokens" }</h2>
            if all == 0 {
                <p class="hint">{ "No tokens yet: paste one above, open a case file, or try a sample." }</p>
            } else {
                <div class="triage" role="search">
                    <label for="token-search">{ "Search" }</label>
                    <input id="token-search" type="search" value={p.triage.query.clone()}
                        placeholder="user, kid, tenant, URL, IP, code…" aria-describedby="triage-status"
                        oninput={on.reform(|e: InputEvent| Action::Search(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                    <label for="token-sort">{ "Sort by" }</label>
                    <select id="token-sort" onchange={on.reform(|e: Event| {
                        let name = e.target_unchecked_into::<HtmlSelectElement>().value();
                        Action::SortBy(SortBy::from_name(&name).unwrap_or_default())
                    })}>
                        { for SortBy::ALL.into_iter().map(|s| html! {
                            <option value={s.name()} selected={s == p.triage.sort}>{ s.label() }</option>
                        }) }
                    </select>
                    <p id="triage-status" class="hint" role="status">{ status }
                        if !p.triage.query.trim().is_empty() {
                            <button type="button" id="triage-clear" onclick={on.reform(|_| Action::Search(String::new()))}>{ "Clear search" }</button>
                        }
                        if !p.triage.verdicts.is_all() {
                            <button type="button" id="triage-all" onclick={on.reform(|_| Action::ShowAllVerdicts)}>{ "Show every verdict" }</button>
                        }
                    </p>
                </div>
            }
            if pages > 1 {
                <nav class="pager" aria-label="token pages">
                    { nav("◀ Previous", at.saturating_sub(1), at > 0) }
                    <span>{ format!("Tokens {}–{} of {total}", at * PAGE + 1, ((at + 1) * PAGE).min(total)) }</span>
                    { nav("Next ▶", at + 1, at + 1 < pages) }
                </nav>
            }
            { for shown.into_iter().enumerate().filter_map(|(n, i)| {
                let t = p.report.tokens.get(i)?;
                Some(html! { <TokenCard key={t.index} report={p.report.clone()} at={i} first={n == 0} /> })
            }) }
        </section>
    }
}
