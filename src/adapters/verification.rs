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

use keyhole_engine::analyze::{PreparedCase, TokenInput};
use keyhole_engine::keys::KeyEntry;
use keyhole_engine::keys::KeyMaterial;
use keyhole_engine::report::TokenReport;
use keyhole_engine::verify::{
    self, Alg, PlannedCheck, RecordedAnswers, SignatureVerifier, VerifyError,
};
use keyhole_engine::{token, AnalyzeOptions, CaseFile, Report};

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

/// The recorded answers under the name of whoever gave them, for one slice.
struct Named<'a>(&'static str, &'a RecordedAnswers);

impl SignatureVerifier for Named<'_> {
    fn name(&self) -> &'static str {
        self.0
    }

    fn verify(
        &self,
        alg: Alg,
        key: &KeyMaterial,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, VerifyError> {
        self.1.verify(alg, key, signing_input, signature)
    }
}

/// The checks a slice's tokens need that no earlier slice asked.
fn plan(
    slice: &[TokenInput],
    trusted: &[&KeyEntry],
    seen: &mut HashSet<(Alg, String, Vec<u8>, Vec<u8>)>,
) -> Vec<PlannedCheck> {
    let mut out = Vec::new();
    for input in slice {
        let Ok(parsed) = token::parse_token(&input.text) else {
            continue;
        };
        let Some(block) = parsed.primary() else {
            continue;
        };
        if let verify::Plan::Checks { checks, .. } = verify::plan_checks(block, trusted) {
            for c in checks {
                let id = (
                    c.alg,
                    c.key_id.clone(),
                    c.signing_input.clone(),
                    c.signature.clone(),
                );
                if seen.insert(id) {
                    out.push(c);
                }
            }
        }
    }
    out
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
    // The slice verified last, waiting to be judged: (first index, inputs, verifier name).
    let mut waiting: Option<(usize, Vec<TokenInput>, &'static str)> = None;
    let trusted = prepared.trusted();
    let judge = |waiting: Option<(usize, Vec<TokenInput>, &'static str)>,
                 answers: &RecordedAnswers,
                 reports: &mut Vec<TokenReport>| {
        let Some((start, slice, name)) = waiting else {
            return;
        };
        let verifier = Named(name, answers);
        for (i, input) in slice.into_iter().enumerate() {
            reports.push(prepared.analyze_token(start + i, input, &trusted, &verifier));
        }
    };
    let mut rest_inputs = inputs.into_iter().peekable();
    let mut start = 0;
    while rest_inputs.peek().is_some() {
        let slice: Vec<TokenInput> = rest_inputs.by_ref().take(SLICE).collect();
        let checks = plan(&slice, &trusted, &mut seen);
        let pending = match (&subtle, checks.is_empty()) {
            (Some(s), false) => Some(webcrypto::start(s, &mut keys, &checks).await),
            _ => None,
        };
        // While WebCrypto works, judge the previous slice.
        judge(waiting.take(), &answers, &mut reports);
        if !reports.is_empty() {
            progress(reports.len(), total);
        }
        let web = match pending {
            Some(p) => webcrypto::settle(p).await.ok(),
            None => subtle.as_ref().map(|_| Vec::new()),
        };
        let mut unconfirmed = Vec::new();
        for (i, c) in checks.iter().enumerate() {
            if web.as_ref().and_then(|w| w.get(i).copied().flatten()) == Some(true) {
                answers.record(c, Ok(true));
            } else {
                unconfirmed.push(c.clone());
            }
        }
        if !unconfirmed.is_empty() {
            used_reference = true;
            let decided = rust_verifier::answer(&unconfirmed).await;
            for (i, c) in unconfirmed.iter().enumerate() {
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
        }
        let name = match (&subtle, unconfirmed.is_empty()) {
            (None, _) => REFERENCE_ONLY,
            (Some(_), true) => WEBCRYPTO,
            (Some(_), false) => WEBCRYPTO_AND_REFERENCE,
        };
        let len = slice.len();
        waiting = Some((start, slice, name));
        start += len;
    }
    judge(waiting.take(), &answers, &mut reports);
    progress(total, total);
    drop(trusted);
    let name = match (&subtle, used_reference) {
        (None, _) => REFERENCE_ONLY,
        (Some(_), false) => WEBCRYPTO,
        (Some(_), true) => WEBCRYPTO_AND_REFERENCE,
    };
    (prepared.finish(reports), name)
}
