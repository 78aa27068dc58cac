"""check_arrow and check_frame: check_many's records as a pyarrow Table and a pandas DataFrame,
column for column, and a clear ImportError when the library is missing."""

import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import keyhole

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "crates" / "engine" / "golden" / "cases"
COLUMNS = ["index", "verdict", "codes", "kid", "tenant", "cloud", "iss", "aud", "iat", "fingerprint", "location"]


def case_tokens(name, extra=()):
    case = json.loads((GOLDEN / f"{name}.json").read_text())
    return case, list(case["tokens"]) + list(extra)


def as_cell(value):
    """How a record's JSON value appears in a string column."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize("name", ["microsoft-families", "verdict-contract", "algorithms"])
def test_the_arrow_table_holds_check_manys_records(name):
    case, tokens = case_tokens(name, ["not-a-token"])
    args = (tokens, case["key_sets"], case["now"])
    kwargs = {"hmac_secrets": case.get("hmac_secrets")}
    records = list(keyhole.check_many(*args, **kwargs))
    table = keyhole.check_arrow(*args, **kwargs)
    assert isinstance(table, pa.Table)
    assert table.column_names == COLUMNS
    assert table.num_rows == len(tokens)
    assert table.schema.field("index").type == pa.int64()
    assert table.schema.field("iat").type == pa.int64()
    assert table.schema.field("codes").type == pa.list_(pa.string())
    assert table.schema.field("aud").type == pa.string()
    rows = table.to_pylist()
    for r, row in zip(records, rows):
        for col in ("index", "verdict", "codes", "tenant", "fingerprint", "location"):
            assert row[col] == r[col], col
        for col in ("kid", "cloud", "iss", "aud"):
            assert row[col] == as_cell(r[col]), col
        assert row["iat"] == (None if r["iat"] is None else int(r["iat"]))
    assert rows[-1]["verdict"] == "malformed" and rows[-1]["iat"] is None


def test_an_audience_array_is_its_json_text():
    case = json.loads((GOLDEN / "verdict-contract.json").read_text())
    records = list(keyhole.check_many(case["tokens"], case["key_sets"], case["now"], hmac_secrets=case.get("hmac_secrets")))
    table = keyhole.check_arrow(case["tokens"], case["key_sets"], case["now"], hmac_secrets=case.get("hmac_secrets"))
    arrays = [i for i, r in enumerate(records) if isinstance(r["aud"], list)]
    for i in arrays:
        assert json.loads(table.column("aud")[i].as_py()) == records[i]["aud"]


def test_the_data_frame_holds_check_manys_records():
    case, tokens = case_tokens("microsoft-families", ["not-a-token"])
    records = list(keyhole.check_many(tokens, case["key_sets"], case["now"]))
    frame = keyhole.check_frame(tokens, case["key_sets"], case["now"])
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == len(tokens)
    assert str(frame["iat"].dtype) == "Int64"
    assert frame["index"].tolist() == list(range(len(tokens)))
    assert frame["verdict"].tolist() == [r["verdict"] for r in records]
    assert [list(c) for c in frame["codes"]] == [r["codes"] for r in records]
    assert frame["fingerprint"].tolist() == [r["fingerprint"] for r in records]
    assert pd.isna(frame["iat"].iloc[-1])
    assert frame["iat"].iloc[0] == records[0]["iat"]
    # What an analyst does next: count verdicts per tenant.
    counts = frame.groupby("verdict").size().to_dict()
    assert sum(counts.values()) == len(tokens)


def test_the_frame_and_the_table_agree():
    case, tokens = case_tokens("cross-cloud")
    frame = keyhole.check_frame(tokens, case["key_sets"], case["now"])
    table = keyhole.check_arrow(tokens, case["key_sets"], case["now"])
    assert frame["verdict"].tolist() == table.column("verdict").to_pylist()
    assert frame["cloud"].tolist() == table.column("cloud").to_pylist()


@pytest.mark.parametrize("call,library", [("check_arrow", "pyarrow"), ("check_frame", "pandas")])
def test_a_missing_library_raises_import_error_naming_it(monkeypatch, call, library):
    case, tokens = case_tokens("clean")
    monkeypatch.setitem(sys.modules, library, None)
    with pytest.raises(ImportError, match=f"keyhole.{call} needs {library}.*pip install {library}"):
        getattr(keyhole, call)(tokens, case["key_sets"], case["now"])


def test_errors_are_check_manys():
    with pytest.raises(ValueError, match="item 0"):
        keyhole.check_arrow([42], [])
    with pytest.raises(ValueError, match="yesterday"):
        keyhole.check_frame([], [], "yesterday")
    assert keyhole.check_arrow([], []).num_rows == 0
    assert len(keyhole.check_frame([], [])) == 0
