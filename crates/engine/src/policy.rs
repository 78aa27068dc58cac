//! Decisions that the web app, its tests and the CLI used to make each in their own way, made
//! once here: what an opened or pasted input is, how a key document's text becomes the case
//! file's JSON, and which answers of the browser's WebCrypto are final.

use serde_json::{Map, Value};

use crate::verify::Alg;

/// What an input is, judged from its text (and file name, for binary certificates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// A Keyhole case file: a JSON object with `key_sets`, `tokens`, `text` or `now`.
    Case,
    /// An OpenID Provider configuration (a key document that declares an issuer, which it
    /// gives when it has one).
    OpenIdConfiguration { issuer: Option<String> },
    /// A key document: JWKS, JWK, array of JWKs, PEM, certificate.
    KeyDocument,
    /// A HAR file (`{"log": …}`): text to search for tokens.
    Har,
    /// One compact token and nothing else.
    Token,
    /// Anything else: text to search for tokens (logs, headers, URLs).
    Text,
}

impl InputKind {
    /// True for the kinds that go into the case as key sets.
    pub fn is_keys(&self) -> bool {
        matches!(
            self,
            InputKind::KeyDocument | InputKind::OpenIdConfiguration { .. }
        )
    }
}

/// What `text` (a file called `name`, or `""` when pasted) is. The criteria are the engine's
/// own: what [`crate::keys`] reads as a key document or an OpenID configuration, what
/// [`crate::case::CaseFile`] reads as a case. A JSON object that is none of these is text.
pub fn classify(name: &str, text: &str) -> InputKind {
    let trimmed = text.trim();
    match trimmed.as_bytes().first() {
        Some(b'{') | Some(b'[') => {
            // A case file is told by its member names alone: reading only those skips building
            // its tokens and key sets as JSON values (a 10,000-token case took 40 ms in the page
            // to classify that way, before its analysis could start).
            if is_case_object(trimmed) {
                return InputKind::Case;
            }
            if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
                if let Some(kind) = classify_json(&value) {
                    return kind;
                }
            }
        }
        _ => {}
    }
    let lower = name.to_ascii_lowercase();
    if crate::keys::pem::looks_like_pem(trimmed)
        || [".cer", ".crt", ".der", ".pem"]
            .iter()
            .any(|ext| lower.ends_with(ext))
    {
        return InputKind::KeyDocument;
    }
    if is_compact_token(trimmed) {
        return InputKind::Token;
    }
    InputKind::Text
}

/// Members that make a JSON object a case file.
const CASE_MEMBERS: [&str; 4] = ["key_sets", "tokens", "text", "now"];

/// True when `text` is a JSON object with a case file's member; its values are checked as JSON
/// but not kept.
fn is_case_object(text: &str) -> bool {
    text.starts_with('{')
        && serde_json::from_str::<std::collections::BTreeMap<String, serde::de::IgnoredAny>>(text)
            .is_ok_and(|members| CASE_MEMBERS.iter().any(|k| members.contains_key(*k)))
}

fn classify_json(value: &Value) -> Option<InputKind> {
    match value {
        Value::Object(map) => {
            if CASE_MEMBERS.iter().any(|k| map.contains_key(*k)) {
                Some(InputKind::Case)
            } else if map.contains_key("keys") || map.contains_key("kty") {
                Some(InputKind::KeyDocument)
            } else if crate::keys::is_openid_configuration(map) {
                Some(InputKind::OpenIdConfiguration {
                    issuer: string_member(map, "issuer"),
                })
            } else if map.contains_key("log") {
                Some(InputKind::Har)
            } else {
                None
            }
        }
        Value::Array(items) => (!items.is_empty()
            && items
                .iter()
                .all(|v| v.as_object().is_some_and(|o| o.contains_key("kty"))))
        .then_some(InputKind::KeyDocument),
        _ => None,
    }
}

fn string_member(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// One compact JWS or JWE: base64url segments joined by 2 or 4 dots, starting with a JSON
/// object's encoding (`ey`), with nothing around it.
fn is_compact_token(text: &str) -> bool {
    let dots = text.bytes().filter(|&c| c == b'.').count();
    text.starts_with("ey")
        && (dots == 2 || dots == 4)
        && text
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'='))
}

