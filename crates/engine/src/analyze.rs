//! The analysis of a case, as one incremental type that every caller drives: the CLI (tokens
//! judged on many threads), the web page (keys read and tokens judged in short slices, with
//! WebCrypto answering each slice's checks ahead), the extraction worker (it only searches text:
//! [`Found::search`]), the fuzz targets and the tests. [`analyze`] is its plain loop.
//!
//! ```text
//! Analysis::read_keys(&case) ─ step(n)… ─ finish() ─▶ Analysis   (key documents, n keys a step)
//!   .add_case(case) / .add_found(found)                          (tokens queued, numbered)
//!   loop: next_slice(n) ─▶ Slice ─ plan(&mut slice) ─▶ checks    (optional: for batch verifiers)
//!                              └── judge(slice, verifier)        (parse, verify, judge)
//!   .finish() ─▶ Report                                          (+ key-usage matrix)
//! ```
//!
//! Order of work: read every key document (a bad key never stops the others; an OpenID
//! configuration declares the issuer of the key set whose `source` is its `jwks_uri`), then
//! the `tokens` entries in order, then the tokens found in `text` in order of first appearance;
//! each token is parsed, its first signature checked against the trusted keys only, and
//! judged; finally the key-usage matrix looks across all tokens. However a caller slices the
//! work, the report is the same.

use std::collections::{HashSet, VecDeque};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::case::CaseFile;
use crate::catalogue::{self, Catalogue};
use crate::error::TokenError;
use crate::extract;
use crate::found::{FoundAt, Note, NoteCode};
use crate::judge::TokenJudgement;
use crate::judge::{self, JudgeOptions};
use crate::keys::{self, KeyEntry, KeySet};
use crate::model::{Evidence, EvidenceKind};
use crate::report::{Report, TokenReport};
use crate::token::SignatureBlock;
use crate::token::{self, ParsedToken, Payload, TokenKind};
use crate::verify::{self, PlannedCheck, SignatureVerifier};
use serde_json::Value;

pub use crate::report::KeySetReport;

/// Options besides the case itself.
#[derive(Debug, Clone, Copy)]
pub struct AnalyzeOptions<'a> {
    /// The analysis time when the case file has no `now` (the caller's clock; the engine has none).
    pub default_now: i64,
    /// Extra publicly known HMAC secrets to test HS tokens against.
    pub weak_secrets: &'a [String],
    /// Secrets of the public list the caller's own search found (see [`JudgeOptions`]).
    pub public_secrets: &'a [String],
}

impl AnalyzeOptions<'_> {
    /// Options with only the built-in weak-secret list.
    pub fn at(default_now: i64) -> AnalyzeOptions<'static> {
        AnalyzeOptions {
            default_now,
            weak_secrets: &[],
            public_secrets: &[],
        }
    }
}

/// A token to analyse and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInput {
    pub text: String,
    pub found_at: FoundAt,
}

/// The tokens found in a text, in order of first appearance, and what the search has to say
/// (it goes into the report's notes). Serialisable: the page's extraction worker searches large
/// texts and sends this over.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Found {
    pub inputs: Vec<TokenInput>,
    pub notes: Vec<Note>,
}

impl Found {
    /// Searches `text` for tokens (see [`crate::extract`]).
    pub fn search(text: &str) -> Found {
        let mut out = Found::default();
        if text.trim().is_empty() {
            return out;
        }
        match extract::extract_tokens(text) {
            Ok(found) => {
                if found.is_empty() {
                    out.notes.push(Note::new(
                        NoteCode::NoTokenFound,
                        "no token was found in the pasted text",
                    ));
                }
                out.inputs = found
                    .into_iter()
                    .map(|f| TokenInput {
                        text: f.token,
                        found_at: FoundAt::Text {
                            count: f.count,
                            locations: f.locations,
                        },
                    })
                    .collect();
            }
            Err(e) => out
                .notes
                .push(Note::new(NoteCode::TextNotSearched, e.to_string())),
        }
        out
    }
}

/// Reading a case's key documents, a bounded number of keys per [`KeyReading::step`], so that a
/// page's main thread can read a 10,000-key document without a long task.
#[derive(Debug)]
pub struct KeyReading<'c, 'a> {
    case: &'c CaseFile,
    options: AnalyzeOptions<'a>,
    current: Option<keys::KeySetReader<'c>>,
    sets: Vec<KeySet>,
}

impl<'c, 'a> KeyReading<'c, 'a> {
    /// Reads up to `max_keys` keys; true when every document is read.
    pub fn step(&mut self, max_keys: usize) -> bool {
        let mut budget = max_keys.max(1);
        loop {
            if self.current.is_none() {
                let i = self.sets.len();
                let Some(ks) = self.case.key_sets.get(i) else {
                    return true;
                };
                self.current = Some(keys::KeySetReader::borrowing(
                    i,
                    ks.source.as_deref(),
                    ks.issuer.as_deref(),
                    &ks.document,
                ));
            }
            let Some(reader) = self.current.as_mut() else {
                return true;
            };
            let before = reader.remaining();
            if !reader.step(budget) {
                return false;
            }
            budget = budget.saturating_sub(before - reader.remaining());
            if let Some(reader) = self.current.take() {
                self.sets.push(reader.finish());
            }
            if budget == 0 {
                return self.sets.len() >= self.case.key_sets.len();
            }
        }
    }

