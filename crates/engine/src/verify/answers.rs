//! Answers computed elsewhere (WebCrypto in the browser, asynchronously) replayed through the
//! synchronous [`SignatureVerifier`] interface, with the reference verifier behind them.
//!
//! So that no verdict depends on which verifier answered: a "verified" answer is used as is, but
//! any other answer (false, unsupported, missing) is decided again by the reference verifier
//! (`jsonwebtoken`). A lenient external verifier could only differ by saying "true" where the
//! reference says "false"; the browser conformance tests check that it does not.

use std::collections::HashMap;

use super::{Alg, PlannedCheck, SignatureVerifier, VerifyError};
use crate::keys::KeyMaterial;

type Question = (Alg, Vec<u8>, Vec<u8>);

/// Answers keyed by question (algorithm, signing input, signature) and then key material: key
/// ids are only unique within one case, so the material itself identifies the key.
pub(super) struct Answers<A> {
    by_question: HashMap<Question, Vec<(KeyMaterial, A)>>,
}

impl<A> Answers<A> {
    pub(super) fn new() -> Self {
        Answers {
            by_question: HashMap::new(),
        }
    }

    pub(super) fn record(&mut self, check: &PlannedCheck, answer: A) {
        self.by_question
            .entry((
                check.alg,
                check.signing_input.clone(),
                check.signature.clone(),
            ))
            .or_default()
            .push((check.material.clone(), answer));
    }

    pub(super) fn get(&self, alg: Alg, key: &KeyMaterial, input: &[u8], sig: &[u8]) -> Option<&A> {
        self.by_question
            .get(&(alg, input.to_vec(), sig.to_vec()))
            .and_then(|list| list.iter().find(|(m, _)| m == key))
            .map(|(_, a)| a)
    }

    pub(super) fn len(&self) -> usize {
        self.by_question.values().map(Vec::len).sum()
    }
}

/// Recorded answers, looked up in constant time, with a fallback verifier.
pub struct AnswerCache<'a> {
    name: &'static str,
    answers: Answers<bool>,
    fallback: &'a dyn SignatureVerifier,
}

impl<'a> AnswerCache<'a> {
    /// An empty cache named `name` (shown to the analyst) over `fallback`.
    pub fn new(name: &'static str, fallback: &'a dyn SignatureVerifier) -> Self {
        AnswerCache {
            name,
            answers: Answers::new(),
            fallback,
        }
    }

    /// Records that `check` verified (`true`) or not.
    pub fn record(&mut self, check: &PlannedCheck, verified: bool) {
        self.answers.record(check, verified);
    }

    /// How many answers are recorded.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// True when nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.answers.len() == 0
    }
}

impl SignatureVerifier for AnswerCache<'_> {
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
        match self.answers.get(alg, key, signing_input, signature) {
            Some(true) => Ok(true),
            _ => self.fallback.verify(alg, key, signing_input, signature),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    struct Fixed(bool);
    impl SignatureVerifier for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn verify(&self, _: Alg, _: &KeyMaterial, _: &[u8], _: &[u8]) -> Result<bool, VerifyError> {
            Ok(self.0)
        }
    }

    fn check() -> PlannedCheck {
        PlannedCheck {
            alg: Alg::HS256,
            key_id: "0/0".into(),
            material: KeyMaterial::Oct {
                secret: vec![1; 32],
            },
            signing_input: b"a.b".to_vec(),
            signature: vec![9; 32],
        }
    }

    #[test]
    fn a_recorded_true_is_used_without_the_fallback() {
        let fallback = Fixed(false);
        let mut cache = AnswerCache::new("webcrypto", &fallback);
        let c = check();
        cache.record(&c, true);
        assert_eq!(
            cache.verify(c.alg, &c.material, &c.signing_input, &c.signature),
            Ok(true)
        );
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_recorded_false_or_missing_answer_is_decided_by_the_fallback() {
        let fallback = Fixed(true);
        let mut cache = AnswerCache::new("webcrypto", &fallback);
        let c = check();
        cache.record(&c, false);
        assert_eq!(
            cache.verify(c.alg, &c.material, &c.signing_input, &c.signature),
            Ok(true)
        );
        let other = KeyMaterial::Oct {
            secret: vec![2; 32],
        };
        assert_eq!(
            cache.verify(c.alg, &other, &c.signing_input, &c.signature),
            Ok(true)
        );
        let strict = Fixed(false);
        let empty = AnswerCache::new("webcrypto", &strict);
        assert_eq!(
            empty.verify(c.alg, &c.material, &c.signing_input, &c.signature),
            Ok(false)
        );
    }
}
