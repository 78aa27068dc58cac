//! The committed catalogue of published signing keys (crates/engine/catalogue/keys.json) is
//! exactly what tools/catalogue/generate.py makes of ../shared/fixtures (skipped, saying so,
//! when ../shared is absent), and it reads.
#![cfg(test)]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;
use std::process::Command;

const COMMITTED: &str = include_str!("../catalogue/keys.json");

#[test]
fn catalogue_is_the_generator_output() {
    let Some(fixtures) = common::fixture("fixtures") else {
        return;
    };
    let shared = fixtures.parent().unwrap_or(&fixtures).to_path_buf();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new("python3")
        .arg(root.join("tools/catalogue/generate.py"))
        .arg("--shared")
        .arg(&shared)
        .arg("--stdout")
        .output()
        .unwrap_or_else(|e| panic!("python3 runs the generator: {e}"));
    assert!(
        out.status.success(),
        "generate.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).unwrap();
    assert!(
        generated == COMMITTED,
        "crates/engine/catalogue/keys.json differs from what tools/catalogue/generate.py makes of \
         {}: run `python3 tools/catalogue/generate.py` and commit the result",
        shared.display()
    );
}

#[test]
fn committed_catalogue_reads() {
    let c = keyhole_engine::catalogue::Catalogue::from_json(COMMITTED).unwrap();
    assert!(c.keys.len() > 250, "{}", c.keys.len());
    assert_eq!(c.published_up_to(), "2026-07");
}
