//! Recognises what kind of key document the analyst pasted (JWKS, JWK, array of JWKs, OpenID
//! Provider configuration, PEM, base64 DER, or any of these as JSON text) and reads every key in
//! it. A document never fails as a whole: unreadable keys become [`KeyProblem`]s.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::jwk::{json_type, parse_jwk};
use super::pem::{der_entry, looks_like_pem, pem_block_entry, split_blocks};
use super::{DocumentKind, KeyEntry, KeyOrigin, KeyProblem, KeySet, OpenIdInfo};
use crate::b64;
use crate::limits;

const EXPECTED: &str = "expected a JWKS ({\"keys\": […]}), a single JWK, an array of JWKs, an OpenID Provider configuration, PEM public keys or certificates, or a base64 DER certificate";

/// Reads one pasted key document into a [`KeySet`]: [`KeySetReader`] in one go.
///
/// `index` numbers the set within the case (key ids are `"{index}/{key}"`); `source` is where the
/// analyst says it came from; `declared_issuer` is the issuer the analyst declared for these
/// keys (filled from an OpenID configuration's `issuer` when None).
pub fn parse_key_set(
    index: usize,
    source: Option<&str>,
    declared_issuer: Option<&str>,
    document: &Value,
) -> KeySet {
    KeySetReader::borrowing(index, source, declared_issuer, document).finish()
}

/// Reads one key document a few keys at a time, so that a caller on a page's main thread can
/// read a 10,000-key document in slices short enough never to block the page: reading a key
/// validates its material, hashes its thumbprint, reads its certificate and runs the ROCA test.
///
/// [`KeySetReader::new`] recognises the document (parsing JSON text once) and reads whatever is
/// not a key (an OpenID configuration, a refusal); [`KeySetReader::step`] reads keys;
/// [`KeySetReader::finish`] adds the set-level remarks, which need no per-key arithmetic. The
/// keys, problems and warnings (in their order) are the same whatever the step sizes, and the
/// same as [`parse_key_set`]'s, which is this reader in one go.
#[derive(Debug)]
pub struct KeySetReader<'a> {
    set: KeySet,
    pending: Pending<'a>,
}

/// What is left to read of a document.
#[derive(Debug)]
enum Pending<'a> {
    /// JWKs from `next` on, in the list that `at` names inside `doc`.
    Jwks {
        doc: Cow<'a, Value>,
        at: JwkList,
        origin: KeyOrigin,
        next: usize,
    },
    /// PEM blocks from `next` on.
    Pem {
        blocks: Vec<String>,
        next: usize,
    },
    /// One base64-decoded DER blob.
    Der(Vec<u8>),
    Nothing,
}

/// Where a document's JWKs are.
#[derive(Debug, Clone, Copy)]
enum JwkList {
    /// The `keys` member of a JWKS.
    KeysMember,
    /// The document is an array of JWKs.
    Whole,
    /// The document is one JWK.
    Single,
}

fn jwk_list(doc: &Value, at: JwkList) -> &[Value] {
    match at {
        JwkList::KeysMember => doc
            .get("keys")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
        JwkList::Whole => doc.as_array().map_or(&[], Vec::as_slice),
        JwkList::Single => std::slice::from_ref(doc),
    }
}

impl KeySetReader<'static> {
    /// A reader that owns the document (the caller need not keep it while stepping). The
    /// arguments are [`parse_key_set`]'s.
    pub fn new(
        index: usize,
        source: Option<&str>,
        declared_issuer: Option<&str>,
        document: Value,
    ) -> Self {
        KeySetReader::start(index, source, declared_issuer, Cow::Owned(document))
    }
}

impl<'a> KeySetReader<'a> {
    /// A reader that borrows the document, which saves a copy when the caller keeps it anyway.
    pub fn borrowing(
        index: usize,
        source: Option<&str>,
        declared_issuer: Option<&str>,
        document: &'a Value,
    ) -> Self {
        KeySetReader::start(index, source, declared_issuer, Cow::Borrowed(document))
    }

    fn start(
        index: usize,
        source: Option<&str>,
        declared_issuer: Option<&str>,
        document: Cow<'a, Value>,
    ) -> Self {
        let mut set = KeySet {
            index,
            source: source.map(str::to_owned),
            declared_issuer: declared_issuer.map(str::to_owned),
            issuer_from_catalogue: false,
            kind: DocumentKind::Unrecognised,
            keys: Vec::new(),
            openid: None,
            problems: Vec::new(),
            warnings: Vec::new(),
        };
        let pending = begin(&mut set, document, 0);
        KeySetReader { set, pending }
    }

