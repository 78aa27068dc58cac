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
//! read; its tokens not yet judged go, each distinct one once, to a thread that judges them on
//! the rayon pool with the engine's [`Analysis`] (the same judging as `keyhole check`; each
//! record is serialised there too, see [`Judged`]) and writes the batch's records, while the
//! next batch is read (so at most two batches are held). Serialised records of distinct tokens
//! are kept in a cache keyed by SHA-256 of the token (the record's fingerprint), so a repeated
//! token is judged once: two generations of at most [`CACHE`] entries each (≈0.4 KB an
//! entry), the older dropped when the younger fills (repeats in logs are mostly near each
//! other). The rest is the key sets and the lines read ahead (a reading thread hands over
//! chunks of at most 1 MB or one long line, two at a time).
//!
//! A fresh [`Analysis`] judges each batch: an analysis keeps every report for its final
//! report, which a stream must not. Reading three key documents again per batch costs well
//! under a millisecond.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::num::NonZeroUsize;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use keyhole_engine::analyze::{Found, TokenInput};
use keyhole_engine::found::{FoundAt, NoteCode};
use keyhole_engine::verify::JsonWebTokenVerifier;
use keyhole_engine::{limits, Analysis, AnalyzeOptions, CaseFile};
use rayon::prelude::*;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::args::FailOn;
use crate::record::Record;

/// Tokens judged together: enough to keep every core busy and amortise a batch's analysis.
pub const BATCH: usize = 4096;
/// Token text held by one batch at most (tokens of a few huge lines).
pub const BATCH_BYTES: usize = 16 * 1024 * 1024;
/// Distinct tokens whose records one cache generation remembers (two are kept).
pub const CACHE: usize = 65_536;
/// When no line has come for this long, the tokens read so far are judged without waiting for
/// a full batch (tokens trickling into stdin are answered within about this time).
const PATIENCE: Duration = Duration::from_millis(100);

/// What a stream run found: whether some line was refused and some verdict was failing.
#[derive(Debug, Default)]
pub struct Outcome {
    pub tokens: usize,
    pub refused: usize,
    pub failing: bool,
}

/// A token read but not yet judged: what identifies it and where it came from.
struct Pending {
    text: String,
    digest: Digest,
    location: String,
}

/// SHA-256 of the trimmed token: the cache's key (the record's `fingerprint`, unformatted).
type Digest = [u8; 32];

fn digest(token: &str) -> Digest {
    Sha256::digest(token.trim().as_bytes()).into()
}

/// What judges a batch: the keys and options, and the threads. Shared with the thread that
/// judges one batch while the next is read.
struct Judger {
    head: CaseFile,
    options: AnalyzeOptions<'static>,
    catalogue: bool,
    pool: rayon::ThreadPool,
}

impl Judger {
    /// The records of `tokens`, in order, judged (and serialised, see [`Judged`]) on the pool
    /// by a fresh analysis of the keys.
    fn judge(&self, tokens: Vec<TokenInput>, fail_on: &[&str]) -> Result<Vec<Arc<Judged>>, String> {
        if tokens.is_empty() {
            return Ok(Vec::new());
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
            return Ok(Vec::new());
        };
        let judge = analysis.judging();
        self.pool.install(|| {
            slice
                .into_tokens()
                .into_par_iter()
                .map(|t| Judged::of(Record::of(judge.token(t, &JsonWebTokenVerifier)), fail_on))
                .collect()
        })
    }
}

/// A distinct token's record, serialised once on the pool: the JSON of its [`Record`] between
/// `index` (its first member) and `location` (its last), the two that differ between the
/// token's occurrences. A line is `{"index":` N, these bytes, `"location":` L `}` — byte for
/// byte what `serde_json::to_writer(&record)` writes (tests::lines_are_the_records_json).
#[derive(Debug)]
struct Judged {
    middle: Box<[u8]>,
    /// Its verdict is one of `--fail-on`.
    failing: bool,
}

const HEAD: &[u8] = br#"{"index":0"#;
const TAIL: &[u8] = br#""location":""}"#;

