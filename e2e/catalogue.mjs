// End-to-end tests of Keyhole's catalogue of published signing keys in the page (issue 14): it is
// not part of the start (no request for it until the analyst asks), loads on request from the
// page's own origin and nothing else (CDP network events), and then the page judges as the CLI
// does by default (`keyhole check`, catalogue on) on every golden case; the Known-keys lookup of
// the Storm-0558 kid, an endpoint's keys added as of a date, the per-key timeline, the JS API's
// switch. Screenshots of the views in both themes go to e2e/out/.
// Usage: node e2e/catalogue.mjs DIST_DIR (KEYHOLE_CLI as for e2e/run.mjs).
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveDir } from "./serve.mjs";
import { launch } from "./browser.mjs";
import { assert, checks } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const root = new URL("..", import.meta.url).pathname;
const outDir = join(root, "e2e/out");
const goldenDir = join(root, "crates/engine/golden/cases");
const cli = process.env.KEYHOLE_CLI ?? join(root, "target/debug/keyhole");
await mkdir(outDir, { recursive: true });

const STORM_KID = "1LTMzakihiRla_8z2BEJVXeWMqo";
const COMMON_V2 = "https://login.microsoftonline.com/common/discovery/v2.0/keys";
const b64url = (v) => Buffer.from(v).toString("base64url");
/** A token naming the Storm-0558 kid with a made-up signature: forged, whatever it claims. */
const forged = [
  b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: STORM_KID })),
  b64url(JSON.stringify({ iss: "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0", aud: "e2e", iat: 1686787200, exp: 1686790800 })),
  b64url(randomBytes(256)),
].join(".");

/** Verdicts and codes `keyhole check` gives (catalogue on, its default). */
function cliVerdicts(file) {
  assert(existsSync(cli), `the keyhole CLI was not found at ${cli} (set KEYHOLE_CLI)`);
  let out;
  try {
    out = execFileSync(cli, ["check", file], { encoding: "utf8", maxBuffer: 1 << 28 });
  } catch (e) {
    out = e.stdout; // exit status 1: a violation was found
  }
  return JSON.parse(out).tokens.map((t) => ({ verdict: t.verdict, codes: t.findings.map((f) => f.code).sort() }));
}

async function pageVerdicts(page, n) {
  await page.waitForSelector(`#summary[data-total="${n}"]`, { timeout: 30000 });
  await page.waitForFunction((k) => document.querySelectorAll("[data-verdict]").length === k, Math.min(n, 100));
  return page.$$eval("[data-verdict]", (els) =>
    els.map((e) => ({ verdict: e.dataset.verdict, codes: (e.dataset.codes ?? "").split(" ").filter(Boolean).sort() })),
  );
}