    /// How many keys (JWKs, PEM blocks or DER blobs, readable or not) are left to read.
    pub fn remaining(&self) -> usize {
        match &self.pending {
            Pending::Jwks { doc, at, next, .. } => jwk_list(doc, *at).len().saturating_sub(*next),
            Pending::Pem { blocks, next } => blocks.len().saturating_sub(*next),
            Pending::Der(_) => 1,
            Pending::Nothing => 0,
        }
    }

    /// Reads at most `max_keys` more keys; true when every key has been read.
    pub fn step(&mut self, max_keys: usize) -> bool {
        let set = &mut self.set;
        match &mut self.pending {
            Pending::Jwks {
                doc,
                at,
                origin,
                next,
            } => {
                let keys = jwk_list(doc, *at);
                let end = next.saturating_add(max_keys).min(keys.len());
                for (key_index, jwk) in keys.iter().enumerate().take(end).skip(*next) {
                    match parse_jwk(set.index, key_index, *origin, jwk) {
                        Ok(parsed) => {
                            set.warnings.extend(parsed.warnings);
                            set.keys.push(parsed.entry);
                        }
                        Err(p) => set.problems.push(p),
                    }
                }
                *next = end;
            }
            Pending::Pem { blocks, next } => {
                let end = next.saturating_add(max_keys).min(blocks.len());
                for (key_index, block) in blocks.iter().enumerate().take(end).skip(*next) {
                    match pem_block_entry(set.index, key_index, block) {
                        Ok(entry) => set.keys.push(entry),
                        Err(p) => set.problems.push(p),
                    }
                }
                *next = end;
            }
            Pending::Der(der) if max_keys > 0 => {
                match der_entry(set.index, 0, der) {
                    Ok(entry) => {
                        set.kind = DocumentKind::Der;
                        set.keys.push(entry);
                    }
                    Err(e) => problem(set, None, format!("the text decodes as base64 but {e}")),
                }
                self.pending = Pending::Nothing;
            }
            Pending::Der(_) | Pending::Nothing => {}
        }
        let done = self.remaining() == 0;
        if done {
            // Lets go of an owned document as soon as it is read.
            self.pending = Pending::Nothing;
        }
        done
    }

    /// The key set: reads any keys not read yet, then adds the set-level remarks (duplicate
    /// kids, ROCA keys, secrets mixed with public keys) from facts computed as each key was read.
    pub fn finish(mut self) -> KeySet {
        self.step(usize::MAX);
        remarks(&mut self.set);
        self.set
    }
}

fn problem(set: &mut KeySet, key_index: Option<usize>, message: String) {
    set.problems.push(KeyProblem {
        set_index: set.index,
        key_index,
        kid: None,
        message,
    });
}

/// Recognises the document and reads what is not a key; returns the keys left to read.
fn begin<'a>(set: &mut KeySet, document: Cow<'a, Value>, depth: usize) -> Pending<'a> {
    let (at, origin) = match &*document {
        Value::Object(obj) if obj.contains_key("keys") => match obj.get("keys") {
            Some(Value::Array(_)) => {
                set.kind = DocumentKind::Jwks;
                (JwkList::KeysMember, KeyOrigin::Jwks)
            }
            Some(other) => {
                problem(
                    set,
                    None,
                    format!(
                        "the JWKS member \"keys\" must be an array of JWKs, found {}",
                        json_type(other)
                    ),
                );
                return Pending::Nothing;
            }
            None => return Pending::Nothing,
        },
        Value::Object(obj) if obj.contains_key("kty") => {
            set.kind = DocumentKind::Jwk;
            (JwkList::Single, KeyOrigin::Jwk)
        }
        Value::Object(obj) if is_openid_configuration(obj) => {
            read_openid(set, obj);
            return Pending::Nothing;
        }
        Value::Object(_) => {
            problem(
                set,
                None,
                format!(
                    "this JSON object has no \"keys\", \"kty\" or \"jwks_uri\" member; {EXPECTED}"
                ),
            );
            return Pending::Nothing;
        }
        Value::Array(_) => {
            set.kind = DocumentKind::JwkArray;
            (JwkList::Whole, KeyOrigin::JwkArray)
        }
        Value::String(text) => return begin_text(set, text, depth),
        other => {
            problem(
                set,
                None,
                format!("the document is {}; {EXPECTED}", json_type(other)),
            );
            return Pending::Nothing;
        }
    };
    Pending::Jwks {
        doc: document,
        at,
        origin,
        next: 0,
    }
}

