//! The rule registry: every finding code Keyhole can emit, with its fixed severity, a title and
//! an explanation, in one list that the CLI and the UI can show. Codes are a public contract
//! (UI, CLI, exports and tests key on them): they are only ever added, never renamed.
//!
//! Rule families live in submodules, each a pure function over the established [`Facts`] of one
//! token; the key-level rules run in `judge::matrix` across all tokens of a case.

pub(crate) mod binding;
pub(crate) mod header;
pub(crate) mod key_hygiene;
pub(crate) mod signature;
pub(crate) mod time;
pub mod weak_secrets;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::boundary::ClaimedBoundary;
use super::provenance::KeyProvenance;
use super::JudgeOptions;
use crate::keys::{KeyEntry, KeySet};
use crate::model::EvidenceValue;
use crate::report::{Finding, Severity};
use crate::token::{HeaderParams, ParsedToken};
use crate::verify::Verification;

/// Whether a rule judges one token or one key across all tokens of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleLevel {
    Token,
    Key,
}

/// A registered rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable kebab-case code.
    pub code: &'static str,
    pub severity: Severity,
    pub level: RuleLevel,
    /// A few words.
    pub title: &'static str,
    /// What it checks and why it matters, with its source.
    pub explanation: &'static str,
}

impl RuleInfo {
    /// A finding of this rule with a message quoting the values and the evidence map.
    pub fn finding(&self, message: String, evidence: BTreeMap<String, EvidenceValue>) -> Finding {
        Finding {
            code: self.code.to_owned(),
            severity: self.severity,
            message,
            evidence,
        }
    }
}

/// Builds an evidence map from name/value pairs.
pub fn evidence<const N: usize>(
    pairs: [(&str, EvidenceValue); N],
) -> BTreeMap<String, EvidenceValue> {
    evidence_of(Vec::from(pairs))
}

/// The body of [`evidence`], not generic: one copy of the map's sort and bulk build in the wasm
/// module instead of one per number of pairs (nine copies were ≈28 KB of code).
#[inline(never)]
fn evidence_of(pairs: Vec<(&str, EvidenceValue)>) -> BTreeMap<String, EvidenceValue> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Text, or none, for an optional value.
pub(crate) fn opt(v: Option<&str>) -> EvidenceValue {
    v.into()
}

macro_rules! rule {
    ($name:ident, $code:literal, $sev:ident, $level:ident, $title:literal, $expl:literal) => {
        #[doc = $title]
        pub const $name: RuleInfo = RuleInfo {
            code: $code,
            severity: Severity::$sev,
            level: RuleLevel::$level,
            title: $title,
            explanation: $expl,
        };
    };
}

rule!(ALG_NONE, "alg-none", Error, Token, "Unsecured token (alg none)",
    "The header says \"alg\": \"none\" (any letter case): nothing protects the content, anyone can write such a token (RFC 8725 §2.1, §3.1).");
rule!(SIGNATURE_INVALID, "signature-invalid", Error, Token, "Signature does not verify",
    "Every trusted key the token names (or, without a name, every trusted key that could check it) was tried and none verifies the signature: any correct validator rejects the token, which may have been altered or forged. The verdict is invalid, not violation.");
rule!(ALG_KEY_TYPE_MISMATCH, "alg-key-type-mismatch", Error, Token, "Algorithm does not fit the key",
    "The header algorithm needs a different key type, curve or declared alg than the trusted key has (e.g. HS256 with an RSA public key, the key-confusion attack; RFC 8725 §2.1, §3.1).");
rule!(HEADER_EMBEDDED_KEY, "header-embedded-key", Error, Token, "Key supplied by the token itself",
    "The header carries its own key or key location (jwk, jku, x5u, or an x5c that is not the trusted key's certificate). A key chosen by the token proves nothing (RFC 7515 §4.1, RFC 8725 §3.10).");
rule!(KEY_USE_NOT_SIGNING, "key-use-not-signing", Error, Token, "Key not meant for signatures",
    "The trusted key's \"use\" is not \"sig\" or its \"key_ops\" lacks \"verify\" (RFC 7517 §4.2, §4.3).");
