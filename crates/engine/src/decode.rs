//! Decoding for display: header and payload of one token, as JSON values, without verifying.
//! This is the engine's first and simplest service; the full analysis builds on the same parser.

use serde::Serialize;
use serde_json::Value;

use crate::error::TokenError;
use crate::token::{self, Payload, TokenKind};

/// The readable parts of a token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedToken {
    pub kind: TokenKind,
    pub header: Value,
    pub payload: Payload,
    pub notes: Vec<crate::found::Note>,
}

/// Decodes one token (compact or JWS JSON serialization) without verifying its signature.
pub fn decode_token(text: &str) -> Result<DecodedToken, TokenError> {
    let parsed = token::parse_token(text)?;
    let header = parsed
        .primary()
        .map(|s| Value::Object(s.header.clone()))
        .unwrap_or(Value::Null);
    Ok(DecodedToken {
        kind: parsed.kind,
        header,
        payload: parsed.payload,
        notes: parsed.notes,
    })
}

/// Renders a JSON value with two-space indentation for people to read.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}
