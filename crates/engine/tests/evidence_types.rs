//! The engine's own facts in evidence are typed (issue 16): a catalogue publication window, a
//! catalogue key and one key set's account of a key are records with times as
//! `{"epoch", "utc"}`, not JSON objects, so that no report type holds `serde_json::Value` but
//! claim and header values. Each reads back from the report's JSON as itself and reads in words.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod families_support;

use families_support::*;
use keyhole_engine::catalogue::Catalogue;
use keyhole_engine::model::{EvidenceValue, WindowSide};
use keyhole_engine::report::{Finding, Report};
use keyhole_engine::samples::SAMPLES;
use keyhole_engine::time::format_utc;
use keyhole_engine::{analyze_with_reference, Analysis, AnalyzeOptions, CaseFile};
use serde_json::json;

const DAY: i64 = 86_400;

fn finding<'r>(r: &'r Report, code: &str) -> &'r Finding {
    r.tokens
        .iter()
        .flat_map(|t| &t.findings)
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code}"))
}

/// The finding's evidence as the report's JSON carries it, read back: the same values.
fn reads_back(f: &Finding) {
    let json = serde_json::to_string(&f.evidence).unwrap();
    let back: std::collections::BTreeMap<String, EvidenceValue> =
        serde_json::from_str(&json).unwrap();
    assert_eq!(back, f.evidence, "{json}");
}

fn list<'f>(f: &'f Finding, name: &str) -> &'f [EvidenceValue] {
    match f.evidence.get(name) {
        Some(EvidenceValue::List(items)) if !items.is_empty() => items,
        other => panic!("{}: {name} is {other:?}", f.code),
    }
}

#[test]
fn publication_windows_are_typed_with_times_and_open_bounds() {
    let at = format_utc;
    let (endpoint, kid) = ("https://idp.example/keys", "synthetic-catalogued-kid-0005");
    let mut jwk = GLOBAL_KEY.jwk(json!({}));
    jwk["kid"] = json!(kid);
    // Seen from NOW - 100 days (the archive's first snapshot: open before) to NOW - 10 days,
    // gone at NOW - 5 days.
    let doc = json!({"format": 1, "latest_snapshot": at(NOW),
        "endpoints": [{"url": endpoint, "issuer": "https://idp.example", "cloud": null,
            "archives": [{"id": "a", "source": "test", "url": null, "repository": null,
                "path": null, "commit": null, "first": at(NOW - 100 * DAY), "last": at(NOW), "count": 30}]}],
        "keys": [{"kid": kid, "cloud": null, "cloud_from": null, "certificate": null, "jwk": jwk,
            "publications": [{"endpoint": endpoint, "archive": "a",
                "first_seen": at(NOW - 100 * DAY), "last_seen": at(NOW - 10 * DAY), "snapshots": 9,
                "absent_before": null, "absent_after": at(NOW - 5 * DAY)}]}]});
    let synthetic = Catalogue::from_json(&doc.to_string()).unwrap();
    let case = CaseFile {
        now: Some(NOW),
        tokens: vec![GLOBAL_KEY.sign(
            json!({"kid": kid}),
            &json!({"iss": "https://idp.example", "aud": "x", "iat": NOW - 60, "exp": NOW + 3600}),
        )],
        ..CaseFile::default()
    };
    let options = AnalyzeOptions::at(NOW);
    let mut analysis = Analysis::new(&case, &options);
    analysis.set_catalogue(Some(&synthetic));
    analysis.add_case(case);
    while let Some(slice) = analysis.next_slice(10) {
        analysis.judge(slice, &keyhole_engine::verify::JsonWebTokenVerifier);
    }
    let r = analysis.finish();
    let f = finding(&r, "key-not-published-at-issue");
    reads_back(f);
    let [EvidenceValue::Publication(w)] = list(f, "windows") else {
        panic!("{:?}", f.evidence.get("windows"))
    };
    assert_eq!(w.endpoint, endpoint);
    assert_eq!(w.side, WindowSide::AfterLastSeen);
    assert_eq!(w.last_seen.as_ref().map(|t| t.epoch), Some(NOW - 10 * DAY));
    assert_eq!(
        w.absent_after.as_ref().map(|t| t.utc.clone()),
        Some(at(NOW - 5 * DAY))
    );
    assert_eq!(w.absent_before, None);
    assert_eq!(w.snapshot_gap_days, Some(5.0));
    let json = serde_json::to_value(&f.evidence).unwrap();
    assert_eq!(
        json["windows"][0]["last_seen"],
        json!({"epoch": NOW - 10 * DAY, "utc": at(NOW - 10 * DAY)})
    );
    assert_eq!(json["windows"][0]["side"], "after_last_seen");
    let words = f.evidence["windows"].words();
    assert!(
        words.contains("seen from ") && words.contains(" UTC") && words.contains("open before"),
        "{words}"
    );
    assert!(words.contains("after it was last seen, 5 days"), "{words}");
    assert!(!words.contains("{\""), "{words}");
}

