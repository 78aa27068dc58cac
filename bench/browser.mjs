// Browser benchmarks in headless Chromium (issue 7), Keyhole against panva/jose in the same
// browser, same run, same tokens:
//  - batch: Keyhole's time from opening a case file (the input#case-file change event) to the
//    complete report (#summary[data-total=N]) and its first page of token cards, versus jose
//    (`jwtVerify` + `createLocalJWKSet`, WebCrypto) verifying the same tokens in a page served
//    on 127.0.0.1 (a secure context), sequentially and all at once (Promise.all);
//  - load: navigation start to the first verdict for a pasted sample token.
// Usage: node bench/browser.mjs [--dist dist] [--cases bench/out] [--runs 5] [--load-runs 10]
//                               [--json bench/out/browser.json]
// Needs the built app (trunk build --release) and the cases (node bench/gen-case.mjs).
import { cp, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { serveDir } from "../e2e/serve.mjs";
import { launch } from "../e2e/browser.mjs";
import { stats } from "./stats.mjs";

const root = new URL("..", import.meta.url).pathname;
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i < 0 ? dflt : argv[i + 1];
};
const dist = resolve(arg("--dist", join(root, "dist")));
const casesDir = resolve(arg("--cases", join(root, "bench/out")));
const runs = Number(arg("--runs", 5));
const loadRuns = Number(arg("--load-runs", 10));
const jsonOut = arg("--json", join(casesDir, "browser.json"));
const caseNames = (arg("--case-names", "rs256-10k,mix-10k") ?? "").split(",").filter(Boolean);
for (const c of caseNames) {
  if (!existsSync(join(casesDir, `${c}.json`))) {
    console.error(`browser bench: ${join(casesDir, c + ".json")} is missing; run node bench/gen-case.mjs`);
    process.exit(2);
  }
}
if (!existsSync(join(dist, "index.html"))) {
  console.error(`browser bench: ${dist}/index.html is missing; run trunk build --release`);
  process.exit(2);
}

// The jose page: jose's browser build (ESM, node_modules/jose/dist/webapi) next to a bench page.
const joseDir = await mkdtemp(join(tmpdir(), "keyhole-bench-jose-"));
await cp(join(root, "node_modules/jose/dist/webapi"), join(joseDir, "jose"), { recursive: true });
for (const c of caseNames) await symlink(join(casesDir, `${c}.json`), join(joseDir, `${c}.json`));
await writeFile(
  join(joseDir, "index.html"),
  `<!DOCTYPE html><meta charset="utf-8"><title>jose bench</title>
<script type="module">
import * as jose from "./jose/index.js";
// One timed batch: parse the case, build the key set, verify every token. The case text is
// fetched beforehand (Keyhole's measurement likewise starts with the file already chosen).
window.joseBatch = async (name, mode) => {
  const text = await (await fetch("./" + name + ".json")).text();
  const t0 = performance.now();
  const c = JSON.parse(text);
  const jwks = jose.createLocalJWKSet(c.key_sets[0].document);
  const options = { currentDate: new Date(c.now * 1000) };
  let ok = 0, bad = 0;
  if (mode === "sequential") {
    for (const t of c.tokens) {
      try { await jose.jwtVerify(t, jwks, options); ok++; } catch { bad++; }
    }
  } else {
    const results = await Promise.allSettled(c.tokens.map((t) => jose.jwtVerify(t, jwks, options)));
    for (const r of results) r.status === "fulfilled" ? ok++ : bad++;
  }
  return { ms: performance.now() - t0, ok, bad, secure: isSecureContext };
};
window.joseReady = true;
</script>`,
);

const app = await serveDir(dist, "/");
const peer = await serveDir(joseDir, "/");
const { context, page, consoleErrors } = await launch();
const cdp = await context.newCDPSession(page);
const results = { when: new Date().toISOString(), chromium: "", runs, loadRuns, load_average_before: loadavg(), batch: {}, load: null };
results.chromium = context.browser()?.version() ?? "";
const log = (s) => console.error(s);

