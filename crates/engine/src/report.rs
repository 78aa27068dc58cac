//! The analysis report: one entry per token (verdict, findings with evidence, the boundary it
//! claims, the key that signed it) and one per trusted key (where it comes from, which tenants
//! and clouds it was seen signing for). This JSON shape is a public contract shared by the CLI,
//! the web app, exports and the golden tests, so every type here both serialises and
//! deserialises, and field names only ever get added.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::TokenError;
pub use crate::found::{FoundAt, Note, NoteCode};
pub use crate::model::EvidenceValue;
use crate::model::{ClaimedBoundary, Cloud, KeyProvenance, KeyScope};

use crate::verify::{MatchedBy, Verification};

/// How serious a finding is. An `Error` makes the token a violation when the signature verified
/// with a trusted key, or whatever the signature when the rule describes a token built to pass
/// flawed validators (see `judge::rules::RuleInfo::violation_without_signature`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One rule that fired, with the values it compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case rule code (see `judge::rules::RULES`).
    pub code: String,
    pub severity: Severity,
    /// Plain English, quoting the values compared.
    pub message: String,
    /// The values compared, by name (see [`EvidenceValue`] for the JSON shape).
    pub evidence: BTreeMap<String, EvidenceValue>,
}

impl Finding {
    /// The evidence as the report's JSON writes it (an object by name), for callers that read
    /// it as JSON.
    pub fn evidence_json(&self) -> Value {
        Value::Object(
            self.evidence
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect(),
        )
    }
}

/// The single outcome for a token, in order of precedence: malformed, violation, invalid,
/// unverified, permitted. `violation` and `invalid` answer two different questions: "could a
/// validator accept this token when it must not?" and "was it altered or forged?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Not parseable as a token.
    Malformed,
    /// A validator could accept this token and must not: the signature verified with a trusted
    /// key and an error rule fails, or the token is built to pass flawed validators (alg none,
    /// a key in its own header, HS with a public key, a publicly known HMAC secret).
    Violation,
    /// The signature was checked against the trusted key(s) the token names and does not
    /// verify: any correct validator rejects it; it may show tampering.
    Invalid,
    /// No error, but the signature was not checked against a trusted key of known provenance.
    Unverified,
    /// Verified with a trusted key of known provenance whose scope covers the claimed boundary.
    Permitted,
}

/// How the trusted key was chosen (mirrors [`MatchedBy`], which is serialise-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HowMatched {
    Kid,
    X5t,
    X5tS256,
    Trial,
}

impl From<MatchedBy> for HowMatched {
    fn from(m: MatchedBy) -> Self {
        match m {
            MatchedBy::Kid => HowMatched::Kid,
            MatchedBy::X5t => HowMatched::X5t,
            MatchedBy::X5tS256 => HowMatched::X5tS256,
            MatchedBy::Trial => HowMatched::Trial,
        }
    }
}

/// The signature check outcome as reported (mirrors [`Verification`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SignatureOutcome {
    Verified {
        key_id: String,
        matched_by: HowMatched,
        verifier: String,
        /// Other trusted keys that verified it too (the same key in several key sets).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also_verified: Vec<String>,
        /// Candidate keys that were tried and did not verify it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        not_verified: Vec<String>,
        /// It verified only over the hashed-nonce form of its header.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        hashed_nonce: bool,
    },
    SignatureInvalid {
        key_ids: Vec<String>,
        matched_by: HowMatched,
        verifier: String,
    },
    NoMatchingKey {
        detail: String,
    },
    AlgorithmDoesNotFitKey {
        key_id: String,
        reason: String,
    },
    UnsupportedAlgorithm {
        alg: String,
    },
    Unsecured,
    Encrypted,
    /// The payload segment is empty and no key verifies it: detached content, not here.
    DetachedPayload,
}

