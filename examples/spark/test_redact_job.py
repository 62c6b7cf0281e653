"""Runs the Spark job on a real local Spark over generated support records
and checks the output is redacted and complete, for JSON and Parquet.

    python3 examples/spark/test_redact_job.py --binary target/debug/leakproof

1. `spark-submit --master local[2] --files BINARY redact_job.py` on JSON
   lines, exactly as on a cluster (the binary shipped with --files);
2. in one Spark session, the same records as Parquet through
   `redact_dataset`.
Each output must have the same row count, the same case ids, the same
schema, and none of the original email addresses or phone numbers.
Exits non-zero on any failure (pyspark and Java must be installed).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import support_records  # noqa: E402


def check(rows, records, what):
    """`rows`: the output as dicts."""
    assert len(rows) == len(records), f"{what}: {len(rows)} rows out, {len(records)} in"
    ids_in = sorted(r["case_id"] for r in records)
    ids_out = sorted(r["case_id"] for r in rows)
    assert ids_in == ids_out, f"{what}: case ids differ"
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    for r in records:
        local = r["customer"]["email"].split("@")[0]
        assert local not in text, f"{what}: an email address survived ({r['case_id']})"
        assert r["customer"]["phone"] not in text, f"{what}: a phone number survived ({r['case_id']})"
    assert "4111 1111-1111 1111" not in text, f"{what}: a card number survived"
    for row in rows:
        assert row["customer"]["email"] == "[EMAIL]", f"{what}: {row['customer']}"
        assert row["customer"]["name"], f"{what}: untouched fields must stay"
        assert isinstance(row["priority"], int), f"{what}: types must stay"
    print(f"ok: {what}: {len(rows)} rows, redacted and complete", file=sys.stderr)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--rows", type=int, default=3000)
    args = p.parse_args()
    binary = os.path.abspath(args.binary)
    records = support_records.generate(args.rows, seed=7)

    with tempfile.TemporaryDirectory(prefix="leakproof-spark-") as tmp:
        src = os.path.join(tmp, "cases.json")
        support_records.write_ndjson(src, records)

        # 1. JSON lines, through spark-submit with the binary in --files.
        out_json = os.path.join(tmp, "redacted-json")
        job = os.path.join(HERE, "redact_job.py")
        spark_submit = os.path.join(os.path.dirname(sys.executable), "spark-submit")
        if not os.path.exists(spark_submit):
            spark_submit = "spark-submit"
        subprocess.run(
            [spark_submit, "--master", "local[2]", "--conf", "spark.ui.enabled=false",
             "--files", binary, job, "--input", src, "--output", out_json,
             "--binary", os.path.basename(binary), "--partitions", "4"],
            check=True,
        )
        rows = []
        for name in sorted(os.listdir(out_json)):
            if name.startswith("part-"):
                with open(os.path.join(out_json, name), encoding="utf-8") as f:
                    rows += [json.loads(line) for line in f if line.strip()]
        check(rows, records, "JSON via spark-submit --files")

        # 2. Parquet, in-process.
        from pyspark.sql import SparkSession

        import redact_job

        spark = (SparkSession.builder.master("local[2]").appName("leakproof-test")
                 .config("spark.ui.enabled", "false").getOrCreate())
        spark.sparkContext.setLogLevel("WARN")
        src_parquet = os.path.join(tmp, "cases.parquet")
        spark.read.json(src).write.parquet(src_parquet)
        schema_in = spark.read.parquet(src_parquet).schema
        out_parquet = os.path.join(tmp, "redacted.parquet")
        n, _ = redact_job.redact_dataset(spark, src_parquet, out_parquet, binary=binary)
        assert n == len(records), n
        out = spark.read.parquet(out_parquet)
        assert out.schema == schema_in, f"schema changed:\n{out.schema}\n{schema_in}"
        check([json.loads(j) for j in out.toJSON().collect()], records, "Parquet via redact_dataset")
        spark.stop()


if __name__ == "__main__":
    main()
