//! Invariants the fuzz targets check on every input, beyond "never panics". Each function
//! panics (which libFuzzer reports as a crash) when the engine's output contradicts itself.
//! Kept in a library so the targets stay one screen each and share the checks.
#![forbid(unsafe_code)]

use keyhole_engine::extract::FoundToken;
use keyhole_engine::keys::KeySet;
use keyhole_engine::report::{Report, Verdict};

/// The text as the engine would receive it: analysts paste strings, so invalid UTF-8 is
/// replaced rather than skipped (skipping would waste most mutations).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Undoes the percent-escapes the extractor understands (`%XX`, `%25XX`), byte by byte, the
/// way its module documentation describes them.
pub fn percent_decode(s: &[u8]) -> Vec<u8> {
    fn hex(c: Option<&u8>) -> Option<u8> {
        (*c? as char).to_digit(16).map(|d| d as u8)
    }
    fn pair(s: &[u8], i: usize) -> Option<u8> {
        Some(hex(s.get(i))? << 4 | hex(s.get(i + 1))?)
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        if c == b'%' {
            match pair(s, i + 1) {
                Some(0x25) => match pair(s, i + 3) {
                    Some(inner) => {
                        out.push(inner);
                        i += 5;
                    }
                    None => {
                        out.push(b'%');
                        i += 3;
                    }
                },
                Some(v) => {
                    out.push(v);
                    i += 3;
                }
                None => {
                    out.push(b'%');
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Extraction: every location lies inside the text on character boundaries, points at the
/// token (or its URL-encoded form), and has the right line and column; counts are consistent
/// and tokens are distinct.
pub fn check_found(text: &str, found: &[FoundToken]) {
    let mut seen = std::collections::HashSet::new();
    for f in found {
        assert!(seen.insert(f.token.as_str()), "token reported twice");
        assert!(!f.locations.is_empty(), "a found token without a location");
        assert!(
            f.count >= f.locations.len(),
            "count below the number of locations"
        );
        assert!(!f.token.is_empty(), "an empty token was found");
        for loc in &f.locations {
            let end = loc
                .offset
                .checked_add(loc.length)
                .expect("offset + length overflows");
            assert!(end <= text.len(), "location beyond the end of the text");
            assert!(
                text.is_char_boundary(loc.offset) && text.is_char_boundary(end),
                "location splits a UTF-8 character"
            );
            let slice = &text.as_bytes()[loc.offset..end];
            assert!(
                slice == f.token.as_bytes() || percent_decode(slice) == f.token.as_bytes(),
                "location does not point at the token: {:?} vs {:?}",
                String::from_utf8_lossy(slice),
                f.token
            );
            let before = &text[..loc.offset];
            let line = 1 + before.bytes().filter(|&c| c == b'\n').count();
            let line_start = before.rfind('\n').map_or(0, |p| p + 1);
            let column = 1 + text[line_start..loc.offset].chars().count();
            assert_eq!((loc.line, loc.column), (line, column), "wrong line/column");
        }
    }
}

/// Key sets: everything is numbered as the set says, and key ids are unique.
pub fn check_key_set(set: &KeySet, index: usize) {
    assert_eq!(set.index, index);
    let mut ids = std::collections::HashSet::new();
    for key in &set.keys {
        assert_eq!(key.set_index, index, "key in the wrong set");
        assert!(ids.insert(key.id.as_str()), "duplicate key id {}", key.id);
    }
    for p in &set.problems {
        assert_eq!(p.set_index, index, "problem in the wrong set");
        assert!(!p.message.is_empty(), "a key problem without a message");
    }
    serde_json::to_string(set).expect("a key set must serialise");
}

/// Reports: the summary adds up, every finding has words, and the report serialises to JSON
/// that reads back to the same report.
pub fn check_report(report: &Report) {
    let s = &report.summary;
    assert_eq!(s.tokens, report.tokens.len(), "summary.tokens");
    assert_eq!(
        s.malformed + s.violation + s.invalid + s.unverified + s.permitted,
        s.tokens,
        "verdicts add up"
    );
    let count = |v: Verdict| report.tokens.iter().filter(|t| t.verdict == v).count();
    assert_eq!(s.malformed, count(Verdict::Malformed));
    assert_eq!(s.violation, count(Verdict::Violation));
    assert_eq!(s.invalid, count(Verdict::Invalid));
    let findings = report
        .tokens
        .iter()
        .map(|t| t.findings.len())
        .sum::<usize>()
        + report.keys.iter().map(|k| k.findings.len()).sum::<usize>();
    assert_eq!(s.errors + s.warnings + s.infos, findings, "findings add up");
    assert_eq!(s.keys, report.keys.len(), "summary.keys");
    for (i, t) in report.tokens.iter().enumerate() {
        assert_eq!(t.index, i, "token indexes are positions");
        assert!(!t.verdict_reason.is_empty(), "a verdict without a reason");
        assert_eq!(t.fingerprint.len(), 64, "fingerprint is SHA-256 hex");
        assert_eq!(
            t.verdict == Verdict::Malformed,
            t.error.is_some(),
            "malformed iff error"
        );
    }
    let json = serde_json::to_string(report).expect("a report must serialise");
    let back: Report = serde_json::from_str(&json).expect("a report must read back");
    assert!(
        back == *report,
        "the report does not round-trip through JSON"
    );
}

/// The analysis driven the way the web page drives it — keys read `step` at a time, tokens
/// planned and judged in slices of `step`, the checks answered ahead by a recording of the
/// reference verifier's answers — must give the report of the plain `analyze` loop.
pub fn check_incremental(
    case: &keyhole_engine::CaseFile,
    options: &keyhole_engine::AnalyzeOptions<'_>,
    step: usize,
    expected: &Report,
) {
    use keyhole_engine::verify::{JsonWebTokenVerifier, RecordedAnswers, SignatureVerifier};
    let step = step.max(1);
    let mut reading = keyhole_engine::Analysis::read_keys(case, options);
    while !reading.step(step) {}
    let mut analysis = reading.finish();
    analysis.add_case(case.clone());
    let mut answers = RecordedAnswers::new("recorded");
    while let Some(mut slice) = analysis.next_slice(step) {
        for check in analysis.plan(&mut slice) {
            let answer = JsonWebTokenVerifier.verify(
                check.alg,
                &check.material,
                &check.signing_input,
                &check.signature,
            );
            answers.record_owned(check, answer);
        }
        analysis.judge(slice, &answers);
    }
    let got = analysis.finish();
    let verdicts = |r: &Report| {
        r.tokens
            .iter()
            .map(|t| (t.verdict, t.findings.iter().map(|f| f.code.clone()).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    assert_eq!(verdicts(&got), verdicts(expected), "incremental analysis differs");
    assert_eq!(got.key_sets, expected.key_sets, "key sets differ");
    assert_eq!(got.notes, expected.notes, "notes differ");
}
