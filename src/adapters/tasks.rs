//! Giving the browser its turn: long work on the page's main thread runs in slices with
//! [`yield_now`] between them, so input and rendering never wait behind it.

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Resumes in a new task, after whatever the browser has queued (input, rendering, timers).
/// A `MessageChannel` message rather than `setTimeout(0)`, which browsers clamp to 4 ms once
/// timeouts nest: a 100,000-token case yields 200 times.
pub async fn yield_now() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let promise = Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(&resolve));
        if channel.port2().post_message(&JsValue::NULL).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
    // The channel lives until its message has arrived.
    channel.port1().set_onmessage(None);
}
