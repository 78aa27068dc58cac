//! The workspace: everything the analyst has entered, as one reducer with an `Action` enum, so
//! that state changes are plain Rust (testable without a DOM). The engine's case file is built
//! from it; the report it gets back is kept beside it with the revision it belongs to.

use std::rc::Rc;

use keyhole_engine::case::{CaseKeySet, HmacSecret, JudgeAt, SecretEncoding};
use keyhole_engine::policy;
use keyhole_engine::report::Verdict;
use keyhole_engine::triage::{Filter, SortBy, VerdictSet};
use keyhole_engine::{CaseFile, Report};
use serde_json::Value;
use yew::{AttrValue, Reducible};

/// One key document as the analyst typed or dropped it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeySetDraft {
    /// Stable id for rendering (not part of the case).
    pub id: u32,
    pub source: String,
    pub issuer: String,
    pub document: String,
}

/// A field of a key set draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySetField {
    Source,
    Issuer,
    Document,
}

/// Where the latest analysis stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Idle,
    /// Analysing, with tokens done out of total when a worker reports them.
    Running {
        done: usize,
        total: usize,
    },
}

/// How the analyst chose to see the results: the verdicts shown (the summary's counts), the
/// order and the search. Only the choices: `keyhole_engine::triage` decides what they select.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Triage {
    pub verdicts: VerdictSet,
    pub sort: SortBy,
    pub query: String,
}

impl Triage {
    pub fn filter(&self) -> Filter {
        Filter::new(self.verdicts, &self.query)
    }
}

/// Everything on the page that is not derived.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    /// The tokens pane: any text (tokens, headers, logs, HAR). Shared, not copied: the
    /// workspace is cloned on every action and a pasted log can be 20 MB.
    pub text: AttrValue,
    /// Bumped when the text is replaced from outside the tokens pane (a file, a case, reset),
    /// the only times the pane writes it back into its textarea.
    pub text_epoch: u64,
    /// The tokens pane holds a key document (a JWKS, JWK, OpenID configuration, PEM or
    /// certificate), not tokens: the pane offers to move it to the key sets.
    pub text_is_keys: bool,
    /// Tokens listed individually by an opened case file (its `tokens` array).
    pub case_tokens: Rc<Vec<String>>,
    pub key_sets: Vec<KeySetDraft>,
    pub hmac_secret: String,
    pub hmac_base64: bool,
    /// The issuer tokens signed with the secret belong to (decides their provenance).
    pub hmac_issuer: String,
    /// HMAC secrets of an opened case file beyond the first (the one the fields edit): kept so
    /// that the page judges, and saves, the case the CLI judges.
    pub more_hmac_secrets: Rc<Vec<HmacSecret>>,
    /// The analyst's guessed HMAC secrets, one per line, tried on HS tokens besides the
    /// built-in list (`weak-hmac-secret`).
    pub weak_secrets: String,
    /// An opened case file's name, description and the members Keyhole does not know (named
    /// in the report's notes), carried into the case the engine sees.
    pub case_name: Option<String>,
    pub case_description: Option<String>,
    pub unknown_members: Vec<String>,
    /// An opened case file's `catalogue` switch, kept for saving.
    pub catalogue: Option<bool>,
    /// Secrets of the public list found by the page's search, passed to every analysis
    /// (`AnalyzeOptions::public_secrets`), and the fingerprints of the tokens searched.
    pub public_secrets: Rc<Vec<String>>,
    pub publicly_searched: Rc<std::collections::HashSet<String>>,
    /// The search of the public list, while it runs: tokens searched out of total.
    pub public_search: Option<(usize, usize)>,
    /// "Analyse as of" (Unix seconds, UTC); None means the current time.
    pub as_of: Option<i64>,
    /// Judge each token at its log line's time, else its iat (case `judge_at: "token"`).
    pub judge_at_token: bool,
    /// Bumped on every change of the inputs.
    pub revision: u64,
    pub report: Option<Rc<Report>>,
    /// The revision `report` was computed for.
    pub report_revision: u64,
    pub progress: Progress,
    /// A message for the analyst about the last file or case they opened.
    pub notice: Option<String>,
    /// What the result list shows and in which order (not part of the case).
    pub triage: Triage,
    next_id: u32,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace {
            text: AttrValue::default(),
            text_epoch: 0,
            text_is_keys: false,
            case_tokens: Rc::default(),
            key_sets: Vec::new(),
            hmac_secret: String::new(),
            hmac_base64: false,
            hmac_issuer: String::new(),
            more_hmac_secrets: Rc::default(),
            weak_secrets: String::new(),
            case_name: None,
            case_description: None,
            unknown_members: Vec::new(),
            catalogue: None,
            public_secrets: Rc::default(),
            publicly_searched: Rc::default(),
            public_search: None,
            as_of: None,
            judge_at_token: false,
            revision: 1,
            report: None,
            report_revision: 0,
            progress: Progress::Idle,
            notice: None,
            triage: Triage::default(),
            next_id: 1,
        }
    }
}

