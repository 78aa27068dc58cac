"""DuckDB: Keyhole as a vectorised Python UDF over a Parquet file of tokens; its verdicts must be
the CLI's on the same tokens. The data set is generated here (golden tokens, tampered copies
and junk), never committed."""

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

import keyhole

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "crates" / "engine" / "golden" / "cases"
KEYHOLE_BIN = os.environ.get("KEYHOLE_BIN", str(ROOT / "target" / "debug" / "keyhole"))


def tampered(token):
    """One signature character changed within the base64url alphabet: well-formed, invalid."""
    cut = token.rfind(".") + 1
    at = cut + (len(token) - cut) // 2
    return token[:at] + ("B" if token[at] == "A" else "A") + token[at + 1 :]


def test_a_duckdb_udf_gives_the_clis_verdicts(tmp_path):
    case = json.loads((GOLDEN / "microsoft-families.json").read_text())
    base = case["tokens"]
    tokens = []
    for i in range(6000):
        t = base[i % len(base)]
        tokens.append(tampered(t) if i % 5 == 0 else (f"junk-{i}" if i % 97 == 0 else t))
    parquet = tmp_path / "tokens.parquet"
    pq.write_table(pa.table({"row": list(range(len(tokens))), "token": tokens}), parquet)

    key_sets, now = case["key_sets"], case["now"]

    def keyhole_verdict(column):
        records = keyhole.check_many(column.to_pylist(), key_sets, now)
        return pa.array([r["verdict"] for r in records], type=pa.string())

    con = duckdb.connect()
    con.create_function("keyhole_verdict", keyhole_verdict, ["VARCHAR"], "VARCHAR", type="arrow")
    rows = con.execute(
        "SELECT row, keyhole_verdict(token) FROM read_parquet(?) ORDER BY row", [str(parquet)]
    ).fetchall()

    cli_case = tmp_path / "case.json"
    cli_case.write_text(json.dumps({"now": now, "key_sets": key_sets, "tokens": tokens}))
    out = subprocess.run([KEYHOLE_BIN, "check", str(cli_case)], capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    cli = [t["verdict"] for t in json.loads(out.stdout)["tokens"]]

    assert [r for r, _ in rows] == list(range(len(tokens)))
    assert [v for _, v in rows] == cli
    assert {"permitted", "violation", "invalid", "malformed"} <= set(cli)