rule!(WEAK_SIGNING_KEY, "weak-signing-key", Error, Token, "RSA key below 2048 bits",
    "The key that verified the signature is RSA below 2048 bits, which can be factored with feasible effort (RFC 7518 §3.3 requires 2048 bits or more): a validator that accepts it accepts tokens anyone with that effort can forge.");
rule!(CONSUMER_KEY_FOR_ORGANIZATION_TENANT, "consumer-key-for-organization-tenant", Error, Token, "Consumer key signing for an organisation",
    "A key scoped to Microsoft consumer accounts (MSA) verified a token that claims an organisational tenant: the Storm-0558 pattern (Microsoft 2023-07-14, MSRC 2023-09-06, CSRB 2024).");
rule!(ORGANIZATION_KEY_FOR_CONSUMER_TENANT, "organization-key-for-consumer-tenant", Error, Token, "Organisational key signing for consumer accounts",
    "A key scoped to organisational (Entra) tenants verified a token that claims the consumer tenant 9188040d-6c67-4c5b-b112-36a304b66dad.");
rule!(
    KEY_TENANT_MISMATCH,
    "key-tenant-mismatch",
    Error,
    Token,
    "Tenant key signing for another tenant",
    "A key published for one tenant only verified a token that claims a different tenant."
);
rule!(KEY_ISSUER_MISMATCH, "key-issuer-mismatch", Error, Token, "Key bound to another issuer",
    "A key bound to one issuer verified a token of another issuer; keys must belong to the token's issuer (RFC 8725 §3.8; OpenID Connect Discovery §4.3).");
rule!(CROSS_CLOUD_KEY, "cross-cloud-key", Error, Token, "Key from another cloud",
    "The signing key belongs to one Microsoft cloud (public, US Government, China, Germany) while the token's issuer host belongs to another.");
rule!(ISSUER_TENANT_MISMATCH, "issuer-tenant-mismatch", Error, Token, "iss tenant differs from tid",
    "The tenant in the Microsoft issuer path differs from the tid claim (Microsoft.IdentityModel IDX40004).");
rule!(SIGNING_CERT_EXPIRED_AT_ISSUE, "signing-cert-expired-at-issue", Error, Token, "Certificate expired when the token was issued",
    "The token's iat (or nbf) is after the signing certificate's notAfter; the Storm-0558 key's certificate expired in 2021 and was used in 2023.");
rule!(
    SIGNING_CERT_NOT_YET_VALID_AT_ISSUE,
    "signing-cert-not-yet-valid-at-issue",
    Error,
    Token,
    "Certificate not yet valid when the token was issued",
    "The token's iat (or nbf) is before the signing certificate's notBefore."
);
rule!(KNOWN_COMPROMISED_KEY, "known-compromised-key", Error, Token, "Verified by a known compromised key",
    "The key that verified the signature is on the built-in list of publicly known compromised keys (Storm-0558: kid/x5t 1LTMzakihiRla_8z2BEJVXeWMqo, SHA-1 d4b4cccda9228624656bff33d8110955779632aa): whoever holds it can sign anything.");
rule!(JWK_CERT_MISMATCH, "jwk-cert-mismatch", Error, Token, "JWK and its certificate disagree",
    "The trusted JWK's public key or x5t / x5t#S256 does not match its own x5c certificate (RFC 7517 §4.7–4.9).");
rule!(WEAK_HMAC_SECRET, "weak-hmac-secret", Error, Token, "Publicly known HMAC secret",
    "The token's HMAC signature verifies with a publicly known or trivially guessable secret: anyone can forge such tokens.");
rule!(KEY_NOT_IN_TRUSTED_SET, "key-not-in-trusted-set", Warning, Token, "No trusted key matches",
    "No supplied trusted key matches the token's kid / x5t (or, without one, fits its algorithm), so the signature was not checked.");
