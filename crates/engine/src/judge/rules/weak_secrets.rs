//! The `weak-hmac-secret` rule: does an HMAC-signed token verify with a publicly known secret?
//! Three lists: a handful of obvious secrets built in; the public list of ~104,000 known JWT
//! secrets (wallarm/jwt-secrets, MIT; `weak-secrets/public.txt`), built in with the feature
//! `public-weak-secrets` (the CLI) or passed in by the caller (the web app loads it on demand);
//! and the analyst's own, through `JudgeOptions::weak_secrets`.
//!
//! A token a trusted secret verified needs no search: the secret is looked up in the lists. A
//! token a trusted secret was checked against and did not verify is searched in the short lists
//! only (built-in and the analyst's): the validator holding that secret rejects it whatever it
//! was signed with. Only a token no trusted key could check — the analyst does not know the
//! secret — is searched in the public list too, one HMAC per listed secret (about 50 ms per
//! such token natively with SHA-NI).
//!
//! Each HMAC hashes the whole signing input, so the search costs its length times the number of
//! secrets: a 700 KB token against the public list would take a minute natively, and against
//! the built-in list alone 200 ms of the page's main thread. Real HMAC-signed tokens are a few
//! kilobytes, so the search stops at [`MAX_SEARCHED_INPUT`] (built-in and supplied lists) and
//! [`MAX_PUBLIC_SEARCHED_INPUT`] (the public list), and says so with `weak-secret-search-skipped`.

use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};

use super::{evidence, Facts, WEAK_HMAC_SECRET, WEAK_SECRET_SEARCH_SKIPPED};
use crate::b64;
use crate::keys::KeyMaterial;
use crate::report::Finding;
use crate::verify::Verification;

/// Secrets anyone would try first: defaults of tutorials and jwt.io, and placeholder words.
pub const BUILT_IN_WEAK_SECRETS: &[&str] = &[
    "",
    "secret",
    "Secret",
    "SECRET",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "secretkey",
    "secret-key",
    "secret_key",
    "mysecret",
    "my-secret",
    "supersecret",
    "changeme",
    "change-me",
    "password",
    "jwt",
    "jwtsecret",
    "jwt-secret",
    "key",
    "test",
    "123456",
];

/// How findings name the public list.
pub const PUBLIC_LIST: &str = "public list (wallarm/jwt-secrets)";

/// What a caller's own search of the public list needs of one token: the page searches the
/// list (about 104,000 HMACs per token) in slices, apart from the analysis, for the tokens this
/// returns, and passes what it finds back as `JudgeOptions::public_secrets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicSearchInput {
    pub alg: &'static str,
    pub signing_input: Vec<u8>,
    pub signature: Vec<u8>,
}

impl PublicSearchInput {
    /// True when `secret` signs the token.
    pub fn signs(&self, secret: &str) -> bool {
        hmac(self.alg, secret.as_bytes(), &self.signing_input).is_some_and(|m| m == self.signature)
    }
}

/// True when the public list would be searched for a token of a report: an HS token that no
/// trusted key could check and that no list has matched yet. Cheap (no parsing): the page
/// counts these tokens on every new report.
pub fn wants_public_search(t: &crate::report::TokenReport) -> bool {
    matches!(
        t.signature,
        Some(crate::report::SignatureOutcome::NoMatchingKey { .. })
    ) && matches!(
        t.header.get("alg").and_then(|a| a.as_str()),
        Some("HS256" | "HS384" | "HS512")
    ) && !t
        .findings
        .iter()
        .any(|f| f.code == WEAK_HMAC_SECRET.code || f.code == WEAK_SECRET_SEARCH_SKIPPED.code)
}

/// The search input for a token of a report when [`wants_public_search`] and its signing input
/// is within [`MAX_PUBLIC_SEARCHED_INPUT`]; None otherwise (the CLI, which has the list built
/// in, searches it during the analysis).
pub fn public_search_input(t: &crate::report::TokenReport) -> Option<PublicSearchInput> {
    if !wants_public_search(t) {
        return None;
    }
    let parsed = crate::token::parse_token(t.token.as_deref()?).ok()?;
    let block = parsed.primary()?;
    let alg = match block.header.get("alg")?.as_str()? {
        "HS256" => "HS256",
        "HS384" => "HS384",
        "HS512" => "HS512",
        _ => return None,
    };
    let signature = b64::decode_url(&block.signature_b64).ok()?;
    (!signature.is_empty() && block.signing_input.len() <= MAX_PUBLIC_SEARCHED_INPUT).then(|| {
        PublicSearchInput {
            alg,
            signing_input: block.signing_input.clone(),
            signature,
        }
    })
}

/// Longest signing input tried against the built-in and supplied lists (64 KiB: 22 built-in
/// HMACs of it take about 16 ms in the page).
pub const MAX_SEARCHED_INPUT: usize = 64 * 1024;

/// Longest signing input tried against the public list (16 KiB: its ~104,000 HMACs take about
/// a second natively).
pub const MAX_PUBLIC_SEARCHED_INPUT: usize = 16 * 1024;

/// Computes HMAC-SHA-2 of `input` with `secret` for an HS* algorithm (RFC 7518 §3.2).
pub fn hmac(alg: &str, secret: &[u8], input: &[u8]) -> Option<Vec<u8>> {
    macro_rules! mac {
        ($h:ty) => {{
            let mut m = <Hmac<$h> as Mac>::new_from_slice(secret).ok()?;
            m.update(input);
            Some(m.finalize().into_bytes().to_vec())
        }};
    }
    match alg {
        "HS256" => mac!(Sha256),
        "HS384" => mac!(Sha384),
        "HS512" => mac!(Sha512),
        _ => None,
    }
}

