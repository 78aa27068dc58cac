//! The token list's selection (the analyst's verdicts, search and order applied to a report),
//! worked out on the main thread without blocking it: the engine's `triage` index is built, the
//! chosen order sorted and then filtered, in stretches of at most [`BUDGET_MS`] with the browser getting
//! its turn in between. The index and each order are kept per report, so changing the search
//! or the verdicts on 100,000 tokens only walks one precomputed order again.

use std::cell::RefCell;
use std::rc::Rc;

use keyhole_engine::triage::{Filter, IndexBuilder, OrderBuilder, SortBy, TriageIndex};
use keyhole_engine::Report;

use super::tasks;

/// Longest stretch of work before the browser gets its turn, in milliseconds (as for judging).
const BUDGET_MS: f64 = 30.0;
/// Tokens read or filtered between two looks at the clock.
const STEP: usize = 1000;

/// What was worked out for one report: its index and the orders asked for so far.
#[derive(Default)]
pub struct Cache {
    report: Option<Rc<Report>>,
    index: Option<Rc<TriageIndex>>,
    orders: Vec<(SortBy, Rc<Vec<usize>>)>,
}

/// The positions (in the report) of the tokens to show, in order; None when every token is
/// shown in case order (nothing to work out). Returns Err(()) when `cancelled()` turned true.
pub async fn select(
    cache: Rc<RefCell<Cache>>,
    report: Rc<Report>,
    sort: SortBy,
    filter: Filter,
    cancelled: impl Fn() -> bool,
) -> Result<Option<Rc<Vec<usize>>>, ()> {
    // The click or keystroke that changed the choices ends first: the list the answer renders
    // (up to 100 new cards) is a task of its own.
    tasks::yield_now().await;
    if cancelled() {
        return Err(());
    }
    if sort == SortBy::Case && filter.is_empty() {
        return Ok(None);
    }
    let fresh = !cache
        .borrow()
        .report
        .as_ref()
        .is_some_and(|r| Rc::ptr_eq(r, &report));
    if fresh {
        *cache.borrow_mut() = Cache {
            report: Some(report.clone()),
            ..Cache::default()
        };
    }
    let known = cache.borrow().index.clone();
    let index = match known {
        Some(i) => i,
        None => {
            let mut builder = IndexBuilder::new(&report);
            in_stretches(&mut || builder.step(STEP), &cancelled).await?;
            let index = Rc::new(builder.finish());
            cache.borrow_mut().index = Some(index.clone());
            tasks::yield_now().await;
            if cancelled() {
                return Err(());
            }
            index
        }
    };
    let known = cache
        .borrow()
        .orders
        .iter()
        .find(|(s, _)| *s == sort)
        .map(|(_, o)| o.clone());
    let order = match known {
        Some(o) => o,
        None => {
            let mut sorting = OrderBuilder::new(&index, sort);
            in_stretches(&mut || sorting.step(STEP), &cancelled).await?;
            let o = Rc::new(sorting.finish());
            cache.borrow_mut().orders.push((sort, o.clone()));
            tasks::yield_now().await;
            if cancelled() {
                return Err(());
            }
            o
        }
    };
    if filter.is_empty() {
        return Ok(Some(order));
    }
    let mut out = Vec::new();
    let mut at = 0;
    in_stretches(
        &mut || {
            at = index.select_from(&order, &filter, at, STEP, &mut out);
            at >= order.len()
        },
        &cancelled,
    )
    .await?;
    Ok(Some(Rc::new(out)))
}

/// Calls `step` until it says it is done, giving the browser its turn whenever a stretch has
/// taken [`BUDGET_MS`]; Err(()) when `cancelled()` turned true at one of those turns.
/// (Not generic: one copy of this future in the module for its three callers.)
async fn in_stretches(
    step: &mut dyn FnMut() -> bool,
    cancelled: &dyn Fn() -> bool,
) -> Result<(), ()> {
    let mut began = js_sys::Date::now();
    while !step() {
        if js_sys::Date::now() - began > BUDGET_MS {
            tasks::yield_now().await;
            if cancelled() {
                return Err(());
            }
            began = js_sys::Date::now();
        }
    }
    Ok(())
}
