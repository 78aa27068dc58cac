//! Issue 14, lookup: a supplied key set from a catalogued endpoint takes the endpoint's issuer,
//! and a token naming a key no supplied set holds is judged against the catalogue's key, with
//! the catalogue named as the provenance and in a report note. Synthetic tokens are signed at
//! test time with the committed synthetic keys (families_support); real keys and tokens come
//! from ../shared through the fixture helper only.
#![cfg(test)]
#![cfg(feature = "catalogue")]

mod common;
mod families_support;

use common::{fixture_json, fixture_text};
use families_support::{claims, jwks, key_set, B2C_SHARED_KEY, NOW};
use keyhole_engine::case::CaseKeySet;
use keyhole_engine::catalogue;
use keyhole_engine::found::NoteCode;
use keyhole_engine::model::{EvidenceKind, KeyScope};
use keyhole_engine::report::{Report, TokenReport, Verdict};
use keyhole_engine::verify::{JsonWebTokenVerifier, RecordedAnswers, SignatureVerifier};
use keyhole_engine::{Analysis, AnalyzeOptions, CaseFile};
use serde_json::{json, Value};

const GOOGLE_KEYS: &str = "https://www.googleapis.com/oauth2/v3/certs";
const GOOGLE: &str = "https://accounts.google.com";
const STORM_KID: &str = "1LTMzakihiRla_8z2BEJVXeWMqo";

fn case(key_sets: Vec<CaseKeySet>, tokens: Vec<String>) -> CaseFile {
    CaseFile {
        now: Some(NOW),
        key_sets,
        tokens,
        ..CaseFile::default()
    }
}

/// The report with the built-in catalogue (`true`) or with none.
fn run(case: &CaseFile, with_catalogue: bool) -> Report {
    let mut analysis = Analysis::new(case, &AnalyzeOptions::at(NOW));
    if !with_catalogue {
        analysis.set_catalogue(None);
    }
    analysis.add_case(case.clone());
    while let Some(slice) = analysis.next_slice(8) {
        analysis.judge(slice, &JsonWebTokenVerifier);
    }
    analysis.finish()
}

fn only(report: &Report) -> &TokenReport {
    assert_eq!(report.tokens.len(), 1);
    &report.tokens[0]
}

fn codes(t: &TokenReport) -> Vec<&str> {
    t.findings.iter().map(|f| f.code.as_str()).collect()
}

fn catalogue_note(report: &Report) -> Option<&str> {
    report
        .notes
        .iter()
        .find(|n| n.code == NoteCode::CatalogueKeys)
        .map(|n| n.message.as_str())
}

/// A Google-shaped token signed with the synthetic key, under `kid`.
fn google_token(kid: &str) -> String {
    B2C_SHARED_KEY.sign(
        json!({"kid": kid}),
        &claims(json!({"iss": GOOGLE, "aud": "client", "sub": "1"})),
    )
}

fn a_google_kid() -> String {
    let Ok(cat) = catalogue::embedded() else {
        unreachable!("the built-in catalogue reads")
    };
    cat.keys
        .iter()
        .find(|k| {
            k.publications
                .iter()
                .any(|p| catalogue::same_endpoint(&p.endpoint, GOOGLE_KEYS))
        })
        .map(|k| k.kid.clone())
        .expect("the catalogue holds Google keys")
}

#[test]
fn a_set_from_a_catalogued_endpoint_takes_its_issuer() {
    let token = google_token(B2C_SHARED_KEY.kid);
    let document = jwks(vec![B2C_SHARED_KEY.jwk(json!({}))]);
    let google = case(
        vec![key_set(GOOGLE_KEYS, document.clone())],
        vec![token.clone()],
    );
    let report = run(&google, true);
    let t = only(&report);
    assert_eq!(t.verdict, Verdict::Permitted, "{:?}", codes(t));
    assert_eq!(
        report.key_sets[0].declared_issuer.as_deref(),
        Some(GOOGLE),
        "the key set report shows the issuer it took"
    );
    let p = &t.signing_key.as_ref().map(|k| &k.provenance);
    let p = p.expect("a signing key");
    assert_eq!(p.scope_evidence.kind, EvidenceKind::Catalogue);
    assert!(p.scope_evidence.explanation.contains(GOOGLE_KEYS));
    assert!(p.catalogue.is_none(), "the key itself was supplied");
    assert!(catalogue_note(&report).is_none());

    // Not firing: a source the catalogue does not know, or no catalogue.
    let elsewhere = case(
        vec![key_set("https://idp.example/jwks", document.clone())],
        vec![token.clone()],
    );
    let t = run(&elsewhere, true).tokens.remove(0);
    assert_eq!(t.verdict, Verdict::Unverified);
    assert!(
        codes(&t).contains(&"unknown-key-provenance"),
        "{:?}",
        codes(&t)
    );
    let report = run(&google, false);
    let t = only(&report);
    assert_eq!(t.verdict, Verdict::Unverified);
    assert!(
        codes(t).contains(&"unknown-key-provenance"),
        "{:?}",
        codes(t)
    );
    assert_eq!(report.key_sets[0].declared_issuer, None);

    // A declared issuer is the analyst's and stays.
    let mut declared = google.clone();
    declared.key_sets[0].issuer = Some("https://other.example".to_owned());
    let report = run(&declared, true);
    assert_eq!(
        report.key_sets[0].declared_issuer.as_deref(),
        Some("https://other.example")
    );
    assert!(codes(only(&report)).contains(&"key-issuer-mismatch"));
}

