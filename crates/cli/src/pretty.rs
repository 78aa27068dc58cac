//! The JSON report of `keyhole check`, written as `serde_json::to_writer_pretty` writes it but
//! with the token reports (nearly all of its bytes: ≈4 KB a token) serialised on the rayon pool,
//! a window of tokens at a time, instead of on one thread after judging.
//!
//! Exactness rests on two facts of serde_json's pretty printer: a value nested in an array at
//! depth d is the same text as the value alone with every line after the first indented by
//! 2·d more spaces (JSON strings hold no raw line end, so every `\n` is the printer's own); and
//! the report's `tokens` member, written empty, is `\n  "tokens": []` at the top level only
//! (nested members are indented further). `tests` compare the bytes with serde_json's.

use std::io::Write;
use std::num::NonZeroUsize;

use keyhole_engine::Report;
use rayon::prelude::*;

/// Tokens serialised together (≈1 MB of JSON held at a time).
const WINDOW: usize = 256;

const EMPTY_TOKENS: &[u8] = b"\n  \"tokens\": []";

/// Writes `report` (pretty JSON, no trailing line end) to `out`, on `threads` threads.
pub fn write_report(
    out: &mut impl Write,
    mut report: Report,
    threads: NonZeroUsize,
) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write the JSON report: {e}");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.get())
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let tokens = std::mem::take(&mut report.tokens);
    let skeleton = serde_json::to_vec_pretty(&report).map_err(|e| fail(&e))?;
    let at = match find_once(&skeleton, EMPTY_TOKENS) {
        Some(at) if !tokens.is_empty() => at,
        _ => {
            // Nothing to spread (or an unexpected shape): serde_json's own writer.
            report.tokens = tokens;
            return serde_json::to_writer_pretty(out, &report).map_err(|e| fail(&e));
        }
    };
    let (head, tail) = skeleton.split_at(at);
    let tail = tail.get(EMPTY_TOKENS.len()..).unwrap_or_default();
    out.write_all(head).map_err(|e| fail(&e))?;
    out.write_all(b"\n  \"tokens\": [").map_err(|e| fail(&e))?;
    for (w, window) in tokens.chunks(WINDOW).enumerate() {
        let texts: Vec<Vec<u8>> = pool
            .install(|| {
                window
                    .par_iter()
                    .map(|t| serde_json::to_vec_pretty(t).map(|json| nested(&json)))
                    .collect::<Result<_, _>>()
            })
            .map_err(|e| fail(&e))?;
        for (i, text) in texts.iter().enumerate() {
            let sep: &[u8] = if w == 0 && i == 0 {
                b"\n    "
            } else {
                b",\n    "
            };
            out.write_all(sep).map_err(|e| fail(&e))?;
            out.write_all(text).map_err(|e| fail(&e))?;
        }
    }
    out.write_all(b"\n  ]").map_err(|e| fail(&e))?;
    out.write_all(tail).map_err(|e| fail(&e))?;
    // The process ends once the report is written: freeing thousands of token reports one
    // allocation at a time would cost more than writing them did (≈3 % of a 10,000-token run).
    std::mem::forget(tokens);
    Ok(())
}

/// A value's pretty JSON as an element of the top-level `tokens` array (depth 2).
fn nested(json: &[u8]) -> Vec<u8> {
    let lines = json.iter().filter(|&&b| b == b'\n').count();
    let mut out = Vec::with_capacity(json.len() + 4 * lines);
    for &b in json {
        out.push(b);
        if b == b'\n' {
            out.extend_from_slice(b"    ");
        }
    }
    out
}

/// The position of the only occurrence of `needle` in `hay`, if it occurs exactly once.
fn find_once(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let mut found = hay
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle);
    let (first, _) = found.next()?;
    found.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyhole_engine::samples::SAMPLES;
    use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile};

    #[test]
    fn the_report_is_serde_jsons_pretty_json_byte_for_byte() {
        let pool = NonZeroUsize::new(2).unwrap();
        let mut all = Vec::new();
        for sample in SAMPLES {
            let case = CaseFile::from_json(sample.case_json()).unwrap();
            let report = analyze_with_reference(&case, &AnalyzeOptions::at(0));
            all.extend(report.tokens.iter().cloned());
            let expected = serde_json::to_vec_pretty(&report).unwrap();
            let mut got = Vec::new();
            write_report(&mut got, report, pool).unwrap();
            assert!(got == expected, "{}", sample.name);
        }
        // Several windows, and no tokens at all.
        let case = CaseFile::from_json(SAMPLES[0].case_json()).unwrap();
        let mut report = analyze_with_reference(&case, &AnalyzeOptions::at(0));
        let many: Vec<_> = all.iter().cycle().take(WINDOW * 2 + 7).cloned().collect();
        for tokens in [many, Vec::new()] {
            report.tokens = tokens;
            let expected = serde_json::to_vec_pretty(&report).unwrap();
            let mut got = Vec::new();
            write_report(&mut got, report.clone(), pool).unwrap();
            assert!(got == expected, "{} tokens", report.tokens.len());
        }
    }
}
