//! Keyhole's web app: presentation and browser APIs only. Every decision comes from
//! `keyhole_engine`; components render what the engine returns, `state` holds what the analyst
//! entered, and `adapters` is the only place that talks to browser APIs beyond rendering.
#![forbid(unsafe_code)]

pub mod adapters;
mod app;
pub mod components;
pub mod js_api;
pub mod state;

pub use app::App;

/// Starts Keyhole: the app in a page, the analysis worker in a worker.
pub fn start() {
    if adapters::worker::in_worker() {
        adapters::worker::register();
    } else {
        yew::Renderer::<App>::new().render();
    }
}
