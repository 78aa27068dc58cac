//! Issue 17: text over the engine's 32 MB search limit. `keyhole check` used to report "0
//! tokens" and exit 0 for a 40 MB log — a CI pipeline read that as "no violations". Now the
//! whole file is searched (in pieces cut at line ends) and what cannot be searched exits 2.
//! The logs are generated here, under the target directory, and removed afterwards.
#![cfg(test)]

mod common;

use common::keyhole;

use std::io::Write;

use keyhole_engine::limits::MAX_TEXT_BYTES;
use serde_json::Value;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/golden/cases");

/// The storm-0558 golden case: its key document (written to a file) and its two tokens.
fn storm(dir: &std::path::Path) -> (std::path::PathBuf, Vec<String>) {
    let text = std::fs::read_to_string(format!("{GOLDEN}/storm-0558.json")).unwrap();
    let c: Value = serde_json::from_str(&text).unwrap();
    let keys = dir.join("large-keys.json");
    common::write_file(&keys, c["key_sets"][0]["document"].to_string());
    let tokens = c["tokens"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (keys, tokens)
}

/// An access-log line without a token, about 120 bytes.
fn filler(i: usize) -> String {
    format!(
        "203.0.113.{} - - [20/Jun/2023:12:{:02}:{:02} +0000] \"GET /static/app.{i}.js HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0\"\n",
        i % 250,
        (i / 60) % 60,
        i % 60
    )
}

fn lines_of(locations: &Value) -> Vec<u64> {
    locations
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["line"].as_u64()).collect())
        .unwrap_or_default()
}

#[test]
fn a_log_over_the_search_limit_is_searched_whole() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let (keys, tokens) = storm(&dir);
    let [first, second] = tokens.as_slice() else {
        unreachable!("storm-0558 has two tokens");
    };
    let log_path = dir.join("large-proxy.log");
    let mut log = std::io::BufWriter::new(std::fs::File::create(&log_path).unwrap());
    let mut bytes = 0;
    let mut line = 0;
    let mut put = |text: String, bytes: &mut usize, line: &mut u64| {
        *bytes += text.len();
        *line += 1;
        log.write_all(text.as_bytes()).unwrap();
    };
    // `first` on line 2 and again near the end; `second` only near the end.
    put(filler(0), &mut bytes, &mut line);
    put(
        format!("Authorization: Bearer {first}\n"),
        &mut bytes,
        &mut line,
    );
    let mut i = 1;
    while bytes < MAX_TEXT_BYTES + MAX_TEXT_BYTES / 4 {
        put(filler(i), &mut bytes, &mut line);
        i += 1;
    }
    put(
        format!(
            "198.51.100.7 - - [20/Jun/2023:12:00:00 +0000] \"GET /mail?access_token={second} HTTP/1.1\" 200 1\n"
        ),
        &mut bytes,
        &mut line,
    );
    let second_line = line;
    put(filler(i), &mut bytes, &mut line);
    put(
        format!("Authorization: Bearer {first}\n"),
        &mut bytes,
        &mut line,
    );
    let first_again = line;

    log.flush().unwrap();
    drop(log);
    assert!(bytes > MAX_TEXT_BYTES, "the log must exceed the limit");

    let out = keyhole()
        .args(["check", "--keys"])
        .arg(&keys)
        .args([
            "--source",
            "https://login.microsoftonline.com/common/discovery/v2.0/keys",
            "--now",
            "2023-06-20T12:00:00Z",
        ])
        .arg(&log_path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&log_path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // storm-0558's tokens are violations: exit 1, not 0 ("nothing found") nor 2 (refused).
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["tokens"], 2, "{stderr}");
    assert!(
        r["notes"].as_array().is_none_or(|n| n.is_empty()),
        "{}",
        r["notes"]
    );
    let t0 = &r["tokens"][0];
    assert_eq!(t0["token"].as_str(), Some(first.as_str()));
    assert_eq!(t0["found_at"]["count"], 2);
    assert_eq!(lines_of(&t0["found_at"]["locations"]), vec![2, first_again]);
    // The byte offset counts from the start of the whole file.
    let offset = t0["found_at"]["locations"][1]["offset"]
        .as_u64()
        .unwrap_or_default();
    assert_eq!(offset as usize, bytes - first.len() - 1);
    let t1 = &r["tokens"][1];
    assert_eq!(t1["token"].as_str(), Some(second.as_str()));
    assert_eq!(lines_of(&t1["found_at"]["locations"]), vec![second_line]);
    assert_eq!(
        t1["found_at"]["locations"][0]["context"]["kind"],
        "query_parameter"
    );
    assert_eq!(
        t1["found_at"]["locations"][0]["log"]["client_ip"],
        "198.51.100.7"
    );
    for t in [t0, t1] {
        assert_eq!(t["verdict"], "violation");
    }
}

/// A single line over the limit cannot be cut without cutting tokens: it is not searched,
/// the rest is, the report says so, and the exit status is 2 even though a violation was found
/// (a violation would be 1, "nothing found" 0: neither is true of a partly searched input).
#[test]
fn a_line_that_cannot_be_searched_exits_2() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let (keys, tokens) = storm(&dir);
    let mut text = format!("Authorization: Bearer {}\n", tokens[0]);
    text.push_str(&"a".repeat(MAX_TEXT_BYTES + 10));
    text.push_str(&format!(" Bearer {}\n", tokens[1]));
    let out = keyhole()
        .args(["check", "--keys"])
        .arg(&keys)
        .args([
            "--source",
            "https://login.microsoftonline.com/common/discovery/v2.0/keys",
            "--now",
            "2023-06-20T12:00:00Z",
            "-",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not searched"), "{stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["tokens"], 1);
    assert_eq!(r["notes"][0]["code"], "text-not-searched");
    assert!(
        r["notes"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("line 2 is ")),
        "{}",
        r["notes"][0]
    );
}

/// A case file whose `text` is over the limit is searched whole too.
#[test]
fn a_case_files_large_text_is_searched_whole() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let text = std::fs::read_to_string(format!("{GOLDEN}/storm-0558.json")).unwrap();
    let mut c: Value = serde_json::from_str(&text).unwrap();
    let token = c["tokens"][0].as_str().unwrap_or_default().to_owned();
    c["tokens"] = Value::Array(Vec::new());
    let mut log = String::with_capacity(MAX_TEXT_BYTES + 200_000);
    let mut i = 0;
    while log.len() <= MAX_TEXT_BYTES {
        log.push_str(&filler(i));
        i += 1;
    }
    log.push_str(&format!("Authorization: Bearer {token}\n"));
    c["text"] = Value::String(log);
    let path = dir.join("large-case.json");
    common::write_file(&path, c.to_string());
    let out = keyhole().arg("check").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["tokens"], 1);
    assert_eq!(
        lines_of(&r["tokens"][0]["found_at"]["locations"]),
        vec![i as u64 + 1]
    );
}