    /// The analysis, once its keys are read (reads whatever is left first). An OpenID
    /// configuration declares the issuer of the set whose source is its `jwks_uri`, and the
    /// case's HMAC secrets become sets of their own.
    pub fn finish(mut self) -> Analysis<'a> {
        while !self.step(usize::MAX) {}
        let mut sets = self.sets;
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
        sets.extend(self.case.hmac_key_sets(base));
        let now = self.case.now.unwrap_or(self.options.default_now);
        let mut analysis = Analysis {
            provenance: Vec::new(),
            sets,
            catalogue: None,
            catalogue_keys: OnceLock::new(),
            judge_options: JudgeOptions {
                now,
                weak_secrets: self.options.weak_secrets,
                public_secrets: self.options.public_secrets,
            },
            per_token_time: self.case.judge_at == Some(crate::case::JudgeAt::Token),
            weak_secrets: if self.case.weak_secrets.is_empty() {
                Vec::new()
            } else {
                self.options
                    .weak_secrets
                    .iter()
                    .chain(&self.case.weak_secrets)
                    .cloned()
                    .collect()
            },
            notes: self
                .case
                .unknown_members_note()
                .map(|n| Note::new(NoteCode::UnknownCaseMembers, n))
                .into_iter()
                .collect(),
            queue: VecDeque::new(),
            queued: 0,
            seen: HashSet::new(),
            reports: Vec::new(),
        };
        if self.case.catalogue != Some(false) {
            analysis.set_catalogue(default_catalogue());
        }
        analysis
    }
}

/// The catalogue an analysis consults unless told otherwise: the built-in one when the engine
/// is built with it (feature `catalogue`); none otherwise (the web app's main module passes the
/// one it loads on demand to [`Analysis::set_catalogue`]).
#[cfg(feature = "catalogue")]
fn default_catalogue() -> Option<&'static Catalogue> {
    catalogue::embedded().ok()
}

#[cfg(not(feature = "catalogue"))]
fn default_catalogue() -> Option<&'static Catalogue> {
    None
}

/// The catalogue's keys read as key sets, one key per set (set index = the case's sets + the
/// key's position in the catalogue), with each key's provenance computed on first need.
#[derive(Debug)]
struct CatalogueKeys {
    sets: Vec<KeySet>,
    provenance: Vec<OnceLock<judge::KeyProvenance>>,
}

/// What identifies a signature check: algorithm, key id, signing input, signature.
type CheckId = (verify::Alg, String, Vec<u8>, Vec<u8>);

/// One case's analysis in progress: its key sets are read; tokens are queued, then taken a
/// slice at a time, (optionally) planned, and judged; [`Analysis::finish`] gives the report.
#[derive(Debug)]
pub struct Analysis<'a> {
    sets: Vec<KeySet>,
    /// The catalogue of published keys consulted when no supplied key carries the identifier
    /// a token names (see [`Analysis::set_catalogue`]).
    catalogue: Option<&'a Catalogue>,
    catalogue_keys: OnceLock<CatalogueKeys>,
    /// Each key's provenance, computed when a token first names the key
    /// (`[set_index][key_index]`): 10,000 tokens signed by ten keys need ten, not 10,000.
    provenance: Vec<Vec<OnceLock<judge::KeyProvenance>>>,
    judge_options: JudgeOptions<'a>,
    /// Each token is judged at its own time (case `judge_at: "token"`, see [`token_time`]).
    per_token_time: bool,
    /// The caller's weak secrets and the case's own `weak_secrets`, when the case has some
    /// (else the caller's are used as they are, uncopied).
    weak_secrets: Vec<String>,
    notes: Vec<Note>,
    /// Tokens not yet taken into a slice; `queued` counts every token ever queued.
    queue: VecDeque<TokenInput>,
    queued: usize,
    /// Checks already planned, so that each distinct check is asked once.
    seen: HashSet<CheckId>,
    reports: Vec<TokenReport>,
}

/// Tokens taken together from the queue, numbered in case order.
#[derive(Debug)]
pub struct Slice {
    tokens: Vec<SliceToken>,
}

/// One token of a [`Slice`], parsed once (when planned, else when judged).
#[derive(Debug)]
pub struct SliceToken {
    index: usize,
    input: TokenInput,
    parsed: Option<Result<Box<ParsedToken>, TokenError>>,
}

impl Slice {
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The tokens, for a caller that judges them itself ([`Judge::token`], e.g. on many
    /// threads) and hands the reports back in order ([`Analysis::add_reports`]).
    pub fn into_tokens(self) -> Vec<SliceToken> {
        self.tokens
    }
}

impl SliceToken {
    /// The token's position in the case.
    pub fn index(&self) -> usize {
        self.index
    }

