//! A whole case file through the analysis, with the reference verifier: never panics; the
//! report adds up, round-trips through JSON, and renders and exports; the incremental analysis
//! (keys and tokens in slices whose size comes from the input, checks planned and answered
//! ahead) gives the same verdicts.
#![no_main]
#![forbid(unsafe_code)]

use keyhole_engine::export::{self, ExportOptions};
use keyhole_engine::{render, AnalyzeOptions, CaseFile};
use libfuzzer_sys::fuzz_target;

/// 2023-07-01T00:00:00Z: a fixed clock, so a crash replays the same way.
const NOW: i64 = 1_688_169_600;

fuzz_target!(|data: &[u8]| {
    let text = keyhole_fuzz::text(data);
    let Ok(case) = CaseFile::from_json(&text) else {
        return;
    };
    let options = AnalyzeOptions::at(NOW);
    let report = keyhole_engine::analyze_with_reference(&case, &options);
    keyhole_fuzz::check_report(&report);
    let step = usize::from(data.last().copied().unwrap_or(1) % 7) + 1;
    keyhole_fuzz::check_incremental(&case, &options, step, &report);
    let lines = keyhole_engine::catalogue::timelines(&report, None);
    let _ = render::to_markdown(&report, &lines);
    let _ = render::to_html(&report, &lines);
    let _ = render::to_text(&report);
    let _ = export::prepare(
        &report,
        ExportOptions {
            redact_personal: true,
            fingerprint_tokens: true,
        },
    );
});
