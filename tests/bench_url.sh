#!/bin/bash
# bench_url.sh: make bench against an outside server (URL=), with a
# restricted matrix (STRATEGIES, WORKLOADS): no fixture server started, no
# timeline, only the strategies asked for, every point verified, and the
# report and machine.json saying where the files came from.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
start_server --files 25 --delay-ms 5 # the "outside" server: this test's own
QUICK=1 URL="$URL/index.json" STRATEGIES="sequential threads" WORKLOADS=io \
    RESULTS_DIR="$SCRATCH/results" CONCBENCH="$CONCBENCH" "$ROOT/scripts/bench.sh" 2>"$SCRATCH/bench.err"
rc=$?
run="$SCRATCH/results/latest"
expect "bench with URL= exits 0 (stderr: $(tail -2 "$SCRATCH/bench.err"))" test $rc -eq 0
expect "it says it measures an outside server" grep -q "outside server: $URL/index.json" "$SCRATCH/bench.err"
expect "no fixture server started" bash -c "! grep -q '^server' '$run/raw/pids' 2>/dev/null"
expect "only the strategies asked for" \
    test "$(jq -r '[.results[].strategy] | unique | join(" ")' "$run/results.json")" = "sequential threads"
expect "only the workload asked for" test "$(jq -r '[.results[].workload] | unique | join(" ")' "$run/results.json")" = io
expect "every point downloaded the 25 files and verified them" \
    jq_true '[.results[] | .ok == 25 and .verified] | all' "$run/results.json"
expect "machine.json records the URL, and no fixture's file count" \
    test "$(jq -c '[.parameters.outside_url, .parameters.files]' "$run/machine.json")" = "[\"$URL/index.json\",null]"
expect "machine.json records STRATEGIES" test "$(jq -c '.parameters.strategies' "$run/machine.json")" = '["sequential","threads"]'
expect "REPORT says where the files came from" grep -q "outside server, $URL/index.json" "$run/REPORT.md"
expect "no timeline against an outside server" test -z "$(ls "$run"/raw/trace-*.json 2>/dev/null)"
finish
