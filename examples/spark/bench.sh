#!/usr/bin/env bash
# Rows per second of the Spark job in local mode against `leakproof redact`
# run directly on the same NDJSON. Medians of RUNS runs.
#
#   cargo build --release && bash examples/spark/bench.sh [ROWS] [RUNS] [MASTER]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-200000}
RUNS=${2:-3}
MASTER=${3:-local[2]}
BIN=$(realpath "${LEAKPROOF:-target/release/leakproof}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 examples/spark/support_records.py "$ROWS" >"$WORK/cases.json"
echo "data: $ROWS rows, $(( $(wc -c <"$WORK/cases.json") / ROWS )) bytes each; $(nproc) cores:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); Spark $MASTER"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

direct=()
for _ in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    "$BIN" redact --format ndjson "$WORK/cases.json" >"$WORK/direct.ndjson" 2>/dev/null
    end=$(date +%s.%N)
    direct+=("$(python3 -c "print(round($ROWS/($end-$start)))")")
done
echo "leakproof redact, directly: $(printf '%s\n' "${direct[@]}" | median) rows/s (runs: ${direct[*]})"

stage=(); wall=()
for _ in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    spark-submit --master "$MASTER" --conf spark.ui.enabled=false --files "$BIN" \
        examples/spark/redact_job.py --input "$WORK/cases.json" --output "$WORK/out" \
        --binary leakproof --no-check >"$WORK/spark.log" 2>&1
    end=$(date +%s.%N)
    secs=$(sed -n 's/.*redacted in \([0-9.]*\) s.*/\1/p' "$WORK/spark.log" | tail -1)
    stage+=("$(python3 -c "print(round($ROWS/$secs))")")
    wall+=("$(python3 -c "print(round($ROWS/($end-$start)))")")
done
echo "Spark job, read + pipe + parse + write: $(printf '%s\n' "${stage[@]}" | median) rows/s (runs: ${stage[*]})"
echo "Spark job, spark-submit wall clock incl. JVM start: $(printf '%s\n' "${wall[@]}" | median) rows/s (runs: ${wall[*]})"
