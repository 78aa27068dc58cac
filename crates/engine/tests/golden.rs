//! The golden set: every built-in sample case gives the verdicts and finding codes an analyst
//! expects (written by hand below), and its whole report equals the committed snapshot in
//! `golden/reports/` (refresh deliberately with `KEYHOLE_UPDATE_GOLDEN=1`).

use keyhole_engine::report::Verdict;
use keyhole_engine::samples::SAMPLES;
use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile, Report};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Expected (verdict, codes that must be present) per token, and key-level codes, per sample.
fn expected(name: &str) -> (Vec<(Verdict, Vec<&'static str>)>, Vec<&'static str>) {
    match name {
        "clean" => (vec![(Verdict::Permitted, vec![])], vec![]),
        "storm-0558" => (
            vec![
                (
                    Verdict::Violation,
                    vec![
                        "consumer-key-for-organization-tenant",
                        "signing-cert-expired-at-issue",
                    ],
                ),
                (
                    Verdict::Violation,
                    vec![
                        "consumer-key-for-organization-tenant",
                        "signing-cert-expired-at-issue",
                    ],
                ),
            ],
            vec!["key-used-across-tenants"],
        ),
        "cross-cloud" => (
            vec![
                (Verdict::Violation, vec!["cross-cloud-key"]),
                (Verdict::Violation, vec!["cross-cloud-key"]),
            ],
            vec![],
        ),
        "header-key-attack" => (
            vec![
                (Verdict::Violation, vec!["header-embedded-key"]),
                (Verdict::Violation, vec!["header-embedded-key"]),
            ],
            vec![],
        ),
        "algorithms" => (
            (0..13).map(|_| (Verdict::Permitted, vec![])).collect(),
            vec![],
        ),
        other => unreachable!("no expectation written for sample {other}"),
    }
}

fn report_of(json: &str) -> Report {
    let case = CaseFile::from_json(json).unwrap_or_else(|e| unreachable!("{e}"));
    analyze_with_reference(&case, &AnalyzeOptions::at(0))
}

#[test]
fn every_sample_gives_the_expected_verdicts_and_codes() {
    for sample in SAMPLES {
        let report = report_of(sample.case_json());
        let (tokens, key_codes) = expected(sample.name);
        assert_eq!(
            report.tokens.len(),
            tokens.len(),
            "{}: token count",
            sample.name
        );
        for (t, (verdict, codes)) in report.tokens.iter().zip(&tokens) {
            let got: Vec<&str> = t.findings.iter().map(|f| f.code.as_str()).collect();
            assert_eq!(
                t.verdict, *verdict,
                "{} token {}: {got:?} {}",
                sample.name, t.index, t.verdict_reason
            );
            for code in codes {
                assert!(
                    got.contains(code),
                    "{} token {}: {code} missing from {got:?}",
                    sample.name,
                    t.index
                );
            }
            if *verdict == Verdict::Permitted {
                assert!(t
                    .findings
                    .iter()
                    .all(|f| f.severity != keyhole_engine::report::Severity::Error));
            }
        }
        let got_keys: Vec<&str> = report
            .keys
            .iter()
            .flat_map(|k| &k.findings)
            .map(|f| f.code.as_str())
            .collect();
        for code in key_codes {
            assert!(
                got_keys.contains(&code),
                "{}: key-level {code} missing from {got_keys:?}",
                sample.name
            );
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_sample_report_matches_its_snapshot() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/reports");
    let update = std::env::var_os("KEYHOLE_UPDATE_GOLDEN").is_some();
    for sample in SAMPLES {
        let report = report_of(sample.case_json());
        let got =
            serde_json::to_string_pretty(&report).unwrap_or_else(|e| unreachable!("{e}")) + "\n";
        let path = dir.join(format!("{}.json", sample.name));
        if update {
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| unreachable!("{e}"));
            std::fs::write(&path, &got).unwrap_or_else(|e| unreachable!("{e}"));
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            unreachable!("{}: {e}; run with KEYHOLE_UPDATE_GOLDEN=1", path.display())
        });
        assert!(got == want, "{}: the report differs from golden/reports/{}.json; if the change is intended, refresh with KEYHOLE_UPDATE_GOLDEN=1", sample.name, sample.name);
    }
}
