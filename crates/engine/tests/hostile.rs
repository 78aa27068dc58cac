//! Hostile input: claim values, header fields (kid, x5t, typ, cty, crit, jku, x5u), key fields
//! (kid, per-key issuer, cloud_instance_name, source, declared issuer, certificate subject) and
//! locations (header and parameter names) carrying HTML, script tags, event handlers,
//! javascript: URLs, CSS injection, Markdown, template syntax, terminal escapes, Unicode bidi
//! overrides and zero-width characters, 1 MB strings and deeply nested JSON.
//!
//! The engine's promise (SECURITY.md): every such input is processed (the value kept exactly as
//! given, so the interface can show it as text) or refused with a typed error, a key problem
//! or a note; nothing panics; every report serialises to JSON that reads back to the same
//! report; the Markdown export escapes markup so a hostile value cannot become a link, an image
//! or HTML in a ticket; and the terminal rendering writes no control characters. Rendering
//! inert text in the browser is proved by the end-to-end tests, not here.
#![cfg(test)]

use hmac::{Hmac, Mac};
use keyhole_engine::b64;
use keyhole_engine::case::{CaseFile, CaseKeySet};
use keyhole_engine::error::{TokenError, TokenPart};
use keyhole_engine::extract::{extract_tokens, LocationContext};
use keyhole_engine::keys::parse_key_set;
use keyhole_engine::report::Verdict;
use keyhole_engine::token::parse_token;
use keyhole_engine::{analyze_with_reference, render, AnalyzeOptions, Report};
use serde_json::{json, Value};
use sha2::Sha256;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const NOW: i64 = 1_700_000_000;
const SECRET: &[u8] = b"hostile-test-secret-0123456789abcdef";

/// The corpus: (name, value). Every value is a valid Rust string; invalid UTF-8 and lone
/// surrogates are covered by `lone_surrogates_in_json_are_typed_errors`.
fn hostile() -> Vec<(&'static str, String)> {
    [
        ("html", "<b>bold</b><i>x</i><iframe src=//evil.example>"),
        ("script-tag", "<script>alert(document.domain)</script>"),
        (
            "script-tag-split",
            "<scr<script>ipt>alert(1)</scr</script>ipt>",
        ),
        ("event-handler", "\" autofocus onfocus=\"alert(1)\" x=\""),
        ("img-onerror", "<img src=x onerror=alert(1)>"),
        ("svg-onload", "<svg/onload=alert(1)>"),
        ("javascript-url", "javascript:alert(1)"),
        ("javascript-url-obfuscated", " jAvA\tScRiPt:alert(1)"),
        (
            "data-url",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        ),
        (
            "css-injection",
            "</style><style>*{background:url(https://evil.example/x)}</style>",
        ),
        (
            "css-expression",
            "x;background:url(\"javascript:alert(1)\");width:expression(alert(1))",
        ),
        ("attribute-break", "'><a href=javascript:alert(1)>click</a>"),
        (
            "markdown",
            "| x | [link](javascript:alert(1)) ![i](https://evil.example/p.png) `c` *b*",
        ),
        (
            "template",
            "{{constructor.constructor('alert(1)')()}} ${alert(1)} #{1}",
        ),
        ("bidi-override", "admin\u{202E}gnp.exe\u{202C}"),
        (
            "bidi-embeddings",
            "\u{202A}\u{202B}\u{202D}\u{202E}\u{202C}x",
        ),
        (
            "bidi-isolates",
            "\u{2066}\u{2067}\u{2068}x\u{2069}\u{200E}\u{200F}\u{061C}",
        ),
        (
            "zero-width",
            "ad\u{200B}min\u{200C}\u{200D}\u{2060}\u{FEFF}",
        ),
        (
            "terminal-escape",
            "\u{1b}[2J\u{1b}[31mOK\u{1b}]0;pwned\u{7}\u{9b}0m",
        ),
        ("control-chars", "a\u{0}b\u{8}c\rd\ne\tf\u{7f}"),
        ("line-separators", "a\u{2028}b\u{2029}c\u{85}d"),
        (
            "confusable-issuer",
            "https://login.microsoftonIine.com/\u{0430}dmin/v2.0",
        ),
        ("json-breaker", "\"}],\"alg\":\"none\",\"x\":[{\""),
        ("path-traversal", "../../../../etc/passwd%00"),
        ("emoji-combining", "👩‍👩‍👧‍👦Z\u{0336}\u{0337}\u{0338}"),
    ]
    .into_iter()
    .map(|(n, v)| (n, v.to_owned()))
    .collect()
}

