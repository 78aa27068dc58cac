//! The single verdict per token, from its findings, the state of its signature and whether the
//! verifying key's scope covers the claimed boundary. Precedence:
//!
//! * violation — a validator could accept the token and must not: an error finding on a token a
//!   trusted key verified, or an error that describes a token built to pass flawed validators
//!   (`rules::VIOLATION_WITHOUT_SIGNATURE`) whatever its signature;
//! * invalid — checked against the trusted key(s) the token names and does not verify;
//! * unverified — not checked against a trusted key of known provenance, or the boundary cannot
//!   be judged (error findings on an unchecked token are explained, not counted as a violation);
//! * permitted — verified, covered, no error (warnings allowed).
//!
//! `malformed` is decided earlier, when the text cannot be parsed at all.

use super::rules::binding::Coverage;
use super::rules::rule;
use crate::report::{Finding, Severity, Verdict};
use crate::verify::Verification;

/// What the signature check established, as far as the verdict is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureState {
    /// A trusted key (possibly one the policy distrusts) verified it.
    Verified,
    /// Every candidate key answered no.
    Invalid,
    /// Not checked: no key, unsupported, unsecured, encrypted, detached, unusable key.
    NotChecked,
}

impl SignatureState {
    pub(crate) fn of(v: &Verification) -> Self {
        match v {
            Verification::Verified { .. } => SignatureState::Verified,
            Verification::SignatureInvalid { .. } => SignatureState::Invalid,
            _ => SignatureState::NotChecked,
        }
    }
}

fn codes(findings: &[&Finding]) -> String {
    let mut codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    codes.dedup();
    codes.join(", ")
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Decides the verdict and says why in one sentence.
pub(crate) fn decide(
    findings: &[Finding],
    coverage: &Coverage,
    signature: SignatureState,
) -> (Verdict, String) {
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let built_to_pass: Vec<&Finding> = errors
        .iter()
        .copied()
        .filter(|f| rule(&f.code).is_some_and(|r| r.violation_without_signature()))
        .collect();
    if !built_to_pass.is_empty() {
        return (
            Verdict::Violation,
            format!(
                "violation: the token is built to pass a flawed validator ({})",
                codes(&built_to_pass)
            ),
        );
    }
    match signature {
        SignatureState::Verified if !errors.is_empty() => {
            return (
                Verdict::Violation,
                format!(
                    "violation: a trusted key verified the signature, and {} ({})",
                    count(errors.len(), "error finding"),
                    codes(&errors)
                ),
            );
        }
        SignatureState::Invalid => {
            return (
                Verdict::Invalid,
                "invalid: the signature does not verify with the trusted key(s) the token names; a correct validator rejects it, and it may have been altered or forged".to_owned(),
            );
        }
        SignatureState::NotChecked if !errors.is_empty() => {
            let why = match coverage {
                Coverage::Covered(why) | Coverage::NotCovered(why) | Coverage::Unknown(why) => {
                    why.as_str()
                }
            };
            return (
                Verdict::Unverified,
                format!(
                    "unverified: the signature was not checked against a trusted key ({why}); {} ({}) would make it a violation if a trusted key verified it",
                    count(errors.len(), "error finding"),
                    codes(&errors)
                ),
            );
        }
        _ => {}
    }
    match coverage {
        Coverage::Covered(why) => (Verdict::Permitted, format!("permitted: {why}")),
        Coverage::NotCovered(why) | Coverage::Unknown(why) => {
            (Verdict::Unverified, format!("unverified: {why}"))
        }
    }
}
