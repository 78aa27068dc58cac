//! The per-key timeline in the ticket reports (issue 14): the Markdown report carries its text
//! alternative as a table (key, certificate validity, publication window, first and last iat,
//! tokens), the HTML report the engine's SVG and its description, both from
//! `catalogue::timelines` of the report as exported, so redaction holds; a case in which no key
//! verified a token has no timeline section. Tokens are signed at test time with the committed
//! synthetic keys (families_support); the catalogue holding one of them is written here.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod families_support;

use families_support::*;
use keyhole_engine::catalogue::{self, Catalogue};
use keyhole_engine::export::{prepare, ExportOptions};
use keyhole_engine::render::{to_html, to_markdown};
use keyhole_engine::render_remote::{encode_request, render_request, DocumentFormat};
use keyhole_engine::report::Report;
use keyhole_engine::time::format_utc;
use keyhole_engine::{Analysis, AnalyzeOptions, CaseFile};
use serde_json::{json, Value};

const DAY: i64 = 86_400;
const ENDPOINT: &str = "https://idp.example/keys";
const KID: &str = "synthetic-catalogued-kid-0004";
const HEADING: &str = "When each key signed";

/// A catalogue holding the synthetic global key under [`KID`], seen at [`ENDPOINT`] from
/// NOW - 100 days to NOW - 10 days and gone from NOW - 5 days.
fn synthetic_catalogue() -> Catalogue {
    let at = format_utc;
    let mut jwk = GLOBAL_KEY.jwk(json!({}));
    jwk["kid"] = json!(KID);
    let doc = json!({"format": 1, "latest_snapshot": at(NOW),
        "endpoints": [{"url": ENDPOINT, "issuer": "https://idp.example", "cloud": null,
            "archives": [{"id": "a", "source": "test", "url": null, "repository": null,
                "path": null, "commit": null, "first": at(NOW - 200 * DAY), "last": at(NOW), "count": 30}]}],
        "keys": [{"kid": KID, "cloud": null, "cloud_from": null, "certificate": null, "jwk": jwk,
            "publications": [{"endpoint": ENDPOINT, "archive": "a",
                "first_seen": at(NOW - 100 * DAY), "last_seen": at(NOW - 10 * DAY), "snapshots": 9,
                "absent_before": at(NOW - 120 * DAY), "absent_after": at(NOW - 5 * DAY)}]}]});
    Catalogue::from_json(&doc.to_string()).unwrap()
}

fn claims(iat: i64, upn: &str) -> Value {
    json!({"iss": "https://idp.example", "aud": "api://x", "sub": "s", "upn": upn,
        "iat": iat, "nbf": iat, "exp": iat + 3600})
}

/// Two tokens under the catalogue's kid, no key set: one issued inside the publication window
/// (NOW - 50 days), one after the key was gone (NOW - 1 minute); judged with `catalogue`.
fn judged(catalogue: Option<&Catalogue>) -> Report {
    let case = CaseFile {
        now: Some(NOW),
        tokens: vec![
            GLOBAL_KEY.sign(
                json!({"kid": KID}),
                &claims(NOW - 60, "late.user@example.com"),
            ),
            GLOBAL_KEY.sign(
                json!({"kid": KID}),
                &claims(NOW - 50 * DAY, "early.user@example.com"),
            ),
        ],
        ..CaseFile::default()
    };
    let options = AnalyzeOptions::at(NOW);
    let mut analysis = Analysis::new(&case, &options);
    analysis.set_catalogue(catalogue);
    analysis.add_case(case);
    while let Some(slice) = analysis.next_slice(10) {
        analysis.judge(slice, &keyhole_engine::verify::JsonWebTokenVerifier);
    }
    analysis.finish()
}

