// Launches Debian's Chromium headless through playwright-core (no browser download) with a fresh
// profile, and records every network request through CDP (which, unlike page.on('request'),
// also sees Chromium's own requests such as /favicon.ico).
import { chromium } from "playwright-core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), "keyhole-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  // The profile is thrown away with the browser (each run used to leave ≈5 MB in /tmp).
  context.on("close", () => rm(profile, { recursive: true, force: true }).catch(() => {}));
  const page = context.pages()[0] ?? (await context.newPage());
  const requests = [];
  const byId = new Map();
  const blocked = new Set();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  cdp.on("Network.requestWillBeSent", (e) => {
    requests.push(e.request.url);
    byId.set(e.requestId, e.request.url);
  });
  // A request the browser refused before sending (CSP, mixed content, ...) still shows up in
  // requestWillBeSent; loadingFailed with a blockedReason says it never left the page.
  cdp.on("Network.loadingFailed", (e) => {
    if (e.blockedReason) blocked.add(e.requestId);
  });
  /** URLs of requests that were not blocked by the browser itself. */
  const unblocked = () => [...byId].filter(([id]) => !blocked.has(id)).map(([, url]) => url);
  const consoleErrors = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  return { context, page, requests, unblocked, consoleErrors };
}
