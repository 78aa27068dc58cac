//! What a caller shows from the catalogue beside a report: which tokens would consult it (so a
//! page that loads it on demand can offer it exactly when it matters), the supplied-key check
//! for a judged token, an endpoint's keys as of a date as a JWKS to add, and each verifying
//! key's timeline (when it signed, against its certificate and its publication window). All of
//! it is computed here, so the page only draws, and the CLI or a test gets the same answers.
//! The timelines also go, as JSON, to the document module that renders the ticket reports
//! (`render_remote`), which has no catalogue of its own: hence `Deserialize`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{AsOf, Catalogue, CatalogueKey};
use crate::judge::find_key;
use crate::judge::rules::{CATALOGUE_KEY_MISMATCH, KEY_NOT_PUBLISHED_AT_ISSUE};
use crate::keys::KeySet;
use crate::report::{Finding, Report, SignatureOutcome, SigningKeyReport, TokenReport, Verdict};
use crate::time;

/// The identifiers a token header names a key by (kid, x5t, x5t#S256), when they are strings.
fn named(t: &TokenReport) -> (Option<&str>, Option<&str>, Option<&str>) {
    let h = |name: &str| t.header.get(name).and_then(Value::as_str);
    (h("kid"), h("x5t"), h("x5t#S256"))
}

/// The positions of the tokens that would consult a catalogue: they name a key (kid, x5t,
/// x5t#S256) that no supplied key holds (their signature found no matching key). With
/// `catalogue`, only those whose named key it holds (as [`Catalogue::named_by`] decides);
/// without, every such token, for an offer to load it.
pub fn would_consult(report: &Report, catalogue: Option<&Catalogue>) -> Vec<usize> {
    report
        .tokens
        .iter()
        .filter(|t| matches!(t.signature, Some(SignatureOutcome::NoMatchingKey { .. })))
        .filter(|t| {
            let (kid, x5t, s256) = named(t);
            if kid.is_none() && x5t.is_none() && s256.is_none() {
                return false;
            }
            catalogue.is_none_or(|c| {
                let iss = t.claims.get("iss").and_then(Value::as_str);
                !c.named_by(kid, x5t, s256, iss).is_empty()
            })
        })
        .map(|t| t.index)
        .collect()
}

/// `catalogue-key-mismatch` for a judged token: the supplied key it names or was verified with
/// (`signing`, found in `sets`) against the catalogue keys with its kid
/// ([`super::check_supplied_key`]). Nothing for a key taken from the catalogue itself.
pub fn check_signing_key(
    catalogue: &Catalogue,
    sets: &[KeySet],
    signing: Option<&SigningKeyReport>,
) -> Option<Finding> {
    let signing = signing.filter(|k| k.provenance.catalogue.is_none())?;
    let (key, set) = find_key(sets, &signing.key_id)?;
    super::check_supplied_key(catalogue, key, set.source.as_deref())
}

impl AsOf<'_> {
    /// These keys as a JWKS document as the endpoint published them, for a key set whose
    /// source is the endpoint's URL.
    pub fn document(&self) -> Value {
        let keys = self
            .keys
            .iter()
            .map(|k| Value::Object(k.key.jwk_at(Some(&self.endpoint.url))))
            .collect();
        let mut doc = Map::new();
        doc.insert("keys".to_owned(), Value::Array(keys));
        Value::Object(doc)
    }
}

impl CatalogueKey {
    /// The key's history as (label, text) rows for a page to list: cloud, certificate, x5t,
    /// first and last sighting, each publication (endpoint, issuer or scope as published, when
    /// seen, the nearest snapshots without it), and the catalogue's notes.
    pub fn history(&self, catalogue: &Catalogue) -> Vec<(&'static str, String)> {
        let when =
            |t: Option<super::UtcTime>| t.map_or_else(|| "date unknown".to_owned(), |t| day(t.0));
        let mut rows = vec![(
            "Cloud",
            self.cloud
                .clone()
                .unwrap_or_else(|| "not a Microsoft key".to_owned()),
        )];
        if let Some(c) = &self.certificate {
            rows.push((
                "Certificate",
                format!(
                    "{}, valid {} to {}",
                    c.subject,
                    day(c.not_before.0),
                    day(c.not_after.0)
                ),
            ));
        }
        if let Some(x5t) = self.identifiers().x5t {
            rows.push(("x5t", x5t));
        }
        rows.push((
            "Seen",
            format!(
                "first {}, last {}",
                when(self.first_seen()),
                when(self.last_seen())
            ),
        ));
        for p in &self.publications {
            let issuer = p
                .members
                .get("issuer")
                .and_then(Value::as_str)
                .or_else(|| catalogue.issuer_for_source(&p.endpoint));
            let seen = match (p.first_seen, p.last_seen) {
                (Some(f), Some(l)) => format!("seen {} to {}", day(f.0), day(l.0)),
                _ => "seen, date unknown".to_owned(),
            };
            let mut absent = String::new();
            if let Some(b) = p.absent_before {
                absent.push_str(&format!("; not yet there on {}", day(b.0)));
            }
            if let Some(a) = p.absent_after {
                absent.push_str(&format!("; gone by {}", day(a.0)));
            }
            let issuer = issuer.map(|i| format!("; issuer {i}")).unwrap_or_default();
            rows.push((
                "Published at",
                format!("{}: {seen}{absent}{issuer}", p.endpoint),
            ));
        }
        rows.extend(self.notes.iter().map(|n| ("Note", n.clone())));
        rows
    }
}

