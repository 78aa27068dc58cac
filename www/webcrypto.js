// WebCrypto as a batch verifier (crates/webcrypto builds the batches). The page calls
// keyholeVerifyBatch(keys, table, data) once per slice of tokens instead of calling
// crypto.subtle.verify once per check from wasm: each call costs the calling thread ≈15 µs of
// argument conversion, so 10,000 checks on the page's main thread took ≈170 ms. Large batches go
// to a dedicated worker (this same file, started with `new Worker`), whose thread pays that cost
// while the page judges the previous slice; small batches, and pages that cannot start workers
// (file://), are verified on the page. Either way the answers are WebCrypto's own.
//
//  keys:  [[index, jwk, importParams, verifyParams], …]: every key the batch uses; an index
//         always names the same key and algorithm (the wasm side never reuses one), so each
//         key is imported once per thread
//  table: Uint32Array, 5 numbers per check: key index, signing input start and length,
//         signature start and length (offsets into data)
//  data:  Uint8Array holding every signing input and signature
// Resolves to a Uint8Array with one answer per check: 1 verified, 0 not verified, 2 no answer
// (key import refused, algorithm unsupported).
(function () {
  "use strict";

  /** Imports the keys not in `cache` yet, then verifies every check of the table. */
  function verifyAll(subtle, cache, keys, table, data) {
    keys.forEach(function (k) {
      if (k[0] in cache) return;
      // Verify parameters that are only a name are passed as the name: WebCrypto then skips
      // converting a dictionary on each of thousands of calls.
      var verifyParams = Object.keys(k[3]).length === 1 && k[3].name ? k[3].name : k[3];
      cache[k[0]] = subtle.importKey("jwk", k[1], k[2], false, ["verify"]).then(
        function (key) {
          return [key, verifyParams];
        },
        function () {
          return null;
        },
      );
    });
    var n = table.length / 5;
    var out = new Uint8Array(n);
    var pending = [];
    var resolved = {};
    var need = [];
    for (var j = 0; j < n; j++) {
      var i = table[5 * j];
      if (!(i in resolved)) {
        resolved[i] = null;
        need.push(
          (cache[i] || Promise.resolve(null)).then(
            (function (i) {
              return function (entry) {
                resolved[i] = entry;
              };
            })(i),
          ),
        );
      }
    }
    return Promise.all(need).then(function () {
      for (var j = 0; j < n; j++) {
        var entry = resolved[table[5 * j]];
        if (!entry) {
          out[j] = 2;
          continue;
        }
        var input = data.subarray(table[5 * j + 1], table[5 * j + 1] + table[5 * j + 2]);
        var signature = data.subarray(table[5 * j + 3], table[5 * j + 3] + table[5 * j + 4]);
        pending.push(settle(subtle.verify(entry[1], entry[0], signature, input), out, j));
      }
      return Promise.all(pending).then(function () {
        return out;
      });
    });
  }

  function settle(promise, out, j) {
    return promise.then(
      function (ok) {
        out[j] = ok ? 1 : 0;
      },
      function () {
        out[j] = 2;
      },
    );
  }

  if (typeof document === "undefined") {
    // The verification worker.
    var workerCache = {};
    self.onmessage = function (e) {
      var m = e.data;
      var fail = function (err) {
        self.postMessage({ id: m.id, error: String(err) });
      };
      try {
        verifyAll(self.crypto.subtle, workerCache, m.keys, m.table, m.data).then(function (out) {
          self.postMessage({ id: m.id, out: out }, [out.buffer]);
        }, fail);
      } catch (err) {
        fail(err); // no crypto.subtle in this worker
      }
    };
    return;
  }

  // The page. Batches smaller than this are verified here: starting the worker costs more.
  var WORKER_MIN_CHECKS = 200;
  var pageCache = {};
  var worker = null;
  var workerFailed = false;
  var waiting = {};
  var nextId = 1;

  // A worker that fails is not used again; its batches are verified on the page.
  function failWorker() {
    workerFailed = true;
    if (worker) worker.terminate();
    worker = null;
    var pending = waiting;
    waiting = {};
    Object.keys(pending).forEach(function (id) {
      pending[id][1]();
    });
  }

  function startWorker() {
    if (worker || workerFailed) return worker;
    try {
      worker = new Worker("./webcrypto.js");
    } catch (err) {
      workerFailed = true; // file://, or workers not allowed here
      return null;
    }
    worker.onmessage = function (e) {
      var w = waiting[e.data.id];
      delete waiting[e.data.id];
      if (!w) return;
      if (e.data.out) w[0](e.data.out);
      else {
        w[1]();
        failWorker();
      }
    };
    worker.onerror = function (e) {
      e.preventDefault();
      failWorker();
    };
    return worker;
  }

  // Started when the page is idle, so the first large batch does not wait for it.
  if (typeof requestIdleCallback === "function" && self.isSecureContext) {
    requestIdleCallback(startWorker, { timeout: 3000 });
  }

  self.keyholeVerifyBatch = function (keys, table, data) {
    var subtle = self.crypto && self.crypto.subtle;
    if (!subtle) return Promise.reject(new Error("WebCrypto is not available (not a secure context)"));
    var w = table.length / 5 >= WORKER_MIN_CHECKS ? startWorker() : null;
    if (!w) return verifyAll(subtle, pageCache, keys, table, data);
    var id = nextId++;
    var n = table.length / 5;
    return new Promise(function (resolve) {
      // The table and data are transferred, not copied (≈1 MB per slice). Should the worker
      // fail, its batches get "no answer", which the reference verifier then decides.
      waiting[id] = [
        resolve,
        function () {
          resolve(new Uint8Array(n).fill(2));
        },
      ];
      w.postMessage({ id: id, keys: keys, table: table, data: data }, [table.buffer, data.buffer]);
    });
  };
})();
