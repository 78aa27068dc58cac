//! `keyhole check --time-per-token` (issue 15): a log that spans hours is judged token by token
//! at each log line's timestamp (else the token's own iat) instead of one time for the whole
//! case, so a token issued after `--now` but before its own log line is not "issued in the
//! future"; each token's notes say which time was used. A token found in a HAR file is judged
//! at its entry's `startedDateTime` the same way. The log and the HAR file are generated here.
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
    check_file(&log(&format!("check{}", extra.join(""))), extra)
}

/// `keyhole check` of one file at the case-wide time NOW, with `extra` options: its report.
fn check_file(path: &std::path::Path, extra: &[&str]) -> Value {
    let out = keyhole()
        .args(["check", "--no-catalogue", "--fail-on", "malformed", "--now"])
        .arg(NOW.to_string())
        .args(extra)
        .arg(path)
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

/// A HAR file (HAR 1.2) whose one entry started two hours after NOW (written with its +02:00
/// offset and milliseconds, as browsers save it) and carries a token issued five seconds before.
fn har(name: &str, started: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("time-per-token");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.har"));
    let entry = format!(
        r#"{{"startedDateTime":"{started}","time":12.5,"request":{{"method":"GET","url":"https://api.example/orders","httpVersion":"HTTP/1.1","headers":[{{"name":"Authorization","value":"Bearer {}"}}],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0}},"response":{{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{{"size":0,"mimeType":"text/plain"}},"redirectURL":"","headersSize":-1,"bodySize":0}},"cache":{{}},"timings":{{"send":0,"wait":12,"receive":0.5}}}}"#,
        token("har", NOW + 7200)
    );
    let har = format!(
        r#"{{"log":{{"version":"1.2","creator":{{"name":"keyhole-test","version":"1"}},"entries":[{entry}]}}}}"#
    );
    common::write_file(&path, har);
    path
}

fn check_har(name: &str, started: &str, extra: &[&str]) -> Value {
    check_file(&har(name, started), extra)
}

#[test]
fn per_token_time_judges_a_har_token_at_its_entry_start_and_names_the_entry() {
    let started = "2023-06-20T16:00:05.250+02:00";
    let t = &check_har("har-case-wide", started, &[])["tokens"][0];
    assert!(codes(t).contains(&"issued-in-future".to_owned()), "{t}");
    let report = check_har("har-per-token", started, &["--time-per-token"]);
    let t = &report["tokens"][0];
    assert!(!codes(t).contains(&"issued-in-future".to_owned()), "{t}");
    assert_eq!(
        judged_at(t).as_deref(),
        Some("judged as of 2023-06-20T14:00:05Z, the start of HAR entry 0 it was found in (startedDateTime)")
    );
    assert_eq!(
        t["found_at"]["locations"][0]["context"]["started"],
        serde_json::json!({"epoch": NOW + 7205, "utc": "2023-06-20T14:00:05Z"})
    );
}

#[test]
fn a_har_entry_start_that_is_no_time_leaves_the_token_at_its_iat() {
    let t = &check_har("har-no-time", "soon", &["--time-per-token"])["tokens"][0];
    assert_eq!(
        judged_at(t).as_deref(),
        Some("judged as of 2023-06-20T14:00:00Z, its own issue time (iat)")
    );
    assert!(t["found_at"]["locations"][0]["context"]
        .get("started")
        .is_none());
}

#[test]
fn the_ticket_report_says_when_the_har_entry_started() {
    let path = har("har-markdown", "2023-06-20T16:00:05.250+02:00");
    let out = keyhole()
        .args(["check", "--no-catalogue", "--format", "markdown", "--now"])
        .arg(NOW.to_string())
        .arg(&path)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("HAR entry 0 request.headers Authorization, started 2023-06-20 14:00:05 UTC"),
        "{md}"
    );
}
