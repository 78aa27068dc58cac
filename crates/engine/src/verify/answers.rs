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

type Answer = Result<bool, VerifyError>;

/// One recorded answer: the rest of the question (the signature is the map's key).
struct Recorded {
    alg: Alg,
    signing_input: Vec<u8>,
    material: KeyMaterial,
    answer: Answer,
}

/// Answers given elsewhere, replayed as they were (false and errors included). A check nobody
/// answered is an error, never a guess.
pub struct RecordedAnswers {
    name: &'static str,
    /// By signature (looked up without copying the question: a 10,000-token case asks 10,000
    /// times), then by algorithm, signing input and key material — compared in full; key ids
    /// are only unique within one case, so the material itself identifies the key.
    answers: HashMap<Vec<u8>, Vec<Recorded>>,
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
        self.record_owned(check.clone(), answer);
    }

    /// [`Self::record`], keeping the check's own buffers instead of copying them.
    pub fn record_owned(&mut self, check: PlannedCheck, answer: Answer) {
        let PlannedCheck {
            alg,
            material,
            signing_input,
            signature,
            ..
        } = check;
        self.answers.entry(signature).or_default().push(Recorded {
            alg,
            signing_input,
            material,
            answer,
        });
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
            .get(signature)
            .and_then(|list| {
                list.iter().find(|r| {
                    r.alg == alg && r.signing_input == signing_input && r.material == *key
                })
            })
            .map(|r| r.answer.clone())
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
            hashed_nonce: false,
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
    fn the_same_signature_over_another_input_or_algorithm_is_another_question() {
        let mut recorded = RecordedAnswers::new("replay");
        let base = check(1);
        recorded.record_owned(base.clone(), Ok(true));
        let other_input = PlannedCheck {
            signing_input: b"a.c".to_vec(),
            ..base.clone()
        };
        let other_alg = PlannedCheck {
            alg: Alg::HS384,
            ..base.clone()
        };
        recorded.record(&other_alg, Ok(false));
        let ask =
            |c: &PlannedCheck| recorded.verify(c.alg, &c.material, &c.signing_input, &c.signature);
        assert_eq!(ask(&base), Ok(true));
        assert_eq!(ask(&other_alg), Ok(false));
        assert!(ask(&other_input).is_err(), "unanswered, not replayed");
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
