//! The pure-Rust reference verifier (`jsonwebtoken`), which lives in a second wasm module
//! (`crates/rust-verifier`) so the app's main module carries no pure-Rust crypto; loaded on
//! first use through `keyholeRustVerifier` (see [`super::on_demand`]), it answers the engine's
//! JSON request (`verify::remote`).

use keyhole_engine::verify::{remote, PlannedCheck, VerifyError};

/// The reference verifier's answer to every check, in order. Errs when the module cannot be
/// loaded or answers something unreadable; the caller then reports the checks unverified.
pub async fn answer(checks: &[PlannedCheck]) -> Result<Vec<Result<bool, VerifyError>>, String> {
    let response =
        super::on_demand::call("keyholeRustVerifier", &remote::encode_checks(checks)).await?;
    remote::decode_answers(&response, checks.len())
}
