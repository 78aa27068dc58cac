//! The per-key timeline: for each key that verified tokens, when it signed (each token's iat)
//! against its certificate's validity and the window its endpoint was seen publishing it. The
//! engine computes everything (`catalogue::timelines`: positions, which tokens fall outside,
//! the text alternative); this draws it as an inline SVG coloured from the theme's variables.

use std::rc::Rc;

use keyhole_engine::catalogue::{self, KeyTimeline, Span};
use keyhole_engine::time::format_utc;
use keyhole_engine::Report;
use yew::prelude::*;

#[derive(Properties)]
pub struct TimelinesProps {
    pub report: Rc<Report>,
    /// The catalogue is loaded (publication windows can be drawn).
    pub loaded: bool,
}

impl PartialEq for TimelinesProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.report, &o.report) && self.loaded == o.loaded
    }
}

/// Drawing area, in SVG units: a label gutter, then the plot.
const GUTTER: f64 = 150.0;
const PLOT: f64 = 470.0;
const ROW: f64 = 22.0;
/// Keys drawn; the text alternative lists the same ones.
const MAX_KEYS: usize = 12;

fn day(t: i64) -> String {
    format_utc(t).chars().take(10).collect()
}

/// A horizontal bar for `span` on row `row`, open ends reaching the plot's edge.
fn bar(line: &KeyTimeline, span: Span, row: f64, class: &'static str) -> Html {
    let x0 = span.from.map_or(0.0, |t| line.x(t));
    let x1 = span.to.map_or(1.0, |t| line.x(t));
    let (x, w) = (GUTTER + x0 * PLOT, ((x1 - x0) * PLOT).max(2.0));
    html! { <rect class={class} x={format!("{x:.1}")} y={format!("{:.1}", row * ROW + 6.0)} width={format!("{w:.1}")} height="10" /> }
}

fn label(text: String, row: f64) -> Html {
    html! { <text class="tl-label" x="4" y={format!("{:.1}", row * ROW + 15.0)}>{ text }</text> }
}

fn picture(line: &KeyTimeline, n: usize) -> Html {
    let mut rows = Vec::new();
    let mut row = 0.0;
    if let Some(c) = line.certificate {
        rows.push(label("certificate".into(), row));
        rows.push(bar(line, c, row, "tl-cert"));
        row += 1.0;
    }
    for w in &line.windows {
        let host = w
            .endpoint
            .split('/')
            .nth(2)
            .unwrap_or(&w.endpoint)
            .to_owned();
        rows.push(label(format!("published: {host}"), row));
        rows.push(bar(line, w.possible, row, "tl-possible"));
        if w.seen.from.is_some() {
            rows.push(bar(line, w.seen, row, "tl-seen"));
        }
        row += 1.0;
    }
    rows.push(label("tokens (iat)".into(), row));
    // One mark per pixel column and verdict: 100,000 tokens stay a few hundred elements.
    let mut drawn = std::collections::HashSet::new();
    for s in &line.tokens {
        let x = (line.x(s.iat) * PLOT).round();
        if !drawn.insert((
            x as i64,
            s.verdict as u8,
            s.outside_certificate || s.outside_publication,
        )) {
            continue;
        }
        let verdict = serde_json::to_value(s.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let outside = if s.outside_certificate || s.outside_publication {
            " tl-outside"
        } else {
            ""
        };
        rows.push(html! {
            <circle class={format!("tl-token tl-{verdict}{outside}")} cx={format!("{:.1}", GUTTER + x)}
                cy={format!("{:.1}", row * ROW + 11.0)} r="4" />
        });
    }
    row += 1.0;
    let (from, to) = (line.axis.from.unwrap_or(0), line.axis.to.unwrap_or(0));
    let height = row * ROW + 18.0;
    let axis_y = row * ROW + 2.0;
    let title_id = format!("timeline-title-{n}");
    html! {
        <svg class="tl-svg" viewBox={format!("0 0 {} {height:.0}", GUTTER + PLOT + 10.0)} role="img" aria-labelledby={title_id.clone()}
            data-tokens={line.tokens.len().to_string()}>
            <title id={title_id}>{ format!("Timeline of key {}", line.kid.clone().unwrap_or_else(|| line.key_id.clone())) }</title>
            { for rows }
            <line class="tl-axis" x1={GUTTER.to_string()} x2={(GUTTER + PLOT).to_string()} y1={format!("{axis_y:.1}")} y2={format!("{axis_y:.1}")} />
            <text class="tl-label" x={GUTTER.to_string()} y={format!("{:.1}", axis_y + 14.0)}>{ day(from) }</text>
            <text class="tl-label tl-end" x={(GUTTER + PLOT).to_string()} y={format!("{:.1}", axis_y + 14.0)}>{ day(to) }</text>
        </svg>
    }
}

#[function_component(Timelines)]
pub fn timelines(p: &TimelinesProps) -> Html {
    let lines = {
        let report = p.report.clone();
        let loaded = p.loaded;
        use_memo((Rc::as_ptr(&p.report) as usize, loaded), move |_| {
            let c = crate::adapters::catalogue::for_page().filter(|_| loaded);
            catalogue::timelines(&report, c)
        })
    };
    if lines.is_empty() {
        return html! {};
    }
    html! {
        <section id="timelines" class="timelines" aria-labelledby="timelines-title">
            <h2 id="timelines-title">{ "When each key signed" }</h2>
            <p class="tl-legend">
                <span class="tl-key tl-key-cert">{ "certificate validity" }</span>
                <span class="tl-key tl-key-seen">{ "seen published" }</span>
                <span class="tl-key tl-key-possible">{ "not shown absent" }</span>
                <span class="tl-key tl-key-token">{ "a token's iat (ringed: outside the certificate or publication)" }</span>
            </p>
            { for lines.iter().take(MAX_KEYS).enumerate().map(|(n, line)| html! {
                <figure class="timeline" data-key={line.key_id.clone()}>
                    <figcaption>
                        { "Key " }<code>{ line.kid.clone().unwrap_or_else(|| line.key_id.clone()) }</code>
                        { if line.from_catalogue { " (from Keyhole's catalogue)" } else { "" } }
                    </figcaption>
                    { picture(line, n) }
                    <ul class="tl-text">
                        { for line.describe().into_iter().map(|l| html! { <li>{ l }</li> }) }
                    </ul>
                </figure>
            }) }
            if lines.len() > MAX_KEYS {
                <p>{ format!("{} more key(s) verified tokens; the key matrix lists them.", lines.len() - MAX_KEYS) }</p>
            }
        </section>
    }
}