/// The ticket reports of `report` as exported (redacted or not), with its timelines drawn from
/// the exported report, as the CLI and the page do.
fn documents(report: &Report, catalogue: Option<&Catalogue>, redact: bool) -> (String, String) {
    let out = prepare(
        report,
        ExportOptions {
            redact_personal: redact,
            fingerprint_tokens: redact,
        },
    );
    let lines = catalogue::timelines(&out, catalogue);
    (to_markdown(&out, &lines), to_html(&out, &lines))
}

/// The part of a document from the timeline heading on (it is the report's last section).
fn timeline_section(doc: &str) -> &str {
    doc.find(HEADING).map_or("", |at| &doc[at..])
}

#[test]
fn the_markdown_report_tabulates_each_signing_keys_timeline() {
    let cat = synthetic_catalogue();
    let report = judged(Some(&cat));
    assert!(report.tokens.iter().all(|t| t
        .signing_key
        .as_ref()
        .is_some_and(|k| k.verified && k.provenance.catalogue.is_some())));
    let (md, _) = documents(&report, Some(&cat), true);
    let section = timeline_section(&md);
    assert!(md.contains(&format!("## {HEADING}")), "{md}");
    let head = "| key | certificate valid | seen published | tokens verified | first iat | last iat | outside certificate | outside publication |";
    assert!(section.contains(head), "{section}");
    // One row: the key by its one name, no certificate, the window seen at the endpoint, two
    // tokens from NOW - 50 days to NOW - 1 minute, one of them after the key was gone.
    let day = |t: i64| format_utc(t)[..10].to_owned();
    let row = format!(
        "| catalogue key (…/keys), kid {} | no certificate | https://idp.example/keys: {} to {} | 2 | {} | {} | n/a | 1 |",
        KID.replace('_', "\\_"),
        day(NOW - 100 * DAY),
        day(NOW - 10 * DAY),
        format_utc(NOW - 50 * DAY),
        format_utc(NOW - 60),
    );
    assert!(section.contains(&row), "{row}\n{section}");
    assert_eq!(section.matches("\n| catalogue key").count(), 1, "{section}");
    // Markdown carries no picture.
    assert!(!md.contains("<svg"));
}

#[test]
fn the_html_report_embeds_the_engines_svg_with_its_text_alternative() {
    let cat = synthetic_catalogue();
    let report = judged(Some(&cat));
    let (_, html) = documents(&report, Some(&cat), true);
    let lines = catalogue::timelines(&prepare(&report, redacting()), Some(&cat));
    assert_eq!(lines.len(), 1);
    let section = timeline_section(&html);
    assert!(
        section.contains(&lines[0].svg("timeline-title-0")),
        "{section}"
    );
    assert!(section.contains(&format!(
        "<figcaption>catalogue key (…/keys), kid {KID}</figcaption>"
    )));
    for line in lines[0].describe() {
        assert!(section.contains(&format!("<li>{line}</li>")), "{line}");
    }
    assert!(section.contains("<th>seen published</th>"));
    // The picture needs nothing the report's CSP refuses: no script, no resource, no style
    // attribute (only the hashed stylesheet may style), and the stylesheet colours its marks in
    // both schemes and keeps them in print.
    for forbidden in ["<script", " src=", " href=", " style=", "url("] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    for needed in [
        ".tl-seen{",
        ".tl-outside{",
        "screen and (prefers-color-scheme:dark)",
        "print-color-adjust:exact",
    ] {
        assert!(html.contains(needed), "{needed}");
    }
}

