//! The case file: the one input shared by the CLI, the web app and the tests (issue 4). Every
//! field is optional. Keyhole adds one extension, `hmac_secrets`, so that HMAC-signed tokens can
//! be checked against a secret the analyst holds (each secret may declare the issuer it signs
//! for, which gives it a provenance).
//!
//! ```json
//! { "now": 1688169600,
//!   "key_sets": [ { "source": "https://…/discovery/v2.0/keys", "issuer": null, "document": {…} } ],
//!   "tokens": [ "eyJ…" ],
//!   "text": "any text; tokens are found in it",
//!   "hmac_secrets": [ { "value": "c2VjcmV0", "encoding": "base64", "issuer": "https://…" } ] }
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::b64;
use crate::keys::{self, KeySet};

/// A whole case. Members Keyhole does not know (a `comment`, a field a newer version adds) are
/// accepted and named in the report's notes (`unknown_members`), so case files can grow without
/// breaking older readers. (Their values are not kept: carrying them would need serde's
/// `flatten`, whose buffering deserialiser costs the web app's start bundle tens of KB.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseFile {
    /// The analysis time, Unix seconds; the caller supplies the current time when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<i64>,
    /// A name for people (golden cases, UI samples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Trusted key documents.
    #[serde(default)]
    pub key_sets: Vec<CaseKeySet>,
    /// Tokens, one per entry, in any serialization the engine reads.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// Free text in which tokens are found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Keyhole extension: trusted HMAC secrets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hmac_secrets: Vec<HmacSecret>,
    /// Keyhole extension: the analyst's own list of publicly known or guessed HMAC secrets to
    /// test HS tokens against (besides the built-in and public lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weak_secrets: Vec<String>,
    /// Keyhole extension: `false` judges the case without Keyhole's catalogue of published keys
    /// (as `keyhole check --no-catalogue`); absent or `true` uses it where the engine has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<bool>,
    /// Keyhole extension: the time each token is judged at. Absent or `"case"`: the case's one
    /// analysis time (`now`); `"token"`: each token at the time of its log line when the line
    /// shows one, or of its HAR entry's `startedDateTime`, else at its own `iat` (a log spanning
    /// hours then makes no "issued in the future" noise); each token's notes say which
    /// (`judged-at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge_at: Option<JudgeAt>,
    /// Names of the top-level members Keyhole does not know (filled by [`CaseFile::from_json`]).
    #[serde(skip)]
    pub unknown_members: Vec<String>,
}

/// The top-level member names of a case file, each value skipped unread.
#[derive(Deserialize)]
struct MemberNames(std::collections::BTreeMap<String, serde::de::IgnoredAny>);

const KNOWN_MEMBERS: &[&str] = &[
    "now",
    "name",
    "description",
    "key_sets",
    "tokens",
    "text",
    "hmac_secrets",
    "weak_secrets",
    "catalogue",
    "judge_at",
];

/// The time tokens are judged at (see [`CaseFile::judge_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgeAt {
    /// The case's one analysis time.
    #[default]
    Case,
    /// Each token's log-line or HAR-entry time, else its `iat`.
    Token,
}

/// One trusted key document with what the analyst knows about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseKeySet {
    /// The URL the document was fetched from, if known (decides provenance).
    #[serde(default)]
    pub source: Option<String>,
    /// The issuer these keys sign for, if known.
    #[serde(default)]
    pub issuer: Option<String>,
    /// A JWKS, a JWK, an OpenID configuration (JSON), or a PEM string. Null when missing.
    #[serde(default)]
    pub document: Value,
}

/// How an HMAC secret's `value` is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretEncoding {
    /// The UTF-8 bytes of the string.
    #[default]
    Utf8,
    /// Standard or URL-safe base64, padded or not.
    Base64,
}

/// A trusted HMAC secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmacSecret {
    pub value: String,
    #[serde(default)]
    pub encoding: SecretEncoding,
    /// The issuer tokens signed with this secret belong to, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

impl HmacSecret {
    /// The secret bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, CaseError> {
        match self.encoding {
            SecretEncoding::Utf8 => Ok(self.value.as_bytes().to_vec()),
            SecretEncoding::Base64 => {
                let trimmed = self.value.trim().trim_end_matches('=');
                let url = trimmed.replace('+', "-").replace('/', "_");
                b64::decode_url(&url).map_err(|e| CaseError::BadSecret {
                    detail: e.to_string(),
                })
            }
        }
    }
}

/// Why a case file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseError {
    /// Not JSON, or JSON of the wrong shape.
    Json {
        line: usize,
        column: usize,
        detail: String,
    },
    /// An `hmac_secrets` entry marked base64 is not base64.
    BadSecret { detail: String },
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseError::Json { line, column, detail } => write!(
                f,
                "the case file is not usable at line {line}, column {column}: {detail} (expected an object with optional now, key_sets, tokens, text, hmac_secrets, weak_secrets)"
            ),
            CaseError::BadSecret { detail } => write!(
                f,
                "an hmac_secrets entry with \"encoding\": \"base64\" is not valid base64 ({detail})"
            ),
        }
    }
}

