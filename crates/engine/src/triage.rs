//! Triage of a report's tokens: which ones to show (verdicts chosen, a search over claims,
//! kids, tenants and locations) and in which order (severity, time, key, tenant). The page holds
//! only the analyst's choices; everything decided here is pure and tested natively.
//!
//! A report can hold 100,000 tokens and the page must never be blocked for long, so the work is
//! split: [`IndexBuilder`] reads each token once (sort keys and lower-cased search text,
//! resumable in steps), [`OrderBuilder`] sorts over those keys a merge at a time, and filtering
//! walks an order in resumable stretches ([`TriageIndex::select_from`]).

use std::cmp::Ordering;

use serde_json::Value;

use crate::found::{FoundAt, LocationContext};
use crate::report::{Report, Severity, TokenReport, Verdict};

/// The orders the token list can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SortBy {
    /// As found: the case file's tokens, then the text's, in order of appearance.
    #[default]
    Case,
    /// Most serious first: violation, invalid, malformed, unverified, permitted; within a
    /// verdict, more error findings first.
    Severity,
    /// By `iat`, earliest first; tokens without one last.
    Time,
    /// By the key that signed (or is named by) the token: its kid, else its key id; none last.
    Key,
    /// By the claimed tenant (`tid`, else the tenant read from the issuer); none last.
    Tenant,
}

impl SortBy {
    /// Every order, as offered to the analyst.
    pub const ALL: [SortBy; 5] = [
        SortBy::Case,
        SortBy::Severity,
        SortBy::Time,
        SortBy::Key,
        SortBy::Tenant,
    ];

    /// A stable name (form values, tests).
    pub fn name(self) -> &'static str {
        match self {
            SortBy::Case => "case",
            SortBy::Severity => "severity",
            SortBy::Time => "time",
            SortBy::Key => "key",
            SortBy::Tenant => "tenant",
        }
    }

    /// In words, for the sort control.
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Case => "order found",
            SortBy::Severity => "severity",
            SortBy::Time => "time issued (iat)",
            SortBy::Key => "signing key",
            SortBy::Tenant => "tenant",
        }
    }

    /// The order named `name` (see [`SortBy::name`]).
    pub fn from_name(name: &str) -> Option<SortBy> {
        SortBy::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The verdicts shown; the empty set shows every verdict (nothing chosen means no filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct VerdictSet(u8);

fn bit(v: Verdict) -> u8 {
    match v {
        Verdict::Malformed => 1,
        Verdict::Violation => 2,
        Verdict::Invalid => 4,
        Verdict::Unverified => 8,
        Verdict::Permitted => 16,
    }
}

impl VerdictSet {
    /// No verdict chosen: every token is shown.
    pub const ALL: VerdictSet = VerdictSet(0);

    /// True when `v` was chosen (false for every verdict when none was).
    pub fn contains(self, v: Verdict) -> bool {
        self.0 & bit(v) != 0
    }

    /// `v` added when absent, removed when present.
    pub fn toggled(self, v: Verdict) -> VerdictSet {
        VerdictSet(self.0 ^ bit(v))
    }

    /// True when no verdict was chosen.
    pub fn is_all(self) -> bool {
        self.0 == 0
    }

    /// True when a token with verdict `v` is shown.
    pub fn admits(self, v: Verdict) -> bool {
        self.is_all() || self.contains(v)
    }
}

/// What the analyst chose to see.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub verdicts: VerdictSet,
    /// The search, trimmed and ASCII lower-cased; empty matches every token.
    query: String,
}

impl Filter {
    pub fn new(verdicts: VerdictSet, query: &str) -> Filter {
        Filter {
            verdicts,
            query: query.trim().to_ascii_lowercase(),
        }
    }

    /// True when every token passes.
    pub fn is_empty(&self) -> bool {
        self.verdicts.is_all() && self.query.is_empty()
    }
}

/// One token's precomputed sort keys and the span of its search text.
#[derive(Debug, Clone)]
struct Entry {
    verdict: Verdict,
    rank: u8,
    errors: u32,
    warnings: u32,
    iat: Option<i64>,
    key: Option<Box<str>>,
    tenant: Option<Box<str>>,
    text: (usize, usize),
}

/// Every token of one report, read once for sorting and searching.
#[derive(Debug, Clone, Default)]
pub struct TriageIndex {
    entries: Vec<Entry>,
    /// Every token's search text, one after the other (one allocation, not 100,000).
    text: String,
}

/// Builds a [`TriageIndex`] a few tokens at a time.
#[derive(Debug)]
pub struct IndexBuilder<'r> {
    report: &'r Report,
    index: TriageIndex,
}

