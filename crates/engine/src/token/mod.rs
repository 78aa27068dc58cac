//! Parsed tokens: compact JWS (RFC 7515 §7.1), JWS JSON serialization, flattened and general
//! (RFC 7515 §7.2), JWE compact (RFC 7516 §7.1, protected header only) and unsecured JWTs
//! (`alg: none` in any letter case). Everything in a header is untrusted metadata: it is kept
//! visible for the analyst and never used to choose a key by itself.
//!
//! Rules, in the order they are applied by [`parse_token`]:
//! 1. Size first: text over [`limits::MAX_TOKEN_BYTES`] is refused before anything is decoded.
//! 2. Text starting with `{` is a JWS JSON serialization; anything else is compact.
//! 3. JSON nesting deeper than [`limits::MAX_JSON_DEPTH`] (header, payload or the whole JSON
//!    serialization) is refused with [`TokenError::JsonTooDeep`] before serde_json sees it.
//! 4. Each signature's signing input is `BASE64URL(protected) '.' payload` where `payload` is the
//!    payload exactly as transmitted: base64url text normally, the raw bytes when the protected
//!    header sets `"b64": false` (RFC 7797 §3). A detached payload (RFC 7515 Appendix F) leaves
//!    the payload part empty; [`SignatureBlock::signing_input_for`] rebuilds it once the analyst
//!    supplies the content.
//! 5. Base64url is decoded strictly, except that `=` padding at the end of a compact segment is
//!    read with a note (JOSE forbids it, some issuers emit it); the signing input keeps the
//!    segment as transmitted.
//! 6. Unusual or suspicious constructs (`crit` and its misuse, `b64: false`, `cty: JWT` with a
//!    description of the inner token, `alg: none` with a signature, a mix of unsecured and
//!    signed signatures, `crit`/`b64` in an unprotected header) become notes, not errors:
//!    deciding to reject is the verifier's job.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::b64;
use crate::error::{TokenError, TokenPart};
use crate::found::{Note, NoteCode};
use crate::limits;

mod compact;
mod json;
#[cfg(test)]
mod tests;

