//! `keyhole check --stream` (issue 17): tokens read line by line from files or stdin (JSON
//! strings, JSON objects with a `token` member, text to search), one JSON record per token in
//! input order, and each record's verdict and codes those of the whole-case `keyhole check` on
//! the golden cases' tokens. Inputs are generated here, under the target directory.
#![cfg(test)]

mod common;

use common::{assert_status, json_of, keyhole};

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/golden/cases");

/// Golden cases whose keys `--keys/--source/--issuer` can express (no HMAC secrets).
const CASES: &[&str] = &[
    "clean",
    "cross-cloud",
    "header-key-attack",
    "microsoft-families",
    "storm-0558",
];

struct Case {
    name: String,
    path: PathBuf,
    tokens: Vec<String>,
    /// `--keys FILE --source URL [--issuer ISS] … --now N`.
    args: Vec<String>,
}

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("stream");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(path: &Path, text: &str) {
    common::write_file(path, text);
}

fn case(name: &str) -> Case {
    let path = PathBuf::from(format!("{GOLDEN}/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let c: Value = serde_json::from_str(&text).unwrap();
    let mut args = Vec::new();
    for (i, set) in c["key_sets"].as_array().into_iter().flatten().enumerate() {
        let keys = dir().join(format!("{name}-keys-{i}.json"));
        let doc = match &set["document"] {
            Value::String(pem) => pem.clone(),
            other => other.to_string(),
        };
        write(&keys, &doc);
        args.extend(["--keys".to_owned(), keys.display().to_string()]);
        args.extend([
            "--source".to_owned(),
            set["source"].as_str().unwrap_or_default().to_owned(),
        ]);
        if let Some(iss) = set["issuer"].as_str() {
            args.extend(["--issuer".to_owned(), iss.to_owned()]);
        }
    }
    args.extend(["--now".to_owned(), c["now"].to_string()]);
    let tokens = c["tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    Case {
        name: name.to_owned(),
        path,
        tokens,
        args,
    }
}

/// The whole-case `keyhole check` report's tokens: (fingerprint, verdict, codes).
fn whole(c: &Case) -> Vec<(String, Value, Value)> {
    let out = keyhole()
        .args(["check", &c.path.display().to_string()])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", c.name);
    json_of(&out)["tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let codes: Vec<Value> = t["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| f["code"].clone())
                .collect();
            (
                t["fingerprint"].as_str().unwrap_or_default().to_owned(),
                t["verdict"].clone(),
                Value::Array(codes),
            )
        })
        .collect()
}

fn records(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {e}: {l}")))
        .collect()
}

/// Each token three times, in the three forms a line can take: a JSON string, an object with
/// `token`, a log line to search.
fn mixed_input(tokens: &[String]) -> String {
    let mut text = String::new();
    for t in tokens {
        text.push_str(&format!("{}\n", json!(t)));
        text.push_str(&format!("{}\n", json!({"ts": 1, "token": t, "user": "x"})));
        text.push_str(&format!(
            "10.0.0.1 - - [20/Jun/2023:12:00:00 +0000] \"GET / HTTP/1.1\" 200 Authorization: Bearer {t}\n"
        ));
    }
    text
}

fn run_stream(c: &Case, inputs: &[&str], stdin: Option<String>) -> std::process::Output {
    let mut cmd = keyhole();
    cmd.args(["check", "--stream"]).args(&c.args).args(inputs);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    cmd.output().unwrap()
}

fn expected_status(expected: &[(String, Value, Value)]) -> i32 {
    i32::from(expected.iter().any(|(_, v, _)| v == "violation"))
}

#[test]
fn records_match_the_whole_case_check_from_a_file_and_from_stdin() {
    for name in CASES {
        let c = case(name);
        let expected = whole(&c);
        assert_eq!(expected.len(), c.tokens.len(), "{name}");
        let input = mixed_input(&c.tokens);
        let file = dir().join(format!("{name}-mixed.txt"));
        write(&file, &input);
        for out in [
            run_stream(&c, &[&file.display().to_string()], None),
            run_stream(&c, &["-"], Some(input.clone())),
            run_stream(&c, &[], Some(input.clone())),
        ] {
            assert_status(&out, expected_status(&expected));
            let got = records(&out);
            assert_eq!(got.len(), 3 * c.tokens.len(), "{name}");
            for (i, r) in got.iter().enumerate() {
                let (fp, verdict, codes) = &expected[i / 3];
                assert_eq!(r["index"], i, "{name}");
                assert_eq!(r["fingerprint"].as_str(), Some(fp.as_str()), "{name} {i}");
                assert_eq!(&r["verdict"], verdict, "{name} {i}");
                assert_eq!(&r["codes"], codes, "{name} {i}");
                let line = i + 1;
                let location = r["location"].as_str().unwrap_or_default();
                if i % 3 == 2 {
                    assert!(
                        location.starts_with(&format!("line {line}, column "))
                            && location.contains("Authorization"),
                        "{location}"
                    );
                } else {
                    assert_eq!(location, format!("line {line}"));
                }
            }
        }
    }
}

