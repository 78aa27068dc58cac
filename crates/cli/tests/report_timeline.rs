#![cfg(test)]
//! `keyhole check --format markdown|html` carries the per-key timeline (issue 14): the Markdown
//! report its table, the HTML report the engine's SVG with its description; a case in which no
//! key verified a token has none.

mod common;

use common::keyhole;

fn storm() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/golden/cases/storm-0558.json")
}

fn run(case: &std::path::Path, args: &[&str]) -> String {
    let out = keyhole()
        .arg("check")
        .arg(case)
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

const HEADING: &str = "When each key signed";

#[test]
fn ticket_reports_carry_the_timeline_of_each_signing_key() {
    let md = run(&storm(), &["--format", "markdown"]);
    let section = md
        .split(&format!("## {HEADING}"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        section.contains("| key | certificate valid | seen published | tokens verified |"),
        "{md}"
    );
    // The Storm-0558 sample's key set 1 verified its token.
    assert!(section.contains("\n| key set 1 ("), "{section}");
    let html = run(&storm(), &["--format", "html"]);
    let section = html.split(HEADING).nth(1).unwrap_or_default();
    assert!(section.contains("<svg") && section.contains("class=\"tl-svg\""));
    assert!(section.contains("<figcaption>key set 1 ("), "{section}");
    assert!(section.contains("<li>Signed "), "{section}");
}

#[test]
fn no_key_verified_no_timeline() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-timeline");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("no-keys.json");
    let report: serde_json::Value =
        serde_json::from_slice(&keyhole().arg("check").arg(storm()).output().unwrap().stdout)
            .unwrap();
    let token = report["tokens"][0]["token"].as_str().unwrap_or_default();
    assert!(!token.is_empty());
    common::write_file(
        &path,
        serde_json::json!({"now": report["now"], "tokens": [token]}).to_string(),
    );
    for format in ["markdown", "html"] {
        let out = run(&path, &["--format", format, "--no-catalogue"]);
        assert!(out.contains("Keyhole report"), "{out}");
        assert!(!out.contains(HEADING) && !out.contains("<svg"), "{out}");
    }
}