pub(crate) fn is_openid_configuration(obj: &Map<String, Value>) -> bool {
    obj.contains_key("jwks_uri")
        || (obj.contains_key("issuer")
            && (obj.contains_key("authorization_endpoint")
                || obj.contains_key("id_token_signing_alg_values_supported")))
}

fn read_openid(set: &mut KeySet, obj: &Map<String, Value>) {
    let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    let info = OpenIdInfo {
        issuer: s("issuer"),
        jwks_uri: s("jwks_uri"),
        id_token_signing_alg_values_supported: obj
            .get("id_token_signing_alg_values_supported")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        cloud_instance_name: s("cloud_instance_name"),
        tenant_region_scope: s("tenant_region_scope"),
        tenant_region_sub_scope: s("tenant_region_sub_scope"),
    };
    set.kind = DocumentKind::OpenIdConfiguration;
    if set.declared_issuer.is_none() {
        set.declared_issuer.clone_from(&info.issuer);
    }
    set.warnings.push(match &info.jwks_uri {
        Some(uri) => format!("an OpenID configuration holds no keys itself: fetch its jwks_uri ({uri}) and paste that document too"),
        None => "this OpenID configuration names no jwks_uri, so its signing keys are unknown".to_owned(),
    });
    set.openid = Some(info);
}

/// [`begin`] for a document given as text: JSON (parsed here, once), PEM or base64 DER.
fn begin_text(set: &mut KeySet, text: &str, depth: usize) -> Pending<'static> {
    let text = text.trim();
    if text.len() > limits::MAX_KEY_DOCUMENT_BYTES {
        problem(
            set,
            None,
            format!(
                "the document is {} bytes, over the {}-byte limit",
                text.len(),
                limits::MAX_KEY_DOCUMENT_BYTES
            ),
        );
        return Pending::Nothing;
    }
    if text.is_empty() {
        problem(set, None, format!("the document is empty; {EXPECTED}"));
        return Pending::Nothing;
    }
    if depth == 0 && (text.starts_with('{') || text.starts_with('[')) {
        // Checked first so the analyst reads which limit was hit, not serde_json's
        // "recursion limit exceeded".
        if crate::token::json_depth_exceeds(text.as_bytes(), limits::MAX_KEY_DOCUMENT_DEPTH) {
            problem(
                set,
                None,
                format!(
                    "the document nests JSON deeper than {} levels, Keyhole's limit for key documents (a JWKS or OpenID configuration needs 4); it is refused as hostile or corrupt input: paste the original document",
                    limits::MAX_KEY_DOCUMENT_DEPTH
                ),
            );
            return Pending::Nothing;
        }
        return match serde_json::from_str::<Value>(text) {
            Ok(inner) => begin(set, Cow::Owned(inner), depth + 1),
            Err(e) => {
                problem(
                    set,
                    None,
                    format!("the document looks like JSON but does not parse: {e}"),
                );
                Pending::Nothing
            }
        };
    }
    if looks_like_pem(text) {
        set.kind = DocumentKind::Pem;
        return Pending::Pem {
            blocks: split_blocks(text),
            next: 0,
        };
    }
    if text.starts_with("eyJ") && text.matches('.').count() >= 2 {
        problem(
            set,
            None,
            "this looks like a token (JWS/JWE), not a key document; paste it as a token, and paste the issuer's keys here".to_owned(),
        );
        return Pending::Nothing;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let der = b64::decode_std(&compact).or_else(|_| b64::decode_url(compact.trim_end_matches('=')));
    match der {
        Ok(der) => Pending::Der(der),
        Err(_) => {
            problem(
                set,
                None,
                format!("the text is not JSON, PEM or base64; {EXPECTED}"),
            );
            Pending::Nothing
        }
    }
}

