//! One component per file; each takes `<Name>Props` and renders engine output or edits the
//! workspace through `Action`s. No component decides anything about a token.

pub mod case_bar;
pub mod claims_table;
pub mod endpoints;
pub mod export_bar;
pub mod findings;
pub mod key_matrix;
pub mod key_sets_pane;
pub mod known_keys;
pub mod public_search;
pub mod reveal;
pub mod summary;
pub mod timeline;
pub mod token_card;
pub mod token_list;
pub mod tokens_pane;

use std::rc::Rc;

use keyhole_engine::Report;

/// Two optional reports are the same when they are the same allocation. Props compare reports
/// this way: `Report` is not `Eq`, so `Rc`'s comparison would walk the whole report (100,000
/// tokens) on every re-render; a new analysis always yields a new `Rc`.
pub fn same_report(a: &Option<Rc<Report>>, b: &Option<Rc<Report>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}
