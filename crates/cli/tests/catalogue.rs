//! `keyhole check` consults the built-in catalogue of published keys by default (issue 14):
//! with no key sets at all, a token naming a catalogue kid is judged against the published key;
//! `--no-catalogue` leaves it unverified, as a token naming an unknown kid is.
#![cfg(test)]

mod common;

use common::{assert_status, keyhole};

use keyhole_engine::b64;
use serde_json::{json, Value};

const STORM_KID: &str = "1LTMzakihiRla_8z2BEJVXeWMqo";

/// An RS256 token naming `kid` whose signature is 256 bytes of nothing: forged.
fn forged(kid: &str) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let claims = json!({"iss": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
                        "aud": "client", "iat": 1_700_000_000, "exp": 1_700_003_600});
    format!(
        "{}.{}.{}",
        b64::encode_url(header.to_string().as_bytes()),
        b64::encode_url(claims.to_string().as_bytes()),
        b64::encode_url(&[7u8; 256])
    )
}

fn check(kid: &str, extra: &[&str]) -> Value {
    let case = json!({"now": 1_700_000_100, "tokens": [forged(kid)]});
    let out = keyhole()
        .args(["check", "-", "--fail-on", "violation"])
        .args(extra)
        .write_stdin(case.to_string())
        .output()
        .unwrap();
    assert_status(&out, 0);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"))
}

fn notes(r: &Value) -> Vec<&str> {
    r["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["code"].as_str())
        .collect()
}

#[test]
fn a_catalogue_kid_is_judged_against_the_published_key_by_default() {
    let r = check(STORM_KID, &[]);
    let t = &r["tokens"][0];
    assert_eq!(t["verdict"], "invalid", "{t}");
    let catalogue = &t["signing_key"]["provenance"]["catalogue"];
    assert_eq!(catalogue["kind"], "catalogue");
    assert!(catalogue["value"]
        .as_str()
        .is_some_and(|v| v.ends_with("/consumers/discovery/v2.0/keys")));
    assert!(notes(&r).contains(&"catalogue-keys"), "{:?}", notes(&r));
}

#[test]
fn no_catalogue_leaves_it_unverified() {
    let r = check(STORM_KID, &["--no-catalogue"]);
    let t = &r["tokens"][0];
    assert_eq!(t["verdict"], "unverified", "{t}");
    assert!(t["signing_key"].is_null());
    assert!(!notes(&r).contains(&"catalogue-keys"));
}

#[test]
fn an_unknown_kid_is_unverified() {
    let r = check("a-kid-no-catalogue-holds-0000", &[]);
    let t = &r["tokens"][0];
    assert_eq!(t["verdict"], "unverified", "{t}");
    assert!(t["signing_key"].is_null());
    assert!(!notes(&r).contains(&"catalogue-keys"));
}

/// `keyhole check proxy.log` with no --keys: the log is text to search (as the page reads a
/// dropped log), its tokens judged against the catalogue; a broken case file is still one.
#[test]
fn a_log_without_keys_is_searched_and_judged_against_the_catalogue() {
    let dir = std::env::temp_dir().join(format!("keyhole-catalogue-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("proxy.log");
    let text = format!(
        "GET /me HTTP/1.1\nAuthorization: Bearer {}\n\nGET /x HTTP/1.1\nAuthorization: Bearer {}\n",
        forged(STORM_KID),
        forged("a-kid-no-catalogue-holds-0000")
    );
    common::write_file(&log, text);
    let path = log.to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        let out = keyhole()
            .args(["check", &path, "--now", "1700000100"])
            .args(extra)
            .output()
            .unwrap();
        assert_status(&out, 0);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let verdicts = |r: &Value| -> Vec<String> {
        r["tokens"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["verdict"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(verdicts(&run(&[])), ["invalid", "unverified"]);
    assert_eq!(
        verdicts(&run(&["--no-catalogue"])),
        ["unverified", "unverified"]
    );
    let broken = dir.join("case.json");
    common::write_file(&broken, "{ not json");
    let out = keyhole()
        .args(["check", &broken.to_string_lossy()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
