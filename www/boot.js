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

  // The pure-Rust reference verifier (crates/rust-verifier) is a second module, loaded by the
  // app (src/adapters/rust_verifier.rs) only when WebCrypto leaves a check unconfirmed: a
  // same-origin script with its SRI hash from index.html, then its inlined module.
  var verifier = null;
  function loadVerifier() {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      var sri = document.querySelector('meta[name="keyhole-rust-verifier"]');
      if (sri) script.integrity = sri.content;
      script.onload = resolve;
      script.onerror = function () {
        reject(new Error("keyhole-rust-verifier.js could not be loaded"));
      };
      script.src = "./keyhole-rust-verifier.js";
      document.head.appendChild(script);
    }).then(function () {
      /* global keyhole_rust_verifier */
      return keyhole_rust_verifier({ module_or_path: self.KEYHOLE_WASM["keyhole-rust-verifier"]() });
    });
  }
  self.keyholeRustVerifier = function (request) {
    if (!verifier) {
      verifier = loadVerifier();
      verifier.catch(function () {
        verifier = null; // let a later analysis try again
      });
    }
    return verifier.then(function () {
      return keyhole_rust_verifier.verify_checks(request);
    });
  };

  try {
    if (typeof DecompressionStream !== "function") {
      throw new Error("this browser lacks DecompressionStream (Chrome 80+, Firefox 113+, Safari 16.4+ have it)");
    }
    wasm_bindgen({ module_or_path: self.KEYHOLE_WASM["keyhole-app"]() }).catch(fail);
  } catch (err) {
    fail(err);
  }
})();
