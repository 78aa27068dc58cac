//! What the page shows from the catalogue, computed by the engine (crate::catalogue's `view`):
//! the tokens that would consult it, `catalogue-key-mismatch` in the judgement of a whole case,
//! an endpoint's keys as of a date added as a key set, and the per-key timeline. Tokens are
//! signed at test time with the committed synthetic keys (families_support); the catalogue is
//! the built-in one.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod families_support;

use families_support::*;
use keyhole_engine::catalogue::{self, Catalogue};
use keyhole_engine::report::{Report, Verdict};
use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile};
use serde_json::{json, Value};

/// The Storm-0558 key's kid (a real, catalogued kid); the tests give it synthetic material.
const STORM_KID: &str = "1LTMzakihiRla_8z2BEJVXeWMqo";
const CONSUMERS_V2: &str = "https://login.microsoftonline.com/consumers/discovery/v2.0/keys";

fn cat() -> &'static Catalogue {
    catalogue::embedded().unwrap()
}

fn claims(iat: i64) -> Value {
    json!({"iss": "https://idp.example", "aud": "api://x", "sub": "s", "iat": iat, "nbf": iat, "exp": iat + 3600})
}

fn run(case: &CaseFile) -> Report {
    analyze_with_reference(case, &AnalyzeOptions::at(NOW))
}

fn codes(r: &Report, i: usize) -> Vec<String> {
    r.tokens[i]
        .findings
        .iter()
        .map(|f| f.code.clone())
        .collect()
}

/// A token signed with the synthetic global key under `kid`, and a key set holding that key
/// under the same kid (supplied by the analyst, from an unrelated source).
fn supplied_case(kid: &str) -> CaseFile {
    let token = GLOBAL_KEY.sign(json!({"kid": kid}), &claims(NOW - 60));
    let mut jwk = GLOBAL_KEY.jwk(json!({}));
    jwk["kid"] = json!(kid);
    CaseFile {
        now: Some(NOW),
        tokens: vec![token],
        key_sets: vec![key_set("https://idp.example/keys", jwks(vec![jwk]))],
        ..CaseFile::default()
    }
}

#[test]
fn a_supplied_key_under_a_published_kid_with_other_material_is_a_mismatch() {
    let r = run(&supplied_case(STORM_KID));
    let key = r.tokens[0].signing_key.as_ref();
    assert!(key.is_some_and(|k| k.verified && k.provenance.catalogue.is_none()));
    assert!(codes(&r, 0).contains(&"catalogue-key-mismatch".to_owned()));
    let f = r.tokens[0]
        .findings
        .iter()
        .find(|f| f.code == "catalogue-key-mismatch");
    let evidence = f.map(|f| serde_json::to_value(&f.evidence).unwrap_or_default());
    assert_eq!(
        evidence.as_ref().and_then(|e| e.get("kid")),
        Some(&json!(STORM_KID))
    );
    assert!(evidence
        .and_then(|e| e.get("catalogue_keys").cloned())
        .is_some_and(|k| k.to_string().contains(CONSUMERS_V2)));
}

#[test]
fn no_mismatch_without_the_catalogue_or_for_an_unpublished_kid() {
    let mut off = supplied_case(STORM_KID);
    off.catalogue = Some(false);
    assert!(!codes(&run(&off), 0).contains(&"catalogue-key-mismatch".to_owned()));
    let unknown = run(&supplied_case("synthetic-kid-never-published-0001"));
    assert!(!codes(&unknown, 0).contains(&"catalogue-key-mismatch".to_owned()));
    // The verdict itself does not move: the warning informs, the supplied key decides.
    let on = run(&supplied_case(STORM_KID));
    assert_eq!(on.tokens[0].verdict, run(&off).tokens[0].verdict);
}

