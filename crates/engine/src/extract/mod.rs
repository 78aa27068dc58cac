//! Finds every token in text an analyst pastes — HTTP requests and responses, logs, JSON
//! bodies, HAR files, URLs — and says where each one was found.
//!
//! # Rules
//!
//! **Size.** Text over [`limits::MAX_TEXT_BYTES`] is refused with [`ExtractError::TooLarge`]
//! before it is scanned.
//!
//! **What counts as a token.** One forward pass reads the text as a sequence of character units:
//! a plain byte, a percent-escape `%XX`, or a double percent-escape `%25XX` (the escapes are
//! undone). A *run* is a maximal sequence of units that decode to base64url characters
//! (`A–Z a–z 0–9 - _`) or dots, plus up to two `=` that end a segment (after a base64url
//! character, before a dot, another `=` or the end of the run): JOSE forbids padding, but some
//! issuers emit it, and `name=eyJ…` is unaffected since a padding `=` is never followed by a
//! base64url character. A run is split at its dots into segments, and a segment starts a
//! token when it begins with `ey` or `ew` (the base64url of `{"`/`{ ` and of `{` + newline or
//! tab) and decodes, as strict base64url (trailing padding aside), to a JSON object with a
//! string `alg`. The
//! token then takes 5 segments if that header also has a string `enc` (JWE), else 3 (JWS or
//! unsecured); if the run has fewer segments left, it is not a token. Scanning resumes after
//! the token, so `host.example.eyJ….eyJ….sig.` yields just the token. Nothing else is required
//! of the payload or signature: a truncated or tampered token is still *found*, and
//! [`crate::token::parse_token`] then says what is wrong with it. Plain dotted words (`1.2.3`,
//! `www.example.com`, `a.b.c`) never match because their first segment is not a JOSE header.
//! `+` is not treated as an encoded space: base64url never contains `+`, so a `+` simply ends a
//! run. Tokens are compared after decoding, so the same token written plainly and URL-encoded
//! is one token.
//!
//! **Where.** Each occurrence gets its byte `offset` and `length` in the original text (covering
//! any percent-escapes), its 1-based `line` (lines end at `\n`) and 1-based `column` counted in
//! Unicode characters from the start of the line, and a [`LocationContext`]:
//! 1. If the whole text is a stream of JSON values (one document, or NDJSON; a leading byte
//!    order mark is allowed), or failing that the token's line is, and the token lies in a
//!    string value:
//!    - under `log.entries[i]` (a HAR file): [`LocationContext::Har`] with the entry index, the
//!      `part` (the object keys from the entry down to the first array or to the string, e.g.
//!      `request.headers`, `request.url`, `response.content.text`), and the `name`: the `name`
//!      member beside the `value` for headers, cookies, query strings and form parameters, or
//!      else the name the plain-text rules below give inside the string (the query parameter of
//!      a URL, the JSON field of an escaped JSON body); and the time the entry's request started
//!      (its `startedDateTime`, read by [`crate::time::parse_log_time`]; left out when absent or
//!      not a time);
//!    - anywhere else: [`LocationContext::JsonField`] with its JSONPath (`$.a.b[0]`; beyond 64
//!      levels only the innermost 64 are kept, written `$…N levels…[0].a`).
//! 2. Otherwise the text before the token on its line decides (at most 4 KiB of it, except for
//!    the search for `?`/`#` and for a cookie header, which may read the whole line), first
//!    match wins:
//!    - `name=TOKEN` (the `=` may be encoded): after `?` a query parameter, after `#` a fragment
//!      parameter; after `&` (or `&amp;`) a fragment parameter if `#` comes before `?` going back
//!      through the URL, else a query parameter (form bodies use the same syntax); otherwise, if
//!      a `Cookie:`/`Set-Cookie:` header precedes it on the line, a cookie;
//!    - `"key": "TOKEN` (quotes may be escaped): a JSON field `$..key` (JSONPath for "a field
//!      named key somewhere"), as in JSON fragments inside log lines;
//!    - `Name: [Scheme ]TOKEN`: a header, `Name` being letters, digits and `-` (not `_`, so YAML
//!      and log keys such as `id_token:` are not taken for headers), when `Name` starts the line
//!      (after whitespace, quotes, `{`, or curl's `>`/`<`), contains a `-`, or is
//!      `Authorization`;
//!    - anything else: [`LocationContext::Text`].
//!
//! **Log lines.** A token found in plain text (rule 2) on a line that looks like an access or
//! application log line also gets what the line says about the request: timestamp, client
//! address, method and URL (without query and fragment); see `extract/log.rs` for the patterns.
//!
//! **Duplicates.** Identical tokens are reported once, in order of first appearance, with every
//! location (at most [`MAX_LOCATIONS_PER_TOKEN`] kept) and `count`, the number of occurrences.
//!
//! **JSON serialization.** When the whole text is a stream of JSON values, every object in it
//! with a `signature` or `signatures` member that [`crate::token::parse_json_serialization`]
//! accepts (RFC 7515 §7.2) is also a token: its exact text, at its JSONPath (`$` when the whole
//! text is one). At most [`MAX_JSON_SERIALIZATION_ATTEMPTS`] such objects are tried. JSON
//! serializations inside free text, or escaped inside JSON strings, are not searched for.
//!
//! Not searched: base64-encoded HAR bodies (`"encoding": "base64"`), tokens split across lines,
//! tokens glued to preceding letters or digits (`tokeneyJ…`), JSON `\uXXXX` escapes inside tokens.

