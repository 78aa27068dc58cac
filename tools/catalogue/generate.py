#!/usr/bin/env python3
"""Generates Keyhole's catalogue of published signing keys (crates/engine/catalogue/keys.json).

Reads the dated snapshot history of public JWKS endpoints in
../shared/fixtures/history/published-keys.json and the older Microsoft consumer keys in
../shared/fixtures/real/ (the Storm-0558 key and its 2016-2021 sibling), and writes one entry per
published key (kid + key material): the JWK as published, its certificate's subject, serial,
validity and thumbprints, its cloud, and where and when each endpoint was seen publishing it,
with the snapshots that bound that window. See crates/engine/catalogue/SOURCES.md.

Deterministic: the same input gives the same bytes. Python 3.11 standard library only.

Usage:
  python3 tools/catalogue/generate.py             # rewrite crates/engine/catalogue/keys.json
  python3 tools/catalogue/generate.py --stdout    # print it instead (the engine's test compares)
  KEYHOLE_SHARED=/path/to/shared python3 tools/catalogue/generate.py   (or --shared PATH)
"""

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "engine" / "catalogue" / "keys.json"

FORMAT = 1
CONSUMER_ISSUER = "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
COMMON_V2 = "https://login.microsoftonline.com/common/discovery/v2.0/keys"
CONSUMERS_V2 = "https://login.microsoftonline.com/consumers/discovery/v2.0/keys"
NEXUS = "https://nexus.passport.com/public/partner/discovery/key"
STORM_KID = "1LTMzakihiRla_8z2BEJVXeWMqo"

# The repositories and commits the history was read from (../shared/fixtures/history/SOURCES.md).
HISTORY_COMMITS = {
    "pl4nty/data": "35b762f1c792280384cb7c2c79741d4f97225edb",
    "panva/wellknown": "e88dd5e2d1c5cf40ee6358147c7b1117c4049a50",
}

# Publication points of the older keys, which no snapshot archive covers. Each is one public
# observation; dates that no source gives are None (see SOURCES.md).
OLDER_ARCHIVES = [
    {
        "id": "wiz-2023-07-21",
        "endpoint": COMMON_V2,
        "source": "Wiz, \"Compromised Microsoft Key: More Impactful Than We Thought\" (2023-07-21): "
        "key present since at least 2016 (Wayback Machine capture of the endpoint, 2016-08-01), "
        "replaced between 2023-06-27 and 2023-07-05",
        "url": "https://www.wiz.io/blog/storm-0558-compromised-microsoft-key-enables-authentication-of-countless-micr",
        "repository": None,
        "path": None,
    },
    {
        "id": "unrecorded-mocha-test",
        "endpoint": CONSUMERS_V2,
        "source": "a public JavaScript mocha test mocking this endpoint (repository not recorded); "
        "the key material is authenticated by Microsoft's IOC thumbprint",
        "url": None,
        "repository": None,
        "path": None,
    },
    {
        "id": "tanguilp/jwks_uri_updater:README.md",
        "endpoint": NEXUS,
        "source": "tanguilp/jwks_uri_updater README.md (Elixir iex output of this endpoint, v0.1.1 era); "
        "no date recorded",
        "url": "https://github.com/tanguilp/jwks_uri_updater",
        "repository": "tanguilp/jwks_uri_updater",
        "path": "README.md",
    },
]


# ---------------------------------------------------------------------------------------------
# Dates


def utc(d: dt.datetime) -> str:
    return d.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_utc(text: str) -> str:
    """An ISO 8601 time with any offset (the archives' commit dates carry their committers'
    offsets, e.g. +11:00) as UTC `YYYY-MM-DDTHH:MM:SSZ`, which also sorts as text."""
    return utc(dt.datetime.fromisoformat(text))


def normalise_history(history: dict) -> dict:
    for snap in history["snapshots"].values():
        snap["first"], snap["last"] = to_utc(snap["first"]), to_utc(snap["last"])
    for k in history["keys"]:
        k["first_seen"], k["last_seen"] = to_utc(k["first_seen"]), to_utc(k["last_seen"])
    return history


# ---------------------------------------------------------------------------------------------
# Just enough DER to read an X.509 certificate's serial, validity and subject (RFC 5280 §4.1).


def der_read(buf: bytes, pos: int):
    """Returns (tag, content start, content end) of the DER element at pos."""
    tag = buf[pos]
    length = buf[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(buf[pos : pos + count], "big")
        pos += count
    return tag, pos, pos + length


def der_children(buf: bytes, start: int, end: int):
    out = []
    pos = start
    while pos < end:
        tag, s, e = der_read(buf, pos)
        out.append((tag, s, e))
        pos = e
    return out


ATTRIBUTE_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "0.9.2342.19200300.100.1.25": "DC",
}


