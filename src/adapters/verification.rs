//! Who answers the signature checks of an analysis, and how their answers are combined so that
//! no verdict depends on which one answered: the engine plans every check
//! (`keyhole_engine::planned_checks`); WebCrypto answers them all (where it exists); a "verified"
//! from WebCrypto is used as is, and everything else — invalid signatures, algorithms or keys
//! WebCrypto refused, or every check where WebCrypto is missing — goes to the reference verifier
//! (`jsonwebtoken`, loaded on demand as a second module), whose answers are final.

use keyhole_engine::verify::{AnswerCache, PlannedCheck, RecordedAnswers, VerifyError};
use keyhole_engine::{planned_checks, AnalyzeOptions, CaseFile, Report};

use super::{rust_verifier, webcrypto};

/// Every check was confirmed by WebCrypto.
pub const WEBCRYPTO: &str = "WebCrypto";
/// WebCrypto confirmed some checks; jsonwebtoken decided the rest.
pub const WEBCRYPTO_AND_REFERENCE: &str =
    "WebCrypto, with jsonwebtoken (pure Rust) deciding what it did not confirm";
/// No WebCrypto here (not a secure context): jsonwebtoken decided everything.
pub const REFERENCE_ONLY: &str = "jsonwebtoken (pure Rust; WebCrypto is unavailable here)";

/// Analyses `case` as described in the module documentation. Returns the report and the name
/// of the verifier(s) that answered, for the analyst.
pub async fn analyze(
    case: &CaseFile,
    options: &AnalyzeOptions<'_>,
    progress: &mut dyn FnMut(usize, usize),
) -> (Report, &'static str) {
    let checks = planned_checks(case);
    let webcrypto = webcrypto::answer_all(&checks).await.ok();
    let confirmed = |i: usize| {
        webcrypto
            .as_ref()
            .and_then(|answers| answers.get(i).copied().flatten())
            == Some(true)
    };
    let rest: Vec<PlannedCheck> = checks
        .iter()
        .enumerate()
        .filter(|(i, _)| !confirmed(*i))
        .map(|(_, c)| c.clone())
        .collect();
    let name = match (&webcrypto, rest.is_empty()) {
        (None, _) => REFERENCE_ONLY,
        (Some(_), true) => WEBCRYPTO,
        (Some(_), false) => WEBCRYPTO_AND_REFERENCE,
    };
    let mut reference = RecordedAnswers::new(name);
    if !rest.is_empty() {
        match rust_verifier::answer(&rest).await {
            Ok(answers) => {
                for (c, a) in rest.iter().zip(answers) {
                    reference.record(c, a);
                }
            }
            Err(why) => {
                for c in &rest {
                    reference.record(
                        c,
                        Err(VerifyError::UnsupportedAlgorithm {
                            alg: format!(
                                "{} (the pure-Rust verifier is unavailable: {why})",
                                c.alg
                            ),
                        }),
                    );
                }
            }
        }
    }
    let mut cache = AnswerCache::new(name, &reference);
    if let Some(answers) = &webcrypto {
        for (c, a) in checks.iter().zip(answers) {
            if *a == Some(true) {
                cache.record(c, true);
            }
        }
    }
    let report = keyhole_engine::analyze_with_progress(case, options, &cache, progress);
    (report, name)
}