    fn parse(&mut self) -> &Result<Box<ParsedToken>, TokenError> {
        let text = &self.input.text;
        self.parsed
            .get_or_insert_with(|| token::parse_token(text).map(Box::new))
    }
}

impl<'a> Analysis<'a> {
    /// Starts reading the case's key documents (only `key_sets`, `hmac_secrets`, `now`,
    /// `weak_secrets` and the unknown members' names are read from `case`; its tokens are
    /// added with [`Analysis::add_case`]).
    pub fn read_keys<'c>(case: &'c CaseFile, options: &AnalyzeOptions<'a>) -> KeyReading<'c, 'a> {
        KeyReading {
            case,
            options: *options,
            current: None,
            sets: Vec::with_capacity(case.key_sets.len()),
        }
    }

    /// [`Analysis::read_keys`] in one go.
    pub fn new(case: &CaseFile, options: &AnalyzeOptions<'a>) -> Self {
        Analysis::read_keys(case, options).finish()
    }

    /// Which catalogue of published keys to consult, or none (`keyhole check --no-catalogue`,
    /// a case file's `"catalogue": false`). By default the built-in one when the engine has it.
    /// Call it before judging tokens. Besides lookups, a supplied key set whose source is a
    /// catalogued (non-Microsoft) endpoint and that has no declared issuer takes the issuer
    /// the catalogue records for that endpoint; without a catalogue it has none.
    pub fn set_catalogue(&mut self, catalogue: Option<&'a Catalogue>) {
        self.catalogue = catalogue;
        self.catalogue_keys = OnceLock::new();
        for set in &mut self.sets {
            if set.issuer_from_catalogue {
                set.declared_issuer = None;
                set.issuer_from_catalogue = false;
            }
            if set.declared_issuer.is_some() {
                continue;
            }
            // Microsoft's endpoints are left to the source-path evidence: their catalogued
            // issuers are templates or shared by sets that mix key kinds.
            let issuer = catalogue.zip(set.source.as_deref()).and_then(|(c, src)| {
                c.endpoint(src)
                    .filter(|e| e.cloud.is_none())
                    .and_then(|e| e.issuer.clone())
            });
            if let Some(issuer) = issuer {
                set.declared_issuer = Some(issuer);
                set.issuer_from_catalogue = true;
            }
        }
        self.provenance = self
            .sets
            .iter()
            .map(|s| s.keys.iter().map(|_| OnceLock::new()).collect())
            .collect();
    }

