//! Compact serialization (RFC 7515 §7.1, RFC 7516 §7.1): JWS and unsecured tokens, and the
//! protected header of a JWE.

use super::*;

/// Parses a token in compact serialization (JWS, JWE or unsecured).
pub fn parse_compact(text: &str) -> Result<ParsedToken, TokenError> {
    let raw = checked_raw(text)?;
    let parts: Vec<&str> = raw.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => parse_compact_jws(raw, h, p, s),
        [h, k, iv, c, t] => parse_compact_jwe(raw, h, [k, iv, c, t]),
        other => {
            Err(truncation(raw, other)
                .unwrap_or(TokenError::WrongSegmentCount { found: other.len() }))
        }
    }
}

/// The parts a compact token has, from its header: 5 when it names `enc` (JWE), else 3.
fn parts_called_for(header: &Map<String, Value>) -> usize {
    if header.get("enc").is_some_and(Value::is_string) {
        5
    } else {
        3
    }
}

/// A JWS cut off inside its payload: two parts, the header reads (it names an `alg` and no
/// `enc`), the payload part is not empty. (A JWE cut short stays a wrong segment count.)
fn truncation(raw: &str, parts: &[&str]) -> Option<TokenError> {
    let [h, p] = parts else { return None };
    let header = decode_header(h.trim_end_matches('=')).ok()?;
    header.get("alg")?.as_str()?;
    if parts_called_for(&header) != 3 || p.is_empty() {
        return None;
    }
    Some(TokenError::Truncated {
        part: TokenPart::Payload,
        found: 2,
        expected: 3,
        length: raw.chars().count(),
    })
}

/// What a cut-off token still shows: its header, and its payload decoded up to where it was
/// cut (the longest prefix that is whole base64url, as text). None unless `text` is a
/// [`TokenError::Truncated`] JWS.
pub fn truncated_parts(text: &str) -> Option<(Map<String, Value>, String)> {
    let raw = checked_raw(text).ok()?;
    let parts: Vec<&str> = raw.split('.').collect();
    truncation(raw, &parts)?;
    let (h, p) = (parts.first()?, parts.get(1)?);
    let header = decode_header(h.trim_end_matches('=')).ok()?;
    // Base64url decodes in groups of 4 characters; a cut inside a group may leave 1–3 over.
    let whole = p.get(..p.len() - p.len() % 4).unwrap_or("");
    let bytes = b64::decode_url(p)
        .or_else(|_| b64::decode_url(whole))
        .unwrap_or_default();
    Some((header, String::from_utf8_lossy(&bytes).into_owned()))
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
