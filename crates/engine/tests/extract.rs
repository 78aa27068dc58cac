//! Token extraction from pasted text: every source kind, exact locations, deduplication, no
//! false positives on log noise, the size limit, robustness against garbage, and a 10 MB log.
#![cfg(test)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(not(target_arch = "wasm32"))]
mod common;

use keyhole_engine::b64::encode_url;
use keyhole_engine::extract::{
    extract_tokens, ExtractError, FoundToken, Location, LocationContext,
};
use keyhole_engine::limits;
use keyhole_engine::token::parse_token;

fn enc(s: &str) -> String {
    encode_url(s.as_bytes())
}

/// A compact JWS whose claims carry `sub`, so tests can make distinct tokens.
fn jws(sub: &str) -> String {
    format!(
        "{}.{}.{}",
        enc(r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#),
        enc(&format!(
            r#"{{"sub":"{sub}","iss":"https://login.example/"}}"#
        )),
        enc("not-a-real-signature-but-bytes")
    )
}

fn extract(text: &str) -> Vec<FoundToken> {
    extract_tokens(text).unwrap()
}

/// The only token found, and its only location.
fn single(text: &str) -> (String, Location) {
    let found = extract(text);
    assert_eq!(found.len(), 1, "{found:?}");
    let t = &found[0];
    assert_eq!(t.count, 1);
    (t.token.clone(), t.locations[0].clone())
}

fn ctx(text: &str) -> LocationContext {
    single(text).1.context
}

fn name(s: &str) -> String {
    s.to_owned()
}

#[test]
fn bearer_header_with_exact_line_column_offset() {
    let t = jws("alice");
    let text =
        format!("GET /api HTTP/1.1\r\nHost: api.example\r\nAuthorization: Bearer {t}\r\n\r\n");
    let (token, loc) = single(&text);
    assert_eq!(token, t);
    assert_eq!(loc.line, 3);
    assert_eq!(loc.column, "Authorization: Bearer ".len() + 1);
    assert_eq!(Some(loc.offset), text.find(&t));
    assert_eq!(loc.length, t.len());
    assert_eq!(
        loc.context,
        LocationContext::Header {
            name: name("Authorization")
        }
    );
}

#[test]
fn headers_in_curl_output_json_logs_and_custom_headers() {
    let t = jws("bob");
    assert_eq!(
        ctx(&format!("> authorization: Bearer {t}\n")),
        LocationContext::Header {
            name: name("authorization")
        }
    );
    assert_eq!(
        ctx(&format!(
            "10:00 request headers={{'Authorization': 'Bearer {t}'}}"
        )),
        LocationContext::Header {
            name: name("Authorization")
        }
    );
    assert_eq!(
        ctx(&format!("fwd X-Ms-Token-Aad-Id-Token: {t}")),
        LocationContext::Header {
            name: name("X-Ms-Token-Aad-Id-Token")
        }
    );
    assert_eq!(
        ctx(&format!("DPoP: {t}")),
        LocationContext::Header { name: name("DPoP") }
    );
}

#[test]
fn cookie_and_set_cookie_name_the_cookie() {
    let t = jws("carol");
    assert_eq!(
        ctx(&format!("Cookie: theme=dark; session={t}; lang=en")),
        LocationContext::Cookie {
            name: name("session")
        }
    );
    assert_eq!(
        ctx(&format!(
            "< Set-Cookie: id_token={t}; Path=/; Secure; HttpOnly"
        )),
        LocationContext::Cookie {
            name: name("id_token")
        }
    );
    assert_eq!(
        ctx(&format!("cookie:auth={t}")),
        LocationContext::Cookie { name: name("auth") }
    );
}

#[test]
fn query_parameters_first_and_later() {
    let t = jws("dave");
    assert_eq!(
        ctx(&format!("GET https://api.example/v1?access_token={t} 200")),
        LocationContext::QueryParameter {
            name: name("access_token")
        }
    );
    assert_eq!(
        ctx(&format!(
            "https://app.example/cb?state=x1&id_token={t}&session_state=9"
        )),
        LocationContext::QueryParameter {
            name: name("id_token")
        }
    );
    assert_eq!(
        ctx(&format!("<a href=\"/cb?x=1&amp;code={t}\">")),
        LocationContext::QueryParameter { name: name("code") }
    );
    // A form body uses query syntax.
    assert_eq!(
        ctx(&format!("grant_type=jwt-bearer&assertion={t}")),
        LocationContext::QueryParameter {
            name: name("assertion")
        }
    );
}

#[test]
fn fragment_parameters() {
    let t = jws("erin");
    assert_eq!(
        ctx(&format!(
            "Location: https://app.example/cb#id_token={t}&state=s"
        )),
        LocationContext::FragmentParameter {
            name: name("id_token")
        }
    );
    assert_eq!(
        ctx(&format!(
            "https://app.example/cb?x=1#state=s&access_token={t}"
        )),
        LocationContext::FragmentParameter {
            name: name("access_token")
        }
    );
}

#[test]
fn url_encoded_tokens_and_parameters_are_decoded() {
    let t = jws("frank");
    // A URL nested in a parameter: the `#`, `=` around the token are percent-encoded.
    let text = format!("redirect_uri=https%3A%2F%2Fapp.example%2Fcb%23id_token%3D{t}");
    assert_eq!(
        ctx(&text),
        LocationContext::FragmentParameter {
            name: name("id_token")
        }
    );

    // The token itself encoded (dots as %2E, the first letters as %65%79), and double-encoded.
    let encoded = format!(
        "%65%79{}",
        t.get(2..).unwrap_or_default().replace('.', "%2E")
    );
    let text = format!("GET /cb?id_token={encoded} HTTP/1.1");
    let (token, loc) = single(&text);
    assert_eq!(token, t);
    assert_eq!(Some(loc.offset), text.find(&encoded));
    assert_eq!(loc.length, encoded.len());
    assert_eq!(
        loc.context,
        LocationContext::QueryParameter {
            name: name("id_token")
        }
    );

    let double = t.replace('.', "%252E");
    let (token, _) = single(&format!("next=%3Fcode%253D{double}"));
    assert_eq!(token, t);

    // The same token written plainly and encoded is one token seen twice.
    let found = extract(&format!("{t}\n{encoded}\n"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].count, 2);
}

#[test]
fn padded_segments_stay_in_the_token() {
    let h = enc(r#"{"alg":"RS256"}"#);
    let p = format!("{}=", enc(r#"{"sub":"abcd"}"#));
    let t = format!("{h}.{p}.{}", enc("s"));
    let text = format!("https://app.example/cb#id_token={t}&state=1");
    let (token, loc) = single(&text);
    assert_eq!(token, t);
    assert_eq!(
        loc.context,
        LocationContext::FragmentParameter {
            name: name("id_token")
        }
    );
    assert!(parse_token(&token).is_ok());
}

#[test]
fn plus_is_not_decoded_and_ends_a_run() {
    let t = jws("gina");
    let (token, _) = single(&format!("q=a+b+{t}+c"));
    assert_eq!(token, t);
}

#[test]
fn json_body_fields_have_json_paths() {
    let a = jws("hank");
    let b = jws("ivy");
    let text = format!(
        "{{\n  \"token_type\": \"Bearer\",\n  \"tokens\": [{{\"id_token\": \"{a}\"}}],\n  \"x-ms\": {{\"odd key\": \"{b}\"}}\n}}"
    );
    let found = extract(&text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].token, a);
    assert_eq!(
        found[0].locations[0].context,
        LocationContext::JsonField {
            path: name("$.tokens[0].id_token")
        }
    );
    assert_eq!(found[0].locations[0].line, 3);
    assert_eq!(
        found[1].locations[0].context,
        LocationContext::JsonField {
            path: name(r#"$["x-ms"]["odd key"]"#)
        }
    );
}

#[test]
fn ndjson_and_json_lines_inside_plain_logs() {
    let a = jws("jack");
    let b = jws("kim");
    let c = jws("lee");
    let ndjson =
        format!("{{\"msg\":\"login\",\"token\":\"{a}\"}}\n{{\"auth\":{{\"jwt\":\"{b}\"}}}}\n");
    let found = extract(&ndjson);
    assert_eq!(
        found[0].locations[0].context,
        LocationContext::JsonField {
            path: name("$.token")
        }
    );
    assert_eq!(
        found[1].locations[0].context,
        LocationContext::JsonField {
            path: name("$.auth.jwt")
        }
    );
    assert_eq!(found[1].locations[0].line, 2);

    let mixed = format!("plain line\n  {{\"resp\":{{\"access_token\":\"{c}\"}}}}\nINFO {{\"id_token\": \"{a}\"}} done\n");
    let found = extract(&mixed);
    assert_eq!(
        found[0].locations[0].context,
        LocationContext::JsonField {
            path: name("$.resp.access_token")
        }
    );
    // A JSON fragment inside a log line: only the key is known.
    assert_eq!(
        found[1].locations[0].context,
        LocationContext::JsonField {
            path: name("$..id_token")
        }
    );
}

fn har(entries: &str) -> String {
    format!(
        r#"{{"log":{{"version":"1.2","creator":{{"name":"test","version":"1"}},"pages":[],"entries":[{entries}]}}}}"#
    )
}

#[test]
fn har_request_and_response_parts_are_named() {
    let [h, c, q, qs, form, param, set, rc, body, redir] = [
        "h", "c", "q", "qs", "form", "param", "set", "rc", "body", "redir",
    ]
    .map(jws);
    let e0 = format!(
        r#"{{"startedDateTime":"2024-01-01T00:00:00Z","request":{{"method":"POST","url":"https://api.example/x?a=1&access_token={q}","httpVersion":"HTTP/1.1",
        "headers":[{{"name":"Host","value":"api.example"}},{{"value":"Bearer {h}","name":"Authorization"}}],
        "cookies":[{{"name":"sess","value":"{c}"}}],
        "queryString":[{{"name":"access_token","value":"{qs}"}}],
        "postData":{{"mimeType":"application/x-www-form-urlencoded","text":"grant_type=x&assertion={form}","params":[{{"name":"client_assertion","value":"{param}"}}]}}}},
        "response":{{"status":200,"headers":[],"cookies":[],"content":{{"size":0,"mimeType":"text/plain","text":""}},"redirectURL":""}}}}"#
    );
    let e1 = format!(
        r#"{{"request":{{"method":"GET","url":"https://idp.example/authorize","headers":[],"cookies":[]}},
        "response":{{"status":302,"headers":[{{"name":"Set-Cookie","value":"rt={set}; Path=/"}}],
        "cookies":[{{"name":"refresh","value":"{rc}"}}],
        "content":{{"mimeType":"application/json","text":"{{\"id_token\":\"{body}\",\"n\":1}}"}},
        "redirectURL":"https://app.example/cb#state=1&id_token={redir}"}}}}"#
    );
    let text = har(&format!("{e0},{e1}"));
    let found = extract(&text);
    let by_token = |t: &str| {
        found
            .iter()
            .find(|f| f.token == t)
            .map(|f| f.locations[0].clone())
            .unwrap_or_else(|| panic!("token for {t} not found"))
    };
    // Entry 0 started at 2024-01-01T00:00:00Z; entry 1 has no startedDateTime.
    let har = |entry: usize, part: &str, name: Option<&str>| LocationContext::Har {
        entry,
        part: part.to_owned(),
        name: name.map(str::to_owned),
        started: (entry == 0).then(|| keyhole_engine::model::TimeValue {
            epoch: 1_704_067_200,
            utc: "2024-01-01T00:00:00Z".to_owned(),
        }),
    };
    assert_eq!(
        by_token(&h).context,
        har(0, "request.headers", Some("Authorization"))
    );
    assert_eq!(
        by_token(&c).context,
        har(0, "request.cookies", Some("sess"))
    );
    assert_eq!(
        by_token(&q).context,
        har(0, "request.url", Some("access_token"))
    );
    assert_eq!(
        by_token(&qs).context,
        har(0, "request.queryString", Some("access_token"))
    );
    assert_eq!(
        by_token(&form).context,
        har(0, "request.postData.text", Some("assertion"))
    );
    assert_eq!(
        by_token(&param).context,
        har(0, "request.postData.params", Some("client_assertion"))
    );
    assert_eq!(
        by_token(&set).context,
        har(1, "response.headers", Some("Set-Cookie"))
    );
    assert_eq!(
        by_token(&rc).context,
        har(1, "response.cookies", Some("refresh"))
    );
    assert_eq!(
        by_token(&body).context,
        har(1, "response.content.text", Some("$..id_token"))
    );
    assert_eq!(
        by_token(&redir).context,
        har(1, "response.redirectURL", Some("id_token"))
    );
    assert_eq!(found.len(), 10);
    for f in &found {
        let loc = &f.locations[0];
        assert_eq!(
            text.get(loc.offset..loc.offset + loc.length),
            Some(f.token.as_str())
        );
    }
}

