#!/bin/bash
# bench_smoke.sh: `make bench QUICK=1`'s driver end to end, into a scratch
# results dir: every expected file exists, results.json has every field for
# every point and every point verified, the charts are real PNG and SVG.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)

QUICK=1 RESULTS_DIR="$SCRATCH/results" CONCBENCH="$CONCBENCH" \
    "$ROOT/scripts/bench.sh" 2>"$SCRATCH/bench.err"
rc=$?
expect "bench exits 0 (stderr: $(tail -3 "$SCRATCH/bench.err"))" test $rc -eq 0
expect "one line per step when not a TTY" \
    test "$(grep -c 'step [0-9]*/26' "$SCRATCH/bench.err")" -eq 26

run="$SCRATCH/results/latest"
expect "results/latest is a link to the run" test -L "$run" -a -d "$run"
for f in results.json results.csv summary.md machine.json plot.inc REPORT.md; do
    expect "$f exists" test -s "$run/$f"
done
expect "26 raw hyperfine exports" test "$(ls "$run"/raw/*.json | grep -vc meta.json)" -eq 26

# QUICK: io 1 + 3 strategies x 3 worker counts + 2 x 2 (gil, hybrid from 2);
# cpu 2 kernels x (1 + 4 x 2); sync 4 modes x 2; mixed 1 + 5 x 1.
expect "46 points" test "$(jq '.results | length' "$run/results.json")" -eq 46
expect "47 CSV lines" test "$(wc -l <"$run/results.csv")" -eq 47
missing=$(jq -r '.results[] | . as $p
    | ["command","mean","stddev","median","min","max","times","user","system","parameters",
       "workload","strategy","workers","ok","failed","verified","max_rss_kb",
       "ctx_voluntary","ctx_involuntary","inproc","runs","sync","expected_fail"]
    | map(select($p[.] == null)) | .[]' "$run/results.json" | sort -u | tr '\n' ' ')
expect "every entry has every field (missing: $missing)" test -z "$missing"
expect "io entries have latency and bound" \
    test "$(jq '[.results[] | select(.workload == "io")
                  | select(.latency_ms.p95 == null or .bound_s == null)] | length' "$run/results.json")" -eq 0
expect "cpu entries have sum = expected, but the race" \
    test "$(jq '[.results[] | select(.workload == "cpu" and .expected_fail != true)
                 | select(.sum != .expected)] | length' \
            "$run/results.json")" -eq 0
expect "every entry verified, but the race" \
    test "$(jq '[.results[] | select(.verified != true and .expected_fail != true)] | length' "$run/results.json")" -eq 0
expect "the race failed at 2 workers, as it should" \
    test "$(jq '[.results[] | select(.sync == "none" and .workers == 2 and .verified == false
                                     and .expected_fail == true)] | length' "$run/results.json")" -eq 1
expect "the race at 1 worker verified" \
    test "$(jq '[.results[] | select(.sync == "none" and .workers == 1 and .verified == true)] | length' \
            "$run/results.json")" -eq 1
expect "gil points carry lock statistics" \
    test "$(jq '[.results[] | select(.strategy == "gil" and .gil.switches == null)] | length' \
            "$run/results.json")" -eq 0
expect "REPORT.md has the five lessons" test "$(grep -c '^## [1-5]\.' "$run/REPORT.md")" -eq 5
expect "REPORT.md embeds its charts" test "$(grep -c '^!\[' "$run/REPORT.md")" -ge 6
expect "hyperfine times kept (2 runs each)" \
    test "$(jq '[.results[] | select((.times | length) != 2)] | length' "$run/results.json")" -eq 0
expect "in-process times kept (2 runs each)" \
    test "$(jq '[.results[] | select((.inproc.times | length) != 2)] | length' "$run/results.json")" -eq 0
expect "machine.json names the machine" \
    test "$(jq -r '.cpu_model != null and .cores > 0 and .libcurl != null and .parameters.files == 40' \
            "$run/machine.json")" = true
expect "summary.md has the five tables" test "$(grep -c '^## ' "$run/summary.md")" -eq 5

for chart in io cpu bars cost gil sync mixed; do
    expect "$chart.png is a PNG" test "$(head -c 8 "$run/$chart.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
    expect "$chart.png is not tiny" test "$(stat -c %s "$run/$chart.png")" -gt 20000
    expect "$chart.svg is an SVG" grep -q '<svg' "$run/$chart.svg"
done
expect "no fixture server left running" \
    test -z "$(pgrep -f -- "serve --port 0 --files 40 --delay-ms 5")"
finish
