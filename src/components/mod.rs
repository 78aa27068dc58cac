//! One component per file; each takes `<Name>Props` and renders engine output or edits the
//! workspace through `Action`s. No component decides anything about a token.

pub mod case_bar;
pub mod claims_table;
pub mod endpoints;
pub mod export_bar;
pub mod findings;
pub mod key_matrix;
pub mod key_sets_pane;
pub mod reveal;
pub mod summary;
pub mod token_card;
pub mod token_list;
pub mod tokens_pane;