#[test]
fn yaml_and_log_keys_are_not_headers() {
    let t = jws("yuri");
    assert_eq!(
        ctx(&format!("auth:\n  id_token: {t}\n")),
        LocationContext::Text
    );
    assert_eq!(
        ctx(&format!("ERROR 12:00:01 invalid token: {t}")),
        LocationContext::Text
    );
}

#[test]
fn json_document_with_byte_order_mark() {
    let t = jws("zoe");
    assert_eq!(
        ctx(&format!("\u{feff}{{\"jwt\": \"{t}\"}}")),
        LocationContext::JsonField {
            path: name("$.jwt")
        }
    );
}

#[test]
fn log_line_token_is_plain_text() {
    let t = jws("mia");
    let text = format!("2024-05-01T10:00:00.123Z INFO  [auth] issued {t} for user 42\n");
    let (token, loc) = single(&text);
    assert_eq!(token, t);
    assert_eq!(loc.context, LocationContext::Text);
    assert_eq!(loc.column, text.find(&t).unwrap_or_default() + 1);
}

#[test]
fn columns_count_characters_after_multibyte_text() {
    let t = jws("nia");
    let text = format!("first\n→ ünïcödé {t}");
    let (_, loc) = single(&text);
    assert_eq!(loc.line, 2);
    assert_eq!(loc.column, "→ ünïcödé ".chars().count() + 1);
    assert_eq!(Some(loc.offset), text.find(&t));
}

