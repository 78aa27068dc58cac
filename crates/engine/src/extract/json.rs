//! A structural JSON scanner that knows where every string value sits in the original text and
//! under which path. It is used to say that a token was found in `$.tokens[0].id_token`, or in a
//! HAR entry's request header `Authorization`, with the token's exact offset in the text.
//!
//! It reads a stream of JSON values (one document, or one value per line as in NDJSON logs),
//! keeps its own stack instead of recursing (deep nesting cannot overflow anything), and is
//! linear in the input. Paths are only built for strings that contain a token.

use super::scan::Candidate;

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
    /// This many outer levels left out of a very deep path (see [`MAX_PATH_STEPS`]).
    Elided(usize),
}

/// Most steps kept in a path; deeper paths keep their innermost steps. This bounds the cost of
/// a hostile, deeply nested document holding many tokens.
pub(crate) const MAX_PATH_STEPS: usize = 64;

/// Most candidate JWS JSON serializations recorded by one scan.
pub(crate) const MAX_SIGNED_OBJECTS: usize = 1000;

/// A token found inside a JSON string value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonHit {
    /// Path from the root of the value that holds the string.
    pub path: Vec<Step>,
    /// Byte offset where the string's content starts (after the opening quote).
    pub string_start: usize,
    /// When the string is the `value` member of an object that also has a string `name` member
    /// (HAR headers, cookies, query strings, form parameters): that name.
    pub sibling_name: Option<String>,
    /// When the string lies in a HAR entry (`log.entries[i]` of a top-level value) whose
    /// `startedDateTime` reads as a time ([`crate::time::parse_log_time`]): that time, Unix
    /// seconds.
    pub har_started: Option<i64>,
}

/// An object with a `signature` or `signatures` member: perhaps a JWS JSON serialization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignedObject {
    /// Byte range of the object, braces included.
    pub start: usize,
    pub end: usize,
    pub path: Vec<Step>,
}

/// What a scan found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Scan {
    /// Candidates (by index) inside string values.
    pub hits: Vec<(usize, JsonHit)>,
    /// Objects that may be JWS JSON serializations, in order of their opening brace.
    pub signed_objects: Vec<SignedObject>,
}

struct Frame {
    is_object: bool,
    start: usize,
    index: usize,
    key: Option<String>,
    name: Option<String>,
    signed: bool,
    pending: Vec<usize>,
    /// `out.hits.len()` when the container opened: the hits inside it are the ones after.
    hits_from: usize,
    /// A HAR entry's `startedDateTime`, read as a time (set only in a `log.entries[i]`).
    started: Option<i64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    ValueOrClose,
    KeyOrClose,
    Key,
    After,
}

