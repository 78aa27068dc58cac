// Trunk post-build hook. Makes dist/ load without any fetch, so the Content-Security-Policy can
// say connect-src 'none' and the app works from file:// as well as from any static host:
//  1. the wasm binary becomes a classic script (keyhole-app_bg.wasm.js) holding it
//     xz-compressed (LZMA2, `xz` at build time) and base64-encoded, with a function that
//     unpacks it in the browser, no network: base64 of the raw module would cost 30 % more after
//     the host's compression, base64 of compressed bytes costs ≈1 %, and LZMA2 is ≈20 % smaller
//     than the best gzip (zopfli) of the module (measured in docs/benchmarks-history.md);
//  2. the xz decoder the page needs for that, npm `xz-decompress` (xz-embedded compiled to
//     WebAssembly, ≈9 KB gzip; browsers' DecompressionStream has only gzip and deflate), is
//     copied unmodified, with its licence header, to xz-decompress.js, a classic script loaded
//     before keyhole-app_bg.wasm.js (index.html, www/worker.js);
//  3. every local <script src> in index.html gets a Subresource Integrity hash (sha384);
//  4. the fallback verifier (crates/rust-verifier: jsonwebtoken, pure Rust) is built as a second
//     module and written, glue and inlined module together, to keyhole-rust-verifier.js; the
//     page loads it only when WebCrypto leaves a check unconfirmed (www/boot.js, www/worker.js),
//     and index.html carries its SRI hash in <meta name="keyhole-rust-verifier">; the document
//     renderers (crates/documents: the Markdown and printable HTML reports) likewise become
//     keyhole-documents.js, loaded on the first export of such a document;
//  5. the sample cases (the engine's golden set, crates/engine/golden/cases) become
//     keyhole-samples.js, loaded when the analyst opens a sample (hash in
//     <meta name="keyhole-samples">);
//  6. the public list of known JWT HMAC secrets (crates/engine/weak-secrets/public.txt,
//     wallarm/jwt-secrets, MIT) becomes keyhole-weak-secrets.js, loaded when the analyst asks
//     for the public list to be searched (hash in <meta name="keyhole-weak-secrets">);
//  7. Keyhole's catalogue of published signing keys (crates/engine/catalogue/keys.json, generated
//     by tools/catalogue/generate.py; sources in SOURCES.md there) becomes keyhole-catalogue.js,
//     loaded when the analyst asks for it (hash in <meta name="keyhole-catalogue">): the page's
//     engine is built without it (its start budget) and reads this same JSON;
//  8. offline.html is the same page without integrity attributes, for opening from disk:
//     Chromium refuses SRI-checked resources from file:// (they cannot be CORS-fetched);
//  9. before any hash is taken, the page's own scripts and the modules' glue are minified
//     (npm terser), and the stylesheet (npm clean-css; its SRI hash in index.html is renewed).
// Reads and writes $TRUNK_STAGING_DIR (Trunk sets it for hooks).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
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
// The page's own scripts, minified (terser: whitespace, comments, local names; top-level names
// such as wasm-bindgen's `wasm_bindgen` global stay): 9.1 → 6.2 KB gzip for the app's glue alone.
// xz-decompress.js is copied as published, licence header included.
for (const file of ["keyhole-app.js", "boot.js", "webcrypto.js", "worker.js"]) {
  const path = join(dir, file);
  await writeFile(path, await minified(await readFile(path, "utf8"), file));
}
// The stylesheet likewise (clean-css, level 2: 3.8 → 3.3 KB gzip). Trunk wrote its SRI hash
// into index.html already; it is replaced below.
const css = new (await import("clean-css")).default({ level: 2 }).minify(await readFile(join(dir, "style.css"), "utf8"));
if (css.errors.length > 0 || css.styles.length === 0) {
  console.error(`inline-wasm: clean-css could not minify style.css: ${css.errors.join("; ")}`);
  process.exit(1);
}
await writeFile(join(dir, "style.css"), css.styles);
const wasm = await readFile(wasmPath);
await writeFile(join(dir, "keyhole-app_bg.wasm.js"), inlinedModule("keyhole-app", wasm));
await rm(wasmPath);
await writeFile(join(dir, "xz-decompress.js"), await xzDecoderScript());

