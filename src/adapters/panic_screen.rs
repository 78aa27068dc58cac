//! A panic must never leave a blank page: the hook writes a plain error screen with a reset
//! button straight into the DOM (Yew may be the thing that failed). The message is inserted as
//! text, so even a hostile value in the panic message stays inert.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Installs the panic hook (once, at start-up).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        let _ = show(&message);
    }));
}

/// Shows the error screen (public so a browser test can check it without panicking).
pub fn show(message: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    let panel = document.create_element("div").ok()?;
    panel.set_id("fatal-error");
    panel.set_class_name("fatal-panel");
    panel.set_attribute("role", "alert").ok()?;
    let heading = document.create_element("h2").ok()?;
    heading.set_text_content(Some("Keyhole hit an internal error"));
    let text = document.create_element("pre").ok()?;
    text.set_text_content(Some(message));
    let hint = document.create_element("p").ok()?;
    hint.set_text_content(Some(
        "Nothing was sent anywhere. Reset reloads the page with an empty case.",
    ));
    let button: web_sys::HtmlElement = document.create_element("button").ok()?.dyn_into().ok()?;
    button.set_id("fatal-reset");
    button.set_text_content(Some("Reset Keyhole"));
    let reload = Closure::<dyn Fn()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    button.set_onclick(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    for child in [&heading, &text, &hint] {
        panel.append_child(child).ok()?;
    }
    panel.append_child(&button).ok()?;
    body.append_child(&panel).ok()?;
    button.focus().ok()?;
    Some(())
}
