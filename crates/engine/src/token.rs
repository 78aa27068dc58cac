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

/// Parses a token in compact serialization (JWS, JWE or unsecured).
pub fn parse_compact(text: &str) -> Result<ParsedToken, TokenError> {
    let raw = checked_raw(text)?;
    let parts: Vec<&str> = raw.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => parse_compact_jws(raw, h, p, s),
        [h, k, iv, c, t] => parse_compact_jwe(raw, h, [k, iv, c, t]),
        other => Err(TokenError::WrongSegmentCount { found: other.len() }),
    }
}

fn parse_compact_jws(raw: &str, h: &str, p: &str, s: &str) -> Result<ParsedToken, TokenError> {
    let mut notes = Vec::new();
    let header = decode_header(strip_padding(h, TokenPart::Header, &mut notes)?)?;
    let params = HeaderParams::from_header(&header);
    if params.alg.is_none() {
        return Err(TokenError::MissingAlg);
    }
    let unencoded = params.unencoded_payload();
    let payload = if p.is_empty() {
        Payload::Detached
    } else if unencoded {
        read_payload(p.as_bytes())?
    } else {
        let clean = strip_padding(p, TokenPart::Payload, &mut notes)?;
        let bytes = b64::decode_url(clean).map_err(|e| TokenError::InvalidBase64 {
            part: TokenPart::Payload,
            detail: e.to_string(),
        })?;
        read_payload(&bytes)?
    };
    let s = strip_padding(s, TokenPart::Signature, &mut notes)?;
    check_signature_b64(s)?;
    note_header(&header, &params, &mut notes);
    note_signature(&params, s, &mut notes);
    note_nested(&params, &payload, &mut notes);
    let kind = if params.is_unsecured() {
        TokenKind::Unsecured
    } else {
        TokenKind::Jws
    };
    Ok(ParsedToken {
        raw: raw.to_owned(),
        kind,
        serialization: Serialization::Compact,
        payload,
        signatures: vec![SignatureBlock {
            protected_b64: h.to_owned(),
            header,
            params,
            signing_input: signing_input(h, p.as_bytes()),
            signature_b64: s.to_owned(),
        }],
        notes,
    })
}

/// Removes `=` padding from a compact segment, noting it. JOSE forbids padding (RFC 7515 §2),
/// but some issuers emit it (one of Microsoft's documentation sample ID tokens has a padded
/// payload), so it is read and reported rather than refused. The signing input keeps the
/// segment as transmitted, since that is what was signed.
fn strip_padding<'a>(
    segment: &'a str,
    part: TokenPart,
    notes: &mut Vec<Note>,
) -> Result<&'a str, TokenError> {
    let clean = segment.trim_end_matches('=');
    let padding = segment.len() - clean.len();
    if padding == 0 {
        return Ok(segment);
    }
    if padding > 2 || !segment.len().is_multiple_of(4) {
        return Err(TokenError::InvalidBase64 {
            part,
            detail: format!("{padding} trailing '=' do not form valid base64 padding"),
        });
    }
    notes.push(Note::new(NoteCode::PaddedSegment, format!(
        "the {part} ends in '=' padding, which JOSE's base64url forbids (RFC 7515 §2); it was read without the padding, and the signing input keeps it as transmitted"
    )));
    Ok(clean)
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