#[test]
fn identical_tokens_are_reported_once_with_count_and_all_locations() {
    let a = jws("olga");
    let b = jws("pete");
    let text = format!("Authorization: Bearer {a}\nCookie: s={b}\nurl?id_token={a}\n{a}\n");
    let found = extract(&text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].token, a);
    assert_eq!(found[0].count, 3);
    assert_eq!(
        found[0]
            .locations
            .iter()
            .map(|l| l.line)
            .collect::<Vec<_>>(),
        [1, 3, 4]
    );
    assert_eq!(
        found[0].locations[1].context,
        LocationContext::QueryParameter {
            name: name("id_token")
        }
    );
    assert_eq!(found[1].token, b);
    assert_eq!(found[1].count, 1);
}

#[test]
fn jwe_and_unsecured_tokens_are_found_with_their_own_segment_counts() {
    let jwe = format!(
        "{}.{}.{}.{}.{}",
        enc(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
        enc("key"),
        enc("iv"),
        enc("ct"),
        enc("tag")
    );
    let none = format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc(r#"{"sub":"x"}"#));
    let found = extract(&format!("jwe={jwe} then {none} end"));
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].token, jwe);
    assert_eq!(found[1].token, none);
    // A JWE header with only three segments is not a token.
    let short = format!(
        "{}.{}.{}",
        enc(r#"{"alg":"dir","enc":"A128GCM"}"#),
        enc("a"),
        enc("b")
    );
    assert!(extract(&short).is_empty());
}

#[test]
fn tokens_glued_to_dotted_words_and_sentence_dots() {
    let t = jws("quinn");
    let (token, loc) = single(&format!("see host.example.{t}."));
    assert_eq!(token, t);
    assert_eq!(loc.offset, "see host.example.".len());
    let (token, _) = single(&format!("({t}), next"));
    assert_eq!(token, t);
}

#[test]
fn no_false_positives_on_typical_log_noise() {
    let noise = [
        "2024-05-01 10:00:00,123 INFO server v1.2.3 started on 10.0.0.1:8443",
        "GET /static/app.bundle.min.js HTTP/1.1 200 host=login.microsoftonline.com",
        "files: a.b.c archive.tar.gz x.y.z.w README.md 1.2.3.4.5 Windows 10.0.19041.1",
        "sha=3f1e2d.4c5b6a.798877 id=eyJ.eyJ.eyJ version=eyJhbGciOiJIUzI1NiJ9",
        // A header without `alg`, a non-object header, and base64 blobs.
        &format!("{}.{}.{}", enc(r#"{"typ":"JWT"}"#), enc("{}"), enc("s")),
        &format!("{}.{}.{}", enc("[1,2]"), enc("{}"), enc("s")),
        "dGhpcyBpcyBub3QgYSB0b2tlbg==.aGVsbG8=.d29ybGQ= e30.e30.e30 ey.ey.ey ew..",
        "email alice.smith@example.co.uk com.example.app.MainActivity.onCreate",
    ]
    .join("\n");
    let found = extract(&noise);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn whole_text_jws_json_serialization_is_one_token() {
    let text = format!(
        "\n  {{\"payload\":\"{}\",\"protected\":\"{}\",\"signature\":\"{}\"}}\n",
        enc("{}"),
        enc(r#"{"alg":"HS256"}"#),
        enc("s")
    );
    let (token, loc) = single(&text);
    assert_eq!(token, text.trim());
    assert_eq!((loc.line, loc.column, loc.offset), (2, 3, 3));
    assert_eq!(loc.context, LocationContext::JsonField { path: name("$") });
    assert!(parse_token(&token).is_ok());
}

#[test]
fn jws_json_serializations_inside_json_documents_are_tokens() {
    let compact = jws("uma");
    let general = format!(
        "{{\"payload\":\"{}\",\"signatures\":[{{\"protected\":\"{}\",\"header\":{{\"kid\":\"k\"}},\"signature\":\"{}\"}}]}}",
        enc("{}"),
        enc(r#"{"alg":"ES256"}"#),
        enc("s")
    );
    let text = format!(
        "{{\"first\": \"{compact}\",\n \"signed\": [{general}],\n \"noise\": {{\"signature\": \"not jose\"}}}}"
    );
    let found = extract(&text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].token, compact);
    assert_eq!(found[1].token, general);
    let loc = &found[1].locations[0];
    assert_eq!(
        loc.context,
        LocationContext::JsonField {
            path: name("$.signed[0]")
        }
    );
    assert_eq!(Some(loc.offset), text.find(&general));
    assert_eq!(loc.line, 2);
    assert!(parse_token(&found[1].token).is_ok());
}

#[test]
fn size_limit_is_a_typed_error() {
    let big = " ".repeat(limits::MAX_TEXT_BYTES + 1);
    assert_eq!(
        extract_tokens(&big),
        Err(ExtractError::TooLarge {
            bytes: limits::MAX_TEXT_BYTES + 1,
            limit: limits::MAX_TEXT_BYTES
        })
    );
}

#[test]
fn results_serialize_with_tagged_contexts() {
    let t = jws("rita");
    let found = extract(&format!("Cookie: s={t}"));
    let json = serde_json::to_value(&found).unwrap();
    assert_eq!(json[0]["locations"][0]["context"]["kind"], "cookie");
    assert_eq!(json[0]["locations"][0]["context"]["name"], "s");
    assert_eq!(json[0]["count"], 1);
}

/// xorshift64: a tiny deterministic generator for the mutation test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_inputs_never_panic() {
    let t = jws("sam");
    let jwe = format!(
        "{}.{}.{}.{}.{}",
        enc(r#"{"alg":"dir","enc":"A128GCM"}"#),
        "",
        enc("iv"),
        enc("c"),
        enc("t")
    );
    let seeds = [
        format!(
            "Authorization: Bearer {t}\nCookie: a=b; s={t}\nhttps://x/cb?a=1#id_token={t}\n{jwe}"
        ),
        har(&format!(
            r#"{{"request":{{"url":"https://x/?code={t}","headers":[{{"name":"A","value":"{t}"}}]}},"response":{{"content":{{"text":"{{\"a\":\"{t}\"}}"}}}}}}"#
        )),
        format!("[{{\"a\":[\"{t}\",{{\"b\":\"%65%79{t}\"}}]}}]"),
        format!(
            "{{\"payload\":\"{}\",\"signatures\":[{{\"protected\":\"{}\",\"signature\":\"\"}}]}}",
            enc("x"),
            enc(r#"{"alg":"none"}"#)
        ),
    ];
    let alphabet = b"eyJ.%25{}[]\":,=&?#;\\ \n\r\t-_aZ09\xc3\xa9";
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    for seed in &seeds {
        for _ in 0..300 {
            let mut bytes = seed.as_bytes().to_vec();
            for _ in 0..1 + rng.below(8) {
                let pos = rng.below(bytes.len() + 1);
                match rng.below(4) {
                    0 if pos < bytes.len() => {
                        bytes.remove(pos);
                    }
                    1 => bytes.insert(pos, alphabet[rng.below(alphabet.len())]),
                    2 if pos < bytes.len() => bytes[pos] = alphabet[rng.below(alphabet.len())],
                    _ => {
                        let end = (pos + rng.below(40)).min(bytes.len());
                        let chunk = bytes[pos.min(end)..end].to_vec();
                        bytes.splice(pos..pos, chunk);
                    }
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            let found = extract(&text);
            for f in &found {
                assert!(f.count >= f.locations.len());
                for loc in &f.locations {
                    assert!(loc.offset + loc.length <= text.len());
                    assert!(loc.line >= 1 && loc.column >= 1);
                }
                let _ = parse_token(&f.token);
            }
            let _ = parse_token(&text);
            runs += 1;
        }
    }
    assert_eq!(runs, 1200);
}

#[test]
fn ten_megabyte_log_is_scanned() {
    let mut text = String::with_capacity(10 * 1024 * 1024 + 4096);
    let tokens: Vec<String> = (0..50).map(|i| jws(&format!("user{i}"))).collect();
    let mut inserted = 0usize;
    let mut i = 0usize;
    while text.len() < 10 * 1024 * 1024 {
        match i % 97 {
            0 => {
                text.push_str(&format!(
                    "2024-05-01T10:{:02}:00Z INFO  GET /api/v1.2/items?id={i}&access_token={} 200 host=api.example.com\n",
                    i % 60,
                    tokens[i % tokens.len()]
                ));
                inserted += 1;
            }
            _ => text.push_str(&format!(
                "2024-05-01T10:{:02}:00Z DEBUG worker.pool.{} processed file_{i}.tar.gz in 1.{:03}s v3.14.159 eyJ.not.a.token\n",
                i % 60,
                i % 8,
                i % 1000
            )),
        }
        i += 1;
    }
    #[cfg(not(target_arch = "wasm32"))]
    let start = std::time::Instant::now();
    let found = extract(&text);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{} bytes of log in {:?}", text.len(), start.elapsed());
    assert_eq!(found.len(), tokens.len());
    assert_eq!(found.iter().map(|f| f.count).sum::<usize>(), inserted);
    assert!(found.iter().all(|f| f.locations.iter().all(|l| l.context
        == LocationContext::QueryParameter {
            name: "access_token".into()
        })));
}

/// Hostile shapes of ~10 MB: one line holding tens of thousands of URL parameters or cookies
/// (the look-backs must not rescan the line for each token), every segment a valid header,
/// nothing but percent-escapes, a huge JSON array, tokens nested 10,000 levels deep, hundreds of
/// thousands of would-be JWS JSON serializations (only the first 1000 are tried). No timing assertion (CI machines vary); the
/// elapsed time is printed (in release builds each takes well under a second).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn adversarial_ten_megabyte_inputs_are_handled() {
    const SIZE: usize = 10 * 1024 * 1024;
    let t = jws("x");
    let h = enc(r#"{"alg":"HS256"}"#);
    let params = SIZE / (t.len() + 3);
    let cookies = SIZE / (t.len() + 4);
    let headers = SIZE / (h.len() + 1);
    let cases = [
        (
            "URL fragment with many parameters",
            format!("https://x/cb#{}", format!("&a={t}").repeat(params)),
            params,
            LocationContext::FragmentParameter { name: name("a") },
        ),
        (
            "cookie header with many cookies",
            format!("Cookie: {}", format!("; a={t}").repeat(cookies)),
            cookies,
            LocationContext::Cookie { name: name("a") },
        ),
        (
            "every segment a header",
            format!("{h}.").repeat(headers),
            headers / 3,
            LocationContext::Text,
        ),
        (
            "only percent-escapes",
            "%41".repeat(SIZE / 3) + ".a.b",
            0,
            LocationContext::Text,
        ),
        (
            "huge JSON array",
            format!("[{}\"\"]", format!("\"{t}\",").repeat(params)),
            params,
            LocationContext::JsonField { path: name("$[0]") },
        ),
        (
            "tokens 10,000 levels deep",
            format!(
                "{}{}\"\"{}",
                "[".repeat(10_000),
                format!("\"{t}\",").repeat(params - 200),
                "]".repeat(10_000)
            ),
            params - 200,
            LocationContext::JsonField {
                path: format!("$…{} levels…{}", 10_000 - 64, "[0]".repeat(64)),
            },
        ),
        (
            "many signature objects",
            format!(
                "[{}{{}}]",
                r#"{"signature":"","header":{"alg":"none"}},"#.repeat(SIZE / 44)
            ),
            keyhole_engine::extract::MAX_JSON_SERIALIZATION_ATTEMPTS,
            LocationContext::JsonField { path: name("$[0]") },
        ),
    ];
    for (what, text, expected, first_context) in &cases {
        let start = std::time::Instant::now();
        let found = extract(text);
        eprintln!("{what}: {} bytes in {:?}", text.len(), start.elapsed());
        assert_eq!(
            found.iter().map(|f| f.count).sum::<usize>(),
            *expected,
            "{what}"
        );
        if let Some(f) = found.first() {
            assert_eq!(&f.locations[0].context, first_context, "{what}");
            assert!(f.locations.len() <= keyhole_engine::extract::MAX_LOCATIONS_PER_TOKEN);
        }
    }
}

/// Real tokens (Microsoft documentation samples in ../shared/fixtures/real) are found inside a
/// typical paste: once in an `Authorization` header and once in an OIDC fragment, as one token
/// with two locations. Skipped visibly when ../shared is absent (a failure under `CI=true`).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn real_microsoft_sample_tokens_are_found_in_a_paste() {
    let Some(dir) = common::fixture("fixtures/real") else {
        return;
    };
    for file in [
        "msdocs-sample-idtoken-v1-aad.jwt",
        "msdocs-sample-idtoken-v2-msa-kid-1LTMz.jwt",
    ] {
        let path = dir.join(file);
        let raw =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let token = raw.trim();
        let text = format!(
            "POST /api HTTP/1.1\nAuthorization: Bearer {token}\n\nhttps://app.example/cb#state=1&id_token={token}\n"
        );
        let found = extract(&text);
        assert_eq!(found.len(), 1, "{file}");
        assert_eq!(found[0].token, token, "{file}");
        assert_eq!(found[0].count, 2, "{file}");
        assert_eq!(
            found[0]
                .locations
                .iter()
                .map(|l| l.context.clone())
                .collect::<Vec<_>>(),
            [
                LocationContext::Header {
                    name: name("Authorization")
                },
                LocationContext::FragmentParameter {
                    name: name("id_token")
                }
            ],
            "{file}"
        );
        assert!(parse_token(&found[0].token).is_ok(), "{file}");
    }
}

/// A JWS cut off inside its payload (a log line's length limit) is found, to be listed as
/// malformed; a JWS header followed by an empty part, or a JWE header with a part or two, is not.
#[test]
fn a_jws_cut_inside_its_payload_is_found() {
    let t = jws("rita");
    let cut = &t[..t.find('.').unwrap_or(0) + 9];
    let found = extract(&format!("GET /x Authorization: Bearer {cut}\nnext line\n"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].token, cut);
    let header = &t[..t.find('.').unwrap_or(0)];
    assert!(extract(&format!("{header}. then")).is_empty());
    let jwe = format!("{}.{}", enc(r#"{"alg":"dir","enc":"A128GCM"}"#), enc("a"));
    assert!(extract(&jwe).is_empty());
}
