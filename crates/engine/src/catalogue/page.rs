//! What the page shows of the catalogue and of the per-key timelines, rendered by the on-demand
//! document module (`crates/documents`) instead of the page's start module: the Known keys view
//! once the catalogue is loaded (its status, the lookup with each key's history, the form that
//! adds an endpoint's keys as of a date), that key set itself, and the page's timelines section. The HTML is built here with every text escaped, as the exports are.

use serde::{Deserialize, Serialize};

use super::{timelines, Catalogue, Certainty, Identifier};
use crate::render::esc;
use crate::report::Report;
use crate::time::{format_utc, parse_utc};

/// Keys shown for one lookup.
const MAX_MATCHES: usize = 20;

/// Keys drawn in the page's timelines section (the key matrix lists every key).
pub const MAX_TIMELINES: usize = 12;

/// What a Known keys lookup found, for the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lookup {
    /// Keys found (at most [`MAX_MATCHES`] are shown).
    pub count: usize,
    /// Each key's history as an `article.known-key`, every text escaped.
    pub html: String,
    /// The endpoint the first key found was last published at: the page's default for
    /// "add as key set".
    pub endpoint: Option<String>,
}

fn identifier(i: &Identifier) -> &'static str {
    match i {
        Identifier::Kid => "kid",
        Identifier::X5t => "x5t",
        Identifier::X5tS256 => "x5t#S256",
        Identifier::Sha1Hex => "SHA-1",
        Identifier::Sha256Hex => "SHA-256",
    }
}

/// The keys `query` (a kid, x5t, x5t#S256 or certificate thumbprint in hex) names, each with its
/// history ([`super::CatalogueKey::history`]).
pub fn lookup(catalogue: &Catalogue, query: &str) -> Lookup {
    if query.trim().is_empty() {
        return Lookup {
            count: 0,
            html: String::new(),
            endpoint: None,
        };
    }
    let matches = catalogue.lookup(query);
    let mut html = String::new();
    for m in matches.iter().take(MAX_MATCHES) {
        let on: Vec<&str> = m.matched_on.iter().map(identifier).collect();
        let kid = esc(&m.key.kid);
        html.push_str(&format!(
            r#"<article class="known-key" data-kid="{kid}"><h3>kid <code>{kid}</code> (matched on {})</h3><dl class="known-key-facts">"#,
            esc(&on.join(", "))
        ));
        for (label, text) in m.key.history(catalogue) {
            html.push_str(&format!("<dt>{}</dt><dd>{}</dd>", esc(label), esc(&text)));
        }
        html.push_str("</dl></article>");
    }
    Lookup {
        count: matches.len(),
        endpoint: matches
            .first()
            .and_then(|m| m.key.publications.last())
            .map(|p| p.endpoint.clone()),
        html,
    }
}

/// What the page's Known keys view shows, as the page's state has it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ViewRequest {
    /// The case consults the catalogue (it does not say `"catalogue": false`).
    pub consulted: bool,
    /// Verdicts of the current report that rest on the catalogue.
    pub resting: usize,
    /// The kid or thumbprint looked up.
    pub query: String,
    /// The endpoint chosen for "add as key set"; empty: the looked-up key's, else the first.
    pub endpoint: String,
    /// The date chosen (`YYYY-MM-DD`); empty: the day of the latest snapshot.
    pub date: String,
}

/// The Known keys view in three parts around the page's own controls (the switch and the
/// lookup field stay the page's, so typing never loses focus), every text escaped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// `p#catalogue-status`: what is loaded and how many verdicts rest on it.
    pub status: String,
    /// The lookup's answer: `p#known-keys-count` and each key's history; empty with no query.
    pub found: String,
    /// The form adding an endpoint's keys as of a date (`#catalogue-endpoint`, `#catalogue-date`,
    /// `#catalogue-add`).
    pub add: String,
}