/// Set-level remarks: duplicate kids and secrets mixed with public keys.
fn remarks(set: &mut KeySet) {
    let mut by_kid: BTreeMap<&str, Vec<&KeyEntry>> = BTreeMap::new();
    for key in &set.keys {
        if let Some(kid) = key.kid.as_deref() {
            by_kid.entry(kid).or_default().push(key);
        }
    }
    let mut warnings = Vec::new();
    for (kid, keys) in by_kid {
        if keys.len() > 1 {
            let differ = keys
                .iter()
                .any(|k| Some(&k.material) != keys.first().map(|f| &f.material));
            warnings.push(format!(
                "{} keys share kid \"{kid}\"{}: a token naming it is ambiguous",
                keys.len(),
                if differ {
                    " with different key material"
                } else {
                    ""
                }
            ));
        }
    }
    for key in &set.keys {
        // Computed when the key was read: no arithmetic over the modulus here.
        if key.facts().roca {
            warnings.push(format!(
                "key {} has the ROCA fingerprint (CVE-2017-15361): its private key can be computed, so it will not be used to verify",
                key.kid.as_deref().unwrap_or(&key.id)
            ));
        }
    }
    let secrets = set.keys.iter().any(|k| k.kty == "oct");
    let public = set.keys.iter().any(|k| k.kty != "oct");
    if secrets && public {
        warnings.push("the set mixes shared secrets (oct) with public keys: an issuer normally publishes only public keys".to_owned());
    }
    set.warnings.extend(warnings);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn jwks_with_one_bad_key_keeps_the_good_one() {
        let doc = json!({"keys":[{"kty":"oct","k":"c2VjcmV0c2VjcmV0","kid":"a"},{"kty":"RSA","kid":"b"}]});
        let set = parse_key_set(4, None, None, &doc);
        assert_eq!(set.kind, DocumentKind::Jwks);
        assert_eq!(set.keys.len(), 1);
        assert_eq!(set.problems.len(), 1);
        assert_eq!(
            set.problems.first().and_then(|p| p.kid.as_deref()),
            Some("b")
        );
        assert_eq!(set.keys.first().map(|k| k.id.as_str()), Some("4/0"));
    }

    #[test]
    fn openid_configuration_fills_declared_issuer() {
        let doc = json!({"issuer":"https://issuer.example/","jwks_uri":"https://issuer.example/keys",
            "id_token_signing_alg_values_supported":["RS256"],"cloud_instance_name":"microsoftonline.com",
            "tenant_region_scope":"NA","tenant_region_sub_scope":"GCC"});
        let set = parse_key_set(
            0,
            Some("https://issuer.example/.well-known/openid-configuration"),
            None,
            &doc,
        );
        assert_eq!(set.kind, DocumentKind::OpenIdConfiguration);
        assert_eq!(
            set.declared_issuer.as_deref(),
            Some("https://issuer.example/")
        );
        let info = set.openid.unwrap_or_default();
        assert_eq!(info.tenant_region_sub_scope.as_deref(), Some("GCC"));
        assert_eq!(
            info.id_token_signing_alg_values_supported,
            vec!["RS256".to_owned()]
        );
    }

    #[test]
    fn declared_issuer_wins_over_configuration() {
        let doc = json!({"issuer":"https://a/","jwks_uri":"https://a/keys"});
        let set = parse_key_set(0, None, Some("https://b/"), &doc);
        assert_eq!(set.declared_issuer.as_deref(), Some("https://b/"));
    }

    #[test]
    fn json_text_is_read_as_json() {
        let set = parse_key_set(
            0,
            None,
            None,
            &json!("[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]"),
        );
        assert_eq!(set.kind, DocumentKind::JwkArray);
        assert_eq!(set.keys.len(), 1);
    }

    #[test]
    fn unrecognised_documents_say_what_was_expected() {
        for doc in [json!(42), json!({"foo":1}), json!("not a key at all!")] {
            let set = parse_key_set(0, None, None, &doc);
            assert_eq!(set.kind, DocumentKind::Unrecognised, "{doc}");
            assert!(
                set.problems
                    .first()
                    .is_some_and(|p| p.message.contains("expected")),
                "{doc}"
            );
        }
    }

    #[test]
    fn a_pasted_token_is_recognised_as_not_a_key() {
        let set = parse_key_set(0, None, None, &json!("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"));
        assert_eq!(set.kind, DocumentKind::Unrecognised);
        assert!(set
            .problems
            .first()
            .is_some_and(|p| p.message.contains("looks like a token")));
    }

    #[test]
    fn duplicate_kids_are_warned_about() {
        let doc = json!({"keys":[{"kty":"oct","k":"c2VjcmV0MQ","kid":"a"},{"kty":"oct","k":"c2VjcmV0Mg","kid":"a"}]});
        let set = parse_key_set(0, None, None, &doc);
        assert!(set
            .warnings
            .iter()
            .any(|w| w.contains("share kid \"a\" with different")));
    }
}
