//! End-to-end tests of `keyhole check` and `keyhole rules` through the real binary, on the
//! engine's golden sample cases (synthetic keys, committed in the repository).
#![cfg(test)]

mod common;

use common::{assert_status, json_of, keyhole};

use serde_json::Value;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/golden/cases");

fn case(name: &str) -> String {
    format!("{GOLDEN}/{name}.json")
}

#[test]
fn violation_case_exits_1_with_json_report() {
    let out = keyhole()
        .args(["check", &case("storm-0558")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r = json_of(&out);
    assert_eq!(r["summary"]["violation"], 2);
    let codes: Vec<&str> = r["tokens"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"consumer-key-for-organization-tenant"),
        "{codes:?}"
    );
}

#[test]
fn clean_case_exits_0() {
    let out = keyhole().args(["check", &case("clean")]).output().unwrap();
    assert_status(&out, 0);
    assert_eq!(json_of(&out)["tokens"][0]["verdict"], "permitted");
}

#[test]
fn case_file_from_stdin() {
    let text = std::fs::read_to_string(case("clean")).unwrap();
    let out = keyhole()
        .args(["check", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn markdown_and_text_formats() {
    let md = keyhole()
        .args(["check", &case("cross-cloud"), "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.starts_with("# Keyhole report"), "{md}");
    assert!(md.contains("`cross-cloud-key`"), "{md}");
    let text = keyhole()
        .args(["check", &case("cross-cloud"), "--format", "text"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("[VIOLATION]"));
}

/// The quick form: keys and text files instead of a case file.
#[test]
fn quick_form_with_keys_source_and_now() {
    let dir = std::env::temp_dir().join(format!("keyhole-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c: Value =
        serde_json::from_str(&std::fs::read_to_string(case("storm-0558")).unwrap_or_default())
            .unwrap_or(Value::Null);
    let keys = dir.join("keys.json");
    common::write_file(&keys, c["key_sets"][0]["document"].to_string());
    let log = format!(
        "GET /mail HTTP/1.1\nAuthorization: Bearer {}\n",
        c["tokens"][0].as_str().unwrap_or_default()
    );
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
        .write_stdin(log)
        .output()
        .unwrap();
    assert_status(&out, 1);
    let r = json_of(&out);
    assert_eq!(r["now"], 1_687_262_400);
    assert_eq!(r["tokens"][0]["found_at"]["locations"][0]["line"], 2);
    assert_eq!(r["tokens"][0]["verdict"], "violation");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unusable_input_exits_2_with_a_message() {
    let out = keyhole()
        .args(["check", "/nonexistent/case.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = keyhole()
        .args(["check", "-"])
        .write_stdin("{ not json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    let out = keyhole()
        .args(["check", "x.json", "--now", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_lists_every_code() {
    let out = keyhole().arg("rules").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for code in [
        "alg-none",
        "consumer-key-for-organization-tenant",
        "cross-cloud-key",
        "key-used-across-tenants",
    ] {
        assert!(text.contains(code), "{code} missing");
    }
}

/// Writes `content` to a fresh file under the target directory and returns its path.
fn temp_file(name: &str, content: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(name);
    common::write_file(&path, content);
    path.display().to_string()
}

/// Issue 12: a tampered token is `invalid`, which fails the run only when asked to.
#[test]
fn fail_on_chooses_which_verdicts_exit_1() {
    let case_json = std::fs::read_to_string(case("clean")).unwrap();
    let mut c: Value = serde_json::from_str(&case_json).unwrap();
    let token = c["tokens"][0].as_str().unwrap_or_default().to_owned();
    let (rest, sig) = token.rsplit_once('.').unwrap_or_default();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    c["tokens"][0] = Value::from(format!("{rest}.{flipped}{}", &sig[1..]));
    c["comment"] = Value::from("an unknown member is kept, with a note");
    let path = temp_file("tampered-case.json", &c.to_string());
    let run = |extra: &[&str]| {
        let mut args = vec!["check", path.as_str()];
        args.extend_from_slice(extra);
        keyhole().args(&args).output().unwrap()
    };
    let out = run(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "invalid alone does not fail by default"
    );
    let r = json_of(&out);
    assert_eq!(r["tokens"][0]["verdict"], "invalid");
    assert_eq!(r["summary"]["invalid"], 1);
    assert!(r["notes"].to_string().contains("comment"), "{}", r["notes"]);
    assert_eq!(
        run(&["--fail-on", "violation,invalid"]).status.code(),
        Some(1)
    );
    assert_eq!(run(&["--fail-on", "unverified"]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on", "nonsense"]).status.code(), Some(2));
}

/// Issue 12: secrets from the public list (built into the CLI) and from the analyst's own file
/// are found in an HS256 token no trusted key could check.
#[test]
fn weak_secrets_from_the_public_list_and_from_a_file() {
    use base64::Engine as _;
    use hmac::Mac as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let sign = |secret: &str| {
        let input = format!(
            "{}.{}",
            b64(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64(br#"{"iss":"https://issuer.example","sub":"u"}"#)
        );
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", b64(&mac.finalize().into_bytes()))
    };
    let public = include_str!("../../engine/weak-secrets/public.txt")
        .lines()
        .nth(5000)
        .unwrap_or_default()
        .to_owned();
    let own = "an-analyst-guessed-secret-not-on-any-list";
    let tokens = temp_file(
        "hs-tokens.txt",
        &format!("{}\n{}\n", sign(&public), sign(own)),
    );
    let keys = temp_file("empty-jwks.json", r#"{"keys":[]}"#);
    let list = temp_file("own-secrets.txt", &format!("{own}\r\n"));
    let out = keyhole()
        .args(["check", "--keys", &keys, &tokens, "--weak-secrets", &list])
        .output()
        .unwrap();
    assert_status(&out, 1);
    let r = json_of(&out);
    for (i, list_name) in [
        (0, "public list (wallarm/jwt-secrets)"),
        (1, "supplied list"),
    ] {
        let t = &r["tokens"][i];
        assert_eq!(t["verdict"], "violation", "{t}");
        let f = t["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["code"] == "weak-hmac-secret")
            .cloned()
            .unwrap_or_default();
        assert_eq!(f["evidence"]["list"], list_name, "{f}");
    }
}

/// A padded HS256 token signed with a public secret: over the public list's 16 KiB limit the
/// CLI does not spend a minute hashing it, and says which list it did not search.
#[test]
fn the_public_list_is_not_searched_for_a_padded_token() {
    use base64::Engine as _;
    use hmac::Mac as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let public = include_str!("../../engine/weak-secrets/public.txt")
        .lines()
        .nth(5000)
        .unwrap_or_default()
        .to_owned();
    let sign = |pad: usize| {
        let claims = serde_json::json!({"iss": "https://issuer.example", "pad": "p".repeat(pad)});
        let input = format!(
            "{}.{}",
            b64(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64(claims.to_string().as_bytes())
        );
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(public.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", b64(&mac.finalize().into_bytes()))
    };
    let tokens = temp_file(
        "padded-hs-tokens.txt",
        &format!("{}\n{}\n", sign(10_000), sign(20_000)),
    );
    let keys = temp_file("empty-jwks-2.json", r#"{"keys":[]}"#);
    let out = keyhole()
        .args(["check", "--keys", &keys, &tokens])
        .output()
        .unwrap();
    let r = json_of(&out);
    let codes = |i: usize| -> Vec<String> {
        r["tokens"][i]["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["code"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        codes(0).contains(&"weak-hmac-secret".to_owned()),
        "{:?}",
        codes(0)
    );
    assert!(!codes(0).contains(&"weak-secret-search-skipped".to_owned()));
    assert!(!codes(1).contains(&"weak-hmac-secret".to_owned()));
    let skipped = r["tokens"][1]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["code"] == "weak-secret-search-skipped")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        skipped["evidence"]["lists_not_searched"],
        serde_json::json!(["public list (wallarm/jwt-secrets)"]),
        "{skipped}"
    );
}