const onDemand = {
  "keyhole-rust-verifier": await buildModule("keyhole-rust-verifier", "the fallback verifier"),
  "keyhole-documents": await buildModule("keyhole-documents", "the document renderers"),
  "keyhole-samples": await samplesScript(),
  "keyhole-weak-secrets": await weakSecretsScript(),
  "keyhole-catalogue": await catalogueScript(),
};

const indexPath = join(dir, "index.html");
let html = await readFile(indexPath, "utf8");
for (const [name, body] of Object.entries(onDemand)) {
  await writeFile(join(dir, `${name}.js`), body);
  const sri = "sha384-" + createHash("sha384").update(body).digest("base64");
  html = html.replace("</head>", `  <meta name="${name}" content="${sri}" />\n  </head>`);
}
const cssSri = "sha384-" + createHash("sha384").update(css.styles).digest("base64");
html = html.replace(/(href="\.\/style\.css" integrity=")[^"]*"/, `$1${cssSri}"`);
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
await writeFile(
  join(dir, "offline.html"),
  html.replace(/\s+integrity="[^"]*"/g, "").replace(/\s*<meta name="keyhole-[a-z-]+" content="sha384-[^"]*" \/>/g, ""),
);
console.log(`inline-wasm: inlined ${wasm.length} bytes of wasm (xz); SRI on ${scripts.length} scripts`);

/** `source` minified by terser (ES2020, two compression passes); fails the build on a parse error. */
async function minified(source, name) {
  const { minify } = await import("terser");
  const out = await minify(source, { ecma: 2020, compress: { passes: 2 }, mangle: true, format: { comments: false } });
  if (typeof out.code !== "string" || out.code.length === 0) throw new Error(`inline-wasm: terser produced nothing for ${name}`);
  return out.code + "\n";
}

/**
 * A classic script that registers `self.KEYHOLE_WASM[name]()`: it returns the module as a
 * `Response` (application/wasm) whose body is the xz stream embedded as base64, decoded by
 * xz-decompress.js (which must be loaded first) while wasm-bindgen compiles it with
 * `instantiateStreaming`. Constructing a Response is not a fetch: the CSP's connect-src 'none'
 * holds.
 */
function inlinedModule(name, wasm) {
  const xz = xzCompress(wasm);
  return (
    `// Keyhole's WebAssembly module "${name}" (${wasm.length} bytes), xz + base64, decoded in the page by xz-decompress.js.\n` +
    `(function (name, b64) {\n` +
    `  "use strict";\n` +
    `  var modules = (self.KEYHOLE_WASM = self.KEYHOLE_WASM || {});\n` +
    `  modules[name] = function () {\n` +
    `    var text = atob(b64);\n` +
    `    var bytes = new Uint8Array(text.length);\n` +
    `    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);\n` +
    `    var body = new self["xz-decompress"].XzReadableStream(new Blob([bytes]).stream());\n` +
    `    return new Response(body, { headers: { "Content-Type": "application/wasm" } });\n` +
    `  };\n` +
    `})(${JSON.stringify(name)}, "${xz.toString("base64")}");\n`
  );
}

/**
 * xz (LZMA2) of `bytes` with the `xz` command (xz-utils; scripts/setup installs it), single-
 * threaded so the output is deterministic. Tuned on the app's module (docs/benchmarks-history.md
 * §1):
 * preset 9e; lc=4 lp=0 pb=0 (wasm code is byte-oriented, not aligned: ≈0.7 KB less than the
 * preset's lc=3 pb=2); a dictionary just as large as the module (the preset's 64 MiB would
 * make the decoder allocate 64 MiB for nothing); CRC32 check (the decoder verifies it).
 */
function xzCompress(bytes) {
  let dict = 4096;
  while (dict < bytes.length) dict *= 2;
  return execFileSync(
    "xz",
    ["--format=xz", "--check=crc32", "--threads=1", `--lzma2=preset=9e,lc=4,lp=0,pb=0,dict=${dict}`, "--stdout"],
    { input: bytes, maxBuffer: 64 << 20 },
  );
}