impl<'r> IndexBuilder<'r> {
    pub fn new(report: &'r Report) -> Self {
        IndexBuilder {
            report,
            index: TriageIndex {
                entries: Vec::with_capacity(report.tokens.len()),
                text: String::new(),
            },
        }
    }

    /// Reads up to `n` more tokens; true when every token has been read.
    pub fn step(&mut self, n: usize) -> bool {
        let from = self.index.entries.len();
        for t in self.report.tokens.iter().skip(from).take(n) {
            let start = self.index.text.len();
            push_search_text(t, &mut self.index.text);
            let end = self.index.text.len();
            self.index.entries.push(entry(t, (start, end)));
        }
        self.index.entries.len() >= self.report.tokens.len()
    }

    pub fn finish(mut self) -> TriageIndex {
        while !self.step(usize::MAX) {}
        self.index
    }
}

fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::Violation => 0,
        Verdict::Invalid => 1,
        Verdict::Malformed => 2,
        Verdict::Unverified => 3,
        Verdict::Permitted => 4,
    }
}

/// The kid of the key that signed or is named by the token, else that key's id, else the
/// header's own kid or x5t.
pub fn key_of(t: &TokenReport) -> Option<&str> {
    let header = |name: &str| t.header.get(name).and_then(Value::as_str);
    t.signing_key
        .as_ref()
        .map(|k| k.kid.as_deref().unwrap_or(&k.key_id))
        .or_else(|| header("kid"))
        .or_else(|| header("x5t"))
        .filter(|k| !k.is_empty())
}

/// The claimed tenant: `tid`, else the tenant the issuer names.
pub fn tenant_of(t: &TokenReport) -> Option<&str> {
    t.claims
        .get("tid")
        .and_then(Value::as_str)
        .or_else(|| t.boundary.as_ref().and_then(|b| b.tenant.as_deref()))
        .filter(|k| !k.is_empty())
}

fn entry(t: &TokenReport, text: (usize, usize)) -> Entry {
    let count = |s: Severity| {
        let n = t.findings.iter().filter(|f| f.severity == s).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    Entry {
        verdict: t.verdict,
        rank: verdict_rank(t.verdict),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        iat: t.claims.get("iat").and_then(Value::as_i64),
        key: key_of(t).map(Into::into),
        tenant: tenant_of(t).map(Into::into),
        text,
    }
}

/// Appends what a search looks through, lower-cased: the claims (names and values), the
/// header's kid, x5t and alg, the signing key, the tenant, where the token was found (line,
/// header or parameter name, log line, HAR entry), the verdict and the finding codes.
fn push_search_text(t: &TokenReport, out: &mut String) {
    let mut raw = String::new();
    push_values(&t.claims, &mut raw);
    for name in ["kid", "x5t", "alg"] {
        if let Some(v) = t.header.get(name).and_then(Value::as_str) {
            raw.push('\n');
            raw.push_str(v);
        }
    }
    if let Some(k) = &t.signing_key {
        raw.push('\n');
        raw.push_str(&k.key_id);
        if let Some(kid) = &k.kid {
            raw.push(' ');
            raw.push_str(kid);
        }
    }
    if let Some(tenant) = t.boundary.as_ref().and_then(|b| b.tenant.as_deref()) {
        raw.push('\n');
        raw.push_str(tenant);
    }
    if let Some(found) = &t.found_at {
        raw.push('\n');
        raw.push_str(&found.to_string());
    }
    raw.push('\n');
    raw.push_str(crate::render::verdict_word(t.verdict));
    for f in &t.findings {
        raw.push(' ');
        raw.push_str(&f.code);
    }
    // ASCII case folding: Unicode's tables would add kilobytes to the page for the rare
    // non-ASCII claim (which then matches in its own case).
    raw.make_ascii_lowercase();
    out.push_str(&raw);
    // Spans never join: a query cannot match across two tokens' texts.
    out.push('\u{0}');
}

/// Appends a JSON value's member names and values as `name=value` lines (walked rather than
/// serialised: serde_json's writer for `Display` would add its own copy to the page).
fn push_values(v: &Value, out: &mut String) {
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            for item in items {
                push_values(item, out);
                out.push(' ');
            }
        }
        Value::Object(members) => {
            for (name, value) in members {
                out.push_str(name);
                out.push('=');
                push_values(value, out);
                out.push('\n');
            }
        }
    }
}

