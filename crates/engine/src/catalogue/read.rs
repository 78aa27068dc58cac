//! Reading the catalogue document through `serde_json::Value` and plain accessors instead of
//! derived deserialisers: the web app reads it too, and derived visitors for six nested types
//! cost its start bundle several KB, where the `Value` parser is there already. Missing
//! optional members read as None, as serde would; every error names where it is.

use serde_json::{Map, Value};

use super::{
    Archive, CatalogueError, CatalogueKey, CertificateSummary, Endpoint, ParsedCell, Publication,
    UtcTime, FORMAT,
};
use crate::time;

type Read<T> = Result<T, CatalogueError>;

fn bad(message: String) -> CatalogueError {
    CatalogueError::Malformed(message)
}

/// One JSON object and where it is in the document (for messages).
struct Obj<'a> {
    map: &'a Map<String, Value>,
    at: String,
}

impl<'a> Obj<'a> {
    fn of(v: &'a Value, at: String) -> Read<Obj<'a>> {
        match v.as_object() {
            Some(map) => Ok(Obj { map, at }),
            None => Err(bad(format!("{at}: expected an object"))),
        }
    }

    /// The member, None when missing or null.
    fn get(&self, k: &str) -> Option<&'a Value> {
        self.map.get(k).filter(|v| !v.is_null())
    }

    fn missing(&self, k: &str) -> CatalogueError {
        bad(format!("{}: missing field `{k}`", self.at))
    }

    fn opt_str(&self, k: &str) -> Read<Option<String>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(format!("{}.{k}: expected a string", self.at))),
        }
    }

    fn str(&self, k: &str) -> Read<String> {
        self.opt_str(k)?.ok_or_else(|| self.missing(k))
    }

    fn opt_time(&self, k: &str) -> Read<Option<UtcTime>> {
        self.opt_str(k)?
            .map(|text| {
                time::parse_utc(&text)
                    .map(UtcTime)
                    .ok_or_else(|| bad(format!("{}.{k}: not a UTC time: {text:?}", self.at)))
            })
            .transpose()
    }

    fn time(&self, k: &str) -> Read<UtcTime> {
        self.opt_time(k)?.ok_or_else(|| self.missing(k))
    }

    fn opt_u32(&self, k: &str) -> Read<Option<u32>> {
        match self.get(k) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| bad(format!("{}.{k}: expected a count", self.at))),
        }
    }

    /// Each element of the array member `k` read by `f` (with its position for messages).
    fn list<T>(&self, k: &str, f: impl Fn(&'a Value, String) -> Read<T>) -> Read<Vec<T>> {
        match self.get(k) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| f(v, format!("{}.{k}[{i}]", self.at)))
                .collect(),
            Some(_) => Err(bad(format!("{}.{k}: expected an array", self.at))),
            None => Err(self.missing(k)),
        }
    }

    /// The object member `k`; empty when missing (`#[serde(default)]`).
    fn members(&self, k: &str) -> Read<Map<String, Value>> {
        match self.get(k) {
            None => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m.clone()),
            Some(_) => Err(bad(format!("{}.{k}: expected an object", self.at))),
        }
    }
}

/// The format number, before anything else is read.
pub(super) fn format(doc: &Value) -> Read<u32> {
    let o = Obj::of(doc, "catalogue".into())?;
    o.opt_u32("format")?.ok_or_else(|| o.missing("format"))
}

/// (latest snapshot, endpoints, keys) of a document of format [`FORMAT`].
pub(super) fn document(doc: &Value) -> Read<(UtcTime, Vec<Endpoint>, Vec<CatalogueKey>)> {
    debug_assert_eq!(format(doc).ok(), Some(FORMAT));
    let o = Obj::of(doc, "catalogue".into())?;
    Ok((
        o.time("latest_snapshot")?,
        o.list("endpoints", endpoint)?,
        o.list("keys", key)?,
    ))
}

fn endpoint(v: &Value, at: String) -> Read<Endpoint> {
    let o = Obj::of(v, at)?;
    Ok(Endpoint {
        url: o.str("url")?,
        issuer: o.opt_str("issuer")?,
        cloud: o.opt_str("cloud")?,
        archives: o.list("archives", archive)?,
    })
}

fn archive(v: &Value, at: String) -> Read<Archive> {
    let o = Obj::of(v, at)?;
    Ok(Archive {
        id: o.str("id")?,
        source: o.str("source")?,
        url: o.opt_str("url")?,
        repository: o.opt_str("repository")?,
        path: o.opt_str("path")?,
        commit: o.opt_str("commit")?,
        first: o.opt_time("first")?,
        last: o.opt_time("last")?,
        count: o.opt_u32("count")?,
    })
}

fn key(v: &Value, at: String) -> Read<CatalogueKey> {
    let o = Obj::of(v, at)?;
    let certificate = match o.get("certificate") {
        None => None,
        Some(c) => {
            let c = Obj::of(c, format!("{}.certificate", o.at))?;
            Some(CertificateSummary {
                subject: c.str("subject")?,
                serial: c.str("serial")?,
                not_before: c.time("not_before")?,
                not_after: c.time("not_after")?,
                sha1: c.str("sha1")?,
                sha256: c.str("sha256")?,
            })
        }
    };
    let jwk = match o.get("jwk") {
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(bad(format!("{}.jwk: expected an object", o.at))),
        None => return Err(o.missing("jwk")),
    };
    let notes = match o.get("notes") {
        None => Vec::new(),
        Some(_) => o.list("notes", |n, at| {
            n.as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad(format!("{at}: expected a string")))
        })?,
    };
    Ok(CatalogueKey {
        kid: o.str("kid")?,
        cloud: o.opt_str("cloud")?,
        cloud_from: o.opt_str("cloud_from")?,
        certificate,
        publications: o.list("publications", publication)?,
        jwk,
        notes,
        parsed: ParsedCell::default(),
    })
}

fn publication(v: &Value, at: String) -> Read<Publication> {
    let o = Obj::of(v, at)?;
    Ok(Publication {
        endpoint: o.str("endpoint")?,
        archive: o.str("archive")?,
        first_seen: o.opt_time("first_seen")?,
        last_seen: o.opt_time("last_seen")?,
        snapshots: o.opt_u32("snapshots")?,
        absent_before: o.opt_time("absent_before")?,
        absent_after: o.opt_time("absent_after")?,
        members: o.members("members")?,
    })
}
