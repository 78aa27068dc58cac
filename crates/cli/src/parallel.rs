//! Analysing a case's tokens on several threads. Signature checks are nearly all of a batch's
//! time, and each token's analysis only reads the trusted keys, so worker threads take small runs
//! of tokens from a shared queue and write each report into its slot. The engine's
//! [`PreparedCase`] does the per-token work, the same code its sequential `analyze` runs, so the
//! report is the same whatever the thread count; each token is parsed once.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use keyhole_engine::analyze::{PreparedCase, TokenInput};
use keyhole_engine::keys::KeyEntry;
use keyhole_engine::report::TokenReport;
use keyhole_engine::verify::JsonWebTokenVerifier;

/// Most tokens a worker takes at once: small enough that a thread slowed by other load on a
/// shared machine leaves the rest to the others, large enough that the queue's lock is cheap.
const MAX_RUN: usize = 64;

/// One run of consecutive tokens and the report slots they fill.
type Run<'s> = (usize, Vec<TokenInput>, &'s mut [Option<TokenReport>]);

/// The number of threads to use when the user did not say: every core the OS gives us.
pub fn default_threads() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// Analyses every input with the reference verifier (`jsonwebtoken`) on up to `threads`
/// threads; the reports come back in input order.
pub fn analyze_tokens(
    prepared: &PreparedCase<'_>,
    inputs: Vec<TokenInput>,
    threads: NonZeroUsize,
) -> Vec<TokenReport> {
    let trusted = prepared.trusted();
    let threads = threads.get().min(inputs.len()).max(1);
    let mut slots: Vec<Option<TokenReport>> = Vec::new();
    slots.resize_with(inputs.len(), || None);
    // Runs shrink for small cases so that even a handful of tokens is spread over the threads.
    let run_len = (inputs.len() / (threads * 8)).clamp(1, MAX_RUN);
    let runs = Mutex::new(split_into_runs(inputs, &mut slots, run_len));
    let work = || work_through(&runs, prepared, &trusted);
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
            work();
            for worker in workers {
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        });
    }
    // Every slot was filled: each run is taken exactly once and fills all of its slots.
    // `map_while` collects in place (`flatten` would copy 10,000 reports of ~1 KB each).
    slots.into_iter().map_while(|slot| slot).collect()
}

/// Cuts the inputs into runs of `run_len`, each paired with its slots, last run first (workers
/// pop from the end, so they take the runs in case order).
fn split_into_runs(
    inputs: Vec<TokenInput>,
    slots: &mut [Option<TokenReport>],
    run_len: usize,
) -> Vec<Run<'_>> {
    let mut runs = Vec::with_capacity(slots.len().div_ceil(run_len));
    let mut inputs = inputs.into_iter();
    for (i, chunk) in slots.chunks_mut(run_len).enumerate() {
        let run: Vec<TokenInput> = inputs.by_ref().take(chunk.len()).collect();
        runs.push((i * run_len, run, chunk));
    }
    runs.reverse();
    runs
}

fn work_through(runs: &Mutex<Vec<Run<'_>>>, prepared: &PreparedCase<'_>, trusted: &[&KeyEntry]) {
    loop {
        let next = runs.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let Some((first, inputs, slots)) = next else {
            return;
        };
        for (offset, (input, slot)) in inputs.into_iter().zip(slots.iter_mut()).enumerate() {
            let report =
                prepared.analyze_token(first + offset, input, trusted, &JsonWebTokenVerifier);
            *slot = Some(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_input_once_in_order() {
        let inputs: Vec<TokenInput> = (0..10)
            .map(|i| TokenInput {
                text: format!("t{i}"),
                found_at: serde_json::Value::Null,
            })
            .collect();
        let mut slots: Vec<Option<TokenReport>> = Vec::new();
        slots.resize_with(10, || None);
        let mut runs = split_into_runs(inputs, &mut slots, 4);
        let mut seen = Vec::new();
        while let Some((first, inputs, slots)) = runs.pop() {
            assert_eq!(inputs.len(), slots.len());
            for (offset, input) in inputs.iter().enumerate() {
                assert_eq!(input.text, format!("t{}", first + offset));
                seen.push(first + offset);
            }
        }
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    }
}
