// Trunk post-build hook. Makes dist/ load without any fetch, so the Content-Security-Policy can
// say connect-src 'none' and the app works from file:// as well as from any static host:
//  1. the wasm binary becomes a classic script (keyhole-app_bg.wasm.js) holding it gzip-compressed
//     and base64-encoded, with a function that inflates it in the browser (DecompressionStream,
//     no network): base64 of the raw module would cost 30 % more after the host's compression,
//     base64 of compressed bytes costs ≈1 % (measured in BENCHMARKS.md);
//  2. every local <script src> in index.html gets a Subresource Integrity hash (sha384);
//  3. offline.html is the same page without integrity attributes, for opening from disk:
//     Chromium refuses SRI-checked resources from file:// (they cannot be CORS-fetched).
// Reads and writes $TRUNK_STAGING_DIR (Trunk sets it for hooks).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { constants, gzipSync } from "node:zlib";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("inline-wasm: TRUNK_STAGING_DIR is not set (run through trunk build)");
  process.exit(1);
}
const wasmPath = join(dir, "keyhole-app_bg.wasm");
if (!existsSync(wasmPath)) {
  console.error(`inline-wasm: ${wasmPath} is missing; did the Rust build fail?`);
  process.exit(1);
}
const wasm = await readFile(wasmPath);
await writeFile(join(dir, "keyhole-app_bg.wasm.js"), inlinedModule("keyhole-app", wasm));
await rm(wasmPath);

const indexPath = join(dir, "index.html");
let html = await readFile(indexPath, "utf8");
const scripts = [...html.matchAll(/<script src="\.\/([^"]+)"><\/script>/g)];
for (const [tag, file] of scripts) {
  const body = await readFile(join(dir, file));
  const sri = "sha384-" + createHash("sha384").update(body).digest("base64");
  html = html.replace(tag, `<script src="./${file}" integrity="${sri}" defer></script>`);
}
// Trunk leaves its own processed <link data-trunk rel="rust"> marker behind when it injects
// nothing; drop it so the shipped page holds only what the browser needs.
html = html.replace(/\s*<link data-trunk rel="rust"[^>]*>/, "");
await writeFile(indexPath, html);
await writeFile(join(dir, "offline.html"), html.replace(/\s+integrity="[^"]*"/g, ""));
console.log(`inline-wasm: inlined ${wasm.length} bytes of wasm (gzip); SRI on ${scripts.length} scripts`);

/**
 * A classic script that registers `self.KEYHOLE_WASM[name]()`: it returns the module as a
 * `Response` (application/wasm) inflated from the gzip bytes embedded as base64, so
 * wasm-bindgen compiles it with `instantiateStreaming` while it inflates. Constructing a
 * Response is not a fetch: the CSP's connect-src 'none' holds.
 */
function inlinedModule(name, wasm) {
  const gz = gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION, memLevel: 9 });
  return (
    `// Keyhole's WebAssembly module "${name}" (${wasm.length} bytes), gzip + base64, inflated in the page.\n` +
    `(function (name, b64) {\n` +
    `  "use strict";\n` +
    `  var modules = (self.KEYHOLE_WASM = self.KEYHOLE_WASM || {});\n` +
    `  modules[name] = function () {\n` +
    `    var text = atob(b64);\n` +
    `    var bytes = new Uint8Array(text.length);\n` +
    `    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);\n` +
    `    var body = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));\n` +
    `    return new Response(body, { headers: { "Content-Type": "application/wasm" } });\n` +
    `  };\n` +
    `})(${JSON.stringify(name)}, "${gz.toString("base64")}");\n`
  );
}
