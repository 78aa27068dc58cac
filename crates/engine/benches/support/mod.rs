//! Shared by the engine's criterion benchmarks: quick mode and the benchmark inputs.
//!
//! Quick mode runs each benchmark once on tiny input, so the test command keeps every benchmark
//! compiling and running without timing anything. It is on under `cargo test` (criterion runs
//! benchmarks once when cargo does not pass `--bench`), under `cargo bench -- --test`, and with
//! `KEYHOLE_BENCH_QUICK=1`. Full mode reads the 10,000-token cases that `bench/gen-case.mjs`
//! writes to `bench/out/` (or `$KEYHOLE_BENCH_CASE_DIR`).

#![allow(dead_code)] // each benchmark binary uses a different part

use std::path::PathBuf;

use keyhole_engine::CaseFile;

/// True unless this is a real benchmark run (`cargo bench` passes `--bench`; `--test` asks
/// criterion to run each benchmark once).
pub fn quick() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench")
        || args.iter().any(|a| a == "--test")
        || std::env::var("KEYHOLE_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The golden sample cases: small, always present, realistic.
pub const GOLDEN: [(&str, &str); 4] = [
    ("clean", include_str!("../../golden/cases/clean.json")),
    (
        "cross-cloud",
        include_str!("../../golden/cases/cross-cloud.json"),
    ),
    (
        "header-key-attack",
        include_str!("../../golden/cases/header-key-attack.json"),
    ),
    (
        "storm-0558",
        include_str!("../../golden/cases/storm-0558.json"),
    ),
];

fn read_case(text: &str, what: &str) -> CaseFile {
    CaseFile::from_json(text).unwrap_or_else(|e| unreachable!("{what}: {e}"))
}

/// One case holding the tokens and key sets of every golden case (their `now` is the same).
pub fn golden_case() -> CaseFile {
    let mut all = CaseFile::default();
    for (name, text) in GOLDEN {
        let case = read_case(text, name);
        all.now = all.now.or(case.now);
        all.key_sets.extend(case.key_sets);
        all.tokens.extend(case.tokens);
    }
    all
}

/// Where the generated benchmark cases live.
pub fn case_dir() -> PathBuf {
    std::env::var_os("KEYHOLE_BENCH_CASE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/out")))
}

/// A generated case (`rs256-10k`, `mix-10k`) as (JSON text, parsed case); in quick mode, or when
/// the file is missing, the golden cases instead (with a note saying so).
pub fn batch_case(name: &str) -> (String, CaseFile, bool) {
    let path = case_dir().join(format!("{name}.json"));
    if !quick() {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let case = read_case(&text, name);
                return (text, case, true);
            }
            Err(e) => eprintln!(
                "note: {} not readable ({e}); benchmarking the golden cases instead. Run `node bench/gen-case.mjs` (scripts/bench does).",
                path.display()
            ),
        }
    }
    let case = golden_case();
    let text = serde_json::to_string(&case).unwrap_or_else(|e| unreachable!("{e}"));
    (text, case, false)
}
