// Starts Keyhole's extraction worker (src/adapters/worker.rs): the same wasm module as the
// page, loaded from the same files (no fetch: the module is inlined, xz-compressed, and
// xz-decompress.js decodes it, see scripts/inline-wasm.mjs). With no window, the wasm's main()
// registers the worker instead of rendering the app. It only searches large pasted texts for
// tokens; signatures are verified by the page (and www/webcrypto.js).
importScripts("./keyhole-app.js", "./xz-decompress.js", "./keyhole-app_bg.wasm.js");

wasm_bindgen({ module_or_path: self.KEYHOLE_WASM["keyhole-app"]() });
