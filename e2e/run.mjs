// End-to-end tests: serve dist/ on 127.0.0.1, open it in headless Chromium, act like an analyst,
// and read the results from the DOM. Usage: node e2e/run.mjs DIST_DIR
// Prints one line per check and a count; exits 1 if any check fails.
import { createHmac } from "node:crypto";
import { mkdir } from "node:fs/promises";
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
const { context, page, requests, consoleErrors } = await launch();
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
    const foreign = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("data:"));
    assert(foreign.length === 0, `foreign requests: ${foreign.join(", ")}`);
    assert(requests.length > 0, "CDP saw no requests at all: the audit is not working");
  });

  await check("no console errors", async () => {
    assert(consoleErrors.length === 0, consoleErrors.join("\n"));
  });
} finally {
  await context.close();
  await server.close();
}

const failed = results.filter(([, ok]) => !ok).length;
console.log(`e2e: ${results.length - failed} of ${results.length} browser checks passed in headless Chromium (screenshots in e2e/out/)`);
process.exit(failed ? 1 : 0);