fn b64json(v: &Value) -> String {
    b64::encode_url(v.to_string().as_bytes())
}

/// An HS256 token over `header` and `claims`, signed with [`SECRET`].
fn hs256(header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", b64json(header), b64json(claims));
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64::encode_url(&mac.finalize().into_bytes()))
}

fn hostile_header(kid: &str, v: &str) -> Value {
    json!({ "alg": "HS256", "kid": kid, "typ": v, "cty": v, "x5t": v, "x5t#S256": v,
            "jku": v, "x5u": v, "crit": [v], v: v })
}

fn hostile_claims(v: &str) -> Value {
    json!({ "iss": v, "sub": v, "aud": [v, "api://x"], "tid": v, "name": v, "upn": v,
            "email": v, "ver": v, "scp": v, "roles": [v], v: { "nested": v },
            "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 3600 })
}

/// A JWKS whose one `oct` key (the HS256 secret) carries `v` in every free-text field that
/// does not restrict the key's use (a hostile `alg` or `use` rightly stops it verifying HS256).
fn hostile_jwks(kid: &str, v: &str) -> Value {
    json!({ "keys": [ { "kty": "oct", "k": b64::encode_url(SECRET), "kid": kid, "use": "sig",
                        "issuer": v, "cloud_instance_name": v, "x5t": v, v: v } ] })
}

fn case_with(key_sets: Vec<CaseKeySet>, tokens: Vec<String>, text: Option<String>) -> CaseFile {
    CaseFile {
        now: Some(NOW),
        key_sets,
        tokens,
        text,
        ..CaseFile::default()
    }
}

/// Serialises the report, reads it back, and requires the same report.
fn assert_round_trips(report: &Report) -> String {
    let text = serde_json::to_string(report).unwrap();
    let back: Report = serde_json::from_str(&text).unwrap();
    assert!(back == *report, "the report changed through JSON");
    text
}

/// No hostile markup survives in the Markdown export: every `<`, `>`, `[`, `]`, backtick and
/// pipe coming from input is backslash-escaped, so no HTML, link, image or table break forms.
fn assert_markdown_inert(markdown: &str) {
    let mut prev = '\n';
    for (i, c) in markdown.chars().enumerate() {
        // `> ` opening a line is the report's own block quote (notes).
        let quote = c == '>' && prev == '\n';
        if matches!(c, '<' | '>' | '[' | ']') && !quote {
            assert_eq!(prev, '\\', "unescaped {c:?} at char {i} in Markdown export");
        }
        prev = if prev == '\\' && c == '\\' { ' ' } else { c };
    }
}

/// The terminal rendering writes no control character but its own newlines, and no bidi or
/// zero-width character: a hostile value cannot move the cursor, clear the screen, retitle the
/// analyst's terminal or reorder what they read.
fn assert_terminal_safe(text: &str) {
    for c in text.chars() {
        let disguising = matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}');
        assert!(
            (c == '\n' || !c.is_control()) && !disguising,
            "control character U+{:04X} in terminal output",
            c as u32
        );
    }
}

/// No hostile markup survives in the HTML export: the only elements are the report's own (a
/// fixed list), so every `<` from input was escaped; and no disguising character is left.
fn assert_html_inert(html: &str) {
    const OWN: &[&str] = &[
        "!DOCTYPE",
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "p",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "th",
        "td",
        // The per-key timelines: a figure with the engine's SVG.
        "figure",
        "figcaption",
        "svg",
        "rect",
        "circle",
        "line",
        "text",
    ];
    for (i, part) in html.split('<').enumerate().skip(1) {
        let name = part
            .trim_start_matches('/')
            .split([' ', '>'])
            .next()
            .unwrap_or_default();
        assert!(
            OWN.contains(&name),
            "unexpected markup at element {i}: <{}",
            part.chars().take(40).collect::<String>()
        );
    }
    assert!(!html.contains('\u{202E}') && !html.contains('\u{200B}'));
}

fn check_report(report: &Report) {
    assert_round_trips(report);
    let lines = keyhole_engine::catalogue::timelines(report, None);
    assert_markdown_inert(&render::to_markdown(report, &lines));
    assert_html_inert(&render::to_html(report, &lines));
}

#[test]
fn hostile_header_and_claim_values_are_kept_verbatim_by_the_parser() {
    for (name, v) in hostile() {
        let token = hs256(&hostile_header(&v, &v), &hostile_claims(&v));
        let parsed = parse_token(&token).unwrap_or_else(|e| panic!("{name}: {e}"));
        let block = parsed.primary().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(block.params.kid.as_deref(), Some(v.as_str()), "{name}: kid");
        assert_eq!(block.params.typ.as_deref(), Some(v.as_str()), "{name}: typ");
        assert_eq!(block.params.x5t.as_deref(), Some(v.as_str()), "{name}: x5t");
        assert_eq!(block.params.crit, Some(vec![v.clone()]), "{name}: crit");
        let claims = parsed.claims().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(claims.get("name"), Some(&json!(v)), "{name}: claim");
        assert_eq!(
            claims.get(&v),
            Some(&json!({ "nested": v })),
            "{name}: claim name"
        );
    }
}

#[test]
fn hostile_tokens_and_keys_analyse_to_reports_that_round_trip() {
    for (name, v) in hostile() {
        let token = hs256(&hostile_header(&v, &v), &hostile_claims(&v));
        let keys = CaseKeySet {
            source: Some(v.clone()),
            issuer: Some(v.clone()),
            document: hostile_jwks(&v, &v),
        };
        let case = case_with(vec![keys], vec![token.clone()], None);
        let report = analyze_with_reference(&case, &AnalyzeOptions::at(NOW));
        check_report(&report);
        let t = report.tokens.first().unwrap_or_else(|| panic!("{name}"));
        assert_ne!(t.verdict, Verdict::Malformed, "{name}: {:?}", t.error);
        assert_eq!(
            t.header.get("kid"),
            Some(&json!(v)),
            "{name}: header kept verbatim"
        );
        assert_eq!(
            t.claims.get("iss"),
            Some(&json!(v)),
            "{name}: claims kept verbatim"
        );
        // The key with the hostile kid verifies the token: the kid reaches the key report.
        let key = t
            .signing_key
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no key"));
        assert!(key.verified, "{name}: the oct key must verify the token");
        assert_eq!(
            key.kid.as_deref(),
            Some(v.as_str()),
            "{name}: key kid verbatim"
        );
        let set = report.key_sets.first().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            set.source.as_deref(),
            Some(v.as_str()),
            "{name}: source verbatim"
        );
        assert_eq!(set.keys, 1, "{name}: {:?}", set.problems);
    }
}

