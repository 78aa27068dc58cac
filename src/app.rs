//! The application shell: the workspace reducer, debounced analysis (on the main thread for
//! small cases, in the worker for large ones), file drops anywhere, and the layout.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use gloo::file::File;
use gloo::timers::callback::Timeout;
use gloo::worker::{Spawnable, WorkerBridge};
use keyhole_engine::{AnalyzeOptions, Report};
use yew::prelude::*;

use crate::adapters::files::{classify, read, Dropped};
use crate::adapters::worker::{self, AnalysisWorker, Reply, Request};
use crate::adapters::{clock, download, verification};
use crate::components::case_bar::CaseBar;
use crate::components::export_bar::ExportBar;
use crate::components::key_matrix::KeyMatrix;
use crate::components::key_sets_pane::KeySetsPane;
use crate::components::summary::Summary;
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

/// Cases bigger than this go to the worker (when one can run). Size counts every input the
/// engine parses — pasted text, case-file tokens and key documents — since a 10,000-key JWKS
/// beside three tokens costs the main thread as much as a long log.
fn is_large(ws: &Workspace) -> bool {
    ws.case_tokens.len() > 50 || ws.input_bytes() > 64 * 1024
}

/// Keyhole's root component.
#[function_component(App)]
pub fn app() -> Html {
    let ws = use_reducer(Workspace::default);
    let bridge: Rc<RefCell<Option<WorkerBridge<AnalysisWorker>>>> = use_mut_ref(|| None);
    let readers: Rc<RefCell<Vec<FileReader>>> = use_mut_ref(Vec::new);
    // A report arriving from the worker in chunks: (revision, report so far, tokens expected).
    let pending: Rc<RefCell<Option<(u64, Report, usize)>>> = use_mut_ref(|| None);
    let verifier = use_state(|| AttrValue::from("jsonwebtoken (pure Rust)"));
    // When the analyst last changed the case (None until the start-up run has happened).
    let last_change = use_mut_ref(|| None::<f64>);

    // Debounced analysis of the current revision.
    {
        let ws = ws.clone();
        let bridge = bridge.clone();
        let verifier = verifier.clone();
        let pending = pending.clone();
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
            let large = is_large(&ws);
            // The case is built when the timer fires, and for the worker without parsing
            // anything (see `Workspace::to_case_parts`): a keystroke costs no JSON parsing.
            let ws = ws.clone();
            let timer = Timeout::new(delay, move || {
                if large && worker::available() {
                    let mut slot = bridge.borrow_mut();
                    if slot.is_none() {
                        let d = dispatcher.clone();
                        let v = verifier.clone();
                        let p = pending.clone();
                        *slot = Some(
                            AnalysisWorker::spawner()
                                .callback(move |reply: String| {
                                    match serde_json::from_str::<Reply>(&reply) {
                                        Ok(Reply::Progress {
                                            revision,
                                            done,
                                            total,
                                        }) => d.dispatch(Action::Progress {
                                            revision,
                                            done,
                                            total,
                                        }),
                                        Ok(Reply::Report {
                                            revision,
                                            verifier,
                                            report,
                                            total_tokens,
                                        }) => {
                                            v.set(AttrValue::from(format!(
                                                "{verifier}, in a web worker"
                                            )));
                                            let mut head = *report;
                                            if total_tokens == 0 {
                                                d.dispatch(Action::Analysed {
                                                    revision,
                                                    report: Rc::new(head),
                                                });
                                            } else {
                                                head.tokens.reserve(total_tokens);
                                                *p.borrow_mut() =
                                                    Some((revision, head, total_tokens));
                                            }
                                        }
                                        Ok(Reply::Tokens { revision, tokens }) => {
                                            let done = {
                                                let mut slot = p.borrow_mut();
                                                let complete = match slot.as_mut() {
                                                    Some((r, head, total)) if *r == revision => {
                                                        head.tokens.extend(tokens);
                                                        head.tokens.len() >= *total
                                                    }
                                                    _ => false,
                                                };
                                                if complete {
                                                    slot.take()
                                                } else {
                                                    None
                                                }
                                            };
                                            if let Some((revision, head, _)) = done {
                                                d.dispatch(Action::Analysed {
                                                    revision,
                                                    report: Rc::new(head),
                                                });
                                            }
                                        }
                                        Ok(Reply::Failed { message, .. }) => {
                                            d.dispatch(Action::Notice(Some(message)))
                                        }
                                        Err(e) => d.dispatch(Action::Notice(Some(format!(
                                            "worker reply unreadable: {e}"
                                        )))),
                                    }
                                })
                                .spawn_with_loader("./worker.js"),
                        );
                    }
                    let (case, text, documents) = ws.to_case_parts(clock::now());
                    let request = Request {
                        revision,
                        default_now: clock::now(),
                        case,
                    };
                    match (slot.as_ref(), serde_json::to_string(&request)) {
                        (Some(b), Ok(request)) => {
                            dispatcher.dispatch(Action::Progress {
                                revision,
                                done: 0,
                                total: 0,
                            });
                            b.send(worker::Input {
                                request,
                                text,
                                documents,
                            });
                        }
                        (_, Err(e)) => dispatcher.dispatch(Action::Notice(Some(format!(
                            "cannot send the case to the worker: {e}"
                        )))),
                        (None, _) => {}
                    }
                } else {
                    let case = ws.to_case(clock::now());
                    wasm_bindgen_futures::spawn_local(async move {
                        let options = AnalyzeOptions::at(clock::now());
                        let (report, name) =
                            verification::analyze(case, &options, &mut |_, _| {}).await;
                        verifier.set(name.into());
                        dispatcher.dispatch(Action::Analysed {
                            revision,
                            report: Rc::new(report),
                        });
                    });
                }
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
        Callback::from(move |_| {
            let case = ws.to_saved_case();
            let result = serde_json::to_string_pretty(&case)
                .map_err(|e| e.to_string())
                .and_then(|json| {
                    download::save_text("keyhole-case.json", "application/json", &json)
                });
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
            <header class="masthead">
                <h1>{ "Keyhole" }</h1>
                <p class="tagline">{ "Was this token's signing key allowed to sign for the tenant and cloud it claims? Everything stays in this browser tab." }</p>
            </header>
            <main>
                <CaseBar as_of={ws.as_of} on_action={on_action.clone()} on_files={on_files} on_save={on_save} />
                if let Some(n) = &ws.notice {
                    <p class="notice" role="status">{ n.clone() }
                        <button type="button" class="dismiss" aria-label="Dismiss" onclick={on_action.reform(|_| Action::Notice(None))}>{ "×" }</button>
                    </p>
                }
                <div class="inputs">
                    <TokensPane text={ws.text.clone()} epoch={ws.text_epoch} case_tokens={ws.case_tokens.len()} on_action={on_action.clone()} />
                    <KeySetsPane key_sets={ws.key_sets.clone()} secret={AttrValue::from(ws.hmac_secret.clone())}
                        secret_base64={ws.hmac_base64}
                        secret_issuer={AttrValue::from(ws.hmac_issuer.clone())} on_action={on_action.clone()} />
                </div>
                <Summary report={report.clone()} current={ws.is_current()} progress={ws.progress.clone()} verifier={(*verifier).clone()} />
                <ExportBar report={report.clone()} on_error={on_action.reform(|m| Action::Notice(Some(m)))} />
                if let Some(r) = report {
                    <TokenList report={r.clone()} />
                    <KeyMatrix report={r} />
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
