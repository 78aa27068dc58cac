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

/// Writes a test input file whole or not at all. Tests run in parallel and several write the
/// same file (the same golden case's keys, say): a plain write truncates it first, so another
/// test reading it at that moment saw an empty file (CI failed once on exactly that). Writing a
/// private file and renaming it over the target gives readers the old or the new content only.
pub fn write_file(path: impl AsRef<std::path::Path>, content: impl AsRef<[u8]>) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let path = path.as_ref();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut private = path.as_os_str().to_owned();
    private.push(format!(".{}-{n}.part", std::process::id()));
    std::fs::write(&private, content).unwrap();
    std::fs::rename(&private, path).unwrap();
}
