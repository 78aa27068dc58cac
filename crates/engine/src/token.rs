//! Parsed tokens: compact JWS (RFC 7515 §7.1), JWE compact (RFC 7516 §7.1, protected header
//! only) and unsecured JWTs (`alg: none`). Everything in a header is untrusted metadata: it is
//! kept visible for the analyst and never used to choose a key by itself.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::b64;
use crate::error::{TokenError, TokenPart};
use crate::limits;

/// The three shapes a token can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// Signed (JWS).
    Jws,
    /// Encrypted (JWE): only the protected header is readable.
    Jwe,
    /// `alg: none` in any letter case: nothing protects the content.
    Unsecured,
}

/// How the token was written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Serialization {
    Compact,
    JsonFlattened,
    JsonGeneral,
}

/// The payload as far as it can be read without trusting it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Payload {
    /// A JSON value (usually a claims object).
    Json(Value),
    /// UTF-8 text that is not JSON (or an RFC 7797 unencoded payload).
    Text(String),
    /// Bytes that are neither JSON nor UTF-8: only their length is shown.
    Binary { bytes: usize },
    /// JWE content: encrypted, not readable.
    Encrypted,
    /// Detached content (RFC 7515 Appendix F): the payload segment was empty.
    Detached,
}

/// The header parameters Keyhole reasons about, extracted from the (untrusted) header object.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HeaderParams {
    pub alg: Option<String>,
    pub enc: Option<String>,
    pub kid: Option<String>,
    pub typ: Option<String>,
    pub cty: Option<String>,
    pub x5t: Option<String>,
    #[serde(rename = "x5t#S256")]
    pub x5t_s256: Option<String>,
    pub jku: Option<String>,
    pub x5u: Option<String>,
    pub jwk: Option<Value>,
    pub x5c: Option<Vec<String>>,
    pub crit: Option<Vec<String>>,
    /// RFC 7797 `b64`; `Some(false)` means the payload is not base64url-encoded.
    pub b64: Option<bool>,
}

impl HeaderParams {
    /// Reads the parameters of a header object; values of the wrong JSON type are left out (the
    /// raw header keeps them visible).
    pub fn from_header(header: &Map<String, Value>) -> Self {
        let s = |k: &str| header.get(k).and_then(Value::as_str).map(str::to_owned);
        let list = |k: &str| {
            header.get(k).and_then(Value::as_array).map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
        };
        HeaderParams {
            alg: s("alg"),
            enc: s("enc"),
            kid: s("kid"),
            typ: s("typ"),
            cty: s("cty"),
            x5t: s("x5t"),
            x5t_s256: s("x5t#S256"),
            jku: s("jku"),
            x5u: s("x5u"),
            jwk: header.get("jwk").cloned(),
            x5c: list("x5c"),
            crit: list("crit"),
            b64: header.get("b64").and_then(Value::as_bool),
        }
    }

    /// True when `alg` is `none` in any letter case (RFC 7519 §6).
    pub fn is_unsecured(&self) -> bool {
        self.alg
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("none"))
    }
}

/// One signature over a payload. A JWS JSON serialization may carry several.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignatureBlock {
    /// The protected header exactly as it was encoded (base64url); part of the signing input.
    pub protected_b64: String,
    /// Protected and unprotected header parameters merged (the protected ones win).
    pub header: Map<String, Value>,
    pub params: HeaderParams,
    /// `ASCII(BASE64URL(protected) || '.' || payload)` (RFC 7515 §5.2), as bytes.
    #[serde(skip)]
    pub signing_input: Vec<u8>,
    /// The signature, base64url as found in the token.
    pub signature_b64: String,
}

/// A token read from text, not yet verified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedToken {
    /// The token text as given (trimmed).
    pub raw: String,
    pub kind: TokenKind,
    pub serialization: Serialization,
    pub payload: Payload,
    /// At least one block for JWS and unsecured tokens; for JWE, one block holding the protected
    /// header with an empty signature.
    pub signatures: Vec<SignatureBlock>,
    /// Things the analyst should know that are not errors (crit, b64:false, nested JWT, padding).
    pub notes: Vec<String>,
}

impl ParsedToken {
    /// The first (for compact tokens, the only) signature block.
    pub fn primary(&self) -> Option<&SignatureBlock> {
        self.signatures.first()
    }

    /// The claims object, if the payload is a JSON object.
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        match &self.payload {
            Payload::Json(Value::Object(m)) => Some(m),
            _ => None,
        }
    }
}

/// Parses a token in compact serialization (JWS, JWE or unsecured).
pub fn parse_compact(text: &str) -> Result<ParsedToken, TokenError> {
    let raw = text.trim();
    if raw.is_empty() {
        return Err(TokenError::Empty);
    }
    if raw.len() > limits::MAX_TOKEN_BYTES {
        return Err(TokenError::TooLarge {
            bytes: raw.len(),
            limit: limits::MAX_TOKEN_BYTES,
        });
    }
    let parts: Vec<&str> = raw.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => parse_compact_jws(raw, h, p, s),
        [h, _, _, _, _] => parse_compact_jwe(raw, h),
        other => Err(TokenError::WrongSegmentCount { found: other.len() }),
    }
}