pub use compact::{parse_compact, truncated_parts};
pub use json::parse_json_serialization;

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

    /// True when the payload is unencoded: `"b64": false` *and* `crit` lists `b64`. RFC 7797 §6
    /// requires both; a `b64: false` that `crit` does not list is ignored and the payload read
    /// as base64url, as panva/jose does, so that two tools cannot read one token two ways.
    pub fn unencoded_payload(&self) -> bool {
        self.b64 == Some(false)
            && self
                .crit
                .as_ref()
                .is_some_and(|c| c.iter().any(|n| n == "b64"))
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

impl SignatureBlock {
    /// The signing input for detached content (RFC 7515 Appendix F): `payload` is the content
    /// exactly as it would have been transmitted (base64url text, or the raw bytes when the
    /// protected header sets `"b64": false`).
    pub fn signing_input_for(&self, payload: &[u8]) -> Vec<u8> {
        signing_input(&self.protected_b64, payload)
    }
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
    pub notes: Vec<Note>,
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

/// Parses a token in any supported form: compact JWS, JWE or unsecured, or a JWS JSON
/// serialization (flattened or general). This is the entry point for anything an analyst pastes
/// as "one token"; [`crate::extract`] finds tokens inside larger text.
pub fn parse_token(text: &str) -> Result<ParsedToken, TokenError> {
    let raw = checked_raw(text)?;
    if raw.starts_with('{') {
        parse_json_serialization(raw)
    } else {
        parse_compact(raw)
    }
}

/// Trims, then refuses empty and over-limit input before any decoding.
fn checked_raw(text: &str) -> Result<&str, TokenError> {
    if text.len() > limits::MAX_TOKEN_BYTES {
        return Err(TokenError::TooLarge {
            bytes: text.len(),
            limit: limits::MAX_TOKEN_BYTES,
        });
    }
    let raw = text.trim();
    if raw.is_empty() {
        return Err(TokenError::Empty);
    }
    Ok(raw)
}

fn check_signature_b64(s: &str) -> Result<(), TokenError> {
    if !s.is_empty() {
        b64::decode_url(s).map_err(|e| TokenError::InvalidBase64 {
            part: TokenPart::Signature,
            detail: e.to_string(),
        })?;
    }
    Ok(())
}

/// `ASCII(protected) || '.' || payload` (RFC 7515 §5.2; RFC 7797 §3 for raw payload bytes).
fn signing_input(protected_b64: &str, payload: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(protected_b64.len() + 1 + payload.len());
    input.extend_from_slice(protected_b64.as_bytes());
    input.push(b'.');
    input.extend_from_slice(payload);
    input
}

/// Decodes a base64url header segment into a JSON object.
pub fn decode_header(h: &str) -> Result<Map<String, Value>, TokenError> {
    let bytes = b64::decode_url(h).map_err(|e| TokenError::InvalidBase64 {
        part: TokenPart::Header,
        detail: e.to_string(),
    })?;
    if json_depth_exceeds(&bytes, limits::MAX_JSON_DEPTH) {
        return Err(TokenError::JsonTooDeep {
            part: TokenPart::Header,
            limit: limits::MAX_JSON_DEPTH,
        });
    }
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

/// Like [`interpret_payload`], but refuses JSON nested deeper than [`limits::MAX_JSON_DEPTH`]
/// with a typed error instead of quietly showing it as text.
pub fn read_payload(bytes: &[u8]) -> Result<Payload, TokenError> {
    if json_depth_exceeds(bytes, limits::MAX_JSON_DEPTH) {
        return Err(TokenError::JsonTooDeep {
            part: TokenPart::Payload,
            limit: limits::MAX_JSON_DEPTH,
        });
    }
    Ok(interpret_payload(bytes))
}

/// True when `bytes`, read as JSON, opens more than `limit` arrays/objects at once. Strings
/// (with their escapes) are skipped so brackets inside them do not count. Linear and
/// allocation-free, so it can run before serde_json on hostile input; strings, most of a case
/// file or a token's payload, are skipped with `memchr` rather than byte by byte (this scan
/// ran over every case file and payload and was 4 % of the page's time on 10,000 tokens).
pub fn json_depth_exceeds(bytes: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            b'"' => loop {
                let rest = bytes.get(i..).unwrap_or_default();
                match memchr::memchr2(b'"', b'\\', rest) {
                    // A backslash escapes the byte after it, whatever it is.
                    Some(at) if rest.get(at) == Some(&b'\\') => i += at + 2,
                    Some(at) => {
                        i += at + 1;
                        break;
                    }
                    // An unterminated string: nothing after it opens anything.
                    None => return false,
                }
            },
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

/// Header parameters defined by RFC 7515/7516/7518, which `crit` must not list (RFC 7515
/// §4.1.11).
pub(crate) const REGISTERED_HEADER_PARAMS: [&str; 21] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c", "b64",
];

fn note_header(header: &Map<String, Value>, params: &HeaderParams, notes: &mut Vec<Note>) {
    if let Some(crit) = &params.crit {
        notes.push(Note::new(NoteCode::Crit, format!(
            "the header marks {} as critical (\"crit\", RFC 7515 §4.1.11): a recipient that does not understand them must reject the token",
            crit.join(", ")
        )));
        if crit.is_empty() {
            notes.push(Note::new(
                NoteCode::Crit,
                "\"crit\" is an empty list, which RFC 7515 §4.1.11 forbids",
            ));
        }
        for name in crit {
            if !header.contains_key(name) {
                notes.push(Note::new(NoteCode::Crit, format!("\"crit\" lists \"{name}\" but the header does not contain it (RFC 7515 §4.1.11: the token must be rejected)")));
            }
            // `b64` is registered by RFC 7797 precisely to be listed in `crit`.
            if name != "b64" && REGISTERED_HEADER_PARAMS.contains(&name.as_str()) {
                notes.push(Note::new(NoteCode::Crit, format!("\"crit\" lists the standard parameter \"{name}\", which RFC 7515 §4.1.11 forbids")));
            }
        }
    }
    if header
        .get("crit")
        .is_some_and(|c| !c.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
    {
        notes.push(Note::new(
            NoteCode::Crit,
            "\"crit\" is not a list of names (RFC 7515 §4.1.11): the token must be rejected",
        ));
    }
    if params.b64 == Some(false) {
        notes.push(Note::new(
            NoteCode::UnencodedPayload,
            "the header sets \"b64\": false (RFC 7797): the payload is not base64url-encoded and the signing input uses its raw bytes",
        ));
        let listed = params
            .crit
            .as_ref()
            .is_some_and(|c| c.iter().any(|n| n == "b64"));
        if !listed {
            notes.push(Note::new(NoteCode::UnencodedPayload, "\"b64\" is not listed in \"crit\" (RFC 7797 §6 requires it), so \"b64\": false is ignored and the payload is read as base64url, as panva/jose reads it"));
        }
    }
    if params
        .cty
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("jwt"))
    {
        notes.push(Note::new(
            NoteCode::NestedToken,
            "\"cty\": \"JWT\" — the payload is itself a JWT (nested token)",
        ));
    }
}

/// For `cty: JWT`, says what the inner token is (from its header only: no recursion, so a
/// token nested many times costs one level of work).
fn note_nested(params: &HeaderParams, payload: &Payload, notes: &mut Vec<Note>) {
    let nested = params
        .cty
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("jwt"));
    if !nested {
        return;
    }
    let Payload::Text(inner) = payload else {
        notes.push(Note::new(
            NoteCode::NestedToken,
            "the payload should be a nested JWT but is not compact token text",
        ));
        return;
    };
    let segments: Vec<&str> = inner.trim().split('.').collect();
    let header = segments
        .first()
        .map(|h| decode_header(h.trim_end_matches('=')));
    match (segments.len(), header) {
        (3 | 5, Some(Ok(h))) => {
            let alg = h.get("alg").and_then(Value::as_str).unwrap_or("?");
            let what = if segments.len() == 5 {
                "an encrypted JWE"
            } else {
                "a JWS"
            };
            notes.push(Note::new(NoteCode::NestedToken, format!(
                "the nested token is {what} with \"alg\": \"{alg}\"; paste the payload to inspect it"
            )));
        }
        (3 | 5, Some(Err(e))) => notes.push(Note::new(
            NoteCode::NestedToken,
            format!("the payload should be a nested JWT, but {e}"),
        )),
        (n, _) => notes.push(Note::new(
            NoteCode::NestedToken,
            format!("the payload should be a nested JWT, but it has {n} dot-separated parts"),
        )),
    }
}

fn note_signature(params: &HeaderParams, signature_b64: &str, notes: &mut Vec<Note>) {
    if params.is_unsecured() && !signature_b64.is_empty() {
        notes.push(Note::new(NoteCode::UnsecuredWithSignature, "\"alg\" is \"none\" yet a signature is present (RFC 7518 §3.6 requires it to be empty)"));
    }
}
