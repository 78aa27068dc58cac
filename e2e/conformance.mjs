// The conformance suites through every verifier the browser uses. The engine's native
// conformance tests (RFC 7515/7520/7797/8037 and Wycheproof, read from ../shared) record every
// signature check they put to jsonwebtoken with its answer (KEYHOLE_EXPORT_CHECKS, see
// crates/engine/tests/common); this script puts the same checks, in headless Chromium, to
// WebCrypto (`keyholeWebCryptoAnswers`: the app's WebCrypto code, in the on-demand fallback
// verifier module) and to the on-demand pure-Rust verifier module
// (`keyholeRustVerifier`, jsonwebtoken compiled to wasm), and asserts:
//  - the wasm reference verifier answers exactly as the native one;
//  - WebCrypto never says "verified" where jsonwebtoken does not, and for the algorithms whose
//    "not verified" the app takes from WebCrypto as final (RS*, ES*, HS*: the page answers
//    `wasm_bindgen.webcryptoAnswerIsFinal`, the engine's `policy::webcrypto_answer_is_final`,
//    which the app's verifier follows) never says "not verified" where
//    jsonwebtoken says anything else: the app uses those answers as is and lets jsonwebtoken
//    decide everything else, so this is what makes every verdict independent of which verifier
//    answered.
// Where WebCrypto cannot answer, or says "invalid" for PS*/EdDSA, the app's verdict is
// jsonwebtoken's; those cases are counted and printed.
// Usage: node e2e/conformance.mjs DIST_DIR CHECKS_JSONL
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";

const [dist = "dist", checksFile] = process.argv.slice(2);
/** CI=true: CI always has ../shared, so no data there is a failure, not a skip (as in
 * crates/engine/tests/common `fixture`). */
const IN_CI = !["", "0", "false"].includes((process.env.CI ?? "").trim());
/** Without data nothing is asserted: say so visibly, and fail under CI. */
function noData(why) {
  if (IN_CI) {
    console.error(`FAIL: conformance: ${why}, and CI=true (CI must have ../shared)`);
    process.exit(1);
  }
  console.log(`skipped: conformance (browser verifiers) — ${why}`);
  process.exit(0);
}
if (!checksFile || !existsSync(checksFile)) {
  noData(`no recorded checks at ${checksFile} (../shared not found, so the conformance suites were skipped)`);
}
const recorded = (await readFile(checksFile, "utf8"))
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l));
if (recorded.length === 0) {
  noData("the conformance suites recorded no checks (../shared not found)");
}
const request = JSON.stringify(recorded.map((r) => r.check));

// Loaded only when there is something to check, so the skip above needs no browser.
const { serveDir } = await import("./serve.mjs");
const { launch } = await import("./browser.mjs");

const server = await serveDir(dist, "/");
const { context, page, consoleErrors } = await launch();
let failures = [];
try {
  await page.goto(server.url);
  await page.waitForSelector("#tokens-input", { timeout: 15000 });
  const algs = [...new Set(recorded.map((r) => r.check.alg))];
  const { web, rust, falseIsFinal } = await page.evaluate(async ({ req, algs }) => {
    const web = await keyholeWebCryptoAnswers(req);
    const rust = JSON.parse(await keyholeRustVerifier(req));
    // The algorithms whose "not verified" from WebCrypto the app takes as final, as the
    // engine decides them (no copy of that policy here).
    const falseIsFinal = algs.filter((alg) => wasm_bindgen.webcryptoAnswerIsFinal(alg, false));
    return { web, rust, falseIsFinal };
  }, { req: request, algs });
  const FALSE_IS_FINAL = new Set(falseIsFinal);
  console.log(`  WebCrypto's "not verified" is final for: ${[...FALSE_IS_FINAL].sort().join(", ") || "none"}`);
  if (web.length !== recorded.length || rust.length !== recorded.length) {
    failures.push(`answers: WebCrypto ${web.length}, wasm jsonwebtoken ${rust.length}, asked ${recorded.length}`);
  }
  const stats = {};
  recorded.forEach((r, i) => {
    const alg = r.check.alg;
    const s = (stats[alg] ??= { checks: 0, verified: 0, webcrypto_agrees: 0, decided_by_jsonwebtoken: 0 });
    s.checks++;
    const reference = r.jsonwebtoken; // true | false | null (error)
    const wasm = "verified" in (rust[i] ?? {}) ? rust[i].verified : null;
    if (wasm !== reference) failures.push(`check ${i} (${alg}): wasm jsonwebtoken says ${wasm}, native says ${reference}`);
    if (web[i] === true && reference !== true) {
      failures.push(`check ${i} (${alg}): WebCrypto says verified, jsonwebtoken says ${reference}`);
    }
    if (web[i] === false && FALSE_IS_FINAL.has(alg) && reference !== false) {
      failures.push(`check ${i} (${alg}): WebCrypto says not verified (final for ${alg}), jsonwebtoken says ${reference}`);
    }
    if (reference === true) s.verified++;
    if (web[i] === reference) s.webcrypto_agrees++;
    else s.decided_by_jsonwebtoken++;
  });
  console.log(`e2e conformance: ${recorded.length} checks from the RFC and Wycheproof suites, per algorithm:`);
  for (const [alg, s] of Object.entries(stats).sort()) {
    console.log(
      `  ${alg.padEnd(6)} ${String(s.checks).padStart(4)} checks, ${String(s.verified).padStart(3)} verify; ` +
        `WebCrypto agrees on ${s.webcrypto_agrees}, jsonwebtoken decides ${s.decided_by_jsonwebtoken}`,
    );
  }
  if (consoleErrors.length) failures.push(`console errors: ${consoleErrors.join("; ")}`);
} finally {
  await context.close();
  await server.close();
}
if (failures.length) {
  console.log(`  FAIL ${failures.length} disagreements:\n    ${failures.slice(0, 40).join("\n    ")}`);
  process.exit(1);
}
console.log("  ok   WebCrypto never verifies what jsonwebtoken refuses, its final refusals (RS/ES/HS) are jsonwebtoken's; wasm jsonwebtoken answers as native");
