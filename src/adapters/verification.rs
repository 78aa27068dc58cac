//! Who answers the signature checks of an analysis, and how their answers are combined so that
//! no verdict depends on which one answered: WebCrypto answers every planned check (where it
//! exists); a "verified" from WebCrypto is used as is, and everything else — invalid
//! signatures, algorithms or keys WebCrypto refused, or every check where WebCrypto is missing
//! — goes to the reference verifier (`jsonwebtoken`, loaded on demand as a second module),
//! whose answers are final.
//!
//! The case goes through in slices, pipelined: while WebCrypto verifies one slice on the
//! browser's own threads, the engine judges the previous one, so the two costs overlap instead
//! of adding up.

use std::collections::HashSet;

use keyhole_engine::analyze::{plan_inputs, PreparedCase, TokenInput};
use keyhole_engine::report::TokenReport;
use keyhole_engine::verify::{PlannedCheck, RecordedAnswers, VerifyError};
use keyhole_engine::{AnalyzeOptions, CaseFile, Report};

use super::{rust_verifier, webcrypto};

/// Every check was confirmed by WebCrypto.
pub const WEBCRYPTO: &str = "WebCrypto";
/// WebCrypto confirmed some checks; jsonwebtoken decided the rest.
pub const WEBCRYPTO_AND_REFERENCE: &str =
    "WebCrypto, with jsonwebtoken (pure Rust) deciding what it did not confirm";
/// No WebCrypto here (not a secure context): jsonwebtoken decided everything.
pub const REFERENCE_ONLY: &str = "jsonwebtoken (pure Rust; WebCrypto is unavailable here)";

/// Tokens per slice: large enough that WebCrypto has plenty to do in parallel, small enough
/// that judging one slice is a short task.
const SLICE: usize = 500;

/// Records WebCrypto's confirmations of `checks` and has the reference verifier decide the
/// rest; true when the reference verifier was needed.
async fn decide(
    checks: &[PlannedCheck],
    web: Option<&[Option<bool>]>,
    answers: &mut RecordedAnswers,
) -> bool {
    let mut unconfirmed = Vec::new();
    for (i, c) in checks.iter().enumerate() {
        if web.and_then(|w| w.get(i).copied().flatten()) == Some(true) {
            answers.record(c, Ok(true));
        } else {
            unconfirmed.push(c);
        }
    }
    if unconfirmed.is_empty() {
        return false;
    }
    let owned: Vec<PlannedCheck> = unconfirmed.iter().map(|c| (*c).clone()).collect();
    let decided = rust_verifier::answer(&owned).await;
    for (i, c) in owned.iter().enumerate() {
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
        answers.record(c, answer);
    }
    true
}

/// A slice whose WebCrypto answers are in, waiting for the rest to be decided and judged.
struct Verified {
    start: usize,
    inputs: Vec<TokenInput>,
    checks: Vec<PlannedCheck>,
    web: Option<Vec<Option<bool>>>,
}

/// Analyses `case` as described in the module documentation, calling `progress(done, total)`
/// after each slice. Returns the report and the name of the verifier(s) that answered.
pub async fn analyze(
    case: CaseFile,
    options: &AnalyzeOptions<'_>,
    progress: &mut dyn FnMut(usize, usize),
) -> (Report, &'static str) {
    let mut prepared = PreparedCase::new(&case, options);
    let inputs = prepared.take_inputs(case);
    let total = inputs.len();
    let subtle = webcrypto::subtle();
    let mut keys = webcrypto::ImportedKeys::default();
    let mut answers = RecordedAnswers::new(REFERENCE_ONLY);
    let mut seen = HashSet::new();
    let mut used_reference = false;
    let mut reports: Vec<TokenReport> = Vec::with_capacity(total);
    let trusted = prepared.trusted();
    let mut waiting: Option<Verified> = None;
    let mut rest = inputs.into_iter();
    let mut start = 0;
    loop {
        let slice: Vec<TokenInput> = rest.by_ref().take(SLICE).collect();
        let more = !slice.is_empty();
        let checks = plan_inputs(&slice, &trusted, &mut seen);
        let pending = match (&subtle, checks.is_empty()) {
            (Some(s), false) => Some(webcrypto::start(s, &mut keys, &checks).await),
            _ => None,
        };
        // While WebCrypto verifies this slice, decide and judge the previous one.
        if let Some(v) = waiting.take() {
            let needed = decide(&v.checks, v.web.as_deref(), &mut answers).await;
            used_reference |= needed;
            let name = match (&subtle, needed) {
                (None, _) => REFERENCE_ONLY,
                (Some(_), false) => WEBCRYPTO,
                (Some(_), true) => WEBCRYPTO_AND_REFERENCE,
            };
            answers.rename(name);
            for (i, input) in v.inputs.into_iter().enumerate() {
                reports.push(prepared.analyze_token(v.start + i, input, &trusted, &answers));
            }
            progress(reports.len(), total);
        }
        if !more {
            break;
        }
        let web = match pending {
            Some(p) => webcrypto::settle(p).await.ok(),
            None => subtle.as_ref().map(|_| Vec::new()),
        };
        let len = slice.len();
        waiting = Some(Verified {
            start,
            inputs: slice,
            checks,
            web,
        });
        start += len;
    }
    progress(total, total);
    drop(trusted);
    let name = match (&subtle, used_reference) {
        (None, _) => REFERENCE_ONLY,
        (Some(_), false) => WEBCRYPTO,
        (Some(_), true) => WEBCRYPTO_AND_REFERENCE,
    };
    (prepared.finish(reports), name)
}