/// With no key set, a token naming a catalogued kid would consult the catalogue (and does,
/// once it is there); one naming an unknown kid would be offered it but finds nothing.
#[test]
fn would_consult_names_tokens_whose_key_no_supplied_set_holds() {
    let storm = GLOBAL_KEY.sign(json!({"kid": STORM_KID}), &claims(NOW - 60));
    let unknown = GLOBAL_KEY.sign(
        json!({"kid": "synthetic-kid-never-published-0002"}),
        &claims(NOW - 60),
    );
    let anonymous = GLOBAL_KEY.sign(json!({}), &claims(NOW - 60)).replace(
        &keyhole_engine::b64::encode_url(
            json!({"alg": "RS256", "typ": "JWT", "kid": GLOBAL_KEY.kid})
                .to_string()
                .as_bytes(),
        ),
        &keyhole_engine::b64::encode_url(json!({"alg": "RS256"}).to_string().as_bytes()),
    );
    let case = CaseFile {
        now: Some(NOW),
        tokens: vec![storm, unknown, anonymous],
        catalogue: Some(false),
        ..CaseFile::default()
    };
    let without = run(&case);
    assert_eq!(catalogue::would_consult(&without, None), vec![0, 1]);
    assert_eq!(catalogue::would_consult(&without, Some(cat())), vec![0]);
    // Consulted: the forged Storm-0558 token is invalid, with provenance from the catalogue.
    let with = run(&CaseFile {
        catalogue: None,
        ..case
    });
    assert_eq!(with.tokens[0].verdict, Verdict::Invalid);
    assert!(catalogue::would_consult(&with, None)
        .iter()
        .all(|&i| i != 0));
    assert_eq!(with.tokens[1].verdict, Verdict::Unverified);
}

