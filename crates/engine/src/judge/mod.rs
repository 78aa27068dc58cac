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
//! 4. [`verdict`] — exactly one of violation / invalid / unverified / permitted;
//! 5. across tokens, [`matrix::key_usage`] — the key-level findings.

pub mod boundary;
pub mod clouds;
pub mod compromised;
pub mod evidence;
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
use crate::report::{Finding, Severity, SignatureOutcome, SigningKeyReport, Verdict};
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
    /// Secrets of the public list that the caller's own search found: the web app searches the
    /// list in slices, apart from the analysis, and passes what it found, so that findings
    /// name the public list (`weak_secrets::public_search_input`).
    pub public_secrets: &'a [String],
}

impl JudgeOptions<'_> {
    /// Options with only the built-in weak-secret list.
    pub fn at(now: i64) -> JudgeOptions<'static> {
        JudgeOptions {
            now,
            weak_secrets: &[],
            public_secrets: &[],
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

/// Finds a trusted key by its case id (`"{set}/{index}"`): by position, since ids are built
/// from the set's and key's positions, confirmed against the id.
pub fn find_key<'a>(trusted: &'a [KeySet], key_id: &str) -> Option<(&'a KeyEntry, &'a KeySet)> {
    let by_position = key_id.split_once('/').and_then(|(set, key)| {
        let set = trusted.get(set.parse::<usize>().ok()?)?;
        let key = set.keys.get(key.parse::<usize>().ok()?)?;
        (key.id == key_id).then_some((key, set))
    });
    by_position.or_else(|| {
        trusted
            .iter()
            .find_map(|set| set.keys.iter().find(|k| k.id == key_id).map(|k| (k, set)))
    })
}

/// The key a judgement is about.
#[derive(Clone, Copy)]
struct Named<'a> {
    key: &'a KeyEntry,
    set: &'a KeySet,
    verified: bool,
    matched_by: Option<MatchedBy>,
}

