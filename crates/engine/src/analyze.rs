//! The whole analysis of a case file: the one entry point shared by the CLI, the web app (and
//! its worker) and the tests. Case file in, report out.
//!
//! Order of work: read every key document (a bad key never stops the others; an OpenID
//! configuration declares the issuer of the key set whose `source` is its `jwks_uri`), then
//! the `tokens` entries in order, then the tokens found in `text` in order of first appearance;
//! each token is parsed, its first signature checked against the trusted keys only, and
//! judged; finally the key-usage matrix looks across all tokens.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::case::CaseFile;
use crate::extract::{self, FoundToken};
use crate::judge::{self, JudgeOptions};
use crate::keys::{self, KeyEntry, KeySet};
use crate::report::{Report, TokenReport};
use crate::token;
use crate::verify::{self, SignatureVerifier};

/// A key document as the report shows it: what was read, and what could not be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeySetReport {
    pub index: usize,
    pub source: Option<String>,
    pub declared_issuer: Option<String>,
    /// What the document was recognised as (jwks, jwk, open_id_configuration, pem, …).
    pub kind: String,
    pub keys: usize,
    /// One line per key that could not be read (which key, why).
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

/// Options besides the case itself.
#[derive(Debug, Clone, Copy)]
pub struct AnalyzeOptions<'a> {
    /// The analysis time when the case file has no `now` (the caller's clock; the engine has none).
    pub default_now: i64,
    /// Extra publicly known HMAC secrets to test HS tokens against.
    pub weak_secrets: &'a [String],
}

impl AnalyzeOptions<'_> {
    /// Options with only the built-in weak-secret list.
    pub fn at(default_now: i64) -> AnalyzeOptions<'static> {
        AnalyzeOptions {
            default_now,
            weak_secrets: &[],
        }
    }
}

/// A token to analyse and where it came from (`found_at` goes into the report as is).
///
/// Serialisable so that a worker can extract the tokens of a large text ([`text_inputs`]) and
/// hand them to the page, which analyses them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInput {
    pub text: String,
    pub found_at: Value,
}

/// Reads every key document and HMAC secret of the case into key sets: each of
/// [`key_set_readers`] in one go, then [`complete_key_sets`].
pub fn read_key_sets(case: &CaseFile) -> Vec<KeySet> {
    let sets = key_set_readers(case)
        .map(keys::KeySetReader::finish)
        .collect();
    complete_key_sets(case, sets)
}

/// A reader for each of the case's key documents, in order, numbered as [`read_key_sets`]
/// numbers them: for a caller that reads large documents in slices (the page's main thread),
/// then passes the finished sets to [`complete_key_sets`].
pub fn key_set_readers(case: &CaseFile) -> impl Iterator<Item = keys::KeySetReader<'_>> {
    case.key_sets.iter().enumerate().map(|(i, ks)| {
        keys::KeySetReader::borrowing(i, ks.source.as_deref(), ks.issuer.as_deref(), &ks.document)
    })
}

/// What follows reading the case's key documents (`sets`, one per document, in order): an
/// OpenID configuration declares the issuer of the set whose source is its `jwks_uri`, and the
/// case's HMAC secrets are appended as sets of their own.
pub fn complete_key_sets(case: &CaseFile, mut sets: Vec<KeySet>) -> Vec<KeySet> {
    let declared: Vec<(String, String)> = sets
        .iter()
        .filter_map(|s| s.openid.as_ref())
        .filter_map(|o| Some((o.jwks_uri.clone()?, o.issuer.clone()?)))
        .collect();
    for set in &mut sets {
        if set.declared_issuer.is_none() {
            if let Some((_, iss)) = declared
                .iter()
                .find(|(uri, _)| set.source.as_deref() == Some(uri.as_str()))
            {
                set.declared_issuer = Some(iss.clone());
            }
        }
    }
    let base = sets.len();
    sets.extend(case.hmac_key_sets(base));
    sets
}

