//! The extraction worker: searching a large pasted text (a 10 MB log, a HAR file) for tokens is
//! one long pass that cannot be sliced, so it runs off the main thread. Everything else — key
//! documents, signatures, judgement — runs on the page in short slices (see
//! [`super::analysis`]), so the page never receives (or has to decode) a report.
//!
//! The worker is this same wasm module started by `www/worker.js` (no second download); `main`
//! registers it when there is no window. It gets the text as a plain string and answers with
//! the tokens it found, as JSON chunks, so that the page never decodes one huge message in a
//! single task.
//!
//! From file:// (opaque origin) Chromium cannot start workers; [`available`] says so and the
//! app searches the text on the main thread instead.

use gloo::worker::{HandlerId, Worker, WorkerScope};
use keyhole_engine::analyze::{Found, TokenInput};
use keyhole_engine::report::Note;
use serde::{Deserialize, Serialize};

/// Tokens per message from the worker (well under a megabyte of JSON, a few ms to decode).
pub const TOKENS_PER_MESSAGE: usize = 2000;

/// Search `text`, found for workspace `revision`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Input {
    pub revision: u64,
    pub text: String,
}

/// What the worker sends back: chunks of the tokens found, in order, the last one with `done`.
/// A plain struct: a tagged enum's deserialiser would bring serde's buffering machinery into
/// the bundle.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub revision: u64,
    pub inputs: Vec<TokenInput>,
    /// The extraction's notes (e.g. "no token was found"), on the last chunk.
    pub notes: Vec<Note>,
    pub done: bool,
}

impl Reply {
    /// The replies for what the extraction of `text` found, at least one.
    pub fn chunks(revision: u64, text: &str) -> Vec<Reply> {
        let Found {
            mut inputs,
            mut notes,
        } = Found::search(text);
        let mut out = Vec::new();
        loop {
            let rest = inputs.split_off(inputs.len().min(TOKENS_PER_MESSAGE));
            let done = rest.is_empty();
            out.push(Reply {
                revision,
                inputs,
                notes: if done {
                    std::mem::take(&mut notes)
                } else {
                    Vec::new()
                },
                done,
            });
            if done {
                return out;
            }
            inputs = rest;
        }
    }
}

/// The worker side.
pub struct ExtractionWorker;

impl Worker for ExtractionWorker {
    type Message = ();
    type Input = Input;
    type Output = String;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        ExtractionWorker
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Input, id: HandlerId) {
        for reply in Reply::chunks(msg.revision, &msg.text) {
            let text = serde_json::to_string(&reply).unwrap_or_else(|_| {
                format!(
                    r#"{{"revision":{},"inputs":[],"notes":[{{"code":"text-not-searched","message":"the worker could not encode the tokens it found"}}],"done":true}}"#,
                    msg.revision
                )
            });
            scope.respond(id, text);
        }
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
    ExtractionWorker::registrar().register();
}