rule!(UNKNOWN_KEY_PROVENANCE, "unknown-key-provenance", Warning, Token, "Key provenance unknown",
    "The verifying key's scope (which tenants or issuer it may sign for) or, for Microsoft keys, its cloud could not be established, so the boundary cannot be judged.");
rule!(MISSING_ISSUER, "missing-issuer", Warning, Token, "Token names no issuer",
    "The token has no \"iss\" claim, so the boundary it claims cannot be compared with the key's scope.");
rule!(TOKEN_EXPIRED, "token-expired", Warning, Token, "Token expired",
    "The exp claim is before the analysis time (RFC 7519 §4.1.4). Expected for old samples; never hides other findings.");
rule!(
    TOKEN_NOT_YET_VALID,
    "token-not-yet-valid",
    Warning,
    Token,
    "Token not yet valid",
    "The nbf claim is after the analysis time (RFC 7519 §4.1.5)."
);
rule!(ISSUED_IN_FUTURE, "issued-in-future", Warning, Token, "Issued in the future",
    "The iat claim is after the analysis time (RFC 7519 §4.1.6): a clock problem or a forged token.");
rule!(
    TOKEN_VERSION_ISSUER_MISMATCH,
    "token-version-issuer-mismatch",
    Warning,
    Token,
    "ver claim does not fit the issuer form",
    "A Microsoft token says ver 2.0 with a v1 issuer (no /v2.0) or ver 1.0 with a v2 issuer."
);
rule!(HEADER_KID_X5T_MISMATCH, "header-kid-x5t-mismatch", Warning, Token, "Header kid and x5t differ",
    "Microsoft tokens carry kid = x5t (the certificate thumbprint); different values point to a hand-made header.");
rule!(HMAC_SECRET_TOO_SHORT, "hmac-secret-too-short", Error, Token, "HMAC secret shorter than the hash",
    "The secret that verified the signature is shorter than the hash output, which RFC 7518 §3.2 forbids (32 bytes for HS256, 48 for HS384, 64 for HS512): short secrets can be guessed.");
rule!(UNSUPPORTED_ALGORITHM, "unsupported-algorithm", Warning, Token, "Algorithm not supported",
    "The header algorithm is unknown or not implemented by the verifier, so the signature was not checked.");
rule!(
    ENCRYPTED_TOKEN,
    "encrypted-token",
    Info,
    Token,
    "Encrypted token",
    "The token is a JWE: only its protected header is readable; there is no signature to check."
);
rule!(KEY_USED_ACROSS_TENANTS, "key-used-across-tenants", Error, Key, "Key verified tokens of several tenants",
    "A key whose scope is not \"any organisational tenant\" (consumer, tenant-specific, single-issuer or unknown) verified tokens claiming more than one tenant.");
rule!(
    KEY_USED_ACROSS_CLOUDS,
    "key-used-across-clouds",
    Error,
    Key,
    "Key verified tokens of several clouds",
    "One key verified tokens whose issuers belong to more than one Microsoft cloud."
);

// Issue 12 (the verdict contract): codes added together.
rule!(NAMES_COMPROMISED_KEY, "names-compromised-key", Warning, Token, "Names a known compromised key",
    "The header names (kid / x5t) a key on the built-in list of publicly known compromised keys, but that key did not verify the signature: an indicator worth a look (Microsoft's own documentation samples name the Storm-0558 key), not proof of a forgery.");
rule!(ROCA_VULNERABLE_KEY, "roca-vulnerable-key", Error, Token, "Key with the ROCA fingerprint",
    "The key that verified the signature is an RSA key with the ROCA fingerprint (CVE-2017-15361, Infineon key generation): its private key can be computed from the public key, so anyone can sign with it.");
rule!(AMBIGUOUS_KEY_ID, "ambiguous-key-id", Warning, Token, "Several keys share the token's key id",
    "Different trusted keys carry the kid / x5t the token names; each was tried. A key id should name one key (RFC 7517 §4.5): which one a validator picks depends on its implementation.");
