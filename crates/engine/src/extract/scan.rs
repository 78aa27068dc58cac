//! The candidate scanner: one forward pass over the text that finds compact JWS/JWE tokens in
//! runs of base64url characters and dots (plus `=` padding at the end of a segment, which
//! JOSE forbids but some issuers emit), undoing percent-encoding (`%XX`, and `%25XX` for
//! double encoding) on the way. Only a segment that looks like the start of a JSON object
//! (`ey…`/`ew…`) is decoded, and each segment is decoded at most once, so the pass is linear.

use crate::limits;
use crate::token;

/// A token found in the text: `start..end` is its byte range in the original text (covering any
/// percent-escapes), `token` the decoded token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub token: String,
}

/// True for the characters a compact token is made of: base64url and the segment dot.
pub(crate) fn is_token_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.'
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The byte encoded by two hex digits at `b[i..i + 2]`.
pub(crate) fn hex_pair(b: &[u8], i: usize) -> Option<u8> {
    let hi = hex_digit(*b.get(i)?)?;
    let lo = hex_digit(*b.get(i + 1)?)?;
    Some(hi << 4 | lo)
}

/// The character unit starting at `i`: a plain byte, `%XX` (3 bytes) or `%25XX` (5 bytes,
/// double-encoded). Returns the decoded byte and the unit's length in the original text.
pub(crate) fn unit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let c = *b.get(i)?;
    if c != b'%' {
        return Some((c, 1));
    }
    match hex_pair(b, i + 1) {
        Some(0x25) => match hex_pair(b, i + 3) {
            Some(inner) => Some((inner, 5)),
            None => Some((b'%', 3)),
        },
        Some(v) => Some((v, 3)),
        None => Some((b'%', 1)),
    }
}

/// Finds every compact token in `text`, in order of appearance.
pub(crate) fn find_compact(text: &str) -> Vec<Candidate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let Some((c, len)) = unit_at(b, i) else { break };
        if !is_token_byte(c) {
            i += len;
            continue;
        }
        // A maximal run of token units starts here.
        let run_start = i;
        let mut decoded: Vec<u8> = Vec::new();
        let mut offsets: Vec<usize> = Vec::new();
        let mut encoded = false;
        let mut dots = 0usize;
        let mut last = 0u8;
        let mut padding = 0usize;
        while let Some((c, len)) = unit_at(b, i) {
            if c == b'=' {
                // Non-standard `=` padding at the end of a segment stays in the run.
                let next = unit_at(b, i + len).map(|(n, _)| n);
                let ends_segment = next.is_none_or(|n| n == b'=' || !is_token_byte(n) || n == b'.');
                let after_data = last != b'.' && last != 0 && padding < 2;
                if !(ends_segment && after_data) {
                    break;
                }
                padding += 1;
            } else if is_token_byte(c) {
                padding = 0;
            } else {
                break;
            }
            if len > 1 && !encoded {
                encoded = true;
                decoded = b.get(run_start..i).map(<[u8]>::to_vec).unwrap_or_default();
                offsets = (run_start..i).collect();
            }
            if encoded {
                decoded.push(c);
                offsets.push(i);
            }
            dots += usize::from(c == b'.');
            last = c;
            i += len;
        }
        // Two dots at least, or one: a token cut off inside its payload (`header.payl`).
        if dots < 1 {
            continue;
        }
        if encoded {
            offsets.push(i);
            let run = String::from_utf8_lossy(&decoded);
            scan_run(&run, |d| offsets.get(d).copied().unwrap_or(i), &mut out);
        } else if let Some(run) = text.get(run_start..i) {
            scan_run(run, |d| run_start + d, &mut out);
        }
    }
    out
}

/// Finds tokens inside one run; `raw` maps an index in `run` to a byte offset in the text.
fn scan_run(run: &str, raw: impl Fn(usize) -> usize, out: &mut Vec<Candidate>) {
    let mut segments: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    for (i, c) in run.bytes().enumerate() {
        if c == b'.' {
            segments.push((from, i));
            from = i + 1;
        }
    }
    segments.push((from, run.len()));
    let mut i = 0;
    while i < segments.len() {
        let want = segments
            .get(i)
            .and_then(|&(s, e)| run.get(s..e))
            .and_then(header_segment_count);
        if let Some(want) = want {
            let first = segments.get(i);
            let last = segments.get(i + want - 1);
            // A token over the size limit is still a candidate (its header was read): parsing
            // refuses it with `TokenError::TooLarge`, so the analyst sees it listed as refused
            // and why, instead of "no token was found".
            // A JWS cut off inside its payload (the run ends after its header and part of its
            // payload) is a candidate too: parsing lists it as malformed with
            // `TokenError::Truncated` and the parts that decode. (A JWE cut short is not: its
            // header alone is common in documentation.)
            let cut = segments
                .get(i + 1)
                .filter(|&&(s, e)| want == 3 && i + 2 == segments.len() && e > s);
            let last = last.or(cut);
            if let (Some(&(s, _)), Some(&(_, e))) = (first, last) {
                if let Some(token) = run.get(s..e) {
                    out.push(Candidate {
                        start: raw(s),
                        end: raw(e),
                        token: token.to_owned(),
                    });
                    i += want;
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// If `segment` is a JOSE header (base64url of a JSON object with a string `alg`), how many
/// segments its token has: 5 when it also names `enc` (JWE), else 3.
fn header_segment_count(segment: &str) -> Option<usize> {
    // `{` encodes to `e`; `{"`/`{ ` continue with `y`, `{` + CR/LF/TAB with `w`.
    let prefix = segment.as_bytes().get(..2)?;
    if prefix != b"ey" && prefix != b"ew" {
        return None;
    }
    if segment.len() > limits::MAX_TOKEN_BYTES {
        return None;
    }
    let header = token::decode_header(segment.trim_end_matches('=')).ok()?;
    header.get("alg")?.as_str()?;
    Some(if header.get("enc").is_some_and(|e| e.is_string()) {
        5
    } else {
        3
    })
}
