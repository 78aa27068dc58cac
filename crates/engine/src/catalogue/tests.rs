use serde_json::json;

use super::*;
use crate::keys::parse_key_set;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// RFC 7517 Appendix A.1's RSA public key and RFC 7515 Appendix A.2's: two real 2048-bit keys.
const N_A: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
const N_B: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";

const LONG_KID: &str = "synthetic-kid-0123456789abcdef";
const SET_A: &str = "https://idp.example/keys";
const SET_B: &str = "https://other.example/jwks";

fn t(s: &str) -> i64 {
    time::parse_utc(s).unwrap_or_else(|| unreachable!("{s}"))
}

/// A small catalogue: `LONG_KID` seen at SET_A from 2024-03-01 to 2024-06-01, with snapshots
/// without it at 2024-02-20 and 2024-06-10 (the archive runs 2024-01-01 .. 2024-12-31); kid
/// "1" (another key) at SET_B, in that archive's first and last snapshots.
fn synthetic() -> Catalogue {
    Catalogue::from_json(&synthetic_json()).unwrap_or_else(|e| unreachable!("{e}"))
}

fn synthetic_json() -> String {
    let doc = json!({
        "format": 1,
        "about": "test",
        "latest_snapshot": "2024-12-31T00:00:00Z",
        "endpoints": [
            {"url": SET_A, "issuer": "https://idp.example", "cloud": null, "archives": [
                {"id": "a", "source": "test", "url": null, "repository": null, "path": null, "commit": null,
                 "first": "2024-01-01T00:00:00Z", "last": "2024-12-31T00:00:00Z", "count": 40}]},
            {"url": SET_B, "issuer": null, "cloud": null, "archives": [
                {"id": "b", "source": "test", "url": null, "repository": null, "path": null, "commit": null,
                 "first": "2024-01-01T00:00:00Z", "last": "2024-12-31T00:00:00Z", "count": 2},
                {"id": "b-undated", "source": "test", "url": null, "repository": null, "path": null, "commit": null,
                 "first": null, "last": null, "count": null}]}
        ],
        "keys": [
            {"kid": LONG_KID, "cloud": null, "cloud_from": null, "certificate": null,
             "publications": [{"endpoint": SET_A, "archive": "a",
                "first_seen": "2024-03-01T00:00:00Z", "last_seen": "2024-06-01T00:00:00Z", "snapshots": 9,
                "absent_before": "2024-02-20T00:00:00Z", "absent_after": "2024-06-10T00:00:00Z",
                "members": {"issuer": "https://idp.example/scope"}}],
             "jwk": {"kty": "RSA", "kid": LONG_KID, "x5t": "c3ludGhldGlj", "n": N_A, "e": "AQAB"}},
            {"kid": "1", "cloud": null, "cloud_from": null, "certificate": null,
             "publications": [{"endpoint": SET_B, "archive": "b",
                "first_seen": "2024-01-01T00:00:00Z", "last_seen": "2024-12-31T00:00:00Z", "snapshots": 2,
                "absent_before": null, "absent_after": null}],
             "jwk": {"kty": "RSA", "kid": "1", "n": N_A, "e": "AQAB"}}
        ]
    });
    doc.to_string()
}

fn codes(f: Option<crate::report::Finding>) -> Vec<String> {
    f.into_iter().map(|f| f.code).collect()
}

fn supplied(kid: &str, n: &str) -> KeyEntry {
    let set = parse_key_set(
        0,
        None,
        None,
        &json!({"keys": [{"kty": "RSA", "kid": kid, "n": n, "e": "AQAB"}]}),
    );
    set.keys
        .into_iter()
        .next()
        .unwrap_or_else(|| unreachable!("the key reads"))
}