impl std::error::Error for CaseError {}

impl CaseFile {
    /// A note naming the top-level members Keyhole does not use, if any.
    pub fn unknown_members_note(&self) -> Option<String> {
        if self.unknown_members.is_empty() {
            return None;
        }
        let names: Vec<String> = self
            .unknown_members
            .iter()
            .map(|k| format!("\"{k}\""))
            .collect();
        Some(format!(
            "the case file has top-level member{} Keyhole does not use ({}); {} ignored",
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
            if names.len() == 1 {
                "it is"
            } else {
                "they are"
            },
        ))
    }

    /// Reads a case file from JSON text.
    pub fn from_json(text: &str) -> Result<Self, CaseError> {
        let error = |e: serde_json::Error| CaseError::Json {
            line: e.line(),
            column: e.column(),
            detail: e.to_string(),
        };
        let mut case: CaseFile = serde_json::from_str(text).map_err(error)?;
        let MemberNames(names) = serde_json::from_str(text).map_err(error)?;
        case.unknown_members = names
            .into_keys()
            .filter(|k| !KNOWN_MEMBERS.contains(&k.as_str()))
            .collect();
        Ok(case)
    }
}

impl CaseFile {
    /// The `hmac_secrets` as trusted key sets, numbered from `first_index` (after the parsed
    /// `key_sets`), one set of one `oct` key each, whose declared issuer is the secret's. A secret
    /// that cannot be decoded becomes a [`KeyProblem`] in its set and never stops the others.
    pub fn hmac_key_sets(&self, first_index: usize) -> Vec<KeySet> {
        self.hmac_secrets
            .iter()
            .enumerate()
            .map(|(i, secret)| {
                let encoding = match secret.encoding {
                    SecretEncoding::Utf8 => keys::SecretEncoding::Utf8,
                    SecretEncoding::Base64 => keys::SecretEncoding::Base64,
                };
                let mut set = keys::hmac_key_set(first_index + i, &secret.value, encoding);
                set.declared_issuer = secret.issuer.clone();
                for p in &mut set.problems {
                    p.message = format!("hmac_secrets[{i}]: {}", p.message);
                }
                set
            })
            .collect()
    }
}

/// The word a saved case puts where a token was: `sha256:` and the token's fingerprint.
pub const FINGERPRINT_PREFIX: &str = "sha256:";

impl CaseFile {
    /// How many bearer tokens saving this case would write: the `tokens` array, and the compact
    /// tokens in `text` (each occurrence). Anyone holding the file can replay them until they
    /// expire.
    pub fn live_tokens(&self) -> usize {
        let in_text = self
            .text
            .as_deref()
            .map_or(0, |t| crate::extract::compact_token_ranges(t).len());
        self.tokens
            .iter()
            .filter(|t| !t.starts_with(FINGERPRINT_PREFIX))
            .count()
            + in_text
    }

