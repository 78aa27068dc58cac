//! Human-readable renderings of a report: Markdown (for tickets and the web app's export) and
//! plain text (for terminals). JSON is the report's serde form.

use std::fmt::Write;

use serde_json::Value;

use crate::catalogue::KeyTimeline;
use crate::report::{Finding, KeyReport, KeySetReport, Report, Severity, TokenReport, Verdict};
use crate::time::format_utc;

/// The verdict word, as used in `data-verdict`, exports and the CLI.
pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Malformed => "malformed",
        Verdict::Violation => "violation",
        Verdict::Invalid => "invalid",
        Verdict::Unverified => "unverified",
        Verdict::Permitted => "permitted",
    }
}

/// The severity word.
pub fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn claim_str<'a>(t: &'a TokenReport, name: &str) -> Option<&'a str> {
    t.claims.get(name).and_then(Value::as_str)
}

fn evidence_line(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(|(k, v)| format!("{} = {}", k.replace('_', " "), v.words()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Characters that change how text is displayed without being visible: bidirectional
/// overrides and isolates (the "Trojan Source" class, CVE-2021-42574) and zero-width characters.
pub fn is_invisible_control(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{061C}'
            | '\u{00AD}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// A piece of text for display: plain text, or an invisible control shown by its code point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown<'a> {
    Text(&'a str),
    /// An invisible or direction-changing character, e.g. `U+202E`.
    Control(String),
}

/// Splits text so invisible and bidi control characters can be shown to the analyst (as
/// `U+202E` markers) instead of silently reordering or hiding what they read.
pub fn reveal_invisible(text: &str) -> Vec<Shown<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_invisible_control(c) {
            if start < i {
                out.push(Shown::Text(&text[start..i]));
            }
            out.push(Shown::Control(format!("U+{:04X}", u32::from(c))));
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(Shown::Text(&text[start..]));
    }
    out
}

/// Characters that reorder or hide text (Unicode bidi controls, zero-width characters) or
/// drive a terminal (C0/C1 controls): hostile values use them to disguise what an analyst
/// reads (`admin\u{202E}gnp.exe`) or to rewrite the screen, so renderings show them as `<U+XXXX>`.
fn is_disguising(c: char) -> bool {
    c.is_control() || is_invisible_control(c)
}

/// A token or fingerprint as a code span (copied exactly from a ticket), anything else escaped.
fn md_value(label: &str, value: &str) -> String {
    let verbatim = matches!(label, "token" | "fingerprint (SHA-256)")
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=')
        });
    if verbatim {
        format!("`{value}`")
    } else {
        md(value)
    }
}

/// Escapes text for a Markdown table cell or line (pipes, backticks, newlines, markup), and
/// makes disguising characters visible.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '`' | '*' | '_' | '<' | '>' | '[' | ']' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if is_disguising(c) => {
                let _ = write!(out, "\\<U+{:04X}\\>", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text from the input for a terminal line: newlines and disguising characters are shown as
/// `<U+XXXX>`, so a value can neither forge a line of the report nor send escape sequences.
fn term(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_disguising(c) {
            let _ = write!(out, "<U+{:04X}>", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// One finding as a sentence with its evidence in words, for a ticket or the clipboard:
/// `Error consumer-key-for-organization-tenant: key set 1 (…) … . Evidence: key_id = key set 1
/// (…), kid …; abused_from = 2023-05-15 00:00:00 UTC.` Values are the input's text unescaped:
/// each output format escapes it.
pub fn finding_sentence(f: &Finding) -> String {
    let (sev, rest) = sentence_parts(f);
    format!("{sev} {}: {rest}", f.code)
}

/// The severity word (capitalised) and what follows the code in [`finding_sentence`].
fn sentence_parts(f: &Finding) -> (String, String) {
    let mut sev = severity_word(f.severity).to_owned();
    if let Some(first) = sev.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let message = f.message.trim_end_matches('.');
    let ev = evidence_line(f);
    let rest = if ev.is_empty() {
        format!("{message}.")
    } else {
        format!("{message}. Evidence: {ev}.")
    };
    (sev, rest)
}

/// [`finding_sentence`] as a Markdown list item's text: the code as code, the rest escaped.
fn md_sentence(f: &Finding) -> String {
    let (sev, rest) = sentence_parts(f);
    format!("{sev} `{}`: {}", f.code, md(&rest))
}

/// What "Copy finding" puts on the clipboard: which token (as the page numbers it, with its
/// verdict and fingerprint) and the finding's sentence ([`finding_sentence`]).
pub fn finding_for_clipboard(t: &TokenReport, f: &Finding) -> String {
    format!("{}{}", finding_context(t), finding_sentence(f))
}

/// The start of [`finding_for_clipboard`]: `Keyhole, token 3 (violation, SHA-256 …): `.
pub fn finding_context(t: &TokenReport) -> String {
    format!(
        "Keyhole, token {} ({}, SHA-256 {}): ",
        t.index + 1,
        verdict_word(t.verdict),
        t.fingerprint
    )
}

/// The facts about one token a report lists, as (label, value) in reading order: why the
/// verdict, its fingerprint (and the token itself unless the export replaced it), user,
/// audience, issue time in UTC, where it was found, and the signing key by name.
pub fn token_facts(t: &TokenReport) -> Vec<(&'static str, String)> {
    let mut out = vec![("verdict", verdict_word(t.verdict).to_owned())];
    out.push(("why", t.verdict_reason.clone()));
    if !t.fingerprint.is_empty() {
        out.push(("fingerprint (SHA-256)", t.fingerprint.clone()));
    }
    if let Some(token) = &t.token {
        out.push(("token", token.clone()));
    }
    let h = t.headline();
    if let Some((claim, user)) = h.user {
        out.push(("user", format!("{user} ({claim})")));
    }
    if let Some(a) = h.audience {
        out.push(("audience", a));
    }
    if let Some(iat) = h.issued_at {
        out.push(("issued (iat)", iat));
    }
    if let Some(iss) = claim_str(t, "iss") {
        out.push(("issuer", iss.to_owned()));
    }
    if let Some(b) = &t.boundary {
        out.push(("claims", b.description.clone()));
    }
    if let Some(found) = &t.found_at {
        out.push(("found at", found.to_string()));
    }
    if let Some(k) = &t.signing_key {
        let how = if k.verified {
            "verified the signature"
        } else {
            "named, did not verify"
        };
        out.push(("signing key", format!("{} ({how})", key_label(k))));
    }
    if let Some(e) = &t.error {
        out.push(("error", e.clone()));
    }
    out
}

fn key_label(k: &crate::report::SigningKeyReport) -> String {
    if k.name.is_empty() {
        k.provenance.name()
    } else {
        k.name.clone()
    }
}

/// A key-matrix row's name (reports written before keys had names fall back to the id).
pub fn key_report_name(k: &KeyReport) -> String {
    if k.name.is_empty() {
        k.provenance.name()
    } else {
        k.name.clone()
    }
}

/// The flags of a key-matrix row: known-compromised, then its key-level finding codes.
pub fn key_flags(k: &KeyReport) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(c) = &k.provenance.compromised {
        flags.push(format!("known-compromised ({})", c.name));
    }
    flags.extend(k.findings.iter().map(|f| f.code.clone()));
    flags
}

/// A key set as a report lists it: name, source in full, declared issuer, what it was read
/// as, how many keys, and its problems and warnings.
fn key_set_lines(s: &KeySetReport) -> (String, Vec<String>) {
    let mut parts = vec![format!("{} key(s), read as {}", s.keys, s.kind)];
    if let Some(src) = &s.source {
        parts.push(format!("source {src}"));
    }
    if let Some(iss) = &s.declared_issuer {
        parts.push(format!("issuer {iss}"));
    }
    let mut notes: Vec<String> = s.problems.iter().map(|p| format!("problem: {p}")).collect();
    notes.extend(s.warnings.iter().map(|w| format!("warning: {w}")));
    (
        format!(
            "{}: {}",
            crate::model::key_set_name(s.index, None),
            parts.join(", ")
        ),
        notes,
    )
}

/// The blocks of a ticket report, written once ([`write_ticket`]) and rendered by each format:
/// one description of the report's content keeps the Markdown and HTML reports the same (and
/// the page's code small). Text arguments are unescaped; each sink escapes them.
trait Sink {
    /// A heading of `level` (1–3); `verdict` marks a token's heading with its verdict.
    fn heading(&mut self, level: u8, text: &str, verdict: Option<&str>);
    fn para(&mut self, text: &str);
    /// A bulleted list of (text, sub-items).
    fn bullets(&mut self, items: &[(String, Vec<String>)]);
    /// Label/value facts; `verbatim` values (tokens, fingerprints) are shown as code.
    fn facts(&mut self, facts: &[(&'static str, String)]);
    /// A numbered list of findings, as sentences.
    fn findings(&mut self, findings: &[&Finding]);
    /// A table; the first row is the header.
    fn table(&mut self, rows: &[Vec<String>]);
    /// The per-key timeline pictures, after their text alternative (a table) was written; a
    /// format without pictures writes nothing.
    fn timelines(&mut self, lines: &[KeyTimeline]);
}

/// A date (`2023-05-15`) for a timeline's table, or `unknown`.
fn day(t: Option<i64>) -> String {
    t.map_or_else(
        || "unknown".to_owned(),
        |t| format_utc(t).chars().take(10).collect(),
    )
}

/// The name of a timeline's key, as every format names keys ([`crate::model::key_name`]).
fn timeline_key_name(l: &KeyTimeline) -> String {
    crate::model::key_name(
        &l.key_id,
        l.source.as_deref(),
        l.kid.as_deref(),
        l.from_catalogue,
    )
}

/// The timelines' text alternative as a table: per key, its certificate's validity, where and
/// when it was seen published, how many tokens it verified, the first and last of their iats,
/// and how many were issued outside the certificate or the publication window.
fn timeline_rows(lines: &[KeyTimeline]) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "key",
        "certificate valid",
        "seen published",
        "tokens verified",
        "first iat",
        "last iat",
        "outside certificate",
        "outside publication",
    ]
    .iter()
    .map(|h| (*h).to_owned())
    .collect::<Vec<_>>()];
    for l in lines {
        let cert = l.certificate.map_or_else(
            || "no certificate".to_owned(),
            |c| format!("{} to {}", day(c.from), day(c.to)),
        );
        let published = if l.windows.is_empty() {
            "not in the catalogue".to_owned()
        } else {
            l.windows
                .iter()
                .map(|w| format!("{}: {} to {}", w.endpoint, day(w.seen.from), day(w.seen.to)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let mut tokens = l.tokens.len().to_string();
        if l.without_iat > 0 {
            tokens.push_str(&format!(" (and {} without iat)", l.without_iat));
        }
        let iat = |s: Option<&crate::catalogue::Signed>| {
            s.map_or_else(|| "none".to_owned(), |s| format_utc(s.iat))
        };
        let count = |shown: bool, n: usize| {
            if shown {
                n.to_string()
            } else {
                "n/a".to_owned()
            }
        };
        rows.push(vec![
            timeline_key_name(l),
            cert,
            published,
            tokens,
            iat(l.tokens.first()),
            iat(l.tokens.last()),
            count(
                l.certificate.is_some(),
                l.tokens.iter().filter(|t| t.outside_certificate).count(),
            ),
            count(
                !l.windows.is_empty(),
                l.tokens.iter().filter(|t| t.outside_publication).count(),
            ),
        ]);
    }
    rows
}

fn write_ticket(report: &Report, timelines: &[KeyTimeline], o: &mut dyn Sink) {
    let s = &report.summary;
    o.heading(1, "Keyhole report", None);
    o.para(&format!(
        "Analysis time: {} (Unix {})",
        format_utc(report.now),
        report.now
    ));
    o.heading(2, "Summary", None);
    let head = [
        "tokens",
        "permitted",
        "violation",
        "invalid",
        "unverified",
        "malformed",
        "keys",
    ];
    let counts = [
        s.tokens,
        s.permitted,
        s.violation,
        s.invalid,
        s.unverified,
        s.malformed,
        s.keys,
    ];
    o.table(&[
        head.iter().map(|h| (*h).to_owned()).collect(),
        counts.iter().map(ToString::to_string).collect(),
    ]);
    for n in &report.notes {
        o.para(&n.message);
    }
    if !report.key_sets.is_empty() {
        o.heading(2, "Key sets", None);
        let sets: Vec<(String, Vec<String>)> = report.key_sets.iter().map(key_set_lines).collect();
        o.bullets(&sets);
    }
    o.heading(2, "Tokens not permitted", None);
    let mut permitted = Vec::new();
    for t in &report.tokens {
        if t.verdict == Verdict::Permitted {
            let user = t.headline().user.map(|(_, u)| format!(", user {u}"));
            permitted.push((
                format!(
                    "token {}: SHA-256 {}{}",
                    t.index + 1,
                    t.fingerprint,
                    user.unwrap_or_default()
                ),
                Vec::new(),
            ));
            continue;
        }
        let word = verdict_word(t.verdict);
        o.heading(
            3,
            &format!("Token {} — {}", t.index + 1, word.to_uppercase()),
            Some(word),
        );
        let facts: Vec<(&'static str, String)> = token_facts(t).into_iter().skip(1).collect();
        o.facts(&facts);
        let findings: Vec<&Finding> = t.findings.iter().collect();
        o.findings(&findings);
    }
    if permitted.len() == report.tokens.len() {
        o.para("Every token is permitted.");
    }
    if !permitted.is_empty() {
        o.heading(2, "Permitted tokens", None);
        o.bullets(&permitted);
    }
    if !report.keys.is_empty() {
        o.heading(2, "Keys: who signed for whom", None);
        let mut rows = vec![[
            "key",
            "may sign for",
            "cloud",
            "tokens verified",
            "tenants seen",
            "clouds seen",
            "flags",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect::<Vec<_>>()];
        for k in &report.keys {
            let clouds: Vec<&str> = k.clouds.iter().map(|c| c.label()).collect();
            rows.push(vec![
                key_report_name(k),
                k.scope.describe(),
                k.cloud.map_or("unknown", |c| c.label()).to_owned(),
                k.tokens.to_string(),
                k.tenants.join(", "),
                clouds.join(", "),
                key_flags(k).join(", "),
            ]);
        }
        o.table(&rows);
        let flagged: Vec<&Finding> = report.keys.iter().flat_map(|k| &k.findings).collect();
        if !flagged.is_empty() {
            o.heading(3, "Key findings", None);
            o.findings(&flagged);
        }
    }
    if !timelines.is_empty() {
        o.heading(2, "When each key signed", None);
        o.para("For each key that verified tokens: its certificate's validity, when its endpoint was seen publishing it (from Keyhole's catalogue of published keys), and when it signed (the tokens' iat).");
        o.table(&timeline_rows(timelines));
        o.timelines(timelines);
    }
}

/// The Markdown sink: every input value escaped ([`md`]), tokens and fingerprints as code.
struct Markdown(String);

impl Sink for Markdown {
    fn heading(&mut self, level: u8, text: &str, _: Option<&str>) {
        let _ = writeln!(self.0, "{} {}\n", "#".repeat(level.into()), md(text));
    }
    fn para(&mut self, text: &str) {
        let _ = writeln!(self.0, "{}\n", md(text));
    }
    fn bullets(&mut self, items: &[(String, Vec<String>)]) {
        for (item, subs) in items {
            let _ = writeln!(self.0, "- {}", md(item));
            for sub in subs {
                let _ = writeln!(self.0, "  - {}", md(sub));
            }
        }
        self.0.push('\n');
    }
    fn facts(&mut self, facts: &[(&'static str, String)]) {
        for (label, value) in facts {
            let _ = writeln!(self.0, "- {label}: {}", md_value(label, value));
        }
        self.0.push('\n');
    }
    fn findings(&mut self, findings: &[&Finding]) {
        if findings.is_empty() {
            return;
        }
        for f in findings {
            let _ = writeln!(self.0, "1. {}", md_sentence(f));
        }
        self.0.push('\n');
    }
    fn table(&mut self, rows: &[Vec<String>]) {
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
            let _ = writeln!(self.0, "| {} |", cells.join(" | "));
            if i == 0 {
                let _ = writeln!(self.0, "|{}", "---|".repeat(row.len()));
            }
        }
        self.0.push('\n');
    }
    /// Markdown has no pictures: the table is the timeline.
    fn timelines(&mut self, _: &[KeyTimeline]) {}
}

/// The report as Markdown fit to attach to a ticket: case summary and analysis time, the key
/// sets with their sources, every token that is not permitted with its verdict, user, time,
/// location and findings as sentences, the permitted tokens by fingerprint, the key matrix
/// with its flags, and the per-key timelines as a table (`timelines`: from
/// [`crate::catalogue::timelines`] of the same report). Export it through
/// [`crate::export::prepare`] to honour redaction, and compute the timelines from the prepared
/// report.
pub fn to_markdown(report: &Report, timelines: &[KeyTimeline]) -> String {
    let mut o = Markdown(String::new());
    write_ticket(report, timelines, &mut o);
    o.0
}

/// Escapes text for HTML/XML element content and attribute values, and shows disguising
/// characters as `<U+XXXX>` (the HTML report and the engine-drawn SVG timelines).
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_disguising(c) {
            let _ = write!(out, "&lt;U+{:04X}&gt;", c as u32);
        } else {
            push_markup_escaped(&mut out, c);
        }
    }
    out
}

/// Appends `c` escaped for HTML/XML element content and attribute values (the HTML report and
/// the engine-drawn SVG timelines).
fn push_markup_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// The stylesheet of the HTML report; its hash is the only style source the report's own CSP
/// allows. The timelines' `tl-*` classes are the page's; their colours differ by shape as well
/// (filled, outlined, dashed, ringed), so a grey printout still reads, and a dark reader theme
/// gets light text and the same marks.
const HTML_STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#111;background:#fff}\
table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}\
code{overflow-wrap:anywhere}.violation,.invalid{color:#8b0000}.unverified,.malformed{color:#6b4f00}\
figure{margin:1em 0;break-inside:avoid}.tl-svg{width:100%;max-width:56em;height:auto;display:block;print-color-adjust:exact;-webkit-print-color-adjust:exact}\
.tl-label{fill:currentColor;font-size:11px}.tl-end{text-anchor:end}.tl-axis{stroke:#666}\
.tl-cert{fill:#cfe8d4;stroke:#1e6b34}.tl-seen{fill:#1f5fa8}.tl-possible{fill:none;stroke:#1f5fa8;stroke-dasharray:3 2}\
.tl-token{fill:#666;stroke:#fff}.tl-permitted{fill:#1e6b34}.tl-violation{fill:#b00020}.tl-invalid{fill:#8a4b00}.tl-unverified{fill:#6b4f00}\
.tl-outside{stroke:#111;stroke-width:2.5}\
@media screen and (prefers-color-scheme:dark){body{color:#eee;background:#151515}th,td{border-color:#777}\
.violation,.invalid{color:#ff8a8a}.unverified,.malformed{color:#e8c76a}.tl-axis{stroke:#aaa}.tl-cert{fill:#1d3b25;stroke:#7fd197}\
.tl-seen{fill:#7fb2ff}.tl-possible{stroke:#7fb2ff}.tl-token{stroke:#151515}.tl-permitted{fill:#7fd197}.tl-violation{fill:#ff8a8a}\
.tl-invalid{fill:#ffb366}.tl-unverified{fill:#e8c76a}.tl-outside{stroke:#eee}}\
@media print{body{margin:0;max-width:none;color:#111;background:#fff}}";

/// The HTML sink: every input value escaped ([`esc`]).
struct Html(String);

impl Sink for Html {
    fn heading(&mut self, level: u8, text: &str, verdict: Option<&str>) {
        let class = verdict
            .map(|v| format!(" class=\"{v}\""))
            .unwrap_or_default();
        let _ = writeln!(self.0, "<h{level}{class}>{}</h{level}>", esc(text));
    }
    fn para(&mut self, text: &str) {
        let _ = writeln!(self.0, "<p>{}</p>", esc(text));
    }
    fn bullets(&mut self, items: &[(String, Vec<String>)]) {
        self.0.push_str("<ul>");
        for (item, subs) in items {
            let _ = write!(self.0, "<li>{}", esc(item));
            if !subs.is_empty() {
                self.bullets(
                    &subs
                        .iter()
                        .map(|s| (s.clone(), Vec::new()))
                        .collect::<Vec<_>>(),
                );
            }
            self.0.push_str("</li>\n");
        }
        self.0.push_str("</ul>\n");
    }
    fn facts(&mut self, facts: &[(&'static str, String)]) {
        self.0.push_str("<table>");
        for (label, value) in facts {
            let _ = writeln!(self.0, "<tr><th>{label}</th><td>{}</td></tr>", esc(value));
        }
        self.0.push_str("</table>\n");
    }
    fn findings(&mut self, findings: &[&Finding]) {
        if findings.is_empty() {
            return;
        }
        self.0.push_str("<ol>");
        for f in findings {
            let _ = writeln!(self.0, "<li>{}</li>", esc(&finding_sentence(f)));
        }
        self.0.push_str("</ol>\n");
    }
    fn table(&mut self, rows: &[Vec<String>]) {
        self.0.push_str("<table>");
        for (i, row) in rows.iter().enumerate() {
            let tag = if i == 0 { "th" } else { "td" };
            self.0.push_str("<tr>");
            for c in row {
                let _ = write!(self.0, "<{tag}>{}</{tag}>", esc(c));
            }
            self.0.push_str("</tr>\n");
        }
        self.0.push_str("</table>\n");
    }
    /// Each key's picture as the engine draws it for the page ([`KeyTimeline::svg`]: inline
    /// markup, no script, no style attribute, every text escaped), captioned by the key's name
    /// and followed by its description in words ([`KeyTimeline::describe`]).
    fn timelines(&mut self, lines: &[KeyTimeline]) {
        self.0.push_str(TIMELINE_LEGEND);
        for (n, l) in lines.iter().enumerate() {
            let items: String = l
                .describe()
                .iter()
                .map(|d| format!("<li>{}</li>", esc(d)))
                .collect();
            let _ = writeln!(
                self.0,
                "<figure class=\"timeline\"><figcaption>{}</figcaption>{}<ul>{items}</ul></figure>",
                esc(&timeline_key_name(l)),
                l.svg(&format!("timeline-title-{n}")),
            );
        }
    }
}

/// What the timeline pictures' marks mean, in words.
const TIMELINE_LEGEND: &str = "<p>In each picture: the certificate's validity (filled bar), the time its endpoint was seen publishing the key (solid bar) and the time no snapshot shows it absent (dashed outline), and one dot per token's iat, coloured by verdict and ringed when issued outside the certificate or the publication window.</p>\n";

/// The report as one self-contained, printable HTML page: the Markdown report's content, no
/// script, no external resource, every value escaped, and a Content-Security-Policy that
/// allows nothing but its own stylesheet (by hash), so it passes the page's CSP and any
/// stricter one; the per-key timelines (`timelines`, as for [`to_markdown`]) as inline SVG
/// with their text alternative. Export it through [`crate::export::prepare`] to honour
/// redaction.
pub fn to_html(report: &Report, timelines: &[KeyTimeline]) -> String {
    use sha2::{Digest, Sha256};
    let style_hash = crate::b64::encode_std(&Sha256::digest(HTML_STYLE.as_bytes()));
    let mut o = Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-{style_hash}'; base-uri 'none'; form-action 'none'\">\
<meta name=\"referrer\" content=\"no-referrer\"><title>Keyhole report</title><style>{HTML_STYLE}</style></head><body>\n"
    ));
    write_ticket(report, timelines, &mut o);
    o.0.push_str("</body></html>\n");
    o.0
}

/// The report as plain text for a terminal.
pub fn to_text(report: &Report) -> String {
    let s = &report.summary;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Keyhole report at {}: {} tokens — {} permitted, {} violation, {} invalid, {} unverified, {} malformed",
        format_utc(report.now),
        s.tokens,
        s.permitted,
        s.violation,
        s.invalid,
        s.unverified,
        s.malformed
    );
    for n in &report.notes {
        let _ = writeln!(o, "note: {}", term(&n.message));
    }
    for t in &report.tokens {
        let _ = writeln!(
            o,
            "\n[{}] token {} ({}…): {}",
            verdict_word(t.verdict).to_uppercase(),
            t.index + 1,
            t.fingerprint.get(..12).unwrap_or(""),
            term(&t.verdict_reason)
        );
        if let Some(k) = &t.signing_key {
            let _ = writeln!(o, "  signing key: {}", term(&key_label(k)));
        }
        for f in &t.findings {
            let _ = writeln!(
                o,
                "  {:<7} {}: {}",
                severity_word(f.severity),
                f.code,
                term(&f.message)
            );
            let ev = term(&evidence_line(f));
            if !ev.is_empty() {
                let _ = writeln!(o, "          evidence: {ev}");
            }
        }
    }
    for k in &report.keys {
        for f in &k.findings {
            let _ = writeln!(
                o,
                "\n{}: {} {}: {}",
                term(&key_report_name(k)),
                severity_word(f.severity),
                f.code,
                term(&f.message)
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn markdown_escapes_hostile_text() {
        assert_eq!(md("a|b<script>`x`"), "a\\|b\\<script\\>\\`x\\`");
        assert_eq!(md("line\nbreak"), "line break");
        assert_eq!(md("a\u{202E}b"), "a\\<U+202E\\>b");
    }

    #[test]
    fn terminal_text_shows_escapes_and_bidi_controls() {
        assert_eq!(term("\u{1b}[2Jx\u{200B}\n"), "<U+001B>[2Jx<U+200B><U+000A>");
    }

    #[test]
    fn reveals_bidi_and_zero_width_characters() {
        let parts = reveal_invisible("admin\u{202E}gpj.exe\u{200B}");
        assert_eq!(
            parts,
            vec![
                Shown::Text("admin"),
                Shown::Control("U+202E".to_owned()),
                Shown::Text("gpj.exe"),
                Shown::Control("U+200B".to_owned()),
            ]
        );
        assert_eq!(reveal_invisible("plain"), vec![Shown::Text("plain")]);
    }

    #[test]
    fn renders_summary_counts() {
        let r = Report::new(0, vec![], vec![]);
        assert!(to_markdown(&r, &[]).contains("| 0 | 0 | 0 | 0 | 0 |"));
        assert!(to_text(&r).contains("0 tokens"));
    }
}
