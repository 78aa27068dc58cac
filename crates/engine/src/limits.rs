//! Size limits, checked before any parsing so that hostile input costs little.

/// Largest single token accepted (bytes of its text form).
pub const MAX_TOKEN_BYTES: usize = 1024 * 1024 + 64 * 1024;
/// Largest key document accepted (bytes).
pub const MAX_KEY_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
/// Deepest JSON nesting accepted in a key document given as text (serde_json's own recursion
/// limit is 128; a JWKS needs 4 levels, an OpenID configuration about 3).
pub const MAX_KEY_DOCUMENT_DEPTH: usize = 64;
/// Largest free text scanned for tokens (bytes).
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;
/// Deepest JSON nesting accepted in a header or payload (serde_json refuses beyond 128 anyway).
pub const MAX_JSON_DEPTH: usize = 64;