mod context;
mod json;
mod log;
mod scan;

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

pub use crate::found::{Location, LocationContext, LogLine};

/// Every compact token in `text`: its byte range (covering any percent-escapes) and the token.
pub(crate) fn compact_token_ranges(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    scan::find_compact(text)
        .into_iter()
        .map(|c| (c.start..c.end, c.token))
        .collect()
}
use crate::limits;
use crate::token;
use json::{JsonHit, Step};
use scan::Candidate;

/// Most objects with a `signature`/`signatures` member tried as JWS JSON serializations.
pub const MAX_JSON_SERIALIZATION_ATTEMPTS: usize = 1000;

/// Most locations kept per distinct token; `count` still counts every occurrence.
pub const MAX_LOCATIONS_PER_TOKEN: usize = 10_000;

/// One distinct token and everywhere it was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundToken {
    /// The token, percent-decoding undone: ready for [`crate::token::parse_token`].
    pub token: String,
    pub locations: Vec<Location>,
    /// How many times the token occurs (may exceed `locations.len()`).
    pub count: usize,
}

/// Why text could not be searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExtractError {
    TooLarge { bytes: usize, limit: usize },
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractError::TooLarge { bytes, limit } => write!(
                f,
                "the text is {bytes} bytes, over the {limit}-byte limit for searching; split it or paste the relevant part"
            ),
        }
    }
}

impl std::error::Error for ExtractError {}

/// Finds every token in `text` (see the module documentation for the exact rules).
pub fn extract_tokens(text: &str) -> Result<Vec<FoundToken>, ExtractError> {
    if text.len() > limits::MAX_TEXT_BYTES {
        return Err(ExtractError::TooLarge {
            bytes: text.len(),
            limit: limits::MAX_TEXT_BYTES,
        });
    }
    let candidates = scan::find_compact(text);
    let mut found = Collector::default();
    let mut hits: Vec<Option<JsonHit>> = vec![None; candidates.len()];
    // Whole-document JSON mode (returns at once unless the text starts with `{` or `[`).
    let whole = json::scan(text, 0, text.len(), &candidates);
    let whole_json = whole.is_some();
    let mut signed = Vec::new();
    if let Some(scan) = whole {
        signed = scan.signed_objects;
        fill_hits(&mut hits, Some(scan.hits));
    }
    // Objects in order of their opening brace; one inside an accepted serialization (e.g. a
    // member of its `signatures`) is part of it, not a token of its own.
    let mut serializations: Vec<json::SignedObject> = Vec::new();
    for o in signed
        .into_iter()
        .filter(|o| o.end - o.start <= limits::MAX_TOKEN_BYTES)
        .take(MAX_JSON_SERIALIZATION_ATTEMPTS)
    {
        if serializations.last().is_some_and(|prev| o.start < prev.end) {
            continue;
        }
        if text
            .get(o.start..o.end)
            .is_some_and(|t| token::parse_json_serialization(t).is_ok())
        {
            serializations.push(o);
        }
    }
    let mut serializations = serializations.into_iter().peekable();
    let mut cursor = LineCursor::new(text);
    let mut scanned_line = None;
    let mut memo = context::Memo::default();
    // The log facts of the last line a token in plain text was found on: (line start, facts).
    let mut line_log: Option<(usize, Option<LogLine>)> = None;
    for (k, cand) in candidates.iter().enumerate() {
        while let Some(o) = serializations.next_if(|o| o.start < cand.start) {
            add_serialization(text, o, &mut cursor, &mut found);
        }
        let (line, column, line_start) = cursor.advance(cand.start);
        if !whole_json && scanned_line != Some(line_start) {
            scanned_line = Some(line_start);
            let line_end = text
                .as_bytes()
                .get(cand.start..)
                .and_then(|rest| rest.iter().position(|c| *c == b'\n'))
                .map_or(text.len(), |p| cand.start + p);
            fill_hits(
                &mut hits,
                json::scan(text, line_start, line_end, &candidates).map(|s| s.hits),
            );
        }
        let (context, log) = match hits.get(k).and_then(Option::as_ref) {
            Some(hit) => (json_context(text, line_start, cand, hit, &mut memo), None),
            None => {
                let log = match &line_log {
                    Some((start, log)) if *start == line_start => log.clone(),
                    _ => {
                        let log = log::log_line(text.get(line_start..).unwrap_or_default());
                        line_log = Some((line_start, log.clone()));
                        log
                    }
                };
                let context = context::text_context(text, line_start, cand.start, &mut memo);
                (context, log)
            }
        };
        found.add(
            cand.token.clone(),
            Location {
                line,
                column,
                offset: cand.start,
                length: cand.end - cand.start,
                context,
                log,
            },
        );
    }
    for o in serializations {
        add_serialization(text, o, &mut cursor, &mut found);
    }
    Ok(found.tokens)
}

