//! Exports of a report for sharing outside the analyst's browser: redaction of personal claims
//! and replacement of tokens by their SHA-256 fingerprints, so a report can go into a ticket
//! without carrying live credentials or personal data.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::claims;
use crate::report::Report;

/// What to remove before sharing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportOptions {
    /// Replace the values of personal claims (name, upn, email, …) with `[redacted]`.
    pub redact_personal: bool,
    /// Drop each token's text; its `fingerprint` (SHA-256) still identifies it.
    pub fingerprint_tokens: bool,
}

/// The marker that replaces a redacted value.
pub const REDACTED: &str = "[redacted]";

/// SHA-256 of a token's text, lower-case hex.
pub fn fingerprint(token: &str) -> String {
    crate::b64::hex_lower(&Sha256::digest(token.trim().as_bytes()))
}

/// A copy of the report with the chosen information removed.
pub fn prepare(report: &Report, options: ExportOptions) -> Report {
    let mut out = report.clone();
    for t in &mut out.tokens {
        if options.fingerprint_tokens {
            if let Some(text) = t.token.take() {
                scrub_locations(t, text.trim());
            }
        }
        if options.redact_personal {
            if let Value::Object(claims) = &mut t.claims {
                for (name, value) in claims.iter_mut() {
                    if claims::is_personal(name) {
                        *value = Value::String(REDACTED.to_owned());
                    }
                }
            }
        }
    }
    out
}

/// A token found in a log line's URL (`?access_token=eyJ…`) would survive in the location:
/// the fingerprint export replaces it there by its fingerprint too.
fn scrub_locations(t: &mut crate::report::TokenReport, token: &str) {
    if token.is_empty() {
        return;
    }
    let marker = format!("[token sha256:{}]", t.fingerprint);
    if let Some(crate::found::FoundAt::Text { locations, .. }) = &mut t.found_at {
        for log in locations.iter_mut().filter_map(|l| l.log.as_mut()) {
            for field in [
                &mut log.url,
                &mut log.timestamp,
                &mut log.method,
                &mut log.client_ip,
            ] {
                if let Some(v) = field.as_mut().filter(|v| v.contains(token)) {
                    *v = v.replace(token, &marker);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::TokenReport;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn report_with(claims: Value) -> Report {
        let mut t = TokenReport::malformed(0, &crate::TokenError::Empty, None);
        t.claims = claims;
        t.token = Some("eyJ.secret.token".to_owned());
        t.fingerprint = fingerprint("eyJ.secret.token");
        Report::new(0, vec![t], vec![])
    }

    #[test]
    fn fingerprint_is_sha256_hex() {
        assert_eq!(
            fingerprint("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn redacts_personal_claims_only_when_asked() {
        let r = report_with(serde_json::json!({"name": "Ada", "upn": "ada@x", "tid": "t"}));
        let kept = prepare(&r, ExportOptions::default());
        assert_eq!(kept.tokens[0].claims["name"], "Ada");
        let red = prepare(
            &r,
            ExportOptions {
                redact_personal: true,
                fingerprint_tokens: false,
            },
        );
        assert_eq!(red.tokens[0].claims["name"], REDACTED);
        assert_eq!(red.tokens[0].claims["upn"], REDACTED);
        assert_eq!(red.tokens[0].claims["tid"], "t");
    }

    #[test]
    fn fingerprint_option_drops_the_token_text() {
        let r = report_with(serde_json::json!({}));
        let out = prepare(
            &r,
            ExportOptions {
                redact_personal: false,
                fingerprint_tokens: true,
            },
        );
        assert_eq!(out.tokens[0].token, None);
        assert_eq!(out.tokens[0].fingerprint, fingerprint("eyJ.secret.token"));
        let json = serde_json::to_string(&out).unwrap_or_default();
        assert!(!json.contains("eyJ.secret.token"));
    }
}
