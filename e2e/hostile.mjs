// Hostile values in KEY fields and token LOCATIONS render inert in the browser (issue 6): kid,
// x5t, issuer and cloud members of a JWKS, a certificate-less key with hostile `alg`/`use`, the
// key set's source URL and declared issuer as typed by the analyst, and header, cookie, query
// and JSON-path names around a token. Each check asserts that no payload ran (they all set
// window.__pwned), that no element was injected (img, script, iframe, svg, style, object, embed,
// link, form, math and javascript: links are counted before and after), that the page is still
// visible, and that bidi and zero-width characters show as U+XXXX markers.
// Every value is generated here (an HMAC key and a P-256 key from node:crypto).
// Usage: node e2e/hostile.mjs DIST_DIR. One line per check; exits 1 on failure.
import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { serveDir } from "./serve.mjs";
import { launch } from "./browser.mjs";
import { assert, checks } from "./harness.mjs";

const dist = process.argv[2] ?? "dist";
const outDir = join(new URL("..", import.meta.url).pathname, "e2e/out");
await mkdir(outDir, { recursive: true });

const SECRET = "hostile-e2e-secret-at-least-32-bytes!";
const b64url = (s) => Buffer.from(s).toString("base64url");
function hs256(claims, header) {
  const input = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT", ...header }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

/** Payloads: each would set window.__pwned, inject an element or hide the page if it were markup. */
const H = {
  img: '<img src=x onerror="window.__pwned=1">',
  script: "<script>window.__pwned=2</script>",
  js: "javascript:window.__pwned=3",
  svg: '"><svg onload="window.__pwned=4">',
  iframe: '<iframe srcdoc="<script>parent.__pwned=5</script>"></iframe>',
  style: "</textarea></pre><style>body{display:none}</style>",
  link: '<a href="javascript:window.__pwned=6">click</a>',
  bidi: "admin\u202Egpj.exe",
  zw: "zero\u200Bwidth",
};
const KID = `${H.svg}${H.bidi}`;
const TENANT = "11111111-2222-3333-4444-555555555555";

const { check, finish } = checks();

// The key timelines' own pictures (#timelines figure > svg.tl-svg, one per verifying key) are
// Keyhole's; an svg anywhere else, or nested inside one of them, counts.
const INJECTABLE = "img, script, iframe, svg:not(#timelines figure.timeline > svg.tl-svg), style, object, embed, link, form, math, video, audio, a[href^='javascript' i]";
const state = (page) =>
  page.evaluate((sel) => {
    const main = document.querySelector("main");
    return {
      pwned: window.__pwned,
      injected: main.querySelectorAll(sel).length,
      visible: getComputedStyle(document.body).display !== "none",
    };
  }, INJECTABLE);
const markers = (page, sel) => page.$$eval(`${sel} .invisible-char`, (els) => els.map((e) => e.textContent));
/**
 * Text in the report part of the page that still holds a raw bidi control or zero-width
 * character (each should have become a U+XXXX marker): returns the offending snippets.
 */
const rawInvisible = (page) =>
  page.evaluate(async () => {
    // Token details are rendered only while open: open every card's first.
    document.querySelectorAll(".token-list details").forEach((d) => (d.open = true));
    await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const bad = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;
    const out = [];
    for (const root of document.querySelectorAll("#summary, .token-list, .key-matrix")) {
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      while (walk.nextNode()) {
        const t = walk.currentNode.textContent;
        if (bad.test(t)) out.push(JSON.stringify(t.slice(0, 80)));
      }
    }
    return out;
  });
/** Where the literal text occurs, as text (not markup), in the report part of the page. */
const shownAsText = (page, sel, text) => page.$$eval(sel, (els, t) => els.some((e) => e.textContent.includes(t)), text);

async function setField(page, selector, value) {
  await page.evaluate(
    ([sel, v]) => {
      const el = document.querySelector(sel);
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    },
    [selector, value],
  );
}
const waitTotal = (page, n) => page.waitForSelector(`#summary[data-total="${n}"]`, { timeout: 20000 });

const server = await serveDir(dist, "/");
const { context, page, consoleErrors } = await launch();
try {
  await page.goto(server.url);
  await page.waitForSelector('#summary[data-total="0"]', { timeout: 15000 });
  const before = await state(page);

  // A JWKS whose members are hostile: an HMAC key (it verifies the tokens below) with a hostile
  // kid, x5t, issuer and cloud, and a certificate-less P-256 key with hostile alg and use.
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
  const jwks = {
    keys: [
      {
        kty: "oct",
        k: b64url(SECRET),
        kid: KID,
        use: "sig",
        x5t: H.img,
        issuer: `${H.script}${H.zw}`,
        cloud_instance_name: H.iframe,
        [H.link]: H.style,
      },
      { ...ec, kid: `${H.bidi}-ec`, alg: H.img, use: H.js, key_ops: [H.svg] },
    ],
  };
  const token = hs256({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, tid: TENANT, sub: "hostile" }, { kid: KID });

  await check("hostile kid, x5t, issuer, cloud, alg and use in a JWKS, and a hostile typed source URL and issuer, render inert", async () => {
    await setField(page, "#tokens-input", token);
    await waitTotal(page, 1);
    await page.click("#add-key-set");
    await page.waitForSelector(".ks-document");
    await setField(page, ".ks-source", `${H.js}${H.img}`);
    await setField(page, ".ks-issuer", `https://login.microsoftonline.com/${H.svg}${H.bidi}/v2.0`);
    await setField(page, ".ks-document", JSON.stringify(jwks));
    await page.waitForSelector("#key-matrix", { timeout: 20000 });
    await waitTotal(page, 1);
    const line = await page.textContent(".token-card .signature-line");
    assert(line.includes("verified with trusted key"), `the hostile-kid key should still verify: ${line}`);
    const after = await state(page);
    assert(after.pwned === undefined, `a hostile key field ran script (__pwned=${after.pwned})`);
    assert(after.injected === before.injected, `elements injected: ${before.injected} before, ${after.injected} after`);
    assert(after.visible, "injected CSS hid the page");
    const raw = await rawInvisible(page);
    assert(raw.length === 0, `invisible characters shown raw, not marked: ${raw.join(", ")}`);
    const matrix = await markers(page, "#key-matrix");
    assert(matrix.includes("U+202E"), `the bidi override in the kid is not marked in the key matrix: ${matrix}`);
    const signing = await markers(page, ".token-card .signing-key");
    assert(signing.includes("U+202E"), `the bidi override in the kid is not marked in the signing key: ${signing}`);
    assert(await shownAsText(page, "#key-matrix", '"><svg onload="window.__pwned=4">'), "the kid markup is not shown as text");
    await page.locator(".key-matrix").screenshot({ path: join(outDir, "hostile-keys.png") });
  });

  await check("hostile text around a token and hostile JSON-path and HAR names render inert, with invisible characters marked", async () => {
    // Header, cookie and parameter names are HTTP tokens, so markup cannot be part of one: the
    // hostile text around them must simply stay text.
    const log = [
      `${H.img}${H.bidi} X-Auth: Bearer ${token}`,
      `Cookie: ${H.script}; session=${token}`,
      `GET https://app.example/cb?${H.svg}&code=${token}`,
    ].join("\n");
    await setField(page, "#tokens-input", log);
    await waitTotal(page, 1);
    let found = await page.textContent(".token-card .found-at");
    assert(found.includes("seen 3 times"), `found-at: ${found}`);

    // A JSON document: object keys can hold anything, and become the token's JSON path.
    const json = JSON.stringify({ [`${H.svg}${H.zw}`]: { [H.script]: [token] } });
    await setField(page, "#tokens-input", json);
    await waitTotal(page, 1);
    found = await page.textContent(".token-card .found-at");
    assert(found.includes("JSON") && found.includes("<svg onload"), `found-at: ${found}`);
    let marks = await markers(page, ".token-card .found-at");
    assert(marks.includes("U+200B"), `zero-width space in a JSON path not marked: ${marks}`);

    // A HAR file whose header name is markup with a bidi override.
    const har = JSON.stringify({
      log: { entries: [{ request: { method: "GET", url: "https://app.example/", headers: [{ name: `${H.img}${H.bidi}`, value: `Bearer ${token}` }] } }] },
    });
    await setField(page, "#tokens-input", har);
    await waitTotal(page, 1);
    found = await page.textContent(".token-card .found-at");
    assert(found.includes("HAR entry") && found.includes("<img src=x"), `found-at: ${found}`);
    marks = await markers(page, ".token-card .found-at");
    assert(marks.includes("U+202E"), `bidi override in a HAR header name not marked: ${marks}`);

    const raw = await rawInvisible(page);
    assert(raw.length === 0, `invisible characters shown raw, not marked: ${raw.join(", ")}`);
    const after = await state(page);
    assert(after.pwned === undefined, `a hostile location ran script (__pwned=${after.pwned})`);
    assert(after.injected === before.injected, `elements injected: ${before.injected} before, ${after.injected} after`);
    assert(after.visible, "injected CSS hid the page");
  });

  await check("no console errors", async () => {
    assert(consoleErrors.length === 0, consoleErrors.join("\n"));
  });
} finally {
  await context.close();
  await server.close();
}

finish("hostile", " in headless Chromium");