rule!(AMBIGUOUS_KEY_PROVENANCE, "ambiguous-key-provenance", Warning, Token, "Same key, disagreeing provenance",
    "The key that verified the signature is published by several key sets whose evidence about its cloud or scope disagrees; the verdict rests on the strongest evidence (certificate subject, cloud_instance_name, the key's own issuer before the URL a set was found at).");
rule!(SECRET_KEY_PUBLISHED, "secret-key-published", Error, Key, "Symmetric key in a published key set",
    "A published key document (JWKS, OpenID configuration, a key set with a source URL) holds a symmetric (oct) key: a secret that anyone who can read the document can sign with. Reported on the key and on every token such a key verifies.");
rule!(CRIT_NOT_UNDERSTOOD, "crit-not-understood", Error, Token, "Critical header Keyhole does not understand",
    "The header's \"crit\" names an extension Keyhole does not understand, is empty or not a list, lists a standard parameter, or lists a parameter the header lacks. RFC 7515 §4.1.11: the recipient MUST reject such a token; a validator that ignores crit would accept it.");
rule!(DETACHED_PAYLOAD, "detached-payload", Warning, Token, "Detached payload",
    "The payload segment is empty and the signature does not verify over an empty payload: the content was detached (RFC 7515 Appendix F, RFC 7797 §4.2) and cannot be checked without it.");
rule!(INVALID_TIME_CLAIM, "invalid-time-claim", Error, Token, "Time claim is not a number",
    "exp, nbf or iat is present but not a NumericDate (RFC 7519 §2, §4.1.4-4.1.6): some validators treat a non-numeric exp as no expiry at all.");
rule!(HASHED_NONCE_SIGNATURE, "hashed-nonce-signature", Info, Token, "Signed over the hashed nonce",
    "The header carries a nonce and the signature verifies only over the header with the nonce replaced by base64url(SHA-256(nonce)): how Microsoft signs Graph and Teams/Skype access tokens, which are meant for the resource, not for the client to validate.");

/// Codes that make a token a violation whatever its signature: the token is built to pass a
/// flawed validator (one that takes `alg: none`, the header's own key, a public key as an HMAC
/// secret, or a publicly known secret). Every other error makes a violation only when a trusted
/// key verified the signature; on a token whose signature does not verify it explains, and the
/// verdict is `invalid`.
pub const VIOLATION_WITHOUT_SIGNATURE: &[&str] = &[
    "alg-none",
    "header-embedded-key",
    "alg-key-type-mismatch",
    "weak-hmac-secret",
];

impl RuleInfo {
    /// See [`VIOLATION_WITHOUT_SIGNATURE`].
    pub fn violation_without_signature(&self) -> bool {
        VIOLATION_WITHOUT_SIGNATURE.contains(&self.code)
    }
}
// Microsoft identity families (issue 13): application-bound keys, weak evidence, real key sets.
rule!(KEY_APPLICATION_MISMATCH, "key-application-mismatch", Error, Token, "Application key signing for another application",
    "A key from an application's own key set (…/discovery/v2.0/keys?appid={app}: the custom signing key of an application that uses claims mapping) verified a token whose audience (aud) names a different application. Such a key signs the tokens issued to that application, so aud must name it (its id, or api://{id}); appid/azp name the client that asked for the token, which for an access token is another application, so they are shown but not compared (Microsoft identity platform, \"Validate the signing key\" / claims mapping).");
rule!(KEY_APPLICATION_UNVERIFIABLE, "key-application-unverifiable", Warning, Token, "Application key, audience names no application id",
    "A key bound to one application verified a token whose audience is a URI naming no application id (e.g. a custom App ID URI), so whether the token was issued to that application cannot be judged; the token stays unverified.");
rule!(WEAK_KEY_EVIDENCE, "weak-key-evidence", Warning, Token, "Only weak evidence places the key elsewhere",
    "Only weak evidence — the URL of the key set the key was found in, or membership in it — places the verifying key in another cloud or tenant than the token claims. Real key sets publish keys of other clouds, and tenant URLs serve keys every tenant shares, so this is not called a violation; the boundary is left unjudged (unverified). Strong evidence (cloud_instance_name, certificate subject, the key's own issuer) decides instead when the key carries it.");
