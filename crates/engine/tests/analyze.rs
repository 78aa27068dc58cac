//! The case-file contract of `analyze`: order of tokens, OpenID configurations declaring the
//! issuer of the key set at their jwks_uri, unreadable keys reported per key, default `now`.
#![cfg(test)]

use keyhole_engine::report::{FoundAt, Verdict};
use keyhole_engine::samples::sample;
use keyhole_engine::{analyze_with_reference, AnalyzeOptions, CaseFile};
use serde_json::json;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn storm() -> CaseFile {
    let json = sample("storm-0558")
        .map(|s| s.case_json())
        .unwrap_or_default();
    CaseFile::from_json(json).unwrap()
}

#[test]
fn tokens_array_first_then_text_in_order_of_appearance() {
    let mut case = storm();
    let first = case.tokens[0].clone();
    let second = case.tokens[1].clone();
    case.tokens = vec![second.clone()];
    case.text = Some(format!("x\nAuthorization: Bearer {first}\ny {second}\n"));
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert_eq!(r.tokens.len(), 3);
    assert_eq!(r.tokens[0].token.as_deref(), Some(second.as_str()));
    assert_eq!(r.tokens[0].found_at, Some(FoundAt::tokens(0)));
    assert_eq!(r.tokens[1].token.as_deref(), Some(first.as_str()));
    assert!(
        matches!(&r.tokens[1].found_at, Some(FoundAt::Text { locations, .. }) if locations[0].line == 2),
        "{:?}",
        r.tokens[1].found_at
    );
    assert_eq!(r.tokens[2].token.as_deref(), Some(second.as_str()));
}

#[test]
fn identical_tokens_in_text_are_reported_once_with_their_count() {
    let mut case = storm();
    let t = case.tokens[0].clone();
    case.tokens.clear();
    case.text = Some(format!("{t}\n{t}\n{t}\n"));
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert_eq!(r.tokens.len(), 1);
    assert_eq!(r.tokens[0].found_at.as_ref().map(FoundAt::count), Some(3));
}

#[test]
fn openid_configuration_declares_the_issuer_of_the_set_at_its_jwks_uri() {
    let mut case = storm();
    let uri = "https://idp.example/keys";
    case.key_sets[0].source = Some(uri.to_owned());
    case.key_sets.push(keyhole_engine::case::CaseKeySet {
        source: Some("https://idp.example/.well-known/openid-configuration".to_owned()),
        issuer: None,
        document: json!({"issuer": "https://idp.example", "jwks_uri": uri}),
    });
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert_eq!(
        r.key_sets[0].declared_issuer.as_deref(),
        Some("https://idp.example")
    );
}

#[test]
fn an_unreadable_key_is_reported_and_the_others_still_verify() {
    let mut case = storm();
    if let Some(keys) = case.key_sets[0].document["keys"].as_array_mut() {
        keys.insert(
            0,
            json!({"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"}),
        );
    }
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert!(
        !r.key_sets[0].problems.is_empty(),
        "the broken key is reported"
    );
    assert!(
        r.key_sets[0].problems[0].contains("broken"),
        "{:?}",
        r.key_sets[0].problems
    );
    assert_eq!(
        r.tokens[0].verdict,
        Verdict::Violation,
        "the other keys still work"
    );
}

#[test]
fn now_defaults_to_the_callers_clock_and_the_case_wins() {
    let mut case = storm();
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(7));
    assert_eq!(r.now, case.now.unwrap_or_default());
    case.now = None;
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(7));
    assert_eq!(r.now, 7);
}

#[test]
fn garbage_tokens_are_malformed_with_a_message() {
    let case = CaseFile {
        tokens: vec!["not-a-token".to_owned(), String::new()],
        ..CaseFile::default()
    };
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert!(r
        .tokens
        .iter()
        .all(|t| t.verdict == Verdict::Malformed && t.error.is_some()));
    assert_eq!(r.summary.malformed, 2);
}

