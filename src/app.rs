//! The application shell: the workspace reducer, debounced analysis (on the main thread in
//! slices; a large pasted text is searched for tokens by the extraction worker first), file
//! drops anywhere, and the layout.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use gloo::file::File;
use gloo::timers::callback::Timeout;
use gloo::worker::{Spawnable, WorkerBridge};
use keyhole_engine::{AnalyzeOptions, CaseFile, Report};
use yew::prelude::*;

use crate::adapters::analysis::{self, Found};
use crate::adapters::files::{classify, read, Dropped};
use crate::adapters::tasks;
use crate::adapters::worker::{self, ExtractionWorker, Reply};
use crate::adapters::{clock, download};
use crate::components::case_bar::CaseBar;
use crate::components::export_bar::ExportBar;
use crate::components::key_matrix::KeyMatrix;
use crate::components::key_sets_pane::KeySetsPane;
use crate::components::known_keys::KnownKeys;
use crate::components::public_search::PublicSearch;
use crate::components::summary::{summary, SummaryProps};
use crate::components::timeline::Timelines;
use crate::components::token_list::TokenList;
use crate::components::tokens_pane::TokensPane;
use crate::state::{refuse_file, Action, Workspace};

/// Debounce between the last keystroke and the analysis. The first change after a quiet
/// period (a paste, a sample, an opened file) is analysed at once; only changes that follow it
/// within this time (typing) wait.
const DEBOUNCE_MS: u32 = 150;

/// The delay before analysing a change made now, given when the previous change was made.
fn debounce_delay(now_ms: f64, previous_change_ms: f64) -> u32 {
    if now_ms - previous_change_ms > f64::from(DEBOUNCE_MS) {
        0
    } else {
        DEBOUNCE_MS
    }
}

/// Pasted text longer than this is searched for tokens by the extraction worker (when one can
/// run): one pass over a 10 MB log takes the wasm ≈0.5 s, which cannot be sliced.
const LARGE_TEXT_BYTES: usize = 64 * 1024;

/// Starts analysing `case` (its text already searched when `found` is given) for `revision`;
/// the result is dropped if the analyst changes the case meanwhile (`latest` moves on).
fn start_analysis(
    revision: u64,
    case: CaseFile,
    public_secrets: Rc<Vec<String>>,
    found: Option<Found>,
    dispatcher: UseReducerDispatcher<Workspace>,
    verifier: UseStateHandle<AttrValue>,
    latest: Rc<Cell<u64>>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let options = AnalyzeOptions {
            public_secrets: &public_secrets,
            ..AnalyzeOptions::at(clock::now())
        };
        let d = dispatcher.clone();
        // Small cases finish in one slice: no progress to show, no extra render.
        let mut progress = |done: usize, total: usize| {
            if total > 500 {
                d.dispatch(Action::Progress {
                    revision,
                    done,
                    total,
                });
            }
        };
        let cancelled = || latest.get() != revision;
        if let Some((report, name)) =
            analysis::run(case, found, &options, &mut progress, &cancelled).await
        {
            // The report's first render is a task of its own, apart from summing it up.
            tasks::yield_now().await;
            if cancelled() {
                return;
            }
            verifier.set(name.into());
            dispatcher.dispatch(Action::Analysed {
                revision,
                report: Rc::new(report),
            });
        }
    });
}

/// A case waiting for the extraction worker: its revision, the case without its text (with the
/// public-list secrets to analyse it with), and the tokens found so far.
type Waiting = Option<(u64, (CaseFile, Rc<Vec<String>>), Found)>;

