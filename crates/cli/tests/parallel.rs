//! `keyhole check` analyses tokens on several threads; its report must be exactly the engine's
//! sequential `analyze_with_reference` report: on the golden cases, and on cases mixing valid,
//! tampered (invalid signature), repeated and malformed tokens, large enough that every worker
//! thread takes several runs of tokens.
#![cfg(test)]

use assert_cmd::Command;
use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile};
use serde_json::Value;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/golden/cases");
const GOLDEN_CASES: [&str; 6] = [
    "algorithms",
    "clean",
    "cross-cloud",
    "header-key-attack",
    "microsoft-families",
    "storm-0558",
];

fn golden(name: &str) -> CaseFile {
    let text = std::fs::read_to_string(format!("{GOLDEN}/{name}.json"))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    CaseFile::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The token with one character of its signature changed within the base64url alphabet: still
/// well-formed, but its signature no longer verifies.
fn tampered(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let sig_start = token.rfind('.').map_or(0, |i| i + 1);
    let at = sig_start + (bytes.len() - sig_start) / 2;
    if let Some(b) = bytes.get_mut(at) {
        *b = if *b == b'A' { b'B' } else { b'A' };
    }
    String::from_utf8(bytes).unwrap()
}

/// The golden case's tokens repeated, each followed by a tampered copy, plus malformed entries
/// and the same tokens inside `text`, so every verdict and input path appears many times.
fn mixed(name: &str) -> CaseFile {
    let mut case = golden(name);
    let originals = case.tokens.clone();
    case.tokens.clear();
    for round in 0..30 {
        for t in &originals {
            case.tokens.push(t.clone());
            case.tokens.push(tampered(t));
        }
        case.tokens.push(format!("not-a-token-{round}"));
    }
    case.text = Some(format!(
        "Authorization: Bearer {}\nset-cookie: x={}",
        originals.join("\nAuthorization: Bearer "),
        originals
            .iter()
            .map(|t| tampered(t))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    case
}

/// The output of `keyhole check - --threads N` with the case on stdin.
fn cli_output(case: &CaseFile, threads: usize) -> String {
    let json = serde_json::to_string(case).unwrap();
    let out = Command::cargo_bin("keyhole")
        .unwrap_or_else(|e| panic!("the keyhole binary is built by cargo test: {e}"))
        .args(["check", "-", "--threads", &threads.to_string()])
        .write_stdin(json)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("not UTF-8: {e}"))
}

/// The engine's sequential report, pretty-printed as the CLI prints it.
fn sequential_output(case: &CaseFile) -> String {
    // Every case here has `now`, so the default time is never used.
    let report = analyze_with_reference(case, &AnalyzeOptions::at(0));
    serde_json::to_string_pretty(&report).unwrap() + "\n"
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}"))
}

#[test]
fn parallel_report_equals_the_sequential_one_on_the_golden_cases() {
    for name in GOLDEN_CASES {
        let case = golden(name);
        assert!(case.now.is_some(), "{name} has no now");
        let expected = sequential_output(&case);
        for threads in [1, 3] {
            assert!(
                cli_output(&case, threads) == expected,
                "{name} with {threads} threads differs from the sequential report"
            );
        }
    }
}

#[test]
fn parallel_report_equals_the_sequential_one_with_invalid_signatures() {
    for name in ["algorithms", "storm-0558"] {
        let case = mixed(name);
        let expected = sequential_output(&case);
        let expected_json = json(&expected);
        let tokens = expected_json["tokens"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(tokens.len() > 100, "{name}: only {} tokens", tokens.len());
        // Tampered tokens are `invalid` (issue 12), not violations.
        for v in ["malformed", "invalid"] {
            assert!(
                tokens.iter().any(|t| t["verdict"] == v),
                "{name}: no {v} token"
            );
        }
        let invalid = tokens
            .iter()
            .filter(|t| t["signature"]["outcome"] == "signature_invalid")
            .count();
        assert!(invalid > 10, "{name}: {invalid} invalid signatures");
        assert!(
            tokens.iter().any(|t| t["found_at"]["source"] == "text"),
            "{name}: no token found in text"
        );
        for threads in [2, 5] {
            let got = cli_output(&case, threads);
            let verdicts = |r: &Value| {
                r["tokens"]
                    .as_array()
                    .map(|t| t.iter().map(|t| t["verdict"].clone()).collect::<Vec<_>>())
            };
            assert_eq!(
                verdicts(&json(&got)),
                verdicts(&expected_json),
                "{name}, {threads} threads"
            );
            assert!(
                got == expected,
                "{name} with {threads} threads differs from the sequential report"
            );
        }
    }
}
