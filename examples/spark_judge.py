"""Judge a token column of a Parquet or NDJSON data set with Keyhole on Spark.

Each Spark task hands its Arrow record batches to `keyhole.check_arrow` (the wheel, installed on
the driver and every executor: `pip install keyhole-*.whl`), which judges the batch on the
executor's cores with the same engine as `keyhole check`. Nothing leaves the cluster; the keys
travel with the task (a few KB). The output keeps every input column but the token itself
(`fingerprint`, its SHA-256, identifies it) and adds Keyhole's flat record: verdict, codes, kid,
tenant, cloud, iss, aud, iat, fingerprint.

    python examples/spark_judge.py --keys common-v2-keys.json \\
        --source https://login.microsoftonline.com/common/discovery/v2.0/keys \\
        --now 2023-06-20T12:00:00Z --column token tokens.parquet verdicts.parquet

or, from a notebook with a SparkSession `spark`:

    from spark_judge import judge
    out = judge(spark.read.parquet("tokens.parquet"), key_sets, now="2023-06-20T12:00:00Z")
    out.groupBy("verdict").count().show()
"""

import argparse
import json
import os
import sys

import pyarrow as pa

import keyhole

# Keyhole's columns as Spark sees them (check_arrow's, without its per-batch index and
# location: a row's own columns say where it came from).
RECORD_FIELDS = [
    ("verdict", pa.string()),
    ("codes", pa.list_(pa.string())),
    ("kid", pa.string()),
    ("tenant", pa.string()),
    ("cloud", pa.string()),
    ("iss", pa.string()),
    ("aud", pa.string()),
    ("iat", pa.int64()),
    ("fingerprint", pa.string()),
]
RECORD_DDL = (
    "verdict string, codes array<string>, kid string, tenant string, cloud string, iss string, "
    "aud string, iat bigint, fingerprint string"
)


def judge(df, key_sets, now=None, column="token", hmac_secrets=None):
    """`df` with its `column` of tokens replaced by Keyhole's record (see the module's text).

    key_sets: a case file's key sets, e.g. [{"source": URL, "document": JWKS}]; now: Unix seconds
    or a UTC time (default: each batch's current time). A null token is judged as an empty
    string (malformed)."""
    if column not in df.columns:
        raise ValueError(f"no column {column!r} in {df.columns}")
    kept = [f for f in df.schema.fields if f.name != column]
    out_ddl = ", ".join(
        [f"`{f.name}` {f.dataType.simpleString()}" for f in kept] + [RECORD_DDL]
    )
    key_sets = json.loads(json.dumps(key_sets))  # plain data, pickled into each task

    def judge_batches(batches):
        for batch in batches:
            tokens = [t if t is not None else "" for t in batch.column(column).to_pylist()]
            table = keyhole.check_arrow(tokens, key_sets, now, hmac_secrets=hmac_secrets)
            columns = [batch.column(f.name) for f in kept]
            columns += [table.column(name).combine_chunks() for name, _ in RECORD_FIELDS]
            names = [f.name for f in kept] + [name for name, _ in RECORD_FIELDS]
            yield pa.RecordBatch.from_arrays(columns, names=names)

    return df.mapInArrow(judge_batches, out_ddl)


def read(spark, path):
    """A Parquet data set, or NDJSON (`.json`, `.ndjson`, `.jsonl`: one object per line)."""
    if path.endswith((".json", ".ndjson", ".jsonl")):
        return spark.read.json(path)
    return spark.read.parquet(path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="Parquet file or folder, or NDJSON (.json/.ndjson/.jsonl)")
    p.add_argument("output", help="where to write the verdicts (Parquet; .json/.ndjson: NDJSON)")
    p.add_argument("--keys", action="append", default=[], help="a trusted key document (JWKS, JWK, PEM); repeatable")
    p.add_argument("--source", action="append", default=[], help="the URL each --keys came from, in order")
    p.add_argument("--issuer", action="append", default=[], help="the issuer each --keys is declared for, in order")
    p.add_argument("--now", help="analysis time: Unix seconds or UTC like 2023-06-20T12:00:00Z")
    p.add_argument("--column", default="token", help="the token column (default: token)")
    p.add_argument("--master", default=None, help="Spark master (default: the session's, else local[*])")
    args = p.parse_args(argv)

    from pyspark.sql import SparkSession

    # In local mode the workers are this interpreter (the one with the wheel), unless told.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    key_sets = []
    for i, path in enumerate(args.keys):
        text = open(path, encoding="utf-8").read()
        try:
            document = json.loads(text)
        except ValueError:
            document = text  # PEM
        ks = {"document": document}
        if i < len(args.source):
            ks["source"] = args.source[i]
        if i < len(args.issuer):
            ks["issuer"] = args.issuer[i]
        key_sets.append(ks)
    now = int(args.now) if args.now and args.now.isdigit() else args.now

    builder = SparkSession.builder.appName("keyhole-judge")
    if args.master or not SparkSession.getActiveSession():
        builder = builder.master(args.master or "local[*]")
    spark = builder.getOrCreate()
    out = judge(read(spark, args.input), key_sets, now=now, column=args.column)
    if args.output.endswith((".json", ".ndjson", ".jsonl")):
        out.write.mode("overwrite").json(args.output)
    else:
        out.write.mode("overwrite").parquet(args.output)
    counts = read(spark, args.output).groupBy("verdict").count().collect()
    for row in sorted(counts, key=lambda r: r["verdict"] or ""):
        print(f"{row['verdict']}\t{row['count']}")
    return 1 if any(r["verdict"] == "violation" for r in counts) else 0


if __name__ == "__main__":
    sys.exit(main())