/// The public list built into this build (empty without the `public-weak-secrets` feature).
pub fn public_list() -> impl Iterator<Item = &'static str> {
    #[cfg(feature = "public-weak-secrets")]
    let text: &'static str = include_str!("../../../weak-secrets/public.txt");
    #[cfg(not(feature = "public-weak-secrets"))]
    let text: &'static str = "";
    text.lines()
}

/// Every built-in and public secret, for lookups of a trusted secret (built once).
fn built_in_set() -> &'static std::collections::HashSet<&'static [u8]> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static [u8]>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| {
        BUILT_IN_WEAK_SECRETS
            .iter()
            .copied()
            .chain(public_list())
            .map(str::as_bytes)
            .collect()
    })
}

/// The first secret (built-in, public, then the caller's) under which the signature verifies.
pub fn find_weak_secret<'a>(
    alg: &str,
    signing_input: &[u8],
    signature: &[u8],
    extra: &'a [String],
) -> Option<(&'a str, &'static str)> {
    find_in_lists(alg, signing_input, signature, extra, &[], true)
}

/// [`find_weak_secret`], with or without the (long) public list.
fn find_in_lists<'a>(
    alg: &str,
    signing_input: &[u8],
    signature: &[u8],
    extra: &'a [String],
    found_public: &'a [String],
    with_public: bool,
) -> Option<(&'a str, &'static str)> {
    let public = public_list()
        .take(if with_public { usize::MAX } else { 0 })
        .map(|s| (s, PUBLIC_LIST));
    let candidates = BUILT_IN_WEAK_SECRETS
        .iter()
        .map(|s| (*s, "built-in list"))
        .chain(extra.iter().map(|s| (s.as_str(), "supplied list")))
        .chain(found_public.iter().map(|s| (s.as_str(), PUBLIC_LIST)))
        .chain(public);
    for (secret, list) in candidates {
        if hmac(alg, secret.as_bytes(), signing_input).is_some_and(|m| m == signature) {
            return Some((secret, list));
        }
    }
    None
}

pub(crate) fn check(f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(alg) = f
        .alg()
        .filter(|a| matches!(*a, "HS256" | "HS384" | "HS512"))
    else {
        return;
    };
    // A trusted secret that verified the token and is itself on a list: no search needed.
    if let Some(KeyMaterial::Oct { secret }) = f.key.filter(|_| f.key_verified).map(|k| &k.material)
    {
        let listed = built_in_set().contains(secret.as_slice())
            || f.options
                .weak_secrets
                .iter()
                .chain(f.options.public_secrets)
                .any(|s| s.as_bytes() == secret.as_slice());
        if listed {
            out.push(WEAK_HMAC_SECRET.finding(
                format!(
                    "the trusted {alg} secret ({}) is on a list of publicly known secrets",
                    f.key.map_or_else(|| "?".to_owned(), |k| f.key_name(k))
                ),
                evidence([("alg", alg.into()), ("matched_on", "trusted secret".into())]),
            ));
        }
        return;
    }
    let Some(block) = f.token.primary() else {
        return;
    };
    let Ok(signature) = b64::decode_url(&block.signature_b64) else {
        return;
    };
    if signature.is_empty() {
        return;
    }
    // A trusted secret checked the token (and did not verify it): the short lists only.
    let wanted_public = !matches!(f.verification, Verification::SignatureInvalid { .. })
        && public_list().next().is_some();
    let len = block.signing_input.len();
    let short_lists = len <= MAX_SEARCHED_INPUT;
    let with_public = wanted_public && len <= MAX_PUBLIC_SEARCHED_INPUT;
    let found = if short_lists {
        find_in_lists(
            alg,
            &block.signing_input,
            &signature,
            f.options.weak_secrets,
            f.options.public_secrets,
            with_public,
        )
    } else {
        None
    };
    if let Some((secret, list)) = found {
        out.push(WEAK_HMAC_SECRET.finding(
            format!("the {alg} signature verifies with the publicly known secret \"{secret}\" ({list}): anyone can forge this token"),
            evidence([
                ("alg", alg.into()),
                ("secret", secret.into()),
                ("list", list.into()),
                ("matched_on", "token signature".into()),
            ]),
        ));
        return;
    }
    let mut skipped = Vec::new();
    if !short_lists {
        skipped.push("built-in list");
        if !f.options.weak_secrets.is_empty() {
            skipped.push("supplied list");
        }
    }
    if wanted_public && !with_public {
        skipped.push("public list (wallarm/jwt-secrets)");
    }
    if skipped.is_empty() {
        return;
    }
    let limit = if short_lists {
        MAX_PUBLIC_SEARCHED_INPUT
    } else {
        MAX_SEARCHED_INPUT
    };
    out.push(WEAK_SECRET_SEARCH_SKIPPED.finding(
        format!(
            "the signing input is {len} bytes, over the {limit}-byte limit of the weak-secret search: not tried against the {}",
            skipped.join(", ")
        ),
        evidence([
            ("alg", alg.into()),
            ("signing_input_bytes", len.into()),
            ("limit_bytes", limit.into()),
            ("lists_not_searched", skipped.into()),
        ]),
    ));
}
