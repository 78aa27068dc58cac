//! The CLI's analysis of a case, kept lean for large batches, and its JSON report.
//!
//! The report of a `tokens[i]` entry says where it was found with a small JSON object that
//! depends on `i` alone (`analyze::found_in_tokens`); each costs ~700 bytes on the heap, 7 MB
//! for 10,000 tokens, so those reports are held without it and it is put back as each token is
//! written. The written report is byte for byte what `serde_json::to_writer_pretty` gives for
//! the engine's own report (tests/parallel.rs checks it).

use std::cell::RefCell;
use std::io::Write;
use std::num::NonZeroUsize;

use keyhole_engine::analyze::{found_in_tokens, KeySetReport, PreparedCase};
use keyhole_engine::report::{KeyReport, Summary, TokenReport};
use keyhole_engine::{AnalyzeOptions, CaseFile, Report};
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::parallel;

/// A case's report whose first `bare` token reports lack their `found_at`.
pub struct Analysis {
    report: Report,
    bare: usize,
}

/// Analyses `case` with the reference verifier on up to `threads` threads.
pub fn analyze(case: CaseFile, options: &AnalyzeOptions<'_>, threads: NonZeroUsize) -> Analysis {
    let mut prepared = PreparedCase::new(&case, options);
    let listed = case.tokens.len();
    let mut inputs = prepared.take_inputs(case);
    let derivable = inputs
        .iter()
        .take(listed)
        .enumerate()
        .all(|(i, input)| input.found_at == found_in_tokens(i));
    let bare = if derivable { listed } else { 0 };
    for input in inputs.iter_mut().take(bare) {
        input.found_at = Value::Null;
    }
    let tokens = parallel::analyze_tokens(&prepared, inputs, threads);
    Analysis {
        report: prepared.finish(tokens),
        bare,
    }
}

impl Analysis {
    /// The report as held: complete but for the left-out `found_at`s (summary, verdicts).
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The complete report.
    pub fn into_report(mut self) -> Report {
        for (i, t) in self.report.tokens.iter_mut().take(self.bare).enumerate() {
            t.found_at = Some(found_in_tokens(i));
        }
        self.report
    }

    /// Writes the complete report as pretty-printed JSON.
    pub fn write_json(&mut self, out: impl Write) -> serde_json::Result<()> {
        // Exhaustive on purpose: a field added to `Report` must be added here too.
        let Report {
            now,
            summary,
            tokens,
            keys,
            key_sets,
            notes,
        } = &mut self.report;
        let json = JsonReport {
            now: *now,
            summary,
            tokens: BareTokens {
                tokens: RefCell::new(tokens),
                bare: self.bare,
            },
            keys,
            key_sets,
            notes,
        };
        serde_json::to_writer_pretty(out, &json)
    }
}

/// `Report`'s fields in `Report`'s order.
#[derive(Serialize)]
struct JsonReport<'a> {
    now: i64,
    summary: &'a Summary,
    tokens: BareTokens<'a>,
    keys: &'a [KeyReport],
    key_sets: &'a [KeySetReport],
    notes: &'a [String],
}

/// Token reports written with each left-out `found_at` put back for just that token.
struct BareTokens<'a> {
    tokens: RefCell<&'a mut Vec<TokenReport>>,
    bare: usize,
}

impl Serialize for BareTokens<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut tokens = self
            .tokens
            .try_borrow_mut()
            .map_err(|_| S::Error::custom("the token reports are being written twice"))?;
        let mut seq = serializer.serialize_seq(Some(tokens.len()))?;
        for (i, t) in tokens.iter_mut().enumerate() {
            if i < self.bare {
                t.found_at = Some(found_in_tokens(i));
                seq.serialize_element(t)?;
                t.found_at = None;
            } else {
                seq.serialize_element(t)?;
            }
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyhole_engine::analyze_with_reference;
    use keyhole_engine::samples::SAMPLES;

    #[test]
    fn the_complete_report_and_its_json_equal_the_engines() {
        for sample in SAMPLES {
            let mut case =
                CaseFile::from_json(sample.case_json()).unwrap_or_else(|e| unreachable!("{e}"));
            case.text = case.tokens.first().map(|t| format!("Bearer {t}"));
            let options = AnalyzeOptions::at(0);
            let expected = analyze_with_reference(&case, &options);
            let threads = NonZeroUsize::new(2).unwrap_or(NonZeroUsize::MIN);
            let mut lean = analyze(case.clone(), &options, threads);
            assert_eq!(lean.bare, case.tokens.len(), "{}", sample.name);
            let mut json = Vec::new();
            lean.write_json(&mut json)
                .unwrap_or_else(|e| unreachable!("{e}"));
            let expected_json =
                serde_json::to_vec_pretty(&expected).unwrap_or_else(|e| unreachable!("{e}"));
            assert!(json == expected_json, "{}: JSON differs", sample.name);
            assert_eq!(lean.into_report(), expected, "{}", sample.name);
        }
    }
}
