// Generates crates/engine/benches/fixtures/verify.json: for each algorithm the verification
// benchmark times (RS256, PS256, ES256, ES384, EdDSA, HS256), one public JWK and one compact
// token signed with the matching private key, from freshly generated SYNTHETIC keys. The file is
// small and committed, so `cargo bench` needs no generator; re-run this only to refresh it.
// Usage: node bench/gen-verify-fixture.mjs [OUT_FILE]
import { constants, createHmac, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

const out = resolve(
  process.argv[2] ?? new URL("../crates/engine/benches/fixtures/verify.json", import.meta.url).pathname,
);
const b64u = (b) => Buffer.from(b).toString("base64url");
const claims = { iss: "https://bench.example.invalid", sub: "synthetic-subject", iat: 1793534400, exp: 1793538000 };

function entry(alg, jwk, signer) {
  const kid = `bench-${alg.toLowerCase()}`;
  const header = { typ: "JWT", alg, kid };
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return { alg, jwk: { ...jwk, kid, alg, use: "sig" }, token: `${input}.${b64u(signer(Buffer.from(input)))}` };
}
const pair = (type, options) => {
  const { privateKey, publicKey } = generateKeyPairSync(type, options);
  return { privateKey, jwk: publicKey.export({ format: "jwk" }) };
};

const rsa = pair("rsa", { modulusLength: 2048, publicExponent: 65537 });
const p256 = pair("ec", { namedCurve: "P-256" });
const p384 = pair("ec", { namedCurve: "P-384" });
const ed = pair("ed25519");
const secret = randomBytes(32);

const entries = [
  entry("RS256", rsa.jwk, (m) => sign("sha256", m, rsa.privateKey)),
  entry("PS256", rsa.jwk, (m) =>
    sign("sha256", m, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  ),
  entry("ES256", p256.jwk, (m) => sign("sha256", m, { key: p256.privateKey, dsaEncoding: "ieee-p1363" })),
  entry("ES384", p384.jwk, (m) => sign("sha384", m, { key: p384.privateKey, dsaEncoding: "ieee-p1363" })),
  entry("EdDSA", ed.jwk, (m) => sign(null, m, ed.privateKey)),
  entry("HS256", { kty: "oct", k: b64u(secret) }, (m) => createHmac("sha256", secret).update(m).digest()),
];
await mkdir(dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify(
    {
      description:
        "SYNTHETIC keys and tokens for Keyhole's verification benchmark (bench/gen-verify-fixture.mjs); never real ones.",
      entries,
    },
    null,
    2,
  ) + "\n",
);
console.log(`gen-verify-fixture: wrote ${entries.length} algorithms to ${out}`);
