"""The Python package against the CLI: the same case gives the same report, verdicts and codes.

Run by scripts/python-test (it builds the wheel and the CLI). KEYHOLE_BIN names the CLI binary
(default: target/debug/keyhole of this checkout)."""

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

import keyhole

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "crates" / "engine" / "golden" / "cases"
CASES = sorted(GOLDEN.glob("*.json"))
KEYHOLE_BIN = os.environ.get("KEYHOLE_BIN", str(ROOT / "target" / "debug" / "keyhole"))


def cli_check(path):
    """`keyhole check PATH`: the report, after making sure the exit status is 0 or 1."""
    out = subprocess.run([KEYHOLE_BIN, "check", str(path)], capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    return json.loads(out.stdout)


def verdicts_and_codes(tokens):
    return [(t["verdict"], [f["code"] for f in t["findings"]]) for t in tokens]


def test_there_are_golden_cases():
    assert len(CASES) >= 7


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_check_gives_the_clis_report(path):
    case = json.loads(path.read_text())
    report = keyhole.check(case)
    cli = cli_check(path)
    assert len(report["tokens"]) == len(case["tokens"]) > 0
    assert verdicts_and_codes(report["tokens"]) == verdicts_and_codes(cli["tokens"])
    # Golden cases fix `now`, so the whole report is the CLI's, member for member.
    assert report == cli


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_check_many_gives_the_clis_verdicts(path):
    case = json.loads(path.read_text())
    cli = cli_check(path)
    records = keyhole.check_many(
        case["tokens"], case["key_sets"], case["now"], hmac_secrets=case.get("hmac_secrets")
    )
    records = list(records)
    assert [(r["verdict"], r["codes"]) for r in records] == verdicts_and_codes(cli["tokens"])
    for i, (r, t) in enumerate(zip(records, cli["tokens"])):
        assert r["index"] == i
        assert r["location"] == f"tokens[{i}]"
        assert r["fingerprint"] == t["fingerprint"]
        header, claims, boundary = t["header"] or {}, t["claims"] or {}, t["boundary"] or {}
        assert r["kid"] == header.get("kid")
        assert r["iss"] == claims.get("iss")
        assert r["aud"] == claims.get("aud")
        assert r["iat"] == claims.get("iat")
        assert r["tenant"] == boundary.get("tenant")
        assert r["cloud"] == boundary.get("cloud")


def test_check_many_is_a_lazy_iterator_over_many_tokens():
    case = json.loads((GOLDEN / "microsoft-families.json").read_text())
    expected = [r["verdict"] for r in keyhole.check_many(case["tokens"], case["key_sets"], case["now"])]
    # More tokens than one slice (4096), from a generator: judged as the iterator is read.
    n = 5000
    tokens = (case["tokens"][i % len(case["tokens"])] for i in range(n))
    it = keyhole.check_many(tokens, case["key_sets"], case["now"])
    assert iter(it) is it
    verdicts = [r["verdict"] for r in it]
    assert verdicts == [expected[i % len(expected)] for i in range(n)]
    with pytest.raises(StopIteration):
        next(it)


def test_now_as_a_utc_string_is_unix_seconds():
    case = json.loads((GOLDEN / "storm-0558.json").read_text())
    as_int = list(keyhole.check_many(case["tokens"], case["key_sets"], 1687262400))
    as_str = list(keyhole.check_many(case["tokens"], case["key_sets"], "2023-06-20T12:00:00Z"))
    assert as_int == as_str


def test_threads_can_judge_at_once():
    case = json.loads((GOLDEN / "verdict-contract.json").read_text())
    expected = keyhole.check(case)
    results = [None] * 4

    def run(i):
        results[i] = keyhole.check(case)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_an_invalid_case_raises_value_error_with_the_engines_message():
    path = GOLDEN / "clean.json"
    case = json.loads(path.read_text())
    case["key_sets"][0]["colour"] = "blue"
    bad = ROOT / "target" / "python-test-invalid-case.json"
    bad.write_text(json.dumps(case))
    cli = subprocess.run([KEYHOLE_BIN, "check", str(bad)], capture_output=True, check=False)
    assert cli.returncode == 2
    with pytest.raises(ValueError) as e:
        keyhole.check(case)
    assert "colour" in str(e.value)
    # The CLI prints `keyhole: FILE: MESSAGE`; the exception carries the same MESSAGE.
    assert str(e.value) in cli.stderr.decode()
    with pytest.raises(ValueError):
        keyhole.check({"tokens": "not a list"})
    with pytest.raises(ValueError):
        keyhole.check({"now": object()})


def test_check_many_refuses_what_the_engine_refuses():
    case = json.loads((GOLDEN / "clean.json").read_text())
    with pytest.raises(ValueError, match="colour"):
        keyhole.check_many(case["tokens"], [{"document": {}, "colour": "blue"}])
    with pytest.raises(ValueError, match="item 1"):
        keyhole.check_many([case["tokens"][0], 42], case["key_sets"])
    with pytest.raises(ValueError, match="yesterday"):
        keyhole.check_many(case["tokens"], case["key_sets"], "yesterday")


def test_a_malformed_token_is_a_record_not_an_error():
    records = list(keyhole.check_many(["not-a-token"], []))
    assert len(records) == 1
    assert records[0]["verdict"] == "malformed"
    assert records[0]["kid"] is None
