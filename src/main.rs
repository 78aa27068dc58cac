//! Keyhole's web app entry point (the page and its analysis worker share this binary).

fn main() {
    keyhole_app::start();
}
