//! The analysis worker: large cases are analysed off the main thread so the page never
//! freezes. The worker is this same wasm module started by `www/worker.js` (no second
//! download); `main` registers it when there is no window. Messages are JSON strings, so the
//! engine's types (which hold arbitrary JSON) cross the boundary unchanged.
//!
//! From file:// (opaque origin) Chromium cannot start workers; [`available`] says so and the
//! app analyses on the main thread instead.

use gloo::worker::{HandlerId, Worker, WorkerScope};
use keyhole_engine::report::TokenReport;
use keyhole_engine::{AnalyzeOptions, CaseFile, Report};

/// Tokens per message from the worker (≈1–2 MB of JSON, a few ms to decode).
pub const TOKENS_PER_MESSAGE: usize = 250;
use serde::{Deserialize, Serialize};

/// A request to analyse `case` for workspace `revision`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub revision: u64,
    pub default_now: i64,
    pub case: CaseFile,
}

/// What the page posts: the [`Request`] as JSON, holding the case without its text and with
/// `null` key documents, plus the text and the documents as typed (see
/// `Workspace::to_case_parts`). The big inputs travel as plain strings (gloo's bincode copies
/// them): encoding a 10 MB log as JSON, or parsing a 10,000-key JWKS, took the page's main
/// thread 100–300 ms; the worker does that now.
#[derive(Debug, Serialize, Deserialize)]
pub struct Input {
    pub request: String,
    pub text: String,
    pub documents: Vec<String>,
}

/// What the worker sends back.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Progress {
        revision: u64,
        done: usize,
        total: usize,
    },
    /// The report without its tokens, which follow in [`Reply::Tokens`] chunks, so that the
    /// page never decodes one huge message in a single task.
    Report {
        revision: u64,
        /// Which verifier answered (WebCrypto, or jsonwebtoken alone).
        verifier: String,
        report: Box<Report>,
        total_tokens: usize,
    },
    Tokens {
        revision: u64,
        tokens: Vec<TokenReport>,
    },
    Failed {
        revision: u64,
        message: String,
    },
}

/// The worker side.
pub struct AnalysisWorker;

impl Worker for AnalysisWorker {
    type Message = ();
    type Input = Input;
    type Output = String;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        AnalysisWorker
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Input, id: HandlerId) {
        let scope = scope.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let send = |reply: &Reply| {
                match serde_json::to_string(reply) {
                Ok(text) => scope.respond(id, text),
                Err(e) => scope.respond(
                    id,
                    format!(r#"{{"type":"failed","revision":0,"message":"cannot encode the report: {e}"}}"#),
                ),
            }
            };
            let req = match serde_json::from_str::<Request>(&msg.request) {
                Ok(mut req) => {
                    req.case = crate::state::fill_case(req.case, &msg.text, &msg.documents);
                    req
                }
                Err(e) => {
                    send(&Reply::Failed {
                        revision: 0,
                        message: format!("the worker could not read the request: {e}"),
                    });
                    return;
                }
            };
            let revision = req.revision;
            let mut progress = |done: usize, total: usize| {
                send(&Reply::Progress {
                    revision,
                    done,
                    total,
                });
            };
            let (mut report, verifier) = super::verification::analyze(
                req.case,
                &AnalyzeOptions::at(req.default_now),
                &mut progress,
            )
            .await;
            let mut tokens = std::mem::take(&mut report.tokens);
            send(&Reply::Report {
                revision,
                verifier: verifier.to_owned(),
                total_tokens: tokens.len(),
                report: Box::new(report),
            });
            while !tokens.is_empty() {
                let rest = tokens.split_off(tokens.len().min(TOKENS_PER_MESSAGE));
                send(&Reply::Tokens { revision, tokens });
                tokens = rest;
            }
        });
    }
}

/// True when this page can start a worker (not from file://, and Worker exists).
pub fn available() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let protocol = window.location().protocol().unwrap_or_default();
    protocol != "file:" && js_sys::Reflect::has(&window, &"Worker".into()).unwrap_or(false)
}

/// True when running inside a worker (no window).
pub fn in_worker() -> bool {
    web_sys::window().is_none()
}

/// Registers the worker side (called from `main` in the worker).
pub fn register() {
    use gloo::worker::Registrable;
    AnalysisWorker::registrar().register();
}