fn key_set_report(set: &KeySet) -> KeySetReport {
    let kind = serde_json::to_value(set.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    KeySetReport {
        index: set.index,
        source: set.source.clone(),
        declared_issuer: set.declared_issuer.clone(),
        kind,
        keys: set.keys.len(),
        problems: set
            .problems
            .iter()
            .map(|p| match (&p.key_index, &p.kid) {
                (Some(i), Some(kid)) => format!("key #{i} (kid {kid}): {}", p.message),
                (Some(i), None) => format!("key #{i}: {}", p.message),
                _ => p.message.clone(),
            })
            .collect(),
        warnings: set.warnings.clone(),
    }
}

fn inputs(case: &CaseFile, notes: &mut Vec<String>) -> Vec<TokenInput> {
    inputs_from(case.tokens.iter().cloned(), case.text.as_deref(), notes)
}

/// The `found_at` of the case's `tokens[index]`: it depends on nothing else, so a caller that
/// holds many reports may leave it out and put it back when writing them (the CLI does).
pub fn found_in_tokens(index: usize) -> Value {
    json!({ "source": "tokens", "index": index, "count": 1 })
}

/// The `tokens` entries in order, then the tokens found in `text`.
fn inputs_from(
    tokens: impl Iterator<Item = String>,
    text: Option<&str>,
    notes: &mut Vec<String>,
) -> Vec<TokenInput> {
    let mut out: Vec<TokenInput> = tokens
        .enumerate()
        .map(|(i, t)| TokenInput {
            text: t,
            found_at: found_in_tokens(i),
        })
        .collect();
    if let Some(text) = text {
        out.extend(text_inputs(text, notes));
    }
    out
}

/// The tokens found in a case's `text`, in order of first appearance, as the analysis takes
/// them (after the case's `tokens` entries, whose positions they do not depend on); what the
/// extraction has to say goes into `notes`, which belong in the report (see
/// [`PreparedCase::add_note`]). Callable alone so that a worker can extract the tokens of a
/// large text while the page reads the keys.
pub fn text_inputs(text: &str, notes: &mut Vec<String>) -> Vec<TokenInput> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    match extract::extract_tokens(text) {
        Ok(found) => {
            if found.is_empty() {
                notes.push("no token was found in the pasted text".to_owned());
            }
            found.into_iter().map(found_input).collect()
        }
        Err(e) => {
            notes.push(e.to_string());
            Vec::new()
        }
    }
}

fn found_input(f: FoundToken) -> TokenInput {
    let found_at = json!({
        "source": "text",
        "count": f.count,
        "locations": serde_json::to_value(&f.locations).unwrap_or(Value::Null),
    });
    TokenInput {
        text: f.token,
        found_at,
    }
}

/// A case whose key documents are read, ready for its tokens to be analysed one at a time.
///
/// Each token's analysis reads only the keys, so a native caller (the CLI) may analyse the
/// tokens on several threads and [`PreparedCase::finish`] them in order; [`analyze`] runs the
/// same steps in one loop, so both give the same report.
#[derive(Debug)]
pub struct PreparedCase<'a> {
    sets: Vec<KeySet>,
    /// Each key's provenance, computed when a token first names the key (`[set][key]`, by
    /// position): 10,000 tokens signed by ten keys need ten, not 10,000.
    provenance: Vec<Vec<OnceLock<judge::KeyProvenance>>>,
    judge_options: JudgeOptions<'a>,
    /// The caller's weak secrets and the case's own `weak_secrets`, when the case has some.
    weak_secrets: Vec<String>,
    notes: Vec<String>,
}

impl<'a> PreparedCase<'a> {
    /// Reads the case's key documents and HMAC secrets.
    pub fn new(case: &CaseFile, options: &AnalyzeOptions<'a>) -> Self {
        PreparedCase::from_key_sets(read_key_sets(case), case, options)
    }

    /// A case whose key sets the caller has read itself (in slices, with [`key_set_readers`])
    /// and completed with [`complete_key_sets`]: `sets` must be what [`read_key_sets`] would
    /// return for `case`. Only the case's analysis time is read from `case`.
    pub fn from_key_sets(sets: Vec<KeySet>, case: &CaseFile, options: &AnalyzeOptions<'a>) -> Self {
        PreparedCase {
            provenance: sets
                .iter()
                .map(|s| s.keys.iter().map(|_| OnceLock::new()).collect())
                .collect(),
            sets,
            judge_options: JudgeOptions {
                now: case.now.unwrap_or(options.default_now),
                weak_secrets: options.weak_secrets,
            },
            weak_secrets: if case.weak_secrets.is_empty() {
                Vec::new()
            } else {
                options
                    .weak_secrets
                    .iter()
                    .chain(&case.weak_secrets)
                    .cloned()
                    .collect()
            },
            notes: case.unknown_members_note().into_iter().collect(),
        }
    }