/// Scans `text[from..to]` as a stream of JSON values and reports, for each candidate (by index
/// into `candidates`, which are sorted by `start`) that lies inside a string value, where it is,
/// and which objects may be JWS JSON serializations. Returns `None` when that range is not a
/// JSON stream starting with an object or array.
pub(crate) fn scan(text: &str, from: usize, to: usize, candidates: &[Candidate]) -> Option<Scan> {
    let b = text.as_bytes();
    let mut i = from;
    if b.get(from..from + 3) == Some("\u{feff}".as_bytes()) {
        i += 3;
    }
    while i < to && b.get(i)?.is_ascii_whitespace() {
        i += 1;
    }
    if !matches!(b.get(i), Some(b'{' | b'[')) {
        return None;
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect = Expect::Value;
    let mut out = Scan::default();
    let mut next_candidate = candidates.partition_point(|c| c.start < from);
    loop {
        while i < to && b.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        if i >= to {
            out.signed_objects.sort_by_key(|o| o.start);
            return stack.is_empty().then_some(out);
        }
        let c = *b.get(i)?;
        match expect {
            Expect::ValueOrClose | Expect::KeyOrClose if matches!(c, b']' | b'}') => {
                let frame = stack.pop()?;
                if frame.is_object != (c == b'}') {
                    return None;
                }
                close(frame, i, &stack, &mut out);
                expect = Expect::After;
                i += 1;
            }
            Expect::Value | Expect::ValueOrClose => match c {
                b'{' | b'[' => {
                    stack.push(Frame {
                        is_object: c == b'{',
                        start: i,
                        index: 0,
                        key: None,
                        name: None,
                        signed: false,
                        pending: Vec::new(),
                        hits_from: out.hits.len(),
                        started: None,
                    });
                    expect = if c == b'{' {
                        Expect::KeyOrClose
                    } else {
                        Expect::ValueOrClose
                    };
                    i += 1;
                }
                b'"' => {
                    let (start, end, escaped) = string_at(b, i, to)?;
                    while let Some(cand) = candidates.get(next_candidate) {
                        if cand.start >= end {
                            break;
                        }
                        if cand.start >= start {
                            let hit = JsonHit {
                                path: path_of(&stack),
                                string_start: start,
                                sibling_name: None,
                                har_started: None,
                            };
                            if let Some(top) = stack.last_mut() {
                                if top.is_object && top.key.as_deref() == Some("value") {
                                    top.pending.push(out.hits.len());
                                }
                            }
                            out.hits.push((next_candidate, hit));
                        }
                        next_candidate += 1;
                    }
                    if let Some(top) = stack.last_mut() {
                        if top.is_object && top.key.as_deref() == Some("name") {
                            top.name = Some(decode_string(text, i, end, escaped)?);
                        }
                    }
                    if is_har_started(&stack) {
                        // An unreadable value is no time, not a reason to give up the scan.
                        let started = decode_string(text, i, end, escaped);
                        if let Some(top) = stack.last_mut() {
                            top.started = started.as_deref().and_then(crate::time::parse_log_time);
                        }
                    }
                    i = end + 1;
                    expect = Expect::After;
                }
                _ => {
                    let mut j = i;
                    while j < to && b.get(j).is_some_and(|c| is_scalar_byte(*c)) {
                        j += 1;
                    }
                    let word = b.get(i..j)?;
                    let ok = matches!(word, b"true" | b"false" | b"null")
                        || word
                            .first()
                            .is_some_and(|c| *c == b'-' || c.is_ascii_digit());
                    if !ok {
                        return None;
                    }
                    i = j;
                    expect = Expect::After;
                }
            },
            Expect::KeyOrClose | Expect::Key => {
                if c != b'"' {
                    return None;
                }
                let (_, end, escaped) = string_at(b, i, to)?;
                let key = decode_string(text, i, end, escaped)?;
                i = end + 1;
                while i < to && b.get(i)?.is_ascii_whitespace() {
                    i += 1;
                }
                if b.get(i) != Some(&b':') {
                    return None;
                }
                i += 1;
                let top = stack.last_mut()?;
                top.signed |= key == "signature" || key == "signatures";
                top.key = Some(key);
                expect = Expect::Value;
            }
            Expect::After => {
                let Some(top) = stack.last_mut() else {
                    // Between top-level values of a stream.
                    expect = Expect::Value;
                    continue;
                };
                match c {
                    b',' if top.is_object => expect = Expect::Key,
                    b',' => {
                        top.index += 1;
                        expect = Expect::Value;
                    }
                    b'}' | b']' => {
                        if top.is_object != (c == b'}') {
                            return None;
                        }
                        let frame = stack.pop()?;
                        close(frame, i, &stack, &mut out);
                    }
                    _ => return None,
                }
                i += 1;
            }
        }
    }
}

/// True when the string value being read is `log.entries[i].startedDateTime` of a top-level
/// value: `stack` is the root object (at `log`), the log object (at `entries`), the entries
/// array and the entry (at `startedDateTime`).
fn is_har_started(stack: &[Frame]) -> bool {
    let key = |f: &Frame, k: &str| f.is_object && f.key.as_deref() == Some(k);
    matches!(stack, [root, log, entries, entry]
        if key(root, "log") && key(log, "entries") && !entries.is_object
            && key(entry, "startedDateTime"))
}

/// Finishes a container that closed at byte `end`; `stack` holds its ancestors.
fn close(frame: Frame, end: usize, stack: &[Frame], out: &mut Scan) {
    if let Some(started) = frame.started {
        // A HAR entry: every token inside it was seen at its start.
        for (_, hit) in out.hits.iter_mut().skip(frame.hits_from) {
            hit.har_started = Some(started);
        }
    }
    if let Some(name) = frame.name {
        for h in frame.pending {
            if let Some((_, hit)) = out.hits.get_mut(h) {
                hit.sibling_name = Some(name.clone());
            }
        }
    }
    if frame.signed && out.signed_objects.len() < MAX_SIGNED_OBJECTS {
        out.signed_objects.push(SignedObject {
            start: frame.start,
            end: end + 1,
            path: path_of(stack),
        });
    }
}

fn is_scalar_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')
}

