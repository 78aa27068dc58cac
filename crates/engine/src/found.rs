//! Where a token was found: the report's `found_at`, typed. These types sit at the bottom of the
//! module graph (they import nothing from the engine), so that the extractor that fills them,
//! the report that carries them and the app and CLI that show them all share one definition.
//!
//! JSON shape (the report's public contract):
//! - `{"source": "tokens", "index": 3, "count": 1}`: the case file's `tokens[3]` (`count` is
//!   always 1, so that every `found_at` has one);
//! - `{"source": "text", "count": 2, "locations": [Location, …]}`: found in the case's `text`,
//!   `count` times (at most [`crate::extract::MAX_LOCATIONS_PER_TOKEN`] locations are kept);
//! - a location: `{"line", "column", "offset", "length", "context": {"kind": …}, "log"?}` with
//!   `context.kind` one of `text`, `header` (`name`), `cookie` (`name`), `query_parameter`
//!   (`name`), `fragment_parameter` (`name`), `json_field` (`path`), `har` (`entry`, `part`,
//!   `name`, and `started` `{"epoch", "utc"}` when the entry's `startedDateTime` reads as a
//!   time), and `log` (only when the token's line looks like an access or application log
//!   line) with whichever of `timestamp`, `method`, `url`, `client_ip` the line shows.
//!
//! Reading these types back (a worker hands the tokens it found to the page as JSON) goes
//! through flat structs rather than serde's tagged-enum machinery, which would add its
//! buffering deserialiser to the web app's bundle.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::TimeValue;

/// Where a token of the report comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case", try_from = "FoundAtWire")]
pub enum FoundAt {
    /// The case file's `tokens[index]`.
    Tokens {
        index: usize,
        /// Always 1.
        count: usize,
    },
    /// The case's `text`: every place the token occurs (identical tokens are one entry).
    Text {
        /// How many times the token occurs (may exceed `locations.len()`).
        count: usize,
        locations: Vec<Location>,
    },
}

impl FoundAt {
    /// The case file's `tokens[index]`.
    pub fn tokens(index: usize) -> Self {
        FoundAt::Tokens { index, count: 1 }
    }

    /// How many times the token occurs where it was found.
    pub fn count(&self) -> usize {
        match self {
            FoundAt::Tokens { count, .. } | FoundAt::Text { count, .. } => *count,
        }
    }
}

/// In words, as the app shows it: `case file tokens[0]`, or up to three locations
/// (`line 2, column 16 (Authorization header)`) and how often the token was seen.
impl fmt::Display for FoundAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FoundAt::Tokens { index, .. } => write!(f, "case file tokens[{index}]"),
            FoundAt::Text { count, locations } => {
                for (i, l) in locations.iter().take(3).enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{l}")?;
                }
                if *count > 1 {
                    write!(f, " — seen {count} times")?;
                }
                Ok(())
            }
        }
    }
}

/// One occurrence of a token in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in Unicode characters from the start of the line.
    pub column: usize,
    /// Byte offset of the token's first character in the original text.
    pub offset: usize,
    /// Bytes the token occupies in the original text (longer than the token when URL-encoded).
    pub length: usize,
    pub context: LocationContext,
    /// What the token's line says about the request, when it is a log line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<LogLine>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {} ({})",
            self.line, self.column, self.context
        )?;
        if let Some(log) = self.log.as_ref().filter(|l| !l.is_empty()) {
            write!(f, " [{log}]")?;
        }
        Ok(())
    }
}

/// What surrounds a token: the name under which it travelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "ContextWire")]
pub enum LocationContext {
    /// Free text: no recognisable header, parameter or field.
    Text,
    /// An HTTP header value, e.g. `Authorization: Bearer …`.
    Header { name: String },
    /// A cookie in a `Cookie:` or `Set-Cookie:` header.
    Cookie { name: String },
    /// A URL query parameter (or a form parameter: same syntax).
    QueryParameter { name: String },
    /// A URL fragment parameter (OAuth implicit and hybrid flows put tokens there).
    FragmentParameter { name: String },
    /// A JSON string value, as a JSONPath (`$.a.b[0]`; `$..key` when only the key is known).
    JsonField { path: String },
    /// A HAR file entry: `log.entries[entry]`, the `part` of it, and the header, cookie or
    /// parameter name when there is one.
    Har {
        entry: usize,
        part: String,
        name: Option<String>,
        /// The entry's `startedDateTime` (HAR 1.2: when the request started, ISO 8601 with its
        /// offset), in Unix seconds and UTC; None when the entry has none or it is no time.
        /// It is to a HAR entry what the timestamp is to a log line: the time the token was
        /// seen in use.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        started: Option<TimeValue>,
    },
}

impl LocationContext {
    /// The HAR entry's `startedDateTime`, when this is a HAR entry that has a readable one.
    pub fn har_started(&self) -> Option<&TimeValue> {
        match self {
            LocationContext::Har { started, .. } => started.as_ref(),
            _ => None,
        }
    }
}