#[test]
fn hostile_key_alg_use_and_key_ops_are_read_and_never_widen_what_a_key_may_verify() {
    for (name, v) in hostile() {
        let token = hs256(&json!({"alg": "HS256", "kid": "k"}), &json!({"sub": "x"}));
        let jwks = json!({ "keys": [ { "kty": "oct", "k": b64::encode_url(SECRET), "kid": "k",
                                       "alg": v, "use": v, "key_ops": [v] } ] });
        let set = parse_key_set(0, None, None, &jwks);
        assert_eq!(set.keys.len() + set.problems.len(), 1, "{name}: {set:?}");
        let keys = CaseKeySet {
            source: None,
            issuer: None,
            document: jwks,
        };
        let report = analyze_with_reference(
            &case_with(vec![keys], vec![token], None),
            &AnalyzeOptions::at(NOW),
        );
        check_report(&report);
        let t = report.tokens.first().unwrap_or_else(|| panic!("{name}"));
        assert_ne!(
            t.verdict,
            Verdict::Permitted,
            "{name}: a key restricted to {v:?} verified HS256"
        );
    }
}

#[test]
fn terminal_rendering_of_hostile_reports_has_no_control_characters() {
    for (name, v) in hostile() {
        let token = hs256(&hostile_header(&v, &v), &hostile_claims(&v));
        let keys = CaseKeySet {
            source: None,
            issuer: Some(v.clone()),
            document: hostile_jwks(&v, &v),
        };
        let report = analyze_with_reference(
            &case_with(vec![keys], vec![token], None),
            &AnalyzeOptions::at(NOW),
        );
        let text = render::to_text(&report);
        assert!(!text.is_empty(), "{name}");
        assert_terminal_safe(&text);
    }
}

