//! Who answers the signature checks of an analysis, and how their answers are combined so that
//! no verdict depends on which one answered. WebCrypto answers every planned check (where it
//! exists). Which of its answers are final is the engine's decision
//! ([`policy::webcrypto_answer_is_final`]: "verified", and "not verified" for the algorithms
//! whose verification is one deterministic predicate, RSASSA-PKCS1-v1_5, ECDSA, HMAC). Every
//! other check — a "not verified" for RSA-PSS or EdDSA (where libraries differ in salt-length
//! and canonical-encoding policy), algorithms or keys WebCrypto refused, or every check where
//! WebCrypto is missing — goes to the reference verifier (`jsonwebtoken`, loaded on demand as a
//! second module), whose answers are final. `e2e/conformance.mjs` puts the conformance suites'
//! checks (RFC 7515/7520, Wycheproof; valid and invalid) to WebCrypto and to the reference
//! verifier in the browser and requires identical answers.
//!
//! The case goes through in slices, pipelined: WebCrypto verifies the next slices on the
//! browser's own threads while the engine judges the current one, so the two costs overlap
//! instead of adding up.

use std::collections::VecDeque;

use keyhole_engine::analyze::Slice;
use keyhole_engine::policy;
use keyhole_engine::verify::{PlannedCheck, RecordedAnswers, VerifyError};
use keyhole_engine::{Analysis, AnalyzeOptions, CaseFile, Report};

use super::{rust_verifier, tasks, webcrypto};

/// WebCrypto answered every check.
pub const WEBCRYPTO: &str = "WebCrypto";
/// WebCrypto answered some checks; jsonwebtoken decided the rest.
pub const WEBCRYPTO_AND_REFERENCE: &str =
    "WebCrypto, with jsonwebtoken (pure Rust) deciding what it could not";
/// No WebCrypto here (not a secure context): jsonwebtoken decided everything.
pub const REFERENCE_ONLY: &str = "jsonwebtoken (pure Rust; WebCrypto is unavailable here)";

/// Tokens per slice: large enough that WebCrypto has plenty to do in parallel, small enough
/// that judging one slice is a short task.
const SLICE: usize = 500;

/// The first slice is smaller, so WebCrypto starts sooner.
const FIRST_SLICE: usize = 100;

/// Longest stretch of judging before the browser gets its turn, in milliseconds. A slice's
/// cost depends on its tokens (a 700 KB claim, an HMAC token tried against the weak-secret
/// lists) and on the machine, so judging yields by the clock, not by a token count.
const JUDGE_BUDGET_MS: f64 = 30.0;

/// Records WebCrypto's final answers to `checks` and has the reference verifier decide the
/// rest; true when the reference verifier was needed.
async fn decide(
    checks: Vec<PlannedCheck>,
    web: Option<&[Option<bool>]>,
    answers: &mut RecordedAnswers,
) -> bool {
    let mut undecided = Vec::new();
    for (i, c) in checks.into_iter().enumerate() {
        let answer = web.and_then(|w| w.get(i).copied().flatten());
        match answer {
            Some(verified) if policy::webcrypto_answer_is_final(c.alg, answer) => {
                answers.record_owned(c, Ok(verified))
            }
            _ => undecided.push(c),
        }
    }
    if undecided.is_empty() {
        return false;
    }
    let decided = rust_verifier::answer(&undecided).await;
    for (i, c) in undecided.into_iter().enumerate() {
        let answer = match &decided {
            Ok(list) => list.get(i).cloned().unwrap_or_else(|| {
                Err(VerifyError::BadKey {
                    detail: "the pure-Rust verifier gave no answer".to_owned(),
                })
            }),
            Err(why) => Err(VerifyError::UnsupportedAlgorithm {
                alg: format!("{} (the pure-Rust verifier is unavailable: {why})", c.alg),
            }),
        };
        answers.record_owned(c, answer);
    }
    true
}

/// A slice whose checks WebCrypto is verifying.
struct InFlight {
    slice: Slice,
    checks: Vec<PlannedCheck>,
    pending: Option<webcrypto::Pending>,
}

