//! Typed errors. Each message names the input, what is wrong and where, so an analyst can act.

use std::fmt;

/// Which part of a compact token a problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPart {
    Header,
    Payload,
    Signature,
    EncryptedKey,
    Iv,
    Ciphertext,
    Tag,
}

impl fmt::Display for TokenPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            TokenPart::Header => "header",
            TokenPart::Payload => "payload",
            TokenPart::Signature => "signature",
            TokenPart::EncryptedKey => "encrypted key",
            TokenPart::Iv => "initialisation vector",
            TokenPart::Ciphertext => "ciphertext",
            TokenPart::Tag => "authentication tag",
        };
        f.write_str(s)
    }
}

/// Why a piece of text is not a token the engine can read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenError {
    Empty,
    TooLarge {
        bytes: usize,
        limit: usize,
    },
    WrongSegmentCount {
        found: usize,
    },
    InvalidBase64 {
        part: TokenPart,
        detail: String,
    },
    InvalidJson {
        part: TokenPart,
        detail: String,
    },
    HeaderNotObject,
    MissingAlg,
    InvalidJsonSerialization {
        detail: String,
    },
    JsonTooDeep {
        part: TokenPart,
        limit: usize,
    },
    /// A token cut short: its header reads, but it ends inside `part`, with `found` of the
    /// `expected` dot-separated parts, after `length` characters.
    Truncated {
        part: TokenPart,
        found: usize,
        expected: usize,
        length: usize,
    },
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Empty => write!(f, "the token is empty"),
            TokenError::TooLarge { bytes, limit } => write!(
                f,
                "the token is {bytes} bytes, over Keyhole's {limit}-byte limit for one token (a claim of about 800 KB or more); it is listed but not decoded: to read it, base64url-decode its parts with a general-purpose tool; to analyse it, remove the oversized claim if you made the token"
            ),
            TokenError::WrongSegmentCount { found } => write!(
                f,
                "a compact token has 3 dot-separated parts (JWS) or 5 (JWE), this one has {found}"
            ),
            TokenError::InvalidBase64 { part, detail } => write!(
                f,
                "the {part} is not valid unpadded base64url ({detail}); check for truncation or stray characters"
            ),
            TokenError::InvalidJson { part, detail } => {
                write!(f, "the {part} does not decode to valid JSON ({detail})")
            }
            TokenError::HeaderNotObject => write!(f, "the header is JSON but not an object"),
            TokenError::MissingAlg => write!(f, "the header has no \"alg\" (RFC 7515 §4.1.1 requires one)"),
            TokenError::InvalidJsonSerialization { detail } => {
                write!(f, "not a valid JWS JSON serialization: {detail}")
            }
            TokenError::Truncated {
                part,
                found,
                expected,
                length,
            } => write!(
                f,
                "the token was cut off: it ends after {length} characters, inside its {part}, with {found} of the {expected} dot-separated parts its header calls for (a log's line-length limit or an incomplete copy); its header, and its payload up to the cut, are in the token's details"
            ),
            TokenError::JsonTooDeep { part, limit } => write!(
                f,
                "the {part} nests JSON objects or arrays deeper than {limit} levels; this is refused as hostile input"
            ),
        }
    }
}

impl std::error::Error for TokenError {}
