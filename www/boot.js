// Starts the Keyhole wasm app from the inlined module (no fetch, so the page works under
// connect-src 'none' and from file://). A classic script, loaded after keyhole-app.js (which
// defines `wasm_bindgen`) and keyhole-app_bg.wasm.js (which defines KEYHOLE_WASM["keyhole-app"],
// see scripts/inline-wasm.mjs).
(function () {
  "use strict";
  function fail(err) {
    var p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.className = "fatal";
    p.textContent = "Keyhole failed to start: " + err;
    document.body.appendChild(p);
  }
  try {
    if (typeof DecompressionStream !== "function") {
      throw new Error("this browser lacks DecompressionStream (Chrome 80+, Firefox 113+, Safari 16.4+ have it)");
    }
    wasm_bindgen({ module_or_path: self.KEYHOLE_WASM["keyhole-app"]() }).catch(fail);
  } catch (err) {
    fail(err);
  }
})();
