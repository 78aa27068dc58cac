//! End-to-end tests of `keyhole keys` (the built-in catalogue of published signing keys)
//! through the real binary.
#![cfg(test)]

mod common;

use common::keyhole;

use serde_json::Value;

const STORM: &str = "1LTMzakihiRla_8z2BEJVXeWMqo";
const COMMON_V2: &str = "https://login.microsoftonline.com/common/discovery/v2.0/keys";

fn json_of(args: &[&str]) -> (i32, Value) {
    let out = keyhole().args(args).output().unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn keys_prints_the_storm_0558_keys_history() {
    let (code, v) = json_of(&["keys", STORM]);
    assert_eq!(code, 0);
    let matches = v["matches"].as_array().cloned().unwrap_or_default();
    assert_eq!(matches.len(), 1);
    let key = &matches[0];
    assert_eq!(key["kid"], STORM);
    assert_eq!(key["matched_on"], serde_json::json!(["kid", "x5t"]));
    assert_eq!(
        key["certificate"]["sha1"],
        "d4b4cccda9228624656bff33d8110955779632aa"
    );
    assert_eq!(key["certificate"]["not_after"], "2021-04-04T14:43:35Z");
    let common = key["publications"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["endpoint"] == COMMON_V2).cloned())
        .expect("published at common v2");
    assert_eq!(common["first_seen"], "2016-08-01T00:00:00Z");
    assert_eq!(common["last_seen"], "2023-06-27T00:00:00Z");
    assert_eq!(common["absent_after"], "2023-07-05T23:59:59Z");
    assert_eq!(key["jwk"]["kid"], STORM);
    assert!(key["jwk"]["x5c"].is_array());
    assert_eq!(v["catalogue"]["published_up_to"], "2026-07");
    // Every endpoint of the key comes with its archives.
    let endpoints = v["endpoints"].as_array().cloned().unwrap_or_default();
    assert_eq!(endpoints.len(), 3);
}

#[test]
fn keys_finds_a_key_by_its_certificate_thumbprint() {
    let (code, v) = json_of(&[
        "keys",
        "D4:B4:CC:CD:A9:22:86:24:65:6B:FF:33:D8:11:09:55:77:96:32:AA",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["matches"][0]["kid"], STORM);
    assert_eq!(
        v["matches"][0]["matched_on"],
        serde_json::json!(["sha1_hex"])
    );
}

#[test]
fn keys_text_is_for_people() {
    let out = keyhole()
        .args(["keys", STORM, "--format", "text"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "1LTMzakihiRla_8z2BEJVXeWMqo (matched on kid, x5t)",
        "CN=Live ID STS Signing Public Key",
        "valid 2016-04-05T14:43:35Z to 2021-04-04T14:43:35Z",
        COMMON_V2,
        "seen 2016-08-01T00:00:00Z to 2023-06-27T00:00:00Z; gone at 2023-07-05T23:59:59Z",
        "https://nexus.passport.com/public/partner/discovery/key",
        "seen, date unknown",
        "Storm-0558",
        "keys published up to 2026-07",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn keys_text_says_when_an_archive_bounds_nothing() {
    // A key already in the first snapshot of pl4nty/data's global v1 archive (2025-02-28):
    // published since some earlier date, which the archive cannot show; removed later.
    let out = keyhole()
        .args(["keys", "JDNa_4i4r7FgigL3sHIlI3xV-IU", "--format", "text"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "https://login.microsoftonline.com/common/discovery/keys",
        "seen 2025-02-28T09:50:40Z to 2025-04-09T16:08:41Z in 20 snapshots",
        "already in the archive's first snapshot (published since earlier)",
        "gone at 2025-04-12T19:06:07Z",
        "source: pl4nty/data microsoft_jwks.json at 35b762f1c792280384cb7c2c79741d4f97225edb",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn keys_exits_1_for_an_unknown_key() {
    let (code, v) = json_of(&["keys", "no-such-kid"]);
    assert_eq!(code, 1);
    assert_eq!(v["matches"], serde_json::json!([]));
    let out = keyhole()
        .args(["keys", "no-such-kid", "--format", "text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No key in the catalogue"));
}