/// `a` before `b` when present; absent values go last.
fn present_first<T: Ord + ?Sized>(a: Option<&T>, b: Option<&T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

impl TriageIndex {
    /// Reads every token of `report` at once (see [`IndexBuilder`] for reading it in steps).
    pub fn new(report: &Report) -> TriageIndex {
        IndexBuilder::new(report).finish()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every token's position in the report, in the order `by`; ties keep the case order
    /// (see [`OrderBuilder`] for sorting in steps).
    pub fn order(&self, by: SortBy) -> Vec<usize> {
        OrderBuilder::new(self, by).finish()
    }

    /// How tokens `a` and `b` compare in the order `by`.
    fn compare(&self, by: SortBy, a: usize, b: usize) -> Ordering {
        let (Some(x), Some(y)) = (self.entries.get(a), self.entries.get(b)) else {
            return Ordering::Equal;
        };
        match by {
            SortBy::Case => Ordering::Equal,
            SortBy::Severity => (x.rank, y.errors, y.warnings).cmp(&(y.rank, x.errors, x.warnings)),
            SortBy::Time => present_first(x.iat.as_ref(), y.iat.as_ref()),
            SortBy::Key => present_first(x.key.as_deref(), y.key.as_deref()),
            SortBy::Tenant => present_first(x.tenant.as_deref(), y.tenant.as_deref()),
        }
    }

    /// The lower-cased text the search looks through for token `i`.
    pub fn search_text(&self, i: usize) -> &str {
        self.entries
            .get(i)
            .and_then(|e| self.text.get(e.text.0..e.text.1))
            .map(|s| s.trim_end_matches('\u{0}'))
            .unwrap_or("")
    }

    /// True when token `i` passes `filter`.
    pub fn admits(&self, i: usize, filter: &Filter) -> bool {
        let Some(e) = self.entries.get(i) else {
            return false;
        };
        filter.verdicts.admits(e.verdict)
            && (filter.query.is_empty() || self.search_text(i).contains(filter.query.as_str()))
    }

    /// The tokens of `order` that pass `filter`, in that order.
    pub fn select(&self, order: &[usize], filter: &Filter) -> Vec<usize> {
        let mut out = Vec::new();
        self.select_from(order, filter, 0, usize::MAX, &mut out);
        out
    }

    /// Resumable [`Self::select`]: looks at up to `n` tokens of `order` from position `from`,
    /// appending those that pass to `out`; returns the position to resume from (`order.len()`
    /// when done).
    pub fn select_from(
        &self,
        order: &[usize],
        filter: &Filter,
        from: usize,
        n: usize,
        out: &mut Vec<usize>,
    ) -> usize {
        let end = from.saturating_add(n).min(order.len());
        if let Some(part) = order.get(from..end) {
            if filter.is_empty() {
                out.extend_from_slice(part);
            } else {
                out.extend(part.iter().copied().filter(|&i| self.admits(i, filter)));
            }
        }
        end
    }
}

/// Sorts a [`TriageIndex`] in steps, so that 100,000 tokens compared by kid or tenant never
/// hold the page for long on a slow machine (one step is bounded by the work asked for, not by
/// the number of tokens, except for the final merges, each a pass over the tokens).
pub struct OrderBuilder<'i> {
    index: &'i TriageIndex,
    by: SortBy,
    sort: MergeSort,
}

impl<'i> OrderBuilder<'i> {
    pub fn new(index: &'i TriageIndex, by: SortBy) -> Self {
        let mut sort = MergeSort::new((0..index.entries.len()).collect());
        if by == SortBy::Case {
            // Already in order: nothing to merge.
            sort.width = usize::MAX;
        }
        OrderBuilder { index, by, sort }
    }

    /// Places about `n` more tokens (at least one merge); true when the order is complete.
    pub fn step(&mut self, n: usize) -> bool {
        let (index, by) = (self.index, self.by);
        self.sort.step(n, &|a, b| index.compare(by, a, b))
    }

    pub fn finish(mut self) -> Vec<usize> {
        while !self.step(usize::MAX) {}
        self.sort.v
    }
}

/// Stable bottom-up merge sort of positions, resumable between merges: one small function
/// instead of `slice::sort`'s instantiations, each 5–10 KB of the page's wasm (see
/// `small_sort`), and O(n log n) for 100,000 tokens.
#[derive(Debug)]
struct MergeSort {
    /// The runs of the current pass (each `width` long), sorted.
    v: Vec<usize>,
    /// The next pass, merged so far from `v[..at]`.
    other: Vec<usize>,
    width: usize,
    at: usize,
}

impl MergeSort {
    fn new(v: Vec<usize>) -> Self {
        let other = Vec::with_capacity(v.len());
        MergeSort {
            v,
            other,
            width: 1,
            at: 0,
        }
    }

    /// Merges pairs of runs until about `n` positions have moved; true when sorted.
    fn step(&mut self, n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> bool {
        let mut moved = 0;
        while self.width < self.v.len() {
            if moved >= n {
                return false;
            }
            let end = self
                .at
                .saturating_add(self.width.saturating_mul(2))
                .min(self.v.len());
            let chunk = self.v.get(self.at..end).unwrap_or_default();
            let (left, right) = chunk.split_at(self.width.min(chunk.len()));
            let (mut l, mut r) = (
                left.iter().copied().peekable(),
                right.iter().copied().peekable(),
            );
            while let (Some(&a), Some(&b)) = (l.peek(), r.peek()) {
                // Equal keys take the left (earlier) one first: stable.
                if cmp(b, a) == Ordering::Less {
                    self.other.push(b);
                    r.next();
                } else {
                    self.other.push(a);
                    l.next();
                }
            }
            self.other.extend(l);
            self.other.extend(r);
            moved += end - self.at;
            self.at = end;
            if self.at >= self.v.len() {
                std::mem::swap(&mut self.v, &mut self.other);
                self.other.clear();
                self.width = self.width.saturating_mul(2);
                self.at = 0;
            }
        }
        true
    }
}

#[cfg(test)]
fn merge_sort(v: Vec<usize>, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut sort = MergeSort::new(v);
    while !sort.step(3, cmp) {}
    sort.v
}

/// Where the token was found, in a few words for its card's header: the log line's time, client
/// address, method and URL when the line shows them, else the HAR entry (with the time its
/// request started, when the entry gives one), else the header,
/// cookie or parameter and line, else the case file's `tokens[i]`.
pub fn where_found(found: &FoundAt) -> String {
    let location = match found {
        FoundAt::Tokens { index, .. } => return format!("case file tokens[{index}]"),
        FoundAt::Text { locations, .. } => locations.first(),
    };
    let Some(l) = location else {
        return String::new();
    };
    if let Some(log) = l.log.as_ref().filter(|log| !log.is_empty()) {
        return log.to_string();
    }
    match &l.context {
        LocationContext::Har { .. } => l.context.to_string(),
        LocationContext::Text => format!("line {}", l.line),
        other => format!("{other}, line {}", l.line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::found::{Location, LogLine};
    use crate::report::Finding;
    use serde_json::json;

    fn token(index: usize, verdict: Verdict, claims: Value) -> TokenReport {
        let mut t = TokenReport::malformed(index, &crate::TokenError::Empty, None);
        t.verdict = verdict;
        t.claims = claims;
        t.error = None;
        t
    }

    fn finding(code: &str, severity: Severity) -> Finding {
        Finding {
            code: code.into(),
            severity,
            message: String::new(),
            evidence: Default::default(),
        }
    }

    fn report() -> Report {
        let mut a = token(
            0,
            Verdict::Permitted,
            json!({"iat": 300, "tid": "bbb", "upn": "Alice@Contoso.com"}),
        );
        a.header = json!({"alg": "RS256", "kid": "K2"});
        let mut b = token(1, Verdict::Violation, json!({"iat": 100, "tid": "aaa"}));
        b.findings = vec![finding("cross-cloud-key", Severity::Error)];
        b.header = json!({"alg": "RS256", "kid": "K1"});
        let mut c = token(2, Verdict::Violation, json!({"iat": 200}));
        c.findings = vec![
            finding("consumer-key-for-organization-tenant", Severity::Error),
            finding("cross-cloud-key", Severity::Error),
        ];
        c.found_at = Some(FoundAt::Text {
            count: 1,
            locations: vec![Location {
                line: 7,
                column: 1,
                offset: 0,
                length: 10,
                context: LocationContext::Header {
                    name: "Authorization".into(),
                },
                log: Some(LogLine {
                    timestamp: Some("2023-06-20T12:00:00Z".into()),
                    method: Some("GET".into()),
                    url: Some("/api/orders".into()),
                    client_ip: Some("203.0.113.7".into()),
                }),
            }],
        });
        let d = token(3, Verdict::Malformed, Value::Null);
        Report::new(0, vec![a, b, c, d], vec![])
    }

    #[test]
    fn each_order_sorts_by_its_key_with_missing_values_last_and_ties_in_case_order() {
        let index = TriageIndex::new(&report());
        assert_eq!(index.order(SortBy::Case), [0, 1, 2, 3]);
        assert_eq!(index.order(SortBy::Severity), [2, 1, 3, 0]);
        assert_eq!(index.order(SortBy::Time), [1, 2, 0, 3]);
        assert_eq!(index.order(SortBy::Key), [1, 0, 2, 3]);
        assert_eq!(index.order(SortBy::Tenant), [1, 0, 2, 3]);
    }

    #[test]
    fn chosen_verdicts_and_the_search_filter_together_and_nothing_chosen_shows_all() {
        let r = report();
        let index = TriageIndex::new(&r);
        let order = index.order(SortBy::Severity);
        assert_eq!(index.select(&order, &Filter::default()), order);
        let violations = VerdictSet::ALL.toggled(Verdict::Violation);
        assert_eq!(index.select(&order, &Filter::new(violations, "")), [2, 1]);
        let both = violations.toggled(Verdict::Permitted);
        assert_eq!(index.select(&order, &Filter::new(both, "")), [2, 1, 0]);
        assert_eq!(both.toggled(Verdict::Permitted), violations);
        // The search is case-insensitive and looks through claims, kids, locations and codes.
        assert_eq!(
            index.select(&order, &Filter::new(VerdictSet::ALL, " ALICE@contoso ")),
            [0]
        );
        assert_eq!(
            index.select(&order, &Filter::new(VerdictSet::ALL, "k1")),
            [1]
        );
        assert_eq!(
            index.select(&order, &Filter::new(VerdictSet::ALL, "203.0.113.7")),
            [2]
        );
        assert_eq!(
            index.select(&order, &Filter::new(VerdictSet::ALL, "consumer-key")),
            [2]
        );
        assert_eq!(
            index.select(&order, &Filter::new(VerdictSet::ALL, "aaa")),
            [1]
        );
        assert_eq!(
            index.select(&order, &Filter::new(violations, "alice")),
            Vec::<usize>::new()
        );
        assert!(index.search_text(0).contains("upn=alice@contoso.com\n"));
    }

    #[test]
    fn building_and_selecting_in_steps_gives_what_one_pass_gives() {
        let r = report();
        let mut b = IndexBuilder::new(&r);
        assert!(!b.step(1) && !b.step(2) && b.step(1));
        let stepped = b.finish();
        let whole = TriageIndex::new(&r);
        let order = whole.order(SortBy::Time);
        let mut sorting = OrderBuilder::new(&stepped, SortBy::Time);
        let mut steps = 1;
        while !sorting.step(1) {
            steps += 1;
        }
        assert!(steps > 1, "four tokens take more than one merge");
        assert_eq!(sorting.finish(), order);
        let filter = Filter::new(VerdictSet::ALL, "cross-cloud");
        let mut out = Vec::new();
        let mut at = 0;
        while at < order.len() {
            at = stepped.select_from(&order, &filter, at, 1, &mut out);
        }
        assert_eq!(out, whole.select(&order, &filter));
        assert_eq!(out, [1, 2]);
    }

    #[test]
    fn the_merge_sort_is_stable_and_sorts_any_length() {
        for n in 0..40usize {
            let keys: Vec<usize> = (0..n).map(|i| (i * 7919) % 5).collect();
            let sorted = merge_sort((0..n).collect(), &|a, b| keys[a].cmp(&keys[b]));
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by_key(|&i| keys[i]);
            assert_eq!(sorted, want, "n = {n}");
        }
    }

    #[test]
    fn a_query_never_matches_across_two_tokens() {
        let r = Report::new(
            0,
            vec![
                token(0, Verdict::Unverified, json!({"a": "xy"})),
                token(1, Verdict::Unverified, json!({"b": "zz"})),
            ],
            vec![],
        );
        let index = TriageIndex::new(&r);
        let order = index.order(SortBy::Case);
        // The first text ends with the verdict word, the second starts with `{"b"`.
        assert!(index
            .select(&order, &Filter::new(VerdictSet::ALL, "unverified{"))
            .is_empty());
    }

    #[test]
    fn where_found_prefers_the_log_line_then_the_har_entry_then_the_header() {
        let r = report();
        let log = r.tokens[2].found_at.as_ref().map(where_found);
        assert_eq!(
            log.as_deref(),
            Some("2023-06-20T12:00:00Z 203.0.113.7 GET /api/orders")
        );
        let mut location = Location {
            line: 3,
            column: 1,
            offset: 0,
            length: 1,
            context: LocationContext::Har {
                entry: 4,
                part: "request header".into(),
                name: Some("Authorization".into()),
                started: None,
            },
            log: None,
        };
        let at = |l: &Location| {
            where_found(&FoundAt::Text {
                count: 1,
                locations: vec![l.clone()],
            })
        };
        assert_eq!(at(&location), "HAR entry 4 request header Authorization");
        if let LocationContext::Har { started, .. } = &mut location.context {
            *started = Some(crate::model::TimeValue {
                epoch: 1_687_262_405,
                utc: "2023-06-20T12:00:05Z".into(),
            });
        }
        assert_eq!(
            at(&location),
            "HAR entry 4 request header Authorization, started 2023-06-20 12:00:05 UTC"
        );
        location.context = LocationContext::Cookie { name: "id".into() };
        assert_eq!(at(&location), "cookie id, line 3");
        assert_eq!(where_found(&FoundAt::tokens(5)), "case file tokens[5]");
    }
}
