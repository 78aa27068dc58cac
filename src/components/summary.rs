//! Counts per verdict, each a toggle that shows only tokens of the verdicts pressed (none
//! pressed shows all). `#summary` carries data attributes for automated tests, set only when
//! the report describes the current inputs.

use keyhole_engine::report::Verdict;
use keyhole_engine::triage::VerdictSet;
use keyhole_engine::Report;
use yew::prelude::*;

use crate::state::{Action, Progress};

#[derive(Properties)]
pub struct SummaryProps {
    pub report: Option<std::rc::Rc<Report>>,
    pub current: bool,
    pub progress: Progress,
    pub verifier: AttrValue,
    /// The verdicts the token list shows.
    pub verdicts: VerdictSet,
    pub on_action: Callback<Action>,
}

/// The report by pointer (see `TokenListProps`), the rest by value.
impl PartialEq for SummaryProps {
    fn eq(&self, other: &Self) -> bool {
        super::same_report(&self.report, &other.report)
            && self.current == other.current
            && self.progress == other.progress
            && self.verifier == other.verifier
            && self.verdicts == other.verdicts
            && self.on_action == other.on_action
    }
}

/// The summary. A plain function rather than a component (the page re-renders it with the
/// app, which costs little): each component type costs the page's start module about 4 KB of
/// Yew's generic code. The props stay `Properties` so that tests can mount it.
pub fn summary(p: &SummaryProps) -> Html {
    let Some(r) = p.report.as_ref() else {
        return html! {
            <section id="summary" class="summary" tabindex="-1" aria-live="polite" aria-busy="true">
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
    let on = &p.on_action;
    let cell = |verdict: Option<Verdict>, icon: &'static str, label: &'static str, n: usize| {
        let (class, pressed) = match verdict {
            Some(v) => (format!("verdict-{label}"), p.verdicts.contains(v)),
            None => ("total".to_owned(), p.verdicts.is_all()),
        };
        // Built in the handler from the (Copy) verdict: cloning an `Action` would bring
        // `CaseFile`'s deep clone into the page.
        let onclick = on.reform(move |_| match verdict {
            Some(v) => Action::ToggleVerdict(v),
            None => Action::ShowAllVerdicts,
        });
        html! {
            <button type="button" class={classes!("count", class)} data-filter={label}
                aria-pressed={pressed.to_string()} {onclick}>
                <span class="count-icon" aria-hidden="true">{ icon }</span>
                <span class="count-n">{ n }</span>
                <span class="count-label">{ label }</span>
            </button>
        }
    };
    let attr = |n: usize| p.current.then(|| AttrValue::from(n.to_string()));
    html! {
        <section id="summary" class="summary" tabindex="-1" aria-live="polite" aria-busy={(!p.current).to_string()}
            data-total={attr(s.tokens)} data-permitted={attr(s.permitted)}
            data-violation={attr(s.violation)} data-invalid={attr(s.invalid)}
            data-unverified={attr(s.unverified)}
            data-malformed={attr(s.malformed)}>
            <h2 class="visually-hidden">{ "Summary" }</h2>
            <div class="counts" role="group" aria-label="Show tokens by verdict (press several to combine)">
                { cell(None, "#", "tokens", s.tokens) }
                { cell(Some(Verdict::Violation), "✖", "violation", s.violation) }
                { cell(Some(Verdict::Invalid), "⊘", "invalid", s.invalid) }
                { cell(Some(Verdict::Unverified), "?", "unverified", s.unverified) }
                { cell(Some(Verdict::Permitted), "✔", "permitted", s.permitted) }
                { cell(Some(Verdict::Malformed), "⚠", "malformed", s.malformed) }
            </div>
            <p class="status">{ status }</p>
            if !r.notes.is_empty() {
                <ul class="notes">{ for r.notes.iter().map(|n| html!{ <li>{ &n.message }</li> }) }</ul>
            }
        </section>
    }
}