    /// A copy to share: every token (in `tokens`, and each compact token in `text`, in place)
    /// replaced by `sha256:` and its fingerprint (`export::fingerprint`, as the report's), so
    /// the copy still says which tokens the case held, and that they were there, but holds none
    /// that can be replayed. Key sets and HMAC secrets are kept as they are.
    pub fn fingerprinted(&self) -> CaseFile {
        let replace = |t: &str| format!("{FINGERPRINT_PREFIX}{}", crate::export::fingerprint(t));
        let text = self.text.as_deref().map(|text| {
            let mut out = String::with_capacity(text.len());
            let mut at = 0;
            for (range, token) in crate::extract::compact_token_ranges(text) {
                out.push_str(text.get(at..range.start).unwrap_or(""));
                out.push_str(&replace(&token));
                at = range.end;
            }
            out.push_str(text.get(at..).unwrap_or(""));
            out
        });
        CaseFile {
            tokens: self
                .tokens
                .iter()
                .map(|t| {
                    if t.starts_with(FINGERPRINT_PREFIX) {
                        t.clone()
                    } else {
                        replace(t)
                    }
                })
                .collect(),
            text,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyMaterial;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_field_is_optional() {
        assert_eq!(CaseFile::from_json("{}"), Ok(CaseFile::default()));
    }

    #[test]
    fn reads_the_issue_4_shape() {
        let c = CaseFile::from_json(
            r#"{"now": 1688169600,
                "key_sets": [{"source": null, "issuer": "https://issuer.example", "document": {"keys": []}},
                             {"document": "-----BEGIN PUBLIC KEY-----"}],
                "tokens": ["a.b.c"], "text": "see a.b.c",
                "hmac_secrets": [{"value": "c2VjcmV0", "encoding": "base64"}, {"value": "x"}]}"#,
        )
        .unwrap();
        assert_eq!(c.now, Some(1688169600));
        assert_eq!(c.key_sets.len(), 2);
        assert_eq!(c.key_sets.get(1).map(|k| k.source.clone()), Some(None));
        assert_eq!(
            c.hmac_secrets.first().map(|s| s.bytes()),
            Some(Ok(b"secret".to_vec()))
        );
        assert_eq!(
            c.hmac_secrets.get(1).map(|s| s.encoding),
            Some(SecretEncoding::Utf8)
        );
    }

    /// Issue 12: unknown top-level members (a comment, a typo, a newer field) are kept and
    /// named in a note, never a reason to refuse the case.
    #[test]
    fn unknown_members_are_kept_and_named() {
        let c = CaseFile::from_json("{\n \"token\": [], \"comment\": \"incident 42\", \"now\": 5}")
            .unwrap();
        assert_eq!(c.unknown_members, ["comment", "token"]);
        assert_eq!(c.now, Some(5));
        let note = c.unknown_members_note().unwrap_or_default();
        assert!(
            note.contains("\"comment\"") && note.contains("\"token\""),
            "{note}"
        );
        assert_eq!(CaseFile::default().unknown_members_note(), None);
        let known =
            CaseFile::from_json(r#"{"now": 1, "tokens": [], "weak_secrets": ["x"]}"#).unwrap();
        assert!(known.unknown_members.is_empty());
    }

    #[test]
    fn wrong_types_are_reported_with_position() {
        let e = CaseFile::from_json("{\n \"tokens\": 5}");
        assert!(matches!(&e, Err(CaseError::Json { line: 2, .. })), "{e:?}");
    }

    #[test]
    fn bad_base64_secret_is_typed() {
        let s = HmacSecret {
            value: "@@".into(),
            encoding: SecretEncoding::Base64,
            issuer: None,
        };
        assert!(matches!(s.bytes(), Err(CaseError::BadSecret { .. })));
    }

    #[test]
    fn hmac_secrets_become_key_sets_after_the_documents() {
        let c = CaseFile::from_json(
            r#"{"hmac_secrets": [{"value": "s3cr3t", "issuer": "https://issuer.example"},
                                 {"value": "@@", "encoding": "base64"}]}"#,
        )
        .unwrap();
        let sets = c.hmac_key_sets(2);
        assert_eq!(sets.len(), 2);
        let first = sets.first().unwrap();
        assert_eq!(first.index, 2);
        assert_eq!(
            first.declared_issuer.as_deref(),
            Some("https://issuer.example")
        );
        assert_eq!(first.keys.first().map(|k| k.id.as_str()), Some("2/0"));
        assert_eq!(
            first.keys.first().map(|k| &k.material),
            Some(&KeyMaterial::Oct {
                secret: b"s3cr3t".to_vec()
            })
        );
        let second = sets.get(1).unwrap();
        assert!(second.keys.is_empty());
        assert!(second
            .problems
            .first()
            .is_some_and(|p| p.message.contains("hmac_secrets[1]")));
    }

    /// Saving a case can leave its tokens out: the copy names each by fingerprint, in the
    /// tokens array and in place in the text (percent-encoded ones too), and holds none.
    #[test]
    fn a_fingerprinted_copy_holds_no_token() {
        let t = format!(
            "{}.{}.{}",
            b64::encode_url(br#"{"alg":"HS256"}"#),
            b64::encode_url(br#"{"sub":"x"}"#),
            b64::encode_url(b"sig")
        );
        let case = CaseFile {
            tokens: vec![t.clone()],
            text: Some(format!(
                "GET /?id_token={} HTTP/1.1\nAuthorization: Bearer {t}\nno token here\n",
                t.replace('.', "%2E")
            )),
            hmac_secrets: vec![HmacSecret {
                value: "kept".into(),
                encoding: SecretEncoding::Utf8,
                issuer: None,
            }],
            ..CaseFile::default()
        };
        assert_eq!(case.live_tokens(), 3);
        let copy = case.fingerprinted();
        let fp = format!("sha256:{}", crate::export::fingerprint(&t));
        assert_eq!(copy.tokens, std::slice::from_ref(&fp));
        assert_eq!(
            copy.text.as_deref(),
            Some(
                format!(
                    "GET /?id_token={fp} HTTP/1.1\nAuthorization: Bearer {fp}\nno token here\n"
                )
                .as_str()
            )
        );
        assert_eq!(copy.live_tokens(), 0);
        assert_eq!(copy.hmac_secrets, case.hmac_secrets);
        assert_eq!(copy.fingerprinted(), copy);
    }
}
