//! Where a token sits in plain text: the look-back rules that name the header, cookie, URL
//! parameter or JSON field in front of it. Each look-back stays on the token's line (or inside
//! its JSON string). The local rules read at most [`LOOK_BACK`] bytes; the two that may need the
//! whole line (is this `&name=` in a query or a fragment? is there a `Cookie:` header earlier on
//! the line?) remember how far they already read in a [`Memo`], so a huge single-line log with
//! many tokens is still read about once.

use super::scan::hex_pair;
use super::LocationContext;

/// How far back from a token the context rules read.
pub(crate) const LOOK_BACK: usize = 4096;

/// Reads one character unit ending just before `i` (plain byte, `%XX` or `%25XX`), never
/// reading before `lb`. Returns the decoded byte and where the unit starts.
fn unit_before(b: &[u8], lb: usize, i: usize) -> Option<(u8, usize)> {
    if i <= lb {
        return None;
    }
    if i >= lb + 5 && b.get(i - 5) == Some(&b'%') && hex_pair(b, i - 4) == Some(0x25) {
        if let Some(v) = hex_pair(b, i - 2) {
            return Some((v, i - 5));
        }
    }
    if i >= lb + 3 && b.get(i - 3) == Some(&b'%') {
        if let Some(v) = hex_pair(b, i - 2) {
            return Some((v, i - 3));
        }
    }
    b.get(i - 1).map(|&c| (c, i - 1))
}

fn is_param_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'~' | b'[' | b']' | b'$')
}

fn is_quote(c: u8) -> bool {
    c == b'"' || c == b'\'' || c == b'\\'
}

/// Skips units matching `pred` backwards from `i`.
fn skip_back(b: &[u8], lb: usize, mut i: usize, pred: impl Fn(u8) -> bool) -> usize {
    while let Some((c, p)) = unit_before(b, lb, i) {
        if !pred(c) {
            break;
        }
        i = p;
    }
    i
}

/// Reads a name backwards (units matching `pred`), returning it and where it starts.
fn read_back(b: &[u8], lb: usize, i: usize, pred: impl Fn(u8) -> bool) -> (String, usize) {
    let mut rev = Vec::new();
    let mut p = i;
    while let Some((c, q)) = unit_before(b, lb, p) {
        if !pred(c) || rev.len() >= 256 {
            break;
        }
        rev.push(c);
        p = q;
    }
    rev.reverse();
    (String::from_utf8_lossy(&rev).into_owned(), p)
}

/// What the line-wide look-backs already learned; reused while tokens on one line are visited in
/// order.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// (line start, scanned up to, `Cookie:` header seen)
    cookie: Option<(usize, usize, bool)>,
    /// (line start, position asked about, what going back from there found)
    url: Option<(usize, usize, UrlPart)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UrlPart {
    Query,
    Fragment,
    /// Neither `?` nor `#` before the URL (or form body) started.
    Neither,
}

/// The context of a token starting at byte `t`, reading no further back than `line_start`
/// (the start of its line, or of its JSON string). Tokens must be visited in text order for
/// the memo to help; any order gives the same answers.
pub(crate) fn text_context(
    text: &str,
    line_start: usize,
    t: usize,
    memo: &mut Memo,
) -> LocationContext {
    let b = text.as_bytes();
    let lb = line_start.max(t.saturating_sub(LOOK_BACK));
    if let Some(ctx) = parameter(b, line_start, lb, t, memo) {
        return ctx;
    }
    if let Some(ctx) = json_key(b, lb, t) {
        return ctx;
    }
    if let Some(ctx) = header(b, lb, t) {
        return ctx;
    }
    LocationContext::Text
}

/// `name=TOKEN`: a query, fragment or form parameter, or a cookie.
fn parameter(
    b: &[u8],
    line_start: usize,
    lb: usize,
    t: usize,
    memo: &mut Memo,
) -> Option<LocationContext> {
    let (eq, p) = unit_before(b, lb, t)?;
    if eq != b'=' {
        return None;
    }
    let (name, q) = read_back(b, lb, p, is_param_name_byte);
    if name.is_empty() {
        return None;
    }
    let delim = unit_before(b, lb, q);
    let amp_entity = delim.is_some_and(|(c, d)| c == b';' && ends_with_ci(b, lb, d, b"&amp"));
    match delim {
        Some((b'?', _)) => Some(LocationContext::QueryParameter { name }),
        Some((b'#', _)) => Some(LocationContext::FragmentParameter { name }),
        Some((b'&', d)) => Some(url_parameter(b, line_start, d, name, memo)),
        Some((_, d)) if amp_entity => Some(url_parameter(b, line_start, d, name, memo)),
        _ if cookie_header_before(b, line_start, q, memo) => Some(LocationContext::Cookie { name }),
        _ => None,
    }
}