#[test]
fn an_endpoint_as_of_a_date_becomes_a_key_set_that_verifies_its_keys() {
    let t = |s: &str| keyhole_engine::time::parse_utc(s).unwrap_or_default();
    let Some(as_of) = cat().as_of(
        "https://login.microsoftonline.com/common/discovery/v2.0/keys",
        t("2023-06-01T00:00:00Z"),
    ) else {
        unreachable!("the common v2 endpoint is catalogued")
    };
    let doc = as_of.document();
    let kids: Vec<&str> = doc["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert!(kids.contains(&STORM_KID), "{kids:?}");
    // Two years later the key is gone from that endpoint.
    let later = cat().as_of(
        "https://login.microsoftonline.com/common/discovery/v2.0/keys",
        t("2025-06-01T00:00:00Z"),
    );
    assert!(later.is_some_and(|a| a.document().to_string().find(STORM_KID).is_none()));
}

/// The timeline of a supplied key: tokens in iat order, the axis spanning them, nothing about
/// publication (not in the catalogue); then the real Microsoft docs sample (2018) against the
/// catalogue's Storm-0558 key: inside its certificate and its publication window.
#[test]
fn timelines_place_each_token_against_certificate_and_publication() {
    let mut case = supplied_case("synthetic-kid-never-published-0003");
    let first = case.tokens[0].clone();
    let later = GLOBAL_KEY.sign(
        json!({"kid": "synthetic-kid-never-published-0003"}),
        &claims(NOW - 86_400 * 30),
    );
    case.tokens = vec![first, later];
    let r = run(&case);
    let lines = catalogue::timelines(&r, Some(cat()));
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert!(!line.from_catalogue && line.windows.is_empty());
    assert_eq!(
        line.tokens.iter().map(|s| s.index).collect::<Vec<_>>(),
        vec![1, 0]
    );
    assert!(line.x(line.tokens[0].iat) < line.x(line.tokens[1].iat));
    assert!(line.x(line.tokens[0].iat) > 0.0 && line.x(line.tokens[1].iat) < 1.0);
    assert!(line.describe()[0].starts_with("Signed 2 tokens"));
    // Only keys that verified a token have a timeline.
    let none = run(&CaseFile {
        catalogue: Some(false),
        key_sets: Vec::new(),
        ..case
    });
    assert!(catalogue::timelines(&none, Some(cat())).is_empty());

    // A catalogue holding the synthetic key, seen at its endpoint from NOW - 100 days to
    // NOW - 10 days and gone at NOW - 5 days: a token from NOW - 50 days lies inside, one from
    // NOW - 1 minute after it (key-not-published-at-issue).
    let at = keyhole_engine::time::format_utc;
    let day = 86_400;
    let endpoint = "https://idp.example/keys";
    let kid = "synthetic-catalogued-kid-0004";
    let mut jwk = GLOBAL_KEY.jwk(json!({}));
    jwk["kid"] = json!(kid);
    let doc = json!({"format": 1, "latest_snapshot": at(NOW),
        "endpoints": [{"url": endpoint, "issuer": "https://idp.example", "cloud": null,
            "archives": [{"id": "a", "source": "test", "url": null, "repository": null,
                "path": null, "commit": null, "first": at(NOW - 200 * day), "last": at(NOW), "count": 30}]}],
        "keys": [{"kid": kid, "cloud": null, "cloud_from": null, "certificate": null, "jwk": jwk,
            "publications": [{"endpoint": endpoint, "archive": "a",
                "first_seen": at(NOW - 100 * day), "last_seen": at(NOW - 10 * day), "snapshots": 9,
                "absent_before": at(NOW - 120 * day), "absent_after": at(NOW - 5 * day)}]}]});
    let synthetic = Catalogue::from_json(&doc.to_string()).unwrap();
    let case = CaseFile {
        now: Some(NOW),
        tokens: vec![
            GLOBAL_KEY.sign(json!({"kid": kid}), &claims(NOW - 60)),
            GLOBAL_KEY.sign(json!({"kid": kid}), &claims(NOW - 50 * day)),
        ],
        ..CaseFile::default()
    };
    let options = AnalyzeOptions::at(NOW);
    let mut analysis = keyhole_engine::Analysis::new(&case, &options);
    analysis.set_catalogue(Some(&synthetic));
    analysis.add_case(case);
    while let Some(slice) = analysis.next_slice(10) {
        analysis.judge(slice, &keyhole_engine::verify::JsonWebTokenVerifier);
    }
    let r = analysis.finish();
    let lines = catalogue::timelines(&r, Some(&synthetic));
    assert_eq!(lines.len(), 1, "{:?}", r.tokens[0].signature);
    let line = &lines[0];
    assert!(line.from_catalogue && line.certificate.is_none());
    assert_eq!(line.windows.len(), 1);
    assert_eq!(line.windows[0].seen.from, Some(NOW - 100 * day));
    assert_eq!(line.windows[0].possible.to, Some(NOW - 5 * day));
    let outside: Vec<(usize, bool)> = line
        .tokens
        .iter()
        .map(|s| (s.index, s.outside_publication))
        .collect();
    assert_eq!(outside, vec![(1, false), (0, true)]);
    assert!(line.x(NOW - 120 * day) > 0.0 && line.x(NOW - 60) < 1.0);
    assert!(line
        .describe()
        .iter()
        .any(|l| l.starts_with("1 token(s) issued outside the publication window")));
    // Without that catalogue, the same report draws no publication window.
    assert!(catalogue::timelines(&r, None)[0].windows.is_empty());
}

/// The picture is SVG with every text escaped: a kid is the token's (attacker's) choice.
#[test]
fn the_timeline_svg_escapes_what_the_token_chose() {
    let kid = "<script>alert(1)</script>\"&'";
    let mut case = supplied_case(kid);
    case.tokens
        .push(GLOBAL_KEY.sign(json!({"kid": kid}), &claims(NOW - 86_400 * 3)));
    let r = run(&case);
    let lines = catalogue::timelines(&r, Some(cat()));
    let svg = lines[0].svg("t\"0");
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(
        !svg.contains("<script")
            && svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;")
    );
    assert!(svg.contains(r#"id="t&quot;0""#));
    assert_eq!(svg.matches("<circle").count(), 2);
    let figure = lines[0].figure("t0");
    assert!(figure.starts_with("<figure") && figure.contains(&lines[0].svg("t0")));
    assert!(
        !figure.contains("<script") && figure.matches("<li>").count() == lines[0].describe().len()
    );
    assert_eq!(
        svg.matches("tl-permitted").count() + svg.matches("tl-unverified").count(),
        2
    );
}

/// The Known-keys view lists the engine's rows: the Storm-0558 key's certificate, its
/// publication at the common v2 endpoint with the snapshot that no longer held it, its notes.
#[test]
fn a_key_history_says_where_and_when_it_was_published() {
    let c = cat();
    let found = c.lookup(STORM_KID);
    assert_eq!(found.len(), 1);
    let rows = found[0].key.history(c);
    let text = |label: &str| -> Vec<&str> {
        rows.iter()
            .filter(|(l, _)| *l == label)
            .map(|(_, t)| t.as_str())
            .collect()
    };
    assert!(text("Certificate")[0].contains("valid 2016-04-05 to 2021-04-04"));
    assert!(text("Published at").iter().any(|t| t.starts_with(
        "https://login.microsoftonline.com/common/discovery/v2.0/keys: seen 2016-08-01 to 2023-06-27; gone by 2023-07-05"
    )));
    assert!(text("Note").iter().any(|t| t.contains("Storm-0558")));
}

/// The page's Known keys lookup, as the document module renders it: the history rows as an
/// escaped article per key, the endpoint to offer for "add as key set"; nothing for an empty
/// or unknown query, and an unknown query's markup characters stay text.
#[test]
fn the_page_lookup_renders_each_key_history_as_escaped_html() {
    use catalogue::page::lookup;
    let found = lookup(cat(), &format!("  {STORM_KID} "));
    assert_eq!(found.count, 1);
    assert!(found.html.starts_with(&format!(
        r#"<article class="known-key" data-kid="{STORM_KID}"><h3>kid <code>{STORM_KID}</code> (matched on kid, x5t)</h3><dl class="known-key-facts"><dt>Cloud</dt>"#
    )));
    assert!(found.html.contains("<dt>Published at</dt><dd>https://login.microsoftonline.com/common/discovery/v2.0/keys: seen 2016-08-01 to 2023-06-27; gone by 2023-07-05"));
    assert!(found.html.ends_with("</dl></article>"));
    assert!(found
        .endpoint
        .is_some_and(|e| e.starts_with("https://login.microsoftonline.com/")));
    for nothing in ["", "   ", "<img src=x onerror=alert(1)>", "no-such-kid"] {
        let none = lookup(cat(), nothing);
        assert_eq!(
            (none.count, none.html.as_str(), none.endpoint),
            (0, "", None),
            "{nothing}"
        );
    }
}

/// The Known keys view once loaded: the status says what is loaded and what rests on it (or that
/// the case turns it off); the lookup's answer only with a query; the form's endpoint is the
/// one chosen, else the looked-up key's, else the first, and its date the one chosen, else the
/// latest snapshot's day; whatever the page passes in stays text.
#[test]
fn the_page_known_keys_view_follows_the_page_state() {
    use catalogue::page::{lookup, view, ViewRequest};
    let c = cat();
    let plain = view(
        c,
        &ViewRequest {
            consulted: true,
            ..ViewRequest::default()
        },
    );
    let keys = c.keys.len();
    assert!(plain.status.starts_with(&format!(
        r#"<p id="catalogue-status" role="status" data-keys="{keys}" data-resting="0">Keyhole's catalogue of published keys is loaded: {keys} keys from {} endpoints, keys published up to {}."#,
        c.endpoints.len(),
        c.published_up_to()
    )));
    assert!(plain.status.ends_with(" No verdict rests on it.</p>"));
    assert_eq!(plain.found, "");
    let first = &c.endpoints[0].url;
    assert!(plain
        .add
        .contains(&format!(r#"<option value="{first}" selected>"#)));
    assert_eq!(plain.add.matches(" selected>").count(), 1);
    let day = &keyhole_engine::time::format_utc(c.latest_snapshot.0)[..10];
    assert!(plain.add.contains(&format!(
        r#"<input id="catalogue-date" type="date" aria-label="As of (UTC date)" value="{day}">"#
    )));
    assert!(plain
        .add
        .ends_with(r#"<button type="button" id="catalogue-add">Add as key set</button></div>"#));

    let looked_up = view(
        c,
        &ViewRequest {
            consulted: true,
            resting: 3,
            query: STORM_KID.to_owned(),
            ..ViewRequest::default()
        },
    );
    assert!(looked_up.status.contains(r#"data-resting="3""#));
    assert!(looked_up
        .status
        .ends_with(" 3 verdict(s) rest on it rather than on a key set you supplied.</p>"));
    let found = lookup(c, STORM_KID);
    assert_eq!(
        looked_up.found,
        format!(
            r#"<p id="known-keys-count">1 key(s) found</p>{}"#,
            found.html
        )
    );
    let its = found.endpoint.unwrap();
    assert!(looked_up
        .add
        .contains(&format!(r#"<option value="{its}" selected>"#)));

    let chosen = view(
        c,
        &ViewRequest {
            consulted: false,
            query: STORM_KID.to_owned(),
            endpoint: CONSUMERS_V2.to_owned(),
            date: "2023-06-01".to_owned(),
            ..ViewRequest::default()
        },
    );
    assert!(chosen
        .status
        .ends_with(" This case turns it off (&quot;catalogue&quot;: false).</p>"));
    assert!(chosen
        .add
        .contains(&format!(r#"<option value="{CONSUMERS_V2}" selected>"#)));
    assert_eq!(chosen.add.matches(" selected>").count(), 1);
    assert!(chosen.add.contains(r#"value="2023-06-01">"#));

    let hostile = view(
        c,
        &ViewRequest {
            query: "<img src=x onerror=alert(1)>".to_owned(),
            date: r#""><script>alert(1)</script>"#.to_owned(),
            ..ViewRequest::default()
        },
    );
    assert_eq!(
        hostile.found,
        r#"<p id="known-keys-count">0 key(s) found</p>"#
    );
    assert!(!hostile.add.contains("<script>") && hostile.add.contains("&quot;&gt;&lt;script&gt;"));
}

/// "Add as key set" in the page: the document module gives the JWKS and the sentence; a date
/// that is not one, or an endpoint the catalogue does not know, is an error that says so.
#[test]
fn the_page_adds_an_endpoint_as_of_a_date_or_says_why_not() {
    use catalogue::page::key_set_as_of;
    let common = "https://login.microsoftonline.com/common/discovery/v2.0/keys";
    let added = key_set_as_of(cat(), common, "2023-06-01").unwrap();
    assert_eq!(added.source, common);
    let doc: Value = serde_json::from_str(&added.document).unwrap();
    let kids: Vec<&str> = doc["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert!(kids.contains(&STORM_KID) && kids.len() > 1, "{kids:?}");
    assert!(added.notice.starts_with(&format!(
        "Added {} key(s) {common} may have published on 2023-06-01 (",
        kids.len()
    )));
    // The Storm-0558 key comes from older sources than the archive of snapshots.
    assert!(
        added
            .notice
            .ends_with("; the date lies outside the archives of that endpoint) as a key set"),
        "{}",
        added.notice
    );
    // Inside its archive of snapshots (panva/wellknown, 2024-06-05 to 2024-10-26).
    let recent = key_set_as_of(cat(), common, "2024-08-01").unwrap();
    assert!(
        recent
            .notice
            .ends_with("on both sides of that date) as a key set"),
        "{}",
        recent.notice
    );
    assert_eq!(
        key_set_as_of(cat(), common, "2023-02-31").unwrap_err(),
        "2023-02-31 is not a date"
    );
    let unknown = key_set_as_of(cat(), "https://idp.example/keys", "2023-06-01").unwrap_err();
    assert!(
        unknown.contains("does not know the endpoint https://idp.example/keys"),
        "{unknown}"
    );
}

/// The page's timelines section: the legend, then one figure per key that verified tokens (at
/// most twelve, then a line saying how many more); only the legend when no key verified one.
#[test]
fn the_page_timelines_section_draws_each_verifying_key() {
    use catalogue::page::{keys_with_timelines, timelines_section, MAX_TIMELINES};
    let r = run(&supplied_case("synthetic-kid-never-published-0003"));
    assert_eq!(keys_with_timelines(&r), 1);
    let section = timelines_section(&r, Some(cat()));
    assert!(section.starts_with(r#"<p class="tl-legend">"#));
    assert_eq!(section.matches("<figure").count(), 1);
    assert!(section.contains(r#"id="timeline-title-0""#));
    assert!(!section.contains("more key(s)"));
    // Thirteen keys, each verifying one token: twelve drawn, one more said.
    let mut case = CaseFile {
        now: Some(NOW),
        ..CaseFile::default()
    };
    let mut keys = Vec::new();
    for n in 0..=MAX_TIMELINES {
        let kid = format!("synthetic-kid-never-published-{n:04}");
        case.tokens
            .push(GLOBAL_KEY.sign(json!({"kid": kid}), &claims(NOW - 60)));
        let mut jwk = GLOBAL_KEY.jwk(json!({}));
        jwk["kid"] = json!(kid);
        keys.push(jwk);
    }
    case.key_sets = vec![key_set("https://idp.example/keys", jwks(keys))];
    let r = run(&case);
    assert_eq!(keys_with_timelines(&r), MAX_TIMELINES + 1);
    let section = timelines_section(&r, None);
    assert_eq!(section.matches("<figure").count(), MAX_TIMELINES);
    assert!(section.ends_with("<p>1 more key(s) verified tokens; the key matrix lists them.</p>"));
    // No verified signature: nothing to draw.
    let r = run(&CaseFile {
        now: Some(NOW),
        tokens: vec![GLOBAL_KEY.sign(json!({"kid": "x"}), &claims(NOW))],
        ..CaseFile::default()
    });
    assert_eq!(keys_with_timelines(&r), 0);
    assert_eq!(timelines_section(&r, None).matches("<figure").count(), 0);
}
