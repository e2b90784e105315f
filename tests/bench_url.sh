#!/bin/bash
# bench_url.sh: make bench against an outside server (URL=), with a
# restricted matrix (STRATEGIES, WORKLOADS): no fixture server started, no
# timeline, only the strategies asked for, every point verified, and the
# report and machine.json saying where the files came from; then a plain
# URL list that nothing can verify: exit 0, said unverified.
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

# A plain URL list from a static server (no sizes, no checksums, as nginx
# serving a folder): every transfer succeeds, so the bench exits 0, and
# it says that nothing could be verified rather than failing or keeping
# quiet, the CPython programs and curl as the C strategies.
mkdir -p "$SCRATCH/www/files"
for i in 1 2 3 4 5 6; do head -c $((1000 * i)) /dev/urandom >"$SCRATCH/www/files/f$i.bin"; done
start_static "$SCRATCH/www" 400
for i in 1 2 3 4 5 6; do echo "$STATIC/files/f$i.bin"; done >"$SCRATCH/www/urls.txt"
QUICK=1 URL="$STATIC/urls.txt" STRATEGIES="sequential threads py-threads curl-parallel" WORKLOADS=io \
    RESULTS_DIR="$SCRATCH/list" CONCBENCH="$CONCBENCH" "$ROOT/scripts/bench.sh" 2>"$SCRATCH/list.err"
rc=$?
run="$SCRATCH/list/latest"
expect "bench of a URL list exits 0 (stderr: $(tail -2 "$SCRATCH/list.err"))" test $rc -eq 0
expect "every point downloaded the 6 files, none failed, none verified" \
    jq_true '[.results[] | .ok == 6 and .failed == 0 and .verified == false] | all and length == 4' "$run/results.json"
expect "the bench's last words say the points could not be verified" \
    grep -q "0 failed, 4 ran but could not be verified" "$SCRATCH/list.err"
expect "REPORT says so near its top" grep -q '^\*\*4 of 4 points ran without a failure but could not be verified' "$run/REPORT.md"
expect "summary.md's table says unverifiable, not yes" \
    bash -c "grep -c 'ran, unverifiable' '$run/summary.md' | grep -qx 4"
stop_static
finish
