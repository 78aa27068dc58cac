//! Keyhole's web app entry point: mounts the Yew application.

fn main() {
    yew::Renderer::<keyhole_app::App>::new().render();
}
