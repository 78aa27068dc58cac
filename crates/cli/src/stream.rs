//! `keyhole check --stream`: tokens of any number, from files or stdin, one JSON record per
//! token written as it goes, in memory bounded whatever the input's size.
//!
//! Input, line by line (so NDJSON and plain text mix freely):
//! - a JSON string (`"eyJ…"`) is one token;
//! - a JSON object with a string member `token` (`{"token": "eyJ…", …}`) is one token; an
//!   object whose `token` is neither a string nor null is refused;
//! - any other line (a log line, JSON without `token`, a bare token) is searched by the
//!   engine's extractor, as `keyhole check` searches text, and every token found is judged;
//! - a line over the engine's search limit (32 MB) is refused.
//!
//! A refused line is named on stderr and makes the exit status 2 once every other line is
//! judged (as `keyhole check` does for text it could not search); otherwise 1 when a record's
//! verdict is one of `--fail-on`, else 0.
//!
//! Output: one line per token, the flat record of the Python package's `check_many`
//! ([`Record`]: index, verdict, codes, kid, tenant, cloud, iss, aud, iat, fingerprint,
//! location), in input order. `index` counts tokens from 0 over all inputs; `location` is
//! `line N` for a JSON line, the extractor's location (line, column, context) for text, both
//! prefixed with the input's name when there are several inputs.
//!
//! Memory: a batch of tokens (at most [`BATCH`] tokens or [`BATCH_BYTES`] of token text) is
//! read, its tokens not yet judged are judged on the rayon pool by the engine's
//! [`Analysis`] (the same judging as `keyhole check`), and its records are written before the
//! next batch is read. Verdicts of distinct tokens are kept in a cache of at most [`CACHE`]
//! entries keyed by fingerprint (SHA-256), so a repeated token is judged once; when it is
//! full it is emptied and refilled (repeats in logs are mostly near each other). The rest is
//! the key sets and one line's buffer.
//!
//! A fresh [`Analysis`] judges each batch: an analysis keeps every report for its final
//! report, which a stream must not. Reading three key documents again per batch costs well
//! under a millisecond.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use keyhole_engine::analyze::{Found, TokenInput};
use keyhole_engine::found::{FoundAt, NoteCode};
use keyhole_engine::{limits, Analysis, AnalyzeOptions, CaseFile};
use rayon::prelude::*;
use serde::Deserialize;

use crate::args::FailOn;
use crate::record::Record;

/// Tokens judged together: enough to keep every core busy and amortise a batch's analysis.
pub const BATCH: usize = 4096;
/// Token text held by one batch at most (tokens of a few huge lines).
pub const BATCH_BYTES: usize = 16 * 1024 * 1024;
/// Distinct tokens whose records are remembered (about 0.5 KB each).
pub const CACHE: usize = 65_536;
/// A batch that has waited this long is judged as soon as the input has nothing buffered, so
/// that tokens trickling into stdin are answered without waiting for a full batch.
const PATIENCE: Duration = Duration::from_millis(100);

/// What a stream run found: whether some line was refused and some verdict was failing.
#[derive(Debug, Default)]
pub struct Outcome {
    pub tokens: usize,
    pub refused: usize,
    pub failing: bool,
}

/// A token read but not yet judged, and where it came from.
struct Pending {
    text: String,
    location: String,
}

/// The stream's state between batches.
struct Stream<'o, W: Write> {
    head: CaseFile,
    options: AnalyzeOptions<'static>,
    catalogue: bool,
    pool: rayon::ThreadPool,
    fail_on: &'o [FailOn],
    out: W,
    cache: HashMap<String, Record>,
    pending: Vec<Pending>,
    pending_bytes: usize,
    last_flush: Instant,
    outcome: Outcome,
}

/// The members of a JSON line `check --stream` reads (others are ignored).
#[derive(Deserialize)]
struct TokenLine {
    token: Option<serde_json::Value>,
}