/// The batch path (plan, answer elsewhere, replay) gives the same report as the reference,
/// with every answer replayed from the recording.
#[test]
fn answers_recorded_from_planned_checks_give_the_reference_report() {
    use keyhole_engine::verify::{JsonWebTokenVerifier, RecordedAnswers, SignatureVerifier};
    let mut checked = 0;
    for s in keyhole_engine::samples::SAMPLES {
        let case = CaseFile::from_json(s.case_json()).unwrap();
        let reference = analyze_with_reference(&case, &AnalyzeOptions::at(0));
        let mut analysis = keyhole_engine::Analysis::new(&case, &AnalyzeOptions::at(0));
        analysis.add_case(case.clone());
        let mut checks = Vec::new();
        while let Some(mut slice) = analysis.next_slice(2) {
            checks.extend(analysis.plan(&mut slice));
        }
        checked += checks.len();
        let mut cache = RecordedAnswers::new("recorded");
        for c in &checks {
            let ok =
                JsonWebTokenVerifier.verify(c.alg, &c.material, &c.signing_input, &c.signature);
            cache.record(c, ok);
        }
        let replayed = keyhole_engine::analyze(&case, &AnalyzeOptions::at(0), &cache);
        let verdicts = |r: &keyhole_engine::Report| {
            r.tokens
                .iter()
                .map(|t| {
                    (
                        t.verdict,
                        t.findings
                            .iter()
                            .map(|f| f.code.clone())
                            .collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(verdicts(&replayed), verdicts(&reference), "{}", s.name);
    }
    assert!(checked >= 5, "the samples plan {checked} checks");
}

/// An HS256 token really signed with `secret`, with no trusted key that could check it.
fn hs256_token(secret: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let input = format!(
        "{}.{}",
        keyhole_engine::b64::encode_url(br#"{"alg":"HS256","typ":"JWT"}"#),
        keyhole_engine::b64::encode_url(br#"{"iss":"https://idp.example","sub":"a"}"#)
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    let sig = keyhole_engine::b64::encode_url(&mac.finalize().into_bytes());
    format!("{input}.{sig}")
}

/// The case's own `weak_secrets` are tried together with the caller's list: either list alone
/// finds the secret, and neither finds it when the secret is in none.
#[test]
fn case_weak_secrets_are_tried_with_the_callers() {
    let secret = "Sn1f-case-only-secret";
    let weak = |case_list: &[&str], caller: &[String]| {
        let case = CaseFile {
            now: Some(0),
            tokens: vec![hs256_token(secret.as_bytes())],
            weak_secrets: case_list.iter().map(|s| (*s).to_owned()).collect(),
            ..CaseFile::default()
        };
        let options = AnalyzeOptions {
            default_now: 0,
            weak_secrets: caller,
            public_secrets: &[],
        };
        let r = analyze_with_reference(&case, &options);
        r.tokens[0]
            .findings
            .iter()
            .any(|f| f.code == "weak-hmac-secret")
    };
    let caller = vec!["not-it".to_owned()];
    assert!(weak(&[secret], &caller), "the case's list");
    assert!(
        weak(&["not-it-either"], &[secret.to_owned()]),
        "the caller's list"
    );
    assert!(weak(&[secret], &[]), "the case's list without a caller's");
    assert!(!weak(&["not-it-either"], &caller), "in neither list");
}

/// Top-level members Keyhole does not use are named in a coded note of the report.
#[test]
fn unknown_case_members_are_a_coded_note() {
    use keyhole_engine::report::NoteCode;
    let case =
        CaseFile::from_json(r#"{"now": 0, "tokens": [], "comment": "incident 42"}"#).unwrap();
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    assert_eq!(r.notes[0].code, NoteCode::UnknownCaseMembers);
    assert!(r.notes[0].message.contains("\"comment\""), "{:?}", r.notes);
    let known = CaseFile::from_json(r#"{"now": 0, "tokens": []}"#).unwrap();
    assert!(analyze_with_reference(&known, &AnalyzeOptions::at(0))
        .notes
        .is_empty());
}

/// The page's search of the public list: the report says which tokens to search (HS, no trusted
/// key could check them, no list matched), a found secret passed back as `public_secrets`
/// makes the token a violation naming the public list, and then nothing is left to search.
#[test]
fn a_callers_public_list_search_is_asked_for_and_named() {
    use keyhole_engine::judge::rules::weak_secrets::{public_search_input, PUBLIC_LIST};
    let secret = "a-secret-on-the-public-list-Zq9";
    let case = CaseFile {
        now: Some(0),
        tokens: vec![hs256_token(secret.as_bytes()), hs256_token(b"secret")],
        ..CaseFile::default()
    };
    let before = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    let input = public_search_input(&before.tokens[0]);
    assert!(input
        .as_ref()
        .is_some_and(|i| i.alg == "HS256" && i.signs(secret) && !i.signs("other")));
    // The built-in list already matched the second token: nothing to search.
    assert_eq!(public_search_input(&before.tokens[1]), None);
    let found = vec![secret.to_owned()];
    let options = AnalyzeOptions {
        default_now: 0,
        weak_secrets: &[],
        public_secrets: &found,
    };
    let after = analyze_with_reference(&case, &options);
    assert_eq!(after.tokens[0].verdict, Verdict::Violation);
    let f = after.tokens[0]
        .findings
        .iter()
        .find(|f| f.code == "weak-hmac-secret")
        .map(|f| f.evidence_json().get("list").cloned());
    assert_eq!(f, Some(Some(json!(PUBLIC_LIST))));
    assert_eq!(public_search_input(&after.tokens[0]), None);
    // A token a trusted key checked is never searched.
    let mut keyed = case.clone();
    keyed.hmac_secrets = vec![keyhole_engine::case::HmacSecret {
        value: "the-real-secret-of-this-issuer-0123456789".into(),
        encoding: keyhole_engine::case::SecretEncoding::Utf8,
        issuer: None,
    }];
    let checked = analyze_with_reference(&keyed, &AnalyzeOptions::at(0));
    assert_eq!(public_search_input(&checked.tokens[0]), None);
}

/// A card's header names the user, the audience and the issue time, from the claims present.
#[test]
fn a_token_headline_names_user_audience_and_time() {
    use keyhole_engine::report::Headline;
    let b64 = |v: serde_json::Value| keyhole_engine::b64::encode_url(v.to_string().as_bytes());
    let token = |claims: serde_json::Value| {
        format!(
            "{}.{}.c2ln",
            b64(json!({"alg": "RS256", "kid": "k"})),
            b64(claims)
        )
    };
    let case = CaseFile {
        now: Some(0),
        tokens: vec![
            token(
                json!({"upn": "alice@contoso.example", "oid": "o-1", "aud": "https://graph.microsoft.com", "iat": 1686787200}),
            ),
            token(json!({"sub": "s-1", "aud": ["api://one", "api://two"]})),
            token(json!({"oid": "o-2", "appid": "app-1", "aud": ""})),
            token(json!({"scp": "x"})),
        ],
        ..CaseFile::default()
    };
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    let h: Vec<Headline> = r.tokens.iter().map(|t| t.headline()).collect();
    assert_eq!(h[0].user, Some(("upn", "alice@contoso.example".to_owned())));
    assert_eq!(
        h[0].audience.as_deref(),
        Some("https://graph.microsoft.com")
    );
    assert_eq!(h[0].issued_at.as_deref(), Some("2023-06-15T00:00:00Z"));
    assert_eq!(h[1].user, Some(("sub", "s-1".to_owned())));
    assert_eq!(h[1].audience.as_deref(), Some("api://one, api://two"));
    assert_eq!(h[1].issued_at, None);
    assert_eq!(h[2].user, Some(("oid", "o-2".to_owned())));
    assert_eq!(h[2].audience.as_deref(), Some("app-1"));
    assert_eq!(h[3], Headline::default());
}

/// A token cut off inside its payload (a log's line-length limit) is listed as malformed, with
/// where it was cut, its header and the payload as far as it goes, instead of the text holding
/// "no token"; a cut token in the tokens array says the same; text with a lone header-like
/// segment and nothing after it still holds no token.
#[test]
fn a_token_cut_inside_its_payload_is_malformed_with_its_decodable_parts() {
    use keyhole_engine::report::NoteCode;
    let token = storm().tokens[0].clone();
    let cut_at = token.find('.').unwrap_or(0) + 41;
    let cut = &token[..cut_at];
    let case = CaseFile {
        text: Some(format!(
            "2023-06-20T12:00:00Z GET /api Authorization: Bearer {cut}\n"
        )),
        tokens: vec![cut.to_owned()],
        ..CaseFile::default()
    };
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert_eq!(r.tokens.len(), 2, "{:?}", r.notes);
    for t in &r.tokens {
        assert_eq!(t.verdict, Verdict::Malformed);
        let error = t.error.as_deref().unwrap_or_default();
        assert!(
            error.contains("cut off")
                && error.contains(&format!("after {cut_at} characters, inside its payload")),
            "{error}"
        );
        assert_eq!(t.header["alg"], "RS256", "{}", t.header);
        let note = t.notes.iter().find(|n| n.code == NoteCode::TruncatedToken);
        let payload = note.map(|n| n.message.as_str()).unwrap_or_default();
        assert!(payload.contains("{\"aud\""), "{payload}");
    }
    assert!(r.notes.iter().all(|n| n.code != NoteCode::NoTokenFound));
    let header_only = token[..token.find('.').unwrap_or(0)].to_owned();
    let r = analyze_with_reference(
        &CaseFile {
            text: Some(format!("{header_only}. and {header_only}\n")),
            ..CaseFile::default()
        },
        &AnalyzeOptions::at(0),
    );
    assert!(r.tokens.is_empty(), "{:?}", r.tokens);
}

/// With `judge_at: "token"`, a token is judged at its log line's time, else its own iat, else
/// the case's time, and its notes say which: a log spanning hours makes no "issued in the
/// future" noise, which the case-wide time does make.
#[test]
fn each_token_can_be_judged_at_its_own_time() {
    use keyhole_engine::case::JudgeAt;
    use keyhole_engine::report::NoteCode;
    let t0 = 1_687_262_400; // 2023-06-20T12:00:00Z
    let unsecured = |claims: String| {
        format!(
            "{}.{}.",
            keyhole_engine::b64::encode_url(br#"{"alg":"none"}"#),
            keyhole_engine::b64::encode_url(claims.as_bytes())
        )
    };
    let later = unsecured(format!(r#"{{"sub":"late","iat":{}}}"#, t0 + 7200));
    let case = CaseFile {
        now: Some(t0),
        text: Some(format!(
            "2023-06-20T14:00:05Z INFO GET /api Authorization: Bearer {later}\n"
        )),
        tokens: vec![
            unsecured(format!(r#"{{"sub":"own","iat":{}}}"#, t0 + 3600)),
            unsecured(r#"{"sub":"none"}"#.to_owned()),
        ],
        ..CaseFile::default()
    };
    let future = |r: &keyhole_engine::Report, i: usize| {
        r.tokens[i]
            .findings
            .iter()
            .any(|f| f.code == "issued-in-future")
    };
    let judged_at = |r: &keyhole_engine::Report, i: usize| {
        r.tokens[i]
            .notes
            .iter()
            .find(|n| n.code == NoteCode::JudgedAt)
            .map(|n| n.message.clone())
    };
    let case_wide = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert!(future(&case_wide, 0) && future(&case_wide, 2));
    assert_eq!(judged_at(&case_wide, 0), None);
    let per_token = analyze_with_reference(
        &CaseFile {
            judge_at: Some(JudgeAt::Token),
            ..case.clone()
        },
        &AnalyzeOptions::at(0),
    );
    assert!(!future(&per_token, 0) && !future(&per_token, 2));
    assert_eq!(
        judged_at(&per_token, 0).as_deref(),
        Some("judged as of 2023-06-20T13:00:00Z, its own issue time (iat)")
    );
    assert!(judged_at(&per_token, 1)
        .unwrap_or_default()
        .starts_with("judged as of 2023-06-20T12:00:00Z, the case's analysis time"));
    assert_eq!(
        judged_at(&per_token, 2).as_deref(),
        Some("judged as of 2023-06-20T14:00:05Z, the time of the log line it was found on")
    );
    assert_eq!(per_token.now, t0);
    let json = serde_json::to_string(&CaseFile {
        judge_at: Some(JudgeAt::Token),
        ..CaseFile::default()
    })
    .unwrap_or_default();
    assert!(json.contains(r#""judge_at":"token""#), "{json}");
    let back = CaseFile::from_json(&json).unwrap();
    assert_eq!(back.judge_at, Some(JudgeAt::Token));
    assert!(back.unknown_members.is_empty());
}

/// A token found in a HAR file is judged, per token, at its entry's `startedDateTime` (HAR 1.2:
/// ISO 8601 with its offset), and its note names the entry; an entry whose `startedDateTime` is
/// no time, or that has none, gives no time (the token's iat is used), and its location carries
/// none either.
#[test]
fn a_har_token_is_judged_at_its_entry_start() {
    use keyhole_engine::case::JudgeAt;
    use keyhole_engine::report::NoteCode;
    let t0 = 1_687_262_400; // 2023-06-20T12:00:00Z
    let unsecured = |sub: &str, iat: i64| {
        format!(
            "{}.{}.",
            keyhole_engine::b64::encode_url(br#"{"alg":"none"}"#),
            keyhole_engine::b64::encode_url(format!(r#"{{"sub":"{sub}","iat":{iat}}}"#).as_bytes())
        )
    };
    let entry = |started: Option<&str>, token: &str| {
        let started = started
            .map(|s| format!(r#""startedDateTime":"{s}","#))
            .unwrap_or_default();
        format!(
            r#"{{{started}"request":{{"method":"GET","url":"https://api.example/x","headers":[{{"name":"Authorization","value":"Bearer {token}"}}]}},"response":{{"status":200}}}}"#
        )
    };
    // Entry 0 started at 14:00:05Z (written in +02:00, with milliseconds); its token was issued
    // five seconds before. Entry 1's start is no time, entry 2 has none.
    let (a, b, c) = (
        unsecured("har-a", t0 + 7200),
        unsecured("har-b", t0 + 3600),
        unsecured("har-c", t0 + 1800),
    );
    let har = format!(
        r#"{{"log":{{"version":"1.2","entries":[{},{},{}]}}}}"#,
        entry(Some("2023-06-20T16:00:05.250+02:00"), &a),
        entry(Some("the day before yesterday"), &b),
        entry(None, &c),
    );
    let case = CaseFile {
        now: Some(t0),
        text: Some(har),
        judge_at: Some(JudgeAt::Token),
        ..CaseFile::default()
    };
    let r = analyze_with_reference(&case, &AnalyzeOptions::at(0));
    assert_eq!(r.tokens.len(), 3);
    let judged_at = |i: usize| {
        r.tokens[i]
            .notes
            .iter()
            .find(|n| n.code == NoteCode::JudgedAt)
            .map(|n| n.message.clone())
            .unwrap_or_default()
    };
    let started = |i: usize| match &r.tokens[i].found_at {
        Some(FoundAt::Text { locations, .. }) => locations[0].context.har_started().cloned(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        judged_at(0),
        "judged as of 2023-06-20T14:00:05Z, the start of HAR entry 0 it was found in (startedDateTime)"
    );
    assert_eq!(started(0).map(|t| t.epoch), Some(t0 + 7205));
    assert!(r.tokens[0]
        .findings
        .iter()
        .all(|f| f.code != "issued-in-future"));
    assert_eq!(
        judged_at(1),
        "judged as of 2023-06-20T13:00:00Z, its own issue time (iat)"
    );
    assert_eq!(started(1), None);
    assert_eq!(
        judged_at(2),
        "judged as of 2023-06-20T12:30:00Z, its own issue time (iat)"
    );
    assert_eq!(started(2), None);
    // Where it was found, in words (card details, exports) and in a few (card header).
    let found = r.tokens[0]
        .found_at
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        found
            .contains("HAR entry 0 request.headers Authorization, started 2023-06-20 14:00:05 UTC"),
        "{found}"
    );
    let header = r.tokens[0]
        .found_at
        .as_ref()
        .map(keyhole_engine::triage::where_found)
        .unwrap_or_default();
    assert!(
        header.contains("started 2023-06-20 14:00:05 UTC"),
        "{header}"
    );
    // The JSON carries the time with its epoch, and reads back.
    let json = serde_json::to_value(&r.tokens[0].found_at).unwrap();
    assert_eq!(
        json["locations"][0]["context"]["started"],
        serde_json::json!({"epoch": t0 + 7205, "utc": "2023-06-20T14:00:05Z"})
    );
    let back: FoundAt = serde_json::from_value(json).unwrap();
    assert_eq!(Some(&back), r.tokens[0].found_at.as_ref());
    // Judged case-wide, the same HAR token is "issued in the future".
    let case_wide = analyze_with_reference(
        &CaseFile {
            judge_at: None,
            ..case
        },
        &AnalyzeOptions::at(0),
    );
    assert!(case_wide.tokens[0]
        .findings
        .iter()
        .any(|f| f.code == "issued-in-future"));
}
