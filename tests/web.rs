//! Component tests in headless Chromium (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use keyhole_app::components::DecodedView;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

fn host() -> web_sys::Element {
    let doc = gloo_utils_document();
    let el = doc.create_element("div").unwrap_or_else(|_| unreachable!());
    doc.body()
        .unwrap_or_else(|| unreachable!())
        .append_child(&el)
        .unwrap_or_else(|_| unreachable!());
    el
}

fn gloo_utils_document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .unwrap_or_else(|| unreachable!("a browser test has a document"))
}

#[derive(Properties, PartialEq)]
struct WrapProps {
    token: String,
}

#[function_component(Wrap)]
fn wrap(p: &WrapProps) -> Html {
    html! { <DecodedView result={Some(keyhole_engine::decode_token(&p.token))} /> }
}

async fn settle() {
    // Yew renders on the microtask/scheduler queue; yield to it.
    yew::platform::time::sleep(std::time::Duration::from_millis(30)).await;
}

#[wasm_bindgen_test]
async fn decoded_view_renders_pretty_header_and_payload() {
    let root = host();
    yew::Renderer::<Wrap>::with_root_and_props(
        root.clone(),
        WrapProps {
            token: TOKEN.into(),
        },
    )
    .render();
    settle().await;
    let header = root
        .query_selector("#decoded-header")
        .ok()
        .flatten()
        .map(|e| e.text_content().unwrap_or_default());
    let payload = root
        .query_selector("#decoded-payload")
        .ok()
        .flatten()
        .map(|e| e.text_content().unwrap_or_default());
    let header = header.unwrap_or_default();
    let payload = payload.unwrap_or_default();
    assert!(header.contains("\"alg\": \"HS256\""), "{header}");
    assert!(payload.contains("\"name\": \"John Doe\""), "{payload}");
}

#[wasm_bindgen_test]
async fn decoded_view_shows_typed_error_for_garbage() {
    let root = host();
    yew::Renderer::<Wrap>::with_root_and_props(
        root.clone(),
        WrapProps {
            token: "x.y".into(),
        },
    )
    .render();
    settle().await;
    let err = root
        .query_selector("#decode-error")
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(err.contains("3 dot-separated parts"), "{err}");
}

#[wasm_bindgen_test]
async fn hostile_claim_renders_as_text() {
    let payload = keyhole_engine::b64::encode_url(br#"{"name":"<img src=x onerror=alert(1)>"}"#);
    let header = keyhole_engine::b64::encode_url(br#"{"alg":"HS256"}"#);
    let root = host();
    yew::Renderer::<Wrap>::with_root_and_props(
        root.clone(),
        WrapProps {
            token: format!("{header}.{payload}."),
        },
    )
    .render();
    settle().await;
    assert!(
        root.query_selector("img").ok().flatten().is_none(),
        "no element may be injected"
    );
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("<img src=x onerror=alert(1)>"));
}
