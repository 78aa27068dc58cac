//! The only place that knows about browser APIs beyond rendering: the clock, files, downloads,
//! the on-demand modules (reference verifier, document rendering), the extraction worker and giving the browser its turn (the error screen for a trap is www/boot.js). Everything else in the app is plain Rust.

pub mod analysis;
pub mod catalogue;
pub mod clock;
pub mod documents;
pub mod download;
pub mod files;
pub mod on_demand;
pub mod rust_verifier;
pub mod tasks;
pub mod triage;
pub mod verification;
/// WebCrypto as a batch verifier (its own crate: the fallback verifier module answers the
/// conformance diagnostics with the same code).
pub use keyhole_webcrypto as webcrypto;
pub mod worker;