#[test]
fn with_no_key_sets_a_catalogue_kid_is_judged_against_the_catalogue_key() {
    for kid in [STORM_KID.to_owned(), a_google_kid()] {
        // Signed with a synthetic key: a forgery of the published key's signature.
        let forged = case(vec![], vec![google_token(&kid)]);
        let report = run(&forged, true);
        let t = only(&report);
        assert_eq!(t.verdict, Verdict::Invalid, "{kid}: {:?}", codes(t));
        assert!(codes(t).contains(&"signature-invalid"), "{:?}", codes(t));
        let key = t.signing_key.as_ref();
        let key = key.unwrap_or_else(|| panic!("{kid}: the catalogue key is named"));
        assert_eq!(key.kid.as_deref(), Some(kid.as_str()));
        assert!(!key.verified);
        let evidence = key.provenance.catalogue.as_ref();
        let evidence = evidence.unwrap_or_else(|| panic!("{kid}: catalogue evidence"));
        assert_eq!(evidence.kind, EvidenceKind::Catalogue);
        let endpoint = evidence.value.as_deref().unwrap_or_default();
        assert!(endpoint.starts_with("https://"), "{endpoint}");
        assert!(evidence.explanation.contains(endpoint));
        assert!(evidence
            .explanation
            .contains("keys published up to 2026-07"));
        let note = catalogue_note(&report).unwrap_or_else(|| panic!("{kid}: a note"));
        assert!(note.contains("keys published up to 2026-07"), "{note}");

        // --no-catalogue / "catalogue": false: unverified, as without the catalogue.
        let report = run(&forged, false);
        let t = only(&report);
        assert_eq!(t.verdict, Verdict::Unverified, "{kid}: {:?}", codes(t));
        assert!(codes(t).contains(&"key-not-in-trusted-set"));
        assert!(t.signing_key.is_none());
        assert!(catalogue_note(&report).is_none());
        // The case file's own switch does the same through the plain analysis.
        for (switch, verdict) in [(false, Verdict::Unverified), (true, Verdict::Invalid)] {
            let switched = CaseFile {
                catalogue: Some(switch),
                ..forged.clone()
            };
            let report =
                keyhole_engine::analyze_with_reference(&switched, &AnalyzeOptions::at(NOW));
            assert_eq!(only(&report).verdict, verdict, "{kid}, catalogue {switch}");
            assert_eq!(catalogue_note(&report).is_some(), switch);
        }
    }
    // The Storm-0558 key is published at the consumers endpoint and is a known compromised key.
    let report = run(&case(vec![], vec![google_token(STORM_KID)]), true);
    let p = &only(&report).signing_key.as_ref().map(|k| &k.provenance);
    let p = p.expect("a signing key");
    assert_eq!(p.scope, KeyScope::Consumer);
    assert!(p.compromised.is_some());
    assert!(p
        .source
        .as_deref()
        .is_some_and(|s| s.contains("/consumers/")));
}

#[test]
fn a_token_naming_an_unknown_kid_is_unverified_as_before() {
    let report = run(
        &case(vec![], vec![google_token("a-kid-no-catalogue-holds-0000")]),
        true,
    );
    let t = only(&report);
    assert_eq!(t.verdict, Verdict::Unverified, "{:?}", codes(t));
    assert!(codes(t).contains(&"key-not-in-trusted-set"));
    assert!(t.signing_key.is_none());
    assert!(catalogue_note(&report).is_none());
}