    /// `judge::key_provenance(key, set)`, computed once per key of this case's sets.
    fn key_provenance(&self, key: &KeyEntry, set: &KeySet) -> judge::KeyProvenance {
        let cell = self
            .sets
            .iter()
            .position(|s| std::ptr::eq(s, set))
            .and_then(|si| {
                // The key's position in its set, from its address (it is an element of
                // `set.keys`), confirmed before use.
                let offset = (key as *const KeyEntry as usize)
                    .checked_sub(set.keys.as_ptr() as usize)?
                    / std::mem::size_of::<KeyEntry>().max(1);
                set.keys
                    .get(offset)
                    .filter(|k| std::ptr::eq(*k, key))
                    .and_then(|_| self.provenance.get(si)?.get(offset))
            });
        match cell {
            Some(cell) => cell.get_or_init(|| judge::key_provenance(key, set)).clone(),
            None => judge::key_provenance(key, set),
        }
    }

    /// Adds a note to the report, after those already added: for a caller that extracted the
    /// text's tokens itself ([`text_inputs`]) instead of with [`PreparedCase::take_inputs`],
    /// the notes that extraction wrote.
    pub fn add_note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// The case's tokens, moved out of it (a 10,000-token case holds megabytes of token text,
    /// not worth copying): the `tokens` entries, then the tokens found in `text`.
    pub fn take_inputs(&mut self, case: CaseFile) -> Vec<TokenInput> {
        let CaseFile { tokens, text, .. } = case;
        inputs_from(tokens.into_iter(), text.as_deref(), &mut self.notes)
    }

    /// Every trusted key, in key-set order: what each token's signature is checked against.
    pub fn trusted(&self) -> Vec<&KeyEntry> {
        self.sets.iter().flat_map(|s| s.keys.iter()).collect()
    }

    /// Parses, verifies (with `trusted`, from [`PreparedCase::trusted`]) and judges one token.
    pub fn analyze_token(
        &self,
        index: usize,
        input: TokenInput,
        trusted: &[&KeyEntry],
        verifier: &dyn SignatureVerifier,
    ) -> TokenReport {
        self.analyze_parsed(index, ParsedInput::new(input), trusted, verifier)
    }

    /// [`Self::analyze_token`] for a token already parsed (by [`plan_parsed`]).
    pub fn analyze_parsed(
        &self,
        index: usize,
        input: ParsedInput,
        trusted: &[&KeyEntry],
        verifier: &dyn SignatureVerifier,
    ) -> TokenReport {
        let ParsedInput { input, parsed } = input;
        let found_at = Some(input.found_at);
        let mut report = match parsed {
            Err(e) => TokenReport::malformed(index, &e, found_at),
            Ok(parsed) => {
                let verification = match parsed.primary() {
                    Some(block) => verify::verify_signature(block, trusted, verifier),
                    None => verify::Verification::NoMatchingKey {
                        detail: "the token has no signature".to_owned(),
                    },
                };
                let judgement = judge::judge_token_with(
                    &parsed,
                    &verification,
                    &self.sets,
                    &JudgeOptions {
                        now: self.judge_options.now,
                        weak_secrets: if self.weak_secrets.is_empty() {
                            self.judge_options.weak_secrets
                        } else {
                            &self.weak_secrets
                        },
                    },
                    &|key, set| self.key_provenance(key, set),
                );
                TokenReport::from_parsed(index, *parsed, judgement, found_at)
            }
        };
        report.fingerprint = crate::export::fingerprint(&input.text);
        report.token = Some(input.text);
        report
    }

    /// The report: `tokens` (in case order) plus the key-usage matrix across them.
    pub fn finish(self, tokens: Vec<TokenReport>) -> Report {
        let keys = judge::key_usage(&self.sets, &tokens);
        let mut report = Report::new(self.judge_options.now, tokens, keys);
        report.key_sets = self.sets.iter().map(key_set_report).collect();
        report.notes = self.notes;
        report
    }
}

/// Analyses a whole case with the given verifier.
pub fn analyze(
    case: &CaseFile,
    options: &AnalyzeOptions<'_>,
    verifier: &dyn SignatureVerifier,
) -> Report {
    analyze_with_progress(case, options, verifier, &mut |_, _| {})
}

/// How often [`analyze_with_progress`] reports (in tokens).
pub const PROGRESS_EVERY: usize = 250;