/// Records a JWS JSON serialization found at `o`.
fn add_serialization(
    text: &str,
    o: json::SignedObject,
    cursor: &mut LineCursor,
    found: &mut Collector,
) {
    let (line, column, _) = cursor.advance(o.start);
    let token = text.get(o.start..o.end).unwrap_or_default().to_owned();
    found.add(
        token,
        Location {
            line,
            column,
            offset: o.start,
            length: o.end - o.start,
            context: LocationContext::JsonField {
                path: json::render(&o.path),
            },
            log: None,
        },
    );
}

fn fill_hits(hits: &mut [Option<JsonHit>], found: Option<Vec<(usize, JsonHit)>>) {
    for (k, hit) in found.into_iter().flatten() {
        if let Some(slot) = hits.get_mut(k) {
            *slot = Some(hit);
        }
    }
}

/// The context of a token inside a JSON string value.
fn json_context(
    text: &str,
    line_start: usize,
    cand: &Candidate,
    hit: &JsonHit,
    memo: &mut context::Memo,
) -> LocationContext {
    if let [Step::Key(log), Step::Key(entries), Step::Index(entry), rest @ ..] = hit.path.as_slice()
    {
        if log == "log" && entries == "entries" && !rest.is_empty() {
            let mut part = String::new();
            let mut in_array = false;
            for step in rest {
                match step {
                    Step::Key(k) => {
                        if !part.is_empty() {
                            part.push('.');
                        }
                        part.push_str(k);
                    }
                    Step::Index(_) | Step::Elided(_) => {
                        in_array = true;
                        break;
                    }
                }
            }
            let name = if in_array {
                hit.sibling_name.clone()
            } else {
                let lb = line_start.max(hit.string_start);
                match context::text_context(text, lb, cand.start, memo) {
                    LocationContext::Header { name }
                    | LocationContext::Cookie { name }
                    | LocationContext::QueryParameter { name }
                    | LocationContext::FragmentParameter { name } => Some(name),
                    LocationContext::JsonField { path } => Some(path),
                    _ => None,
                }
            };
            return LocationContext::Har {
                entry: *entry,
                part,
                name,
                started: hit.har_started.map(|epoch| crate::model::TimeValue {
                    epoch,
                    utc: crate::time::format_utc(epoch),
                }),
            };
        }
    }
    LocationContext::JsonField {
        path: json::render(&hit.path),
    }
}

/// Deduplicates tokens, keeping the order of first appearance.
#[derive(Default)]
struct Collector {
    tokens: Vec<FoundToken>,
    index: HashMap<String, usize>,
}

impl Collector {
    fn add(&mut self, token: String, location: Location) {
        if let Some(found) = self.index.get(&token).and_then(|&i| self.tokens.get_mut(i)) {
            found.count += 1;
            if found.locations.len() < MAX_LOCATIONS_PER_TOKEN {
                found.locations.push(location);
            }
            return;
        }
        self.index.insert(token.clone(), self.tokens.len());
        self.tokens.push(FoundToken {
            token,
            locations: vec![location],
            count: 1,
        });
    }
}

/// Walks the text forward once, tracking line, column and line start, so positions for all
/// tokens cost one pass in total.
struct LineCursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    column: usize,
    line_start: usize,
}

impl<'a> LineCursor<'a> {
    fn new(text: &'a str) -> Self {
        LineCursor {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            column: 1,
            line_start: 0,
        }
    }

    /// Moves to `offset` (never backwards) and returns (line, column, line start).
    fn advance(&mut self, offset: usize) -> (usize, usize, usize) {
        let end = offset.min(self.bytes.len());
        while self.pos < end {
            let c = self.bytes.get(self.pos).copied().unwrap_or(0);
            self.pos += 1;
            if c == b'\n' {
                self.line += 1;
                self.column = 1;
                self.line_start = self.pos;
            } else if c & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        (self.line, self.column, self.line_start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn line_cursor_counts_characters_not_bytes() {
        let text = "é\nab€cd";
        let mut c = LineCursor::new(text);
        assert_eq!(c.advance(0), (1, 1, 0));
        assert_eq!(c.advance(2), (1, 2, 0));
        assert_eq!(c.advance(3), (2, 1, 3));
        assert_eq!(c.advance(8), (2, 4, 3));
    }

    #[test]
    fn json_path_rendering_quotes_odd_keys() {
        let path = [
            Step::Key("a".into()),
            Step::Index(2),
            Step::Key("x-ms token".into()),
        ];
        assert_eq!(json::render(&path), r#"$.a[2]["x-ms token"]"#);
    }
}