/// Short kids such as "1" are reused by unrelated issuers: a token of another issuer naming one
/// is not judged against the catalogue's key of that kid (it would be called forged).
#[test]
fn a_short_catalogue_kid_counts_only_for_its_own_issuer() {
    let Ok(cat) = catalogue::embedded() else {
        unreachable!("the built-in catalogue reads")
    };
    let short = cat
        .keys
        .iter()
        .find(|k| {
            k.kid.len() < 16
                && k.entry().is_some()
                && k.publications
                    .iter()
                    .any(|p| cat.issuer_for_source(&p.endpoint).is_some())
        })
        .expect("the catalogue holds short kids");
    let issuer = short
        .publications
        .iter()
        .find_map(|p| cat.issuer_for_source(&p.endpoint))
        .unwrap_or_default();
    let token = |iss: &str| {
        B2C_SHARED_KEY.sign(
            json!({"kid": short.kid}),
            &claims(json!({"iss": iss, "sub": "1"})),
        )
    };
    let other = run(&case(vec![], vec![token("https://idp.example")]), true);
    assert_eq!(only(&other).verdict, Verdict::Unverified, "{}", short.kid);
    let own = run(&case(vec![], vec![token(issuer)]), true);
    assert_eq!(
        only(&own).verdict,
        Verdict::Invalid,
        "{} {issuer}",
        short.kid
    );
}

#[test]
fn supplied_key_sets_take_precedence_over_the_catalogue() {
    // A supplied key under the Storm-0558 kid (other material) that really signed the token.
    let jwk = B2C_SHARED_KEY.jwk(json!({"kid": STORM_KID}));
    let supplied = case(
        vec![key_set("https://idp.example/jwks", jwks(vec![jwk]))],
        vec![google_token(STORM_KID)],
    );
    let report = run(&supplied, true);
    let t = only(&report);
    let key = t.signing_key.as_ref();
    let key = key.expect("the supplied key");
    assert!(key.verified);
    assert_eq!(key.key_id, "0/0");
    assert!(key.provenance.catalogue.is_none());
    assert!(catalogue_note(&report).is_none());
    assert_ne!(t.verdict, Verdict::Invalid);
}

/// The page asks its checks ahead (WebCrypto) and replays the answers: the catalogue's checks
/// are planned too, so the replayed report equals the reference one.
#[test]
fn planned_checks_include_the_catalogues() {
    let c = case(
        vec![],
        vec![google_token(STORM_KID), google_token("unknown")],
    );
    let reference = run(&c, true);
    let mut analysis = Analysis::new(&c, &AnalyzeOptions::at(NOW));
    analysis.add_case(c.clone());
    let mut checks = Vec::new();
    while let Some(mut slice) = analysis.next_slice(1) {
        checks.extend(analysis.plan(&mut slice));
    }
    assert_eq!(checks.len(), 1, "one check, against the catalogue key");
    let mut answers = RecordedAnswers::new("recorded");
    for c in &checks {
        let ok = JsonWebTokenVerifier.verify(c.alg, &c.material, &c.signing_input, &c.signature);
        answers.record(c, ok);
    }
    let replayed = keyhole_engine::analyze(&c, &AnalyzeOptions::at(NOW), &answers);
    let verdicts = |r: &Report| r.tokens.iter().map(|t| t.verdict).collect::<Vec<_>>();
    assert_eq!(verdicts(&replayed), verdicts(&reference));
    assert_eq!(
        verdicts(&reference),
        [Verdict::Invalid, Verdict::Unverified]
    );
}

/// Real data: Microsoft's documentation sample v2 ID token names the Storm-0558 kid; with no
/// key sets at all the catalogue's published key judges its signature, and the provenance
/// names the endpoint that published it.
#[test]
fn the_real_msa_sample_token_is_judged_against_the_published_key() {
    let Some(text) = fixture_text("fixtures/real/msdocs-sample-idtoken-v2-msa-kid-1LTMz.jwt")
    else {
        return;
    };
    let token = text.trim().to_owned();
    let report = run(&case(vec![], vec![token.clone()]), true);
    let t = only(&report);
    let key = t.signing_key.as_ref();
    let key = key.unwrap_or_else(|| panic!("the catalogue key is named: {:?}", codes(t)));
    assert_eq!(key.kid.as_deref(), Some(STORM_KID));
    assert!(key.provenance.catalogue.is_some());
    // SOURCES.md: the docs-edited sample does not verify against the 1LTMz key.
    assert_eq!(t.verdict, Verdict::Invalid, "{:?}", codes(t));
    assert!(codes(t).contains(&"signature-invalid"));
    let without = run(&case(vec![], vec![token]), false);
    assert_eq!(only(&without).verdict, Verdict::Unverified);
}

