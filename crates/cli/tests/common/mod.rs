//! Support shared by the CLI's integration tests: the binary under test and reading its output.
#![allow(dead_code)] // each test binary uses a different part

use assert_cmd::Command;
use serde_json::Value;

/// The `keyhole` binary cargo built for these tests.
pub fn keyhole() -> Command {
    match Command::cargo_bin("keyhole") {
        Ok(c) => c,
        Err(e) => unreachable!("the keyhole binary is built by cargo test: {e}"),
    }
}

/// The report (or other JSON) a run printed on stdout.
pub fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"))
}

/// Asserts a run's exit status, showing what it said on stderr when it differs.
pub fn assert_status(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