fn parse_compact_jwe(raw: &str, h: &str, rest: [&&str; 4]) -> Result<ParsedToken, TokenError> {
    let mut notes = Vec::new();
    let header = decode_header(strip_padding(h, TokenPart::Header, &mut notes)?)?;
    let params = HeaderParams::from_header(&header);
    if params.alg.is_none() {
        return Err(TokenError::MissingAlg);
    }
    let parts = [
        TokenPart::EncryptedKey,
        TokenPart::Iv,
        TokenPart::Ciphertext,
        TokenPart::Tag,
    ];
    for (segment, part) in rest.iter().zip(parts) {
        b64::decode_url(strip_padding(segment, part, &mut notes)?).map_err(|e| {
            TokenError::InvalidBase64 {
                part,
                detail: e.to_string(),
            }
        })?;
    }
    notes.insert(0, Note::new(NoteCode::Encrypted, "this is an encrypted token (JWE): only its protected header can be read; the content needs the recipient's private key"));
    if params.enc.is_none() {
        notes.push(Note::new(
            NoteCode::JweHeader,
            "the JWE header has no \"enc\" (RFC 7516 §4.1.2 requires one): no recipient can decrypt it",
        ));
    }
    note_header(&header, &params, &mut notes);
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

/// Parses a JWS JSON serialization (RFC 7515 §7.2): general (`signatures` array) or flattened
/// (`protected`/`header`/`signature` at the top level). Every signature becomes one
/// [`SignatureBlock`] with its own protected header, its unprotected `header` merged in and its
/// own signing input.
pub fn parse_json_serialization(text: &str) -> Result<ParsedToken, TokenError> {
    let raw = checked_raw(text)?;
    let invalid = |detail: String| TokenError::InvalidJsonSerialization { detail };
    if json_depth_exceeds(raw.as_bytes(), limits::MAX_JSON_DEPTH) {
        return Err(invalid(format!(
            "the JSON nests deeper than {} levels",
            limits::MAX_JSON_DEPTH
        )));
    }
    let value: Value =
        serde_json::from_str(raw).map_err(|e| invalid(format!("it is not valid JSON ({e})")))?;
    let Value::Object(top) = value else {
        return Err(invalid("the top level is not a JSON object".into()));
    };
    if top.contains_key("ciphertext") {
        return Err(invalid(
            "this is a JWE JSON serialization (RFC 7516 §7.2), which Keyhole does not read; paste the compact form".into(),
        ));
    }
    let payload_member = match top.get("payload") {
        None => None,
        Some(Value::String(p)) => Some(p.as_str()),
        Some(_) => return Err(invalid("\"payload\" must be a string".into())),
    };
    let flat_members = ["protected", "header", "signature"];
    let (serialization, entries): (Serialization, Vec<SignatureEntry>) = match top.get("signatures")
    {
        Some(sigs) => {
            if let Some(m) = flat_members.iter().find(|m| top.contains_key(**m)) {
                return Err(invalid(format!(
                        "it has both \"signatures\" (general form) and a top-level \"{m}\" (flattened form)"
                    )));
            }
            let Value::Array(list) = sigs else {
                return Err(invalid("\"signatures\" must be an array".into()));
            };
            if list.is_empty() {
                return Err(invalid("\"signatures\" is empty".into()));
            }
            let mut entries = Vec::with_capacity(list.len());
            for (i, sig) in list.iter().enumerate() {
                let Value::Object(o) = sig else {
                    return Err(invalid(format!("signatures[{i}] is not an object")));
                };
                entries.push((format!("signatures[{i}]"), o));
            }
            (Serialization::JsonGeneral, entries)
        }
        None if top.contains_key("signature") => (
            Serialization::JsonFlattened,
            vec![("the top level".into(), &top)],
        ),
        None => {
            return Err(invalid(
                "it has neither \"signatures\" (general form) nor \"signature\" (flattened form)"
                    .into(),
            ))
        }
    };

    let general = serialization == Serialization::JsonGeneral;
    let mut notes = Vec::new();
    let mut signatures = Vec::with_capacity(entries.len());
    for (place, entry) in &entries {
        let block = json_signature_block(place, entry, payload_member)?;
        let prefix = if general {
            format!("{place}: ")
        } else {
            String::new()
        };
        let mut own = Vec::new();
        note_header(&block.header, &block.params, &mut own);
        note_signature(&block.params, &block.signature_b64, &mut own);
        if let Some(Value::Object(u)) = entry.get("header") {
            for name in ["crit", "b64"] {
                if u.contains_key(name) {
                    own.push(Note::new(NoteCode::JsonSerialization, format!(
                        "\"{name}\" is in the unprotected header; RFC 7515 §4.1.11 and RFC 7797 §3 require it to be integrity protected"
                    )));
                }
            }
        }
        notes.extend(own.into_iter().map(|n| Note {
            message: format!("{prefix}{}", n.message),
            ..n
        }));
        signatures.push(block);
    }

    // RFC 7797 §3: every signature must agree on whether the payload is base64url-encoded.
    let unencoded: Vec<bool> = signatures
        .iter()
        .map(|s| s.params.unencoded_payload())
        .collect();
    let any_unencoded = unencoded.iter().any(|u| *u);
    if any_unencoded && !unencoded.iter().all(|u| *u) {
        return Err(invalid(
            "the signatures disagree on \"b64\" (RFC 7797 §3 requires the same value in all of them), so the payload cannot be read".into(),
        ));
    }
    let payload = match payload_member {
        None => Payload::Detached,
        Some(p) if any_unencoded => read_payload(p.as_bytes())?,
        Some(p) => {
            let bytes = b64::decode_url(p).map_err(|e| {
                invalid(format!("\"payload\" is not valid unpadded base64url ({e})"))
            })?;
            read_payload(&bytes)?
        }
    };
    if let Some(first) = signatures.first() {
        note_nested(&first.params, &payload, &mut notes);
    }
    let unsecured = signatures
        .iter()
        .filter(|s| s.params.is_unsecured())
        .count();
    let kind = if unsecured == signatures.len() {
        TokenKind::Unsecured
    } else {
        if unsecured > 0 {
            notes.push(Note::new(
                NoteCode::JsonSerialization,
                format!(
                    "{unsecured} of {} signatures use \"alg\": \"none\": they protect nothing",
                    signatures.len()
                ),
            ));
        }
        TokenKind::Jws
    };
    Ok(ParsedToken {
        raw: raw.to_owned(),
        kind,
        serialization,
        payload,
        signatures,
        notes,
    })
}

/// One member of a JSON serialization that holds a signature, with a name for messages.
type SignatureEntry<'a> = (String, &'a Map<String, Value>);