/// The document module draws the timelines itself, with the page's catalogue when the page's
/// analyses consult it (the request says so), from the report as the page prepared it.
#[test]
fn the_documents_module_draws_the_timelines_with_the_page_catalogue() {
    let cat = synthetic_catalogue();
    let judged = judged(Some(&cat));
    let out = prepare(&judged, redacting());
    let lines = catalogue::timelines(&out, Some(&cat));
    for format in [DocumentFormat::Markdown, DocumentFormat::Html] {
        let request = encode_request(&judged, format, true, redacting()).unwrap();
        assert_eq!(
            render_request(&request, || Ok(&cat)).unwrap(),
            format.render(&out, &lines).unwrap()
        );
    }
    // Without the catalogue the same keys are drawn without publication windows, and the
    // module is not asked for it.
    let request = encode_request(&judged, DocumentFormat::Markdown, false, redacting()).unwrap();
    let md = render_request(&request, || Err("not asked".to_owned())).unwrap();
    assert!(md.contains(&format!("## {HEADING}")) && md.contains("| not in the catalogue |"));
}

fn redacting() -> ExportOptions {
    ExportOptions {
        redact_personal: true,
        fingerprint_tokens: true,
    }
}

#[test]
fn redaction_holds_with_the_timeline_section() {
    let cat = synthetic_catalogue();
    let report = judged(Some(&cat));
    let tokens: Vec<String> = report
        .tokens
        .iter()
        .filter_map(|t| t.token.clone())
        .collect();
    assert_eq!(tokens.len(), 2);
    let (md_kept, html_kept) = documents(&report, Some(&cat), false);
    let (md_red, html_red) = documents(&report, Some(&cat), true);
    for (kept, red) in [(&md_kept, &md_red), (&html_kept, &html_red)] {
        assert_ne!(kept, red);
        // The timeline holds neither tokens nor personal claims: the same in both.
        assert!(!timeline_section(red).is_empty());
        assert_eq!(timeline_section(kept), timeline_section(red));
        for secret in tokens
            .iter()
            .map(String::as_str)
            .chain(["late.user@example.com", "early.user@example.com"])
        {
            assert!(!red.contains(secret), "{secret} survived redaction");
        }
        assert!(kept.contains("late.user@example.com"));
    }
}

#[test]
fn no_key_verified_no_timeline_section() {
    // Without the catalogue, nothing holds the token's kid: unverified, no timeline.
    let report = judged(None);
    assert!(report
        .tokens
        .iter()
        .all(|t| t.signing_key.as_ref().is_none_or(|k| !k.verified)));
    for redact in [false, true] {
        let (md, html) = documents(&report, None, redact);
        assert!(!md.contains(HEADING) && !html.contains(HEADING));
        assert!(!html.contains("<svg") && !html.contains("<figure"));
        assert!(md.starts_with("# Keyhole report"));
    }
}

/// A supplied key's source and kid are the analyst's input and the token's choice: the table
/// and the figure escape them like every other value.
#[test]
fn a_hostile_key_name_stays_text_in_both_reports() {
    let kid = "<img src=x onerror=alert(1)>|`*";
    let mut jwk = GLOBAL_KEY.jwk(json!({}));
    jwk["kid"] = json!(kid);
    let case = CaseFile {
        now: Some(NOW),
        tokens: vec![GLOBAL_KEY.sign(json!({"kid": kid}), &claims(NOW - 60, "u@example.com"))],
        key_sets: vec![key_set(
            "https://idp.example/<script>alert(1)</script>/keys",
            jwks(vec![jwk]),
        )],
        ..CaseFile::default()
    };
    let report = keyhole_engine::analyze_with_reference(&case, &AnalyzeOptions::at(NOW));
    let (md, html) = documents(&report, None, true);
    assert!(timeline_section(&html).contains("<svg"));
    assert!(!html.contains("<img") && !html.contains("<script"));
    assert!(timeline_section(&html).contains("&lt;img src=x onerror=alert(1)&gt;"));
    let md_section = timeline_section(&md);
    // Every markup character is escaped by a backslash (table pipes aside).
    assert!(
        md_section
            .match_indices(['<', '>', '`', '*'])
            .all(|(at, _)| md_section[..at].ends_with('\\')),
        "{md_section}"
    );
    assert!(
        md_section.contains("\\<img src=x onerror=alert(1)\\>\\|\\`\\*"),
        "{md_section}"
    );
}
