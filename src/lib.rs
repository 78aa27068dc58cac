//! Keyhole's web app: presentation and browser APIs only. Every decision comes from
//! `keyhole_engine`; components render what the engine returns.

mod app;
pub mod components;

pub use app::App;
