#!/usr/bin/env python3
"""Writes the fuzz seed corpora into fuzz/corpus/TARGET/ (gitignored).

Seeds come from two places:
  1. the project's own samples: the golden cases (crates/engine/golden/cases/*.json), the tokens,
     key documents and certificates inside them, and small synthetic logs, HTTP exchanges, HAR
     files and token variants made here from those tokens;
  2. third-party fixtures in ../shared/fixtures (or $KEYHOLE_SHARED/fixtures), read at run time:
     every token, JWK, JWKS and OpenID configuration found in them, and small cases combining a
     real key set with a real token. They are copied only into the gitignored corpus directory,
     never into the repository. When the folder is absent this part is skipped with a message.

Each seed is named by the SHA-1 of its content (libFuzzer's convention), so re-running is
idempotent. Standard library only. Usage: python3 fuzz/seeds.py [CORPUS_DIR]
"""

import base64
import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "crates" / "engine" / "golden" / "cases"
TARGETS = ("extract_tokens", "parse_token", "parse_key_set", "analyze_case")
MAX_SEED = 16 * 1024  # larger seeds slow every execution; the fuzzer's -max_len matches this
MAX_SHARED_TOKENS = 150
TOKEN_RE = re.compile(r"e[yw][A-Za-z0-9_-]*\.[A-Za-z0-9_.-]*")


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Corpus:
    def __init__(self, out: Path):
        self.out = out
        self.counts = {t: 0 for t in TARGETS}
        for t in TARGETS:
            (out / t).mkdir(parents=True, exist_ok=True)

    def add(self, target: str, seed) -> None:
        data = seed.encode() if isinstance(seed, str) else seed
        if not data or len(data) > MAX_SEED:
            return
        path = self.out / target / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            self.counts[target] += 1


def walk(value):
    """Every JSON value inside `value`, depth first."""
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def token_variants(token: str):
    """The token itself and shapes the parsers must also handle."""
    yield token
    parts = token.split(".")
    if len(parts) != 3:
        return
    h, p, s = parts
    yield f"{h}.{p}."  # unsigned
    yield f"{h}.{p}"  # truncated
    yield f"{h}..{s}"  # detached payload
    yield f"{h}.{p}.{s[: len(s) // 2]}"  # truncated signature
    yield b64u(b'{"alg":"none","typ":"JWT"}') + f".{p}."
    yield b64u(b'{"alg":"HS256","b64":false,"crit":["b64"]}') + ".raw payload." + s
    yield b64u(b'{"alg":"RSA-OAEP","enc":"A256GCM","kid":"k"}') + ".AAAA.AAAA.AAAA.AAAA"
    yield b64u(b'{"alg":"RS256","cty":"JWT"}') + "." + b64u(token.encode()) + "." + s
    yield json.dumps({"payload": p, "protected": h, "signature": s})
    yield json.dumps(
        {"payload": p, "signatures": [{"protected": h, "header": {"kid": "x"}, "signature": s}]}
    )


def text_variants(token: str):
    """Small synthetic logs, HTTP exchanges and HAR files carrying the token."""
    enc = token.replace(".", "%2E").replace("-", "%2D")
    yield f"GET /api HTTP/1.1\r\nHost: graph.example\r\nAuthorization: Bearer {token}\r\n\r\n"
    yield f"Cookie: session=abc; id_token={token}; theme=dark\n"
    yield f"https://app.example/cb?code=1&access_token={token}&state=2\n"
    yield f"https://app.example/cb#state=x&id_token={token}\n"
    yield f"https://app.example/cb?t={enc}\nhttps://app.example/cb?t={enc.replace('%', '%25')}\n"
    yield f'2024-01-01T00:00:00Z INFO login ok {{"user":"a","token":"{token}"}}\n'
    yield json.dumps({"level": "info", "jwt": token}) + "\n" + json.dumps({"n": [token]}) + "\n"
    yield f"> POST /token HTTP/2\n> x-ms-token: {token}\n< HTTP/2 200\naccess_token={token}\n"
    har = {
        "log": {
            "entries": [
                {
                    "request": {
                        "url": f"https://a.example/?id_token={token}",
                        "headers": [{"name": "Authorization", "value": f"Bearer {token}"}],
                        "cookies": [{"name": "jwt", "value": token}],
                    },
                    "response": {"content": {"text": json.dumps({"access_token": token})}},
                }
            ]
        }
    }
    yield json.dumps(har, indent=1)