async function shoot(page, selector, name) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.locator(selector).screenshot({ path: join(outDir, `catalogue-${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

const { check, finish } = checks();
const server = await serveDir(dist, "/");
const { context, page, requests, unblocked, consoleErrors } = await launch();
const origin = new URL(server.url).origin;
const dir = await mkdtemp(join(tmpdir(), "keyhole-catalogue-e2e-"));
const forgedCase = join(dir, "forged.json");
await writeFile(forgedCase, JSON.stringify({ tokens: [forged] }));
try {
  await check("the catalogue is not loaded at start", async () => {
    await page.goto(server.url);
    await page.waitForSelector("#catalogue-load", { timeout: 15000 });
    assert(!requests.some((u) => u.includes("keyhole-catalogue")), requests.join("\n"));
  });

  await check("a token naming a kid no supplied key holds gets the catalogue offered", async () => {
    await page.setInputFiles("input#case-file", forgedCase);
    const before = await pageVerdicts(page, 1);
    assert(before[0].verdict === "unverified", JSON.stringify(before));
    const offer = await page.textContent("#catalogue-offer");
    assert(offer.includes("1 token(s) name a key"), offer);
    await shoot(page, "#known-keys", "offer");
  });

  await check("loading it requests only keyhole-catalogue.js from the page's origin, then the verdict is the CLI's", async () => {
    const start = requests.length;
    await page.evaluate(() => {
      self.__longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => self.__longTasks.push(Math.round(e.duration)))).observe({ type: "longtask" });
    });
    await page.click("#catalogue-load");
    await page.waitForSelector("#catalogue-status", { timeout: 30000 });
    const added = requests.slice(start).filter((u) => !u.startsWith("data:"));
    assert(added.filter((u) => u === `${origin}/keyhole-catalogue.js`).length === 1, `requests: ${added.join(", ")}`);
    assert(added.every((u) => u.startsWith(`${origin}/`)), `requests: ${added.join(", ")}`);
    const foreign = unblocked().filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"));
    assert(foreign.length === 0, `requests off the page's origin: ${foreign.join(", ")}`);
    await page.waitForSelector('[data-verdict="invalid"]', { timeout: 30000 });
    const got = await pageVerdicts(page, 1);
    const want = cliVerdicts(forgedCase);
    assert(JSON.stringify(got) === JSON.stringify(want), `page ${JSON.stringify(got)}\nCLI ${JSON.stringify(want)}`);
    const status = await page.textContent("#catalogue-status");
    assert(/keys published up to \d{4}-\d{2}/.test(status), status);
    // Reading the catalogue and its first use happen on the page's main thread (issue 6: no
    // task over 200 ms).
    const longest = Math.max(0, ...(await page.evaluate(() => self.__longTasks)));
    console.log(`       longest main-thread task while loading and consulting the catalogue: ${longest} ms`);
    assert(longest < 200, `a ${longest} ms task`);
  });

  const cases = (await readdir(goldenDir)).filter((f) => f.endsWith(".json")).sort();
  for (const file of cases) {
    await check(`with the catalogue loaded, golden case ${file} gives the verdicts and codes of keyhole check`, async () => {
      const want = cliVerdicts(join(goldenDir, file));
      await page.setInputFiles("input#case-file", join(goldenDir, file));
      const got = await pageVerdicts(page, want.length);
      assert(JSON.stringify(got) === JSON.stringify(want), `page ${JSON.stringify(got)}\nCLI ${JSON.stringify(want)}`);
    });
  }

  await check("the timeline draws every verifying key's tokens, with a text alternative", async () => {
    // From an empty page, so that no timeline of the previous case can answer the wait.
    await page.click("#reset");
    await page.waitForSelector("#timelines", { state: "detached", timeout: 30000 });
    await page.setInputFiles("input#case-file", join(goldenDir, "storm-0558.json"));
    await pageVerdicts(page, 2);
    await page.click("#timelines summary");
    await page.waitForSelector("#timelines figure svg", { timeout: 30000 });
    const figures = await page.$$eval("#timelines figure", (fs) =>
      fs.map((f) => ({
        tokens: Number(f.querySelector("svg").dataset.tokens),
        marks: f.querySelectorAll("svg circle").length,
        title: f.querySelector("svg title")?.textContent ?? "",
        text: f.querySelector(".tl-text")?.textContent ?? "",
      })),
    );
    assert(figures.length >= 1, "no timeline");
    for (const f of figures) {
      assert(f.marks >= 1 && f.marks <= f.tokens, JSON.stringify(f));
      assert(f.title.startsWith("Timeline of key") && f.text.includes("Signed"), JSON.stringify(f));
    }
    await shoot(page, "#timelines", "timeline");
  });

  await check("Known keys: the Storm-0558 kid shows the key's history", async () => {
    await page.fill("#known-keys-query", STORM_KID);
    const card = page.locator(`.known-key[data-kid="${STORM_KID}"]`);
    await card.waitFor({ timeout: 10000 });
    const text = await card.textContent();
    for (const want of ["Live ID STS Signing Public Key", "2016-04-05", COMMON_V2, "2023-06-27", "Storm-0558"]) {
      assert(text.includes(want), `missing ${want} in: ${text.slice(0, 400)}`);
    }
    await shoot(page, "#known-keys", "known-keys");
  });

  await check("Known keys: an endpoint's keys as of a date become a key set holding that day's keys", async () => {
    await page.click("#reset");
    await page.fill("#known-keys-query", STORM_KID);
    await page.selectOption("#catalogue-endpoint", COMMON_V2);
    await page.fill("#catalogue-date", "2023-06-01");
    await page.dispatchEvent("#catalogue-date", "change");
    await page.click("#catalogue-add");
    // The key set comes from the document module (loaded on first use): wait for it.
    await page.waitForFunction(
      (url) => [...document.querySelectorAll(".key-set .ks-source")].some((e) => e.value === url),
      COMMON_V2,
      { timeout: 10000 },
    );
    const source = page.locator(".key-set .ks-source").last();
    assert((await source.inputValue()) === COMMON_V2, await source.inputValue());
    const doc = JSON.parse(await page.locator(".key-set .ks-document").last().inputValue());
    const kids = doc.keys.map((k) => k.kid);
    assert(kids.includes(STORM_KID) && kids.length > 1, kids.join(", "));
    // The forged token is now judged against that key set, not the catalogue: still invalid.
    await page.fill("#tokens-input", forged);
    const got = await pageVerdicts(page, 1);
    assert(got[0].verdict === "invalid", JSON.stringify(got));
    const notice = await page.textContent(".notice");
    assert(notice.includes("2023-06-01"), notice);
  });

  await check("the case switch turns the catalogue off, as --no-catalogue", async () => {
    await page.click("#reset");
    await page.fill("#tokens-input", forged);
    await page.waitForSelector('[data-verdict="invalid"]', { timeout: 30000 });
    await page.uncheck("#catalogue-consult");
    await page.waitForSelector('[data-verdict="unverified"]', { timeout: 30000 });
    await page.check("#catalogue-consult");
    await page.waitForSelector('[data-verdict="invalid"]', { timeout: 30000 });
  });

  await check("the JS API consults the catalogue unless the case says catalogue: false", async () => {
    const [on, off] = await page.evaluate(async (t) => {
      const a = await wasm_bindgen.analyze({ tokens: [t] });
      const b = await wasm_bindgen.analyze({ tokens: [t], catalogue: false });
      return [a.tokens[0].verdict, b.tokens[0].verdict];
    }, forged);
    assert(on === "invalid" && off === "unverified", `${on} / ${off}`);
  });

  await check("still no request off the page's origin, and no console errors", async () => {
    const foreign = unblocked().filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"));
    assert(foreign.length === 0, foreign.join(", "));
    assert(consoleErrors.length === 0, consoleErrors.join("\n"));
  });
} finally {
  await context.close();
  await server.close();
}

finish("catalogue e2e", " in headless Chromium (screenshots in e2e/out/catalogue-*.png)");