/// Judges every token of `inputs` (file names, `-` for stdin) against `head`'s keys and
/// writes a record per token to `out`.
pub fn run(
    head: CaseFile,
    options: AnalyzeOptions<'static>,
    inputs: &[String],
    threads: NonZeroUsize,
    catalogue: bool,
    fail_on: &[FailOn],
    out: impl Write,
) -> Result<Outcome, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.get())
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let mut stream = Stream {
        head,
        options,
        catalogue,
        pool,
        fail_on,
        out,
        cache: HashMap::new(),
        pending: Vec::new(),
        pending_bytes: 0,
        last_flush: Instant::now(),
        outcome: Outcome::default(),
    };
    let stdin = ["-".to_owned()];
    let inputs = if inputs.is_empty() {
        &stdin[..]
    } else {
        inputs
    };
    for name in inputs {
        let prefix = if inputs.len() > 1 {
            format!("{name}: ")
        } else {
            String::new()
        };
        if name == "-" {
            let stdin = std::io::stdin();
            stream.read(BufReader::with_capacity(1 << 20, stdin), &prefix, name)?;
        } else {
            let file = std::fs::File::open(name).map_err(|e| format!("cannot read {name}: {e}"))?;
            stream.read(BufReader::with_capacity(1 << 20, file), &prefix, name)?;
        }
    }
    stream.flush()?;
    Ok(stream.outcome)
}

/// One line of input, read with its length capped.
enum Line {
    End,
    /// The line (without its line end) is in the buffer.
    Read,
    /// The line was over the limit and skipped; its length in bytes.
    TooLong(usize),
}

/// Reads one line into `buf` (cleared first), holding at most `max` bytes of it.
fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<Line> {
    buf.clear();
    let n = r.by_ref().take(max as u64 + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(Line::End);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Line::Read);
    }
    if buf.len() <= max {
        return Ok(Line::Read); // the last line, without a line end
    }
    // Over the limit: skip to the line's end without holding it.
    let mut len = buf.len();
    buf.clear();
    loop {
        let available = r.fill_buf()?;
        if available.is_empty() {
            break;
        }
        if let Some(nl) = available.iter().position(|&b| b == b'\n') {
            len += nl;
            r.consume(nl + 1);
            break;
        }
        let n = available.len();
        len += n;
        r.consume(n);
    }
    Ok(Line::TooLong(len))
}

