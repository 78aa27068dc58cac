// Starts Keyhole's analysis worker: the same wasm module as the page, loaded from the same
// files (no fetch: the module is inlined, xz-compressed, and xz-decompress.js decodes it, see
// scripts/inline-wasm.mjs). With no window, the wasm's main() registers the worker instead of
// rendering the app.
importScripts("./keyhole-app.js", "./xz-decompress.js", "./keyhole-app_bg.wasm.js");

// The pure-Rust reference verifier, loaded on first use as in www/boot.js.
self.keyholeRustVerifier = (function () {
  "use strict";
  var verifier = null;
  return function (request) {
    return new Promise(function (resolve) {
      if (!verifier) {
        importScripts("./keyhole-rust-verifier.js");
        /* global keyhole_rust_verifier */
        verifier = keyhole_rust_verifier({ module_or_path: self.KEYHOLE_WASM["keyhole-rust-verifier"]() });
      }
      resolve(verifier);
    }).then(function () {
      return keyhole_rust_verifier.verify_checks(request);
    });
  };
})();

wasm_bindgen({ module_or_path: self.KEYHOLE_WASM["keyhole-app"]() });
