#!/usr/bin/env bash
# Throughput of `leakproof reindex` against a local osmem-server
# (pip install osmem-server): 1 slice, 2 slices in one process, 2 slice
# workers as separate processes, and the cost of a killed-and-resumed run;
# plus `leakproof redact` on the same documents as NDJSON, for the engine's
# own rate. Prints medians of RUNS runs.
#
#   cargo build --release && bash examples/reindex/bench.sh [DOCS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
DOCS=${1:-20000}
RUNS=${2:-3}
BIN=${LEAKPROOF:-target/release/leakproof}
WORK=$(mktemp -d)
OSMEM=$(python3 -c 'import osmem_server; print(osmem_server.resolve_binary())')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$OSMEM" -addr "127.0.0.1:$PORT" -no-stdin-watch >"$WORK/osmem.log" 2>&1 &
OSMEM_PID=$!
trap 'kill $OSMEM_PID 2>/dev/null; rm -rf "$WORK"' EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 50); do curl -sf "$URL/" >/dev/null && break; sleep 0.1; done

python3 examples/spark/support_records.py "$DOCS" >"$WORK/cases.ndjson"
python3 - "$WORK/cases.ndjson" "$WORK/bulk" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
lines = open(src, encoding="utf-8").read().splitlines()
for n, start in enumerate(range(0, len(lines), 5000)):
    with open(f"{out}.{n:03d}", "w", encoding="utf-8") as f:
        for i, line in enumerate(lines[start:start + 5000], start):
            f.write(json.dumps({"index": {"_index": "cases", "_id": f"case-{i:07d}"}}) + "\n" + line + "\n")
PY
for f in "$WORK"/bulk.*; do
    curl -sf -XPOST "$URL/_bulk" -H 'content-type: application/x-ndjson' --data-binary @"$f" >/dev/null
done
curl -sf -XPOST "$URL/cases/_refresh" >/dev/null
BYTES=$(wc -c <"$WORK/cases.ndjson")
echo "corpus: $DOCS support records, $((BYTES / DOCS)) bytes each on average; $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rate() { python3 -c 'import json,sys; s=json.loads(sys.stdin.read().splitlines()[-1]); print(round((s["read"]-s["resumed_from"])/s["seconds"]))'; }
fresh() { curl -sf -XDELETE "$URL/clean" >/dev/null 2>&1 || true; }

for slices in 1 2; do
    rates=()
    for _ in $(seq "$RUNS"); do
        fresh
        rates+=("$("$BIN" reindex --source "$URL/cases" --dest "$URL/clean" --slices "$slices" --reject-file "$WORK/r" 2>/dev/null | rate)")
    done
    echo "reindex, $slices slice(s), one process: $(printf '%s\n' "${rates[@]}" | median) docs/s (runs: ${rates[*]})"
done

rates=()
for _ in $(seq "$RUNS"); do
    fresh
    start=$(date +%s.%N)
    "$BIN" reindex --source "$URL/cases" --dest "$URL/clean" --slices 2 --slice 0 --reject-file "$WORK/r0" >/dev/null 2>&1 &
    a=$!
    "$BIN" reindex --source "$URL/cases" --dest "$URL/clean" --slices 2 --slice 1 --reject-file "$WORK/r1" >/dev/null 2>&1
    wait $a
    end=$(date +%s.%N)
    rates+=("$(python3 -c "print(f'{$DOCS/($end-$start):.0f}')")")
done
echo "reindex, 2 slice workers (2 processes): $(printf '%s\n' "${rates[@]}" | median) docs/s wall (runs: ${rates[*]})"

# Resume: kill at about half, then resume; compare with an uninterrupted run.
full=(); resumed=(); overhead=()
for _ in $(seq "$RUNS"); do
    fresh
    start=$(date +%s.%N)
    "$BIN" reindex --source "$URL/cases" --dest "$URL/clean" --reject-file "$WORK/r" >/dev/null 2>&1
    end=$(date +%s.%N)
    full+=("$(python3 -c "print(f'{$end-$start:.2f}')")")
    fresh; rm -f "$WORK/cp"
    start=$(date +%s.%N)
    "$BIN" reindex --source "$URL/cases" --dest "$URL/clean" --checkpoint "$WORK/cp" --reject-file "$WORK/r" >/dev/null 2>&1 &
    pid=$!
    while :; do
        done_=$(python3 -c "import json;c=json.load(open('$WORK/cp'));print(sum(s['written'] for s in c['states']))" 2>/dev/null || echo 0)
        [ "$done_" -ge $((DOCS / 2)) ] && break
        sleep 0.05
    done
    kill -9 $pid; wait $pid 2>/dev/null || true
    out=$("$BIN" reindex --source "$URL/cases" --dest "$URL/clean" --checkpoint "$WORK/cp" --reject-file "$WORK/r" 2>/dev/null)
    end=$(date +%s.%N)
    resumed+=("$(python3 -c "print(f'{$end-$start:.2f}')")")
    overhead+=("$(echo "$out" | python3 -c 'import json,sys; s=json.loads(sys.stdin.read()); print(s["read"], s["resumed_from"])')")
done
echo "uninterrupted run: median $(printf '%s\n' "${full[@]}" | median) s (runs: ${full[*]})"
echo "killed at ~50% + resumed: median $(printf '%s\n' "${resumed[@]}" | median) s wall in total (runs: ${resumed[*]}; read/resumed_from: ${overhead[*]})"

rates=()
for _ in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    "$BIN" redact --format ndjson "$WORK/cases.ndjson" >/dev/null 2>&1
    end=$(date +%s.%N)
    rates+=("$(python3 -c "print(f'{$DOCS/($end-$start):.0f}')")")
done
echo "leakproof redact on the same records as NDJSON: $(printf '%s\n' "${rates[@]}" | median) docs/s (runs: ${rates[*]})"