    /// The catalogue this analysis consults, if any.
    pub fn catalogue(&self) -> Option<&'a Catalogue> {
        self.catalogue
    }

    fn catalogue_keys(&self) -> Option<&CatalogueKeys> {
        let catalogue = self.catalogue?;
        let base = self.sets.len();
        Some(self.catalogue_keys.get_or_init(|| {
            CatalogueKeys {
                sets: catalogue
                    .keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| catalogue.key_set(base + i, k, None))
                    .collect(),
                provenance: catalogue.keys.iter().map(|_| OnceLock::new()).collect(),
            }
        }))
    }

    /// The catalogue keys to check a signature against instead of the supplied ones: when the
    /// token names a key (kid, x5t, x5t#S256), no supplied key carries that identifier and no
    /// supplied key verified it (supplied keys always take precedence), the catalogue keys it
    /// names ([`Catalogue::named_by`]). None when the catalogue has nothing to say.
    fn catalogue_candidates(
        &self,
        block: &SignatureBlock,
        supplied: &[&KeyEntry],
        verification: &verify::Verification,
        iss: Option<&str>,
    ) -> Option<Vec<&KeyEntry>> {
        let catalogue = self.catalogue?;
        if matches!(verification, verify::Verification::Verified { .. }) {
            return None;
        }
        let p = &block.params;
        let (kid, x5t, s256) = (p.kid.as_deref(), p.x5t.as_deref(), p.x5t_s256.as_deref());
        if kid.is_none() && x5t.is_none() && s256.is_none() {
            return None;
        }
        let carries = |k: &&KeyEntry| {
            (kid.is_some() && k.kid.as_deref() == kid)
                || x5t.is_some_and(|t| {
                    k.x5t.as_deref() == Some(t)
                        || k.certificate.as_ref().is_some_and(|c| c.x5t == t)
                })
                || s256.is_some_and(|t| {
                    k.x5t_s256.as_deref() == Some(t)
                        || k.certificate.as_ref().is_some_and(|c| c.x5t_s256 == t)
                })
        };
        if supplied.iter().any(carries) {
            return None;
        }
        let named = catalogue.named_by(kid, x5t, s256, iss);
        if named.is_empty() {
            return None;
        }
        let keys = self.catalogue_keys()?;
        let entries: Vec<&KeyEntry> = named
            .iter()
            .filter_map(|&i| keys.sets.get(i)?.keys.first())
            .collect();
        (!entries.is_empty()).then_some(entries)
    }

    /// The provenance of a catalogue key: as for a key set fetched from the endpoint that
    /// published it, with every part that rests on that endpoint marked as the catalogue's
    /// (evidence kind `catalogue`), and the publication named with its dates.
    fn catalogue_provenance(&self, key: &KeyEntry, set: &KeySet) -> Option<judge::KeyProvenance> {
        let catalogue = self.catalogue?;
        let position = set.index.checked_sub(self.sets.len())?;
        let ck = catalogue.keys.get(position)?;
        let keys = self.catalogue_keys()?;
        let cell = keys.provenance.get(position)?;
        Some(
            cell.get_or_init(|| {
                let mut p = judge::key_provenance(key, set);
                let endpoint = set.source.clone().unwrap_or_default();
                let published = ck.publication_at(&endpoint);
                let day = |t: catalogue::UtcTime| -> String {
                    crate::time::format_utc(t.0).chars().take(10).collect()
                };
                let window = match published.map(|p| (p.first_seen, p.last_seen)) {
                    Some((Some(f), Some(l))) => {
                        format!("first seen {}, last seen {}", day(f), day(l))
                    }
                    _ => "seen in an undated observation".to_owned(),
                };
                let up_to = catalogue.published_up_to();
                for e in [&mut p.cloud_evidence, &mut p.scope_evidence] {
                    if matches!(
                        e.kind,
                        EvidenceKind::KeySetSource | EvidenceKind::DeclaredIssuer
                    ) {
                        e.kind = EvidenceKind::Catalogue;
                        e.explanation = format!(
                            "from Keyhole's catalogue of published keys (endpoint {endpoint}): {}",
                            e.explanation
                        );
                    }
                }
                p.catalogue = Some(Evidence {
                    kind: EvidenceKind::Catalogue,
                    value: Some(endpoint.clone()),
                    weak: false,
                    explanation: format!(
                        "no supplied key set holds this key: it is from Keyhole's catalogue of published keys (keys published up to {up_to}), published at {endpoint} ({window})"
                    ),
                });
                p.name_ref();
                p
            })
            .clone(),
        )
    }

    /// The trusted key sets, in case order (key documents, then HMAC secrets).
    pub fn key_sets(&self) -> &[KeySet] {
        &self.sets
    }

    /// The analysis time.
    pub fn now(&self) -> i64 {
        self.judge_options.now
    }

    /// Queues the case's tokens, moved out of it (a 10,000-token case holds megabytes of token
    /// text, not worth copying): the `tokens` entries, then the tokens found in `text`.
    pub fn add_case(&mut self, case: CaseFile) {
        let CaseFile { tokens, text, .. } = case;
        self.queued += tokens.len();
        self.queue
            .extend(tokens.into_iter().enumerate().map(|(i, text)| TokenInput {
                text,
                found_at: FoundAt::tokens(i),
            }));
        if let Some(text) = text {
            self.add_found(Found::search(&text));
        }
    }

    /// Queues tokens found in a text elsewhere (by [`Found::search`], e.g. in a worker), after
    /// those already queued, and keeps the search's notes for the report.
    pub fn add_found(&mut self, found: Found) {
        let Found { inputs, notes } = found;
        self.queued += inputs.len();
        self.queue.extend(inputs);
        self.notes.extend(notes);
    }

    /// (tokens judged, tokens queued in all).
    pub fn progress(&self) -> (usize, usize) {
        (self.reports.len(), self.queued)
    }

    /// The next (at most `max`) queued tokens, or None when every token has been taken.
    pub fn next_slice(&mut self, max: usize) -> Option<Slice> {
        if self.queue.is_empty() {
            return None;
        }
        let first = self.queued - self.queue.len();
        let n = max.clamp(1, self.queue.len());
        // One allocation for every report, not a doubling (10,000 reports are megabytes).
        if self.reports.capacity() < self.queued {
            self.reports.reserve_exact(self.queued - self.reports.len());
        }
        let tokens = self
            .queue
            .drain(..n)
            .enumerate()
            .map(|(i, input)| SliceToken {
                index: first + i,
                input,
                parsed: None,
            })
            .collect();
        Some(Slice { tokens })
    }

    /// The signature checks the slice's tokens need that no earlier [`Analysis::plan`] asked
    /// for, each distinct (key, algorithm, signing input, signature) once: for a batch or
    /// asynchronous verifier (WebCrypto) to answer before [`Analysis::judge`] runs with a
    /// [`verify::RecordedAnswers`]. Parses the tokens (judging does not parse them again).
    pub fn plan(&mut self, slice: &mut Slice) -> Vec<PlannedCheck> {
        let trusted: Vec<&KeyEntry> = self.sets.iter().flat_map(|s| s.keys.iter()).collect();
        let mut out = Vec::new();
        for t in &mut slice.tokens {
            let Ok(parsed) = t.parse() else {
                continue;
            };
            let Some(block) = parsed.primary() else {
                continue;
            };
            let mut plans = vec![verify::plan_checks(block, &trusted)];
            // The catalogue's checks too, when judging will ask them: supplied keys that verify
            // the token are decided only by the answers, so plan for the case they do not.
            let undecided = verify::Verification::NoMatchingKey {
                detail: String::new(),
            };
            let iss = parsed
                .claims()
                .and_then(|c| c.get("iss"))
                .and_then(Value::as_str);
            if let Some(keys) = self.catalogue_candidates(block, &trusted, &undecided, iss) {
                plans.push(verify::plan_checks(block, &keys));
            }
            for plan in plans {
                let verify::Plan::Checks { checks, .. } = plan else {
                    continue;
                };
                for c in checks {
                    let id = (
                        c.alg,
                        c.key_id.clone(),
                        c.signing_input.clone(),
                        c.signature.clone(),
                    );
                    if self.seen.insert(id) {
                        out.push(c);
                    }
                }
            }
        }
        out
    }

    /// Judges every token of the slice: parse (unless planned), verify with `verifier`, judge.
    pub fn judge(&mut self, slice: Slice, verifier: &dyn SignatureVerifier) {
        let reports: Vec<TokenReport> = {
            let judge = self.judging();
            slice
                .tokens
                .into_iter()
                .map(|t| judge.token(t, verifier))
                .collect()
        };
        self.reports.extend(reports);
    }

    /// What judges tokens one at a time, borrowing the analysis (shareable across threads).
    pub fn judging(&self) -> Judge<'_, 'a> {
        Judge {
            analysis: self,
            trusted: self.sets.iter().flat_map(|s| s.keys.iter()).collect(),
        }
    }

    /// Records reports made with [`Analysis::judging`], which must continue the ones recorded
    /// so far in case order (a report out of order is refused, and the return value is false).
    pub fn add_reports(&mut self, reports: impl IntoIterator<Item = TokenReport>) -> bool {
        for r in reports {
            if r.index != self.reports.len() {
                return false;
            }
            self.reports.push(r);
        }
        true
    }

    /// The judgement's options: the analysis time and every weak secret to test HS tokens
    /// against (the case's own with the caller's).
    fn judge_options(&self) -> JudgeOptions<'_> {
        JudgeOptions {
            now: self.judge_options.now,
            public_secrets: self.judge_options.public_secrets,
            weak_secrets: if self.weak_secrets.is_empty() {
                self.judge_options.weak_secrets
            } else {
                &self.weak_secrets
            },
        }
    }

    /// `judge::key_provenance(key, set)`, computed once per key of this case's sets.
    fn key_provenance(&self, key: &KeyEntry, set: &KeySet) -> judge::KeyProvenance {
        if set.index >= self.sets.len() {
            if let Some(p) = self.catalogue_provenance(key, set) {
                return p;
            }
        }
        let cell = (set.index == key.set_index)
            .then(|| self.sets.get(key.set_index)?.keys.get(key.key_index))
            .flatten()
            .filter(|held| held.id == key.id)
            .and_then(|_| self.provenance.get(key.set_index)?.get(key.key_index));
        match cell {
            Some(cell) => {
                let p = cell.get_or_init(|| judge::key_provenance(key, set));
                // Named once here, so that every token's copy carries the name.
                p.name_ref();
                p.clone()
            }
            None => judge::key_provenance(key, set),
        }
    }

    /// `key-not-published-at-issue` for a token a catalogue key verified: its `iat` outside the
    /// window in which the key's endpoint was seen publishing it.
    fn check_publication_window(&self, token: &ParsedToken, judgement: &mut TokenJudgement) {
        let Some(catalogue) = self.catalogue else {
            return;
        };
        let Some(signing) = judgement.signing_key.as_ref().filter(|k| k.verified) else {
            return;
        };
        if signing.provenance.catalogue.is_none() {
            return;
        }
        let Some(iat) = token
            .claims()
            .and_then(|c| c.get("iat"))
            .and_then(Value::as_f64)
        else {
            return;
        };
        let position = judge::find_key(
            self.catalogue_keys().map_or(&[][..], |k| &k.sets[..]),
            &signing.key_id,
        )
        .and_then(|(_, set)| set.index.checked_sub(self.sets.len()));
        let Some(key) = position.and_then(|i| catalogue.keys.get(i)) else {
            return;
        };
        #[allow(clippy::cast_possible_truncation)]
        let iat = iat.floor() as i64;
        if let Some(f) =
            catalogue::check_publication_window(key, signing.provenance.source.as_deref(), iat)
        {
            judgement.findings.push(f);
        }
    }

    /// The report: every token judged so far (in case order) plus the key-usage matrix, and a
    /// note when some verdict rests on the catalogue rather than on a supplied key set.
    pub fn finish(self) -> Report {
        let keys = judge::key_usage(&self.sets, &self.reports);
        let from_catalogue = self
            .reports
            .iter()
            .filter(|r| {
                r.signing_key
                    .as_ref()
                    .is_some_and(|k| k.provenance.catalogue.is_some())
            })
            .count();
        let mut notes = self.notes;
        if let (Some(catalogue), 1..) = (self.catalogue, from_catalogue) {
            notes.push(Note::new(
                NoteCode::CatalogueKeys,
                format!(
                    "{from_catalogue} token{} judged against Keyhole's catalogue of published keys (keys published up to {}), not against a key set you supplied",
                    if from_catalogue == 1 { " was" } else { "s were" },
                    catalogue.published_up_to()
                ),
            ));
        }
        let mut report = Report::new(self.judge_options.now, self.reports, keys);
        report.key_sets = self.sets.iter().map(key_set_report).collect();
        report.notes = notes;
        report
    }
}