def add_token(c: Corpus, token: str) -> None:
    for v in token_variants(token):
        c.add("parse_token", v)
    for v in text_variants(token):
        c.add("extract_tokens", v)


def pem(der_b64: str, label: str = "CERTIFICATE") -> str:
    body = "\n".join(der_b64[i : i + 64] for i in range(0, len(der_b64), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def add_key_document(c: Corpus, doc) -> None:
    c.add("parse_key_set", json.dumps(doc))
    c.add("parse_key_set", json.dumps(json.dumps(doc)))  # the document as a JSON string
    for v in walk(doc):
        if isinstance(v, dict) and "kty" in v:
            c.add("parse_key_set", json.dumps(v))
            c.add("parse_key_set", json.dumps([v]))
            for cert in v.get("x5c", []) if isinstance(v.get("x5c"), list) else []:
                if isinstance(cert, str):
                    c.add("parse_key_set", pem(cert))
                    c.add("parse_key_set", cert)


def add_case(c: Corpus, case: dict) -> None:
    c.add("analyze_case", json.dumps(case, indent=1))
    c.add("analyze_case", json.dumps(case))


def seed_golden(c: Corpus) -> None:
    for path in sorted(GOLDEN.glob("*.json")):
        case = json.loads(path.read_text())
        add_case(c, case)
        tokens = list(case.get("tokens", []))
        if case.get("text"):
            c.add("extract_tokens", case["text"])
            tokens += TOKEN_RE.findall(case["text"])
        for ks in case.get("key_sets", []):
            add_key_document(c, ks.get("document"))
        for i, t in enumerate(tokens):
            add_token(c, t)
            one = dict(case, tokens=[t])
            one.pop("text", None)
            add_case(c, one)
            add_case(c, {"now": case.get("now"), "text": next(text_variants(t))})
            add_case(c, dict(one, tokens=[], text=list(text_variants(t))[-1]))
        add_case(
            c,
            {
                "tokens": tokens[:1],
                "hmac_secrets": [
                    {"value": "c2VjcmV0", "encoding": "base64", "issuer": "https://i.example"},
                    {"value": "secret"},
                ],
            },
        )
    add_case(c, {})
    c.add("parse_key_set", '"-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----"')
    c.add("parse_key_set", json.dumps({"issuer": "https://i.example", "jwks_uri": "https://i.example/k"}))


def seed_shared(c: Corpus) -> None:
    shared = Path(os.environ.get("KEYHOLE_SHARED", ROOT.parent / "shared"))
    fixtures = shared / "fixtures"
    if not fixtures.is_dir():
        print(f"seeds: skipped ../shared: {fixtures} not found", file=sys.stderr)
        return
    key_docs, tokens = [], []
    for path in sorted(fixtures.rglob("*")):
        if not path.is_file() or path.suffix not in (".json", ".jwt"):
            continue
        text = path.read_text(errors="replace")
        found = TOKEN_RE.findall(text)
        tokens += found
        if path.suffix == ".jwt":
            continue
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        if isinstance(doc, dict) and ("keys" in doc or "jwks_uri" in doc or "kty" in doc):
            key_docs.append(doc)
            add_key_document(c, doc)
        for v in walk(doc):
            if isinstance(v, dict) and "kty" in v:
                add_key_document(c, v)
            if isinstance(v, dict) and ("signature" in v or "signatures" in v) and "payload" in v:
                s = json.dumps(v)
                c.add("parse_token", s)
                c.add("extract_tokens", s)
    distinct = list(dict.fromkeys(tokens))
    # Wycheproof holds thousands of near-identical tokens; an even sample keeps start-up quick.
    step = max(1, len(distinct) // MAX_SHARED_TOKENS)
    for t in distinct[::step]:
        add_token(c, t)
    # Real key sets with real tokens: the analysis path through real Microsoft metadata.
    for doc in key_docs[:8]:
        for t in list(dict.fromkeys(tokens))[:4]:
            add_case(
                c,
                {"now": 1688169600, "key_sets": [{"source": None, "document": doc}], "tokens": [t]},
            )


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"
    c = Corpus(out)
    seed_golden(c)
    seed_shared(c)
    new = ", ".join(f"{t} +{n}" for t, n in c.counts.items())
    print(f"seeds: {out}: {new}", file=sys.stderr)


if __name__ == "__main__":
    main()
