// Attributes the web app's wasm code to the crates it comes from, after `wasm-opt -Oz` (run
// here with -g so function names survive): code bytes per crate and per family (crypto, X.509,
// serde, Yew, ...), and each family's gzip size when compressed on its own (an estimate of what
// removing it saves; the variant builds of bench/size-variants.sh measure that exactly).
// Usage: node bench/wasm-attrib.mjs [WASM] [--top N]
//   WASM: wasm-bindgen output with its name section (default: Trunk's
//   $CARGO_TARGET_DIR/wasm-bindgen/release/keyhole-app_bg.wasm)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url).pathname;
const argv = process.argv.slice(2);
const top = argv.includes("--top") ? Number(argv[argv.indexOf("--top") + 1]) : 25;
const input =
  argv.find((a, i) => !a.startsWith("--") && argv[i - 1] !== "--top") ??
  join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "wasm-bindgen/release/keyhole-app_bg.wasm");
const optimized = join(mkdtempSync(join(tmpdir(), "keyhole-attrib-")), "opt.wasm");
execFileSync(join(root, "node_modules/.bin/wasm-opt"), ["-Oz", "-g", input, "-o", optimized]);
const b = readFileSync(optimized);

let p = 8;
const leb = () => {
  let r = 0, s = 0, x;
  do {
    x = b[p++];
    r += (x & 0x7f) * 2 ** s;
    s += 7;
  } while (x & 0x80);
  return r;
};
const str = () => {
  const l = leb();
  const s = b.subarray(p, p + l).toString();
  p += l;
  return s;
};
let imported = 0;
const bodies = [];
const names = new Map();
const sections = {};
while (p < b.length) {
  const id = b[p++];
  const len = leb();
  const end = p + len;
  sections[id] = (sections[id] ?? 0) + len;
  if (id === 2) {
    for (let n = leb(), i = 0; i < n; i++) {
      str();
      str();
      const kind = b[p++];
      if (kind === 0) {
        leb();
        imported++;
      } else if (kind === 1) {
        p++;
        const f = leb();
        leb();
        if (f & 1) leb();
      } else if (kind === 2) {
        const f = leb();
        leb();
        if (f & 1) leb();
      } else if (kind === 3) p += 2;
      else if (kind === 4) {
        p++;
        leb();
      }
    }
  } else if (id === 10) {
    for (let n = leb(), i = 0; i < n; i++) {
      const size = leb();
      bodies.push(b.subarray(p, p + size));
      p += size;
    }
  } else if (id === 0 && str() === "name") {
    while (p < end) {
      const sub = b[p++];
      const sl = leb();
      const se = p + sl;
      if (sub === 1) for (let n = leb(), i = 0; i < n; i++) names.set(leb(), str());
      p = se;
    }
  }
  p = end;
}

/** The crate a (demangled) function name belongs to: its first `crate::` path segment. */
function crateOf(name) {
  if (!name) return "(unnamed)";
  const m = name.match(/([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/);
  return m ? m[1] : "(other)";
}
const FAMILIES = [
  ["serde (json, derives, wasm-bindgen bridge)", (n, c) => /serde/.test(n) || ["serde", "serde_core", "serde_json", "serde_wasm_bindgen", "zmij", "itoa", "ryu"].includes(c)],
  ["crypto: EC (p256/p384/p521, ecdsa, primeorder)", (n, c) => ["p256", "p384", "p521", "primeorder", "ecdsa", "elliptic_curve", "crypto_bigint", "sec1"].includes(c)],
  ["crypto: RSA (rsa, num-bigint-dig)", (n, c) => ["rsa", "num_bigint_dig", "num_integer", "num_traits", "num_iter"].includes(c)],
  ["crypto: Ed25519 (curve25519-dalek, ed25519)", (n, c) => ["curve25519_dalek", "ed25519_dalek", "ed25519"].includes(c)],
  ["crypto: hashes/HMAC (sha1, sha2, hmac, digest)", (n, c) => ["sha1", "sha2", "hmac", "digest", "block_buffer", "subtle"].includes(c)],
  ["crypto: other (jsonwebtoken, rand, signature)", (n, c) => ["jsonwebtoken", "rand", "rand_core", "rand_chacha", "signature", "getrandom", "ppv_lite86"].includes(c)],
  ["DER/X.509/PEM (der, x509-cert, spki, pkcs1/8)", (n, c) => ["der", "x509_cert", "spki", "pkcs1", "pkcs8", "const_oid", "base64ct", "pem_rfc7468", "flagset"].includes(c)],
  ["Yew + gloo + web bindings", (n, c) => /^(yew|gloo|implicit_clone|wasm_bindgen|web_sys|js_sys|console_error_panic_hook|pinned|tracing|futures|bincode|slab|prokio|indexmap)/.test(c)],
  ["keyhole-engine (own code)", (n, c) => c === "keyhole_engine"],
  ["keyhole-app (own code)", (n, c) => c === "keyhole_app"],
  ["Rust std/core/alloc, allocator", (n, c) => ["core", "alloc", "std", "dlmalloc", "compiler_builtins", "hashbrown", "smallvec", "base64"].includes(c)],
];
const byCrate = new Map();
const byFamily = new Map();
let total = 0;
bodies.forEach((body, i) => {
  const name = names.get(i + imported) ?? "";
  const crate = crateOf(name);
  total += body.length;
  const c = byCrate.get(crate) ?? { bytes: 0, parts: [] };
  c.bytes += body.length;
  c.parts.push(body);
  byCrate.set(crate, c);
  const fam = FAMILIES.find(([, test]) => test(name, crate))?.[0] ?? "other";
  const f = byFamily.get(fam) ?? { bytes: 0, parts: [] };
  f.bytes += body.length;
  f.parts.push(body);
  byFamily.set(fam, f);
});
const gz = (parts) => gzipSync(Buffer.concat(parts), { level: 9 }).length;
const pct = (n) => ((100 * n) / total).toFixed(1).padStart(5) + "%";
console.log(`${input}\nafter wasm-opt -Oz: ${b.length} bytes; code section ${sections[10]} B in ${bodies.length} functions; data section ${sections[11] ?? 0} B`);
console.log(`\nby family                                         code B    share   gzip B (alone)`);
for (const [fam, v] of [...byFamily].sort((a, c) => c[1].bytes - a[1].bytes))
  console.log(`${fam.padEnd(48)} ${String(v.bytes).padStart(8)}  ${pct(v.bytes)}  ${String(gz(v.parts)).padStart(8)}`);
console.log(`\ntop ${top} crates (by function name)                 code B    share`);
for (const [crate, v] of [...byCrate].sort((a, c) => c[1].bytes - a[1].bytes).slice(0, top))
  console.log(`${crate.padEnd(48)} ${String(v.bytes).padStart(8)}  ${pct(v.bytes)}`);

if (argv.includes("--functions")) {
  console.log(`\nlargest ${top} functions                                                code B`);
  bodies
    .map((body, i) => [names.get(i + imported) ?? "(unnamed)", body.length])
    .sort((a, c) => c[1] - a[1])
    .slice(0, top)
    .forEach(([n, s]) => console.log(`${n.slice(0, 110).padEnd(112)} ${String(s).padStart(7)}`));
}
