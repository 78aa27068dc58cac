//! One analysis, on the page's main thread, in slices: key documents are read, then the tokens
//! are verified and judged a slice at a time with the browser getting its turn in between
//! ([`super::verification::analyze_prepared`]). Only searching a large pasted text happens
//! elsewhere (the extraction worker), since that pass cannot be sliced; its tokens come in as
//! [`Found`].

use keyhole_engine::analyze::{complete_key_sets, key_set_readers, PreparedCase, TokenInput};
use keyhole_engine::{AnalyzeOptions, CaseFile, Report};

use super::{tasks, verification};

/// Keys read per slice: a 10,000-key JWKS is read in 20 short tasks.
const KEYS_PER_SLICE: usize = 500;

/// The tokens the extraction worker found in the case's text, with its notes.
#[derive(Debug, Default)]
pub struct Found {
    pub inputs: Vec<TokenInput>,
    pub notes: Vec<String>,
}

/// Analyses `case` (whose text, when `found` is given, was already searched by the worker).
/// Returns None when `cancelled()` turned true on the way (the analyst changed the case).
pub async fn run(
    mut case: CaseFile,
    found: Option<Found>,
    options: &AnalyzeOptions<'_>,
    progress: &mut dyn FnMut(usize, usize),
    cancelled: &dyn Fn() -> bool,
) -> Option<(Report, &'static str)> {
    let mut sets = Vec::new();
    for mut reader in key_set_readers(&case) {
        while !reader.step(KEYS_PER_SLICE) {
            tasks::yield_now().await;
            if cancelled() {
                return None;
            }
        }
        sets.push(reader.finish());
    }
    let sets = complete_key_sets(&case, sets);
    let mut prepared = PreparedCase::from_key_sets(sets, &case, options);
    if found.is_some() {
        case.text = None;
    }
    let mut inputs = prepared.take_inputs(case);
    if let Some(found) = found {
        inputs.extend(found.inputs);
        for note in found.notes {
            prepared.add_note(note);
        }
    }
    verification::analyze_prepared(prepared, inputs, progress, cancelled).await
}