#[test]
fn unreadable_documents_are_typed_errors() {
    assert!(matches!(
        Catalogue::from_json("not json"),
        Err(CatalogueError::Malformed(_))
    ));
    assert!(matches!(
        Catalogue::from_json(r#"{"format": 2}"#),
        Err(CatalogueError::UnsupportedFormat { found: 2 })
    ));
    let bad_time = r#"{"format":1,"latest_snapshot":"yesterday","endpoints":[],"keys":[]}"#;
    assert!(matches!(
        Catalogue::from_json(bad_time),
        Err(CatalogueError::Malformed(m)) if m.contains("yesterday")
    ));
    let orphan = json!({"format": 1, "latest_snapshot": "2024-01-01T00:00:00Z", "endpoints": [],
        "keys": [{"kid": "k", "cloud": null, "cloud_from": null, "certificate": null, "jwk": {},
          "publications": [{"endpoint": SET_A, "archive": "a", "first_seen": null, "last_seen": null,
            "snapshots": null, "absent_before": null, "absent_after": null}]}]});
    let err = Catalogue::from_json(&orphan.to_string());
    assert!(matches!(&err, Err(CatalogueError::Inconsistent(m)) if m.contains(SET_A)));
    assert!(err.err().is_some_and(|e| e
        .to_string()
        .starts_with("the key catalogue is inconsistent")));
}

#[test]
fn lookups_by_kid_and_x5t() {
    let c = synthetic();
    assert_eq!(c.by_kid(LONG_KID).len(), 1);
    assert_eq!(c.by_kid("nope").len(), 0);
    assert_eq!(c.by_x5t("c3ludGhldGlj").len(), 1);
    let found = c.lookup("c3ludGhldGlj");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].matched_on, vec![Identifier::X5t]);
    assert_eq!(c.published_up_to(), "2024-12");
}

#[test]
fn window_rule_fires_outside_the_snapshots_without_the_key() {
    let c = synthetic();
    let key = c.by_kid(LONG_KID)[0];
    // After the snapshot that no longer held it.
    let f = check_publication_window(key, Some(SET_A), t("2024-07-01T00:00:00Z"));
    let f = f.unwrap_or_else(|| unreachable!("fires after the removal"));
    assert_eq!(f.code, "key-not-published-at-issue");
    assert_eq!(f.evidence_json()["windows"][0]["side"], "after_last_seen");
    assert_eq!(f.evidence_json()["windows"][0]["snapshot_gap_days"], 9.0);
    assert_eq!(
        f.evidence_json()["windows"][0]["absent_after"]["utc"],
        "2024-06-10T00:00:00Z"
    );
    assert!(f.message.contains("2024-06-10T00:00:00Z"), "{}", f.message);
    // Before the snapshot that did not hold it yet; without naming the endpoint too.
    let f = check_publication_window(key, None, t("2024-02-01T00:00:00Z"));
    assert_eq!(
        f.map(|f| f.evidence_json()["windows"][0]["side"].clone()),
        Some(json!("before_first_seen"))
    );
}

#[test]
fn window_rule_is_quiet_inside_the_window_and_its_gaps() {
    let c = synthetic();
    let key = c.by_kid(LONG_KID)[0];
    for when in [
        "2024-04-01T00:00:00Z", // seen on both sides
        "2024-06-05T00:00:00Z", // between the last sighting and the snapshot without it
        "2024-02-25T00:00:00Z", // between the snapshot without it and the first sighting
    ] {
        assert_eq!(
            codes(check_publication_window(key, Some(SET_A), t(when))),
            Vec::<String>::new(),
            "{when}"
        );
    }
    // A key in the archive's first and last snapshots is published since and until some
    // unknown date: neither bound fires, however far out.
    let edge = c.by_kid("1")[0];
    for when in ["2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z"] {
        assert!(check_publication_window(edge, Some(SET_B), t(when)).is_none());
    }
}

#[test]
fn window_rule_counts_every_publication_unless_an_endpoint_is_named() {
    let mut c = synthetic();
    // The same key also seen at SET_B by a source without dates.
    let undated = Publication {
        endpoint: SET_B.to_owned(),
        archive: "b-undated".to_owned(),
        first_seen: None,
        last_seen: None,
        snapshots: None,
        absent_before: None,
        absent_after: None,
        members: Map::new(),
    };
    c.keys[0].publications.push(undated);
    let key = &c.keys[0];
    let late = t("2024-07-01T00:00:00Z");
    assert!(check_publication_window(key, None, late).is_none());
    assert!(check_publication_window(key, Some(SET_B), late).is_none());
    assert!(check_publication_window(key, Some(SET_A), late).is_some());
    // An endpoint that never published it: every publication counts again.
    assert!(check_publication_window(key, Some("https://elsewhere.example/k"), late).is_none());
}

