//! The key-usage matrix: for every trusted key, the distinct tenants and clouds of the tokens it
//! verified, how many, and the key-level findings that only show across tokens — a consumer,
//! tenant-specific, single-issuer or unknown key seen signing for several tenants, or any key
//! seen signing for several clouds.

use std::collections::BTreeSet;

use crate::judge::evidence as ev;
use crate::model::EvidenceValue;

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
            let name = provenance.name();
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
                        "{name} is a symmetric secret published in a key document: anyone who can read the document can sign tokens it verifies"
                    ),
                    evidence([
                        ("key_id", ev::key(&key.id, name.clone())),
                        ("kid", key.kid.as_deref().into()),
                        ("source", set.source.as_deref().into()),
                        ("token_indexes", tokens_ev(&token_indexes)),
                    ]),
                ));
            }
            if tenants.len() > 1
                && provenance.scope != KeyScope::AnyOrganization
                && !provenance.scope_evidence.weak
            {
                findings.push(
                    KEY_USED_ACROSS_TENANTS.finding(
                        format!(
                            "{} (scope: {}) verified tokens for {} tenants: {}",
                            name,
                            provenance.scope.describe(),
                            tenants.len(),
                            tenants.join(", ")
                        ),
                        evidence([
                            ("key_id", ev::key(&key.id, name.clone())),
                            ("scope", ev::scope(&provenance.scope)),
                            (
                                "tenants",
                                tenants
                                    .iter()
                                    .map(|t| t.as_str())
                                    .collect::<Vec<_>>()
                                    .into(),
                            ),
                            ("token_indexes", tokens_ev(&token_indexes)),
                        ]),
                    ),
                );
            }
            if clouds.len() > 1 {
                let labels: Vec<&str> = clouds.iter().map(|c| c.label()).collect();
                findings.push(KEY_USED_ACROSS_CLOUDS.finding(
                    format!(
                        "{} verified tokens of {} clouds: {}",
                        name,
                        clouds.len(),
                        labels.join(", ")
                    ),
                    evidence([
                        ("key_id", ev::key(&key.id, name.clone())),
                        ("key_cloud", ev::cloud(provenance.cloud)),
                        ("clouds", ev::clouds(&clouds)),
                        ("token_indexes", tokens_ev(&token_indexes)),
                    ]),
                ));
            }
            rows.push(KeyReport {
                key_id: key.id.clone(),
                name,
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

/// Tokens as the page and the exports number them (from 1).
fn tokens_ev(indexes: &[usize]) -> EvidenceValue {
    EvidenceValue::List(
        indexes
            .iter()
            .map(|i| EvidenceValue::Text(format!("token {}", i + 1)))
            .collect(),
    )
}