/// The time to judge a token at, and why, when each token is judged at its own time: the time
/// of the first place it was found that shows one — its log line's timestamp, or the start of
/// its HAR entry (`startedDateTime`) — else its `iat`, else the case's time `now`.
fn token_time(found_at: Option<&FoundAt>, token: &ParsedToken, now: i64) -> (i64, String) {
    let seen = match found_at {
        Some(FoundAt::Text { locations, .. }) => locations.iter().find_map(|l| {
            let logged = l.log.as_ref().and_then(|g| g.timestamp.as_deref());
            match (logged.and_then(crate::time::parse_log_time), &l.context) {
                (Some(t), _) => Some((t, "the time of the log line it was found on".to_owned())),
                (
                    None,
                    crate::found::LocationContext::Har {
                        entry,
                        started: Some(started),
                        ..
                    },
                ) => Some((
                    started.epoch,
                    format!("the start of HAR entry {entry} it was found in (startedDateTime)"),
                )),
                _ => None,
            }
        }),
        _ => None,
    };
    if let Some(seen) = seen {
        return seen;
    }
    let iat = token
        .claims()
        .and_then(|c| c.get("iat"))
        .and_then(Value::as_f64)
        .filter(|t| t.is_finite() && t.abs() < 1e15);
    match iat {
        // Whole seconds: the time rules compare seconds.
        #[allow(clippy::cast_possible_truncation)]
        Some(t) => (t.floor() as i64, "its own issue time (iat)".to_owned()),
        None => (
            now,
            "the case's analysis time (no log-line or HAR entry time and no iat to judge it at)"
                .to_owned(),
        ),
    }
}

