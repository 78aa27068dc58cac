//! Searching text of any size for tokens. The engine refuses to search text over
//! [`limits::MAX_TEXT_BYTES`] (a note, `text-not-searched`, and no tokens): right for a page
//! holding a paste, wrong for a CLI handed a 40 MB proxy log, which would report "0 tokens"
//! and exit 0. So the CLI searches such text in pieces cut at line ends, each under the limit.
//! A token never spans a line (the extractor does not join lines), so no token is cut; each
//! piece's locations are moved by the lines and bytes before it, and a token seen in several
//! pieces becomes one entry with every location, as one search of the whole text would give.
//!
//! What a piece cannot see: a JSON document longer than a piece is read line by line (its
//! tokens keep a JSON path only when their own line is JSON), and the cap on JSON
//! serializations tried applies per piece. A single line over the limit cannot be cut; it is
//! skipped with a `text-not-searched` note, which makes `keyhole check` exit 2.

use std::collections::HashMap;

use keyhole_engine::analyze::{Found, TokenInput};
use keyhole_engine::extract::MAX_LOCATIONS_PER_TOKEN;
use keyhole_engine::found::{FoundAt, Note, NoteCode};
use keyhole_engine::limits;

/// Searches `text` whole: one engine search when it fits the engine's limit, else pieces of at
/// most that size, each cut after a `\n`.
pub fn search(text: &str) -> Found {
    search_in_pieces(text, limits::MAX_TEXT_BYTES)
}

/// [`search`] with the piece size as a parameter (tests use small pieces).
pub fn search_in_pieces(text: &str, piece_bytes: usize) -> Found {
    let piece_bytes = piece_bytes.max(1);
    if text.len() <= piece_bytes {
        return Found::search(text);
    }
    let mut merged = Merged::default();
    let mut start = 0;
    let mut lines_before = 0;
    while start < text.len() {
        let rest = &text.as_bytes()[start..];
        let end = if rest.len() <= piece_bytes {
            text.len()
        } else {
            match rest[..piece_bytes].iter().rposition(|&b| b == b'\n') {
                Some(nl) => start + nl + 1,
                None => {
                    // One line longer than a piece: it cannot be cut without cutting tokens.
                    let line_end = rest
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(text.len(), |nl| start + nl + 1);
                    merged.notes.push(Note::new(
                        NoteCode::TextNotSearched,
                        format!(
                            "line {} is {} bytes, over the {}-byte limit for searching one line; it was not searched",
                            lines_before + 1,
                            line_end - start,
                            piece_bytes
                        ),
                    ));
                    start = line_end;
                    lines_before += 1;
                    continue;
                }
            }
        };
        let piece = text.get(start..end).unwrap_or_default();
        merged.add(Found::search(piece), lines_before, start);
        lines_before += piece.bytes().filter(|&b| b == b'\n').count();
        start = end;
    }
    merged.finish(text)
}

/// The pieces' findings, merged in order of first appearance.
#[derive(Default)]
struct Merged {
    inputs: Vec<TokenInput>,
    /// Token text → its index in `inputs`.
    index: HashMap<String, usize>,
    notes: Vec<Note>,
}

impl Merged {
    fn add(&mut self, found: Found, lines_before: usize, bytes_before: usize) {
        for note in found.notes {
            // Said once for the whole text, in `finish`.
            if note.code != NoteCode::NoTokenFound {
                self.notes.push(note);
            }
        }
        for mut input in found.inputs {
            if let FoundAt::Text { locations, .. } = &mut input.found_at {
                for l in locations.iter_mut() {
                    l.line += lines_before;
                    l.offset += bytes_before;
                }
            }
            let Some(&i) = self.index.get(&input.text) else {
                self.index.insert(input.text.clone(), self.inputs.len());
                self.inputs.push(input);
                continue;
            };
            let Some(held) = self.inputs.get_mut(i) else {
                continue;
            };
            if let (
                FoundAt::Text { count, locations },
                FoundAt::Text {
                    count: more,
                    locations: more_locations,
                },
            ) = (&mut held.found_at, input.found_at)
            {
                *count += more;
                let room = MAX_LOCATIONS_PER_TOKEN.saturating_sub(locations.len());
                locations.extend(more_locations.into_iter().take(room));
            }
        }
    }

    fn finish(self, text: &str) -> Found {
        let mut notes = self.notes;
        if self.inputs.is_empty() && !text.trim().is_empty() {
            notes.push(Note::new(
                NoteCode::NoTokenFound,
                "no token was found in the pasted text",
            ));
        }
        Found {
            inputs: self.inputs,
            notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyhole_engine::samples::SAMPLES;

    fn tokens() -> Vec<String> {
        SAMPLES
            .iter()
            .filter_map(|s| CaseFileTokens::of(s.case_json()))
            .flatten()
            .collect()
    }

    /// The sample cases' `tokens`, read without the engine's case type.
    struct CaseFileTokens;
    impl CaseFileTokens {
        fn of(json: &str) -> Option<Vec<String>> {
            let v: serde_json::Value = serde_json::from_str(json).ok()?;
            Some(
                v["tokens"]
                    .as_array()?
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
            )
        }
    }

    /// A log of many lines, some carrying tokens (repeated ones too), in several contexts.
    fn log() -> String {
        let tokens = tokens();
        let mut text = String::new();
        for i in 0..400 {
            match i % 7 {
                0 => text.push_str(&format!(
                    "10.0.0.{} - - [20/Jun/2023:12:00:00 +0000] \"GET /api?id_token={} HTTP/1.1\" 200\n",
                    i % 250,
                    tokens[i % tokens.len()]
                )),
                3 => text.push_str(&format!(
                    "{{\"n\": {i}, \"auth\": \"Bearer {}\"}}\n",
                    tokens[(i * 3) % tokens.len()]
                )),
                5 => text.push_str(&format!("Authorization: Bearer {}\n", tokens[i % 5])),
                _ => text.push_str(&format!("line {i} with nothing in it, é\n")),
            }
        }
        text
    }

    #[test]
    fn pieces_find_what_one_search_finds() {
        let text = log();
        let whole = Found::search(&text);
        assert!(whole.inputs.len() > 5);
        // Pieces must hold the longest line (about 1.6 KB here).
        for piece in [2000, 3333, 10_000, text.len() - 1, text.len()] {
            let pieces = search_in_pieces(&text, piece);
            assert!(pieces == whole, "pieces of {piece} bytes differ");
        }
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_with_a_note() {
        let t = &tokens()[0];
        let long = "x".repeat(3000);
        let text = format!("a\n{long} {t}\nAuthorization: Bearer {t}\n");
        let found = search_in_pieces(&text, 2000);
        assert_eq!(found.inputs.len(), 1);
        let FoundAt::Text { count, locations } = &found.inputs[0].found_at else {
            unreachable!("found in text");
        };
        assert_eq!((*count, locations[0].line), (1, 3));
        assert_eq!(found.notes.len(), 1);
        assert_eq!(found.notes[0].code, NoteCode::TextNotSearched);
        assert!(found.notes[0].message.starts_with("line 2 is "));
    }

    #[test]
    fn no_token_is_said_once() {
        let text = "nothing here\n".repeat(50);
        let found = search_in_pieces(&text, 64);
        assert_eq!(found, Found::search(&text));
        assert_eq!(found.notes.len(), 1);
        assert_eq!(found.notes[0].code, NoteCode::NoTokenFound);
    }
}