#[test]
fn a_catalogue_key_mismatch_lists_typed_catalogue_keys() {
    const STORM_KID: &str = "1LTMzakihiRla_8z2BEJVXeWMqo";
    let token = GLOBAL_KEY.sign(
        json!({"kid": STORM_KID}),
        &json!({"iss": "https://idp.example", "aud": "x", "iat": NOW - 60, "exp": NOW + 3600}),
    );
    let mut jwk = GLOBAL_KEY.jwk(json!({}));
    jwk["kid"] = json!(STORM_KID);
    let r = analyze_with_reference(
        &CaseFile {
            now: Some(NOW),
            tokens: vec![token],
            key_sets: vec![key_set("https://idp.example/keys", jwks(vec![jwk]))],
            ..CaseFile::default()
        },
        &AnalyzeOptions::at(NOW),
    );
    let f = finding(&r, "catalogue-key-mismatch");
    reads_back(f);
    let keys = list(f, "catalogue_keys");
    for k in keys {
        let EvidenceValue::CatalogueKey(k) = k else {
            panic!("{k:?}")
        };
        assert!(k
            .endpoints
            .iter()
            .any(|e| e.contains("login.microsoftonline.com")));
        assert!(k.first_seen.as_ref().is_some_and(|t| t.utc.ends_with('Z')));
    }
    let words = f.evidence["catalogue_keys"].words();
    assert!(
        words.starts_with("JWK thumbprint ") && words.contains(" UTC"),
        "{words}"
    );
}

#[test]
fn ambiguous_key_provenance_lists_each_key_sets_account_by_key_name() {
    let sample = SAMPLES
        .iter()
        .find(|s| s.name == "verdict-contract")
        .unwrap();
    let case = CaseFile::from_json(sample.case_json()).unwrap();
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(case.now.unwrap_or(0)));
    let f = finding(&r, "ambiguous-key-provenance");
    reads_back(f);
    let accounts = list(f, "key_sets");
    assert!(accounts.len() >= 2);
    for a in accounts {
        let EvidenceValue::KeySetAccount(a) = a else {
            panic!("{a:?}")
        };
        assert!(a.key.name.starts_with("key set "), "{}", a.key.name);
        assert!(f.message.contains(&a.key.name), "{}", f.message);
        assert!(a.evidence_strength <= 2);
    }
    let words = f.evidence["key_sets"].words();
    assert!(
        words.contains("strong evidence for ") && !words.contains("{\""),
        "{words}"
    );
}

/// Across every built-in sample, JSON evidence holds only what the token wrote: objects under
/// the names of the claim and header values the rules quote.
#[test]
fn json_evidence_is_only_claim_and_header_values() {
    let mut json_values = 0;
    for s in SAMPLES {
        let case = CaseFile::from_json(s.case_json()).unwrap();
        let r = analyze_with_reference(&case, &AnalyzeOptions::at(case.now.unwrap_or(0)));
        let findings = r
            .tokens
            .iter()
            .flat_map(|t| &t.findings)
            .chain(r.keys.iter().flat_map(|k| &k.findings));
        for f in findings {
            for (name, v) in &f.evidence {
                let mut stack = vec![v];
                while let Some(v) = stack.pop() {
                    match v {
                        EvidenceValue::List(items) => stack.extend(items),
                        EvidenceValue::Json(_) => {
                            json_values += 1;
                            assert!(
                                ["crit", "token_aud", "jwk"].contains(&name.as_str())
                                    || f.code == "invalid-time-claim",
                                "{}: {name} is JSON",
                                f.code
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    // Not a count to meet: it only says whether the samples had any.
    eprintln!("JSON evidence values in the samples: {json_values}");
}
