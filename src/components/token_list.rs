//! The result list, paginated (100 per page) so that 10,000 tokens stay fast to render.

use std::rc::Rc;

use keyhole_engine::Report;
use yew::prelude::*;

use super::token_card::TokenCard;

/// Tokens per page; the first page always holds the first 100 tokens.
pub const PAGE: usize = 100;

#[derive(Properties)]
pub struct TokenListProps {
    pub report: Rc<Report>,
}

/// By pointer: Report is not `Eq`, so `Rc`'s own comparison would walk every token of a
/// 100,000-token report on each re-render of the page.
impl PartialEq for TokenListProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.report, &other.report)
    }
}

#[function_component(TokenList)]
pub fn token_list(p: &TokenListProps) -> Html {
    let page = use_state(|| 0usize);
    let total = p.report.tokens.len();
    let pages = total.div_ceil(PAGE).max(1);
    let current = (*page).min(pages - 1);
    let nav = |label: &'static str, to: usize, enabled: bool| {
        let page = page.clone();
        html! {
            <button type="button" disabled={!enabled} onclick={Callback::from(move |_| page.set(to))}>{ label }</button>
        }
    };
    html! {
        <section class="token-list" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{ "Tokens" }</h2>
            if total == 0 {
                <p class="hint">{ "No tokens yet: paste one above, open a case file, or try a sample." }</p>
            }
            if pages > 1 {
                <nav class="pager" aria-label="token pages">
                    { nav("◀ Previous", current.saturating_sub(1), current > 0) }
                    <span>{ format!("Tokens {}–{} of {total}", current * PAGE + 1, ((current + 1) * PAGE).min(total)) }</span>
                    { nav("Next ▶", current + 1, current + 1 < pages) }
                </nav>
            }
            { for p.report.tokens.iter().skip(current * PAGE).take(PAGE).map(|t| html! {
                <TokenCard key={t.index} token={t.clone()} now={p.report.now} />
            }) }
        </section>
    }
}
