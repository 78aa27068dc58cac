//! The boundary judgement: given a parsed token, the outcome of its signature check and the
//! trusted key sets, decide whether the key that signed it was permitted to sign for the tenant
//! and cloud the token claims, and explain why with evidence (issue 4; domain.md).
//!
//! Everything here is a pure function over facts established elsewhere (parsing, key-document
//! reading, signature verification), so it runs the same natively and in the browser:
//!
//! 1. [`key_provenance`] — where the named key comes from (cloud, scope, certificate window,
//!    known-compromised match), each part with the evidence that decided it;
//! 2. [`boundary::claimed_boundary`] — what the token claims (cloud, tenant, consumer or not);
//! 3. the rules in [`rules`] (one registry, stable codes), evaluated in a fixed order;
//! 4. [`verdict`] — exactly one of violation / unverified / permitted;
//! 5. across tokens, [`matrix::key_usage`] — the key-level findings.

pub mod boundary;
pub mod clouds;
pub mod compromised;
pub mod matrix;
pub mod provenance;
pub mod rules;
pub mod tenants;
mod verdict;

pub use boundary::{claimed_boundary, ClaimedBoundary};
pub use clouds::Cloud;
pub use matrix::key_usage;
pub use provenance::{key_provenance, KeyProvenance, KeyScope};
pub use rules::{RuleInfo, RULES};

use crate::keys::{KeyEntry, KeySet};
use crate::report::{Finding, SignatureOutcome, SigningKeyReport, Verdict};
use crate::token::ParsedToken;
use crate::verify::{MatchedBy, Verification};

/// What the judgement needs besides the token: the analysis time and optional extra lists.
#[derive(Debug, Clone, Copy)]
pub struct JudgeOptions<'a> {
    /// The analysis time, Unix seconds (the engine never reads a clock).
    pub now: i64,
    /// Publicly known HMAC secrets to try besides the small built-in list (e.g. the lines of a
    /// third-party wordlist the CLI or UI loaded).
    pub weak_secrets: &'a [String],
}

impl JudgeOptions<'_> {
    /// Options with only the built-in weak-secret list.
    pub fn at(now: i64) -> JudgeOptions<'static> {
        JudgeOptions {
            now,
            weak_secrets: &[],
        }
    }
}

/// The judgement of one parsed token.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenJudgement {
    pub verdict: Verdict,
    pub verdict_reason: String,
    pub findings: Vec<Finding>,
    pub boundary: ClaimedBoundary,
    /// The trusted key the token names or was verified with, with its provenance.
    pub signing_key: Option<SigningKeyReport>,
    pub signature: SignatureOutcome,
}

/// Finds a trusted key by its case id (`"{set}/{index}"`).
pub fn find_key<'a>(trusted: &'a [KeySet], key_id: &str) -> Option<(&'a KeyEntry, &'a KeySet)> {
    trusted
        .iter()
        .find_map(|set| set.keys.iter().find(|k| k.id == key_id).map(|k| (k, set)))
}

/// The key a verification outcome is about, whether it verified, and how it was matched: the
/// verifying key; the named key the algorithm did not fit; or the single named key whose
/// signature check failed (not keys merely tried by trial).
fn named_key<'a>(
    verification: &Verification,
    trusted: &'a [KeySet],
) -> Option<(&'a KeyEntry, &'a KeySet, bool, Option<MatchedBy>)> {
    match verification {
        Verification::Verified {
            key_id, matched_by, ..
        } => find_key(trusted, key_id).map(|(k, s)| (k, s, true, Some(*matched_by))),
        Verification::AlgorithmDoesNotFitKey { key_id, .. } => {
            find_key(trusted, key_id).map(|(k, s)| (k, s, false, None))
        }
        Verification::SignatureInvalid {
            key_ids,
            matched_by,
            ..
        } if key_ids.len() == 1 && *matched_by != MatchedBy::Trial => key_ids
            .first()
            .and_then(|id| find_key(trusted, id))
            .map(|(k, s)| (k, s, false, Some(*matched_by))),
        _ => None,
    }
}

/// Judges one parsed token. `verification` is the outcome of checking its (first) signature
/// against `trusted`; key ids in it refer to keys of `trusted`.
pub fn judge_token(
    token: &ParsedToken,
    verification: &Verification,
    trusted: &[KeySet],
    options: &JudgeOptions<'_>,
) -> TokenJudgement {
    judge_token_with(token, verification, trusted, options, &key_provenance)
}

/// [`judge_token`] with the key's provenance from `provenance` (which must give what
/// [`key_provenance`] gives): a caller judging many tokens signed by few keys computes each
/// key's provenance once.
pub fn judge_token_with(
    token: &ParsedToken,
    verification: &Verification,
    trusted: &[KeySet],
    options: &JudgeOptions<'_>,
    provenance: &dyn Fn(&KeyEntry, &KeySet) -> KeyProvenance,
) -> TokenJudgement {
    let claims = token.claims();
    let boundary = claimed_boundary(claims);
    let named = named_key(verification, trusted);
    let provenance = named.map(|(k, s, _, _)| provenance(k, s));
    let facts = rules::Facts {
        token,
        params: token.primary().map(|b| &b.params),
        claims,
        verification,
        key: named.map(|(k, _, _, _)| k),
        key_verified: named.is_some_and(|(_, _, v, _)| v),
        provenance: provenance.as_ref(),
        boundary: &boundary,
        options,
    };
    let mut findings = Vec::new();
    rules::header::check(&facts, &mut findings);
    rules::signature::check(&facts, &mut findings);
    rules::key_hygiene::check(&facts, &mut findings);
    rules::weak_secrets::check(&facts, &mut findings);
    let coverage = rules::binding::check(&facts, &mut findings);
    rules::time::check(&facts, &mut findings);
    let (verdict, verdict_reason) = verdict::decide(&findings, &coverage);
    let signing_key = named
        .zip(provenance)
        .map(
            |((key, _, verified, matched_by), provenance)| SigningKeyReport {
                key_id: key.id.clone(),
                kid: key.kid.clone(),
                verified,
                matched_by: matched_by.map(Into::into),
                provenance,
            },
        );
    TokenJudgement {
        verdict,
        verdict_reason,
        findings,
        boundary,
        signing_key,
        signature: verification.into(),
    }
}