#[test]
fn hostile_names_in_pasted_text_become_locations_that_round_trip() {
    let token = hs256(&json!({"alg": "HS256"}), &json!({"sub": "x"}));
    for (name, v) in hostile() {
        let line = v.replace(['\n', '\r', ':', '=', '&', '?', '#'], "_");
        let text = format!(
            "{line}: Bearer {token}\nhttps://a.example/?{line}={token}\nCookie: {line}={token}\n{{\"{}\": \"{token}\"}}\n",
            line.replace(['"', '\\'], "_")
        );
        let found = extract_tokens(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(found.len(), 1, "{name}: one distinct token");
        let f = found.first().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            f.count, 4,
            "{name}: every occurrence found: {:?}",
            f.locations
        );
        let json = serde_json::to_value(f).unwrap();
        assert!(json.is_object(), "{name}");
        for loc in &f.locations {
            assert!(text.get(loc.offset..loc.offset + loc.length) == Some(token.as_str()));
            if let LocationContext::QueryParameter { name: p } = &loc.context {
                assert!(line.ends_with(p.as_str()), "{name}: parameter name {p:?}");
            }
        }
        let report = analyze_with_reference(
            &case_with(vec![], vec![], Some(text)),
            &AnalyzeOptions::at(NOW),
        );
        check_report(&report);
    }
}

/// The golden clean sample's certificate with its `O=Keyhole synthetic` (a 17-byte UTF8String)
/// replaced by another 17-byte value: DER lengths stay valid, the subject becomes hostile.
fn certificate_with_organisation(org: &str) -> Option<(Value, String)> {
    let sample = keyhole_engine::samples::sample("clean")?;
    let case = CaseFile::from_json(sample.case_json()).ok()?;
    let first = case.key_sets.first()?.document.pointer("/keys/0")?.clone();
    let document = json!({ "keys": [first] });
    let x5c = document.pointer("/keys/0/x5c/0")?.as_str()?.to_owned();
    let mut der = b64::decode_std(&x5c).ok()?;
    let from = b"Keyhole synthetic";
    assert_eq!(
        org.len(),
        from.len(),
        "the replacement must keep the DER length"
    );
    let mut replaced = 0;
    let mut i = 0;
    while i + from.len() <= der.len() {
        if der.get(i..i + from.len()) == Some(from.as_slice()) {
            der.splice(i..i + from.len(), org.bytes());
            replaced += 1;
        }
        i += 1;
    }
    assert!(
        replaced >= 1,
        "the sample certificate no longer has O=Keyhole synthetic"
    );
    Some((document, b64::encode_std(&der)))
}

#[test]
fn hostile_certificate_subjects_are_read_or_refused_with_a_problem() {
    for org in [
        "<svg/onload=1337>",
        "\u{202E}Keyhole synthe",
        "ad\u{200B}min\u{200B}\u{200B}xxx",
        "javascript:x(1)//",
    ] {
        let (mut document, cert) = certificate_with_organisation(org).expect("sample");
        // As x5c in the JWKS, and as a PEM document.
        if let Some(slot) = document.pointer_mut("/keys/0/x5c/0") {
            *slot = json!(cert);
        }
        let pem = format!("-----BEGIN CERTIFICATE-----\n{cert}\n-----END CERTIFICATE-----\n");
        for doc in [document, json!(pem)] {
            let set = parse_key_set(0, None, None, &doc);
            assert_eq!(set.keys.len() + set.problems.len(), 1, "{org:?}: {set:?}");
            if let Some(info) = set.keys.first().and_then(|k| k.certificate.as_ref()) {
                assert!(info.subject.contains("CN="), "{org:?}: {}", info.subject);
            }
            serde_json::to_string(&set).unwrap();
            let case = case_with(
                vec![CaseKeySet {
                    source: None,
                    issuer: None,
                    document: doc,
                }],
                vec![],
                Some("no tokens here".to_owned()),
            );
            check_report(&analyze_with_reference(&case, &AnalyzeOptions::at(NOW)));
        }
    }
}