def oid_text(raw: bytes) -> str:
    first = raw[0]
    parts = [first // 40, first % 40]
    value = 0
    for b in raw[1:]:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def der_time(tag: int, raw: bytes) -> str:
    text = raw.decode("ascii")
    if tag == 0x17:  # UTCTime: YYMMDDHHMMSSZ, years 1950-2049 (RFC 5280 §4.1.2.5.1)
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    return utc(dt.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=dt.timezone.utc))


def rfc4514(buf: bytes, start: int, end: int) -> str:
    """A Name as RFC 4514 text: RDNs last to first, attributes by short name."""
    rdns = []
    for _, s, e in der_children(buf, start, end):  # each RDN is a SET
        atvs = []
        for _, s2, e2 in der_children(buf, s, e):  # AttributeTypeAndValue
            (_, os_, oe), (_, vs, ve) = der_children(buf, s2, e2)
            oid = oid_text(buf[os_:oe])
            atvs.append(f"{ATTRIBUTE_NAMES.get(oid, oid)}={buf[vs:ve].decode('utf-8')}")
        rdns.append("+".join(atvs))
    return ",".join(reversed(rdns))


def certificate_facts(x5c0: str) -> dict:
    der = base64.b64decode(x5c0)
    _, s, e = der_read(der, 0)  # Certificate
    _, ts, te = der_children(der, s, e)[0]  # tbsCertificate
    fields = der_children(der, ts, te)
    if fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    serial = der[fields[0][1] : fields[0][2]].lstrip(b"\x00") or b"\x00"
    (t1, s1, e1), (t2, s2, e2) = der_children(der, fields[3][1], fields[3][2])
    return {
        "subject": rfc4514(der, fields[4][1], fields[4][2]),
        "serial": serial.hex(),
        "not_before": der_time(t1, der[s1:e1]),
        "not_after": der_time(t2, der[s2:e2]),
        "sha1": hashlib.sha1(der).hexdigest(),
        "sha256": hashlib.sha256(der).hexdigest(),
    }


# ---------------------------------------------------------------------------------------------
# Clouds (domain.md B.5: per-key cloud_instance_name, then certificate subject host, then the
# endpoint's host). Only Microsoft keys have one.

CLOUD_DOMAINS = [
    ("windows-ppe.net", "pre_production"),
    ("microsoftonline.us", "us_government"),
    ("usgovcloudapi.net", "us_government"),
    ("microsoftonline.cn", "china"),
    ("chinacloudapi.cn", "china"),
    ("microsoftonline.de", "germany"),
    ("cloudapi.de", "germany"),
    ("microsoftonline.com", "public"),
    ("windows.net", "public"),
    ("microsoft.com", "public"),
    ("passport.com", "public"),
]


def cloud_of_name(name: str):
    name = name.lower()
    for domain, cloud in CLOUD_DOMAINS:
        if name == domain or name.endswith("." + domain):
            return cloud
    return None


def cloud_of(jwk: dict, cert: dict | None, endpoints: list[str]):
    cin = jwk.get("cloud_instance_name")
    if cin and cloud_of_name(cin):
        return cloud_of_name(cin), "cloud_instance_name"
    if cert:
        cn = cert["subject"].removeprefix("CN=")
        if cloud_of_name(cn):
            return cloud_of_name(cn), "certificate"
        # Microsoft account (consumer) keys: MSA is a service of the global cloud.
        if cn == "Live ID STS Signing Public Key":
            return "public", "certificate"
    hosts = {cloud_of_name(e.split("/")[2]) for e in endpoints}
    if len(hosts) == 1 and None not in hosts:
        return hosts.pop(), "endpoint"
    return None, None


# ---------------------------------------------------------------------------------------------
# Reading the fixtures


