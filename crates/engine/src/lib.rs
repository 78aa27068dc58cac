//! Keyhole's engine: turns untrusted text (tokens, logs, HAR files, key documents) into typed,
//! verified facts and judges whether each token's signing key was allowed to sign for the tenant
//! and cloud the token claims.
//!
//! The engine is pure: no I/O, no clock (`now` is always an argument), no web dependencies. It
//! compiles natively and for `wasm32-unknown-unknown`, so the CLI, the web app and the tests all
//! share one implementation.
#![forbid(unsafe_code)]

pub mod analyze;
pub mod b64;
pub mod case;
pub mod catalogue;
pub mod claims;
pub mod decode;
pub mod error;
pub mod export;
pub mod extract;
pub mod found;
pub mod judge;
pub mod keys;
pub mod limits;
pub mod model;
pub mod policy;
pub mod render;
pub mod render_remote;
pub mod report;
pub mod samples;
mod small_sort;
pub mod time;
pub mod token;
pub mod triage;
pub mod verify;

#[cfg(feature = "rust-crypto")]
pub use analyze::analyze_with_reference;
pub use analyze::{analyze, analyze_with_progress, Analysis, AnalyzeOptions};
pub use case::CaseFile;
pub use decode::{decode_token, DecodedToken};
pub use error::TokenError;
pub use report::Report;
