// Starts the Keyhole wasm app from the inlined module bytes: no fetch, so the page works under
// connect-src 'none' and from file://. A classic script, loaded after keyhole-app.js (which
// defines `wasm_bindgen`) and keyhole-app_bg.wasm.js (which defines KEYHOLE_WASM_BASE64).
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
    var text = atob(self.KEYHOLE_WASM_BASE64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    self.KEYHOLE_WASM_BASE64 = undefined;
    wasm_bindgen({ module_or_path: bytes }).catch(fail);
  } catch (err) {
    fail(err);
  }
})();