#[test]
fn a_one_megabyte_claim_is_refused_as_too_large_and_a_large_one_is_processed() {
    let mb = "A".repeat(1 << 20);
    let big = hs256(&json!({"alg": "HS256"}), &json!({ "name": mb }));
    match parse_token(&big) {
        Err(TokenError::TooLarge { bytes, limit }) => assert!(bytes > limit),
        other => unreachable!("expected TooLarge, got {other:?}"),
    }
    // 700 KiB of hostile text in one claim stays under the token limit and is processed.
    let long = "<script>\u{202E}\u{200B}".repeat(700 * 1024 / 16);
    let token = hs256(
        &json!({"alg": "HS256", "kid": "k"}),
        &json!({ "name": long }),
    );
    let parsed = parse_token(&token).unwrap();
    assert_eq!(
        parsed.claims().and_then(|c| c.get("name")),
        Some(&json!(long))
    );
    let keys = CaseKeySet {
        source: None,
        issuer: None,
        document: hostile_jwks("k", "x"),
    };
    let report = analyze_with_reference(
        &case_with(vec![keys], vec![token, big], None),
        &AnalyzeOptions::at(NOW),
    );
    check_report(&report);
    let verdicts: Vec<Verdict> = report.tokens.iter().map(|t| t.verdict).collect();
    assert_ne!(verdicts.first(), Some(&Verdict::Malformed));
    assert_eq!(verdicts.get(1), Some(&Verdict::Malformed));
    let error = report.tokens.get(1).and_then(|t| t.error.clone());
    assert!(
        error.is_some_and(|e| e.contains("limit")),
        "the refusal says why"
    );
}

#[test]
fn one_megabyte_header_and_key_fields_are_processed_or_refused() {
    let mb = "\u{202E}".repeat((1 << 20) / 3);
    let token = hs256(&json!({"alg": "HS256", "kid": mb}), &json!({"sub": "x"}));
    assert!(matches!(
        parse_token(&token),
        Err(TokenError::TooLarge { .. })
    ));
    // A key document with a 1 MB kid, issuer and unknown member is read; the values are kept.
    let set = parse_key_set(0, Some(&mb), Some(&mb), &hostile_jwks(&mb, &mb));
    assert_eq!(set.keys.len(), 1, "{:?}", set.problems);
    assert_eq!(
        set.keys.first().and_then(|k| k.kid.as_deref()),
        Some(mb.as_str())
    );
    // 1 MB of text without a token: a note, not an error.
    let text = format!("<script>{}</script>", "x".repeat(1 << 20));
    let report = analyze_with_reference(
        &case_with(vec![], vec![], Some(text)),
        &AnalyzeOptions::at(NOW),
    );
    check_report(&report);
    assert_eq!(report.tokens.len(), 0);
    assert_eq!(report.notes.len(), 1, "{:?}", report.notes);
}

