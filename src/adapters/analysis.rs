//! One analysis, on the page's main thread, in slices: key documents are read, then the tokens
//! are verified and judged a slice at a time with the browser getting its turn in between
//! ([`super::verification::run_slices`]). Only searching a large pasted text happens
//! elsewhere (the extraction worker), since that pass cannot be sliced; its tokens come in as
//! [`Found`].

pub use keyhole_engine::analyze::Found;
use keyhole_engine::{Analysis, AnalyzeOptions, CaseFile, Report};

use super::{tasks, verification};

/// Keys read per slice: a 10,000-key JWKS is read in 20 short tasks.
const KEYS_PER_SLICE: usize = 500;

/// Analyses `case` (whose text, when `found` is given, was already searched by the worker).
/// Returns None when `cancelled()` turned true on the way (the analyst changed the case).
pub async fn run(
    mut case: CaseFile,
    found: Option<Found>,
    options: &AnalyzeOptions<'_>,
    progress: &mut dyn FnMut(usize, usize),
    cancelled: &dyn Fn() -> bool,
) -> Option<(Report, &'static str)> {
    let mut reading = Analysis::read_keys(&case, options);
    while !reading.step(KEYS_PER_SLICE) {
        tasks::yield_now().await;
        if cancelled() {
            return None;
        }
    }
    let mut analysis = reading.finish();
    if case.catalogue != Some(false) {
        analysis.set_catalogue(super::catalogue::for_page());
    }
    if found.is_some() {
        case.text = None;
    }
    analysis.add_case(case);
    if let Some(found) = found {
        analysis.add_found(found);
    }
    verification::run_slices(analysis, progress, cancelled).await
}
