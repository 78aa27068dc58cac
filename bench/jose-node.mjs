// The peer on Node: panva/jose (`jwtVerify` + `createLocalJWKSet`, Node's WebCrypto) verifying
// every token of a Keyhole case file. Prints one JSON line: the in-process time (case parse +
// verification, after the file is read), and how many tokens verified or were rejected.
// Usage: node bench/jose-node.mjs CASE.json [--mode sequential|concurrent]
import { readFile } from "node:fs/promises";
import { createLocalJWKSet, jwtVerify } from "jose";

const file = process.argv[2];
const mode = process.argv.includes("--mode") ? process.argv[process.argv.indexOf("--mode") + 1] : "sequential";
if (!file) {
  console.error("usage: node bench/jose-node.mjs CASE.json [--mode sequential|concurrent]");
  process.exit(2);
}
const text = await readFile(file, "utf8");
const t0 = performance.now();
const c = JSON.parse(text);
const jwks = createLocalJWKSet(c.key_sets[0].document);
const options = { currentDate: new Date(c.now * 1000) };
let ok = 0;
let bad = 0;
if (mode === "sequential") {
  for (const t of c.tokens) {
    try {
      await jwtVerify(t, jwks, options);
      ok++;
    } catch {
      bad++;
    }
  }
} else {
  for (const r of await Promise.allSettled(c.tokens.map((t) => jwtVerify(t, jwks, options)))) {
    if (r.status === "fulfilled") ok++;
    else bad++;
  }
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ mode, tokens: c.tokens.length, ok, bad, ms }));
