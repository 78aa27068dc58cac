// Trunk post-build hook. Makes dist/ load without any fetch, so the Content-Security-Policy can
// say connect-src 'none' and the app works from file:// as well as from any static host:
//  1. the wasm binary becomes a classic script (keyhole-app_bg.wasm.js) holding it as base64;
//  2. every local <script src> in index.html gets a Subresource Integrity hash (sha384);
//  3. offline.html is the same page without integrity attributes, for opening from disk:
//     Chromium refuses SRI-checked resources from file:// (they cannot be CORS-fetched).
// Reads and writes $TRUNK_STAGING_DIR (Trunk sets it for hooks).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

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
await writeFile(
  join(dir, "keyhole-app_bg.wasm.js"),
  `// Keyhole's WebAssembly module, base64-encoded so no fetch is needed (CSP connect-src 'none').\n` +
    `self.KEYHOLE_WASM_BASE64 = "${wasm.toString("base64")}";\n`,
);
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
console.log(`inline-wasm: inlined ${wasm.length} bytes of wasm; SRI on ${scripts.length} scripts`);