impl<W: Write> Stream<'_, W> {
    fn read(
        &mut self,
        mut reader: BufReader<impl Read>,
        prefix: &str,
        name: &str,
    ) -> Result<(), String> {
        let mut buf = Vec::new();
        let mut line_no = 0usize;
        let mut offset = 0usize;
        loop {
            let line = read_line(&mut reader, &mut buf, limits::MAX_TEXT_BYTES)
                .map_err(|e| format!("cannot read {name}: {e}"))?;
            line_no += 1;
            match line {
                Line::End => break,
                Line::TooLong(len) => {
                    self.refuse(&format!(
                        "{prefix}line {line_no} is {len} bytes, over the {}-byte limit for searching one line",
                        limits::MAX_TEXT_BYTES
                    ));
                    offset += len + 1;
                }
                Line::Read => {
                    let len = buf.len();
                    self.take_line(&buf, prefix, line_no, offset);
                    // The line end's bytes are not known exactly (\n or \r\n); offsets count \n.
                    offset += len + 1;
                }
            }
            // Nothing buffered: the next read may wait (stdin fed a line at a time).
            let idle = reader.buffer().is_empty();
            if self.pending.len() >= BATCH
                || self.pending_bytes >= BATCH_BYTES
                || (idle && !self.pending.is_empty() && self.last_flush.elapsed() >= PATIENCE)
            {
                self.flush()?;
            }
        }
        Ok(())
    }

    fn refuse(&mut self, why: &str) {
        eprintln!("keyhole: input refused: {why}");
        self.outcome.refused += 1;
    }

    fn push(&mut self, text: String, location: String) {
        self.pending_bytes += text.len();
        self.pending.push(Pending { text, location });
    }

    /// Queues the tokens of one line (see the module's documentation for what a line holds).
    fn take_line(&mut self, bytes: &[u8], prefix: &str, line_no: usize, offset: usize) {
        let trimmed = bytes.trim_ascii();
        if trimmed.is_empty() {
            return;
        }
        match trimmed.first() {
            Some(b'"') => {
                if let Ok(token) = serde_json::from_slice::<String>(trimmed) {
                    self.push(token.trim().to_owned(), format!("{prefix}line {line_no}"));
                    return;
                }
            }
            Some(b'{') => {
                if let Ok(TokenLine { token: Some(token) }) = serde_json::from_slice(trimmed) {
                    match token {
                        serde_json::Value::String(t) => {
                            self.push(t.trim().to_owned(), format!("{prefix}line {line_no}"));
                        }
                        other => self.refuse(&format!(
                            "{prefix}line {line_no}: its \"token\" member is {}, not a string",
                            kind_of(&other)
                        )),
                    }
                    return;
                }
            }
            _ => {}
        }
        let text = String::from_utf8_lossy(bytes);
        let found = Found::search(&text);
        for note in &found.notes {
            if note.code == NoteCode::TextNotSearched {
                self.refuse(&format!("{prefix}line {line_no}: {}", note.message));
            }
        }
        for input in found.inputs {
            let mut at = input.found_at;
            if let FoundAt::Text { locations, .. } = &mut at {
                for l in locations.iter_mut() {
                    l.line += line_no - 1;
                    l.offset += offset;
                }
            }
            self.push(input.text, format!("{prefix}{at}"));
        }
    }

    /// Judges the pending tokens not in the cache, writes every pending token's record.
    fn flush(&mut self) -> Result<(), String> {
        self.last_flush = Instant::now();
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut pending = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let fingerprints: Vec<String> = self.pool.install(|| {
            pending
                .par_iter()
                .map(|p| keyhole_engine::export::fingerprint(&p.text))
                .collect()
        });
        // Each distinct token not in the cache, judged once: its slot in `todo`.
        let mut slot_of: HashMap<&str, usize> = HashMap::new();
        let mut todo: Vec<TokenInput> = Vec::new();
        for (p, fp) in pending.iter_mut().zip(&fingerprints) {
            if self.cache.contains_key(fp) || slot_of.contains_key(fp.as_str()) {
                continue;
            }
            slot_of.insert(fp, todo.len());
            todo.push(TokenInput {
                text: std::mem::take(&mut p.text),
                found_at: FoundAt::tokens(0),
            });
        }
        let judged = self.judge(todo);
        for (p, fp) in pending.iter_mut().zip(&fingerprints) {
            let held = match slot_of.get(fp.as_str()) {
                Some(&slot) => judged.get(slot),
                None => self.cache.get(fp),
            };
            let Some(held) = held else {
                return Err("internal error: a token's record went missing".to_owned());
            };
            let mut record = held.clone();
            record.index = self.outcome.tokens;
            record.location = std::mem::take(&mut p.location);
            self.outcome.tokens += 1;
            self.outcome.failing |= self
                .fail_on
                .iter()
                .any(|f| record.verdict.as_str() == Some(fail_word(*f)));
            serde_json::to_writer(&mut self.out, &record)
                .map_err(|e| format!("cannot write the output: {e}"))?;
            self.out
                .write_all(b"\n")
                .map_err(|e| format!("cannot write the output: {e}"))?;
        }
        self.out
            .flush()
            .map_err(|e| format!("cannot write the output: {e}"))?;
        for (fp, slot) in slot_of {
            if self.cache.len() >= CACHE {
                self.cache.clear();
            }
            if let Some(r) = judged.get(slot) {
                self.cache.insert(fp.to_owned(), r.clone());
            }
        }
        Ok(())
    }

    /// The records of `tokens`, in order, judged on the pool by a fresh analysis of the keys.
    fn judge(&self, tokens: Vec<TokenInput>) -> Vec<Record> {
        if tokens.is_empty() {
            return Vec::new();
        }
        let mut analysis = Analysis::new(&self.head, &self.options);
        if !self.catalogue {
            analysis.set_catalogue(None);
        }
        analysis.add_found(Found {
            inputs: tokens,
            notes: Vec::new(),
        });
        let Some(slice) = analysis.next_slice(usize::MAX) else {
            return Vec::new();
        };
        let judge = analysis.judging();
        self.pool.install(|| {
            slice
                .into_tokens()
                .into_par_iter()
                .map(|t| Record::of(judge.token(t, &keyhole_engine::verify::JsonWebTokenVerifier)))
                .collect()
        })
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The verdict's name in a record, for `--fail-on`.
fn fail_word(f: FailOn) -> &'static str {
    match f {
        FailOn::Violation => "violation",
        FailOn::Invalid => "invalid",
        FailOn::Unverified => "unverified",
        FailOn::Malformed => "malformed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, max: usize) -> Vec<String> {
        let mut r = BufReader::with_capacity(4, text.as_bytes());
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            match read_line(&mut r, &mut buf, max).unwrap_or_else(|e| unreachable!("{e}")) {
                Line::End => return out,
                Line::Read => out.push(String::from_utf8_lossy(&buf).into_owned()),
                Line::TooLong(n) => out.push(format!("<{n}>")),
            }
        }
    }

    #[test]
    fn lines_over_the_limit_are_skipped_whole() {
        assert_eq!(
            lines("ab\r\n0123456789\nxyz\n\nlast", 5),
            ["ab", "<10>", "xyz", "", "last"]
        );
        assert_eq!(lines("abcde\nabcdef", 5), ["abcde", "<6>"]);
    }
}