/// The string starting with the quote at `i`: content start, index of the closing quote, and
/// whether it holds escapes.
fn string_at(b: &[u8], i: usize, to: usize) -> Option<(usize, usize, bool)> {
    let mut j = i + 1;
    let mut escaped = false;
    while j < to {
        match *b.get(j)? {
            b'"' => return Some((i + 1, j, escaped)),
            b'\\' => {
                escaped = true;
                j += 2;
            }
            c if c < 0x20 => return None,
            _ => j += 1,
        }
    }
    None
}

fn decode_string(text: &str, quote: usize, end: usize, escaped: bool) -> Option<String> {
    if escaped {
        serde_json::from_str(text.get(quote..=end)?).ok()
    } else {
        text.get(quote + 1..end).map(str::to_owned)
    }
}

fn path_of(stack: &[Frame]) -> Vec<Step> {
    let skip = stack.len().saturating_sub(MAX_PATH_STEPS);
    let elided = (skip > 0).then_some(Step::Elided(skip));
    elided
        .into_iter()
        .chain(stack.iter().skip(skip).map(|f| {
            if f.is_object {
                Step::Key(f.key.clone().unwrap_or_default())
            } else {
                Step::Index(f.index)
            }
        }))
        .collect()
}

/// Appends a key to a JSONPath: `.key` for identifier-like keys, `["odd key"]` otherwise.
pub(crate) fn push_key(path: &mut String, key: &str) {
    let plain = key
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
    if plain {
        if !path.ends_with('.') {
            path.push('.');
        }
        path.push_str(key);
    } else {
        if path.ends_with('.') && !path.ends_with("..") {
            path.pop();
        }
        path.push('[');
        path.push_str(&serde_json::Value::String(key.to_owned()).to_string());
        path.push(']');
    }
}