#[test]
fn mismatch_rule_fires_on_same_kid_other_material() {
    let c = synthetic();
    let f = check_supplied_key(&c, &supplied(LONG_KID, N_B), None);
    let f = f.unwrap_or_else(|| unreachable!("fires"));
    assert_eq!(f.code, "catalogue-key-mismatch");
    assert_eq!(f.evidence_json()["kid"], LONG_KID);
    assert_eq!(
        f.evidence_json()["catalogue_keys"][0]["endpoints"][0],
        SET_A
    );
    assert_ne!(
        f.evidence_json()["supplied_thumbprint"],
        f.evidence_json()["catalogue_keys"][0]["thumbprint"]
    );
    // A short kid counts when the supplied set comes from the host that published it.
    let short = check_supplied_key(&c, &supplied("1", N_B), Some("https://OTHER.example/x"));
    assert_eq!(codes(short), vec!["catalogue-key-mismatch".to_owned()]);
}

#[test]
fn mismatch_rule_is_quiet_on_same_material_or_unrelated_short_kids() {
    let c = synthetic();
    assert!(check_supplied_key(&c, &supplied(LONG_KID, N_A), None).is_none());
    assert!(check_supplied_key(&c, &supplied("unknown-kid-0123456789", N_B), None).is_none());
    // "1" is anybody's kid: another host's key, or one of unknown source, is not the same key.
    assert!(check_supplied_key(&c, &supplied("1", N_B), None).is_none());
    assert!(
        check_supplied_key(&c, &supplied("1", N_B), Some("https://idp.example/keys")).is_none()
    );
}

#[test]
fn issuer_for_source_reads_the_endpoint() {
    let c = synthetic();
    assert_eq!(
        c.issuer_for_source("https://idp.example/keys"),
        Some("https://idp.example")
    );
    assert_eq!(
        c.issuer_for_source("HTTPS://IDP.example/keys/"),
        Some("https://idp.example")
    );
    assert_eq!(
        c.issuer_for_source("https://idp.example/keys?appid=1"),
        None
    );
    assert_eq!(c.issuer_for_source("https://idp.example/other"), None);
    assert_eq!(c.issuer_for_source(SET_B), None);
}

#[test]
fn a_key_becomes_a_key_set_from_its_endpoint() {
    let c = synthetic();
    let key = c.by_kid(LONG_KID)[0];
    let set = c.key_set(3, key, Some(SET_A));
    assert_eq!(set.index, 3);
    assert_eq!(set.source.as_deref(), Some(SET_A));
    assert_eq!(set.declared_issuer.as_deref(), Some("https://idp.example"));
    assert_eq!(set.keys.len(), 1, "{:?}", set.problems);
    assert_eq!(set.keys[0].id, "3/0");
    assert_eq!(set.keys[0].kid.as_deref(), Some(LONG_KID));
    // The member only that endpoint published comes with it.
    assert_eq!(
        set.keys[0].issuer.as_deref(),
        Some("https://idp.example/scope")
    );
    // Without an endpoint, the key's own (last) publication.
    assert_eq!(c.key_set(0, key, None).source.as_deref(), Some(SET_A));
}