rule!(NON_CONFORMANT_KEY_ENCODING, "non-conformant-key-encoding", Warning, Key, "Key member not in base64url",
    "A published key writes a member (n, e, x, y, k) in standard base64 (+, /) or with = padding instead of unpadded base64url (RFC 7517 §2, RFC 7518 §6). The meaning is unambiguous, so the key is read, with this warning on its key set naming the key and member; a value that mixes both alphabets or does not decode is refused.");

// Catalogue of published signing keys (issue 14; crate::catalogue holds the checks).
rule!(KEY_NOT_PUBLISHED_AT_ISSUE, "key-not-published-at-issue", Warning, Token, "Key not published when the token was issued",
    "The verifying key is in Keyhole's catalogue of published keys, and the token's iat lies outside the window in which its endpoint was seen publishing it (beyond the nearest snapshot without it): a retired or never-published key. An archive's first and last snapshots bound nothing: a key already in the first was published since some earlier date, one still in the last until some later one.");
rule!(CATALOGUE_KEY_MISMATCH, "catalogue-key-mismatch", Warning, Token, "Supplied key differs from the published one",
    "A supplied key has the kid of a key in Keyhole's catalogue of published keys but different key material. Short kids (such as \"1\") that unrelated issuers reuse count only when the supplied key set's source host is one that published the catalogue key.");

// Limits of the weak-secret search (issue 12; judge::rules::weak_secrets).
rule!(WEAK_SECRET_SEARCH_SKIPPED, "weak-secret-search-skipped", Info, Token, "Weak-secret search skipped for a long token",
    "An HMAC-signed token's signing input is longer than the weak-secret search tries (64 KiB for the built-in and supplied lists, 16 KiB for the public list of ~104,000 secrets): each try hashes the whole input, so a padded token would stall the analysis. The token was not tried against the lists named in the evidence, so a publicly known secret would go unnoticed; real HMAC-signed tokens are a few kilobytes.");

/// Every rule, in evaluation order.
pub const RULES: &[RuleInfo] = &[
    ALG_NONE,
    HEADER_EMBEDDED_KEY,
    ENCRYPTED_TOKEN,
    UNSUPPORTED_ALGORITHM,
    HEADER_KID_X5T_MISMATCH,
    KEY_NOT_IN_TRUSTED_SET,
    SIGNATURE_INVALID,
    ALG_KEY_TYPE_MISMATCH,
    KEY_USE_NOT_SIGNING,
    WEAK_SIGNING_KEY,
    JWK_CERT_MISMATCH,
    KNOWN_COMPROMISED_KEY,
    HMAC_SECRET_TOO_SHORT,
    WEAK_HMAC_SECRET,
    ISSUER_TENANT_MISMATCH,
    TOKEN_VERSION_ISSUER_MISMATCH,
    MISSING_ISSUER,
    UNKNOWN_KEY_PROVENANCE,
    CONSUMER_KEY_FOR_ORGANIZATION_TENANT,
    ORGANIZATION_KEY_FOR_CONSUMER_TENANT,
    KEY_TENANT_MISMATCH,
    KEY_ISSUER_MISMATCH,
    CROSS_CLOUD_KEY,
    SIGNING_CERT_EXPIRED_AT_ISSUE,
    SIGNING_CERT_NOT_YET_VALID_AT_ISSUE,
    TOKEN_EXPIRED,
    TOKEN_NOT_YET_VALID,
    ISSUED_IN_FUTURE,
    KEY_USED_ACROSS_TENANTS,
    KEY_USED_ACROSS_CLOUDS,
    // Issue 12.
    NAMES_COMPROMISED_KEY,
    ROCA_VULNERABLE_KEY,
    AMBIGUOUS_KEY_ID,
    AMBIGUOUS_KEY_PROVENANCE,
    SECRET_KEY_PUBLISHED,
    CRIT_NOT_UNDERSTOOD,
    DETACHED_PAYLOAD,
    INVALID_TIME_CLAIM,
    HASHED_NONCE_SIGNATURE,
    // Microsoft identity families (issue 13).
    KEY_APPLICATION_MISMATCH,
    KEY_APPLICATION_UNVERIFIABLE,
    WEAK_KEY_EVIDENCE,
    NON_CONFORMANT_KEY_ENCODING,
    // Catalogue of published signing keys (issue 14).
    KEY_NOT_PUBLISHED_AT_ISSUE,
    CATALOGUE_KEY_MISMATCH,
    // Limits of the weak-secret search (issue 12).
    WEAK_SECRET_SEARCH_SKIPPED,
];