/// Renders a path as JSONPath, e.g. `$.log.entries[3].request.url`.
pub(crate) fn render(path: &[Step]) -> String {
    let mut out = String::from("$");
    for step in path {
        match step {
            Step::Key(k) => push_key(&mut out, k),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Elided(n) => out.push_str(&format!("…{n} levels…")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn cand_at(text: &str, needle: &str) -> Candidate {
        let start = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
        Candidate {
            start,
            end: start + needle.len(),
            token: needle.to_owned(),
        }
    }

    fn paths(text: &str, needles: &[&str]) -> Option<Vec<String>> {
        let cands: Vec<Candidate> = needles.iter().map(|n| cand_at(text, n)).collect();
        scan(text, 0, text.len(), &cands)
            .map(|s| s.hits.iter().map(|(_, h)| render(&h.path)).collect())
    }

    #[test]
    fn paths_of_strings_in_objects_arrays_and_streams() {
        let text = r#"{"a":{"b":[1,"x",{"c":"TOK1"}]},"d":"TOK2"} ["TOK3"]"#;
        assert_eq!(
            paths(text, &["TOK1", "TOK2", "TOK3"]),
            Some(vec![
                "$.a.b[2].c".to_owned(),
                "$.d".to_owned(),
                "$[0]".to_owned()
            ])
        );
    }

    #[test]
    fn keys_with_escapes_are_decoded() {
        let text = r#"{"we\"ird":"TOK"}"#;
        assert_eq!(
            paths(text, &["TOK"]),
            Some(vec![r#"$["we\"ird"]"#.to_owned()])
        );
    }

    #[test]
    fn sibling_name_is_found_before_or_after_value() {
        let text = r#"[{"value":"TOK1","name":"A"},{"name":"B","value":"TOK2"},{"value":"TOK3"}]"#;
        let cands: Vec<Candidate> = ["TOK1", "TOK2", "TOK3"]
            .iter()
            .map(|n| cand_at(text, n))
            .collect();
        let names: Vec<Option<String>> = scan(text, 0, text.len(), &cands)
            .unwrap_or_default()
            .hits
            .into_iter()
            .map(|(_, h)| h.sibling_name)
            .collect();
        assert_eq!(names, [Some("A".to_owned()), Some("B".to_owned()), None]);
    }

    #[test]
    fn a_har_entrys_start_reaches_every_token_in_it_and_nothing_else() {
        let text = concat!(
            r#"{"startedDateTime":"2023-06-20T12:00:00Z","log":{"entries":["#,
            r#"{"request":{"url":"TOK1","startedDateTime":"2023-06-20T13:00:00Z"},"startedDateTime":"2023-06-20T14:00:00+01:00"},"#,
            r#"{"request":{"url":"TOK2","startedDateTime":"2023-06-20T13:00:00Z"}},"#,
            r#"{"startedDateTime":"not a time","request":{"url":"TOK3"}}"#,
            r#"],"other":"TOK4"}}"#,
            "\n",
            r#"{"log":{"entries":[{"startedDateTime":"2023-06-20T15:00:00Z","response":{"x":"TOK5"}}]}}"#,
        );
        let cands: Vec<Candidate> = ["TOK1", "TOK2", "TOK3", "TOK4", "TOK5"]
            .iter()
            .map(|n| cand_at(text, n))
            .collect();
        let started: Vec<Option<i64>> = scan(text, 0, text.len(), &cands)
            .unwrap_or_default()
            .hits
            .into_iter()
            .map(|(_, h)| h.har_started)
            .collect();
        // TOK1's entry started at 13:00Z (written after the token, in +01:00); a request's own
        // member of that name, the root's, and one that is no time count for nothing; each
        // value of a stream has its own entries.
        assert_eq!(
            started,
            [Some(1_687_266_000), None, None, None, Some(1_687_273_200)]
        );
    }

    #[test]
    fn malformed_json_is_refused() {
        for text in [
            r#"{"a":"TOK",}"#,
            r#"{"a" "TOK"}"#,
            r#"["TOK"}"#,
            r#"{"a":"TOK""#,
            r#"["TOK", bogus]"#,
            "plain TOK",
            "[\"TO\nK\"]",
        ] {
            let cands: Vec<Candidate> = text
                .find("TO")
                .map(|s| cand_at(text, &text[s..s + 3]))
                .into_iter()
                .collect();
            assert!(scan(text, 0, text.len(), &cands).is_none(), "{text}");
        }
    }

    #[test]
    fn deep_nesting_uses_no_recursion() {
        let depth = 100_000;
        let text = format!("{}\"TOK\"{}", "[".repeat(depth), "]".repeat(depth));
        let cands = [cand_at(&text, "TOK")];
        let hits = scan(&text, 0, text.len(), &cands).unwrap_or_default().hits;
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1.path.len(), MAX_PATH_STEPS + 1);
        let rendered = render(&hits[0].1.path);
        assert!(
            rendered.starts_with(&format!("$…{} levels…[0]", depth - MAX_PATH_STEPS)),
            "{rendered}"
        );
    }
}