fn parse_compact_jws(raw: &str, h: &str, p: &str, s: &str) -> Result<ParsedToken, TokenError> {
    let header = decode_header(h)?;
    let params = HeaderParams::from_header(&header);
    if params.alg.is_none() {
        return Err(TokenError::MissingAlg);
    }
    let mut notes = Vec::new();
    let unencoded = params.b64 == Some(false);
    let payload = if p.is_empty() {
        Payload::Detached
    } else if unencoded {
        notes.push(
            "the header sets \"b64\": false (RFC 7797): the payload is not base64url-encoded".into(),
        );
        Payload::Text(p.to_owned())
    } else {
        let bytes = b64::decode_url(p).map_err(|e| TokenError::InvalidBase64 {
            part: TokenPart::Payload,
            detail: e.to_string(),
        })?;
        interpret_payload(&bytes)
    };
    if !s.is_empty() {
        b64::decode_url(s).map_err(|e| TokenError::InvalidBase64 {
            part: TokenPart::Signature,
            detail: e.to_string(),
        })?;
    }
    note_header(&params, &mut notes);
    let kind = if params.is_unsecured() {
        TokenKind::Unsecured
    } else {
        TokenKind::Jws
    };
    let mut signing_input = Vec::with_capacity(h.len() + 1 + p.len());
    signing_input.extend_from_slice(h.as_bytes());
    signing_input.push(b'.');
    signing_input.extend_from_slice(p.as_bytes());
    Ok(ParsedToken {
        raw: raw.to_owned(),
        kind,
        serialization: Serialization::Compact,
        payload,
        signatures: vec![SignatureBlock {
            protected_b64: h.to_owned(),
            header,
            params,
            signing_input,
            signature_b64: s.to_owned(),
        }],
        notes,
    })
}

fn parse_compact_jwe(raw: &str, h: &str) -> Result<ParsedToken, TokenError> {
    let header = decode_header(h)?;
    let params = HeaderParams::from_header(&header);
    if params.alg.is_none() {
        return Err(TokenError::MissingAlg);
    }
    let mut notes = vec!["this is an encrypted token (JWE): only its protected header can be read; the content needs the recipient's private key".to_owned()];
    note_header(&params, &mut notes);
    Ok(ParsedToken {
        raw: raw.to_owned(),
        kind: TokenKind::Jwe,
        serialization: Serialization::Compact,
        payload: Payload::Encrypted,
        signatures: vec![SignatureBlock {
            protected_b64: h.to_owned(),
            header,
            params,
            signing_input: Vec::new(),
            signature_b64: String::new(),
        }],
        notes,
    })
}

/// Decodes a base64url header segment into a JSON object.
pub fn decode_header(h: &str) -> Result<Map<String, Value>, TokenError> {
    let bytes = b64::decode_url(h).map_err(|e| TokenError::InvalidBase64 {
        part: TokenPart::Header,
        detail: e.to_string(),
    })?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| TokenError::InvalidJson {
        part: TokenPart::Header,
        detail: e.to_string(),
    })?;
    match value {
        Value::Object(m) => Ok(m),
        _ => Err(TokenError::HeaderNotObject),
    }
}

/// Reads payload bytes as JSON, else text, else opaque bytes.
pub fn interpret_payload(bytes: &[u8]) -> Payload {
    if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        return Payload::Json(v);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Payload::Text(s.to_owned()),
        Err(_) => Payload::Binary { bytes: bytes.len() },
    }
}

fn note_header(params: &HeaderParams, notes: &mut Vec<String>) {
    if let Some(crit) = &params.crit {
        notes.push(format!(
            "the header marks {} as critical (\"crit\", RFC 7515 §4.1.11): a recipient that does not understand them must reject the token",
            crit.join(", ")
        ));
    }
    if params
        .cty
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("jwt"))
    {
        notes.push("\"cty\": \"JWT\" — the payload is itself a JWT (nested token)".to_owned());
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(p.primary().and_then(|s| s.params.kid.as_deref()), Some("k1"));
        assert_eq!(p.payload, Payload::Json(serde_json::json!({"sub":"x"})));
    }

    #[test]
    fn alg_none_any_case_is_unsecured() {
        let t = format!("{}.{}.", enc(r#"{"alg":"nOnE"}"#), enc("{}"));
        assert_eq!(parse_compact(&t).map(|p| p.kind), Ok(TokenKind::Unsecured));
    }

    #[test]
    fn jwe_reports_header_only() {
        let t = format!("{}.a.b.c.d", enc(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#));
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
}