#[test]
fn as_of_gives_what_the_endpoint_may_have_published() {
    let c = synthetic();
    let kids = |date: &str| -> Vec<(String, Certainty)> {
        c.as_of(SET_A, t(date))
            .map(|a| {
                a.keys
                    .iter()
                    .map(|k| (k.key.kid.clone(), k.certainty))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        kids("2024-04-01T00:00:00Z"),
        vec![(LONG_KID.to_owned(), Certainty::Seen)]
    );
    assert_eq!(
        kids("2024-06-05T00:00:00Z"),
        vec![(LONG_KID.to_owned(), Certainty::Possible)]
    );
    assert!(kids("2024-08-01T00:00:00Z").is_empty());
    assert!(c.as_of("https://unknown.example/k", 0).is_none());
    let as_of = c.as_of(SET_A, t("2024-04-01T00:00:00Z"));
    let set = as_of.map(|a| {
        assert!(a.within_archive);
        a.key_set(1)
    });
    assert_eq!(set.map(|s| s.keys.len()), Some(1));
}

#[test]
fn endpoints_compare_without_case_or_trailing_slash() {
    assert!(same_endpoint(
        "https://www.facebook.com/.well-known/oauth/openid/jwks/",
        "https://WWW.facebook.com/.well-known/oauth/openid/jwks"
    ));
    assert!(!same_endpoint(
        "https://a.example/k?x=1",
        "https://a.example/k"
    ));
    assert!(!same_endpoint("https://a.example/K", "https://a.example/k"));
}

#[cfg(feature = "catalogue")]
mod embedded_data {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const STORM: &str = "1LTMzakihiRla_8z2BEJVXeWMqo";
    const COMMON_V2: &str = "https://login.microsoftonline.com/common/discovery/v2.0/keys";

    fn cat() -> &'static Catalogue {
        embedded().unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn the_storm_0558_key_is_found_by_every_identifier() {
        let c = cat();
        let by_kid = c.lookup(STORM);
        assert_eq!(by_kid.len(), 1);
        assert_eq!(by_kid[0].matched_on, vec![Identifier::Kid, Identifier::X5t]);
        let key = by_kid[0].key;
        for q in [
            "d4b4cccda9228624656bff33d8110955779632aa",
            "D4:B4:CC:CD:A9:22:86:24:65:6B:FF:33:D8:11:09:55:77:96:32:AA",
        ] {
            assert_eq!(c.by_thumbprint_hex(q), vec![key], "{q}");
        }
        let ids = key.identifiers();
        let s256 = ids.x5t_s256.clone().unwrap_or_default();
        assert_eq!(c.by_x5t_s256(&s256), vec![key]);
        let sha256 = ids.sha256_hex.clone().unwrap_or_default();
        assert_eq!(c.lookup(&sha256.to_uppercase())[0].key, key);
        assert_eq!(
            key.certificate.as_ref().map(|c| c.subject.as_str()),
            Some("CN=Live ID STS Signing Public Key")
        );
        let endpoints: Vec<&str> = key
            .publications
            .iter()
            .map(|p| p.endpoint.as_str())
            .collect();
        assert_eq!(
            endpoints,
            vec![
                "https://login.microsoftonline.com/consumers/discovery/v2.0/keys",
                "https://nexus.passport.com/public/partner/discovery/key",
                COMMON_V2,
            ]
        );
        assert_eq!(
            key.last_seen().map(|t| time::format_utc(t.0)).as_deref(),
            Some("2023-06-27T00:00:00Z")
        );
        // As a key set without a chosen endpoint: the consumers set, which published the
        // key's issuer (its scope), so provenance reads it as a consumer key.
        let set = c.key_set(0, key, None);
        assert_eq!(
            set.source.as_deref(),
            Some("https://login.microsoftonline.com/consumers/discovery/v2.0/keys")
        );
        assert_eq!(
            set.keys.first().and_then(|k| k.issuer.as_deref()),
            Some("https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0")
        );
        let common = c.key_set(1, key, Some(COMMON_V2));
        assert_eq!(common.source.as_deref(), Some(COMMON_V2));
        assert_eq!(common.keys.first().and_then(|k| k.issuer.as_deref()), None);
    }

    #[test]
    fn storm_0558_tokens_of_2023_were_signed_while_common_published_the_key() {
        let c = cat();
        let key = c.by_kid(STORM)[0];
        // Storm-0558's forged tokens, May–June 2023: published at common v2 then.
        assert!(
            check_publication_window(key, Some(COMMON_V2), t("2023-06-20T12:00:00Z")).is_none()
        );
        // A token after the key was replaced.
        let late = check_publication_window(key, Some(COMMON_V2), t("2023-08-01T00:00:00Z"));
        assert_eq!(
            late.map(|f| f.evidence_json()["windows"][0]["absent_after"]["utc"].clone()),
            Some(json!("2023-07-05T23:59:59Z"))
        );
        // Undated sources (consumers, nexus.passport.com) leave the window open.
        assert!(check_publication_window(key, None, t("2023-08-01T00:00:00Z")).is_none());
    }

    #[test]
    fn a_key_in_an_archives_first_snapshot_is_not_dated_by_it() {
        let c = cat();
        let google = "https://www.googleapis.com/oauth2/v3/certs";
        let first = c
            .endpoint(google)
            .and_then(|e| e.archives[0].first)
            .unwrap_or_else(|| unreachable!("google's archive"));
        let from_start: Vec<&CatalogueKey> = c
            .keys
            .iter()
            .filter(|k| {
                k.publication_at(google)
                    .is_some_and(|p| p.first_seen == Some(first))
            })
            .collect();
        assert!(!from_start.is_empty());
        for key in from_start {
            // Two months before the archive's first snapshot: genuine tokens exist.
            let early = first.0 - 60 * 86_400;
            assert!(check_publication_window(key, Some(google), early).is_none());
        }
        assert_eq!(
            c.issuer_for_source(google),
            Some("https://accounts.google.com")
        );
        assert_eq!(c.published_up_to(), "2026-07");
    }

    #[test]
    fn every_certificate_summary_is_what_the_engine_reads() {
        // The generator reads certificates with its own small DER reader: the engine's X.509
        // reading must agree on every key, and every signing key must be usable.
        let c = cat();
        let mut with_cert = 0;
        for key in &c.keys {
            let entry = key.entry();
            // Every published key reads, even non-conformant ones (Battle.net's standard-base64
            // moduli, with a warning; PayPal's X25519 key-agreement key).
            assert!(entry.is_some(), "{} unreadable", key.kid);
            let (Some(summary), Some(info)) =
                (&key.certificate, entry.and_then(|e| e.certificate.as_ref()))
            else {
                assert!(key.certificate.is_none(), "{}", key.kid);
                continue;
            };
            with_cert += 1;
            assert_eq!(summary.subject, info.subject, "{}", key.kid);
            assert_eq!(summary.serial, info.serial, "{}", key.kid);
            assert_eq!(summary.not_before.0, info.not_before, "{}", key.kid);
            assert_eq!(summary.not_after.0, info.not_after, "{}", key.kid);
            assert_eq!(summary.sha1, info.sha1_hex, "{}", key.kid);
            assert_eq!(key.identifiers().x5t.as_deref(), Some(info.x5t.as_str()));
            assert_eq!(
                key.identifiers().x5t_s256.as_deref(),
                Some(info.x5t_s256.as_str())
            );
        }
        assert!(with_cert > 200, "{with_cert}");
    }
}

/// The document is read member by member (read.rs): a missing or mistyped member is a typed
/// error naming where it is; missing optional members read as None, as serde would.
#[test]
fn a_malformed_member_is_named() {
    let mut doc: serde_json::Value = serde_json::from_str(&synthetic_json()).unwrap_or_default();
    doc["keys"][0]["publications"][0]
        .as_object_mut()
        .map(|p| p.remove("archive"));
    let err = Catalogue::from_json(&doc.to_string());
    assert!(
        matches!(&err, Err(CatalogueError::Malformed(m)) if m == "catalogue.keys[0].publications[0]: missing field `archive`"),
        "{err:?}"
    );
    let mut doc: serde_json::Value = serde_json::from_str(&synthetic_json()).unwrap_or_default();
    doc["endpoints"][1]["archives"][0]["count"] = json!("two");
    assert!(matches!(
        Catalogue::from_json(&doc.to_string()),
        Err(CatalogueError::Malformed(m)) if m.ends_with("archives[0].count: expected a count")
    ));
    let mut doc: serde_json::Value = serde_json::from_str(&synthetic_json()).unwrap_or_default();
    doc["keys"][1].as_object_mut().map(|k| k.remove("cloud"));
    let read = Catalogue::from_json(&doc.to_string()).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(read.keys[1].cloud, None);
    assert_eq!(read, synthetic());
}
