//! End-to-end tests of `keyhole decode` through the real binary.
#![cfg(test)]

mod common;

use common::keyhole;

const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

#[test]
fn decode_prints_header_and_payload_as_json() {
    let out = keyhole().args(["decode", TOKEN]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["header"]["alg"], "HS256");
    assert_eq!(v["payload"]["value"]["name"], "John Doe");
}

#[test]
fn decode_reads_stdin_with_dash() {
    let out = keyhole()
        .args(["decode", "-"])
        .write_stdin(format!("{TOKEN}\n"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["payload"]["value"]["sub"], "1234567890");
}

#[test]
fn decode_rejects_garbage_with_exit_2_and_a_message() {
    let out = keyhole().args(["decode", "not-a-token"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 dot-separated parts"), "{err}");
}