#[test]
fn the_record_is_the_flat_record_of_the_python_package() {
    let c = case("storm-0558");
    let out = run_stream(&c, &["-"], Some(format!("{}\n", json!(c.tokens[0]))));
    assert_status(&out, 1);
    let got = records(&out);
    let keys: Vec<&str> = got[0]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut want = [
        "index",
        "verdict",
        "codes",
        "kid",
        "tenant",
        "cloud",
        "iss",
        "aud",
        "iat",
        "fingerprint",
        "location",
    ];
    want.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, want);
    assert_eq!(got[0]["cloud"], "public");
    assert!(got[0]["tenant"].is_string() && got[0]["iat"].is_number());
}

#[test]
fn many_repeated_tokens_keep_their_order_across_batches() {
    // More lines than one batch holds (4096), few distinct tokens: most come from the cache.
    let c = case("microsoft-families");
    let expected = whole(&c);
    let n = 9_000;
    let mut input = String::new();
    let mut want = Vec::new();
    for i in 0..n {
        let k = (i * 7 + i / 13) % c.tokens.len();
        input.push_str(&format!("{}\n", json!({ "token": c.tokens[k] })));
        want.push(k);
    }
    let file = dir().join("repeated.ndjson");
    write(&file, &input);
    let out = run_stream(&c, &[&file.display().to_string()], None);
    assert_status(&out, expected_status(&expected));
    let got = records(&out);
    assert_eq!(got.len(), n);
    for (i, (r, k)) in got.iter().zip(&want).enumerate() {
        assert_eq!(r["index"], i);
        assert_eq!(r["fingerprint"].as_str(), Some(expected[*k].0.as_str()));
        assert_eq!(r["verdict"], expected[*k].1);
        assert_eq!(r["location"], format!("line {}", i + 1));
    }
}

#[test]
fn a_refused_line_exits_2_after_every_other_token_is_judged() {
    let c = case("clean");
    let expected = whole(&c);
    assert_eq!(expected_status(&expected), 0);
    let t = &c.tokens[0];
    let input = format!(
        "{}\n{{\"token\": 42}}\n\n   \nno token here\n{}\n",
        json!(t),
        json!({ "token": t })
    );
    let out = run_stream(&c, &["-"], Some(input));
    assert_status(&out, 2);
    let got = records(&out);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1]["location"], "line 6");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("not a string"),
        "{stderr}"
    );
    // Without the refused line: the clean token is permitted, exit 0.
    let out = run_stream(&c, &["-"], Some(format!("{}\n", json!(t))));
    assert_status(&out, 0);
    assert_eq!(records(&out)[0]["verdict"], expected[0].1);
}

#[test]
fn fail_on_and_several_inputs() {
    let c = case("header-key-attack");
    let expected = whole(&c);
    let a = dir().join("several-a.txt");
    let b = dir().join("several-b.txt");
    write(&a, &format!("{}\n", json!(c.tokens[0])));
    write(&b, &format!("x\n{}\n", json!(c.tokens[1])));
    let (a, b) = (a.display().to_string(), b.display().to_string());
    let out = run_stream(&c, &[&a, &b], None);
    assert_status(&out, expected_status(&expected));
    let got = records(&out);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["location"], format!("{a}: line 1"));
    assert_eq!(got[1]["location"], format!("{b}: line 2"));
    assert_eq!(got[1]["index"], 1);
    // A verdict outside --fail-on does not fail the run.
    let verdicts: Vec<&Value> = expected.iter().map(|(_, v, _)| v).collect();
    let out = keyhole()
        .args(["check", "--stream", "--fail-on", "malformed"])
        .args(&c.args)
        .args([&a, &b])
        .output()
        .unwrap();
    assert_status(&out, i32::from(verdicts.iter().any(|v| *v == "malformed")));
}

#[test]
fn stream_refuses_other_formats_and_missing_files() {
    let c = case("clean");
    let out = keyhole()
        .args(["check", "--stream", "--format", "text"])
        .args(&c.args)
        .output()
        .unwrap();
    assert_status(&out, 2);
    let out = run_stream(&c, &["/nonexistent/keyhole-stream-input"], None);
    assert_status(&out, 2);
}

#[test]
fn a_token_fed_to_stdin_is_answered_before_the_input_ends() {
    use std::io::{BufRead, Write};
    let c = case("storm-0558");
    let bin = assert_cmd::cargo::cargo_bin("keyhole");
    let mut child = std::process::Command::new(bin)
        .args(["check", "--stream"])
        .args(&c.args)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                return;
            }
        }
    });
    for (i, t) in c.tokens.iter().enumerate() {
        writeln!(stdin, "{}", json!(t)).unwrap();
        stdin.flush().unwrap();
        // Stdin stays open: the record must come anyway (within the stream's patience).
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("no record for token {i} while stdin is open: {e}"));
        let r: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(r["index"], i);
    }
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}