/// Judges single tokens against an [`Analysis`]'s keys (see [`Analysis::judging`]).
#[derive(Debug)]
pub struct Judge<'s, 'a> {
    analysis: &'s Analysis<'a>,
    trusted: Vec<&'s KeyEntry>,
}

impl Judge<'_, '_> {
    /// Parses (unless planned), verifies and judges one token.
    pub fn token(&self, t: SliceToken, verifier: &dyn SignatureVerifier) -> TokenReport {
        let SliceToken {
            index,
            input,
            parsed,
        } = t;
        let TokenInput { text, found_at } = input;
        let parsed = parsed.unwrap_or_else(|| token::parse_token(&text).map(Box::new));
        let found_at = Some(found_at);
        let a = self.analysis;
        let mut report = match parsed {
            Err(e) => {
                let mut report = TokenReport::malformed(index, &e, found_at);
                if let Some((header, payload)) = token::truncated_parts(&text) {
                    report.header = Value::Object(header);
                    report.notes.push(Note::new(
                        NoteCode::TruncatedToken,
                        format!("the payload up to where the token was cut off: {payload}"),
                    ));
                }
                report
            }
            Ok(parsed) => {
                let mut sets: &[KeySet] = &a.sets;
                let verification = match parsed.primary() {
                    Some(block) => {
                        let supplied = verify::verify_signature(block, &self.trusted, verifier);
                        let iss = parsed
                            .claims()
                            .and_then(|c| c.get("iss"))
                            .and_then(Value::as_str);
                        let from_catalogue = a
                            .catalogue_candidates(block, &self.trusted, &supplied, iss)
                            .map(|keys| verify::verify_signature(block, &keys, verifier))
                            .filter(|v| !matches!(v, verify::Verification::NoMatchingKey { .. }));
                        // The catalogue's keys are read (once per analysis) only for a token
                        // they judge, not for every token.
                        let keys = from_catalogue.as_ref().and_then(|_| a.catalogue_keys());
                        match (from_catalogue, keys) {
                            (Some(v), Some(keys)) => {
                                sets = &keys.sets;
                                v
                            }
                            _ => supplied,
                        }
                    }
                    None => verify::Verification::NoMatchingKey {
                        detail: "the token has no signature".to_owned(),
                    },
                };
                let mut options = a.judge_options();
                let judged_at = a
                    .per_token_time
                    .then(|| token_time(found_at.as_ref(), &parsed, options.now));
                if let Some((at, _)) = &judged_at {
                    options.now = *at;
                }
                let mut judgement =
                    judge::judge_token_with(&parsed, &verification, sets, &options, &|key, set| {
                        a.key_provenance(key, set)
                    });
                a.check_publication_window(&parsed, &mut judgement);
                // `catalogue-key-mismatch`: the supplied key the token names is not the one
                // published under its kid.
                if let Some(c) = a.catalogue {
                    let sets = &a.sets;
                    let signing = judgement.signing_key.as_ref();
                    judgement
                        .findings
                        .extend(catalogue::check_signing_key(c, sets, signing));
                }
                let mut report = TokenReport::from_parsed(index, *parsed, judgement, found_at);
                if let Some((at, basis)) = judged_at {
                    report.notes.push(Note::new(
                        NoteCode::JudgedAt,
                        format!("judged as of {}, {basis}", crate::time::format_utc(at)),
                    ));
                }
                report
            }
        };
        report.fingerprint = crate::export::fingerprint(&text);
        report.token = Some(text);
        report
    }
}

