// Generates the batch benchmark cases (issue 7): Keyhole case files of 10,000 synthetic tokens
// for 1,000 organisational tenants, signed by freshly generated keys (never real ones).
//   rs256-10k.json  10,000 valid RS256 tokens against one 10-key RSA JWKS
//   mix-10k.json    a 10-key JWKS (8 RSA-2048 + 2 EC P-256): 7,000 valid RS256, 2,000 valid
//                   ES256, 500 RS256 and 500 ES256 tokens with invalid signatures
// Every file is a Keyhole case file (crates/engine/src/case.rs) with a fixed `now`, so the CLI,
// the web app and jose all see exactly the same tokens and keys.
// Usage: node bench/gen-case.mjs [OUT_DIR=bench/out] [--tokens N] [--tenants N]
// The cases are large (≈13 MB each) and regenerated on demand; bench/out/ is not committed.
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive integer`);
  return v;
};
const TOKENS = opt("--tokens", 10_000);
const TENANTS = opt("--tenants", 1_000);
const outDir = resolve(args[0] ?? new URL("./out", import.meta.url).pathname);

// 2026-11-01T12:00:00Z, as in the golden cases: every token is valid at this time.
const NOW = 1793534400;
const SOURCE = "https://login.microsoftonline.com/common/discovery/v2.0/keys";
const b64u = (b) => Buffer.from(b).toString("base64url");
/** A deterministic, syntactically valid tenant id for tenant number i. */
const tenant = (i) => {
  const h = createHash("sha256").update(`keyhole-bench-tenant-${i}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const kidOf = (jwk) => b64u(createHash("sha1").update(jwk.n ?? jwk.x + jwk.y).digest()).slice(0, 27);

function rsaKey() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
  const pub = publicKey.export({ format: "jwk" });
  const kid = kidOf(pub);
  return { privateKey, alg: "RS256", jwk: { kty: "RSA", use: "sig", kid, n: pub.n, e: pub.e, issuer: "https://login.microsoftonline.com/{tenantid}/v2.0" } };
}
function ecKey() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pub = publicKey.export({ format: "jwk" });
  const kid = kidOf(pub);
  return { privateKey, alg: "ES256", jwk: { kty: "EC", use: "sig", crv: "P-256", kid, x: pub.x, y: pub.y, alg: "ES256", issuer: "https://login.microsoftonline.com/{tenantid}/v2.0" } };
}

/** A compact JWS for token number i, signed with `key`; `tamper` makes its signature invalid. */
function token(i, key, tamper) {
  const tid = tenant(i % TENANTS);
  const header = { typ: "JWT", alg: key.alg, kid: key.jwk.kid };
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
  const sig =
    key.alg === "RS256"
      ? sign("sha256", Buffer.from(input), key.privateKey)
      : sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  if (tamper) sig[sig.length >> 1] ^= 0x01;
  return `${input}.${b64u(sig)}`;
}

function caseFile(name, description, keys, tokens) {
  return {
    now: NOW,
    name,
    description,
    key_sets: [{ source: SOURCE, issuer: null, document: { keys: keys.map((k) => k.jwk) } }],
    tokens,
  };
}

await mkdir(outDir, { recursive: true });
const t0 = performance.now();

const rsa10 = Array.from({ length: 10 }, rsaKey);
const rs256 = Array.from({ length: TOKENS }, (_, i) => token(i, rsa10[i % rsa10.length], false));
await writeFile(
  join(outDir, "rs256-10k.json"),
  JSON.stringify(
    caseFile(
      "benchmark: RS256 batch",
      `SYNTHETIC. ${TOKENS} valid RS256 tokens for ${TENANTS} tenants against a 10-key JWKS (issue 7 batch benchmark).`,
      rsa10,
      rs256,
    ),
  ),
);

// The mix: 70 % valid RS256, 20 % valid ES256, 5 % + 5 % invalid signatures (RS256, ES256).
const rsa8 = rsa10.slice(0, 8);
const ec2 = [ecKey(), ecKey()];
const mix = Array.from({ length: TOKENS }, (_, i) => {
  const slot = i % 20;
  if (slot < 14) return token(i, rsa8[i % 8], false);
  if (slot < 18) return token(i, ec2[i % 2], false);
  if (slot === 18) return token(i, rsa8[i % 8], true);
  return token(i, ec2[i % 2], true);
});
await writeFile(
  join(outDir, "mix-10k.json"),
  JSON.stringify(
    caseFile(
      "benchmark: RS256/ES256 mix with invalid signatures",
      `SYNTHETIC. ${TOKENS} tokens for ${TENANTS} tenants against a 10-key JWKS (8 RSA, 2 EC P-256): 70% valid RS256, 20% valid ES256, 10% invalid signatures.`,
      [...rsa8, ...ec2],
      mix,
    ),
  ),
);
console.log(
  `gen-case: wrote rs256-10k.json and mix-10k.json (${TOKENS} tokens, ${TENANTS} tenants each) to ${outDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
