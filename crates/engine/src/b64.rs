//! Base64 helpers. JOSE uses unpadded base64url (RFC 7515 §2); we accept it strictly so that two
//! different strings never decode to the same bytes, and say exactly where decoding failed.
//! Also lowercase hex, the form fingerprints and thumbprints are shown in.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

/// Decodes strict unpadded base64url (RFC 7515 §2, Appendix C).
pub fn decode_url(input: &str) -> Result<Vec<u8>, base64::DecodeError> {
    URL_SAFE_NO_PAD.decode(input)
}

/// Encodes bytes as unpadded base64url.
pub fn encode_url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Lowercase hex: every token's fingerprint goes through this, so no per-byte formatting.
pub fn hex_lower(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

/// Decodes standard base64 (with padding), as used by `x5c` (RFC 7517 §4.7) and PEM bodies.
pub fn decode_std(input: &str) -> Result<Vec<u8>, base64::DecodeError> {
    STANDARD.decode(input)
}

/// Encodes bytes as padded standard base64.
pub fn encode_std(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}
