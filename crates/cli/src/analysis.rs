//! The CLI's analysis of a case: the engine's [`Analysis`], with each slice's tokens judged on
//! a rayon pool. Signature checks are nearly all of a batch's time and each token's judgement
//! only reads the trusted keys, so the tokens of a slice are independent; rayon's indexed
//! `collect` keeps them in case order, so the report is the same whatever the thread count
//! (tests/parallel.rs checks it byte for byte against the engine's own `analyze`). The case's
//! text is searched whatever its size (`search`: in pieces when over the engine's limit).

use std::num::NonZeroUsize;

use keyhole_engine::report::TokenReport;
use keyhole_engine::verify::JsonWebTokenVerifier;
use keyhole_engine::{Analysis, AnalyzeOptions, CaseFile, Report};
use rayon::prelude::*;

/// Tokens per slice: enough to keep every thread busy, few enough that the queue of
/// unjudged tokens and the slice's reports are a small part of the whole.
const SLICE: usize = 4096;

/// The number of threads to use when the user did not say: every core the OS gives us.
pub fn default_threads() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// Analyses `case` with the reference verifier on up to `threads` threads, consulting the
/// built-in catalogue of published keys unless `catalogue` is false (`--no-catalogue`).
pub fn analyze(
    case: CaseFile,
    options: &AnalyzeOptions<'_>,
    threads: NonZeroUsize,
    catalogue: bool,
) -> Result<Report, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.get())
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let mut case = case;
    let mut analysis = Analysis::new(&case, options);
    if !catalogue {
        analysis.set_catalogue(None);
    }
    let text = case.text.take();
    analysis.add_case(case);
    if let Some(text) = text {
        // Searched here rather than by `add_case`, which refuses text over the engine's limit.
        analysis.add_found(crate::search::search(&text));
    }
    while let Some(slice) = analysis.next_slice(SLICE) {
        let reports: Vec<TokenReport> = {
            let judge = analysis.judging();
            pool.install(|| {
                slice
                    .into_tokens()
                    .into_par_iter()
                    .map(|t| judge.token(t, &JsonWebTokenVerifier))
                    .collect()
            })
        };
        if !analysis.add_reports(reports) {
            return Err("internal error: token reports came back out of order".to_owned());
        }
    }
    Ok(analysis.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyhole_engine::analyze_with_reference;
    use keyhole_engine::samples::SAMPLES;

    #[test]
    fn the_report_equals_the_engines_whatever_the_threads() {
        for sample in SAMPLES {
            let mut case = CaseFile::from_json(sample.case_json()).unwrap();
            case.text = case.tokens.first().map(|t| format!("Bearer {t}"));
            let options = AnalyzeOptions::at(0);
            let expected = analyze_with_reference(&case, &options);
            for threads in [1, 2, 5] {
                let threads = NonZeroUsize::new(threads).unwrap_or(NonZeroUsize::MIN);
                let got = analyze(case.clone(), &options, threads, true).unwrap();
                let json = serde_json::to_vec_pretty(&got).unwrap();
                let expected_json = serde_json::to_vec_pretty(&expected).unwrap();
                assert!(json == expected_json, "{}: JSON differs", sample.name);
                assert_eq!(got, expected, "{}", sample.name);
            }
        }
    }
}
