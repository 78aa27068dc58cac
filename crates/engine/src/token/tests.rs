//! Tests of token parsing (every serialization).

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn enc(v: &str) -> String {
    b64::encode_url(v.as_bytes())
}

#[test]
fn parses_compact_jws() {
    let t = format!(
        "{}.{}.{}",
        enc(r#"{"alg":"RS256","kid":"k1"}"#),
        enc(r#"{"sub":"x"}"#),
        enc("sig")
    );
    let p = parse_compact(&t).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(p.kind, TokenKind::Jws);
    assert_eq!(
        p.primary().and_then(|s| s.params.kid.as_deref()),
        Some("k1")
    );
    assert_eq!(p.payload, Payload::Json(serde_json::json!({"sub":"x"})));
}

#[test]
fn alg_none_any_case_is_unsecured() {
    let t = format!("{}.{}.", enc(r#"{"alg":"nOnE"}"#), enc("{}"));
    assert_eq!(parse_compact(&t).map(|p| p.kind), Ok(TokenKind::Unsecured));
}

#[test]
fn jwe_reports_header_only() {
    let t = format!(
        "{}.{}.{}.{}.{}",
        enc(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
        enc("key"),
        enc("iv"),
        enc("ciphertext"),
        enc("tag")
    );
    let p = parse_compact(&t).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(p.kind, TokenKind::Jwe);
    assert_eq!(p.payload, Payload::Encrypted);
}

#[test]
fn wrong_segment_count_is_typed() {
    assert_eq!(
        parse_compact("a.b"),
        Err(TokenError::WrongSegmentCount { found: 2 })
    );
}

#[test]
fn bad_base64_names_the_part() {
    let t = format!("{}.!!.", enc(r#"{"alg":"HS256"}"#));
    assert!(matches!(
        parse_compact(&t),
        Err(TokenError::InvalidBase64 {
            part: TokenPart::Payload,
            ..
        })
    ));
}
fn sig_json(protected: &str, header: Option<&str>, sig: &str) -> String {
    let mut members = Vec::new();
    if !protected.is_empty() {
        members.push(format!("\"protected\":\"{}\"", enc(protected)));
    }
    if let Some(h) = header {
        members.push(format!("\"header\":{h}"));
    }
    members.push(format!("\"signature\":\"{}\"", enc(sig)));
    format!("{{{}}}", members.join(","))
}

#[test]
fn rfc7515_section_7_2_1_general_json_gives_one_block_per_signature() {
    let a = sig_json(r#"{"alg":"RS256"}"#, Some(r#"{"kid":"a"}"#), "s1");
    let b = sig_json("", Some(r#"{"alg":"ES256","kid":"b"}"#), "s2");
    let payload = enc(r#"{"sub":"x"}"#);
    let t = parse_token(&format!(
        r#"{{"payload":"{payload}","signatures":[{a},{b}]}}"#
    ))
    .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.serialization, Serialization::JsonGeneral);
    assert_eq!(t.kind, TokenKind::Jws);
    assert_eq!(t.signatures.len(), 2);
    assert_eq!(t.signatures[0].params.kid.as_deref(), Some("a"));
    assert_eq!(t.signatures[1].params.alg.as_deref(), Some("ES256"));
    let first = format!("{}.{payload}", enc(r#"{"alg":"RS256"}"#));
    assert_eq!(t.signatures[0].signing_input, first.as_bytes());
    assert_eq!(
        t.signatures[1].signing_input,
        format!(".{payload}").as_bytes()
    );
    assert_eq!(t.payload, Payload::Json(serde_json::json!({"sub":"x"})));
}

#[test]
fn rfc7515_section_7_2_2_flattened_json() {
    let t = parse_token(&format!(
        r#"{{"payload":"{}","protected":"{}","signature":"{}"}}"#,
        enc("hi"),
        enc(r#"{"alg":"HS256"}"#),
        enc("s")
    ))
    .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.serialization, Serialization::JsonFlattened);
    assert_eq!(t.payload, Payload::Text("hi".into()));
}

fn json_error(text: &str) -> String {
    match parse_token(text) {
        Err(TokenError::InvalidJsonSerialization { detail }) => detail,
        other => unreachable!("expected a JSON serialization error, got {other:?}"),
    }
}

/// Each kind of parse note carries its own code, so that the UI and tests can tell them
/// apart without reading the words; a plain token has no note.
#[test]
fn parse_notes_carry_their_codes() {
    let codes = |text: &str| -> Vec<NoteCode> {
        parse_token(text)
            .map(|t| t.notes.iter().map(|n| n.code).collect())
            .unwrap_or_else(|e| unreachable!("{text}: {e}"))
    };
    let s = enc("s");
    let plain = enc(r#"{"alg":"HS256"}"#);
    assert_eq!(codes(&format!("{plain}.{}.{s}", enc("{}"))), []);
    assert_eq!(
        codes(&format!("{plain}.{}=.{s}", enc("{}"))),
        [NoteCode::PaddedSegment]
    );
    let crit = enc(r#"{"alg":"HS256","crit":["exp"],"exp":1}"#);
    assert_eq!(
        codes(&format!("{crit}.{}.{s}", enc("{}"))),
        [NoteCode::Crit]
    );
    let b64 = enc(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
    assert_eq!(
        codes(&format!("{b64}.raw.{s}")),
        [NoteCode::Crit, NoteCode::UnencodedPayload]
    );
    let nested = enc(r#"{"alg":"HS256","cty":"JWT"}"#);
    assert_eq!(
        codes(&format!("{nested}.{}.{s}", enc("a.b"))),
        [NoteCode::NestedToken, NoteCode::NestedToken]
    );
    let none = enc(r#"{"alg":"none"}"#);
    assert_eq!(
        codes(&format!("{none}.{}.{s}", enc("{}"))),
        [NoteCode::UnsecuredWithSignature]
    );
    let jwe = enc(r#"{"alg":"RSA-OAEP"}"#);
    let x = enc("x");
    assert_eq!(
        codes(&format!("{jwe}.{x}.{x}.{x}.{x}")),
        [NoteCode::Encrypted, NoteCode::JweHeader]
    );
    let sig = sig_json(r#"{"alg":"HS256"}"#, Some(r#"{"b64":false}"#), "s");
    assert_eq!(
        codes(&format!(
            r#"{{"payload":"{}","signatures":[{sig}]}}"#,
            enc("x")
        )),
        [NoteCode::JsonSerialization]
    );
}

#[test]
fn rfc7515_section_7_2_1_headers_must_be_disjoint() {
    let sig = sig_json(r#"{"alg":"HS256"}"#, Some(r#"{"alg":"none"}"#), "s");
    let detail = json_error(&format!(r#"{{"payload":"","signatures":[{sig}]}}"#));
    assert!(
        detail.contains("signatures[0]") && detail.contains("\"alg\""),
        "{detail}"
    );
}

#[test]
fn json_serialization_structure_errors_say_what_is_wrong() {
    let sig = sig_json(r#"{"alg":"HS256"}"#, None, "s");
    let mixed = format!(r#"{{"signatures":[{sig}],"signature":"x"}}"#);
    assert!(json_error(&mixed).contains("both"));
    assert!(json_error(r#"{"payload":"e30"}"#).contains("neither"));
    assert!(json_error(r#"{"signatures":[]}"#).contains("empty"));
    assert!(json_error(r#"{"signatures":[{"signature":""}]}"#).contains("neither \"protected\""));
    assert!(json_error(r#"{"header":{"kid":"k"},"signature":""}"#).contains("no \"alg\""));
    assert!(json_error(r#"{"payload":1,"signature":""}"#).contains("payload"));
    assert!(json_error(r#"{"protected":"e30","ciphertext":"x"}"#).contains("JWE"));
    assert!(json_error("{not json").contains("not valid JSON"));
}

#[test]
fn rfc7797_section_3_signatures_must_agree_on_b64() {
    let a = sig_json(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#, None, "s");
    let b = sig_json(r#"{"alg":"HS256"}"#, None, "s");
    let detail = json_error(&format!(r#"{{"payload":"$.02","signatures":[{a},{b}]}}"#));
    assert!(detail.contains("b64"), "{detail}");
}

#[test]
fn rfc7797_section_3_b64_in_unprotected_header_does_not_count() {
    let sig = sig_json(r#"{"alg":"HS256"}"#, Some(r#"{"b64":false}"#), "s");
    let t = parse_token(&format!(
        r#"{{"payload":"{}","signatures":[{sig}]}}"#,
        enc("x")
    ))
    .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.signatures[0].params.b64, None);
    assert_eq!(t.payload, Payload::Text("x".into()));
    assert!(
        t.notes.iter().any(|n| n.message.contains("unprotected")),
        "{:?}",
        t.notes
    );
}

#[test]
fn rfc7797_compact_unencoded_payload_signs_raw_bytes() {
    let h = enc(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
    let t = parse_token(&format!("{h}.raw payload!.{}", enc("s")))
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.payload, Payload::Text("raw payload!".into()));
    assert_eq!(
        t.signatures[0].signing_input,
        format!("{h}.raw payload!").as_bytes()
    );
    assert!(!t.notes.iter().any(|n| n.message.contains("not listed")));
}

/// RFC 7797 §6: `b64: false` counts only when `crit` lists `b64`; otherwise the payload is
/// base64url, as panva/jose reads it, so two tools cannot read one token two ways.
#[test]
fn rfc7797_b64_false_without_crit_is_read_as_base64url() {
    let h = enc(r#"{"alg":"HS256","b64":false}"#);
    let t = parse_token(&format!("{h}.{}.{}", enc(r#"{"sub":"x"}"#), enc("s")))
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.payload, Payload::Json(serde_json::json!({"sub": "x"})));
    assert!(
        t.notes.iter().any(|n| n.message.contains("is ignored")),
        "{:?}",
        t.notes
    );
    // Raw bytes that are not base64url are then not a readable token.
    assert!(parse_token(&format!("{h}.raw payload!.{}", enc("s"))).is_err());
}

#[test]
fn rfc7515_appendix_f_detached_content_signing_input_is_rebuilt() {
    let h = enc(r#"{"alg":"HS256"}"#);
    let t = parse_token(&format!("{h}..{}", enc("s"))).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.payload, Payload::Detached);
    let block = &t.signatures[0];
    assert_eq!(
        block.signing_input_for(b"cGF5"),
        format!("{h}.cGF5").as_bytes()
    );
}

#[test]
fn rfc7519_section_5_2_nested_jwt_is_noted() {
    let inner = format!("{}.{}.{}", enc(r#"{"alg":"ES256"}"#), enc("{}"), enc("s"));
    let outer = enc(r#"{"alg":"HS256","cty":"JWT"}"#);
    let t = format!("{outer}.{}.{}", enc(&inner), enc("s"));
    let p = parse_token(&t).unwrap_or_else(|e| unreachable!("{e}"));
    let expected = r#"the nested token is a JWS with "alg": "ES256""#;
    assert!(
        p.notes.iter().any(|n| n.message.contains(expected)),
        "{:?}",
        p.notes
    );
    let outer = enc(r#"{"alg":"HS256","cty":"jwt"}"#);
    let t = format!("{outer}.{}.{}", enc("a.b"), enc("s"));
    let p = parse_token(&t).unwrap_or_else(|e| unreachable!("{e}"));
    assert!(
        p.notes
            .iter()
            .any(|n| n.message.contains("2 dot-separated parts")),
        "{:?}",
        p.notes
    );
}

#[test]
fn rfc7518_section_3_6_none_with_a_signature_is_noted() {
    let t = format!("{}.{}.{}", enc(r#"{"alg":"NONE"}"#), enc("{}"), enc("s"));
    let p = parse_token(&t).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(p.kind, TokenKind::Unsecured);
    assert!(p
        .notes
        .iter()
        .any(|n| n.message.contains("signature is present")));
}

#[test]
fn mixed_none_and_signed_json_is_jws_with_a_note() {
    let a = sig_json(r#"{"alg":"None"}"#, None, "");
    let b = sig_json(r#"{"alg":"HS256"}"#, None, "s");
    let t = parse_token(&format!(r#"{{"payload":"","signatures":[{a},{b}]}}"#))
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.kind, TokenKind::Jws);
    assert!(
        t.notes.iter().any(|n| n.message.contains("1 of 2")),
        "{:?}",
        t.notes
    );
}

#[test]
fn rfc7516_section_7_1_jwe_segments_must_be_base64url() {
    let t = format!("{}..iv!.c.t", enc(r#"{"alg":"dir","enc":"A256GCM"}"#));
    assert!(matches!(
        parse_token(&t),
        Err(TokenError::InvalidBase64 {
            part: TokenPart::Iv,
            ..
        })
    ));
}

#[test]
fn size_limit_is_enforced_before_parsing() {
    let big = "a".repeat(limits::MAX_TOKEN_BYTES + 1);
    assert!(matches!(
        parse_token(&big),
        Err(TokenError::TooLarge { .. })
    ));
    let big_json = format!("{{{big}");
    assert!(matches!(
        parse_token(&big_json),
        Err(TokenError::TooLarge { .. })
    ));
    assert_eq!(parse_token("  \n"), Err(TokenError::Empty));
}

#[test]
fn deeply_nested_json_is_a_typed_error_not_a_crash() {
    // 200 levels: beyond both our limit and serde_json's own recursion limit (128).
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let header = format!(r#"{{"alg":"HS256","x":{deep}}}"#);
    let t = format!("{}.{}.", enc(&header), enc("{}"));
    assert_eq!(
        parse_token(&t),
        Err(TokenError::JsonTooDeep {
            part: TokenPart::Header,
            limit: limits::MAX_JSON_DEPTH
        })
    );
    let t = format!("{}.{}.", enc(r#"{"alg":"HS256"}"#), enc(&deep));
    assert!(matches!(
        parse_token(&t),
        Err(TokenError::JsonTooDeep {
            part: TokenPart::Payload,
            ..
        })
    ));
    let json = format!(r#"{{"payload":"","signature":"","header":{{"alg":"x","d":{deep}}}}}"#);
    assert!(json_error(&json).contains("deeper"));
    // Unbalanced input that is only deep, never closed, is refused the same way.
    let open = "{\"a\":".repeat(limits::MAX_JSON_DEPTH + 1);
    assert!(json_error(&open).contains("deeper"));
}

#[test]
fn json_depth_ignores_brackets_inside_strings() {
    let text = format!(r#"{{"a":"{}\"{}"}}"#, "[".repeat(100), "{".repeat(100));
    assert!(!json_depth_exceeds(text.as_bytes(), 2));
    assert!(json_depth_exceeds(b"[[[", 2));
    assert!(!json_depth_exceeds(b"[[]]", 2));
}

/// The depth scan skips strings with memchr; this byte-by-byte reading of the same rule is
/// what it must agree with, on every short input over the bytes that matter (quotes, escapes,
/// brackets, other) and on long strings where the skip jumps far.
#[test]
fn json_depth_scan_agrees_with_a_byte_by_byte_reading() {
    fn reference(bytes: &[u8], limit: usize) -> bool {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        for &b in bytes {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > limit {
                        return true;
                    }
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        false
    }
    const ALPHABET: &[u8] = b"{[]}\"\\a";
    let mut checked = 0;
    for len in 0..=6u32 {
        for n in 0..ALPHABET.len().pow(len) {
            let mut rest = n;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    let b = ALPHABET[rest % ALPHABET.len()];
                    rest /= ALPHABET.len();
                    b
                })
                .collect();
            for limit in 0..3 {
                assert_eq!(
                    json_depth_exceeds(&bytes, limit),
                    reference(&bytes, limit),
                    "{:?} at limit {limit}",
                    String::from_utf8_lossy(&bytes)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 300_000, "{checked}");
    let long = format!(
        r#"{{"a":"{}\\\"[[[{}","b":[[[1]]]}}"#,
        "x".repeat(10_000),
        "\\\\".repeat(500)
    );
    for limit in 0..6 {
        assert_eq!(
            json_depth_exceeds(long.as_bytes(), limit),
            reference(long.as_bytes(), limit)
        );
    }
}

#[test]
fn rfc7515_section_4_1_11_malformed_crit_is_noted() {
    let cases = [
        (r#"{"alg":"HS256","crit":["exp"]}"#, "does not contain"),
        (r#"{"alg":"HS256","crit":["alg"]}"#, "standard parameter"),
        (r#"{"alg":"HS256","crit":[]}"#, "empty list"),
        (r#"{"alg":"HS256","crit":"exp"}"#, "not a list"),
    ];
    for (header, expected) in cases {
        let t = format!("{}.{}.{}", enc(header), enc("{}"), enc("s"));
        let p = parse_token(&t).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(
            p.notes.iter().any(|n| n.message.contains(expected)),
            "{header}: {:?}",
            p.notes
        );
    }
}

#[test]
fn rfc7515_section_2_padding_in_compact_segments_is_read_and_noted() {
    let h = enc(r#"{"alg":"RS256"}"#);
    let p = format!("{}=", enc(r#"{"sub":"abcd"}"#));
    assert_eq!(p.len() % 4, 0);
    let t = parse_token(&format!("{h}.{p}.{}", enc("s"))).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(t.payload, Payload::Json(serde_json::json!({"sub":"abcd"})));
    assert_eq!(t.signatures[0].signing_input, format!("{h}.{p}").as_bytes());
    assert!(
        t.notes.iter().any(|n| n.message.contains("padding")),
        "{:?}",
        t.notes
    );
    // Padding that cannot be base64 padding is still an error.
    let bad = format!("{h}.{}===.{}", enc(r#"{"sub":"abcd"}"#), enc("s"));
    assert!(matches!(
        parse_token(&bad),
        Err(TokenError::InvalidBase64 {
            part: TokenPart::Payload,
            ..
        })
    ));
}

#[test]
fn a_jws_cut_inside_its_payload_is_a_truncation_with_its_decodable_parts() {
    let payload = enc(r#"{"sub":"someone","tid":"t"}"#);
    let cut = format!("{}.{}", enc(r#"{"alg":"RS256","kid":"k"}"#), &payload[..13]);
    match parse_compact(&cut) {
        Err(TokenError::Truncated {
            part,
            found,
            expected,
            length,
        }) => {
            assert_eq!((part, found, expected), (TokenPart::Payload, 2, 3));
            assert_eq!(length, cut.len());
        }
        other => unreachable!("{other:?}"),
    }
    let (header, start) = truncated_parts(&cut).unwrap_or_default();
    assert_eq!(header.get("kid").and_then(Value::as_str), Some("k"));
    assert_eq!(start, r#"{"sub":"so"#[..start.len()]);
    assert!(start.starts_with(r#"{"sub""#), "{start}");
    // Two parts without a readable header, or a JWE header, stay a wrong segment count.
    for other in [
        format!("{}.{}", enc("not json"), payload),
        format!("{}.{}", enc(r#"{"alg":"dir","enc":"A128GCM"}"#), payload),
        format!("{}.", enc(r#"{"alg":"RS256"}"#)),
    ] {
        assert!(
            matches!(
                parse_compact(&other),
                Err(TokenError::WrongSegmentCount { found: 2 })
            ),
            "{other}"
        );
        assert!(truncated_parts(&other).is_none());
    }
}
