//! Human-readable renderings of a report: Markdown (for tickets and the web app's export) and
//! plain text (for terminals). JSON is the report's serde form.

use std::fmt::Write;

use serde_json::Value;

use crate::report::{Finding, Report, Severity, TokenReport, Verdict};
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
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k} = {s}"),
            other => format!("{k} = {other}"),
        })
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

/// The report as Markdown.
pub fn to_markdown(report: &Report) -> String {
    let s = &report.summary;
    let mut o = String::new();
    let _ = writeln!(o, "# Keyhole report\n");
    let _ = writeln!(
        o,
        "Analysis time: {} (Unix {})\n",
        format_utc(report.now),
        report.now
    );
    let _ = writeln!(
        o,
        "| tokens | permitted | violation | invalid | unverified | malformed |"
    );
    let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        o,
        "| {} | {} | {} | {} | {} | {} |\n",
        s.tokens, s.permitted, s.violation, s.invalid, s.unverified, s.malformed
    );
    for n in &report.notes {
        let _ = writeln!(o, "> {}\n", md(&n.message));
    }
    let _ = writeln!(o, "## Tokens\n");
    for t in &report.tokens {
        let _ = writeln!(
            o,
            "### Token {} — {}\n",
            t.index + 1,
            verdict_word(t.verdict).to_uppercase()
        );
        let _ = writeln!(o, "{}\n", md(&t.verdict_reason));
        let _ = writeln!(o, "- fingerprint (SHA-256): `{}`", t.fingerprint);
        for (label, claim) in [("issuer", "iss"), ("tenant", "tid"), ("audience", "aud")] {
            if let Some(v) = claim_str(t, claim) {
                let _ = writeln!(o, "- {label}: {}", md(v));
            }
        }
        if let Some(k) = &t.signing_key {
            let _ = writeln!(
                o,
                "- signing key: {} (kid {}), scope {}, verified: {}",
                md(&k.key_id),
                md(k.kid.as_deref().unwrap_or("none")),
                md(&k.provenance.scope.describe()),
                k.verified
            );
        }
        if let Some(e) = &t.error {
            let _ = writeln!(o, "- error: {}", md(e));
        }
        if !t.findings.is_empty() {
            let _ = writeln!(o, "\n| severity | code | finding | evidence |");
            let _ = writeln!(o, "|---|---|---|---|");
            for f in &t.findings {
                let _ = writeln!(
                    o,
                    "| {} | `{}` | {} | {} |",
                    severity_word(f.severity),
                    f.code,
                    md(&f.message),
                    md(&evidence_line(f))
                );
            }
        }
        let _ = writeln!(o);
    }
    if !report.keys.is_empty() {
        let _ = writeln!(o, "## Keys\n");
        let _ = writeln!(
            o,
            "| key | kid | scope | cloud | tokens | tenants | findings |"
        );
        let _ = writeln!(o, "|---|---|---|---|---:|---|---|");
        for k in &report.keys {
            let codes: Vec<&str> = k.findings.iter().map(|f| f.code.as_str()).collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md(&k.key_id),
                md(k.kid.as_deref().unwrap_or("")),
                md(&k.scope.describe()),
                k.cloud.map(|c| c.label()).unwrap_or("unknown"),
                k.tokens,
                md(&k.tenants.join(", ")),
                codes.join(", ")
            );
        }
    }
    o
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
                "\nkey {} ({}): {} {}: {}",
                term(&k.key_id),
                term(k.kid.as_deref().unwrap_or("no kid")),
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
        assert!(to_markdown(&r).contains("| 0 | 0 | 0 | 0 | 0 |"));
        assert!(to_text(&r).contains("0 tokens"));
    }
}
