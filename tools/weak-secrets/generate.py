#!/usr/bin/env python3
"""Writes crates/engine/weak-secrets/public.txt, the public list of known JWT HMAC secrets that
Keyhole tests HS tokens against (product data, committed), from the copy of wallarm/jwt-secrets
in ../shared/fixtures/vectors/weak-secrets/.

Normalisation: CRLF/CR line ends become LF; empty lines and duplicates are dropped (first
occurrence kept, original order otherwise); lines are kept byte for byte otherwise (secrets may
start or end with spaces). Deterministic: run it twice, get the same file.

Usage: python3 tools/weak-secrets/generate.py [--check]   (--check: exit 1 if the committed file differs)
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "fixtures" / "vectors" / "weak-secrets" / "wallarm_jwt.secrets.list"
OUT = ROOT / "crates" / "engine" / "weak-secrets" / "public.txt"


def build() -> bytes:
    raw = SOURCE.read_bytes()
    seen = set()
    lines = []
    for line in raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
        if not line or line in seen:
            continue
        seen.add(line)
        lines.append(line)
    return b"\n".join(lines) + b"\n"


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} not found: the shared fixtures are needed to build the list", file=sys.stderr)
        return 2
    data = build()
    if "--check" in sys.argv:
        same = OUT.exists() and OUT.read_bytes() == data
        print("public.txt is up to date" if same else "public.txt differs from the script's output")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    count = data.count(b"\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {count} secrets, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
