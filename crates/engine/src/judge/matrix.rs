//! The key-usage matrix: for every trusted key, the distinct tenants and clouds of the tokens it
//! verified, how many, and the key-level findings that only show across tokens — a consumer,
//! tenant-specific, single-issuer or unknown key seen signing for several tenants, or any key
//! seen signing for several clouds.

use std::collections::BTreeSet;

use serde_json::json;

use super::provenance::{key_provenance, KeyScope};
use super::rules::signature::is_published_secret;
use super::rules::{
    evidence, KEY_USED_ACROSS_CLOUDS, KEY_USED_ACROSS_TENANTS, SECRET_KEY_PUBLISHED,
};
use crate::keys::KeySet;
use crate::report::{KeyReport, TokenReport};

/// Builds one row per trusted key (in key-set order) from the token reports of a case.
pub fn key_usage(trusted: &[KeySet], tokens: &[TokenReport]) -> Vec<KeyReport> {
    let mut rows = Vec::new();
    for set in trusted {
        for key in &set.keys {
            let provenance = key_provenance(key, set);
            let mut tenants = BTreeSet::new();
            let mut clouds = BTreeSet::new();
            let mut token_indexes = Vec::new();
            for t in tokens {
                let verified_by_this = t
                    .signing_key
                    .as_ref()
                    .is_some_and(|k| k.verified && k.key_id == key.id);
                if !verified_by_this {
                    continue;
                }
                token_indexes.push(t.index);
                if let Some(b) = &t.boundary {
                    if let Some(label) = b.tenant_label() {
                        tenants.insert(label);
                    }
                    if let Some(c) = b.cloud {
                        clouds.insert(c);
                    }
                }
            }
            let tenants: Vec<String> = tenants.into_iter().collect();
            let clouds: Vec<_> = clouds.into_iter().collect();
            let mut findings = Vec::new();
            if is_published_secret(key, set) {
                findings.push(SECRET_KEY_PUBLISHED.finding(
                    format!(
                        "key {} is a symmetric secret published in a key document{}: anyone who can read the document can sign tokens it verifies",
                        key.id,
                        set.source
                            .as_deref()
                            .map(|s| format!(" ({s})"))
                            .unwrap_or_default()
                    ),
                    evidence([
                        ("key_id", json!(key.id)),
                        ("kid", json!(key.kid)),
                        ("source", json!(set.source)),
                        ("token_indexes", json!(token_indexes)),
                    ]),
                ));
            }
            if tenants.len() > 1
                && provenance.scope != KeyScope::AnyOrganization
                && !provenance.scope_evidence.weak
            {
                findings.push(KEY_USED_ACROSS_TENANTS.finding(
                    format!(
                        "key {} (scope: {}) verified tokens for {} tenants: {}",
                        key.id,
                        provenance.scope.describe(),
                        tenants.len(),
                        tenants.join(", ")
                    ),
                    evidence([
                        ("key_id", json!(key.id)),
                        ("scope", json!(provenance.scope)),
                        ("tenants", json!(tenants)),
                        ("token_indexes", json!(token_indexes)),
                    ]),
                ));
            }
            if clouds.len() > 1 {
                let labels: Vec<&str> = clouds.iter().map(|c| c.label()).collect();
                findings.push(KEY_USED_ACROSS_CLOUDS.finding(
                    format!(
                        "key {} verified tokens of {} clouds: {}",
                        key.id,
                        clouds.len(),
                        labels.join(", ")
                    ),
                    evidence([
                        ("key_id", json!(key.id)),
                        ("key_cloud", json!(provenance.cloud)),
                        ("clouds", json!(clouds)),
                        ("token_indexes", json!(token_indexes)),
                    ]),
                ));
            }
            rows.push(KeyReport {
                key_id: key.id.clone(),
                kid: key.kid.clone(),
                source: set.source.clone(),
                cloud: provenance.cloud,
                scope: provenance.scope.clone(),
                tokens: token_indexes.len(),
                token_indexes,
                tenants,
                clouds,
                findings,
                provenance,
            });
        }
    }
    rows
}