/// Looks a rule up by code.
pub fn rule(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.code == code)
}

/// The facts about one token that every token-level rule reads.
pub(crate) struct Facts<'a> {
    pub token: &'a ParsedToken,
    pub params: Option<&'a HeaderParams>,
    pub claims: Option<&'a Map<String, Value>>,
    pub verification: &'a Verification,
    /// The trusted key that verified the signature, or the named key the algorithm cannot use
    /// at all (then `key_verified` is false). Never a key whose signature check failed.
    pub key: Option<&'a KeyEntry>,
    /// The key set `key` belongs to.
    pub key_set: Option<&'a KeySet>,
    /// True when `key` verified the signature.
    pub key_verified: bool,
    pub provenance: Option<&'a KeyProvenance>,
    pub boundary: &'a ClaimedBoundary,
    pub options: &'a JudgeOptions<'a>,
    /// Every trusted key set of the case (to compare the candidates a key id names).
    pub trusted: &'a [KeySet],
}

impl Facts<'_> {
    /// The header algorithm, if any.
    pub fn alg(&self) -> Option<&str> {
        self.params.and_then(|p| p.alg.as_deref())
    }

    /// The name of `key` for messages ([`crate::judge::evidence::name_of`]).
    pub fn key_name(&self, key: &KeyEntry) -> String {
        let set = self
            .key_set
            .filter(|s| s.index == key.set_index)
            .or_else(|| self.trusted.iter().find(|s| s.index == key.set_index));
        crate::judge::evidence::name_of(key, set, self.provenance)
    }

    /// `key` as evidence, by id and name.
    pub fn key_ev(&self, key: &KeyEntry) -> EvidenceValue {
        crate::judge::evidence::key(&key.id, self.key_name(key))
    }

    /// The name of the key with case id `id`; a key in none of the trusted sets (Keyhole's
    /// catalogue) is named without a set.
    pub fn key_name_by_id(&self, id: &str) -> String {
        match crate::judge::find_key(self.trusted, id) {
            Some((k, _)) => self.key_name(k),
            None => match self.provenance.filter(|p| p.key_id == id) {
                Some(p) => p.name(),
                None => crate::model::key_name(id, None, None, true),
            },
        }
    }

    /// The key with case id `id` as evidence.
    pub fn key_ev_by_id(&self, id: &str) -> EvidenceValue {
        crate::judge::evidence::key(id, self.key_name_by_id(id))
    }

    /// Keys by case id, as evidence.
    pub fn keys_ev<S: AsRef<str>>(&self, ids: impl IntoIterator<Item = S>) -> EvidenceValue {
        EvidenceValue::List(
            ids.into_iter()
                .map(|id| self.key_ev_by_id(id.as_ref()))
                .collect(),
        )
    }

    /// Keys by case id, named and joined for a message.
    pub fn keys_named<S: AsRef<str>>(&self, ids: impl IntoIterator<Item = S>) -> String {
        ids.into_iter()
            .map(|id| self.key_name_by_id(id.as_ref()))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate {}", r.code);
            assert!(
                r.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.code
            );
            assert!(!r.title.is_empty() && !r.explanation.is_empty());
        }
        assert_eq!(rule("alg-none"), Some(&ALG_NONE));
        assert_eq!(rule("no-such-rule"), None);
    }
}
