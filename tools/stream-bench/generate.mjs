// Generates the `keyhole check --stream` benchmark input (issue 17): N tokens (default
// 1,000,000) as NDJSON, one `{"token": …}` per line, 10 % of them repeats of a recent token,
// signed RS256 by 3 freshly generated RSA-2048 keys (never real ones) for 1,000 tenants, plus
// the 3 keys' JWKS. Every token is valid at NOW (the golden cases' 2026-11-01T12:00:00Z).
//   OUT/keys.json       the JWKS (pass with --keys and the Microsoft common v2 --source)
//   OUT/tokens.ndjson   the tokens (≈1 KB a line: ≈1 GB for a million)
//   OUT/tokens.log      with --text: the same tokens as access-log lines with `Authorization:
//                       Bearer …` (text to search rather than JSON)
// RSA signing is the cost (≈0.7 ms a token on one core): the distinct tokens are signed by one
// worker per core, each writing its own part; the parts are then joined with the repeats.
// Usage: node tools/stream-bench/generate.mjs [OUT=bench/out/stream] [--tokens N] [--text]
import { createHash, generateKeyPairSync, sign, createPrivateKey } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const NOW = 1793534400;
const TENANTS = 1000;
const REPEAT_EVERY = 10; // one line in ten repeats a recent token
const RECENT = 50_000; // repeats come from the last RECENT distinct tokens
const b64u = (b) => Buffer.from(b).toString("base64url");

const tenant = (i) => {
  const h = createHash("sha256").update(`keyhole-bench-tenant-${i}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** Distinct token number i, signed with keys[i % 3]. */
function token(i, keys) {
  const key = keys[i % keys.length];
  const tid = tenant(i % TENANTS);
  const header = { typ: "JWT", alg: "RS256", kid: key.kid };
  const claims = {
    aud: "00000002-0000-0ff1-ce00-000000000000",
    iss: `https://login.microsoftonline.com/${tid}/v2.0`,
    iat: NOW - 600,
    nbf: NOW - 600,
    exp: NOW + 3000,
    tid,
    ver: "2.0",
    oid: `0f0f0f0f-aaaa-4bbb-8ccc-${String(i).padStart(12, "0")}`,
    sub: `synthetic-subject-${i}`,
    preferred_username: `user${i}@example.invalid`,
    scp: "Mail.Read",
  };
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return `${input}.${b64u(sign("sha256", Buffer.from(input), key.privateKey))}`;
}

function write(stream, text) {
  return stream.write(text) ? null : new Promise((r) => stream.once("drain", r));
}

if (!isMainThread) {
  // A worker: distinct tokens [from, to) into its part file.
  const { from, to, part, keys } = workerData;
  const signing = keys.map((k) => ({ kid: k.kid, privateKey: createPrivateKey(k.pem) }));
  const out = createWriteStream(part);
  for (let i = from; i < to; i++) {
    const wait = write(out, token(i, signing) + "\n");
    if (wait) await wait;
  }
  out.end(() => parentPort.postMessage("done"));
} else {
  const args = process.argv.slice(2);
  const flag = (name) => {
    const i = args.indexOf(name);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    if (i < 0) return dflt;
    const v = Number(args[i + 1]);
    args.splice(i, 2);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive integer`);
    return v;
  };
  const N = opt("--tokens", 1_000_000);
  const text = flag("--text");
  const out = resolve(args[0] ?? "bench/out/stream");
  mkdirSync(out, { recursive: true });
  const t0 = performance.now();

  const keys = [0, 1, 2].map(() => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
    const pub = publicKey.export({ format: "jwk" });
    const kid = b64u(createHash("sha1").update(pub.n).digest()).slice(0, 27);
    return {
      kid,
      pem: privateKey.export({ format: "pem", type: "pkcs8" }),
      jwk: { kty: "RSA", use: "sig", kid, n: pub.n, e: pub.e, issuer: "https://login.microsoftonline.com/{tenantid}/v2.0" },
    };
  });
  writeFileSync(join(out, "keys.json"), JSON.stringify({ keys: keys.map((k) => k.jwk) }, null, 1));

  // Lines n with n % 10 == 9 are repeats: the rest are the distinct tokens, in order.
  const distinct = N - Math.floor((N + 1) / REPEAT_EVERY);
  const workers = Math.max(1, availableParallelism());
  const parts = [];
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const from = Math.floor((distinct * w) / workers);
      const to = Math.floor((distinct * (w + 1)) / workers);
      const part = join(out, `part-${w}.txt`);
      parts.push(part);
      return new Promise((res, rej) => {
        const worker = new Worker(new URL(import.meta.url), {
          workerData: { from, to, part, keys: keys.map(({ kid, pem }) => ({ kid, pem })) },
        });
        worker.on("message", res);
        worker.on("error", rej);
      });
    }),
  );
  console.error(`signed ${distinct} distinct tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const ndjson = createWriteStream(join(out, "tokens.ndjson"));
  const log = text ? createWriteStream(join(out, "tokens.log")) : null;
  const recent = [];
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  let line = 0;
  const emit = async (t) => {
    let wait = write(ndjson, `{"token":"${t}"}\n`);
    if (wait) await wait;
    if (log) {
      wait = write(log, `203.0.113.${line % 250} - - [01/Nov/2026:12:00:00 +0000] "GET /api/me HTTP/1.1" 200 512 Authorization: Bearer ${t}\n`);
      if (wait) await wait;
    }
    line++;
  };
  for (const part of parts) {
    for await (const t of createInterface({ input: createReadStream(part), crlfDelay: Infinity })) {
      while (line % REPEAT_EVERY === REPEAT_EVERY - 1 && recent.length > 0 && line < N) {
        await emit(recent[rand() % recent.length]);
      }
      await emit(t);
      recent.push(t);
      if (recent.length > RECENT) recent.splice(0, recent.length - RECENT / 2);
    }
    rmSync(part);
  }
  while (line < N) await emit(recent[rand() % recent.length]);
  await Promise.all([ndjson, log].filter(Boolean).map((s) => new Promise((r) => s.end(r))));
  console.error(`wrote ${line} lines (${distinct} distinct tokens) to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
