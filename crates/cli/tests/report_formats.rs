#![cfg(test)]
//! `keyhole check --format markdown|html`: the ticket reports, redacted by default (personal
//! claims redacted, tokens replaced by their SHA-256 fingerprints), `--no-redact` keeping them.

mod common;

use common::{assert_status, json_of, keyhole};

fn case() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/golden/cases/storm-0558.json")
}

fn run(args: &[&str]) -> String {
    let out = keyhole()
        .arg("check")
        .arg(case())
        .args(args)
        .output()
        .unwrap();
    assert_status(&out, 1);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn ticket_reports_are_redacted_unless_asked_not_to_be() {
    let out = keyhole().arg("check").arg(case()).output().unwrap();
    let report = json_of(&out);
    let token = report["tokens"][0]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let fingerprint = report["tokens"][0]["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let user = report["tokens"][0]["claims"]["preferred_username"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let name = report["tokens"][0]["signing_key"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!token.is_empty() && !user.is_empty() && name.starts_with("key set 1 ("));
    for format in ["markdown", "html"] {
        let redacted = run(&["--format", format]);
        let kept = run(&["--format", format, "--no-redact"]);
        assert_ne!(redacted, kept, "{format}");
        assert!(
            !redacted.contains(&token),
            "{format}: the token survived redaction"
        );
        assert!(
            !redacted.contains(&user),
            "{format}: the user survived redaction"
        );
        assert!(redacted.contains(&fingerprint), "{format}");
        assert!(kept.contains(&token), "{format}");
        assert!(
            kept.contains(&user) || kept.contains(&user.replace('_', "\\_")),
            "{format}"
        );
        // The key is named as in the JSON (Markdown escapes `_`).
        assert!(
            redacted.contains(&name) || redacted.contains(&name.replace('_', "\\_")),
            "{format}: {name}"
        );
    }
    assert!(run(&["--format", "html"]).starts_with("<!DOCTYPE html>"));
}
