//! `keyhole check --time-per-token` (issue 15): a log that spans hours is judged token by token
//! at each log line's timestamp (else the token's own iat) instead of one time for the whole
//! case, so a token issued after `--now` but before its own log line is not "issued in the
//! future"; each token's notes say which time was used. The log is generated here.
#![cfg(test)]

mod common;

use common::{assert_status, json_of, keyhole};

use serde_json::Value;

/// 2023-06-20T12:00:00Z, the case-wide analysis time.
const NOW: i64 = 1_687_262_400;

fn b64(bytes: &[u8]) -> String {
    keyhole_engine::b64::encode_url(bytes)
}

/// An unsecured token (no key is needed to read its times) issued at `iat`.
fn token(sub: &str, iat: i64) -> String {
    let claims = format!(r#"{{"sub":"{sub}","iat":{iat}}}"#);
    format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(claims.as_bytes()))
}

/// Two hours after NOW, one line whose token was issued five seconds before the line. Each
/// caller names its own file: the tests run in parallel, and one writing the file while another
/// reads it made the reader see an empty log.
fn log(name: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("time-per-token");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.log"));
    let line = format!(
        "2023-06-20T14:00:05Z INFO GET /api Authorization: Bearer {}\n",
        token("late", NOW + 7200)
    );
    common::write_file(&path, line);
    path
}

fn codes(token: &Value) -> Vec<String> {
    token["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect()
}

fn judged_at(token: &Value) -> Option<String> {
    token["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|n| {
            (n["code"] == "judged-at").then(|| n["message"].as_str().unwrap_or_default().to_owned())
        })
}

fn check(extra: &[&str]) -> Value {
    let path = log(&format!("check{}", extra.join("")));
    let out = keyhole()
        .args(["check", "--no-catalogue", "--fail-on", "malformed", "--now"])
        .arg(NOW.to_string())
        .args(extra)
        .arg(&path)
        .output()
        .unwrap();
    assert_status(&out, 0);
    json_of(&out)
}

#[test]
fn one_case_wide_time_makes_a_later_log_line_issued_in_the_future() {
    let report = check(&[]);
    let t = &report["tokens"][0];
    assert!(codes(t).contains(&"issued-in-future".to_owned()), "{t}");
    assert_eq!(judged_at(t), None);
}

#[test]
fn per_token_time_judges_the_token_at_its_log_line_and_says_so() {
    let report = check(&["--time-per-token"]);
    let t = &report["tokens"][0];
    assert!(!codes(t).contains(&"issued-in-future".to_owned()), "{t}");
    let note = judged_at(t).unwrap_or_default();
    assert!(
        note.contains("2023-06-20T14:00:05Z") && note.contains("log line"),
        "{note}"
    );
}

#[test]
fn check_stream_honours_per_token_time_too() {
    let path = log("stream");
    let run = |extra: &[&str]| {
        let out = keyhole()
            .args([
                "check",
                "--stream",
                "--no-catalogue",
                "--fail-on",
                "malformed",
                "--now",
            ])
            .arg(NOW.to_string())
            .args(extra)
            .arg(&path)
            .output()
            .unwrap();
        assert_status(&out, 0);
        let line = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        serde_json::from_str::<Value>(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    };
    let has_future = |record: &Value| {
        record["codes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c == "issued-in-future")
    };
    assert!(has_future(&run(&[])));
    assert!(!has_future(&run(&["--time-per-token"])));
}