/// [`analyze`], calling `progress(done, total)` every [`PROGRESS_EVERY`] tokens and at the end,
/// so a worker can show progress on large cases.
pub fn analyze_with_progress(
    case: &CaseFile,
    options: &AnalyzeOptions<'_>,
    verifier: &dyn SignatureVerifier,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let mut prepared = PreparedCase::new(case, options);
    let all = inputs(case, &mut prepared.notes);
    let trusted = prepared.trusted();
    let total = all.len();
    let tokens: Vec<TokenReport> = all
        .into_iter()
        .enumerate()
        .map(|(index, input)| {
            if index % PROGRESS_EVERY == 0 && index > 0 {
                progress(index, total);
            }
            prepared.analyze_token(index, input, &trusted, verifier)
        })
        .collect();
    progress(total, total);
    prepared.finish(tokens)
}

/// Analyses a case with the reference verifier (`jsonwebtoken`).
#[cfg(feature = "rust-crypto")]
pub fn analyze_with_reference(case: &CaseFile, options: &AnalyzeOptions<'_>) -> Report {
    analyze(case, options, &verify::JsonWebTokenVerifier)
}

/// Every signature check the analysis of `case` will ask, each distinct (key, algorithm,
/// signing input, signature) once, for a batch or asynchronous verifier (WebCrypto) to answer
/// before [`analyze`] runs with a [`verify::RecordedAnswers`]. Key ids refer to the same key sets
/// `analyze` reads, so the answers line up.
pub fn planned_checks(case: &CaseFile) -> Vec<verify::PlannedCheck> {
    let sets = read_key_sets(case);
    let trusted: Vec<&KeyEntry> = sets.iter().flat_map(|s| s.keys.iter()).collect();
    let parsed: Vec<ParsedInput> = inputs(case, &mut Vec::new())
        .into_iter()
        .map(ParsedInput::new)
        .collect();
    plan_parsed(&parsed, &trusted, &mut std::collections::HashSet::new())
}

/// What identifies a signature check: algorithm, key id, signing input, signature.
pub type CheckId = (verify::Alg, String, Vec<u8>, Vec<u8>);

/// A token with the result of parsing it, so that a caller that plans its signature checks
/// before judging it ([`plan_parsed`], then [`PreparedCase::analyze_parsed`]) parses it once.
#[derive(Debug)]
pub struct ParsedInput {
    input: TokenInput,
    parsed: Result<Box<token::ParsedToken>, crate::error::TokenError>,
}

impl ParsedInput {
    /// Parses `input`.
    pub fn new(input: TokenInput) -> Self {
        let parsed = token::parse_token(&input.text).map(Box::new);
        ParsedInput { input, parsed }
    }
}

