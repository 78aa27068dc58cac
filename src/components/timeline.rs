//! The per-key timeline: for each key that verified tokens, when it signed (each token's iat)
//! against its certificate's validity and the window its endpoint was seen publishing it. The
//! engine computes and draws it (`catalogue::timelines`, `KeyTimeline::svg`: every text in it
//! escaped) and writes its text alternative; this places them, coloured by the stylesheet.

use std::rc::Rc;

use keyhole_engine::catalogue;
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

/// Keys drawn.
const MAX_KEYS: usize = 12;

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
    // One raw node built by the engine (every text in it escaped): far less page code than
    // a Yew node per element.
    let mut figures: String = LEGEND.to_owned();
    figures += &lines
        .iter()
        .take(MAX_KEYS)
        .enumerate()
        .map(|(n, line)| line.figure(&format!("timeline-title-{n}")))
        .collect::<String>();
    if lines.len() > MAX_KEYS {
        figures.push_str(&format!(
            "<p>{} more key(s) verified tokens; the key matrix lists them.</p>",
            lines.len() - MAX_KEYS
        ));
    }
    html! {
        <section id="timelines" class="timelines" aria-labelledby="timelines-title">
            <h2 id="timelines-title">{ "When each key signed" }</h2>
            { Html::from_html_unchecked(figures.into()) }
        </section>
    }
}

/// The legend: swatches of the stylesheet's `tl-*` colours, each with its meaning in words.
const LEGEND: &str = concat!(
    r#"<p class="tl-legend"><span class="tl-key tl-key-cert">certificate validity</span>"#,
    r#"<span class="tl-key tl-key-seen">seen published</span>"#,
    r#"<span class="tl-key tl-key-possible">not shown absent</span>"#,
    r#"<span class="tl-key tl-key-token">a token's iat, by verdict (ringed in the text colour: outside the certificate or publication)</span></p>"#,
);