impl From<&Verification> for SignatureOutcome {
    fn from(v: &Verification) -> Self {
        match v {
            Verification::Verified {
                key_id,
                matched_by,
                verifier,
                also_verified,
                not_verified,
                hashed_nonce,
            } => SignatureOutcome::Verified {
                key_id: key_id.clone(),
                matched_by: (*matched_by).into(),
                verifier: verifier.clone(),
                also_verified: also_verified.clone(),
                not_verified: not_verified.clone(),
                hashed_nonce: *hashed_nonce,
            },
            Verification::SignatureInvalid {
                key_ids,
                matched_by,
                verifier,
            } => SignatureOutcome::SignatureInvalid {
                key_ids: key_ids.clone(),
                matched_by: (*matched_by).into(),
                verifier: verifier.clone(),
            },
            Verification::NoMatchingKey { detail } => SignatureOutcome::NoMatchingKey {
                detail: detail.clone(),
            },
            Verification::AlgorithmDoesNotFitKey { key_id, reason, .. } => {
                SignatureOutcome::AlgorithmDoesNotFitKey {
                    key_id: key_id.clone(),
                    reason: reason.clone(),
                }
            }
            Verification::UnsupportedAlgorithm { alg } => {
                SignatureOutcome::UnsupportedAlgorithm { alg: alg.clone() }
            }
            Verification::Unsecured => SignatureOutcome::Unsecured,
            Verification::Encrypted => SignatureOutcome::Encrypted,
            Verification::DetachedPayload => SignatureOutcome::DetachedPayload,
        }
    }
}

/// The trusted key a token names or was verified with, and where that key comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SigningKeyReport {
    pub key_id: String,
    /// The key's name for people (`crate::model::key_name`).
    #[serde(default)]
    pub name: String,
    pub kid: Option<String>,
    /// True only when this key verified the signature.
    pub verified: bool,
    pub matched_by: Option<HowMatched>,
    pub provenance: KeyProvenance,
}

/// Everything about one token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenReport {
    /// Position in the case: the `tokens` array first, then tokens found in `text`.
    pub index: usize,
    pub verdict: Verdict,
    /// One sentence saying why this verdict.
    pub verdict_reason: String,
    pub findings: Vec<Finding>,
    /// `jws`, `jwe` or `unsecured`; None when malformed.
    pub kind: Option<String>,
    /// The (untrusted) header of the first signature, or null.
    pub header: Value,
    /// The claims object (or other JSON payload), or null.
    pub claims: Value,
    pub signature: Option<SignatureOutcome>,
    pub signing_key: Option<SigningKeyReport>,
    pub boundary: Option<ClaimedBoundary>,
    /// Where the token was found (see [`FoundAt`] for the JSON shape).
    pub found_at: Option<FoundAt>,
    /// Why the token could not be read (malformed only).
    pub error: Option<String>,
    /// Notes from parsing (crit, b64:false, nested JWT, …).
    pub notes: Vec<Note>,
    /// The token text as analysed (removed by the fingerprint-only export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// SHA-256 of the token text, hex: identifies a token without revealing it.
    #[serde(default)]
    pub fingerprint: String,
}

/// What a token card's header says besides the verdict, so that a list of cards can be scanned
/// without opening them: whom the token is about, for which audience, issued when. Claim values
/// are untrusted text (the page renders them inert).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Headline {
    /// The user claim and its value: the first of upn, preferred_username, unique_name, email,
    /// oid and sub that the token has.
    pub user: Option<(&'static str, String)>,
    /// `aud` (several joined by ", "), else `appid` or `azp`.
    pub audience: Option<String>,
    /// `iat` in UTC.
    pub issued_at: Option<String>,
}

/// User claims, most telling first (Entra work accounts carry upn, v2 tokens
/// preferred_username, v1 unique_name; oid and sub always).
const USER_CLAIMS: &[&str] = &[
    "upn",
    "preferred_username",
    "unique_name",
    "email",
    "oid",
    "sub",
];