/// Slices started ahead of the one being judged: with two, WebCrypto always has the next one
/// queued while the engine judges (and plans) on the page.
const IN_FLIGHT: usize = 2;

/// Analyses `case` as described in the module documentation, calling `progress(done, total)`
/// after each slice. Returns the report and the name of the verifier(s) that answered.
pub async fn analyze(
    case: CaseFile,
    options: &AnalyzeOptions<'_>,
    progress: &mut dyn FnMut(usize, usize),
) -> (Report, &'static str) {
    let mut analysis = Analysis::new(&case, options);
    analysis.add_case(case);
    match run_slices(analysis, progress, &|| false).await {
        Some(done) => done,
        None => unreachable!("an analysis that is never cancelled finishes"),
    }
}

/// Judges the queued tokens of `analysis` in slices, giving the browser its turn between
/// slices (so this may run on the page's main thread). Stops, returning None, as soon as
/// `cancelled()` says the result is no longer wanted.
pub async fn run_slices(
    mut analysis: Analysis<'_>,
    progress: &mut dyn FnMut(usize, usize),
    cancelled: &dyn Fn() -> bool,
) -> Option<(Report, &'static str)> {
    let subtle = webcrypto::subtle();
    let mut keys = webcrypto::ImportedKeys::default();
    let mut answers = RecordedAnswers::new(REFERENCE_ONLY);
    let mut used_reference = false;
    let mut flight: VecDeque<InFlight> = VecDeque::with_capacity(IN_FLIGHT);
    let mut first = true;
    loop {
        tasks::yield_now().await;
        if cancelled() {
            return None;
        }
        while flight.len() < IN_FLIGHT {
            let size = if first { FIRST_SLICE } else { SLICE };
            let Some(mut slice) = analysis.next_slice(size) else {
                break;
            };
            first = false;
            let checks = analysis.plan(&mut slice);
            let pending = match (&subtle, checks.is_empty()) {
                (Some(_), false) => Some(webcrypto::start(&mut keys, &checks)),
                _ => None,
            };
            flight.push_back(InFlight {
                slice,
                checks,
                pending,
            });
        }
        let Some(v) = flight.pop_front() else {
            break;
        };
        let web = match v.pending {
            Some(p) => webcrypto::settle(p).await.ok(),
            None => subtle.as_ref().map(|_| Vec::new()),
        };
        let needed = decide(v.checks, web.as_deref(), &mut answers).await;
        used_reference |= needed;
        let name = match (&subtle, needed) {
            (None, _) => REFERENCE_ONLY,
            (Some(_), false) => WEBCRYPTO,
            (Some(_), true) => WEBCRYPTO_AND_REFERENCE,
        };
        answers.rename(name);
        // Token by token (the slice's reports are recorded together afterwards), so that the
        // browser gets its turn every JUDGE_BUDGET_MS whatever the tokens cost.
        let mut reports = Vec::with_capacity(v.slice.len());
        {
            let judge = analysis.judging();
            let mut began = js_sys::Date::now();
            for t in v.slice.into_tokens() {
                if js_sys::Date::now() - began > JUDGE_BUDGET_MS {
                    tasks::yield_now().await;
                    if cancelled() {
                        return None;
                    }
                    began = js_sys::Date::now();
                }
                reports.push(judge.token(t, &answers));
            }
        }
        let in_order = analysis.add_reports(reports);
        debug_assert!(in_order, "a slice's reports continue the recorded ones");
        let (done, total) = analysis.progress();
        progress(done, total);
    }
    let (done, total) = analysis.progress();
    progress(done, total);
    // Summing up 100,000 tokens (key usage, the summary) is a task of its own, apart from the
    // last slice and from the render of the report.
    tasks::yield_now().await;
    if cancelled() {
        return None;
    }
    let name = match (&subtle, used_reference) {
        (None, _) => REFERENCE_ONLY,
        (Some(_), false) => WEBCRYPTO,
        (Some(_), true) => WEBCRYPTO_AND_REFERENCE,
    };
    Some((analysis.finish(), name))
}