/// A stretch of time, Unix seconds; either end may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// One endpoint's publication of a key, as the timeline draws it: `seen` between the first
/// and last snapshot that held it; `possible` out to the nearest snapshots known not to hold it
/// (an end is None where no such snapshot is known: published since or until some date the
/// archive cannot show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub endpoint: String,
    pub seen: Span,
    pub possible: Span,
}

/// One token a key verified, at its `iat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    pub index: usize,
    pub iat: i64,
    pub verdict: Verdict,
    /// Outside the certificate's validity.
    pub outside_certificate: bool,
    /// `key-not-published-at-issue` fired on it.
    pub outside_publication: bool,
}

/// One verifying key's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyTimeline {
    pub key_id: String,
    pub kid: Option<String>,
    pub source: Option<String>,
    /// The key came from the catalogue, not from a supplied key set.
    pub from_catalogue: bool,
    pub certificate: Option<Span>,
    pub windows: Vec<Window>,
    /// Tokens it verified that carry a numeric `iat`, earliest first.
    pub tokens: Vec<Signed>,
    /// Tokens it verified without a numeric `iat` (not drawn).
    pub without_iat: usize,
    /// The time the picture spans: everything above, with a margin.
    pub axis: Span,
}

impl KeyTimeline {
    /// Where `t` lies along the axis, 0.0 (start) to 1.0 (end).
    pub fn x(&self, t: i64) -> f64 {
        let (Some(a), Some(b)) = (self.axis.from, self.axis.to) else {
            return 0.5;
        };
        if b <= a {
            return 0.5;
        }
        ((t - a) as f64 / (b - a) as f64).clamp(0.0, 1.0)
    }

    /// The picture in words, one line per element, for readers who cannot see it.
    pub fn describe(&self) -> Vec<String> {
        let on = |t: Option<i64>| t.map_or_else(|| "an unknown date".to_owned(), day);
        let mut lines = Vec::new();
        let count = self.tokens.len();
        if let (Some(first), Some(last)) = (self.tokens.first(), self.tokens.last()) {
            lines.push(format!(
                "Signed {count} token{} (by iat) from {} to {}.",
                if count == 1 { "" } else { "s" },
                time::format_utc(first.iat),
                time::format_utc(last.iat)
            ));
        }
        if self.without_iat > 0 {
            lines.push(format!(
                "{} more token(s) it verified carry no iat.",
                self.without_iat
            ));
        }
        if let Some(c) = self.certificate {
            let outside = self.tokens.iter().filter(|t| t.outside_certificate).count();
            lines.push(format!(
                "Certificate valid from {} to {}; {outside} token(s) issued outside it.",
                on(c.from),
                on(c.to)
            ));
        }
        for w in &self.windows {
            let bound = |t: Option<i64>, side: &str| {
                t.map_or_else(|| format!("{side} the archive's bounds"), day)
            };
            lines.push(format!(
                "Published at {}: seen from {} to {}; not shown absent between {} and {}.",
                w.endpoint,
                on(w.seen.from),
                on(w.seen.to),
                bound(w.possible.from, "before"),
                bound(w.possible.to, "after"),
            ));
        }
        let unpublished = self.tokens.iter().filter(|t| t.outside_publication).count();
        if !self.windows.is_empty() {
            lines.push(format!(
                "{unpublished} token(s) issued outside the publication window (key-not-published-at-issue)."
            ));
        }
        lines
    }
}

fn day(t: i64) -> String {
    time::format_utc(t).chars().take(10).collect()
}

/// Text for XML content and attribute values, with disguising characters (bidi controls,
/// zero-width characters: a kid is the token's choice) shown as `<U+XXXX>`.
fn escape(text: &str) -> String {
    crate::render::esc(text)
}

