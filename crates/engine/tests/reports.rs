#![cfg(test)]
//! The reports for people (issue 15/16): typed evidence shown in words, one name per key in
//! every format, the ticket reports (Markdown, HTML) and redaction in each of them. Every
//! built-in sample is analysed and its renderings compared with its JSON report.

use keyhole_engine::export::{prepare, ExportOptions, REDACTED};
use keyhole_engine::model::EvidenceValue;
use keyhole_engine::render::{finding_for_clipboard, finding_sentence, to_text};
use keyhole_engine::report::Verdict;
use keyhole_engine::samples::SAMPLES;
use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile, Report};
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The Markdown report with its per-key timelines (publication windows from the built-in
/// catalogue), as `keyhole check --format markdown` writes it.
fn to_markdown(r: &Report) -> String {
    let lines = keyhole_engine::catalogue::timelines(r, keyhole_engine::catalogue::embedded().ok());
    keyhole_engine::render::to_markdown(r, &lines)
}

/// The HTML report, likewise.
fn to_html(r: &Report) -> String {
    let lines = keyhole_engine::catalogue::timelines(r, keyhole_engine::catalogue::embedded().ok());
    keyhole_engine::render::to_html(r, &lines)
}

fn report_of(case_json: &str) -> Report {
    let case = CaseFile::from_json(case_json).unwrap();
    analyze_with_reference(&case, &AnalyzeOptions::at(case.now.unwrap_or(0)))
}

fn reports() -> Vec<(&'static str, Report)> {
    SAMPLES
        .iter()
        .map(|s| (s.name, report_of(s.case_json())))
        .collect()
}

/// Evidence names that hold a time.
const TIME_NAMES: &[&str] = &[
    "iat",
    "exp",
    "nbf",
    "now",
    "not_before",
    "not_after",
    "abused_from",
];

#[test]
fn times_in_evidence_carry_the_epoch_and_utc_and_nothing_shows_raw_json() {
    let mut times = 0;
    let mut findings = 0;
    for (name, r) in reports() {
        let all = r
            .tokens
            .iter()
            .flat_map(|t| &t.findings)
            .chain(r.keys.iter().flat_map(|k| &k.findings));
        for f in all {
            findings += 1;
            let json = f.evidence_json();
            for (k, v) in &f.evidence {
                // invalid-time-claim quotes time claims that are not numbers, as written.
                if TIME_NAMES.contains(&k.as_str())
                    && f.code != "invalid-time-claim"
                    && !matches!(v, EvidenceValue::None)
                {
                    let EvidenceValue::Time(t) = v else {
                        panic!("{name} {}: {k} is not a time: {v:?}", f.code)
                    };
                    assert_eq!(json[k]["epoch"], Value::from(t.epoch));
                    assert!(json[k]["utc"].as_str().is_some_and(|u| u.ends_with('Z')));
                    assert!(v.words().ends_with(" UTC"), "{}", v.words());
                    times += 1;
                }
                let words = v.words();
                // Text is shown as written (a header as signed is JSON text); typed values never
                // show their JSON form.
                if !matches!(v, EvidenceValue::Text(_)) {
                    assert!(
                        !words.contains("{\""),
                        "{name} {} {k}: raw JSON {words}",
                        f.code
                    );
                }
                if let EvidenceValue::Scope(_) | EvidenceValue::Cloud(_) = v {
                    assert!(!words.contains('_'), "{name} {} {k}: {words}", f.code);
                }
            }
        }
    }
    assert!(
        findings > 20 && times > 3,
        "{findings} findings, {times} times"
    );
}

#[test]
fn a_key_has_one_name_in_json_markdown_html_text_and_evidence() {
    let mut checked = 0;
    for (name, r) in reports() {
        let json = serde_json::to_value(&r).unwrap_or_default();
        let md = to_markdown(&r);
        let html = to_html(&r);
        let text = to_text(&r);
        for (i, t) in r.tokens.iter().enumerate() {
            let Some(k) = &t.signing_key else { continue };
            let set: usize = k
                .key_id
                .split('/')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            if k.provenance.catalogue.is_none() {
                assert!(
                    k.name.starts_with(&format!("key set {} ", set + 1))
                        || k.name == format!("key set {}", set + 1)
                        || k.name.starts_with(&format!("key set {},", set + 1)),
                    "{name}: {} for {}",
                    k.name,
                    k.key_id
                );
            }
            assert_eq!(
                json["tokens"][i]["signing_key"]["name"],
                Value::from(k.name.clone())
            );
            assert!(text.contains(&k.name), "{name}: text lacks {}", k.name);
            if t.verdict != Verdict::Permitted {
                assert!(
                    md.contains(&k.name.replace('_', "\\_")),
                    "{name}: Markdown lacks {}",
                    k.name
                );
                assert!(html.contains(&k.name), "{name}: HTML lacks {}", k.name);
            }
            // Evidence that names this key names it the same way.
            for f in &t.findings {
                if let Some(EvidenceValue::Key(e)) = f.evidence.get("key_id") {
                    if e.key_id == k.key_id {
                        assert_eq!(e.name, k.name, "{name} {}", f.code);
                        assert!(
                            f.message.contains(&k.name) || f.code == "missing-issuer",
                            "{name} {}: {}",
                            f.code,
                            f.message
                        );
                    }
                }
            }
            checked += 1;
        }
        for k in &r.keys {
            assert_eq!(k.name, k.provenance.name());
            assert!(
                md.contains(&k.name.replace('_', "\\_")),
                "{name}: Markdown matrix lacks {}",
                k.name
            );
            assert!(
                html.contains(&k.name),
                "{name}: HTML matrix lacks {}",
                k.name
            );
        }
    }
    assert!(checked > 10, "{checked}");
}

#[test]
fn key_set_problems_name_the_key_as_the_form_does() {
    let case = CaseFile::from_json(
        r#"{"now": 0, "key_sets": [
            {"source": "https://login.microsoftonline.com/common/discovery/v2.0/keys", "document": {"keys": []}},
            {"source": "https://login.microsoftonline.com/consumers/discovery/v2.0/keys",
             "document": {"keys": [{"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"}]}}]}"#,
    )
    .unwrap();
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    let problems = &r.key_sets[1].problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("key set 2 (…/consumers/discovery/v2.0/keys), kid broken: "),
        "{}",
        problems[0]
    );
    assert!(to_markdown(&r).contains("key set 2 (…/consumers/discovery/v2.0/keys), kid broken"));
}