impl Judged {
    fn of(mut record: Record, fail_on: &[&str]) -> Result<Arc<Judged>, String> {
        let failing = fail_on.iter().any(|f| record.verdict.as_str() == Some(f));
        record.index = 0;
        record.location = String::new();
        let json =
            serde_json::to_vec(&record).map_err(|e| format!("cannot write the output: {e}"))?;
        let middle = json
            .strip_prefix(HEAD)
            .and_then(|rest| rest.strip_suffix(TAIL))
            .ok_or("internal error: a record's JSON does not start with its index")?;
        Ok(Arc::new(Judged {
            middle: middle.into(),
            failing,
        }))
    }

    /// Writes the record's line for the occurrence `index` found at `location`.
    fn write_line(
        &self,
        out: &mut impl Write,
        index: usize,
        location: &str,
    ) -> std::io::Result<()> {
        out.write_all(br#"{"index":"#)?;
        write!(out, "{index}")?;
        out.write_all(&self.middle)?;
        out.write_all(br#""location":"#)?;
        serde_json::to_writer(&mut *out, location)?;
        out.write_all(b"}\n")
    }
}

/// Where a token's record comes from once its batch is judged.
enum Source {
    /// The cache had it when the batch was sent.
    Known(Arc<Judged>),
    /// Its slot among the batch's judged tokens.
    Judged(usize),
}

/// A batch being judged and written on another thread while the next one is read.
struct InFlight {
    handle: std::thread::JoinHandle<Result<Landed, String>>,
}

/// What a batch's thread hands back: the verdicts it judged (for the cache) and whether one
/// of its records fails the run.
struct Landed {
    judged: Vec<(Digest, Arc<Judged>)>,
    failing: bool,
}

/// Records of distinct tokens by digest, in two generations of at most [`CACHE`] each: a
/// token is looked up in both, new ones go into the young one, and when it is full the old
/// one is dropped and the young one becomes old. So the last [`CACHE`] to 2 × [`CACHE`]
/// distinct tokens are always remembered (emptying a single map when full forgot the
/// recent tokens that repeats in a log mostly are).
#[derive(Default)]
struct Cache {
    young: HashMap<Digest, Arc<Judged>>,
    old: HashMap<Digest, Arc<Judged>>,
}

impl Cache {
    fn get(&self, digest: &Digest) -> Option<&Arc<Judged>> {
        self.young.get(digest).or_else(|| self.old.get(digest))
    }

    fn insert(&mut self, digest: Digest, judged: Arc<Judged>) {
        if self.young.len() >= CACHE {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(digest, judged);
    }
}

/// The stream's state between batches.
struct Stream<'o, W: Write + Send + 'static> {
    judger: Arc<Judger>,
    fail_on: &'o [FailOn],
    out: Arc<Mutex<W>>,
    cache: Cache,
    pending: Vec<Pending>,
    pending_bytes: usize,
    in_flight: Option<InFlight>,
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
    out: impl Write + Send + 'static,
) -> Result<Outcome, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.get())
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let mut stream = Stream {
        judger: Arc::new(Judger {
            head,
            options,
            catalogue,
            pool,
        }),
        fail_on,
        out: Arc::new(Mutex::new(out)),
        cache: Cache::default(),
        pending: Vec::new(),
        pending_bytes: 0,
        in_flight: None,
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
    stream.land()?;
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

/// A line as the reading thread hands it over.
enum Event {
    Line {
        line_no: usize,
        /// Bytes before the line in its input (line ends counted as one byte).
        offset: usize,
        bytes: Vec<u8>,
    },
    TooLong {
        line_no: usize,
        len: usize,
    },
}

/// Lines handed over together: at most this many, or this many bytes, or what was read before
/// the input had nothing more buffered (the next read may wait).
const CHUNK_LINES: usize = 1024;
const CHUNK_BYTES: usize = 1 << 20;

/// The reading thread: splits `reader` into lines and sends them in chunks, until the end, a
/// read error, or the receiver hangs up.
fn read_lines<R: Read>(
    mut reader: BufReader<R>,
    tx: &mpsc::SyncSender<Result<Vec<Event>, String>>,
    name: &str,
) {
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut offset = 0usize;
    let mut chunk = Vec::new();
    let mut chunk_bytes = 0;
    loop {
        let line = match read_line(&mut reader, &mut buf, limits::MAX_TEXT_BYTES) {
            Ok(line) => line,
            Err(e) => {
                let _ = tx.send(Err(format!("cannot read {name}: {e}")));
                return;
            }
        };
        line_no += 1;
        match line {
            Line::End => break,
            Line::TooLong(len) => {
                chunk.push(Event::TooLong { line_no, len });
                offset += len + 1;
            }
            Line::Read => {
                let len = buf.len();
                chunk_bytes += len;
                chunk.push(Event::Line {
                    line_no,
                    offset,
                    // A copy of its exact size: `buf` keeps its capacity for the next line
                    // (taking it would regrow a fresh buffer from nothing on every line).
                    bytes: buf.clone(),
                });
                // The line end's bytes are not known exactly (\n or \r\n); offsets count \n.
                offset += len + 1;
            }
        }
        if chunk.len() >= CHUNK_LINES || chunk_bytes >= CHUNK_BYTES || reader.buffer().is_empty() {
            chunk_bytes = 0;
            if tx.send(Ok(std::mem::take(&mut chunk))).is_err() {
                return;
            }
        }
    }
    if !chunk.is_empty() {
        let _ = tx.send(Ok(chunk));
    }
}

impl<W: Write + Send + 'static> Stream<'_, W> {
    /// Takes the lines of one input, read on a thread of its own, and sends a batch to be
    /// judged when it is full or when no line has come for [`PATIENCE`].
    fn read<R: Read + Send + 'static>(
        &mut self,
        reader: BufReader<R>,
        prefix: &str,
        name: &str,
    ) -> Result<(), String> {
        let (tx, rx) = mpsc::sync_channel(2);
        let owned = name.to_owned();
        let reading = std::thread::Builder::new()
            .name("keyhole-read".to_owned())
            .spawn(move || read_lines(reader, &tx, &owned))
            .map_err(|e| format!("cannot start a thread: {e}"))?;
        loop {
            match rx.recv_timeout(PATIENCE) {
                Ok(Ok(events)) => {
                    for event in events {
                        self.take(event, prefix);
                        if self.pending.len() >= BATCH || self.pending_bytes >= BATCH_BYTES {
                            self.flush()?;
                        }
                    }
                }
                Ok(Err(e)) => return Err(e),
                Err(mpsc::RecvTimeoutError::Timeout) => self.flush()?,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        reading
            .join()
            .map_err(|_| format!("internal error: reading {name} failed"))
    }

    fn take(&mut self, event: Event, prefix: &str) {
        match event {
            Event::TooLong { line_no, len } => self.refuse(&format!(
                "{prefix}line {line_no} is {len} bytes, over the {}-byte limit for searching one line",
                limits::MAX_TEXT_BYTES
            )),
            Event::Line {
                line_no,
                offset,
                bytes,
            } => self.take_line(&bytes, prefix, line_no, offset),
        }
    }

    fn refuse(&mut self, why: &str) {
        eprintln!("keyhole: input refused: {why}");
        self.outcome.refused += 1;
    }

    fn push(&mut self, text: String, location: String) {
        self.pending_bytes += text.len();
        let digest = digest(&text);
        self.pending.push(Pending {
            text,
            digest,
            location,
        });
    }

    /// Queues the tokens of one line (see the module's documentation for what a line holds).
    fn take_line(&mut self, bytes: &[u8], prefix: &str, line_no: usize, offset: usize) {
        let trimmed = bytes.trim_ascii();
        if trimmed.is_empty() {
            return;
        }
        if let Some(token) = plain_token_line(trimmed) {
            self.push(token.to_owned(), format!("{prefix}line {line_no}"));
            return;
        }
        match trimmed.first() {
            Some(b'"') => {
                if let Ok(token) = serde_json::from_slice::<String>(trimmed) {
                    self.push(trimmed_string(token), format!("{prefix}line {line_no}"));
                    return;
                }
            }
            Some(b'{') => {
                if let Ok(TokenLine { token: Some(token) }) = serde_json::from_slice(trimmed) {
                    match token {
                        serde_json::Value::String(t) => {
                            self.push(trimmed_string(t), format!("{prefix}line {line_no}"));
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

    /// Sends the pending tokens to another thread, which judges those the cache does not know
    /// (each distinct token once) and writes every record, after the batch sent before has
    /// landed (so records stay in input order).
    fn flush(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.land()?;
        let pending = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let mut slot_of: HashMap<Digest, usize> = HashMap::new();
        let mut todo: Vec<TokenInput> = Vec::new();
        let mut digests = Vec::new();
        let mut tokens = Vec::with_capacity(pending.len());
        for p in pending {
            let source = if let Some(r) = self.cache.get(&p.digest) {
                Source::Known(Arc::clone(r))
            } else if let Some(&slot) = slot_of.get(&p.digest) {
                Source::Judged(slot)
            } else {
                slot_of.insert(p.digest, todo.len());
                digests.push(p.digest);
                todo.push(TokenInput {
                    text: p.text,
                    found_at: FoundAt::tokens(0),
                });
                Source::Judged(todo.len() - 1)
            };
            tokens.push((source, p.location));
        }
        let first = self.outcome.tokens;
        self.outcome.tokens += tokens.len();
        let judger = Arc::clone(&self.judger);
        let out = Arc::clone(&self.out);
        let fail_on: Vec<&'static str> = self.fail_on.iter().map(|f| fail_word(*f)).collect();
        let handle = std::thread::Builder::new()
            .name("keyhole-batch".to_owned())
            .spawn(move || {
                let judged = judger.judge(todo, &fail_on)?;
                if judged.len() != digests.len() {
                    return Err("internal error: a batch came back incomplete".to_owned());
                }
                let mut out = out
                    .lock()
                    .map_err(|_| "internal error: the output is poisoned".to_owned())?;
                let mut failing = false;
                for (i, (source, location)) in tokens.into_iter().enumerate() {
                    let record = match &source {
                        Source::Known(r) => r,
                        Source::Judged(slot) => judged.get(*slot).ok_or_else(|| {
                            "internal error: a token's record went missing".to_owned()
                        })?,
                    };
                    failing |= record.failing;
                    record
                        .write_line(&mut *out, first + i, &location)
                        .map_err(|e| format!("cannot write the output: {e}"))?;
                }
                out.flush()
                    .map_err(|e| format!("cannot write the output: {e}"))?;
                Ok(Landed {
                    judged: digests.into_iter().zip(judged).collect(),
                    failing,
                })
            })
            .map_err(|e| format!("cannot start a thread: {e}"))?;
        self.in_flight = Some(InFlight { handle });
        Ok(())
    }

    /// Waits for the batch in flight, if any, and caches its verdicts.
    fn land(&mut self) -> Result<(), String> {
        let Some(InFlight { handle }) = self.in_flight.take() else {
            return Ok(());
        };
        let landed = handle
            .join()
            .map_err(|_| "internal error: judging a batch failed".to_owned())??;
        self.outcome.failing |= landed.failing;
        for (digest, judged) in landed.judged {
            self.cache.insert(digest, judged);
        }
        Ok(())
    }
}

/// The token of a line that is exactly `"TOKEN"` or `{"token":"TOKEN"}` with TOKEN made only of
/// base64url characters, dots and `=` — what generated NDJSON nearly always is. Such a JSON
/// string has no escape and no white space, so it is the text JSON parsing would give (and
/// trimming would keep): the line is read without a parser. Anything else goes the general way.
fn plain_token_line(line: &[u8]) -> Option<&str> {
    let inner = line
        .strip_prefix(br#"{"token":""#)
        .and_then(|rest| rest.strip_suffix(br#""}"#))
        .or_else(|| line.strip_prefix(b"\"")?.strip_suffix(b"\""))?;
    let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=');
    if inner.is_empty() || !inner.iter().all(plain) {
        return None;
    }
    std::str::from_utf8(inner).ok()
}

/// `text` without surrounding white space, reusing it when there is none.
fn trimmed_string(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_owned()
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
            match read_line(&mut r, &mut buf, max).unwrap() {
                Line::End => return out,
                Line::Read => out.push(String::from_utf8_lossy(&buf).into_owned()),
                Line::TooLong(n) => out.push(format!("<{n}>")),
            }
        }
    }

    #[test]
    fn lines_are_the_records_json() {
        use keyhole_engine::analyze_with_reference;
        use keyhole_engine::samples::SAMPLES;
        let mut lines = 0;
        for sample in SAMPLES {
            let case = CaseFile::from_json(sample.case_json()).unwrap();
            let report = analyze_with_reference(&case, &AnalyzeOptions::at(0));
            for (i, t) in report.tokens.into_iter().enumerate() {
                let record = Record::of(t);
                let judged = Judged::of(record.clone(), &["permitted", "violation"]).unwrap();
                let failing = ["permitted", "violation"]
                    .iter()
                    .any(|f| record.verdict.as_str() == Some(f));
                assert_eq!(judged.failing, failing);
                for (index, location) in [
                    (i, "line 1"),
                    (
                        1_000_000 + i,
                        r#"a "quoted" \ name: line 7, column 3 — ünïcode"#,
                    ),
                    (0, ""),
                ] {
                    let mut expected = serde_json::to_vec(&Record {
                        index,
                        location: location.to_owned(),
                        ..record.clone()
                    })
                    .unwrap();
                    expected.push(b'\n');
                    let mut got = Vec::new();
                    judged.write_line(&mut got, index, location).unwrap();
                    assert_eq!(
                        String::from_utf8(got).unwrap(),
                        String::from_utf8(expected).unwrap(),
                        "{}",
                        sample.name
                    );
                    lines += 1;
                }
            }
        }
        assert!(lines > 30, "{lines}");
    }

    #[test]
    fn the_cache_remembers_the_last_generation() {
        let mut cache = Cache::default();
        let judged = |n: u8| {
            Arc::new(Judged {
                middle: vec![n].into(),
                failing: false,
            })
        };
        let key = |i: usize| -> Digest {
            let mut d = [0u8; 32];
            d[..8].copy_from_slice(&(i as u64).to_le_bytes());
            d
        };
        for i in 0..CACHE * 2 + 10 {
            cache.insert(key(i), judged(1));
        }
        // The last CACHE + 10 are kept (young: 10, old: CACHE); older ones are forgotten.
        assert!(cache.get(&key(CACHE * 2 + 9)).is_some());
        assert!(cache.get(&key(CACHE)).is_some());
        assert!(cache.get(&key(CACHE - 1)).is_none());
        assert!(cache.young.len() + cache.old.len() <= 2 * CACHE);
    }

    #[test]
    fn plain_token_lines_read_as_json_does() {
        let general = |line: &str| -> Option<String> {
            match serde_json::from_str::<serde_json::Value>(line).ok()? {
                serde_json::Value::String(t) => Some(t.trim().to_owned()),
                serde_json::Value::Object(o) => Some(o.get("token")?.as_str()?.trim().to_owned()),
                _ => None,
            }
        };
        for line in [
            r#"{"token":"eyJhbGciOiJSUzI1NiJ9.eyJ4IjoxfQ.c2ln"}"#,
            r#""eyJhbGciOiJSUzI1NiJ9.eyJ4IjoxfQ.c2ln""#,
            r#""eyJ.e30=.""#,
        ] {
            let fast = plain_token_line(line.as_bytes());
            assert!(fast.is_some(), "{line}");
            assert_eq!(fast.map(str::to_owned), general(line), "{line}");
        }
        // Escapes, white space, other members, other shapes: the general way.
        for line in [
            r#"{"token":"eyJ\u0041.e30.x"}"#,
            r#"{"token":" eyJ.e30.x"}"#,
            r#"{"token":"eyJ.e30.x","token":"other"}"#,
            r#"{"token": "eyJ.e30.x"}"#,
            r#"{"token":""}"#,
            r#""""#,
            r#"{"token":"a"b"}"#,
            "Authorization: Bearer eyJ.e30.x",
        ] {
            assert_eq!(plain_token_line(line.as_bytes()), None, "{line}");
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
