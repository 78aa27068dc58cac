//! `keyhole keys KID|THUMBPRINT`: what Keyhole's built-in catalogue of published signing keys
//! knows about a key — where and when it was published, its certificate, its cloud — as JSON,
//! or as text for people (issue 14).

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use keyhole_engine::catalogue::{self, Archive, Catalogue, Endpoint, Match, Publication};
use keyhole_engine::keys::KeySize;
use keyhole_engine::time::format_utc;
use serde::Serialize;

/// Arguments of `keyhole keys`.
#[derive(Args, Debug)]
pub struct KeysArgs {
    /// A kid, an x5t or x5t#S256, or a certificate's SHA-1 / SHA-256 thumbprint in hex
    /// (any case, `:` separators allowed).
    pub key: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = KeysFormat::Json)]
    pub format: KeysFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KeysFormat {
    Json,
    Text,
}

/// What the catalogue holds, for "keys published up to 2026-07".
#[derive(Serialize)]
struct About<'a> {
    published_up_to: String,
    latest_snapshot: String,
    keys: usize,
    endpoints: usize,
    sources: &'a str,
}

#[derive(Serialize)]
struct Output<'a> {
    query: &'a str,
    catalogue: About<'a>,
    matches: Vec<Match<'a>>,
    /// The endpoints the matches were published at, with their archives' bounds.
    endpoints: Vec<&'a Endpoint>,
}

/// Runs the command: exit 0 when the catalogue knows the key, 1 when it does not, 2 when the
/// catalogue cannot be read.
pub fn run(args: &KeysArgs, emit: impl Fn(&str) -> Result<(), String>) -> Result<ExitCode, String> {
    let catalogue = catalogue::embedded().map_err(|e| e.to_string())?;
    let query = args.key.trim();
    if query.is_empty() {
        return Err("name a key: a kid, an x5t or a certificate thumbprint".to_owned());
    }
    let matches = catalogue.lookup(query);
    let found = !matches.is_empty();
    let mut endpoints: Vec<&Endpoint> = Vec::new();
    for m in &matches {
        for p in &m.key.publications {
            if let Some(e) = catalogue.endpoint(&p.endpoint) {
                if !endpoints.iter().any(|x| x.url == e.url) {
                    endpoints.push(e);
                }
            }
        }
    }
    let output = Output {
        query,
        catalogue: About {
            published_up_to: catalogue.published_up_to(),
            latest_snapshot: format_utc(catalogue.latest_snapshot.0),
            keys: catalogue.keys.len(),
            endpoints: catalogue.endpoints.len(),
            sources: "crates/engine/catalogue/SOURCES.md",
        },
        matches,
        endpoints,
    };
    let text = match args.format {
        KeysFormat::Json => {
            serde_json::to_string_pretty(&output).map_err(|e| format!("cannot render JSON: {e}"))?
                + "\n"
        }
        KeysFormat::Text => to_text(catalogue, &output),
    };
    emit(&text)?;
    Ok(if found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn day(t: Option<catalogue::UtcTime>) -> String {
    t.map_or_else(|| "?".to_owned(), |t| format_utc(t.0))
}

fn archive_of<'a>(catalogue: &'a Catalogue, p: &Publication) -> Option<&'a Archive> {
    catalogue
        .endpoint(&p.endpoint)
        .and_then(|e| e.archives.iter().find(|a| a.id == p.archive))
}

/// One publication in words, with what the archive's own bounds mean for it.
fn window_text(p: &Publication, archive: Option<&Archive>) -> String {
    if p.first_seen.is_none() && p.last_seen.is_none() {
        return "seen, date unknown".to_owned();
    }
    let mut o = format!("seen {} to {}", day(p.first_seen), day(p.last_seen));
    if let Some(n) = p.snapshots {
        o.push_str(&format!(
            " in {n} snapshot{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    match p.absent_before {
        Some(b) => o.push_str(&format!("; not yet at {}", format_utc(b.0))),
        None if archive.is_some_and(|a| a.first.is_some() && a.first == p.first_seen) => {
            o.push_str("; already in the archive's first snapshot (published since earlier)")
        }
        None => {}
    }
    match p.absent_after {
        Some(a) => o.push_str(&format!("; gone at {}", format_utc(a.0))),
        None if archive.is_some_and(|a| a.last.is_some() && a.last == p.last_seen) => {
            o.push_str("; still in the archive's last snapshot")
        }
        None => {}
    }
    o
}

fn to_text(catalogue: &Catalogue, out: &Output<'_>) -> String {
    let mut o = String::new();
    if out.matches.is_empty() {
        o.push_str(&format!(
            "No key in the catalogue has kid, x5t, x5t#S256 or thumbprint {}.\n",
            out.query
        ));
    }
    for m in &out.matches {
        let key = m.key;
        let on: Vec<String> = m
            .matched_on
            .iter()
            .map(|i| {
                serde_json::to_value(i)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            })
            .collect();
        o.push_str(&format!("{} (matched on {})\n", key.kid, on.join(", ")));
        if let Some(entry) = key.entry() {
            let size = match &entry.size {
                Some(KeySize::RsaBits { bits }) => format!(" {bits} bits"),
                Some(KeySize::Curve { name }) => format!(" {name}"),
                Some(KeySize::SecretBits { bits }) => format!(" {bits}-bit secret"),
                None => String::new(),
            };
            let use_ = entry
                .use_
                .as_deref()
                .map_or_else(String::new, |u| format!(", use {u}"));
            o.push_str(&format!("  key:          {}{size}{use_}\n", entry.kty));
        }
        if let Some(cloud) = &key.cloud {
            let from = key
                .cloud_from
                .as_deref()
                .map_or_else(String::new, |f| format!(" (from {})", f.replace('_', " ")));
            o.push_str(&format!(
                "  cloud:        {}{from}\n",
                cloud.replace('_', " ")
            ));
        }
        if let Some(c) = &key.certificate {
            o.push_str(&format!(
                "  certificate:  {}, serial {}\n                valid {} to {}\n  sha1:         {}\n  sha256:       {}\n",
                c.subject,
                c.serial,
                format_utc(c.not_before.0),
                format_utc(c.not_after.0),
                c.sha1,
                c.sha256
            ));
        }
        if let Some(s256) = &m.identifiers.x5t_s256 {
            o.push_str(&format!("  x5t#S256:     {s256}\n"));
        }
        o.push_str("  published at:\n");
        for p in &key.publications {
            let archive = archive_of(catalogue, p);
            o.push_str(&format!(
                "    {}\n      {}\n",
                p.endpoint,
                window_text(p, archive)
            ));
            for (name, value) in &p.members {
                let v = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                o.push_str(&format!("      {name} {v}\n"));
            }
            if let Some(a) = archive {
                let commit = a
                    .commit
                    .as_deref()
                    .map_or_else(String::new, |c| format!(" at {c}"));
                o.push_str(&format!("      source: {}{commit}\n", a.source));
            }
        }
        if !key.notes.is_empty() {
            o.push_str("  notes:\n");
            for n in &key.notes {
                o.push_str(&format!("    - {n}\n"));
            }
        }
        o.push('\n');
    }
    o.push_str(&format!(
        "Catalogue: keys published up to {} ({} keys, {} endpoints; sources in {}).\n",
        out.catalogue.published_up_to,
        out.catalogue.keys,
        out.catalogue.endpoints,
        out.catalogue.sources
    ));
    o
}
