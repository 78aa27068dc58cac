//! Saving a file to the analyst's disk through a Blob and a temporary `<a download>`: a local
//! download, never a network request.

use wasm_bindgen::JsCast;

/// Offers `text` as a file named `name` with the given MIME type.
pub fn save_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser refused to create the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused to create a download link")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "cannot create a link")?
        .dyn_into()
        .map_err(|_| "cannot create a link")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_rel("noopener");
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
