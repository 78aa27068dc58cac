//! Counts per verdict. `#summary` carries data attributes for automated tests, set only when
//! the report describes the current inputs.

use keyhole_engine::Report;
use yew::prelude::*;

use crate::state::Progress;

#[derive(Properties)]
pub struct SummaryProps {
    pub report: Option<std::rc::Rc<Report>>,
    pub current: bool,
    pub progress: Progress,
    pub verifier: AttrValue,
}

/// The report by pointer (see `TokenListProps`), the rest by value.
impl PartialEq for SummaryProps {
    fn eq(&self, other: &Self) -> bool {
        super::same_report(&self.report, &other.report)
            && self.current == other.current
            && self.progress == other.progress
            && self.verifier == other.verifier
    }
}

#[function_component(Summary)]
pub fn summary(p: &SummaryProps) -> Html {
    let Some(r) = p.report.as_ref() else {
        return html! {
            <section id="summary" class="summary" aria-live="polite" aria-busy="true">
                <p class="hint">{ "Analysing…" }</p>
            </section>
        };
    };
    let s = &r.summary;
    let status = match (&p.progress, p.current) {
        (Progress::Running { done, total }, _) => format!("Analysing… {done} of {total} tokens"),
        (_, false) => "Updating…".to_owned(),
        _ => format!(
            "Analysed as of {} UTC · signatures checked by {}",
            keyhole_engine::time::format_utc(r.now)
                .trim_end_matches('Z')
                .replace('T', " "),
            p.verifier
        ),
    };
    let cell = |class: &'static str, icon: &'static str, label: &'static str, n: usize| {
        html! {
            <div class={classes!("count", class)}>
                <span class="count-icon" aria-hidden="true">{ icon }</span>
                <span class="count-n">{ n }</span>
                <span class="count-label">{ label }</span>
            </div>
        }
    };
    let attr = |n: usize| p.current.then(|| AttrValue::from(n.to_string()));
    html! {
        <section id="summary" class="summary" aria-live="polite" aria-busy={(!p.current).to_string()}
            data-total={attr(s.tokens)} data-permitted={attr(s.permitted)}
            data-violation={attr(s.violation)} data-invalid={attr(s.invalid)}
            data-unverified={attr(s.unverified)}
            data-malformed={attr(s.malformed)}>
            <h2 class="visually-hidden">{ "Summary" }</h2>
            <div class="counts">
                { cell("total", "#", "tokens", s.tokens) }
                { cell("verdict-violation", "✖", "violation", s.violation) }
                { cell("verdict-invalid", "⊘", "invalid", s.invalid) }
                { cell("verdict-unverified", "?", "unverified", s.unverified) }
                { cell("verdict-permitted", "✔", "permitted", s.permitted) }
                { cell("verdict-malformed", "⚠", "malformed", s.malformed) }
            </div>
            <p class="status">{ status }</p>
            if !r.notes.is_empty() {
                <ul class="notes">{ for r.notes.iter().map(|n| html!{ <li>{ &n.message }</li> }) }</ul>
            }
        </section>
    }
}
