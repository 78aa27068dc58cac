//! Keyhole's web app entry point (the page and its analysis worker share this binary).
#![forbid(unsafe_code)]

fn main() {
    keyhole_app::start();
}