impl TokenReport {
    /// See [`Headline`].
    pub fn headline(&self) -> Headline {
        let claims = self.claims.as_object();
        let text = |name: &str| {
            claims
                .and_then(|c| c.get(name))
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let user = USER_CLAIMS
            .iter()
            .find_map(|name| text(name).map(|v| (*name, v)));
        let audience = match claims.and_then(|c| c.get("aud")) {
            Some(Value::String(a)) if !a.is_empty() => Some(a.clone()),
            Some(Value::Array(list)) => {
                let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                (!names.is_empty()).then(|| names.join(", "))
            }
            _ => None,
        }
        .or_else(|| text("appid"))
        .or_else(|| text("azp"));
        let issued_at = claims
            .and_then(|c| c.get("iat"))
            .and_then(Value::as_i64)
            .map(crate::time::format_utc);
        Headline {
            user,
            audience,
            issued_at,
        }
    }

    /// A token that could not be parsed.
    pub fn malformed(index: usize, error: &TokenError, found_at: Option<FoundAt>) -> Self {
        TokenReport {
            index,
            verdict: Verdict::Malformed,
            verdict_reason: format!("malformed: {error}"),
            findings: Vec::new(),
            kind: None,
            header: Value::Null,
            claims: Value::Null,
            signature: None,
            signing_key: None,
            boundary: None,
            found_at,
            error: Some(error.to_string()),
            notes: Vec::new(),
            token: None,
            fingerprint: String::new(),
        }
    }
}

/// A key document as the report shows it: what was read, and what could not be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeySetReport {
    pub index: usize,
    pub source: Option<String>,
    pub declared_issuer: Option<String>,
    /// What the document was recognised as (jwks, jwk, open_id_configuration, pem, …).
    pub kind: String,
    pub keys: usize,
    /// One line per key that could not be read (which key, why).
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

/// One trusted key across all tokens of the case (the key-usage matrix row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyReport {
    pub key_id: String,
    /// The key's name for people (`crate::model::key_name`).
    #[serde(default)]
    pub name: String,
    pub kid: Option<String>,
    pub source: Option<String>,
    pub cloud: Option<Cloud>,
    pub scope: KeyScope,
    pub provenance: KeyProvenance,
    /// Distinct tenants of the tokens it verified (Microsoft tenant ids; for other identity
    /// providers, the issuer), sorted.
    pub tenants: Vec<String>,
    /// Distinct clouds of the tokens it verified, sorted.
    pub clouds: Vec<Cloud>,
    /// How many tokens it verified.
    pub tokens: usize,
    /// Indexes of those tokens.
    pub token_indexes: Vec<usize>,
    /// Key-level findings (`key-used-across-tenants`, `key-used-across-clouds`).
    pub findings: Vec<Finding>,
}

/// Counts for a headline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub tokens: usize,
    pub malformed: usize,
    pub violation: usize,
    #[serde(default)]
    pub invalid: usize,
    pub unverified: usize,
    pub permitted: usize,
    /// Findings by severity, token-level and key-level together.
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub keys: usize,
}

/// The whole analysis of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The analysis time used for time rules, Unix seconds.
    pub now: i64,
    pub summary: Summary,
    pub tokens: Vec<TokenReport>,
    pub keys: Vec<KeyReport>,
    /// The key documents read, with keys that could not be read (filled by `analyze`).
    #[serde(default)]
    pub key_sets: Vec<KeySetReport>,
    /// Remarks about the case as a whole (e.g. no token found in the text), each with a code.
    #[serde(default)]
    pub notes: Vec<Note>,
}

impl Report {
    /// Assembles a report and computes its summary.
    pub fn new(now: i64, tokens: Vec<TokenReport>, keys: Vec<KeyReport>) -> Self {
        let mut s = Summary {
            tokens: tokens.len(),
            keys: keys.len(),
            ..Summary::default()
        };
        for t in &tokens {
            match t.verdict {
                Verdict::Malformed => s.malformed += 1,
                Verdict::Violation => s.violation += 1,
                Verdict::Invalid => s.invalid += 1,
                Verdict::Unverified => s.unverified += 1,
                Verdict::Permitted => s.permitted += 1,
            }
        }
        let all = tokens
            .iter()
            .flat_map(|t| &t.findings)
            .chain(keys.iter().flat_map(|k| &k.findings));
        for f in all {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        Report {
            now,
            summary: s,
            tokens,
            keys,
            key_sets: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// True when any token is a violation (the CLI's exit status 1).
    pub fn has_violation(&self) -> bool {
        self.summary.violation > 0
    }
}