def load(path: Path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


MATERIAL_MEMBERS = ("kty", "crv", "n", "e", "x", "y", "k")


def material_of(jwk: dict) -> tuple:
    return tuple(jwk.get(m) for m in MATERIAL_MEMBERS)


def history_archives(history: dict) -> dict:
    """Archive id -> archive, from the history's per-endpoint snapshot coverage."""
    archives = {}
    for endpoint, snap in history["snapshots"].items():
        repo, path = snap["source"].split(" ", 1)
        archives[f"{repo}:{path}"] = {
            "id": f"{repo}:{path}",
            "endpoint": endpoint,
            "source": f"{repo} {path}",
            "url": f"https://github.com/{repo}/blob/{HISTORY_COMMITS[repo]}/{path}",
            "repository": repo,
            "path": path,
            "commit": HISTORY_COMMITS[repo],
            "first": snap["first"],
            "last": snap["last"],
            "count": snap["count"],
        }
    return archives


def snapshot_dates(history: dict) -> dict:
    """Endpoint -> every snapshot date the history reveals (the archive's first and last, and
    each key's first and last sighting): a subset of the real snapshots, so the nearest one
    without a key is never nearer than the real one, and a window built on it never too short."""
    dates = {}
    for endpoint, snap in history["snapshots"].items():
        dates.setdefault(endpoint, set()).update([snap["first"], snap["last"]])
    for k in history["keys"]:
        dates[k["endpoint"]].update([k["first_seen"], k["last_seen"]])
    return {e: sorted(d) for e, d in dates.items()}


def history_publications(history: dict) -> list:
    dates = snapshot_dates(history)
    out = []
    for k in history["keys"]:
        repo, path = k["source"].split(" ", 1)
        known = dates[k["endpoint"]]
        before = [d for d in known if d < k["first_seen"]]
        after = [d for d in known if d > k["last_seen"]]
        out.append(
            (
                k["jwk"],
                {
                    "endpoint": k["endpoint"],
                    "archive": f"{repo}:{path}",
                    "first_seen": k["first_seen"],
                    "last_seen": k["last_seen"],
                    "snapshots": k["snapshots"],
                    # The latest earlier / earliest later snapshot known not to hold the key;
                    # None when the key is in the archive's first / last snapshot.
                    "absent_before": before[-1] if before else None,
                    "absent_after": after[0] if after else None,
                },
            )
        )
    return out


def older_publications(real: Path) -> list:
    consumers = load(real / "msa-consumers-v2-jwks.2016-storm0558-key.json")["keys"]
    nexus = load(real / "msa-nexus-passport-partner-discovery-keys.2018.json")["keys"]
    indicators = load(real / "storm-0558-key-indicators.json")
    storm = next(k for k in consumers if k["kid"] == STORM_KID)
    out = []
    for jwk in consumers:
        out.append(
            (
                jwk,
                {
                    "endpoint": CONSUMERS_V2,
                    "archive": "unrecorded-mocha-test",
                    "first_seen": None,
                    "last_seen": None,
                    "snapshots": None,
                    "absent_before": None,
                    "absent_after": None,
                },
            )
        )
    for jwk in nexus:
        out.append(
            (
                jwk,
                {
                    "endpoint": NEXUS,
                    "archive": "tanguilp/jwks_uri_updater:README.md",
                    "first_seen": None,
                    "last_seen": None,
                    "snapshots": None,
                    "absent_before": None,
                    "absent_after": None,
                },
            )
        )
    # Wiz: on the common v2 set from at least the Wayback capture of 2016-08-01 until a capture
    # of 2023-06-27; gone by 2023-07-05. The days are read on the lenient side (first and last
    # sighting at the day's start, the absence at its end) since the sources give no time. The
    # JWK's members there are not recorded: only the material is known to be the same.
    assert "2023-06-27 and 2023-07-05" in indicators["removed_from_common_jwks"]
    common = {m: storm[m] for m in ("kty", "use", "kid", "x5t", "n", "e", "x5c") if m in storm}
    out.append(
        (
            common,
            {
                "endpoint": COMMON_V2,
                "archive": "wiz-2023-07-21",
                "first_seen": "2016-08-01T00:00:00Z",
                "last_seen": "2023-06-27T00:00:00Z",
                "snapshots": None,
                "absent_before": None,
                "absent_after": "2023-07-05T23:59:59Z",
            },
        )
    )
    return out


def storm_notes(indicators: dict) -> list:
    m = indicators["microsoft_mitigation_dates"]
    return [
        "Storm-0558: the inactive Microsoft account (MSA) consumer signing key the actor acquired "
        "and used to forge Entra ID and MSA tokens from 2023-05-15 (Microsoft Threat Intelligence, "
        f"2023-07-14; IOC thumbprint {indicators['sha1_thumbprint_hex']}).",
        f"Microsoft blocked tokens signed with it in OWA on {m['owa_blocked_tokens_signed_with_key']}, "
        f"completed key replacement on {m['key_replacement_completed']} and blocked it for consumer "
        f"customers on {m['consumer_usage_blocked']} (Microsoft, 2023-07-14).",
        "Microsoft introduced the common key metadata endpoint, which published consumer and "
        "organisational keys together, in September 2018 (MSRC, 2023-09-06).",
    ]


# ---------------------------------------------------------------------------------------------
# Building the catalogue


def build(shared: Path) -> dict:
    history = normalise_history(load(shared / "fixtures" / "history" / "published-keys.json"))
    real = shared / "fixtures" / "real"
    indicators = load(real / "storm-0558-key-indicators.json")

    archives = history_archives(history)
    for a in OLDER_ARCHIVES:
        archives[a["id"]] = {
            **a,
            "commit": None,
            "first": None,
            "last": None,
            "count": None,
        }

    publications = history_publications(history) + older_publications(real)

    # One entry per (kid, material).
    groups: dict = {}
    for jwk, pub in publications:
        groups.setdefault((jwk["kid"], material_of(jwk)), []).append((jwk, pub))

    endpoint_issuer = {}
    for k in history["keys"]:
        if k.get("endpoint_issuer"):
            endpoint_issuer[k["endpoint"]] = k["endpoint_issuer"]
    endpoint_issuer[CONSUMERS_V2] = CONSUMER_ISSUER

    keys = []
    for (kid, _), items in groups.items():
        # The JWK members every publication shows alike; the rest stay with their publication.
        first = items[0][0]
        common = {
            m: v for m, v in first.items() if all(j.get(m) == v for j, _ in items)
        }
        pubs = []
        for jwk, pub in items:
            extra = {m: v for m, v in jwk.items() if m not in common}
            pubs.append({**pub, "members": extra} if extra else pub)
        pubs.sort(key=lambda p: (p["first_seen"] or "", p["endpoint"]))
        x5c = common.get("x5c") or first.get("x5c")
        cert = certificate_facts(x5c[0]) if x5c else None
        cloud, cloud_from = cloud_of(common, cert, [p["endpoint"] for p in pubs])
        entry = {
            "kid": kid,
            "cloud": cloud,
            "cloud_from": cloud_from,
            "certificate": cert,
            "publications": pubs,
            "jwk": common,
        }
        if cert and cert["sha1"] == indicators["sha1_thumbprint_hex"]:
            entry["notes"] = storm_notes(indicators)
        keys.append(entry)

    def first_seen(e):
        seen = [p["first_seen"] for p in e["publications"] if p["first_seen"]]
        return min(seen) if seen else ""

    keys.sort(key=lambda e: (first_seen(e), e["kid"], json.dumps(e["jwk"], sort_keys=True)))

    endpoints = {}
    for a in archives.values():
        endpoints.setdefault(a["endpoint"], []).append({k: v for k, v in a.items() if k != "endpoint"})
    endpoint_list = []
    for url in sorted(endpoints):
        cloud = cloud_of_name(url.split("/")[2])
        endpoint_list.append(
            {
                "url": url,
                "issuer": endpoint_issuer.get(url),
                "cloud": cloud,
                "archives": sorted(endpoints[url], key=lambda a: a["id"]),
            }
        )

    latest = max(a["last"] for a in archives.values() if a["last"])
    return {
        "format": FORMAT,
        "about": "Keyhole's catalogue of published signing keys: public keys and the dates public "
        "archives saw each endpoint publish them. Generated by tools/catalogue/generate.py; "
        "sources in crates/engine/catalogue/SOURCES.md.",
        "latest_snapshot": latest,
        "endpoints": endpoint_list,
        "keys": keys,
    }


def render(catalogue: dict) -> str:
    """Compact JSON with one endpoint or key per line, so a refresh diffs line by line."""

    def one(v):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    head = [f"{one(k)}:{one(v)}" for k, v in catalogue.items() if k not in ("endpoints", "keys")]
    lines = ["{" + ",\n".join(head) + ","]
    for name in ("endpoints", "keys"):
        items = catalogue[name]
        lines.append(f'"{name}":[')
        lines.extend(one(item) + ("," if i + 1 < len(items) else "") for i, item in enumerate(items))
        lines.append("]" + ("," if name == "endpoints" else "}"))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="the shared directory")
    parser.add_argument("--stdout", action="store_true", help="print instead of writing")
    args = parser.parse_args()
    shared = args.shared or Path(os.environ.get("KEYHOLE_SHARED", ROOT.parent / "shared"))
    if not (shared / "fixtures" / "history" / "published-keys.json").is_file():
        print(f"generate.py: {shared}/fixtures/history/published-keys.json not found", file=sys.stderr)
        return 2
    text = render(build(shared))
    json.loads(text)  # the output is one JSON document
    if args.stdout:
        sys.stdout.write(text)
    else:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