/// After `&`: a fragment parameter if `#` comes first going back, a query parameter if `?`
/// does, and a form (query-syntax) parameter otherwise.
fn url_parameter(b: &[u8], lb: usize, d: usize, name: String, memo: &mut Memo) -> LocationContext {
    let (stop_at, known) = match memo.url {
        Some((l, pos, part)) if l == lb && pos <= d => (pos, Some(part)),
        _ => (lb, None),
    };
    let mut found = None;
    let mut i = d;
    while i > stop_at {
        let Some((c, p)) = unit_before(b, lb, i) else {
            break;
        };
        match c {
            b'#' => found = Some(UrlPart::Fragment),
            b'?' => found = Some(UrlPart::Query),
            b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'<' | b'>' => {
                found = Some(UrlPart::Neither)
            }
            _ => {}
        }
        if found.is_some() {
            break;
        }
        i = p;
    }
    let part = found.or(known).unwrap_or(UrlPart::Neither);
    memo.url = Some((lb, d, part));
    match part {
        UrlPart::Fragment => LocationContext::FragmentParameter { name },
        UrlPart::Query | UrlPart::Neither => LocationContext::QueryParameter { name },
    }
}

fn ends_with_ci(b: &[u8], lb: usize, end: usize, suffix: &[u8]) -> bool {
    end >= lb + suffix.len()
        && b.get(end - suffix.len()..end)
            .is_some_and(|s| s.eq_ignore_ascii_case(suffix))
}

/// True when a `Cookie:` or `Set-Cookie:` header (any case, optionally quoted) starts between
/// `lb` and `end`.
fn cookie_header_before(b: &[u8], lb: usize, end: usize, memo: &mut Memo) -> bool {
    const NEEDLE: &[u8] = b"cookie";
    let from = match memo.cookie {
        Some((l, to, seen)) if l == lb && to <= end => {
            if seen {
                return true;
            }
            // Re-read a little before `to`, in case a header name straddled it.
            to.saturating_sub(NEEDLE.len() + 8).max(lb)
        }
        _ => lb,
    };
    let Some(window) = b.get(from..end) else {
        return false;
    };
    let seen = window.windows(NEEDLE.len()).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(NEEDLE) && {
            let after = window.get(i + NEEDLE.len()..).unwrap_or_default();
            after
                .iter()
                .find(|c| !is_quote(**c) && **c != b' ')
                .is_some_and(|c| *c == b':')
        }
    });
    memo.cookie = Some((lb, end, seen));
    seen
}

/// `"key": "TOKEN` (also with escaped quotes, as in JSON inside a JSON string).
fn json_key(b: &[u8], lb: usize, t: usize) -> Option<LocationContext> {
    let (c, p) = unit_before(b, lb, t)?;
    if c != b'"' {
        return None;
    }
    let p = skip_back(b, lb, p, |c| c == b'\\');
    let p = skip_back(b, lb, p, |c| c == b' ' || c == b'\t');
    let (colon, p) = unit_before(b, lb, p)?;
    if colon != b':' {
        return None;
    }
    let p = skip_back(b, lb, p, |c| c == b' ' || c == b'\t');
    let (q, p) = unit_before(b, lb, p)?;
    if q != b'"' {
        return None;
    }
    let p = skip_back(b, lb, p, |c| c == b'\\');
    let (key, k) = read_back(b, lb, p, |c| c != b'"' && c != b'\\');
    let (open, _) = unit_before(b, lb, k)?;
    if key.is_empty() || open != b'"' {
        return None;
    }
    let mut path = String::from("$..");
    super::json::push_key(&mut path, &key);
    Some(LocationContext::JsonField { path })
}

/// `Name: [Scheme ]TOKEN`, e.g. `Authorization: Bearer …`. Accepted when the name starts its
/// line (after whitespace, quotes, `{`, or curl's `>`/`<` markers), contains a `-`, or is
/// `Authorization`.
fn header(b: &[u8], lb: usize, t: usize) -> Option<LocationContext> {
    let blank = |c: u8| c == b' ' || c == b'\t';
    let after_scheme = {
        let p = skip_back(b, lb, t, blank);
        let (scheme, s) = read_back(b, lb, p, |c| c.is_ascii_alphabetic());
        let before = skip_back(b, lb, s, |c| blank(c) || is_quote(c));
        if !scheme.is_empty() && p < t && unit_before(b, lb, before).is_some_and(|(c, _)| c == b':')
        {
            before
        } else {
            skip_back(b, lb, t, |c| blank(c) || is_quote(c))
        }
    };
    let (colon, p) = unit_before(b, lb, after_scheme)?;
    if colon != b':' {
        return None;
    }
    let p = skip_back(b, lb, p, |c| blank(c) || is_quote(c));
    // No `_`: HTTP header names practically never use it, YAML and log keys (`id_token:`) do.
    let (name, n) = read_back(b, lb, p, |c| c.is_ascii_alphanumeric() || c == b'-');
    if !name.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let starts_line = b.get(lb..n).is_some_and(|s| {
        s.iter()
            .all(|c| c.is_ascii_whitespace() || is_quote(*c) || b"{<>".contains(c))
    });
    let before_ok = unit_before(b, lb, n)
        .is_none_or(|(c, _)| c.is_ascii_whitespace() || is_quote(c) || b"{,([<>;".contains(&c));
    let accepted = starts_line
        || (before_ok && (name.contains('-') || name.eq_ignore_ascii_case("authorization")));
    accepted.then_some(LocationContext::Header { name })
}