/// The issuer an OpenID Provider configuration declares, if `text` is one. Cheap on text that
/// cannot be one (the page calls it on every keystroke in a key document): a 10,000-key JWKS
/// (whose keys may well have an `issuer`) is not parsed just to learn that it is no
/// configuration.
pub fn openid_issuer(text: &str) -> Option<String> {
    let configuration_member = [
        "jwks_uri",
        "authorization_endpoint",
        "id_token_signing_alg_values_supported",
    ]
    .iter()
    .any(|m| text.contains(&format!("\"{m}\"")));
    if !text.contains("\"issuer\"") || !configuration_member {
        return None;
    }
    match classify("", text) {
        InputKind::OpenIdConfiguration { issuer } => issuer,
        _ => None,
    }
}

/// A key document for the case file: its JSON when the text parses as JSON, else the text
/// itself as a JSON string (PEM, base64 DER), which the key reader recognises.
pub fn json_or_string(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// True when WebCrypto's answer to a check of `alg` is final, so the analysis records it as
/// is; otherwise the reference verifier (jsonwebtoken) decides the check. `None` is "WebCrypto
/// could not answer" (a key or algorithm it refuses), never final.
///
/// "Verified" is always final: WebCrypto verifies with the key and algorithm the engine
/// planned, and no correct implementation accepts a forged signature. "Not verified" is final
/// for RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2 compares one deterministic encoding), ECDSA (FIPS 186
/// verification, with the range checks on r and s) and HMAC (one comparison): they leave an
/// implementation no choices, so a correct WebCrypto and the reference verifier cannot
/// disagree. RSA-PSS (salt-length policies) and EdDSA (canonical-encoding and cofactor
/// policies) do leave choices: their negatives go to the reference verifier.
/// `e2e/conformance.mjs` asks this function (through the app) which answers to hold WebCrypto
/// to.
pub fn webcrypto_answer_is_final(alg: Alg, answer: Option<bool>) -> bool {
    match answer {
        Some(true) => true,
        Some(false) => matches!(
            alg,
            Alg::RS256
                | Alg::RS384
                | Alg::RS512
                | Alg::ES256
                | Alg::ES384
                | Alg::ES512
                | Alg::HS256
                | Alg::HS384
                | Alg::HS512
        ),
        None => false,
    }
}

/// Why a key set's source URL cannot be what it claims, or None when it can. The source decides
/// provenance (which cloud, tenant or application published the keys), so a mistyped one must
/// be said where it was typed, not silently treated as an unknown publisher. Only the shape
/// is checked — an absolute http(s) URL with a host and no spaces — never the network.
pub fn source_url_problem(source: &str) -> Option<String> {
    let s = source.trim();
    if s.is_empty() {
        return None;
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Some(format!(
            "\"{}\" is not a URL: a source starts with https:// (the address the keys were fetched from, e.g. https://login.microsoftonline.com/common/discovery/v2.0/keys)",
            shown(s)
        ));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || s.chars().any(char::is_whitespace) {
        return Some(format!(
            "\"{}\" is not a usable URL: it needs a host name and no spaces",
            shown(s)
        ));
    }
    None
}

/// `s` as quoted in a message: its first 80 characters.
fn shown(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn source_urls_are_checked_for_shape_only() {
        assert_eq!(source_url_problem(""), None);
        assert_eq!(
            source_url_problem("https://login.microsoftonline.com/common/discovery/v2.0/keys"),
            None
        );
        assert_eq!(source_url_problem(" http://127.0.0.1:8080/jwks "), None);
        assert!(source_url_problem("not a url").is_some_and(|m| m.contains("is not a URL")));
        assert!(source_url_problem("login.microsoftonline.com/common/keys").is_some());
        assert!(source_url_problem("https:///keys").is_some_and(|m| m.contains("host")));
        assert!(source_url_problem("https://a b/keys").is_some());
        assert!(source_url_problem(&"x".repeat(500)).is_some_and(|m| m.chars().count() < 300));
    }

    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn classifies_cases_keys_openid_har_tokens_and_text() {
        let cases = [
            ("c.json", r#"{"tokens":[]}"#, InputKind::Case),
            ("c.json", r#"{"tokens": 5}"#, InputKind::Case),
            // A case member decides before the members of other kinds (read by name only).
            ("c.json", r#"{"keys":[],"now":1}"#, InputKind::Case),
            (
                "c.json",
                r#"{"log":{},"text":"x","x":{"y":[1,{"z":null}]}}"#,
                InputKind::Case,
            ),
            // Member names alone do not make a case: the whole text must be JSON.
            ("c.json", r#"{"tokens":[1,}"#, InputKind::Text),
            ("c.json", r#"{"tokens":[]} x"#, InputKind::Text),
            ("c.json", r#"[{"tokens":[]}]"#, InputKind::Text),
            ("k.json", r#"{"keys":[]}"#, InputKind::KeyDocument),
            ("k.json", r#"{"kty":"RSA"}"#, InputKind::KeyDocument),
            (
                "k.json",
                r#"[{"kty":"EC"},{"kty":"RSA"}]"#,
                InputKind::KeyDocument,
            ),
            (
                "k.pem",
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                InputKind::KeyDocument,
            ),
            ("k.cer", "MIIB", InputKind::KeyDocument),
            (
                "o.json",
                r#"{"issuer":"https://i.example/","jwks_uri":"https://i.example/keys"}"#,
                InputKind::OpenIdConfiguration {
                    issuer: Some("https://i.example/".into()),
                },
            ),
            (
                "o.json",
                r#"{"issuer":"https://i.example/","authorization_endpoint":"https://i.example/a"}"#,
                InputKind::OpenIdConfiguration {
                    issuer: Some("https://i.example/".into()),
                },
            ),
            (
                "o.json",
                r#"{"jwks_uri":"https://i.example/keys"}"#,
                InputKind::OpenIdConfiguration { issuer: None },
            ),
            ("a.har", r#"{"log":{}}"#, InputKind::Har),
            ("t.txt", "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.", InputKind::Token),
            (
                "x.log",
                "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJhIjoxfQ.",
                InputKind::Text,
            ),
            ("x.json", r#"{"other": 1}"#, InputKind::Text),
            ("x.json", "[1, 2]", InputKind::Text),
            ("x.json", "{not json", InputKind::Text),
            ("", "", InputKind::Text),
        ];
        for (name, text, want) in cases {
            assert_eq!(classify(name, text), want, "{name}: {text}");
        }
        assert!(classify("k.json", r#"{"keys":[]}"#).is_keys());
        assert!(!classify("a.har", r#"{"log":{}}"#).is_keys());
    }

    #[test]
    fn openid_issuer_is_the_configurations_issuer_only() {
        assert_eq!(
            openid_issuer(r#"{"issuer":"https://i.example/","jwks_uri":"https://i.example/k"}"#),
            Some("https://i.example/".into())
        );
        assert_eq!(
            openid_issuer(r#"{"keys":[],"issuer":"https://i.example/"}"#),
            None
        );
        assert_eq!(openid_issuer(r#"{"jwks_uri":"https://i.example/k"}"#), None);
        assert_eq!(openid_issuer("not json \"issuer\""), None);
    }

    #[test]
    fn documents_are_json_when_they_parse_else_strings() {
        assert_eq!(
            json_or_string(r#"{"keys": []}"#),
            serde_json::json!({"keys": []})
        );
        assert_eq!(
            json_or_string("-----BEGIN PUBLIC KEY-----"),
            Value::String("-----BEGIN PUBLIC KEY-----".into())
        );
        assert_eq!(json_or_string("MIIB"), Value::String("MIIB".into()));
    }

    #[test]
    fn webcrypto_verified_is_final_and_not_verified_only_for_deterministic_algorithms() {
        for alg in Alg::all() {
            assert!(webcrypto_answer_is_final(alg, Some(true)), "{alg}");
            assert!(!webcrypto_answer_is_final(alg, None), "{alg}");
            let deterministic = [
                "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512",
            ]
            .contains(&alg.as_str());
            assert_eq!(
                webcrypto_answer_is_final(alg, Some(false)),
                deterministic,
                "{alg}"
            );
        }
    }
}
