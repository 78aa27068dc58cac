// Starts Keyhole's analysis worker: the same wasm module as the page, loaded from the same
// files (no fetch: the module is inlined, see scripts/inline-wasm.mjs). With no window, the
// wasm's main() registers the worker instead of rendering the app.
importScripts("./keyhole-app.js", "./keyhole-app_bg.wasm.js");
wasm_bindgen({ module_or_path: self.KEYHOLE_WASM["keyhole-app"]() });