#[test]
fn a_pasted_token_over_the_size_limit_is_listed_as_refused_not_lost() {
    // In pasted text (a log line), a token with a 1 MB claim is found and refused with a
    // message naming the limit, rather than silently skipped ("no token was found").
    let big = hs256(
        &json!({"alg": "HS256"}),
        &json!({ "blob": "A".repeat(1_000_000) }),
    );
    let text = format!("2026-01-01 INFO Authorization: Bearer {big}\n");
    let report = analyze_with_reference(
        &case_with(vec![], vec![], Some(text)),
        &AnalyzeOptions::at(NOW),
    );
    check_report(&report);
    assert_eq!(report.tokens.len(), 1, "{:?}", report.notes);
    let token = report.tokens.first();
    assert_eq!(token.map(|t| t.verdict), Some(Verdict::Malformed));
    let error = token.and_then(|t| t.error.clone()).unwrap_or_default();
    assert!(error.contains("-byte limit for one token"), "{error}");
}

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn deeply_nested_json_in_a_header_or_payload_is_refused_with_a_typed_error() {
    for depth in [65, 200, 10_000, 100_000] {
        let deep = nested(depth);
        let header = b64::encode_url(format!("{{\"alg\":\"HS256\",\"x\":{deep}}}").as_bytes());
        let payload = b64::encode_url(format!("{{\"x\":{deep}}}").as_bytes());
        let ok_header = b64json(&json!({"alg": "HS256"}));
        match parse_token(&format!("{header}.{payload}.")) {
            Err(TokenError::JsonTooDeep { part, .. }) => assert_eq!(part, TokenPart::Header),
            other => unreachable!("{depth}: {other:?}"),
        }
        match parse_token(&format!("{ok_header}.{payload}.")) {
            Err(TokenError::JsonTooDeep { part, .. }) => assert_eq!(part, TokenPart::Payload),
            other => unreachable!("{depth}: {other:?}"),
        }
        let serialization = format!("{{\"payload\":\"x\",\"signature\":\"\",\"header\":{deep}}}");
        assert!(matches!(
            parse_token(&serialization),
            Err(TokenError::InvalidJsonSerialization { .. })
        ));
    }
}

#[test]
fn deeply_nested_json_in_a_case_or_pasted_text_never_overflows_the_stack() {
    let token = hs256(&json!({"alg": "HS256"}), &json!({"sub": "x"}));
    for depth in [100, 10_000, 1_000_000] {
        // A case file nested beyond serde_json's limit is a typed error with a position.
        let case = format!("{{\"key_sets\":[{{\"document\":{}}}]}}", nested(depth));
        match CaseFile::from_json(&case) {
            Ok(c) => {
                // Within serde_json's limit (128): the document is read as unrecognised.
                let report = analyze_with_reference(&c, &AnalyzeOptions::at(NOW));
                check_report(&report);
                assert_eq!(report.key_sets.first().map(|s| s.keys), Some(0));
            }
            Err(e) => assert!(e.to_string().contains("line 1"), "{e}"),
        }
        // A token deep inside pasted JSON is still found, with its path.
        let text = format!(
            "{}\"{token}\"{}",
            "[".repeat(depth.min(100_000)),
            "]".repeat(depth.min(100_000))
        );
        let found = extract_tokens(&text).unwrap();
        assert_eq!(found.len(), 1);
        // A key document given as JSON text nested deeply.
        let set = parse_key_set(0, None, None, &json!(nested(depth.min(100_000))));
        assert!(set.keys.is_empty());
        assert!(
            !set.problems.is_empty() || !set.warnings.is_empty(),
            "refusal is explained"
        );
        if depth > keyhole_engine::limits::MAX_KEY_DOCUMENT_DEPTH {
            let said = set.problems.first().map(|p| p.message.clone());
            assert!(
                said.as_deref()
                    .is_some_and(|m| m.contains("nests JSON deeper than")),
                "the refusal names the nesting limit: {said:?}"
            );
        }
    }
}

#[test]
fn lone_surrogates_in_json_are_typed_errors() {
    // `\ud800` is valid JSON syntax but not Unicode: serde_json refuses it; the engine says so.
    let header = b64::encode_url(br#"{"alg":"HS256","kid":"\ud800"}"#);
    let payload = b64json(&json!({"sub": "x"}));
    assert!(matches!(
        parse_token(&format!("{header}.{payload}.")),
        Err(TokenError::InvalidJson { .. })
    ));
    // Bytes that are not UTF-8 in a payload are binary, shown by length only.
    let header = b64json(&json!({"alg": "HS256"}));
    let payload = b64::encode_url(&[0xff, 0xfe, b'<', 0x80]);
    let parsed = parse_token(&format!("{header}.{payload}.")).unwrap();
    assert!(parsed.claims().is_none());
    let case = r#"{"tokens": ["\ud800"]}"#;
    assert!(CaseFile::from_json(case).is_err());
}