/// Builds one signature block of a JSON serialization; `place` names it in error messages.
fn json_signature_block(
    place: &str,
    entry: &Map<String, Value>,
    payload: Option<&str>,
) -> Result<SignatureBlock, TokenError> {
    let invalid = |detail: String| TokenError::InvalidJsonSerialization {
        detail: format!("{place}: {detail}"),
    };
    let protected_b64 = match entry.get("protected") {
        None => None,
        Some(Value::String(p)) => Some(p.as_str()),
        Some(_) => return Err(invalid("\"protected\" must be a string".into())),
    };
    let protected = match protected_b64 {
        Some(p) => decode_header(p).map_err(|e| invalid(format!("\"protected\": {e}")))?,
        None => Map::new(),
    };
    let unprotected = match entry.get("header") {
        None => None,
        Some(Value::Object(u)) => Some(u),
        Some(_) => return Err(invalid("\"header\" must be a JSON object".into())),
    };
    if protected_b64.is_none() && unprotected.is_none() {
        return Err(invalid(
            "it has neither \"protected\" nor \"header\" (RFC 7515 §7.2.1 requires at least one)"
                .into(),
        ));
    }
    let mut header = protected.clone();
    if let Some(u) = unprotected {
        if let Some(dup) = u.keys().find(|k| protected.contains_key(*k)) {
            return Err(invalid(format!(
                "\"{dup}\" is in both the protected and the unprotected header (RFC 7515 §7.2.1 requires them to be disjoint)"
            )));
        }
        header.extend(u.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let mut params = HeaderParams::from_header(&header);
    // RFC 7797 §3: "b64" only counts when integrity protected.
    params.b64 = protected.get("b64").and_then(Value::as_bool);
    if params.alg.is_none() {
        return Err(invalid(
            "no \"alg\" in its headers (RFC 7515 §4.1.1 requires one)".into(),
        ));
    }
    let signature_b64 = match entry.get("signature") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(invalid("\"signature\" must be a string".into())),
        None => return Err(invalid("\"signature\" is missing".into())),
    };
    check_signature_b64(&signature_b64).map_err(|e| invalid(e.to_string()))?;
    let protected_b64 = protected_b64.unwrap_or_default().to_owned();
    let signing_input = signing_input(&protected_b64, payload.unwrap_or_default().as_bytes());
    Ok(SignatureBlock {
        protected_b64,
        header,
        params,
        signing_input,
        signature_b64,
    })
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
/// allocation-free, so it can run before serde_json on hostile input.
pub fn json_depth_exceeds(bytes: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
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
        assert!(
            json_error(r#"{"signatures":[{"signature":""}]}"#).contains("neither \"protected\"")
        );
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
        let t =
            parse_token(&format!("{h}.{p}.{}", enc("s"))).unwrap_or_else(|e| unreachable!("{e}"));
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
}
