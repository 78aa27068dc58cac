//! Built-in list of signing keys publicly known to be compromised, each with its public sources.
//! A match is an indicator, not proof: Microsoft's own documentation samples name the Storm-0558
//! key, so the message says when a token was issued before the known abuse window.

use crate::keys::KeyEntry;
pub use crate::model::CompromisedMatch;

/// One publicly documented compromised signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompromisedKey {
    /// A short name for the incident.
    pub name: &'static str,
    /// JWS `kid` the key was published under.
    pub kid: &'static str,
    /// base64url(SHA-1(DER certificate)), the `x5t` (RFC 7515 §4.1.7).
    pub x5t: &'static str,
    /// SHA-1 certificate thumbprint, lower-case hex.
    pub sha1_hex: &'static str,
    /// Unix seconds of the first known abuse (tokens issued earlier are likely samples).
    pub abused_from: i64,
    /// Public sources for the entry.
    pub sources: &'static [&'static str],
}

/// The built-in list. Storm-0558: Microsoft's IOC table gives the thumbprint; kid/x5t derived
/// from the key's public certificate (domain.md A.1, A.5); first use 2023-05-15 (A.1).
pub const KNOWN_COMPROMISED: &[CompromisedKey] = &[CompromisedKey {
    name: "Storm-0558 acquired MSA consumer signing key",
    kid: "1LTMzakihiRla_8z2BEJVXeWMqo",
    x5t: "1LTMzakihiRla_8z2BEJVXeWMqo",
    sha1_hex: "d4b4cccda9228624656bff33d8110955779632aa",
    abused_from: 1_684_108_800,
    sources: &[
        "https://www.microsoft.com/en-us/security/blog/2023/07/14/analysis-of-storm-0558-techniques-for-unauthorized-email-access/",
        "https://msrc.microsoft.com/blog/2023/09/results-of-major-technical-investigations-for-storm-0558-key-acquisition/",
        "https://www.wiz.io/blog/storm-0558-compromised-microsoft-key-enables-authentication-of-countless-micr",
    ],
}];

impl CompromisedMatch {
    fn new(entry: &CompromisedKey, matched_on: &str, value: &str) -> Self {
        CompromisedMatch {
            name: entry.name.to_owned(),
            matched_on: matched_on.to_owned(),
            value: value.to_owned(),
            abused_from: entry.abused_from,
            sources: entry.sources.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// Looks a trusted key up in the list by its `kid`, `x5t` and certificate thumbprint.
pub fn match_key(key: &KeyEntry) -> Option<CompromisedMatch> {
    KNOWN_COMPROMISED.iter().find_map(|entry| {
        if let Some(cert) = &key.certificate {
            if cert.sha1_hex.eq_ignore_ascii_case(entry.sha1_hex) {
                return Some(CompromisedMatch::new(
                    entry,
                    "certificate SHA-1",
                    &cert.sha1_hex,
                ));
            }
        }
        if let Some(x5t) = key.x5t.as_deref().filter(|v| *v == entry.x5t) {
            return Some(CompromisedMatch::new(entry, "key x5t", x5t));
        }
        key.kid
            .as_deref()
            .filter(|v| *v == entry.kid)
            .map(|kid| CompromisedMatch::new(entry, "key kid", kid))
    })
}

/// Looks a token header's `kid` / `x5t` up in the list (the key need not be trusted or present).
pub fn match_header(kid: Option<&str>, x5t: Option<&str>) -> Option<CompromisedMatch> {
    KNOWN_COMPROMISED.iter().find_map(|entry| {
        if let Some(k) = kid.filter(|v| *v == entry.kid) {
            return Some(CompromisedMatch::new(entry, "header kid", k));
        }
        x5t.filter(|v| *v == entry.x5t)
            .map(|v| CompromisedMatch::new(entry, "header x5t", v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The kid must be base64url of the SHA-1 thumbprint (RFC 7515 §4.1.7), so the entry is
    /// internally consistent.
    #[test]
    fn storm_0558_entry_kid_is_base64url_of_thumbprint_rfc7515_4_1_7() {
        for entry in KNOWN_COMPROMISED {
            let bytes = crate::b64::decode_url(entry.x5t).unwrap_or_default();
            let hex = crate::b64::hex_lower(&bytes);
            assert_eq!(hex, entry.sha1_hex, "{}", entry.name);
            assert!(!entry.sources.is_empty());
        }
    }

    #[test]
    fn header_match_names_the_field() {
        let m = match_header(None, Some("1LTMzakihiRla_8z2BEJVXeWMqo"));
        assert_eq!(m.map(|m| m.matched_on), Some("header x5t".to_owned()));
        assert_eq!(match_header(Some("other"), Some("other")), None);
    }
}