/// Everything that can happen to the workspace.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Replace the text from outside the tokens pane (an opened file).
    SetText(String),
    /// The analyst edited the tokens pane (its textarea already shows the text).
    TypedText(String),
    AddKeySet {
        source: String,
        document: String,
    },
    EditKeySet {
        id: u32,
        field: KeySetField,
        value: String,
    },
    RemoveKeySet(u32),
    SetSecret(String),
    SetSecretBase64(bool),
    SetSecretIssuer(String),
    /// The analyst's guessed secrets (one per line).
    SetWeakSecrets(String),
    /// The tokens pane holds a key document: move it into a new key set.
    MoveTextToKeySet,
    SetAsOf(Option<i64>),
    /// Judge each token at its own time (true) or all at the case's one time.
    SetJudgeAtToken(bool),
    /// Replace the whole case (opening a case file or a sample).
    LoadCase(Box<CaseFile>),
    ClearCaseTokens,
    /// A result for `revision` (ignored if the inputs changed since).
    Analysed {
        revision: u64,
        report: Rc<Report>,
    },
    Progress {
        revision: u64,
        done: usize,
        total: usize,
    },
    Notice(Option<String>),
    /// Show or stop showing tokens of this verdict (a summary count pressed).
    ToggleVerdict(Verdict),
    /// Show every verdict again.
    ShowAllVerdicts,
    SortBy(SortBy),
    Search(String),
    /// The search of the public weak-secret list has searched `done` of `total` tokens.
    PublicSearchProgress {
        done: usize,
        total: usize,
    },
    /// The search of the public list is over: the secrets it found and the fingerprints of the
    /// tokens it searched.
    PublicSearchDone {
        found: Vec<String>,
        searched: Vec<String>,
    },
    Reset,
    /// Keyhole's catalogue of published keys is loaded in the page (issue 14): analyse again,
    /// consulting it.
    CatalogueLoaded,
    /// Consult the catalogue in this case or not (the case file's `"catalogue"` switch).
    SetCatalogue(bool),
}

/// Longest text classified on every edit of the tokens pane: key documents are small, and a
/// 10 MB pasted HAR file (also JSON) must not be parsed once more while it is being typed in.
const KEYS_CLASSIFIED_UP_TO: usize = 1 << 20;

/// True when `text` is a key document rather than tokens or text to search.
fn holds_keys(text: &str) -> bool {
    text.len() <= KEYS_CLASSIFIED_UP_TO && policy::classify("", text).is_keys()
}

impl Workspace {
    /// True when the report describes the current inputs.
    pub fn is_current(&self) -> bool {
        self.report.is_some() && self.report_revision == self.revision
    }