/// Keyhole's root component.
#[function_component(App)]
pub fn app() -> Html {
    let ws = use_reducer(Workspace::default);
    let bridge: Rc<RefCell<Option<WorkerBridge<ExtractionWorker>>>> = use_mut_ref(|| None);
    let readers: Rc<RefCell<Vec<FileReader>>> = use_mut_ref(Vec::new);
    let waiting: Rc<RefCell<Waiting>> = use_mut_ref(|| None);
    // The revision being analysed: an analysis of an older one stops at its next slice.
    let latest: Rc<Cell<u64>> = use_mut_ref(|| Rc::new(Cell::new(0))).borrow().clone();
    let verifier = use_state(|| AttrValue::from("jsonwebtoken (pure Rust)"));
    // When the analyst last changed the case (None until the start-up run has happened).
    let last_change = use_mut_ref(|| None::<f64>);

    // Debounced analysis of the current revision.
    {
        let ws = ws.clone();
        let bridge = bridge.clone();
        let verifier = verifier.clone();
        let waiting = waiting.clone();
        let latest = latest.clone();
        let last_change = last_change.clone();
        use_effect_with(ws.revision, move |_| {
            let now_ms = js_sys::Date::now();
            // The first run is the empty workspace at start-up, not a change by the analyst.
            let previous = match last_change.replace(Some(now_ms)) {
                None => {
                    *last_change.borrow_mut() = Some(f64::NEG_INFINITY);
                    f64::NEG_INFINITY
                }
                Some(t) => t,
            };
            let delay = debounce_delay(now_ms, previous);
            let dispatcher = ws.dispatcher();
            let revision = ws.revision;
            // The case is built when the timer fires: a keystroke costs no JSON parsing.
            let ws = ws.clone();
            let timer = Timeout::new(delay, move || {
                latest.set(revision);
                let mut case = ws.to_case(clock::now());
                let large = case
                    .text
                    .as_ref()
                    .is_some_and(|t| t.len() > LARGE_TEXT_BYTES);
                if !(large && worker::available()) {
                    waiting.borrow_mut().take();
                    let public = ws.public_secrets.clone();
                    start_analysis(revision, case, public, None, dispatcher, verifier, latest);
                    return;
                }
                let text = case.text.take().unwrap_or_default();
                let public = ws.public_secrets.clone();
                *waiting.borrow_mut() = Some((revision, (case, public), Found::default()));
                let mut slot = bridge.borrow_mut();
                let b = slot.get_or_insert_with(|| {
                    let (d, v, w, l) = (dispatcher.clone(), verifier, waiting.clone(), latest);
                    ExtractionWorker::spawner()
                        .callback(move |reply: String| {
                            let Reply {
                                revision,
                                inputs,
                                notes,
                                done,
                            } = match serde_json::from_str::<Reply>(&reply) {
                                Ok(r) => r,
                                Err(e) => {
                                    d.dispatch(Action::Notice(Some(format!(
                                        "the extraction worker's reply is unreadable: {e}"
                                    ))));
                                    return;
                                }
                            };
                            let mut slot = w.borrow_mut();
                            let Some((r, _, found)) = slot.as_mut() else {
                                return;
                            };
                            if *r != revision {
                                return;
                            }
                            found.inputs.extend(inputs);
                            found.notes.extend(notes);
                            if done {
                                if let Some((revision, (case, public), found)) = slot.take() {
                                    start_analysis(
                                        revision,
                                        case,
                                        public,
                                        Some(found),
                                        d.clone(),
                                        v.clone(),
                                        l.clone(),
                                    );
                                }
                            }
                        })
                        .spawn_with_loader("./worker.js")
                });
                dispatcher.dispatch(Action::Progress {
                    revision,
                    done: 0,
                    total: 0,
                });
                b.send(worker::Input { revision, text });
            });
            move || drop(timer)
        });
    }

    // One callback for the page's lifetime (the dispatcher never changes): a new one on every
    // render would re-render the input panes on every worker message, and Yew re-reads a
    // textarea's whole value (10 MB of pasted log) each time it re-renders one.
    let on_action = use_callback(ws.dispatcher(), |a: Action, d| d.dispatch(a));

    let on_files = {
        let ws = ws.clone();
        let readers = readers.clone();
        Callback::from(move |files: Vec<File>| {
            let mut held = readers.borrow_mut();
            held.retain(|_| false);
            for file in files {
                let d = ws.dispatcher();
                held.push(read(file, move |result| {
                    let action = match result.and_then(|(name, text)| {
                        match refuse_file(&name, &text) {
                            Some(why) => Err(why),
                            None => classify(&name, text).map(|k| (name, k)),
                        }
                    }) {
                        Ok((_, Dropped::Case(case))) => Action::LoadCase(case),
                        Ok((name, Dropped::Keys(doc))) => {
                            d.dispatch(Action::Notice(Some(format!("Added key set from {name}"))));
                            Action::AddKeySet {
                                source: String::new(),
                                document: doc,
                            }
                        }
                        Ok((name, Dropped::Text(text))) => {
                            d.dispatch(Action::Notice(Some(format!(
                                "Searching {name} for tokens"
                            ))));
                            Action::SetText(text)
                        }
                        Err(e) => Action::Notice(Some(e)),
                    };
                    d.dispatch(action);
                }));
            }
        })
    };

    let on_save = {
        let ws = ws.clone();
        Callback::from(move |fingerprinted: bool| {
            let mut case = ws.to_saved_case();
            let mut name = "keyhole-case.json";
            if fingerprinted {
                case = case.fingerprinted();
                name = "keyhole-case-fingerprints.json";
            }
            let result = serde_json::to_string_pretty(&case)
                .map_err(|e| e.to_string())
                .and_then(|json| download::save_text(name, "application/json", &json));
            if let Err(e) = result {
                ws.dispatch(Action::Notice(Some(format!("Saving failed: {e}"))));
            }
        })
    };

    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let on_files = on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
                on_files.emit(
                    (0..list.length())
                        .filter_map(|i| list.get(i))
                        .map(File::from)
                        .collect(),
                );
            }
        })
    };

    let report: Option<Rc<Report>> = ws.report.clone();
    html! {
        <div class="app" {ondragover} {ondrop}>
            <a class="skip-link" href="#summary">{ "Skip to results" }</a>
            <header class="masthead">
                <h1>{ "Keyhole" }</h1>
                <p class="tagline">{ "Was this token's signing key allowed to sign for the tenant and cloud it claims? Everything stays in this browser tab." }</p>
            </header>
            <main>
                <CaseBar as_of={ws.as_of} on_action={on_action.clone()} on_files={on_files} on_save={on_save}
                    judge_at_token={ws.judge_at_token} live_tokens={ws.report.as_ref().map_or(ws.case_tokens.len(), |r| r.summary.tokens)} />
                if let Some(n) = &ws.notice {
                    <p class="notice" role="status">{ n.clone() }
                        <button type="button" class="dismiss" aria-label="Dismiss" onclick={on_action.reform(|_| Action::Notice(None))}>{ "×" }</button>
                    </p>
                }
                <div class="inputs">
                    <TokensPane text={ws.text.clone()} epoch={ws.text_epoch} case_tokens={ws.case_tokens.len()}
                        is_keys={ws.text_is_keys} on_action={on_action.clone()} />
                    <KeySetsPane key_sets={ws.key_sets.clone()} report={ws.report.clone().filter(|_| ws.is_current())} secret={AttrValue::from(ws.hmac_secret.clone())}
                        secret_base64={ws.hmac_base64}
                        secret_issuer={AttrValue::from(ws.hmac_issuer.clone())}
                        weak_secrets={AttrValue::from(ws.weak_secrets.clone())} more_secrets={ws.more_hmac_secrets.len()}
                        on_action={on_action.clone()} />
                </div>
                { summary(&SummaryProps { report: report.clone(), current: ws.is_current(), progress: ws.progress.clone(),
                    verifier: (*verifier).clone(), verdicts: ws.triage.verdicts, on_action: on_action.clone() }) }
                <ExportBar report={report.clone()} on_error={on_action.reform(|m| Action::Notice(Some(m)))} />
                if let Some(r) = report.clone().filter(|_| ws.is_current()) {
                    <PublicSearch report={r} searched={ws.publicly_searched.clone()}
                        running={ws.public_search} on_action={on_action.clone()} />
                }
                <KnownKeys report={report.clone()} loaded={crate::adapters::catalogue::for_page().is_some()}
                    consulted={ws.catalogue != Some(false)} on_action={on_action.clone()} />
                if let Some(r) = report {
                    <TokenList report={r.clone()} triage={ws.triage.clone()} on_action={on_action.clone()} />
                    <KeyMatrix report={r.clone()} />
                    <Timelines report={r} loaded={crate::adapters::catalogue::for_page().is_some()} />
                }
            </main>
            <footer class="footer">
                <p>{ "Keyhole runs entirely in this page: no network requests, no storage. Samples use synthetic keys." }</p>
            </footer>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_after_a_quiet_period_is_analysed_at_once_and_typing_waits() {
        assert_eq!(debounce_delay(10_000.0, f64::NEG_INFINITY), 0);
        assert_eq!(debounce_delay(10_000.0, 9_000.0), 0);
        assert_eq!(debounce_delay(10_000.0, 9_900.0), DEBOUNCE_MS);
        assert_eq!(debounce_delay(10_000.0, 10_000.0), DEBOUNCE_MS);
    }
}