impl fmt::Display for LocationContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocationContext::Text => f.write_str("text"),
            LocationContext::Header { name } => write!(f, "{name} header"),
            LocationContext::Cookie { name } => write!(f, "cookie {name}"),
            LocationContext::QueryParameter { name } => write!(f, "query parameter {name}"),
            LocationContext::FragmentParameter { name } => write!(f, "fragment parameter {name}"),
            LocationContext::JsonField { path } => write!(f, "JSON {path}"),
            LocationContext::Har {
                entry,
                part,
                name,
                started,
            } => {
                write!(f, "HAR entry {entry} {part}")?;
                if let Some(n) = name {
                    write!(f, " {n}")?;
                }
                match started {
                    Some(t) => write!(f, ", started {}", crate::model::utc_words(&t.utc)),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The request a log line records, as far as the line shows it (an access log's client address,
/// time, method and URL; an application log's leading timestamp). Values are the line's own
/// text, unparsed: a timestamp stays in the log's format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
}

/// `2023-06-20T12:00:00Z 203.0.113.7 GET /api`: whichever parts the line showed.
impl fmt::Display for LogLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [&self.timestamp, &self.client_ip, &self.method, &self.url];
        for (i, p) in parts.into_iter().flatten().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(p)?;
        }
        Ok(())
    }
}

impl LogLine {
    /// True when the line showed nothing.
    pub fn is_empty(&self) -> bool {
        self.timestamp.is_none()
            && self.method.is_none()
            && self.url.is_none()
            && self.client_ip.is_none()
    }
}

/// A remark with a stable kebab-case code (for machines and tests) and plain-English words (for
/// people): what parsing a token, or analysing a case, noticed without it being an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub code: NoteCode,
    pub message: String,
}

