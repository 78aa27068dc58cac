//! From one signature block and the trusted keys to exactly one [`Verification`] outcome.
//!
//! Verification is split in two so that an asynchronous or batch verifier (WebCrypto in the
//! browser) can answer the same questions as `jsonwebtoken`: [`plan_checks`] decides everything
//! that needs no cryptography (JWE, `alg: none`, unknown algorithm, key selection, algorithm
//! fits key) and lists the remaining [`PlannedCheck`]s; [`conclude`] turns the answers into the
//! outcome. [`verify_signature`] does both with a synchronous [`SignatureVerifier`]; a batch
//! verifier answers the planned checks, stores them in an [`AnswerLookup`], and calls
//! [`verify_signature`] with it, so the verdict logic is the same code either way.
//!
//! `crit` (RFC 7515 §4.1.11) is not judged here: this module answers only "which trusted key, if
//! any, produced this signature"; the token's notes and the findings deal with `crit`.

use super::{
    alg_fits_key, select_keys, Alg, MatchedBy, SignatureVerifier, Verification, VerifyError,
};
use crate::b64;
use crate::keys::{KeyEntry, KeyMaterial};
use crate::token::SignatureBlock;

/// One cryptographic question: does `signature` over `signing_input` verify with this key?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCheck {
    pub alg: Alg,
    /// The trusted key's id (`"{set}/{key}"`).
    pub key_id: String,
    pub material: KeyMaterial,
    pub signing_input: Vec<u8>,
    pub signature: Vec<u8>,
}

/// What [`plan_checks`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The outcome is known without any cryptography.
    Decided(Verification),
    /// These checks (one per candidate key, in order) decide the outcome; see [`conclude`].
    Checks {
        alg: Alg,
        matched_by: MatchedBy,
        checks: Vec<PlannedCheck>,
    },
}

/// Decides what can be decided without cryptography and lists the checks that remain.
pub fn plan_checks(block: &SignatureBlock, keys: &[&KeyEntry]) -> Plan {
    let params = &block.params;
    if params.enc.is_some() {
        return Plan::Decided(Verification::Encrypted);
    }
    if params.is_unsecured() {
        return Plan::Decided(Verification::Unsecured);
    }
    let name = params.alg.as_deref().unwrap_or_default();
    let Some(alg) = Alg::parse(name) else {
        return Plan::Decided(Verification::UnsupportedAlgorithm {
            alg: if name.is_empty() {
                "(no alg in the header)".to_owned()
            } else {
                name.to_owned()
            },
        });
    };
    let (candidates, matched_by) = select_keys(params, alg, keys);
    if candidates.is_empty() {
        return Plan::Decided(Verification::NoMatchingKey {
            detail: no_key_detail(block, alg, keys),
        });
    }
    let mut refusal = None;
    let fitting: Vec<&KeyEntry> = candidates
        .into_iter()
        .filter(|k| match alg_fits_key(alg, k) {
            Ok(()) => true,
            Err(reason) => {
                refusal.get_or_insert((k.id.clone(), reason));
                false
            }
        })
        .collect();
    if fitting.is_empty() {
        let (key_id, reason) = refusal.unwrap_or_default();
        return Plan::Decided(Verification::AlgorithmDoesNotFitKey { key_id, reason });
    }
    let Ok(signature) = b64::decode_url(&block.signature_b64) else {
        // The parser normally refuses this; if it gets here, no key can verify it.
        return Plan::Decided(Verification::SignatureInvalid {
            key_ids: fitting.iter().map(|k| k.id.clone()).collect(),
            matched_by,
            verifier: "none (the signature is not base64url)".to_owned(),
        });
    };
    Plan::Checks {
        alg,
        matched_by,
        checks: fitting
            .into_iter()
            .map(|k| PlannedCheck {
                alg,
                key_id: k.id.clone(),
                material: k.material.clone(),
                signing_input: block.signing_input.clone(),
                signature: signature.clone(),
            })
            .collect(),
    }
}