/// The Known keys view for `request`.
pub fn view(catalogue: &Catalogue, request: &ViewRequest) -> View {
    let keys = catalogue.keys.len();
    let resting = request.resting;
    let status = format!(
        r#"<p id="catalogue-status" role="status" data-keys="{keys}" data-resting="{resting}">Keyhole's catalogue of published keys is loaded: {keys} keys from {} endpoints, keys published up to {}. {}</p>"#,
        catalogue.endpoints.len(),
        esc(&catalogue.published_up_to()),
        if !request.consulted {
            "This case turns it off (&quot;catalogue&quot;: false).".to_owned()
        } else if resting > 0 {
            format!("{resting} verdict(s) rest on it rather than on a key set you supplied.")
        } else {
            "No verdict rests on it.".to_owned()
        }
    );
    let found = lookup(catalogue, &request.query);
    let chosen = Some(request.endpoint.as_str())
        .filter(|e| !e.is_empty())
        .or(found.endpoint.as_deref())
        .or_else(|| catalogue.endpoints.first().map(|e| e.url.as_str()))
        .unwrap_or_default();
    let date = if request.date.is_empty() {
        format_utc(catalogue.latest_snapshot.0)
            .get(..10)
            .unwrap_or_default()
            .to_owned()
    } else {
        request.date.clone()
    };
    let mut add = String::from(
        r#"<div class="known-keys-add"><label for="catalogue-endpoint">Add an endpoint's keys as a key set, as of a date</label><select id="catalogue-endpoint">"#,
    );
    for e in &catalogue.endpoints {
        let url = esc(&e.url);
        let selected = if e.url == chosen { " selected" } else { "" };
        add.push_str(&format!(
            r#"<option value="{url}"{selected}>{url}</option>"#
        ));
    }
    add.push_str(&format!(
        r#"</select><input id="catalogue-date" type="date" aria-label="As of (UTC date)" value="{}"><button type="button" id="catalogue-add">Add as key set</button></div>"#,
        esc(&date)
    ));
    View {
        status,
        found: if request.query.trim().is_empty() {
            String::new()
        } else {
            format!(
                r#"<p id="known-keys-count">{} key(s) found</p>{}"#,
                found.count, found.html
            )
        },
        add,
    }
}

/// An endpoint's keys as of a date, ready to become one of the page's key sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeySetAsOf {
    /// The endpoint's URL (the key set's source).
    pub source: String,
    /// The keys as a JWKS, pretty-printed.
    pub document: String,
    /// What was added, in a sentence for the analyst.
    pub notice: String,
}

/// The keys `endpoint` may have published on `date` (`YYYY-MM-DD`, UTC) as a key set
/// ([`Catalogue::as_of`]); an error the analyst can act on when the date is not a date or the
/// catalogue does not know the endpoint.
pub fn key_set_as_of(
    catalogue: &Catalogue,
    endpoint: &str,
    date: &str,
) -> Result<KeySetAsOf, String> {
    let at = parse_utc(date).ok_or_else(|| format!("{date} is not a date"))?;
    let as_of = catalogue
        .as_of(endpoint, at)
        .ok_or_else(|| format!("Keyhole's catalogue does not know the endpoint {endpoint}"))?;
    let seen = as_of
        .keys
        .iter()
        .filter(|k| k.certainty == Certainty::Seen)
        .count();
    let document = serde_json::to_string_pretty(&as_of.document())
        .map_err(|e| format!("the key set could not be written: {e}"))?;
    Ok(KeySetAsOf {
        source: endpoint.to_owned(),
        document,
        notice: format!(
            "Added {} key(s) {endpoint} may have published on {date} ({seen} seen in snapshots on both sides of that date{}) as a key set",
            as_of.keys.len(),
            if as_of.within_archive {
                ""
            } else {
                "; the date lies outside the archives of that endpoint"
            }
        ),
    })
}

/// The legend of the page's timelines: swatches of the stylesheet's `tl-*` colours, each with
/// its meaning in words.
const LEGEND: &str = concat!(
    r#"<p class="tl-legend"><span class="tl-key tl-key-cert">certificate validity</span>"#,
    r#"<span class="tl-key tl-key-seen">seen published</span>"#,
    r#"<span class="tl-key tl-key-possible">not shown absent</span>"#,
    r#"<span class="tl-key tl-key-token">a token's iat, by verdict (ringed in the text colour: outside the certificate or publication)</span></p>"#,
);

/// The body of the page's "When each key signed" section: the legend and one figure per key
/// that verified tokens ([`super::KeyTimeline::figure`]), at most [`MAX_TIMELINES`].
pub fn timelines_section(report: &Report, catalogue: Option<&Catalogue>) -> String {
    let lines = timelines(report, catalogue);
    let mut out = LEGEND.to_owned();
    for (n, line) in lines.iter().take(MAX_TIMELINES).enumerate() {
        out.push_str(&line.figure(&format!("timeline-title-{n}")));
    }
    if lines.len() > MAX_TIMELINES {
        out.push_str(&format!(
            "<p>{} more key(s) verified tokens; the key matrix lists them.</p>",
            lines.len() - MAX_TIMELINES
        ));
    }
    out
}

/// How many keys the timelines section draws: the keys that verified a token (cheap, for the
/// page's start module, which shows the section's heading before the module draws it).
pub fn keys_with_timelines(report: &Report) -> usize {
    let mut keys: Vec<&str> = Vec::new();
    for t in &report.tokens {
        if let Some(k) = t.signing_key.as_ref().filter(|k| k.verified) {
            if !keys.contains(&k.key_id.as_str()) {
                keys.push(&k.key_id);
            }
        }
    }
    keys.len()
}
