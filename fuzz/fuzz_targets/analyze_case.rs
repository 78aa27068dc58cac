//! A whole case file through the analysis, with the reference verifier: never panics; the
//! report adds up, round-trips through JSON, and renders and exports.
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
    let report = keyhole_engine::analyze_with_reference(&case, &AnalyzeOptions::at(NOW));
    keyhole_fuzz::check_report(&report);
    let _ = render::to_markdown(&report);
    let _ = render::to_text(&report);
    let _ = export::prepare(
        &report,
        ExportOptions {
            redact_personal: true,
            fingerprint_tokens: true,
        },
    );
});
