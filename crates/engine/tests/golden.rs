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
        "verdict-contract" => (
            vec![
                (Verdict::Invalid, vec!["signature-invalid"]),
                (
                    Verdict::Unverified,
                    vec!["names-compromised-key", "key-not-in-trusted-set"],
                ),
                (Verdict::Violation, vec!["weak-signing-key"]),
                (Verdict::Violation, vec!["hmac-secret-too-short"]),
                (Verdict::Violation, vec!["crit-not-understood"]),
                (Verdict::Violation, vec!["crit-not-understood"]),
                (Verdict::Violation, vec!["crit-not-understood"]),
                (Verdict::Violation, vec!["crit-not-understood"]),
                (Verdict::Violation, vec!["invalid-time-claim"]),
                (Verdict::Unverified, vec!["detached-payload"]),
                (Verdict::Permitted, vec!["hashed-nonce-signature"]),
                (Verdict::Invalid, vec!["signature-invalid"]),
                (Verdict::Violation, vec!["secret-key-published"]),
                (Verdict::Permitted, vec!["ambiguous-key-id"]),
                (Verdict::Permitted, vec!["ambiguous-key-provenance"]),
                (Verdict::Permitted, vec![]),
            ],
            vec!["secret-key-published"],
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

/// Each token's verdict and the codes (with severities) of its findings, in a comparable form:
/// what must not depend on the order of key sets or keys.
fn outcome(report: &Report) -> Vec<(Verdict, Vec<(String, keyhole_engine::report::Severity)>)> {
    report
        .tokens
        .iter()
        .map(|t| {
            let mut codes: Vec<_> = t
                .findings
                .iter()
                .map(|f| (f.code.clone(), f.severity))
                .collect();
            codes.sort();
            (t.verdict, codes)
        })
        .collect()
}

/// Every reordering of a case's key sets, and of the keys inside each key document: reversed,
/// rotated by one, and each set's keys reversed.
fn reorderings(case: &CaseFile) -> Vec<CaseFile> {
    let reverse_keys = |c: &mut CaseFile| {
        for set in &mut c.key_sets {
            if let Some(keys) = set
                .document
                .get_mut("keys")
                .and_then(serde_json::Value::as_array_mut)
            {
                keys.reverse();
            }
        }
    };
    let mut out = Vec::new();
    let mut reversed = case.clone();
    reversed.key_sets.reverse();
    out.push(reversed.clone());
    reverse_keys(&mut reversed);
    out.push(reversed);
    if case.key_sets.len() > 2 {
        let mut rotated = case.clone();
        rotated.key_sets.rotate_left(1);
        out.push(rotated);
    }
    let mut keys_only = case.clone();
    reverse_keys(&mut keys_only);
    out.push(keys_only);
    let mut secrets = case.clone();
    secrets.hmac_secrets.reverse();
    out.push(secrets);
    out
}

/// Issue 12: the verdict and findings are the same for any order of key sets and of keys.
#[test]
fn verdicts_do_not_depend_on_the_order_of_key_sets_or_keys() {
    let mut compared = 0;
    for sample in SAMPLES {
        let case = CaseFile::from_json(sample.case_json()).unwrap_or_else(|e| unreachable!("{e}"));
        let want = outcome(&analyze_with_reference(&case, &AnalyzeOptions::at(0)));
        for (i, variant) in reorderings(&case).into_iter().enumerate() {
            let got = outcome(&analyze_with_reference(&variant, &AnalyzeOptions::at(0)));
            assert_eq!(got, want, "{} reordering {i}", sample.name);
            compared += 1;
        }
    }
    assert!(compared >= 20, "{compared}");
}

/// Issue 12's codes fire on exactly the tokens of the verdict-contract sample built for them,
/// and on no other token of any sample (firing and not firing, for each code).
#[test]
fn verdict_contract_codes_fire_exactly_where_expected() {
    let expected: &[(&str, &[usize])] = &[
        ("signature-invalid", &[0, 11]),
        ("names-compromised-key", &[1]),
        ("known-compromised-key", &[]),
        ("weak-signing-key", &[2]),
        ("hmac-secret-too-short", &[3]),
        ("crit-not-understood", &[4, 5, 6, 7]),
        ("invalid-time-claim", &[8]),
        ("detached-payload", &[9]),
        ("hashed-nonce-signature", &[10]),
        ("secret-key-published", &[12]),
        ("ambiguous-key-id", &[13]),
        ("ambiguous-key-provenance", &[14]),
        ("signing-cert-expired-at-issue", &[]),
    ];
    for sample in SAMPLES {
        let report = report_of(sample.case_json());
        for (code, tokens) in expected {
            let got: Vec<usize> = report
                .tokens
                .iter()
                .filter(|t| t.findings.iter().any(|f| f.code == *code))
                .map(|t| t.index)
                .collect();
            let want: Vec<usize> = if sample.name == "verdict-contract" {
                tokens.to_vec()
            } else {
                Vec::new()
            };
            if sample.name == "storm-0558" && *code == "signing-cert-expired-at-issue" {
                continue;
            }
            assert_eq!(got, want, "{}: {code}", sample.name);
        }
    }
}