fn redacting() -> ExportOptions {
    ExportOptions {
        redact_personal: true,
        fingerprint_tokens: true,
    }
}

#[test]
fn redaction_changes_every_ticket_format_and_removes_tokens_and_personal_claims() {
    let mut compared = 0;
    for (name, r) in reports() {
        let kept = prepare(&r, ExportOptions::default());
        let red = prepare(&r, redacting());
        let personal: Vec<String> = r
            .tokens
            .iter()
            .filter_map(|t| t.headline().user)
            .filter(|(claim, _)| keyhole_engine::claims::is_personal(claim))
            .map(|(_, v)| v)
            .collect();
        let tokens: Vec<&String> = r.tokens.iter().filter_map(|t| t.token.as_ref()).collect();
        for (format, render) in [
            ("markdown", to_markdown as fn(&Report) -> String),
            ("html", to_html),
        ] {
            let (a, b) = (render(&kept), render(&red));
            assert_ne!(a, b, "{name} {format}: redaction changed nothing");
            for t in r.tokens.iter().filter(|t| t.verdict != Verdict::Permitted) {
                assert!(
                    b.contains(&t.fingerprint),
                    "{name} {format}: no fingerprint"
                );
            }
            for tok in &tokens {
                assert!(
                    !b.contains(tok.as_str()),
                    "{name} {format}: a token survived"
                );
            }
            for p in &personal {
                assert!(
                    !b.contains(&format!("user {p}")),
                    "{name} {format}: {p} survived"
                );
            }
            if !personal.is_empty() {
                assert!(
                    b.contains(REDACTED) || b.contains("\\[redacted\\]"),
                    "{name} {format}"
                );
                assert!(
                    personal.iter().any(|p| a.contains(p.as_str())),
                    "{name} {format}: unredacted lacks the user"
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 10, "{compared}");
}

#[test]
fn html_report_is_self_contained_escaped_and_allows_only_its_own_style() {
    for (name, r) in reports() {
        let html = to_html(&r);
        assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
        for forbidden in [
            "<script", " src=", " href=", "<link", "<img", "url(", "@import",
        ] {
            assert!(!html.contains(forbidden), "{name}: {forbidden}");
        }
        let csp = html
            .split("Content-Security-Policy\" content=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default();
        assert!(
            csp.starts_with("default-src 'none'; style-src 'sha256-"),
            "{csp}"
        );
        let style = html
            .split("<style>")
            .nth(1)
            .and_then(|s| s.split("</style>").next())
            .unwrap_or_default();
        use sha2::Digest;
        let hash = keyhole_engine::b64::encode_std(&sha2::Sha256::digest(style.as_bytes()));
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "{name}: the CSP does not allow the style"
        );
    }
    let mut r = report_of(SAMPLES[0].case_json());
    r.notes.push(keyhole_engine::report::Note::new(
        keyhole_engine::report::NoteCode::NoTokenFound,
        "<img src=x onerror=alert(1)> & \u{202E}",
    ));
    let html = to_html(&r);
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;U+202E&gt;"));
    assert!(!html.contains("<img"));
}

#[test]
fn a_finding_sentence_carries_its_evidence_in_words() {
    let r = report_of(
        SAMPLES
            .iter()
            .find(|s| s.name == "storm-0558")
            .map(|s| s.case_json())
            .unwrap_or_default(),
    );
    let t = &r.tokens[0];
    let f = t
        .findings
        .iter()
        .find(|f| f.code == "signing-cert-expired-at-issue")
        .unwrap();
    let s = finding_sentence(f);
    assert!(
        s.starts_with("Error signing-cert-expired-at-issue: the token's iat"),
        "{s}"
    );
    assert!(s.contains("Evidence: certificate subject = "), "{s}");
    assert!(s.contains("not after = 2021-04-04 14:43:35 UTC"), "{s}");
    assert!(!s.contains("1617547415;"), "{s}");
    let f = t
        .findings
        .iter()
        .find(|f| f.code == "consumer-key-for-organization-tenant")
        .unwrap();
    let s = finding_for_clipboard(t, f);
    assert!(s.starts_with(&format!("Keyhole, token 1 (violation, SHA-256 {}): Error consumer-key-for-organization-tenant: key set 1 (…/common/discovery/v2.0/keys), kid ", t.fingerprint)), "{s}");
    assert!(
        s.contains("key scope = Microsoft consumer accounts only"),
        "{s}"
    );
    assert!(!s.contains("\"kind\""), "{s}");
}