/** One Keyhole batch run: fresh page, open the case file, wait for the report and its cards. */
async function keyholeBatch(name, expected) {
  await page.goto(app.url);
  await page.waitForSelector("#tokens-input", { timeout: 30000 });
  await page.evaluate((n) => {
    window.__bench = {};
    document.addEventListener(
      "change",
      (e) => {
        if (e.target.id === "case-file") window.__bench.opened = performance.now();
      },
      true,
    );
    const cards = Math.min(100, n);
    const seen = () => {
      const b = window.__bench;
      if (!b.report && document.querySelector(`#summary[data-total="${n}"]`)) b.report = performance.now();
      if (b.report && !b.cards && document.querySelectorAll("[data-verdict]").length >= cards) b.cards = performance.now();
    };
    new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, expected.total);
  const wall0 = performance.now();
  await page.setInputFiles("input#case-file", join(casesDir, `${name}.json`));
  await page.waitForFunction(() => window.__bench.report && window.__bench.cards, null, { timeout: 600000, polling: 50 });
  const wall = performance.now() - wall0;
  const b = await page.evaluate(() => window.__bench);
  const summary = await page.evaluate(() => ({ ...document.querySelector("#summary").dataset }));
  const status = (await page.textContent("#summary .status").catch(() => "")) ?? "";
  return { report_ms: b.report - b.opened, cards_ms: b.cards - b.opened, wall_ms: wall, summary, status: status.trim() };
}

try {
  for (const name of caseNames) {
    const text = await readFile(join(casesDir, `${name}.json`), "utf8");
    const total = JSON.parse(text).tokens.length;
    const keyhole = [];
    for (let i = 0; i < runs; i++) {
      const r = await keyholeBatch(name, { total });
      log(`  keyhole ${name} run ${i + 1}: report ${r.report_ms.toFixed(0)} ms, cards ${r.cards_ms.toFixed(0)} ms (${r.status})`);
      keyhole.push(r);
    }
    const jp = await context.newPage();
    await jp.goto(peer.url);
    await jp.waitForFunction(() => window.joseReady === true);
    const jose = { sequential: [], concurrent: [] };
    for (const mode of ["sequential", "concurrent"]) {
      for (let i = 0; i < runs; i++) {
        const r = await jp.evaluate(([n, m]) => window.joseBatch(n, m), [name, mode]);
        log(`  jose ${name} ${mode} run ${i + 1}: ${r.ms.toFixed(0)} ms (${r.ok} verified, ${r.bad} rejected, secure context ${r.secure})`);
        jose[mode].push(r);
      }
    }
    await jp.close();
    const k = stats(keyhole.map((r) => r.report_ms));
    const jSeq = stats(jose.sequential.map((r) => r.ms));
    const jCon = stats(jose.concurrent.map((r) => r.ms));
    const best = Math.min(jSeq.median, jCon.median);
    results.batch[name] = {
      tokens: total,
      keyhole_report_ms: k,
      keyhole_cards_ms: stats(keyhole.map((r) => r.cards_ms)),
      keyhole_summary: keyhole[0].summary,
      keyhole_status: keyhole[0].status,
      jose_sequential_ms: jSeq,
      jose_concurrent_ms: jCon,
      jose_verified: jose.sequential[0].ok,
      jose_rejected: jose.sequential[0].bad,
      jose_secure_context: jose.sequential[0].secure,
      ratio_keyhole_over_jose_best: k.median / best,
      keyhole_us_per_token: (1000 * k.median) / total,
      jose_best_us_per_token: (1000 * best) / total,
    };
  }

  // Load: navigation start to the first verdict of a pasted sample token, cache disabled.
  const clean = JSON.parse(await readFile(join(root, "crates/engine/golden/cases/clean.json"), "utf8"));
  const sample = clean.tokens[0];
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const load = [];
  for (let i = 0; i < loadRuns; i++) {
    await page.goto("about:blank");
    await page.goto(app.url, { waitUntil: "commit" });
    await page.waitForSelector("#tokens-input", { timeout: 30000 });
    const r = await page.evaluate(
      (token) =>
        new Promise((ok) => {
          const ready = performance.now();
          const done = () => {
            if (document.querySelector("[data-verdict]")) {
              ok({ ready, verdict: performance.now() });
              return true;
            }
            return false;
          };
          new MutationObserver(() => done()).observe(document.body, { subtree: true, childList: true, attributes: true });
          const input = document.querySelector("#tokens-input");
          input.value = token;
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }),
      sample,
    );
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType("navigation")[0];
      return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd };
    });
    log(`  load run ${i + 1}: app ready ${r.ready.toFixed(0)} ms, first verdict ${r.verdict.toFixed(0)} ms after navigation start`);
    load.push({ ...r, ...nav });
  }
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  results.load = {
    sample: "crates/engine/golden/cases/clean.json tokens[0], typed into #tokens-input",
    ready_ms: stats(load.map((r) => r.ready)),
    first_verdict_ms: stats(load.map((r) => r.verdict)),
    dom_content_loaded_ms: stats(load.map((r) => r.dcl)),
  };
} finally {
  await context.close();
  await app.close();
  await peer.close();
}
results.load_average_after = loadavg();
if (consoleErrors.length) results.console_errors = consoleErrors;
await writeFile(jsonOut, JSON.stringify(results, null, 2) + "\n");
console.log(JSON.stringify(results, null, 2));