/// The keys a verification outcome is about: every key that verified it; else the single named
/// key the algorithm cannot use; else the single named key whose signature check failed (shown
/// in the report, but no rule judges a key that did not sign the token).
fn named_keys<'a>(verification: &Verification, trusted: &'a [KeySet]) -> Vec<Named<'a>> {
    let named = |id: &str, verified, matched_by| {
        find_key(trusted, id).map(|(key, set)| Named {
            key,
            set,
            verified,
            matched_by,
        })
    };
    match verification {
        Verification::Verified {
            key_id,
            also_verified,
            matched_by,
            ..
        } => std::iter::once(key_id)
            .chain(also_verified)
            .filter_map(|id| named(id, true, Some(*matched_by)))
            .collect(),
        Verification::AlgorithmDoesNotFitKey { key_id, .. } => {
            named(key_id, false, None).into_iter().collect()
        }
        Verification::SignatureInvalid {
            key_ids,
            matched_by,
            ..
        } if key_ids.len() == 1 && *matched_by != MatchedBy::Trial => key_ids
            .first()
            .and_then(|id| named(id, false, Some(*matched_by)))
            .into_iter()
            .collect(),
        _ => Vec::new(),
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
///
/// When several trusted keys verified the token (the same key published by several sets), the
/// token is judged with each and the judgement resting on the strongest provenance evidence is
/// kept ([`choose`]); disagreeing provenance adds `ambiguous-key-provenance`. Nothing here
/// depends on the order of the key sets or of the keys in them.
pub fn judge_token_with(
    token: &ParsedToken,
    verification: &Verification,
    trusted: &[KeySet],
    options: &JudgeOptions<'_>,
    provenance: &dyn Fn(&KeyEntry, &KeySet) -> KeyProvenance,
) -> TokenJudgement {
    let claims = token.claims();
    let boundary = claimed_boundary(claims);
    let named = named_keys(verification, trusted);
    let mut judged: Vec<(Named<'_>, TokenJudgement)> = named
        .iter()
        .map(|n| {
            let p = provenance(n.key, n.set);
            let j = judge_with_key(
                token,
                verification,
                trusted,
                options,
                &boundary,
                Some((*n, p)),
            );
            (*n, j)
        })
        .collect();
    if judged.is_empty() {
        return judge_with_key(token, verification, trusted, options, &boundary, None);
    }
    let ambiguity = provenance_disagreement(&judged);
    let best = choose(&judged);
    let (_, mut judgement) = judged.swap_remove(best);
    if let Some(finding) = ambiguity {
        judgement.findings.push(finding);
    }
    judgement
}

/// How much a provenance rests on evidence about the key itself (its certificate subject,
/// cloud_instance_name, issuer, or an issuer the analyst declared) rather than on where its set
/// was found (weak: real key sets publish other clouds' keys).
fn evidence_strength(p: &KeyProvenance) -> u8 {
    let strong = |e: &provenance::Evidence| {
        !e.weak
            && !matches!(
                e.kind,
                provenance::EvidenceKind::KeySetSource | provenance::EvidenceKind::None
            )
    };
    u8::from(strong(&p.cloud_evidence)) + u8::from(strong(&p.scope_evidence))
}

fn verdict_goodness(v: Verdict) -> u8 {
    match v {
        Verdict::Permitted => 4,
        Verdict::Unverified => 3,
        Verdict::Invalid => 2,
        Verdict::Violation => 1,
        Verdict::Malformed => 0,
    }
}

/// Which of several judgements (one per verifying key) stands: the one whose key provenance
/// rests on the strongest evidence. Among equally strong ones: when that evidence is only where
/// the sets were found, the one that fits the token's claim (a key published by the claimed
/// cloud's own endpoint is permitted for that cloud); when it is evidence about the key itself
/// that disagrees, the least favourable (a contradiction in strong evidence is not resolved in
/// the token's favour). Ties are broken by the key set's source and the kid, never by position.
fn choose(judged: &[(Named<'_>, TokenJudgement)]) -> usize {
    let strength = |j: &TokenJudgement| {
        j.signing_key
            .as_ref()
            .map_or(0, |k| evidence_strength(&k.provenance))
    };
    let top = judged.iter().map(|(_, j)| strength(j)).max().unwrap_or(0);
    let favour = |j: &TokenJudgement| {
        let g = verdict_goodness(j.verdict);
        if top == 0 {
            g
        } else {
            u8::MAX - g
        }
    };
    let errors = |j: &TokenJudgement| {
        j.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    };
    let content = |n: &Named<'_>| {
        (
            n.set.source.clone(),
            n.key.kid.clone(),
            n.key.thumbprint.clone(),
        )
    };
    judged
        .iter()
        .enumerate()
        .filter(|(_, (_, j))| strength(j) == top)
        .max_by(|(_, (na, a)), (_, (nb, b))| {
            favour(a)
                .cmp(&favour(b))
                .then_with(|| {
                    if top == 0 {
                        errors(b).cmp(&errors(a))
                    } else {
                        errors(a).cmp(&errors(b))
                    }
                })
                .then_with(|| content(nb).cmp(&content(na)))
        })
        .map_or(0, |(i, _)| i)
}

/// `ambiguous-key-provenance` when the keys that verified the token disagree about its cloud
/// or scope.
fn provenance_disagreement(judged: &[(Named<'_>, TokenJudgement)]) -> Option<Finding> {
    let provs: Vec<&KeyProvenance> = judged
        .iter()
        .filter_map(|(_, j)| j.signing_key.as_ref().map(|k| &k.provenance))
        .collect();
    let first = provs.first()?;
    if provs
        .iter()
        .all(|p| p.cloud == first.cloud && p.scope == first.scope)
    {
        return None;
    }
    let mut sets: Vec<crate::model::KeySetAccount> = provs
        .iter()
        .map(|p| crate::model::KeySetAccount {
            key: crate::model::KeyRef {
                key_id: p.key_id.clone(),
                name: p.name(),
            },
            source: p.source.clone(),
            cloud: p.cloud.map(|c| crate::model::CloudValue {
                cloud: c,
                words: c.label().to_owned(),
            }),
            cloud_evidence: p.cloud_evidence.explanation.clone(),
            scope: crate::model::ScopeValue {
                scope: p.scope.clone(),
                words: p.scope.describe(),
            },
            scope_evidence: p.scope_evidence.explanation.clone(),
            evidence_strength: evidence_strength(p),
        })
        .collect();
    crate::small_sort::sort_by(&mut sets, |a, b| {
        (a.source.as_deref().unwrap_or(""), a.key.key_id.as_str())
            < (b.source.as_deref().unwrap_or(""), b.key.key_id.as_str())
    });
    let described: Vec<String> = provs
        .iter()
        .map(|p| {
            format!(
                "{}: {}, {}",
                p.name(),
                p.cloud.map_or("cloud unknown", |c| c.label()),
                p.scope.describe()
            )
        })
        .collect();
    let mut described = described;
    crate::small_sort::sort_by(&mut described, |a, b| a < b);
    Some(rules::AMBIGUOUS_KEY_PROVENANCE.finding(
        format!(
            "the key that verified the token is published by {} key sets that disagree about it: {}; the verdict rests on the strongest evidence",
            provs.len(),
            described.join("; ")
        ),
        rules::evidence([(
            "key_sets",
            crate::model::EvidenceValue::List(
                sets.into_iter()
                    .map(crate::model::EvidenceValue::KeySetAccount)
                    .collect(),
            ),
        )]),
    ))
}

fn judge_with_key(
    token: &ParsedToken,
    verification: &Verification,
    trusted: &[KeySet],
    options: &JudgeOptions<'_>,
    boundary: &ClaimedBoundary,
    named: Option<(Named<'_>, KeyProvenance)>,
) -> TokenJudgement {
    let claims = token.claims();
    // Rules judge only a key that verified the signature, or the named key the algorithm cannot
    // use at all (to say why); a key whose signature check failed did not sign this token.
    let judged_key = named
        .as_ref()
        .filter(|(n, _)| {
            n.verified || matches!(verification, Verification::AlgorithmDoesNotFitKey { .. })
        })
        .map(|(n, _)| *n);
    let key_verified = judged_key.is_some_and(|n| n.verified);
    let facts = rules::Facts {
        token,
        params: token.primary().map(|b| &b.params),
        claims,
        verification,
        key: judged_key.map(|n| n.key),
        key_set: judged_key.map(|n| n.set),
        key_verified,
        provenance: named.as_ref().filter(|_| key_verified).map(|(_, p)| p),
        boundary,
        options,
        trusted,
    };
    let mut findings = Vec::new();
    rules::header::check(&facts, &mut findings);
    rules::signature::check(&facts, &mut findings);
    rules::key_hygiene::check(&facts, &mut findings);
    rules::weak_secrets::check(&facts, &mut findings);
    let coverage = rules::binding::check(&facts, &mut findings);
    rules::time::check(&facts, &mut findings);
    let state = verdict::SignatureState::of(verification);
    let (verdict, verdict_reason) = verdict::decide(&findings, &coverage, state);
    let mut signature: SignatureOutcome = verification.into();
    let signing_key = named.map(|(n, provenance)| {
        if let SignatureOutcome::Verified { key_id, .. } = &mut signature {
            // The report names the key whose judgement stands first.
            key_id.clone_from(&n.key.id);
        }
        SigningKeyReport {
            key_id: n.key.id.clone(),
            name: provenance.name(),
            kid: n.key.kid.clone(),
            verified: n.verified,
            matched_by: n.matched_by.map(Into::into),
            provenance,
        }
    });
    if let (
        SignatureOutcome::Verified {
            key_id,
            also_verified,
            ..
        },
        Verification::Verified {
            key_id: first,
            also_verified: rest,
            ..
        },
    ) = (&mut signature, verification)
    {
        *also_verified = std::iter::once(first)
            .chain(rest)
            .filter(|id| *id != key_id)
            .cloned()
            .collect();
    }
    TokenJudgement {
        verdict,
        verdict_reason,
        findings,
        boundary: boundary.clone(),
        signing_key,
        signature,
    }
}
