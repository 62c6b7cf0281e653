"""Redact a JSON or Parquet dataset on Apache Spark with leakproof.

Every row becomes one NDJSON line (`DataFrame.toJSON`), the lines go
through the `leakproof` binary with Spark's standard `RDD.pipe` (one
`leakproof redact --format ndjson` process per partition, reading stdin and
writing stdout, which is exactly its streaming NDJSON mode), and the
redacted lines are parsed back with the input's schema and written in the
input's format. Row count and schema are kept; the job checks the count.

    spark-submit --master local[2] --files target/release/leakproof \\
        examples/spark/redact_job.py --input cases.json --output cases-redacted

On a cluster, ship the binary (built for the executors' OS and CPU
architecture) with `--files` (or `--archives`), and the policy with it:

    spark-submit --master yarn --deploy-mode cluster \\
        --files /opt/leakproof/leakproof,/opt/leakproof/policy.toml \\
        examples/spark/redact_job.py --input s3a://lake/cases/ \\
        --output s3a://lake/cases-redacted/ --policy policy.toml

See docs/reindex.md ("Data lakes on Apache Spark").
"""

import argparse
import os
import shlex
import sys
import time

from pyspark import SparkFiles
from pyspark.sql import SparkSession


def _shipped(sc, name):
    """The path of a file shipped with --files/addFile, as the executors
    see it. Executors on a cluster find shipped files in their working
    directory; in local mode they run inside the driver, which keeps them
    under SparkFiles' root directory."""
    if sc.master.startswith("local"):
        return SparkFiles.get(name)
    return "./" + name


def redact_dataset(spark, input_path, output_path, fmt=None, binary="leakproof",
                   policy=None, operator=None, partitions=None, check=True,
                   executor_binary=None):
    """Redacts `input_path` (JSON lines or Parquet) into `output_path` in
    the same format. Returns (rows, seconds spent redacting and writing).
    `binary` is shipped to the executors; `executor_binary`, when given, is
    used as is instead (an archive's `lp/leakproof`, an image's
    `/opt/leakproof/leakproof`)."""
    sc = spark.sparkContext
    fmt = fmt or ("parquet" if input_path.rstrip("/").endswith(".parquet") else "json")
    shipped = set(os.path.basename(f) for f in sc.listFiles)
    if executor_binary:
        command = executor_binary
    else:
        if os.path.basename(binary) not in shipped:
            sc.addFile(os.path.abspath(binary))
        command = _shipped(sc, os.path.basename(binary))
    args = [command, "redact", "--format", "ndjson", "--threads", "1"]
    if policy:
        if os.path.basename(policy) not in shipped:
            sc.addFile(os.path.abspath(policy))
        args += ["--policy", _shipped(sc, os.path.basename(policy))]
    if operator:
        args += ["--operator", operator]
    # Keyed operators (hash, encrypt) read LEAKPROOF_KEY; pass it through
    # the pipe's environment (it travels to the executors with the task).
    env = {"PATH": "/usr/bin:/bin"}
    if os.environ.get("LEAKPROOF_KEY"):
        env["LEAKPROOF_KEY"] = os.environ["LEAKPROOF_KEY"]

    df = spark.read.format(fmt).load(input_path)
    schema = df.schema
    if partitions:
        df = df.repartition(partitions)
    started = time.time()
    # One JSON object per row and per line: NDJSON. toJSON escapes line
    # breaks inside strings, so a row is never split across lines.
    lines = df.toJSON()
    redacted = lines.pipe(" ".join(shlex.quote(a) for a in args), env=env, checkCode=True)
    # FAILFAST: a row that would not fit the schema fails the job instead
    # of being silently nulled (e.g. a bare card number in a numeric column
    # turned into "[CREDIT_CARD]": give that column a field rule instead).
    out = spark.read.schema(schema).option("mode", "FAILFAST").json(redacted)
    writer = out.write.mode("overwrite")
    writer.parquet(output_path) if fmt == "parquet" else writer.json(output_path)
    seconds = time.time() - started
    rows = None
    if check:
        rows_in = spark.read.format(fmt).load(input_path).count()
        written = spark.read.schema(schema).format(fmt).load(output_path)
        rows = written.count()
        if rows != rows_in:
            raise RuntimeError(f"row count changed: {rows_in} in, {rows} out")
        if spark.read.format(fmt).load(output_path).schema != schema:
            raise RuntimeError("the schema changed")
    return rows, seconds


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--input", required=True, help="JSON lines or Parquet dataset (file or directory)")
    p.add_argument("--output", required=True, help="where the redacted dataset is written (overwritten)")
    p.add_argument("--format", choices=["json", "parquet"], help="default: parquet for *.parquet, else json")
    p.add_argument("--binary", default="leakproof",
                   help="name (or local path) of the leakproof binary shipped with --files")
    p.add_argument("--executor-binary",
                   help="path of leakproof on the executors, used as is (from --archives or an image)")
    p.add_argument("--policy", help="policy file (shipped to the executors)")
    p.add_argument("--operator", help="mask, hash, partial, encrypt or remove")
    p.add_argument("--partitions", type=int, help="repartition the input first")
    p.add_argument("--no-check", action="store_true", help="skip the row count and schema check")
    args = p.parse_args(argv)

    spark = SparkSession.builder.appName("leakproof-redact").getOrCreate()
    binary = args.binary
    if not args.executor_binary and not os.path.exists(binary):
        # Shipped with spark-submit --files: the driver has it too.
        binary = SparkFiles.get(os.path.basename(binary))
    rows, seconds = redact_dataset(spark, args.input, args.output, args.format, binary,
                                   args.policy, args.operator, args.partitions,
                                   check=not args.no_check,
                                   executor_binary=args.executor_binary)
    rate = f", {rows / seconds:.0f} rows/s" if rows else ""
    print(f"leakproof spark job: {rows if rows is not None else 'all'} rows redacted "
          f"in {seconds:.2f} s{rate} -> {args.output}", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