/// The checks `inputs` need (with `trusted`, from [`PreparedCase::trusted`]) that are not in
/// `seen` yet, which records them: [`planned_checks`] for a caller that works through a case in
/// slices (the browser verifies the next slices with WebCrypto while judging this one).
pub fn plan_parsed(
    inputs: &[ParsedInput],
    trusted: &[&KeyEntry],
    seen: &mut std::collections::HashSet<CheckId>,
) -> Vec<verify::PlannedCheck> {
    let mut out = Vec::new();
    for input in inputs {
        let Ok(parsed) = &input.parsed else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::SAMPLES;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn cases() -> Vec<CaseFile> {
        SAMPLES
            .iter()
            .map(|s| CaseFile::from_json(s.case_json()).unwrap_or_else(|e| unreachable!("{e}")))
            .collect()
    }

    #[test]
    fn tokens_analysed_in_any_order_give_the_report_of_analyze() {
        for case in cases() {
            let options = AnalyzeOptions::at(0);
            let expected = analyze_with_reference(&case, &options);
            let mut prepared = PreparedCase::new(&case, &options);
            let inputs = prepared.take_inputs(case);
            let trusted = prepared.trusted();
            let mut reports: Vec<TokenReport> = inputs
                .into_iter()
                .enumerate()
                .rev()
                .map(|(i, input)| {
                    prepared.analyze_token(i, input, &trusted, &verify::JsonWebTokenVerifier)
                })
                .collect();
            reports.reverse();
            assert_eq!(prepared.finish(reports), expected);
        }
    }

    #[test]
    fn a_case_read_in_slices_and_extracted_apart_gives_the_report_of_analyze() {
        let mut variants = Vec::new();
        for case in cases() {
            let mut with_text = case.clone();
            with_text.text = case
                .tokens
                .first()
                .map(|t| format!("Authorization: Bearer {t}\nnot a token\n{t}"));
            let mut without_token = case.clone();
            without_token.text = Some("no token in here".to_owned());
            // An OpenID configuration declaring the issuer of the first set.
            let mut with_openid = case.clone();
            if let Some(first) = with_openid.key_sets.first_mut() {
                first.issuer = None;
                first.source = Some("https://openid.example/keys".to_owned());
            }
            with_openid.key_sets.push(crate::case::CaseKeySet {
                source: None,
                issuer: None,
                document: json!({"issuer": "https://openid.example/",
                                 "jwks_uri": "https://openid.example/keys"}),
            });
            variants.extend([case, with_text, without_token, with_openid]);
        }
        for case in variants {
            let options = AnalyzeOptions::at(0);
            let expected = analyze_with_reference(&case, &options);
            for step in [1, 3, usize::MAX] {
                let sets = key_set_readers(&case)
                    .map(|mut reader| {
                        while !reader.step(step) {}
                        reader.finish()
                    })
                    .collect();
                let sets = complete_key_sets(&case, sets);
                let mut prepared = PreparedCase::from_key_sets(sets, &case, &options);
                // The text's tokens extracted elsewhere (a worker) and sent over as JSON.
                let mut notes = Vec::new();
                let found = text_inputs(case.text.as_deref().unwrap_or_default(), &mut notes);
                let wire = serde_json::to_string(&found).unwrap_or_default();
                let found: Vec<TokenInput> = serde_json::from_str(&wire).unwrap_or_default();
                for note in notes {
                    prepared.add_note(note);
                }
                let inputs = case
                    .tokens
                    .iter()
                    .enumerate()
                    .map(|(i, t)| TokenInput {
                        text: t.clone(),
                        found_at: found_in_tokens(i),
                    })
                    .chain(found);
                let trusted = prepared.trusted();
                let reports: Vec<TokenReport> = inputs
                    .enumerate()
                    .map(|(i, input)| {
                        prepared.analyze_token(i, input, &trusted, &verify::JsonWebTokenVerifier)
                    })
                    .collect();
                assert_eq!(prepared.finish(reports), expected, "step {step}");
            }
        }
    }

    #[test]
    fn cached_provenance_equals_computed_provenance_for_every_key() {
        let mut keys = 0;
        for case in cases() {
            let prepared = PreparedCase::new(&case, &AnalyzeOptions::at(0));
            for set in &prepared.sets {
                for key in &set.keys {
                    let want = judge::key_provenance(key, set);
                    assert_eq!(prepared.key_provenance(key, set), want);
                    assert_eq!(prepared.key_provenance(key, set), want, "second, cached");
                    // A copy of the key is not an element of the set: computed, not cached.
                    assert_eq!(prepared.key_provenance(&key.clone(), set), want);
                    keys += 1;
                }
            }
        }
        assert!(keys > 5, "{keys}");
    }

    #[test]
    fn taken_inputs_equal_the_copied_ones() {
        for mut case in cases() {
            case.text = case
                .tokens
                .first()
                .map(|t| format!("Bearer {t}\nnot a token"));
            let mut notes = Vec::new();
            let copied = inputs(&case, &mut notes);
            let mut prepared = PreparedCase::new(&case, &AnalyzeOptions::at(0));
            let taken = prepared.take_inputs(case);
            assert_eq!(taken, copied);
            assert_eq!(prepared.notes, notes);
            for (i, input) in taken.iter().enumerate().take(2) {
                if input.found_at["source"] == "tokens" {
                    assert_eq!(input.found_at, found_in_tokens(i));
                }
            }
        }
    }

    #[test]
    fn a_report_from_a_moved_token_equals_one_from_a_borrowed_token() {
        let mut compared = 0;
        for case in cases() {
            let prepared = PreparedCase::new(&case, &AnalyzeOptions::at(0));
            let trusted = prepared.trusted();
            for (i, text) in case.tokens.iter().enumerate() {
                let Ok(parsed) = token::parse_token(text) else {
                    continue;
                };
                let judge = |p: &token::ParsedToken| {
                    let verification = match p.primary() {
                        Some(block) => {
                            verify::verify_signature(block, &trusted, &verify::JsonWebTokenVerifier)
                        }
                        None => verify::Verification::Unsecured,
                    };
                    judge::judge_token(p, &verification, &prepared.sets, &prepared.judge_options)
                };
                let borrowed = TokenReport::judged(i, &parsed, judge(&parsed), None);
                let judgement = judge(&parsed);
                assert_eq!(
                    TokenReport::from_parsed(i, parsed, judgement, None),
                    borrowed
                );
                compared += 1;
            }
        }
        assert!(compared > 10, "{compared}");
    }
}
