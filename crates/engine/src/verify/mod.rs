//! Signature verification behind one interface, so that the browser may answer with WebCrypto
//! while `jsonwebtoken` stays the native reference. No verdict may depend on which one answered:
//! every verifier runs the same conformance suites.

use serde::Serialize;

use crate::keys::KeyMaterial;

mod alg;
mod answers;
mod check;
mod fit;
#[cfg(feature = "rust-crypto")]
mod jsonwebtoken_verifier;
pub mod remote;
mod select;

pub use answers::RecordedAnswers;
pub use check::{
    conclude, hashed_nonce_header, plan_checks, verify_signature, verify_token, HashedNonceHeader,
    Plan, PlannedCheck,
};
pub use fit::{alg_fits_key, can_check, key_problems, KeyPolicyProblem, MIN_RSA_BITS};
#[cfg(feature = "rust-crypto")]
pub use jsonwebtoken_verifier::JsonWebTokenVerifier;
pub use select::select_keys;

/// JWS algorithms Keyhole knows about (RFC 7518 §3.1, RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum Alg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    ES256K,
    EdDSA,
}

/// Why a verifier could not answer yes or no.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VerifyError {
    /// This verifier does not implement the algorithm (e.g. ES512 in jsonwebtoken).
    UnsupportedAlgorithm { alg: String },
    /// The key material is unusable for this algorithm (e.g. malformed point).
    BadKey { detail: String },
}

/// "Does this signature verify with this key and algorithm?" — the only question a verifier
/// answers. Key selection and the algorithm-fits-key check happen before, in the engine.
pub trait SignatureVerifier {
    /// A short name shown to the analyst ("jsonwebtoken", "webcrypto").
    fn name(&self) -> &'static str;
    /// `Ok(true)` verified, `Ok(false)` signature invalid, `Err` could not check.
    fn verify(
        &self,
        alg: Alg,
        key: &KeyMaterial,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, VerifyError>;
}

/// How the trusted key for a token was chosen (recorded in the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The header's `kid` equals the key's `kid`.
    Kid,
    /// The header's `x5t` equals the key's `x5t` (or its certificate's SHA-1 thumbprint).
    X5t,
    /// The header's `x5t#S256` equals the key's `x5t#S256` (or its certificate's SHA-256).
    X5tS256,
    /// The header named no key; every compatible trusted key was tried.
    Trial,
}

/// The outcome of checking one token's signature against the trusted keys. Exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Verification {
    /// A trusted key verified the signature (possibly a key the policy distrusts: the judgement
    /// says so). Every candidate is checked; `key_id` is the first in id order and
    /// `also_verified` the others (the same key published in several sets, usually).
    Verified {
        key_id: String,
        matched_by: MatchedBy,
        verifier: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        also_verified: Vec<String>,
        /// Candidate keys that were tried and did not verify it.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        not_verified: Vec<String>,
        /// The signature verifies only over the hashed-nonce form of the header.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        hashed_nonce: bool,
    },
    /// Matching keys were found, the algorithm fits, but no signature verified.
    SignatureInvalid {
        key_ids: Vec<String>,
        matched_by: MatchedBy,
        verifier: String,
    },
    /// No trusted key matches the header's kid/x5t, or (trial) no compatible key exists.
    NoMatchingKey { detail: String },
    /// The named key exists but cannot check this algorithm at all (key type or curve), or
    /// the verifier could not use it.
    AlgorithmDoesNotFitKey {
        key_id: String,
        reason: String,
        problem: Option<KeyPolicyProblem>,
    },
    /// The payload segment is empty and no key verifies the empty payload: the content the
    /// issuer signed is detached (RFC 7515 Appendix F, RFC 7797 §4.2) and not here.
    DetachedPayload,
    /// The algorithm is unknown or not implemented by the verifier.
    UnsupportedAlgorithm { alg: String },
    /// `alg: none`: nothing to verify.
    Unsecured,
    /// JWE: the content is encrypted, there is no signature to check.
    Encrypted,
}