/// SVG geometry: a label gutter, then the plot; one row per bar, one for the tokens.
const GUTTER: f64 = 150.0;
const PLOT: f64 = 470.0;
const ROW: f64 = 22.0;

impl KeyTimeline {
    /// The timeline as an HTML figure: a caption naming the key, [`KeyTimeline::svg`], and the
    /// text alternative ([`KeyTimeline::describe`]) as a list; every text escaped.
    pub fn figure(&self, id: &str) -> String {
        let name = self.kid.as_deref().unwrap_or(&self.key_id);
        let items: String = self
            .describe()
            .iter()
            .map(|l| format!("<li>{}</li>", escape(l)))
            .collect();
        format!(
            r#"<figure class="timeline" data-key="{key}"><figcaption>Key <code>{name}</code>{from}</figcaption>{svg}<ul class="tl-text">{items}</ul></figure>"#,
            key = escape(&self.key_id),
            name = escape(name),
            from = if self.from_catalogue {
                " (from Keyhole's catalogue)"
            } else {
                ""
            },
            svg = self.svg(id),
        )
    }

    /// The picture as an SVG element (classes `tl-*` for the page's stylesheet to colour in
    /// either theme; every text escaped), titled by `id`: the certificate's validity, each
    /// publication (dashed: not shown absent; solid: seen), and one mark per token's iat (at
    /// most one per plot column and verdict, so 100,000 tokens stay a few hundred marks),
    /// ringed when outside the certificate or the publication window.
    pub fn svg(&self, id: &str) -> String {
        use std::fmt::Write as _;
        let mut body = String::new();
        let mut row = 0.0;
        let bar = |body: &mut String, span: Span, row: f64, class: &str| {
            let x0 = span.from.map_or(0.0, |t| self.x(t));
            let x1 = span.to.map_or(1.0, |t| self.x(t));
            let _ = write!(
                body,
                r#"<rect class="{class}" x="{:.1}" y="{:.1}" width="{:.1}" height="10"/>"#,
                GUTTER + x0 * PLOT,
                row * ROW + 6.0,
                ((x1 - x0) * PLOT).max(2.0)
            );
        };
        let label = |body: &mut String, text: &str, row: f64| {
            let _ = write!(
                body,
                r#"<text class="tl-label" x="4" y="{:.1}">{}</text>"#,
                row * ROW + 15.0,
                escape(text)
            );
        };
        if let Some(c) = self.certificate {
            label(&mut body, "certificate", row);
            bar(&mut body, c, row, "tl-cert");
            row += 1.0;
        }
        for w in &self.windows {
            let host = w.endpoint.split('/').nth(2).unwrap_or(&w.endpoint);
            label(&mut body, &format!("published: {host}"), row);
            bar(&mut body, w.possible, row, "tl-possible");
            if w.seen.from.is_some() {
                bar(&mut body, w.seen, row, "tl-seen");
            }
            row += 1.0;
        }
        label(&mut body, "tokens (iat)", row);
        let mut drawn = std::collections::HashSet::new();
        for s in &self.tokens {
            let x = (self.x(s.iat) * PLOT).round();
            let outside = s.outside_certificate || s.outside_publication;
            #[allow(clippy::cast_possible_truncation)]
            if !drawn.insert((x as i64, s.verdict, outside)) {
                continue;
            }
            let _ = write!(
                body,
                r#"<circle class="tl-token tl-{}{}" cx="{:.1}" cy="{:.1}" r="4"/>"#,
                crate::render::verdict_word(s.verdict),
                if outside { " tl-outside" } else { "" },
                GUTTER + x,
                row * ROW + 11.0
            );
        }
        row += 1.0;
        let axis = row * ROW + 2.0;
        let (from, to) = (self.axis.from.unwrap_or(0), self.axis.to.unwrap_or(0));
        let name = self.kid.as_deref().unwrap_or(&self.key_id);
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="tl-svg" viewBox="0 0 {w:.0} {h:.0}" role="img" aria-labelledby="{id}" data-tokens="{n}"><title id="{id}">Timeline of key {name}</title>{body}<line class="tl-axis" x1="{GUTTER}" x2="{end}" y1="{axis:.1}" y2="{axis:.1}"/><text class="tl-label" x="{GUTTER}" y="{ty:.1}">{from}</text><text class="tl-label tl-end" x="{end}" y="{ty:.1}">{to}</text></svg>"#,
            w = GUTTER + PLOT + 10.0,
            h = axis + 18.0,
            id = escape(id),
            n = self.tokens.len(),
            name = escape(name),
            end = GUTTER + PLOT,
            ty = axis + 14.0,
            from = day(from),
            to = day(to),
        )
    }
}