/// Real data: Google's published keys, supplied with their real source URL and no issuer,
/// take Google's issuer from the catalogue (scope: that issuer only, evidence `catalogue`).
#[test]
fn real_google_keys_with_their_source_url_take_googles_issuer() {
    let Some(data) = fixture_json("fixtures/history/published-keys.json") else {
        return;
    };
    let keys: Vec<Value> = data
        .get("keys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|k| {
            k.get("endpoint")
                .and_then(Value::as_str)
                .is_some_and(|e| catalogue::same_endpoint(e, GOOGLE_KEYS))
        })
        .filter_map(|k| k.get("jwk").cloned())
        .collect();
    assert!(!keys.is_empty(), "the history holds Google's keys");
    let c = case(vec![key_set(GOOGLE_KEYS, jwks(keys.clone()))], vec![]);
    let analysis = Analysis::new(&c, &AnalyzeOptions::at(NOW));
    let set = &analysis.key_sets()[0];
    assert_eq!(set.keys.len(), keys.len());
    assert_eq!(set.declared_issuer.as_deref(), Some(GOOGLE));
    for key in &set.keys {
        let p = keyhole_engine::judge::key_provenance(key, set);
        assert_eq!(
            p.scope,
            KeyScope::Issuer {
                issuer: GOOGLE.to_owned()
            }
        );
        assert_eq!(p.scope_evidence.kind, EvidenceKind::Catalogue);
        assert!(p.is_known());
    }
}

/// A catalogue of one synthetic key (its private half is a committed test key), published at
/// one endpoint from 2024-01-01 to 2024-03-01 and absent from a snapshot on 2024-04-01, so that
/// a token it really signed can be judged through the lookup, in and outside that window.
fn synthetic_catalogue() -> catalogue::Catalogue {
    let doc = json!({
        "format": 1,
        "latest_snapshot": "2024-06-01T00:00:00Z",
        "endpoints": [{
            "url": "https://idp.example/keys", "issuer": "https://idp.example", "cloud": null,
            "archives": [{"id": "a", "source": "test", "url": null, "repository": null,
                          "path": null, "commit": null, "first": "2023-06-01T00:00:00Z",
                          "last": "2024-06-01T00:00:00Z", "count": 12}]
        }],
        "keys": [{
            "kid": B2C_SHARED_KEY.kid, "cloud": null, "cloud_from": null, "certificate": null,
            "publications": [{"endpoint": "https://idp.example/keys", "archive": "a",
                              "first_seen": "2024-01-01T00:00:00Z",
                              "last_seen": "2024-03-01T00:00:00Z", "snapshots": 3,
                              "absent_before": "2023-12-01T00:00:00Z",
                              "absent_after": "2024-04-01T00:00:00Z"}],
            "jwk": B2C_SHARED_KEY.jwk(json!({}))
        }]
    });
    catalogue::Catalogue::from_json(&doc.to_string())
        .unwrap_or_else(|e| panic!("synthetic catalogue: {e}"))
}

#[test]
fn a_token_a_catalogue_key_verifies_is_judged_with_its_publication_window() {
    let cat = synthetic_catalogue();
    let judge = |iat: i64| {
        let token = B2C_SHARED_KEY.sign(
            json!({}),
            &json!({"iss": "https://idp.example", "sub": "1", "iat": iat, "exp": NOW + 3600}),
        );
        let c = case(vec![], vec![token]);
        let mut analysis = Analysis::new(&c, &AnalyzeOptions::at(NOW));
        analysis.set_catalogue(Some(&cat));
        analysis.add_case(c.clone());
        while let Some(slice) = analysis.next_slice(1) {
            analysis.judge(slice, &JsonWebTokenVerifier);
        }
        analysis.finish().tokens.remove(0)
    };
    // 2024-02-01: published then.
    let t = judge(1_706_745_600);
    assert_eq!(t.verdict, Verdict::Permitted, "{:?}", codes(&t));
    let key = t.signing_key.as_ref();
    let key = key.expect("the catalogue key");
    assert!(key.verified);
    let evidence = key.provenance.catalogue.as_ref();
    let evidence = evidence.expect("catalogue evidence");
    assert!(
        evidence
            .explanation
            .contains("first seen 2024-01-01, last seen 2024-03-01"),
        "{}",
        evidence.explanation
    );
    assert_eq!(
        key.provenance.scope,
        KeyScope::Issuer {
            issuer: "https://idp.example".to_owned()
        }
    );
    assert!(!codes(&t).contains(&"key-not-published-at-issue"));
    // 2024-05-01: after a snapshot without it.
    let t = judge(1_714_521_600);
    assert!(
        codes(&t).contains(&"key-not-published-at-issue"),
        "{:?}",
        codes(&t)
    );
}