/// Building a token's report from its judgement lives here, with the analysis that judges,
/// rather than in `report`, so that the report types depend on nothing that produces them.
impl TokenReport {
    /// A parsed token and its judgement.
    pub fn judged(
        index: usize,
        token: &ParsedToken,
        judgement: TokenJudgement,
        found_at: Option<FoundAt>,
    ) -> Self {
        let header = token
            .primary()
            .map(|b| Value::Object(b.header.clone()))
            .unwrap_or(Value::Null);
        let claims = match &token.payload {
            Payload::Json(v) => v.clone(),
            _ => Value::Null,
        };
        let parts = (token.kind, header, claims, token.notes.clone());
        Self::assemble(index, parts, judgement, found_at)
    }

    /// [`TokenReport::judged`], moving the header, claims and notes out of the token instead
    /// of copying them (batch analysis no longer needs the parsed token).
    pub fn from_parsed(
        index: usize,
        token: ParsedToken,
        judgement: TokenJudgement,
        found_at: Option<FoundAt>,
    ) -> Self {
        let header = token
            .signatures
            .into_iter()
            .next()
            .map(|b| Value::Object(b.header))
            .unwrap_or(Value::Null);
        let claims = match token.payload {
            Payload::Json(v) => v,
            _ => Value::Null,
        };
        let parts = (token.kind, header, claims, token.notes);
        Self::assemble(index, parts, judgement, found_at)
    }

    fn assemble(
        index: usize,
        (kind, header, claims, notes): (TokenKind, Value, Value, Vec<Note>),
        judgement: TokenJudgement,
        found_at: Option<FoundAt>,
    ) -> Self {
        TokenReport {
            index,
            verdict: judgement.verdict,
            verdict_reason: judgement.verdict_reason,
            findings: judgement.findings,
            kind: Some(kind_name(kind).to_owned()),
            header,
            claims,
            signature: Some(judgement.signature),
            signing_key: judgement.signing_key,
            boundary: Some(judgement.boundary),
            found_at,
            error: None,
            notes,
            token: None,
            fingerprint: String::new(),
        }
    }
}

fn kind_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Jws => "jws",
        TokenKind::Jwe => "jwe",
        TokenKind::Unsecured => "unsecured",
    }
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
            .map(|p| match p.key_index {
                Some(i) => format!(
                    "{}: {}",
                    crate::model::key_name(
                        &format!("{}/{i}", set.index),
                        set.source.as_deref(),
                        p.kid.as_deref(),
                        false
                    ),
                    p.message
                ),
                None => format!(
                    "{}: {}",
                    crate::model::key_set_name(set.index, set.source.as_deref()),
                    p.message
                ),
            })
            .collect(),
        warnings: set.warnings.clone(),
    }
}

/// Tokens per slice in [`analyze_with_progress`], and how often it reports progress.
pub const PROGRESS_EVERY: usize = 250;

/// Analyses a whole case with the given verifier.
pub fn analyze(
    case: &CaseFile,
    options: &AnalyzeOptions<'_>,
    verifier: &dyn SignatureVerifier,
) -> Report {
    analyze_with_progress(case, options, verifier, &mut |_, _| {})
}

/// [`analyze`], calling `progress(done, total)` every [`PROGRESS_EVERY`] tokens and at the end,
/// so a worker can show progress on large cases.
pub fn analyze_with_progress(
    case: &CaseFile,
    options: &AnalyzeOptions<'_>,
    verifier: &dyn SignatureVerifier,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let mut analysis = Analysis::new(case, options);
    analysis.add_case(CaseFile {
        tokens: case.tokens.clone(),
        text: case.text.clone(),
        ..CaseFile::default()
    });
    while let Some(slice) = analysis.next_slice(PROGRESS_EVERY) {
        analysis.judge(slice, verifier);
        let (done, total) = analysis.progress();
        if done < total {
            progress(done, total);
        }
    }
    let (done, total) = analysis.progress();
    progress(done, total);
    analysis.finish()
}

