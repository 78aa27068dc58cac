//! The catalogue's two rules as pure functions over a catalogue key and the facts of one token
//! or one supplied key; the judgement calls them (codes and texts in `judge::rules`).

use super::{same_endpoint, Catalogue, CatalogueKey, Publication, WindowSide};
use crate::judge::evidence as ev;
use crate::judge::rules::{evidence, CATALOGUE_KEY_MISMATCH, KEY_NOT_PUBLISHED_AT_ISSUE};
use crate::keys::KeyEntry;
use crate::model::{CatalogueKeyValue, EvidenceValue, PublicationWindow, TimeValue};
use crate::report::Finding;
use crate::time;

/// Kids shorter than this (`"1"`, `"key-1"`) are reused by unrelated issuers, so a supplied key
/// with such a kid is compared with the catalogue only when its source host published it;
/// thumbprint- and hash-like kids (Microsoft's 27, Google's 40) are not reused by chance.
pub(super) const DISTINCTIVE_KID_LEN: usize = 16;

const DAY: f64 = 86_400.0;

fn days(secs: i64) -> f64 {
    // One decimal: the evidence says how far apart two snapshots were, not to the second.
    ((secs as f64) / DAY * 10.0).round() / 10.0
}

fn at(t: Option<super::UtcTime>) -> Option<TimeValue> {
    t.map(|t| ev::time_value(t.0))
}

/// `key-not-published-at-issue`: `key` (from the catalogue) verified a token issued at
/// `issued_at`; the finding when that time lies outside the window in which the key was seen
/// published.
///
/// With `endpoint` (the key set's source, when it is one of the key's publication points) only
/// that endpoint's window counts; otherwise the key was published somewhere at `issued_at`
/// unless every publication excludes it, so an undated publication (a source without dates)
/// never lets the rule fire. A window is bounded only by snapshots known not to hold the key
/// ([`Publication::excludes`]): the time between a sighting and such a snapshot is allowed for,
/// and the evidence says how long it is; an archive's first and last snapshots bound nothing.
pub fn check_publication_window(
    key: &CatalogueKey,
    endpoint: Option<&str>,
    issued_at: i64,
) -> Option<Finding> {
    let at_endpoint: Vec<&Publication> = match endpoint {
        Some(e) => key
            .publications
            .iter()
            .filter(|p| same_endpoint(&p.endpoint, e))
            .collect(),
        None => Vec::new(),
    };
    let considered: Vec<&Publication> = if at_endpoint.is_empty() {
        key.publications.iter().collect()
    } else {
        at_endpoint
    };
    let mut outside = Vec::new();
    for p in &considered {
        outside.push((*p, p.excludes(issued_at)?));
    }
    let (first, side) = *outside.first()?;
    let windows: Vec<EvidenceValue> = outside
        .iter()
        .map(|(p, side)| {
            let gap = match side {
                WindowSide::BeforeFirstSeen => {
                    p.first_seen.zip(p.absent_before).map(|(f, b)| f.0 - b.0)
                }
                WindowSide::AfterLastSeen => {
                    p.absent_after.zip(p.last_seen).map(|(a, l)| a.0 - l.0)
                }
            };
            EvidenceValue::Publication(PublicationWindow {
                endpoint: p.endpoint.clone(),
                archive: p.archive.clone(),
                side: *side,
                first_seen: at(p.first_seen),
                last_seen: at(p.last_seen),
                absent_before: at(p.absent_before),
                absent_after: at(p.absent_after),
                snapshot_gap_days: gap.map(days),
            })
        })
        .collect();
    let when = time::format_utc(issued_at);
    let fmt = |t: Option<super::UtcTime>| t.map_or_else(String::new, |t| time::format_utc(t.0));
    let message = match side {
        WindowSide::BeforeFirstSeen => format!(
            "The token was issued at {when}, before {} published key {}: a snapshot of {} did not hold it yet (first seen there {}).",
            first.endpoint,
            key.kid,
            fmt(first.absent_before),
            fmt(first.first_seen),
        ),
        WindowSide::AfterLastSeen => format!(
            "The token was issued at {when}, after {} stopped publishing key {}: a snapshot of {} no longer held it (last seen there {}).",
            first.endpoint,
            key.kid,
            fmt(first.absent_after),
            fmt(first.last_seen),
        ),
    };
    Some(KEY_NOT_PUBLISHED_AT_ISSUE.finding(
        message,
        evidence([
            ("kid", (&key.kid).into()),
            ("iat", ev::time(issued_at)),
            ("endpoint", endpoint.into()),
            ("windows", EvidenceValue::List(windows)),
        ]),
    ))
}

/// `catalogue-key-mismatch`: the finding when a supplied key (from a key set with `source`)
/// has the kid of catalogue keys and none of them has its material.
///
/// A kid shorter than 16 characters counts only when `source` is on a host that published one
/// of those keys: short kids are reused by unrelated issuers. A catalogue key whose material the
/// engine cannot read is not compared.
pub fn check_supplied_key(
    catalogue: &Catalogue,
    supplied: &KeyEntry,
    source: Option<&str>,
) -> Option<Finding> {
    let kid = supplied.kid.as_deref()?;
    let same_kid = catalogue.by_kid(kid);
    if same_kid.is_empty() {
        return None;
    }
    if same_kid
        .iter()
        .any(|k| k.entry().is_some_and(|e| e.material == supplied.material))
    {
        return None;
    }
    let compared: Vec<&CatalogueKey> = same_kid
        .into_iter()
        .filter(|k| k.entry().is_some())
        .collect();
    if compared.is_empty() {
        return None;
    }
    let source_host = source.and_then(host);
    let published_by_source_host = compared.iter().any(|k| {
        k.publications
            .iter()
            .any(|p| host(&p.endpoint).is_some() && host(&p.endpoint) == source_host)
    });
    if kid.chars().count() < DISTINCTIVE_KID_LEN && !published_by_source_host {
        return None;
    }
    let catalogue_keys: Vec<EvidenceValue> = compared
        .iter()
        .map(|k| {
            EvidenceValue::CatalogueKey(CatalogueKeyValue {
                thumbprint: k.entry().and_then(|e| e.thumbprint.clone()),
                kty: k.entry().map(|e| e.kty.clone()),
                endpoints: k.publications.iter().map(|p| p.endpoint.clone()).collect(),
                first_seen: at(k.first_seen()),
                last_seen: at(k.last_seen()),
            })
        })
        .collect();
    let endpoints: Vec<&str> = compared
        .iter()
        .flat_map(|k| k.publications.iter().map(|p| p.endpoint.as_str()))
        .collect();
    let name = crate::model::key_name(&supplied.id, source, Some(kid), false);
    Some(CATALOGUE_KEY_MISMATCH.finding(
        format!(
            "Supplied {}: the key published under kid {kid} (at {}) has different key material (JWK thumbprint {} supplied, {} published).",
            name,
            endpoints.join(", "),
            supplied.thumbprint.as_deref().unwrap_or("none"),
            compared
                .iter()
                .filter_map(|k| k.entry().and_then(|e| e.thumbprint.clone()))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        evidence([
            ("kid", kid.into()),
            ("supplied_key", ev::key(&supplied.id, name.clone())),
            ("supplied_source", source.into()),
            ("supplied_thumbprint", supplied.thumbprint.as_deref().into()),
            ("catalogue_keys", EvidenceValue::List(catalogue_keys)),
        ]),
    ))
}

fn host(url: &str) -> Option<String> {
    let (_, rest) = url.trim().split_once("://")?;
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    rest.get(..end)
        .filter(|h| !h.is_empty())
        .map(str::to_ascii_lowercase)
}
