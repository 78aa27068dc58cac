//! Constructors of typed evidence values ([`EvidenceValue`]) that need the engine's words: a
//! time with its UTC form, a scope or cloud with its description, a key with its name. Rules
//! build every evidence value through these or `From`, never as raw JSON, so that no reader
//! ever has to show people a bare epoch or `{"kind":"consumer"}`.

use serde_json::Value;

use crate::keys::{KeyEntry, KeySet};
use crate::model::{
    key_name, Cloud, CloudValue, EvidenceValue, KeyProvenance, KeyRef, KeyScope, ScopeValue,
    TimeValue,
};

/// A time in Unix seconds, with its UTC form.
pub fn time(epoch: i64) -> EvidenceValue {
    EvidenceValue::Time(time_value(epoch))
}

/// A time in Unix seconds with its UTC form, for the typed records that hold times.
pub fn time_value(epoch: i64) -> TimeValue {
    TimeValue {
        epoch,
        utc: crate::time::format_utc(epoch),
    }
}

/// A key scope, in words.
pub fn scope(s: &KeyScope) -> EvidenceValue {
    EvidenceValue::Scope(ScopeValue {
        scope: s.clone(),
        words: s.describe(),
    })
}

/// A cloud, in words; `None` when unknown.
pub fn cloud(c: Option<Cloud>) -> EvidenceValue {
    c.map_or(EvidenceValue::None, |c| {
        EvidenceValue::Cloud(CloudValue {
            cloud: c,
            words: c.label().to_owned(),
        })
    })
}

/// Several clouds, in words.
pub fn clouds(cs: &[Cloud]) -> EvidenceValue {
    EvidenceValue::List(cs.iter().map(|c| cloud(Some(*c))).collect())
}

/// A trusted key by id and name.
pub fn key(key_id: &str, name: String) -> EvidenceValue {
    EvidenceValue::Key(KeyRef {
        key_id: key_id.to_owned(),
        name,
    })
}

/// The name of `key` of `set`; a key whose provenance is given is named from it (so that a
/// catalogue key is called one).
pub fn name_of(k: &KeyEntry, set: Option<&KeySet>, provenance: Option<&KeyProvenance>) -> String {
    match provenance.filter(|p| p.key_id == k.id) {
        Some(p) => p.name(),
        None => key_name(
            &k.id,
            set.and_then(|s| s.source.as_deref()),
            k.kid.as_deref(),
            false,
        ),
    }
}

/// A trusted key as evidence ([`name_of`]).
pub fn key_of(
    k: &KeyEntry,
    set: Option<&KeySet>,
    provenance: Option<&KeyProvenance>,
) -> EvidenceValue {
    key(&k.id, name_of(k, set, provenance))
}

/// A value copied from the token (a claim, a header parameter). Strings, numbers, booleans,
/// null and lists take their plain variants, so that only objects stay JSON and a report read
/// back from its JSON is the same report. The engine's own facts never come through here: they
/// have typed variants (a time, a key, a publication window, …).
pub fn json(v: Value) -> EvidenceValue {
    match v {
        Value::Null => EvidenceValue::None,
        Value::Bool(b) => EvidenceValue::Bool(b),
        Value::Number(n) => EvidenceValue::Number(n),
        Value::String(s) => EvidenceValue::Text(s),
        Value::Array(items) => EvidenceValue::List(items.into_iter().map(json).collect()),
        object => EvidenceValue::Json(object),
    }
}
