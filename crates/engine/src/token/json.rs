//! JWS JSON serialization (RFC 7515 §7.2), general and flattened.

use super::*;

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
