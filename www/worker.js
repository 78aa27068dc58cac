// Starts Keyhole's analysis worker: the same wasm module as the page, loaded from the same
// files (no fetch: the module is inlined, see scripts/inline-wasm.mjs). With no window, the
// wasm's main() registers the worker instead of rendering the app.
importScripts("./keyhole-app.js", "./keyhole-app_bg.wasm.js");
(function () {
  "use strict";
  var text = atob(self.KEYHOLE_WASM_BASE64);
  var bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  self.KEYHOLE_WASM_BASE64 = undefined;
  wasm_bindgen({ module_or_path: bytes });
})();