impl Note {
    pub fn new(code: NoteCode, message: impl Into<String>) -> Self {
        Note {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The codes of [`Note`]s. Stable: codes are only ever added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteCode {
    // Notes about the case as a whole.
    /// The case's text was searched and held no token.
    NoTokenFound,
    /// The case's text could not be searched (too large).
    TextNotSearched,
    /// The case file has top-level members Keyhole does not use (they are ignored).
    UnknownCaseMembers,
    /// Some verdict rests on a key from Keyhole's catalogue of published keys rather than on a
    /// key set the analyst supplied (the note says how recent the catalogue is).
    CatalogueKeys,
    // Notes from parsing a token.
    /// A segment carried base64 padding (`=`), which JOSE forbids.
    PaddedSegment,
    /// An encrypted token (JWE): only its protected header can be read.
    Encrypted,
    /// A JWE header that cannot work as written (no `enc`).
    JweHeader,
    /// A problem with the `crit` header parameter (RFC 7515 §4.1.11).
    Crit,
    /// The unencoded payload option (`b64`, RFC 7797).
    UnencodedPayload,
    /// The payload is (or should be) a nested JWT (`cty: JWT`).
    NestedToken,
    /// `alg: none` with a signature present.
    UnsecuredWithSignature,
    /// A JWS JSON serialization with several signatures, or an unprotected header.
    JsonSerialization,
    /// Anything else parsing noticed.
    Other,
    /// The token was cut off: what its parts decode to, up to where it ends.
    TruncatedToken,
    /// The time a token was judged at, when each token is judged at its own time (case
    /// `judge_at: "token"`): its log line's, its `iat`, or the case's when it has neither.
    JudgedAt,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Source {
    Tokens,
    Text,
}

#[derive(Deserialize)]
struct FoundAtWire {
    source: Source,
    #[serde(default)]
    index: Option<usize>,
    count: usize,
    #[serde(default)]
    locations: Vec<Location>,
}

impl TryFrom<FoundAtWire> for FoundAt {
    type Error = &'static str;

    fn try_from(w: FoundAtWire) -> Result<Self, Self::Error> {
        match w.source {
            Source::Tokens => Ok(FoundAt::Tokens {
                index: w.index.ok_or("found_at: \"tokens\" without an index")?,
                count: w.count,
            }),
            Source::Text => Ok(FoundAt::Text {
                count: w.count,
                locations: w.locations,
            }),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Text,
    Header,
    Cookie,
    QueryParameter,
    FragmentParameter,
    JsonField,
    Har,
}

#[derive(Deserialize)]
struct ContextWire {
    kind: Kind,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    entry: Option<usize>,
    #[serde(default)]
    part: Option<String>,
    #[serde(default)]
    started: Option<TimeValue>,
}

impl TryFrom<ContextWire> for LocationContext {
    type Error = &'static str;

    fn try_from(w: ContextWire) -> Result<Self, Self::Error> {
        let name = || w.name.clone().ok_or("location context: no name");
        Ok(match w.kind {
            Kind::Text => LocationContext::Text,
            Kind::Header => LocationContext::Header { name: name()? },
            Kind::Cookie => LocationContext::Cookie { name: name()? },
            Kind::QueryParameter => LocationContext::QueryParameter { name: name()? },
            Kind::FragmentParameter => LocationContext::FragmentParameter { name: name()? },
            Kind::JsonField => LocationContext::JsonField {
                path: w.path.ok_or("location context: no path")?,
            },
            Kind::Har => LocationContext::Har {
                entry: w.entry.ok_or("location context: no entry")?,
                part: w.part.ok_or("location context: no part")?,
                name: w.name,
                started: w.started,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn round_trip(found: &FoundAt) -> serde_json::Value {
        let v = serde_json::to_value(found).unwrap();
        let back: FoundAt = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(&back, found);
        v
    }

    #[test]
    fn found_at_has_the_documented_shape_and_reads_back() {
        assert_eq!(
            round_trip(&FoundAt::tokens(3)),
            json!({"source": "tokens", "index": 3, "count": 1})
        );
        let contexts = [
            LocationContext::Text,
            LocationContext::Header {
                name: "Authorization".into(),
            },
            LocationContext::Cookie {
                name: "session".into(),
            },
            LocationContext::QueryParameter {
                name: "id_token".into(),
            },
            LocationContext::FragmentParameter {
                name: "access_token".into(),
            },
            LocationContext::JsonField {
                path: "$.a[0]".into(),
            },
            LocationContext::Har {
                entry: 2,
                part: "request.headers".into(),
                name: None,
                started: None,
            },
            LocationContext::Har {
                entry: 0,
                part: "request.url".into(),
                name: Some("code".into()),
                started: Some(TimeValue {
                    epoch: 1_687_262_400,
                    utc: "2023-06-20T12:00:00Z".into(),
                }),
            },
        ];
        let locations: Vec<Location> = contexts
            .into_iter()
            .enumerate()
            .map(|(i, context)| Location {
                line: i + 1,
                column: 1,
                offset: i * 10,
                length: 9,
                context,
                log: (i == 1).then(|| LogLine {
                    timestamp: Some("2023-06-20T12:00:00Z".into()),
                    method: Some("GET".into()),
                    url: Some("/api".into()),
                    client_ip: None,
                }),
            })
            .collect();
        let v = round_trip(&FoundAt::Text {
            count: 9,
            locations,
        });
        assert_eq!(v["source"], "text");
        assert_eq!(
            v["locations"][1]["context"],
            json!({"kind": "header", "name": "Authorization"})
        );
        assert_eq!(
            v["locations"][1]["log"],
            json!({"timestamp": "2023-06-20T12:00:00Z", "method": "GET", "url": "/api"})
        );
        assert!(v["locations"][0].get("log").is_none());
        assert_eq!(
            v["locations"][6]["context"],
            json!({"kind": "har", "entry": 2, "part": "request.headers", "name": null})
        );
        assert_eq!(
            v["locations"][7]["context"]["started"],
            json!({"epoch": 1_687_262_400, "utc": "2023-06-20T12:00:00Z"})
        );
    }

    #[test]
    fn found_at_in_words() {
        assert_eq!(FoundAt::tokens(2).to_string(), "case file tokens[2]");
        let at = |line, context, log| Location {
            line,
            column: 5,
            offset: 0,
            length: 1,
            context,
            log,
        };
        let found = FoundAt::Text {
            count: 5,
            locations: vec![
                at(
                    1,
                    LocationContext::Header {
                        name: "Authorization".into(),
                    },
                    None,
                ),
                at(
                    2,
                    LocationContext::Har {
                        entry: 3,
                        part: "request.url".into(),
                        name: Some("code".into()),
                        started: None,
                    },
                    Some(LogLine {
                        timestamp: Some("10/Oct/2000:13:55:36 -0700".into()),
                        method: Some("GET".into()),
                        url: None,
                        client_ip: Some("203.0.113.7".into()),
                    }),
                ),
                at(3, LocationContext::Text, None),
                at(4, LocationContext::JsonField { path: "$.x".into() }, None),
            ],
        };
        assert_eq!(
            found.to_string(),
            "line 1, column 5 (Authorization header); line 2, column 5 (HAR entry 3 request.url code) \
             [10/Oct/2000:13:55:36 -0700 203.0.113.7 GET]; line 3, column 5 (text) — seen 5 times"
        );
    }

    #[test]
    fn incomplete_found_at_is_refused() {
        for bad in [
            json!({"source": "tokens", "count": 1}),
            json!({"source": "elsewhere", "count": 1}),
            json!({"source": "text", "count": 1, "locations": [{"line": 1, "column": 1, "offset": 0, "length": 1, "context": {"kind": "header"}}]}),
        ] {
            assert!(
                serde_json::from_value::<FoundAt>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn notes_carry_a_kebab_case_code() {
        let n = Note::new(
            NoteCode::NoTokenFound,
            "no token was found in the pasted text",
        );
        assert_eq!(
            serde_json::to_value(&n).unwrap_or_default(),
            json!({"code": "no-token-found", "message": "no token was found in the pasted text"})
        );
        assert_eq!(n.to_string(), n.message);
    }
}
