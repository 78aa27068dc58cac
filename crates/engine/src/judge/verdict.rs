//! The single verdict per token, from its findings and whether the verifying key's scope covers
//! the claimed boundary:
//! violation (any error) › unverified (not checked against a trusted key of known provenance, or
//! the boundary cannot be judged) › permitted (verified, covered, no error; warnings allowed).
//! `malformed` is decided earlier, when the text cannot be parsed at all.

use super::rules::binding::Coverage;
use crate::report::{Finding, Severity, Verdict};

/// Decides the verdict and says why in one sentence.
pub(crate) fn decide(findings: &[Finding], coverage: &Coverage) -> (Verdict, String) {
    let errors: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code.as_str())
        .collect();
    if !errors.is_empty() {
        let mut codes = errors.clone();
        codes.dedup();
        return (
            Verdict::Violation,
            format!(
                "violation: {} error finding{} ({})",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                codes.join(", ")
            ),
        );
    }
    match coverage {
        Coverage::Covered(why) => (Verdict::Permitted, format!("permitted: {why}")),
        Coverage::NotCovered(why) | Coverage::Unknown(why) => {
            (Verdict::Unverified, format!("unverified: {why}"))
        }
    }
}
