//! Answers computed elsewhere — asynchronously by WebCrypto, or by the reference verifier in
//! another wasm module — replayed through the synchronous [`SignatureVerifier`] interface.
//!
//! The web app records WebCrypto's answers where they are final and the reference verifier's
//! answers to everything else (`src/adapters/verification.rs` says which are which), so no
//! verdict depends on which verifier answered; the browser conformance test
//! (`e2e/conformance.mjs`) checks that the two answer alike.

use std::collections::HashMap;

use super::{Alg, PlannedCheck, SignatureVerifier, VerifyError};
use crate::keys::KeyMaterial;

type Question = (Alg, Vec<u8>, Vec<u8>);
type Answer = Result<bool, VerifyError>;

/// Answers given elsewhere, replayed as they were (false and errors included). A check nobody
/// answered is an error, never a guess.
pub struct RecordedAnswers {
    name: &'static str,
    /// By question, then by key material: key ids are only unique within one case, so the
    /// material itself identifies the key.
    answers: HashMap<Question, Vec<(KeyMaterial, Answer)>>,
}

impl RecordedAnswers {
    /// No answers yet, under the name shown to the analyst.
    pub fn new(name: &'static str) -> Self {
        RecordedAnswers {
            name,
            answers: HashMap::new(),
        }
    }

    /// Changes the name shown to the analyst from now on (a batch answered partly by one
    /// verifier and partly by another is named per part as it is judged).
    pub fn rename(&mut self, name: &'static str) {
        self.name = name;
    }

    /// Records the answer to `check`.
    pub fn record(&mut self, check: &PlannedCheck, answer: Answer) {
        self.answers
            .entry((
                check.alg,
                check.signing_input.clone(),
                check.signature.clone(),
            ))
            .or_default()
            .push((check.material.clone(), answer));
    }
}

impl SignatureVerifier for RecordedAnswers {
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
            .get(&(alg, signing_input.to_vec(), signature.to_vec()))
            .and_then(|list| list.iter().find(|(m, _)| m == key))
            .map(|(_, answer)| answer.clone())
            .unwrap_or_else(|| {
                Err(VerifyError::UnsupportedAlgorithm {
                    alg: format!("{alg} (no verifier answered this check)"),
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn check(secret: u8) -> PlannedCheck {
        PlannedCheck {
            alg: Alg::HS256,
            key_id: "0/0".into(),
            material: KeyMaterial::Oct {
                secret: vec![secret; 32],
            },
            signing_input: b"a.b".to_vec(),
            signature: vec![9; 32],
        }
    }

    #[test]
    fn recorded_answers_are_replayed_as_given_false_and_errors_included() {
        let mut recorded = RecordedAnswers::new("replay");
        let (yes, no, err) = (check(1), check(2), check(3));
        recorded.record(&yes, Ok(true));
        recorded.record(&no, Ok(false));
        let refused = Err(VerifyError::UnsupportedAlgorithm {
            alg: "HS256".into(),
        });
        recorded.record(&err, refused.clone());
        let ask =
            |c: &PlannedCheck| recorded.verify(c.alg, &c.material, &c.signing_input, &c.signature);
        assert_eq!(ask(&yes), Ok(true));
        assert_eq!(ask(&no), Ok(false));
        assert_eq!(ask(&err), refused);
        assert_eq!(recorded.name(), "replay");
        recorded.rename("webcrypto");
        assert_eq!(recorded.name(), "webcrypto");
        // Renaming keeps every answer.
        let again = recorded.verify(yes.alg, &yes.material, &yes.signing_input, &yes.signature);
        assert_eq!(again, Ok(true));
    }

    #[test]
    fn a_check_nobody_answered_is_an_error_not_a_guess() {
        let mut recorded = RecordedAnswers::new("replay");
        recorded.record(&check(1), Ok(true));
        // Same question, another key.
        let other = check(2);
        assert!(matches!(
            recorded.verify(
                other.alg,
                &other.material,
                &other.signing_input,
                &other.signature
            ),
            Err(VerifyError::UnsupportedAlgorithm { ref alg }) if alg.contains("no verifier answered")
        ));
    }
}
