// Starts the Keyhole wasm app from the inlined module (no fetch, so the page works under
// connect-src 'none' and from file://). A classic script, loaded after keyhole-app.js (which
// defines `wasm_bindgen`), xz-decompress.js (the xz decoder) and keyhole-app_bg.wasm.js (which
// defines KEYHOLE_WASM["keyhole-app"], the xz-compressed module; see scripts/inline-wasm.mjs).
(function () {
  "use strict";
  function fail(err) {
    var p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.className = "fatal";
    p.textContent = "Keyhole failed to start: " + err;
    document.body.appendChild(p);
  }

  // The error screen for a WebAssembly trap. The release module is built with
  // panic=immediate-abort (scripts/env.sh, release_build_env): a Rust panic there is a bare
  // `unreachable` trap with no message and no panic hook, which reaches JavaScript as a
  // WebAssembly.RuntimeError thrown out of whatever called into the module (an event handler, a
  // timer, a promise). Keyhole must never leave a half-working page behind: this panel says so,
  // with the error as plain text, and offers a reload with an empty case.
  function fatal(err) {
    if (document.getElementById("fatal-error")) return;
    var panel = document.createElement("div");
    panel.id = "fatal-error";
    panel.className = "fatal-panel";
    panel.setAttribute("role", "alert");
    var heading = document.createElement("h2");
    heading.textContent = "Keyhole hit an internal error";
    var text = document.createElement("pre");
    text.textContent = String(err);
    var hint = document.createElement("p");
    hint.textContent =
      "Nothing was sent anywhere. The analysis cannot go on in this page; Reset reloads it with an empty case.";
    var button = document.createElement("button");
    button.type = "button";
    button.id = "fatal-reset";
    button.textContent = "Reset Keyhole";
    button.onclick = function () {
      location.reload();
    };
    panel.append(heading, text, hint, button);
    document.body.appendChild(panel);
    button.focus();
  }
  function isTrap(err) {
    return typeof WebAssembly === "object" && err instanceof WebAssembly.RuntimeError;
  }
  self.addEventListener("error", function (e) {
    if (isTrap(e.error)) fatal(e.error);
  });
  self.addEventListener("unhandledrejection", function (e) {
    if (isTrap(e.reason)) fatal(e.reason);
  });

  // Scripts loaded on first use (src/adapters/on_demand.rs): same-origin, with the SRI hash
  // pinned in index.html as <meta name="NAME" content="sha384-…">; a failed load may be retried.
  var loading = {};
  function loadOnce(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        var sri = document.querySelector('meta[name="' + name + '"]');
        if (sri) script.integrity = sri.content;
        script.onload = resolve;
        script.onerror = function () {
          delete loading[name];
          reject(new Error(name + ".js could not be loaded"));
        };
        script.src = "./" + name + ".js";
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  // A wasm module loaded on first use. Its glue declares the module's global name with a
  // top-level `let` (wasm-bindgen --no-modules-global), which is not a property of `self`, so
  // the caller passes a function that reads it by name.
  var modules = {};
  function wasmModule(name, glue) {
    if (!modules[name]) {
      modules[name] = loadOnce(name).then(function () {
        return glue()({ module_or_path: self.KEYHOLE_WASM[name]() });
      });
      modules[name].catch(function () {
        delete modules[name]; // let a later call try again
      });
    }
    return modules[name].then(glue);
  }

  /* global keyhole_rust_verifier, keyhole_documents */
  // The pure-Rust reference verifier (crates/rust-verifier): needed only when WebCrypto leaves a
  // check unconfirmed.
  self.keyholeRustVerifier = function (request) {
    return wasmModule("keyhole-rust-verifier", function () {
      return keyhole_rust_verifier;
    }).then(function (m) {
      return m.verify_checks(request);
    });
  };

  // WebCrypto's own answers to a verify::remote request, by the app's WebCrypto code in the
  // fallback verifier's module: a diagnostic for e2e/conformance.mjs, not used by the page.
  self.keyholeWebCryptoAnswers = function (request) {
    return wasmModule("keyhole-rust-verifier", function () {
      return keyhole_rust_verifier;
    }).then(function (m) {
      return m.webcryptoAnswers(request);
    });
  };

  // The document module (crates/documents): needed only when the analyst exports a ticket
  // report, opens the per-key timelines or has the catalogue loaded (the Known keys view).
  function documents(call) {
    return function (request) {
      return wasmModule("keyhole-documents", function () {
        return keyhole_documents;
      }).then(function (m) {
        return call(m, request);
      });
    };
  }
  self.keyholeRender = documents(function (m, request) {
    return m.render_report(request);
  });
  self.keyholeTimelines = documents(function (m, request) {
    return m.render_timelines(request);
  });
  self.keyholeKnownKeysView = documents(function (m, request) {
    return m.known_keys_view(request);
  });
  self.keyholeKeySetAsOf = documents(function (m, request) {
    return m.key_set_as_of(request);
  });

  // The built-in sample cases (the engine's golden set), needed only when a sample is opened.
  self.keyholeSample = function (name) {
    return loadOnce("keyhole-samples").then(function () {
      var text = self.KEYHOLE_SAMPLES[name];
      if (typeof text !== "string") throw new Error("no sample named " + name);
      return text;
    });
  };

  // The public list of known JWT HMAC secrets (about 1.1 MB), needed only when the analyst asks
  // for it to be searched.
  self.keyholeWeakSecrets = function () {
    return loadOnce("keyhole-weak-secrets").then(function () {
      if (typeof self.KEYHOLE_WEAK_SECRETS !== "string") throw new Error("the weak-secret list is empty");
      return self.KEYHOLE_WEAK_SECRETS;
    });
  };

  // Keyhole's catalogue of published signing keys (about 0.56 MB of JSON), needed only when the
  // analyst asks for it (src/adapters/catalogue.rs).
  self.keyholeCatalogue = function () {
    return loadOnce("keyhole-catalogue").then(function () {
      if (typeof self.KEYHOLE_CATALOGUE !== "string") throw new Error("the key catalogue is empty");
      return self.KEYHOLE_CATALOGUE;
    });
  };

  try {
    // What unpacking the module needs: WebAssembly, web streams and the xz decoder, whose script
    // (ES2022 class fields, optional chaining) fails to load on older engines.
    if (typeof WebAssembly !== "object" || typeof ReadableStream !== "function" || !self["xz-decompress"]) {
      throw new Error("this browser cannot unpack Keyhole's WebAssembly module (Chrome 80+, Firefox 75+, Safari 14.1+ can)");
    }
    wasm_bindgen({ module_or_path: self.KEYHOLE_WASM["keyhole-app"]() }).catch(fail);
  } catch (err) {
    fail(err);
  }
})();