/**
 * The browser build of npm `xz-decompress` (defines `self["xz-decompress"].XzReadableStream`),
 * unmodified after a line naming its origin; its own header carries the licences (MIT for
 * xzwasm/xz-decompress and walloc, public domain for xz-embedded).
 */
async function xzDecoderScript() {
  const require = createRequire(import.meta.url);
  const pkg = require("xz-decompress/package.json");
  const file = require.resolve("xz-decompress/dist/package/xz-decompress.min.js");
  return (
    `// npm xz-decompress ${pkg.version}, dist/package/xz-decompress.min.js, unmodified (scripts/inline-wasm.mjs).\n` +
    (await readFile(file, "utf8"))
  );
}

/**
 * Builds a module crate (crates/rust-verifier, crates/documents) for wasm32 the way Trunk builds
 * the app (profile wasm-release, wasm-bindgen no-modules, wasm-opt -Oz), under its own global
 * name (`keyhole_rust_verifier`, …) so it cannot clash with the app's `wasm_bindgen`, and returns
 * one classic script: the glue, then the inlined module.
 */
async function buildModule(pkg, what) {
  const root = new URL("..", import.meta.url).pathname;
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  const global = pkg.replaceAll("-", "_");
  run("cargo", ["build", "--locked", "-p", pkg, "--lib", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"]);
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
  const wasmIn = join(targetDir, `wasm32-unknown-unknown/wasm-release/${global}.wasm`);
  const out = await mkdtemp(join(tmpdir(), `${pkg}-`));
  try {
    run("wasm-bindgen", ["--target", "no-modules", "--no-modules-global", global, "--no-typescript", "--out-dir", out, wasmIn]);
    const bg = join(out, `${global}_bg.wasm`);
    run("wasm-opt", ["-Oz", bg, "-o", bg]);
    const glue = await minified(await readFile(join(out, `${global}.js`), "utf8"), `${global}.js`);
    const module = await readFile(bg);
    console.log(`inline-wasm: built ${what} (${module.length} bytes of wasm)`);
    return glue + "\n" + inlinedModule(pkg, module);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** The public weak-secret list as a classic script defining `self.KEYHOLE_WEAK_SECRETS` (one per line). */
async function weakSecretsScript() {
  const list = await readFile(new URL("../crates/engine/weak-secrets/public.txt", import.meta.url).pathname, "utf8");
  return (
    "// Known JWT HMAC secrets: wallarm/jwt-secrets (https://github.com/wallarm/jwt-secrets), MIT licence,\n" +
    "// Copyright (c) Wallarm; as committed in crates/engine/weak-secrets/public.txt (see SOURCES.md there).\n" +
    `self.KEYHOLE_WEAK_SECRETS = ${JSON.stringify(list)};\n`
  );
}

/** The golden cases as a classic script defining `self.KEYHOLE_SAMPLES[name]` (the case text). */
async function samplesScript() {
  const casesDir = new URL("../crates/engine/golden/cases/", import.meta.url).pathname;
  const samples = {};
  for (const file of (await readdir(casesDir)).filter((f) => f.endsWith(".json")).sort()) {
    samples[file.replace(/\.json$/, "")] = await readFile(join(casesDir, file), "utf8");
  }
  return (
    "// Keyhole's sample cases (crates/engine/golden/cases), loaded when a sample is opened.\n" +
    `self.KEYHOLE_SAMPLES = ${JSON.stringify(samples)};\n`
  );
}

/** The catalogue of published keys as a classic script defining `self.KEYHOLE_CATALOGUE` (its JSON text). */
async function catalogueScript() {
  const json = await readFile(new URL("../crates/engine/catalogue/keys.json", import.meta.url).pathname, "utf8");
  return (
    "// Keyhole's catalogue of published signing keys (crates/engine/catalogue/keys.json: public keys and\n" +
    "// the dates public archives saw them published; sources in crates/engine/catalogue/SOURCES.md).\n" +
    `self.KEYHOLE_CATALOGUE = ${JSON.stringify(json)};\n`
  );
}
