//! Batch benchmarks over 10,000 tokens (issue 7), stage by stage and whole:
//! - `case-json`: reading the case file (serde_json) — what the CLI and the worker do first;
//! - `parse`: decoding every token;
//! - `judge`: judging every token and building the key-usage matrix, signatures already checked
//!   (the engine's own work, without crypto);
//! - `analyze`: `analyze_with_reference`, everything (RS256 batch and the RS256/ES256/invalid mix).
//!
//! Input: `bench/out/{rs256,mix}-10k.json` from `bench/gen-case.mjs`; in quick mode the golden cases.

#[cfg(not(target_arch = "wasm32"))]
mod support;

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use std::time::Duration;

    use criterion::{Criterion, Throughput};
    use keyhole_engine::judge::{self, JudgeOptions};
    use keyhole_engine::keys::KeyEntry;
    use keyhole_engine::report::TokenReport;
    use keyhole_engine::verify::{self, JsonWebTokenVerifier, Verification};
    use keyhole_engine::{analyze_with_reference, token, AnalyzeOptions, CaseFile};

    use super::support;

    /// The fixed analysis time when a case has none.
    const NOW: i64 = 1_793_534_400;

    pub fn benches() {
        let quick = support::quick();
        let mut c = Criterion::default().configure_from_args();
        for name in ["rs256-10k", "mix-10k"] {
            let (text, case, generated) = support::batch_case(name);
            let label = if generated { name } else { "golden" };
            let n = case.tokens.len() as u64;
            let mut group = c.benchmark_group(format!("batch/{label}"));
            group.sample_size(10);
            if !quick {
                group.measurement_time(Duration::from_secs(20));
            }
            group.throughput(Throughput::Elements(n));

            group.bench_function("case-json", |b| {
                b.iter(|| CaseFile::from_json(std::hint::black_box(&text)).map(|c| c.tokens.len()))
            });
            group.bench_function("parse", |b| {
                b.iter(|| {
                    case.tokens
                        .iter()
                        .filter(|t| token::parse_token(t).is_ok())
                        .count()
                })
            });

            // Judgement alone: tokens parsed and signatures checked once, outside the timing.
            let analysis = keyhole_engine::Analysis::new(&case, &AnalyzeOptions::at(NOW));
            let sets = analysis.key_sets();
            let trusted: Vec<&KeyEntry> = sets.iter().flat_map(|s| s.keys.iter()).collect();
            let now = case.now.unwrap_or(NOW);
            let options = JudgeOptions {
                now,
                weak_secrets: &[],
                public_secrets: &[],
            };
            let checked: Vec<(token::ParsedToken, Verification)> = case
                .tokens
                .iter()
                .filter_map(|t| token::parse_token(t).ok())
                .map(|parsed| {
                    let verification = match parsed.primary() {
                        Some(block) => {
                            verify::verify_signature(block, &trusted, &JsonWebTokenVerifier)
                        }
                        None => Verification::Unsecured,
                    };
                    (parsed, verification)
                })
                .collect();
            group.bench_function("judge", |b| {
                b.iter(|| {
                    let reports: Vec<TokenReport> = checked
                        .iter()
                        .enumerate()
                        .map(|(i, (parsed, verification))| {
                            let judgement =
                                judge::judge_token(parsed, verification, sets, &options);
                            TokenReport::judged(i, parsed, judgement, None)
                        })
                        .collect();
                    judge::key_usage(sets, &reports).len()
                })
            });

            group.bench_function("analyze", |b| {
                b.iter(|| {
                    analyze_with_reference(std::hint::black_box(&case), &AnalyzeOptions::at(NOW))
                        .summary
                        .tokens
                })
            });
            group.finish();
            if !generated {
                break; // both names fall back to the same golden cases: once is enough
            }
        }
        c.final_summary();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    bench::benches();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