/// The catalogue key behind a report's key: the one it was taken from (its set follows the
/// supplied ones), or for a supplied key, the single catalogue key with its kid when that kid
/// is distinctive (short kids are reused by unrelated issuers) and no token names a mismatch.
fn catalogue_key<'c>(
    report: &Report,
    catalogue: &'c Catalogue,
    key: &SigningKeyReport,
    mismatch: bool,
) -> Option<&'c CatalogueKey> {
    if key.provenance.catalogue.is_some() {
        let set: usize = key.key_id.split_once('/')?.0.parse().ok()?;
        return catalogue.keys.get(set.checked_sub(report.key_sets.len())?);
    }
    let kid = key.kid.as_deref()?;
    if mismatch || kid.chars().count() < super::rules::DISTINCTIVE_KID_LEN {
        return None;
    }
    match catalogue.by_kid(kid).as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

/// Margin added on each side of a timeline's axis, as a share of its span.
const MARGIN: f64 = 0.04;

/// A timeline for every key that verified at least one token of `report`, in the order keys
/// first verified a token; publication windows come from `catalogue` when it holds the key.
pub fn timelines(report: &Report, catalogue: Option<&Catalogue>) -> Vec<KeyTimeline> {
    let mut out: Vec<KeyTimeline> = Vec::new();
    let mut mismatch: Vec<bool> = Vec::new();
    for t in &report.tokens {
        let Some(key) = t.signing_key.as_ref().filter(|k| k.verified) else {
            continue;
        };
        let slot = match out.iter().position(|k| k.key_id == key.key_id) {
            Some(i) => i,
            None => {
                out.push(KeyTimeline {
                    key_id: key.key_id.clone(),
                    kid: key.kid.clone(),
                    source: key.provenance.source.clone(),
                    from_catalogue: key.provenance.catalogue.is_some(),
                    certificate: key.provenance.certificate.as_ref().map(|c| Span {
                        from: Some(c.not_before),
                        to: Some(c.not_after),
                    }),
                    windows: Vec::new(),
                    tokens: Vec::new(),
                    without_iat: 0,
                    axis: Span {
                        from: None,
                        to: None,
                    },
                });
                mismatch.push(false);
                out.len() - 1
            }
        };
        let codes = |code: &str| t.findings.iter().any(|f| f.code == code);
        if let Some(m) = mismatch.get_mut(slot) {
            *m |= codes(CATALOGUE_KEY_MISMATCH.code);
        }
        let Some(line) = out.get_mut(slot) else {
            continue;
        };
        #[allow(clippy::cast_possible_truncation)]
        let iat = t
            .claims
            .get("iat")
            .and_then(Value::as_f64)
            .filter(|v| v.is_finite())
            .map(|v| v.floor() as i64);
        let Some(iat) = iat else {
            line.without_iat += 1;
            continue;
        };
        let outside_certificate = line
            .certificate
            .is_some_and(|c| c.from.is_some_and(|f| iat < f) || c.to.is_some_and(|e| iat > e));
        line.tokens.push(Signed {
            index: t.index,
            iat,
            verdict: t.verdict,
            outside_certificate,
            outside_publication: codes(KEY_NOT_PUBLISHED_AT_ISSUE.code),
        });
    }
    for (line, mismatch) in out.iter_mut().zip(mismatch) {
        line.tokens.sort_by_key(|s| (s.iat, s.index));
        let key = report
            .tokens
            .iter()
            .filter_map(|t| t.signing_key.as_ref())
            .find(|k| k.key_id == line.key_id);
        if let Some(ck) = catalogue
            .zip(key)
            .and_then(|(c, k)| catalogue_key(report, c, k, mismatch))
        {
            line.windows = ck
                .publications
                .iter()
                .map(|p| Window {
                    endpoint: p.endpoint.clone(),
                    seen: Span {
                        from: p.first_seen.map(|t| t.0),
                        to: p.last_seen.map(|t| t.0),
                    },
                    possible: Span {
                        from: p.absent_before.map(|t| t.0),
                        to: p.absent_after.map(|t| t.0),
                    },
                })
                .collect();
        }
        let mut times: Vec<i64> = line.tokens.iter().map(|s| s.iat).collect();
        let spans = line
            .certificate
            .into_iter()
            .chain(line.windows.iter().flat_map(|w| [w.seen, w.possible]));
        for s in spans {
            times.extend(s.from);
            times.extend(s.to);
        }
        if let (Some(&a), Some(&b)) = (times.iter().min(), times.iter().max()) {
            #[allow(clippy::cast_possible_truncation)]
            let pad = (((b - a) as f64 * MARGIN) as i64).max(86_400);
            line.axis = Span {
                from: Some(a - pad),
                to: Some(b + pad),
            };
        }
    }
    out
}