    /// True when there is nothing to analyse.
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.case_tokens.is_empty()
    }

    /// Bytes of everything the engine will parse: text, case-file tokens and key documents.
    pub fn input_bytes(&self) -> usize {
        self.text.len()
            + self.case_tokens.iter().map(String::len).sum::<usize>()
            + self
                .key_sets
                .iter()
                .map(|k| k.document.len())
                .sum::<usize>()
    }

    /// The engine's case file for the current inputs; `now` is the caller's clock.
    pub fn to_case(&self, now: i64) -> CaseFile {
        CaseFile {
            now: Some(self.as_of.unwrap_or(now)),
            key_sets: self
                .key_sets
                .iter()
                .filter(|k| !k.document.trim().is_empty())
                .map(|k| CaseKeySet {
                    source: non_empty(&k.source),
                    issuer: non_empty(&k.issuer),
                    document: policy::json_or_string(&k.document),
                })
                .collect(),
            tokens: self.case_tokens.to_vec(),
            text: non_empty(&self.text),
            hmac_secrets: self.hmac_secrets(),
            weak_secrets: self
                .weak_secrets
                .lines()
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            name: self.case_name.clone(),
            description: self.case_description.clone(),
            unknown_members: self.unknown_members.clone(),
            catalogue: self.catalogue,
            judge_at: self.judge_at_token.then_some(JudgeAt::Token),
        }
    }

    fn hmac_secrets(&self) -> Vec<HmacSecret> {
        let first = (!self.hmac_secret.is_empty()).then(|| HmacSecret {
            value: self.hmac_secret.clone(),
            encoding: if self.hmac_base64 {
                SecretEncoding::Base64
            } else {
                SecretEncoding::Utf8
            },
            issuer: non_empty(&self.hmac_issuer),
        });
        first
            .into_iter()
            .chain(self.more_hmac_secrets.iter().cloned())
            .collect()
    }

    /// The case file to save: like [`Self::to_case`] but `now` only if the analyst chose it.
    pub fn to_saved_case(&self) -> CaseFile {
        let mut case = self.to_case(0);
        case.now = self.as_of;
        case
    }

    fn changed(&mut self) {
        self.revision += 1;
    }

    fn add_key_set(&mut self, source: String, issuer: String, document: String) {
        let id = self.next_id;
        self.next_id += 1;
        self.key_sets.push(KeySetDraft {
            id,
            source,
            issuer,
            document,
        });
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Why an opened file is refused before it is classified, if it is: JSON nested past the
/// engine's limit is neither a case nor keys, and searching it as a log would only end in "no
/// token was found", so the analyst is told which limit it broke and what to do instead.
pub fn refuse_file(name: &str, text: &str) -> Option<String> {
    let trimmed = text.trim_start();
    let json = trimmed.starts_with('{') || trimmed.starts_with('[');
    let limit = keyhole_engine::limits::MAX_KEY_DOCUMENT_DEPTH;
    (json && keyhole_engine::token::json_depth_exceeds(trimmed.as_bytes(), limit)).then(|| {
        format!(
            "{name} was not opened: its JSON nests deeper than {limit} levels, Keyhole's limit for case, key and HAR files (a case file needs 5); it is refused as hostile or corrupt. To search it for tokens anyway, paste the relevant part into the tokens pane"
        )
    })
}

impl Reducible for Workspace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::SetText(t) => {
                s.text_is_keys = holds_keys(&t);
                s.text = AttrValue::from(t);
                s.text_epoch += 1;
                s.changed();
            }
            Action::TypedText(t) => {
                s.text_is_keys = holds_keys(&t);
                s.text = AttrValue::from(t);
                s.changed();
            }
            Action::MoveTextToKeySet => {
                let document = std::mem::take(&mut s.text).to_string();
                let issuer = policy::openid_issuer(&document).unwrap_or_default();
                s.add_key_set(String::new(), issuer, document);
                s.text_is_keys = false;
                s.text_epoch += 1;
                s.changed();
            }
            Action::AddKeySet { source, document } => {
                let issuer = policy::openid_issuer(&document).unwrap_or_default();
                s.add_key_set(source, issuer, document);
                s.changed();
            }
            Action::EditKeySet { id, field, value } => {
                if let Some(k) = s.key_sets.iter_mut().find(|k| k.id == id) {
                    match field {
                        KeySetField::Source => k.source = value,
                        KeySetField::Issuer => k.issuer = value,
                        KeySetField::Document => {
                            if k.issuer.trim().is_empty() {
                                if let Some(iss) = policy::openid_issuer(&value) {
                                    k.issuer = iss;
                                }
                            }
                            k.document = value;
                        }
                    }
                }
                s.changed();
            }
            Action::RemoveKeySet(id) => {
                s.key_sets.retain(|k| k.id != id);
                s.changed();
            }
            Action::SetSecret(v) => {
                s.hmac_secret = v;
                s.changed();
            }
            Action::SetSecretBase64(b) => {
                s.hmac_base64 = b;
                s.changed();
            }
            Action::SetSecretIssuer(i) => {
                s.hmac_issuer = i;
                s.changed();
            }
            Action::PublicSearchProgress { done, total } => {
                s.public_search = Some((done, total));
            }
            Action::PublicSearchDone { found, searched } => {
                s.public_search = None;
                let mut all = (*s.public_secrets).clone();
                let before = all.len();
                for secret in found {
                    if !all.contains(&secret) {
                        all.push(secret);
                    }
                }
                let new = all.len() - before;
                s.public_secrets = Rc::new(all);
                let mut done = (*s.publicly_searched).clone();
                done.extend(searched);
                s.publicly_searched = Rc::new(done);
                if new > 0 {
                    s.changed();
                }
            }
            Action::SetWeakSecrets(list) => {
                s.weak_secrets = list;
                s.changed();
            }
            Action::SetAsOf(t) => {
                s.as_of = t;
                s.changed();
            }
            Action::SetJudgeAtToken(b) => {
                s.judge_at_token = b;
                s.changed();
            }
            Action::LoadCase(mut case) => {
                let next_id = s.next_id;
                let revision = s.revision;
                let text_epoch = s.text_epoch + 1;
                // What the search of the public list learnt is about secrets and tokens, not
                // about the case: kept, so a token is never searched twice.
                s = Workspace {
                    next_id,
                    revision,
                    text_epoch,
                    public_secrets: s.public_secrets.clone(),
                    publicly_searched: s.publicly_searched.clone(),
                    ..Workspace::default()
                };
                s.text = AttrValue::from(case.text.clone().unwrap_or_default());
                s.case_tokens = Rc::new(std::mem::take(&mut case.tokens));
                s.as_of = case.now;
                for ks in &case.key_sets {
                    let document = match &ks.document {
                        Value::String(text) => text.clone(),
                        other => serde_json::to_string_pretty(other).unwrap_or_default(),
                    };
                    s.add_key_set(
                        ks.source.clone().unwrap_or_default(),
                        ks.issuer.clone().unwrap_or_default(),
                        document,
                    );
                }
                let mut secrets = std::mem::take(&mut case.hmac_secrets).into_iter();
                if let Some(secret) = secrets.next() {
                    s.hmac_secret = secret.value;
                    s.hmac_base64 = secret.encoding == SecretEncoding::Base64;
                    s.hmac_issuer = secret.issuer.unwrap_or_default();
                }
                s.more_hmac_secrets = Rc::new(secrets.collect());
                s.weak_secrets = case.weak_secrets.join("\n");
                s.case_name = case.name.clone();
                s.case_description = case.description.clone();
                s.unknown_members = std::mem::take(&mut case.unknown_members);
                s.catalogue = case.catalogue;
                s.judge_at_token = case.judge_at == Some(JudgeAt::Token);
                s.notice = case
                    .name
                    .clone()
                    .or_else(|| case.description.clone())
                    .map(|n| format!("Opened case: {n}"));
                s.changed();
            }
            Action::ClearCaseTokens => {
                s.case_tokens = Rc::default();
                s.changed();
            }
            Action::Analysed { revision, report } => {
                if revision == s.revision {
                    s.report = Some(report);
                    s.report_revision = revision;
                    s.progress = Progress::Idle;
                }
            }
            Action::Progress {
                revision,
                done,
                total,
            } => {
                if revision == s.revision {
                    s.progress = Progress::Running { done, total };
                }
            }
            Action::Notice(n) => s.notice = n,
            Action::ToggleVerdict(v) => s.triage.verdicts = s.triage.verdicts.toggled(v),
            Action::ShowAllVerdicts => s.triage.verdicts = VerdictSet::ALL,
            Action::SortBy(by) => s.triage.sort = by,
            Action::Search(q) => s.triage.query = q,
            Action::CatalogueLoaded => s.changed(),
            Action::SetCatalogue(on) => {
                s.catalogue = (!on).then_some(false);
                s.changed();
            }
            Action::Reset => {
                let revision = s.revision + 1;
                let text_epoch = s.text_epoch + 1;
                s = Workspace {
                    revision,
                    text_epoch,
                    ..Workspace::default()
                };
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(s: Workspace, a: Action) -> Workspace {
        (*Rc::new(s).reduce(a)).clone()
    }

    #[test]
    fn every_input_change_bumps_the_revision_and_stales_the_report() {
        let s = Workspace::default();
        let r0 = s.revision;
        let s = reduce(s, Action::SetText("eyJ".into()));
        assert!(s.revision > r0);
        let rev = s.revision;
        let report = Rc::new(Report::new(0, vec![], vec![]));
        let s = reduce(
            s,
            Action::Analysed {
                revision: rev,
                report,
            },
        );
        assert!(s.is_current());
        let s = reduce(s, Action::SetAsOf(Some(5)));
        assert!(!s.is_current());
    }

    #[test]
    fn a_late_result_for_an_old_revision_is_ignored() {
        let s = reduce(Workspace::default(), Action::SetText("a".into()));
        let old = s.revision;
        let s = reduce(s, Action::SetText("b".into()));
        let report = Rc::new(Report::new(0, vec![], vec![]));
        let s = reduce(
            s,
            Action::Analysed {
                revision: old,
                report,
            },
        );
        assert!(s.report.is_none());
    }

    #[test]
    fn pasting_an_openid_configuration_fills_the_issuer() {
        let s = reduce(
            Workspace::default(),
            Action::AddKeySet {
                source: String::new(),
                document: String::new(),
            },
        );
        let id = s.key_sets[0].id;
        let doc = r#"{"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0","jwks_uri":"https://x/keys"}"#;
        let s = reduce(
            s,
            Action::EditKeySet {
                id,
                field: KeySetField::Document,
                value: doc.into(),
            },
        );
        assert_eq!(
            s.key_sets[0].issuer,
            "https://login.microsoftonline.com/{tenantid}/v2.0"
        );
    }

    #[test]
    fn loading_a_case_replaces_everything_and_round_trips() {
        let s = reduce(Workspace::default(), Action::SetText("old".into()));
        let case = CaseFile {
            now: Some(42),
            tokens: vec!["t1".into()],
            text: Some("log".into()),
            hmac_secrets: vec![HmacSecret {
                value: "s".into(),
                encoding: SecretEncoding::Base64,
                issuer: Some("https://i".into()),
            }],
            key_sets: vec![CaseKeySet {
                source: Some("https://s".into()),
                issuer: None,
                document: serde_json::json!({"keys": []}),
            }],
            ..CaseFile::default()
        };
        let s = reduce(s, Action::LoadCase(Box::new(case.clone())));
        assert_eq!(&*s.text, "log");
        assert_eq!(*s.case_tokens, vec!["t1".to_owned()]);
        let saved = s.to_saved_case();
        assert_eq!(saved.hmac_secrets, case.hmac_secrets);
        assert_eq!(saved.now, Some(42));
        assert_eq!(saved.key_sets[0].document, case.key_sets[0].document);
        assert_eq!(saved.tokens, case.tokens);
        assert_eq!(saved.judge_at, None);
        let s = reduce(s, Action::SetJudgeAtToken(true));
        let saved = s.to_saved_case();
        assert_eq!(saved.judge_at, Some(JudgeAt::Token));
        let reopened = reduce(Workspace::default(), Action::LoadCase(Box::new(saved)));
        assert!(reopened.judge_at_token);
    }

    /// Everything of an opened case that the page does not edit field by field is still judged
    /// and saved: every HMAC secret, the guessed secrets, the name and the unknown members.
    #[test]
    fn a_loaded_case_keeps_all_its_secrets_and_members() {
        let case = CaseFile::from_json(
            r#"{"name": "incident 7", "comment": "kept", "tokens": ["t1"],
                "hmac_secrets": [{"value": "first-secret"}, {"value": "c2Vjb25k", "encoding": "base64", "issuer": "https://b.example"}],
                "weak_secrets": ["guess-1", "guess-2"]}"#,
        )
        .unwrap();
        let s = reduce(
            Workspace::default(),
            Action::LoadCase(Box::new(case.clone())),
        );
        assert_eq!(s.hmac_secret, "first-secret");
        assert_eq!(s.more_hmac_secrets.len(), 1);
        let saved = s.to_saved_case();
        assert_eq!(saved.hmac_secrets, case.hmac_secrets);
        assert_eq!(saved.weak_secrets, ["guess-1", "guess-2"]);
        assert_eq!(saved.name.as_deref(), Some("incident 7"));
        assert_eq!(saved.unknown_members, ["comment"]);
        let edited = reduce(s, Action::SetWeakSecrets("a\r\n\nb\n".into()));
        assert_eq!(edited.to_case(0).weak_secrets, ["a", "b"]);
    }

    /// A JWKS pasted into the tokens pane is recognised and moves to a new key set on request.
    #[test]
    fn a_key_document_in_the_tokens_pane_moves_to_the_key_sets() {
        let jwks = r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}"#;
        let s = reduce(Workspace::default(), Action::TypedText(jwks.into()));
        assert!(s.text_is_keys);
        let s = reduce(s, Action::MoveTextToKeySet);
        assert!(!s.text_is_keys && s.text.is_empty());
        assert_eq!(s.key_sets.len(), 1);
        assert_eq!(s.key_sets[0].document, jwks);
        let s = reduce(
            s,
            Action::TypedText("Authorization: Bearer eyJhbGciOiJub25lIn0.e30.".into()),
        );
        assert!(!s.text_is_keys);
    }

    /// Triage choices select and order results; they are not inputs: the report stays current.
    #[test]
    fn triage_choices_do_not_stale_the_report() {
        let s = reduce(Workspace::default(), Action::SetText("a".into()));
        let rev = s.revision;
        let report = Rc::new(Report::new(0, vec![], vec![]));
        let s = reduce(
            s,
            Action::Analysed {
                revision: rev,
                report,
            },
        );
        let s = reduce(s, Action::ToggleVerdict(Verdict::Violation));
        let s = reduce(s, Action::ToggleVerdict(Verdict::Invalid));
        let s = reduce(s, Action::SortBy(SortBy::Time));
        let s = reduce(s, Action::Search("alice".into()));
        assert!(s.is_current());
        assert!(s.triage.verdicts.contains(Verdict::Violation));
        let s = reduce(s, Action::ToggleVerdict(Verdict::Violation));
        assert!(!s.triage.verdicts.contains(Verdict::Violation));
        assert!(s.triage.verdicts.contains(Verdict::Invalid));
        assert_eq!(s.triage.filter(), Filter::new(s.triage.verdicts, "ALICE"));
        let s = reduce(s, Action::ShowAllVerdicts);
        assert!(s.triage.verdicts.is_all() && s.triage.sort == SortBy::Time);
    }

    #[test]
    fn only_outside_replacements_of_the_text_bump_its_epoch() {
        let s = reduce(Workspace::default(), Action::TypedText("typed".into()));
        assert_eq!(s.text_epoch, 0);
        let s = reduce(s, Action::SetText("from a file".into()));
        assert_eq!((&*s.text, s.text_epoch), ("from a file", 1));
        let s = reduce(s, Action::Reset);
        assert_eq!((&*s.text, s.text_epoch), ("", 2));
    }

    #[test]
    fn input_bytes_counts_key_documents_too() {
        let s = reduce(Workspace::default(), Action::SetText("abc".into()));
        let s = reduce(
            s,
            Action::AddKeySet {
                source: "https://example.com/keys".into(),
                document: "x".repeat(100_000),
            },
        );
        assert_eq!(s.input_bytes(), 100_003);
    }

    #[test]
    fn deeply_nested_files_are_refused_with_the_limit_named() {
        let deep = format!(
            "{{\"tokens\":{}1{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let said = refuse_file("deep.json", &deep).unwrap_or_default();
        assert!(said.contains("deep.json") && said.contains("nests deeper than 64 levels"));
        assert_eq!(refuse_file("case.json", r#"{"tokens":[["a"]]}"#), None);
        let log = "[2026-11-26 09:00] INFO Authorization: Bearer x\n".repeat(1000);
        assert_eq!(refuse_file("x.log", &log), None);
    }

    /// The catalogue switch is the case file's: off is saved as `"catalogue": false`, on as
    /// absent (the default); loading the catalogue analyses the case again.
    #[test]
    fn the_catalogue_switch_is_saved_with_the_case() {
        let s = reduce(Workspace::default(), Action::SetCatalogue(false));
        assert_eq!(s.to_saved_case().catalogue, Some(false));
        let r = s.revision;
        let s = reduce(s, Action::SetCatalogue(true));
        assert_eq!(s.to_saved_case().catalogue, None);
        assert!(s.revision > r);
        let r = s.revision;
        assert!(reduce(s, Action::CatalogueLoaded).revision > r);
    }

    #[test]
    fn pem_documents_stay_strings() {
        assert_eq!(
            policy::json_or_string("-----BEGIN PUBLIC KEY-----"),
            Value::String("-----BEGIN PUBLIC KEY-----".into())
        );
        assert_eq!(
            policy::json_or_string(r#"{"keys":[]}"#),
            serde_json::json!({"keys": []})
        );
    }
}