/// Analyses a case with the reference verifier (`jsonwebtoken`).
#[cfg(feature = "rust-crypto")]
pub fn analyze_with_reference(case: &CaseFile, options: &AnalyzeOptions<'_>) -> Report {
    analyze(case, options, &verify::JsonWebTokenVerifier)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::SAMPLES;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn cases() -> Vec<CaseFile> {
        SAMPLES
            .iter()
            .map(|s| CaseFile::from_json(s.case_json()).unwrap())
            .collect()
    }

    #[test]
    fn tokens_judged_in_any_order_give_the_report_of_analyze() {
        for case in cases() {
            let options = AnalyzeOptions::at(0);
            let expected = analyze_with_reference(&case, &options);
            let mut analysis = Analysis::new(&case, &options);
            analysis.add_case(case);
            let mut tokens = Vec::new();
            while let Some(slice) = analysis.next_slice(2) {
                tokens.extend(slice.into_tokens());
            }
            let mut reports: Vec<TokenReport> = {
                let judge = analysis.judging();
                tokens
                    .into_iter()
                    .rev()
                    .map(|t| judge.token(t, &verify::JsonWebTokenVerifier))
                    .collect()
            };
            reports.reverse();
            assert!(analysis.add_reports(reports));
            assert_eq!(analysis.finish(), expected);
        }
    }

    #[test]
    fn reports_out_of_order_are_refused() {
        let Some(case) = cases().into_iter().find(|c| c.tokens.len() >= 2) else {
            unreachable!("a sample with two tokens")
        };
        let mut analysis = Analysis::new(&case, &AnalyzeOptions::at(0));
        analysis.add_case(case);
        let Some(slice) = analysis.next_slice(2) else {
            unreachable!("two tokens")
        };
        let mut reports: Vec<TokenReport> = {
            let judge = analysis.judging();
            slice
                .into_tokens()
                .into_iter()
                .map(|t| judge.token(t, &verify::JsonWebTokenVerifier))
                .collect()
        };
        reports.reverse();
        assert!(!analysis.add_reports(reports));
        assert_eq!(analysis.progress().0, 0);
    }

    /// Every variant of how a caller may drive the analysis: keys read a few at a time, text
    /// searched elsewhere and sent over as JSON, slices of any size, planned or not.
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
                let mut reading = Analysis::read_keys(&case, &options);
                while !reading.step(step) {}
                let mut analysis = reading.finish();
                // The text's tokens found elsewhere (a worker) and sent over as JSON.
                let found = Found::search(case.text.as_deref().unwrap_or_default());
                let wire = serde_json::to_string(&found).unwrap_or_default();
                let found: Found = serde_json::from_str(&wire).unwrap_or_default();
                let mut rest = case.clone();
                rest.text = None;
                analysis.add_case(rest);
                analysis.add_found(found);
                let mut planned = 0;
                while let Some(mut slice) = analysis.next_slice(step) {
                    if step == 3 {
                        planned += analysis.plan(&mut slice).len();
                    }
                    analysis.judge(slice, &verify::JsonWebTokenVerifier);
                }
                let (done, total) = analysis.progress();
                assert_eq!(done, total);
                assert_eq!(analysis.finish(), expected, "step {step}");
                let _ = planned;
            }
        }
    }

    #[test]
    fn cached_provenance_equals_computed_provenance_for_every_key() {
        let mut keys = 0;
        for case in cases() {
            let analysis = Analysis::new(&case, &AnalyzeOptions::at(0));
            for set in &analysis.sets {
                for key in &set.keys {
                    let want = judge::key_provenance(key, set);
                    assert_eq!(analysis.key_provenance(key, set), want);
                    assert_eq!(analysis.key_provenance(key, set), want, "second, cached");
                    assert!(analysis.provenance[key.set_index][key.key_index]
                        .get()
                        .is_some());
                    // A key that is not at its position in the set is computed, not cached.
                    let mut stranger = key.clone();
                    stranger.id = format!("{}-other", key.id);
                    assert_eq!(
                        analysis.key_provenance(&stranger, set),
                        judge::key_provenance(&stranger, set)
                    );
                    keys += 1;
                }
            }
        }
        assert!(keys > 5, "{keys}");
    }

    #[test]
    fn queued_tokens_are_the_tokens_entries_then_the_texts() {
        for mut case in cases() {
            case.text = case
                .tokens
                .first()
                .map(|t| format!("Bearer {t}\nnot a token"));
            let mut analysis = Analysis::new(&case, &AnalyzeOptions::at(0));
            let listed = case.tokens.clone();
            let found = Found::search(case.text.as_deref().unwrap_or_default());
            analysis.add_case(case);
            let mut seen = Vec::new();
            while let Some(slice) = analysis.next_slice(1) {
                for t in slice.into_tokens() {
                    assert_eq!(t.index(), seen.len());
                    seen.push(t.input);
                }
            }
            for (i, text) in listed.iter().enumerate() {
                assert_eq!(seen[i].text, *text);
                assert_eq!(seen[i].found_at, FoundAt::tokens(i));
            }
            assert_eq!(seen[listed.len()..], found.inputs[..]);
            assert_eq!(analysis.notes, found.notes);
        }
    }

    #[test]
    fn planning_asks_each_distinct_check_once() {
        for case in cases() {
            let mut analysis = Analysis::new(&case, &AnalyzeOptions::at(0));
            let mut doubled = case.clone();
            doubled.tokens.extend(case.tokens.iter().cloned());
            analysis.add_case(doubled);
            let mut first = Vec::new();
            if let Some(mut slice) = analysis.next_slice(case.tokens.len()) {
                first = analysis.plan(&mut slice);
            }
            if let Some(mut slice) = analysis.next_slice(usize::MAX) {
                assert!(analysis.plan(&mut slice).is_empty(), "asked again");
            }
            let ids: HashSet<_> = first
                .iter()
                .map(|c| {
                    (
                        c.alg,
                        c.key_id.clone(),
                        c.signing_input.clone(),
                        c.signature.clone(),
                    )
                })
                .collect();
            assert_eq!(ids.len(), first.len());
        }
    }

    #[test]
    fn a_report_from_a_moved_token_equals_one_from_a_borrowed_token() {
        let mut compared = 0;
        for case in cases() {
            let analysis = Analysis::new(&case, &AnalyzeOptions::at(0));
            let trusted: Vec<&KeyEntry> = analysis.sets.iter().flat_map(|s| &s.keys).collect();
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
                    judge::judge_token(p, &verification, &analysis.sets, &analysis.judge_options)
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