fn no_key_detail(block: &SignatureBlock, alg: Alg, keys: &[&KeyEntry]) -> String {
    if keys.is_empty() {
        return "no trusted keys were given: paste the issuer's JWKS (or a certificate, public key or HMAC secret)".to_owned();
    }
    let p = &block.params;
    let mut named = Vec::new();
    if let Some(kid) = &p.kid {
        named.push(format!("kid \"{kid}\""));
    }
    if let Some(x5t) = &p.x5t {
        named.push(format!("x5t \"{x5t}\""));
    }
    if let Some(s) = &p.x5t_s256 {
        named.push(format!("x5t#S256 \"{s}\""));
    }
    let header_key = if p.jwk.is_some() || p.x5c.is_some() || p.jku.is_some() || p.x5u.is_some() {
        "; the key the header itself carries or points to (jwk, x5c, jku, x5u) is never trusted"
    } else {
        ""
    };
    if named.is_empty() {
        format!(
            "the header names no key, and none of the {} trusted keys can verify {alg}{header_key}",
            keys.len()
        )
    } else {
        format!(
            "none of the {} trusted keys has {}{header_key}",
            keys.len(),
            named.join(" or ")
        )
    }
}

/// Turns the answers to a plan's checks into the outcome: the first key that verifies wins;
/// otherwise "signature invalid" if any key answered no, else the verifier's reason.
pub fn conclude(
    matched_by: MatchedBy,
    checks: &[PlannedCheck],
    verifier_name: &str,
    mut answer: impl FnMut(&PlannedCheck) -> Result<bool, VerifyError>,
) -> Verification {
    let mut tried = Vec::new();
    let mut unsupported = None;
    let mut bad_key = None;
    for check in checks {
        match answer(check) {
            Ok(true) => {
                return Verification::Verified {
                    key_id: check.key_id.clone(),
                    matched_by,
                    verifier: verifier_name.to_owned(),
                }
            }
            Ok(false) => tried.push(check.key_id.clone()),
            Err(VerifyError::UnsupportedAlgorithm { alg }) => {
                unsupported.get_or_insert(alg);
            }
            Err(VerifyError::BadKey { detail }) => {
                bad_key.get_or_insert((check.key_id.clone(), detail));
            }
        }
    }
    if !tried.is_empty() {
        return Verification::SignatureInvalid {
            key_ids: tried,
            matched_by,
            verifier: verifier_name.to_owned(),
        };
    }
    if let Some(alg) = unsupported {
        return Verification::UnsupportedAlgorithm { alg };
    }
    let (key_id, detail) = bad_key.unwrap_or_default();
    Verification::AlgorithmDoesNotFitKey {
        key_id,
        reason: format!("the key cannot be used for this algorithm: {detail}"),
    }
}

/// Checks one signature block against the trusted keys and returns exactly one outcome.
///
/// `keys` are the analyst's trusted keys only; keys in the token header are never used (see
/// [`select_keys`]). The algorithm must fit each key ([`alg_fits_key`]) before any
/// cryptography runs.
pub fn verify_signature(
    block: &SignatureBlock,
    keys: &[&KeyEntry],
    verifier: &dyn SignatureVerifier,
) -> Verification {
    match plan_checks(block, keys) {
        Plan::Decided(outcome) => outcome,
        Plan::Checks {
            matched_by, checks, ..
        } => conclude(matched_by, &checks, verifier.name(), |c| {
            verifier.verify(c.alg, &c.material, &c.signing_input, &c.signature)
        }),
    }
}

/// A verifier that replays answers computed elsewhere (e.g. by WebCrypto, asynchronously, for
/// the checks [`plan_checks`] listed). A question it has no answer for is reported as unsupported.
#[derive(Debug, Clone, Default)]
pub struct AnswerLookup {
    pub name: &'static str,
    pub answers: Vec<(PlannedCheck, Result<bool, VerifyError>)>,
}

impl SignatureVerifier for AnswerLookup {
    fn name(&self) -> &'static str {
        self.name
    }

    fn verify(
        &self,
        alg: Alg,
        key: &KeyMaterial,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, VerifyError> {
        self.answers
            .iter()
            .find(|(c, _)| {
                c.alg == alg
                    && c.material == *key
                    && c.signing_input == signing_input
                    && c.signature == signature
            })
            .map(|(_, a)| a.clone())
            .unwrap_or_else(|| {
                Err(VerifyError::UnsupportedAlgorithm {
                    alg: format!("{alg} (no answer was recorded for this check)"),
                })
            })
    }
}
