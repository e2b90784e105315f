#!/bin/bash
# bench_smoke.sh: `make bench QUICK=1`'s driver end to end, into a scratch
# results dir. Every count comes from the run's own plan and the binary's
# registry: every point planned is in results.json and the CSV, every
# point verified (or failed as its lesson says it must), every strategy
# that ran is on every chart of its series, the charts are real PNG and
# SVG, and the server the driver started is gone.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# Two io worker counts (QUICK's own is one) for the exports over workers,
# and the full run's warm-up (QUICK's own is none).
QUICK=1 IO_WORKERS="4 8" WARMUP=1 RESULTS_DIR="$SCRATCH/results" CONCBENCH="$CONCBENCH" \
    "$ROOT/scripts/bench.sh" 2>"$SCRATCH/bench.err"
rc=$?
expect "bench exits 0 (stderr: $(tail -3 "$SCRATCH/bench.err"))" test $rc -eq 0

run="$SCRATCH/results/latest"
expect "results/latest is a link to the run" test -L "$run" -a -d "$run"
for f in results.json results.csv summary.md machine.json plugins.json REPORT.md raw/plan.tsv; do
    expect "$f exists" test -s "$run/$f"
done
points=$(wc -l <"$run/raw/plan.tsv")
series=$(cut -f2,3 "$run/raw/plan.tsv" | sort -u | wc -l)
runs=$(jq .parameters.runs "$run/machine.json")
steps=$((series * runs))
expect "one line per step when not a TTY ($steps)" \
    test "$(grep -c "step [0-9]*/$steps:" "$SCRATCH/bench.err")" -eq $steps
expect "one hyperfine export per series and round" \
    test "$(ls "$run"/raw/*-r[1-9]*.json | wc -l)" -eq $steps
expect "one warm-up run per strategy and per contender program, the first time it runs" \
    test "$(jq -s '[.[].results | length] | add' "$run"/raw/*-r0.json)" -eq \
         "$(awk -F'\t' '{ print ($10 == "-" ? $4 : $10) }' "$run/raw/plan.tsv" | sort -u | wc -l)"
expect "every strategy and every contender (CPython's programs, curl) planned" \
    test "$(cut -f4 "$run/raw/plan.tsv" | sort -u)" = \
         "$( (jq -r '.strategies[].name' "$LIST_JSON"; jq -r '.contenders[].name' "$run/contenders.json") | sort)"
expect "the CPython points name their interpreter, curl's its version" \
    test "$(jq '[.results[] | select((.family == "cpython" and (.python | not)) or
                                     (.family == "curl" and (.curl | not)))] | length' "$run/results.json")" -eq 0
expect "CPython's speedups are over py-sequential: py-sequential's own is 1" \
    jq_true '[.results[] | select(.strategy == "py-sequential" and .speedup != null) | .speedup]
             | length > 0 and all(. == 1)' "$run/results.json"
expect "the course's race ran in CPython, once per kernel (QUICK)" \
    test "$(ls "$run"/raw/py-race/sum-r*.json "$run"/raw/py-race/heavy-r*.json | wc -l)" -eq 2
expect "REPORT.md has the CPython section" grep -q "^## 7\. The course's own programs" "$run/REPORT.md"
expect "every workload planned" \
    test "$(cut -f2 "$run/raw/plan.tsv" | sort -u)" = "$(jq -r '.workloads[].name' "$LIST_JSON" | sort)"
expect "$points points in results.json" test "$(jq '.results | length' "$run/results.json")" -eq "$points"
expect "$((points + 1)) CSV lines" test "$(wc -l <"$run/results.csv")" -eq $((points + 1))
missing=$(jq -r '.results[] | . as $p
    | ["command","mean","stddev","median","min","max","times","user","system","parameters",
       "exit_codes","workload","series","strategy","workers","ok","failed","verified",
       "expected_fail","ok_point","max_rss_kb","ctx_voluntary","ctx_involuntary","inproc","runs",
       "params","errors","limits"]
    | map(select($p[.] == null)) | .[]' "$run/results.json" | sort -u | tr '\n' ' ')
expect "every entry has every field (missing: $missing)" test -z "$missing"
expect "points that fetch have latency and a bound" \
    test "$(jq '[.results[] | select(.workload as $w | $ARGS.named.fetch | index($w))
                 | select(.latency_ms.p95 == null or .bound_s == null)] | length' \
            --argjson fetch "$(jq '[.workloads[] | select(.caps | index("fetches")) | .name]' "$LIST_JSON")" \
            "$run/results.json")" -eq 0
expect "every point verified, or failed as its lesson says" \
    test "$(jq '[.results[] | select(.ok_point != true)] | length' "$run/results.json")" -eq 0
# The race needs both workers on a CPU at once, which a busy machine can
# deny both of QUICK's short runs (seen with a core taken by another job
# and other tests beside). Then the report must say the medians went
# against the lesson (the lessons table, not these medians, gives verdicts),
# and the race, re-measured the way lessons.sh does (longer runs, up to
# five), must still lose updates: the kernel races, this run's scheduling
# did not let it.
raced=$(jq '[.results[] | select(.expected_fail and .workers == 2 and .verified == false)] | length' \
    "$run/results.json")
if [ "$raced" -ge 1 ]; then
    expect "the race failed at 2 workers, as it should ($raced runs)" test "$raced" -ge 1
else
    echo "the race lost no update in the bench's runs at 2 workers: re-measuring it"
    expect "REPORT says the race came out right in this run" \
        grep -q "Against expectation in this run's medians.*--sync none came out right" "$run/REPORT.md"
    race_lost "$SCRATCH/race.json"
    echo "the race lost updates on re-measured run $RACE_ATTEMPT (exit $RACE_RC)"
    expect "the race, re-measured, fails at 2 workers (exit 1)" test $RACE_RC -eq 1
fi
expect "the race at 1 worker verified" \
    test "$(jq '[.results[] | select(.value == "none" and .workers == 1 and .verified == true)] | length' \
            "$run/results.json")" -eq 1
expect "gil points carry lock statistics" \
    test "$(jq '[.results[] | select(.strategy == "gil" and .stats.switches == null)] | length' \
            "$run/results.json")" -eq 0
expect "hyperfine times kept ($runs runs each)" \
    test "$(jq --argjson r "$runs" '[.results[] | select((.times | length) != $r)] | length' "$run/results.json")" -eq 0
expect "in-process times kept ($runs runs each)" \
    test "$(jq --argjson r "$runs" '[.results[] | select((.inproc.times | length) != $r)] | length' "$run/results.json")" -eq 0
expect "machine.json names the machine and the filesystem of the downloads" \
    test "$(jq -r '.cpu_model != null and .cores > 0 and .libcurl != null and .parameters.files == 40
                   and .out_filesystem != null' "$run/machine.json")" = true
expect "machine.json has the system's state at the start and at the end" \
    test "$(jq -r '.system.loadavg_1m != null and .system_end.loadavg_1m != null' "$run/machine.json")" = true
expect "summary.md has one table per series ($series)" test "$(grep -c '^## ' "$run/summary.md")" -eq "$series"
expect "REPORT.md has its lessons" test "$(grep -c '^## [1-5]\.' "$run/REPORT.md")" -ge 5
expect "REPORT.md says it is QUICK" grep -q 'QUICK' "$run/REPORT.md"

# Every chart drawn, and every strategy that ran on each chart of its series.
while read -r script chart; do
    expect "$chart.png is a PNG" test "$(head -c 8 "$run/$chart.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
    expect "$chart.png is not tiny" test "$(stat -c %s "$run/$chart.png")" -gt 20000
    expect "$chart.svg is an SVG" grep -q '<svg' "$run/$chart.svg"
done <"$run/plot/charts.txt"
for chart in $(jq -r '[.workloads[].series[] | select(.chart != "speedup") | .id] | .[]' "$LIST_JSON"); do
    shown=$(cat "$run/plot/$chart.inc" "$run"/plot/"$chart"-e*.dat 2>/dev/null)
    for s in $(awk -F'\t' -v c="$chart" '$3 == c { print $4 }' "$run/raw/plan.tsv" | sort -u); do
        expect "$s is on the $chart chart" grep -q "$s" <<<"$shown"
    done
done
for s in $(jq -r '.strategies[].name' "$LIST_JSON"); do
    expect "$s is on the bars and cost charts" \
        bash -c "grep -q '\"$s' '$run'/plot/bars-e*.dat && grep -q '\"$s' '$run'/plot/cost-e*.dat"
done
# The timeline: one traced run per strategy, a Gantt panel each.
for s in $(jq -r '.strategies[].name' "$LIST_JSON"); do
    expect "$s traced for the timeline" jq_true '.traceEvents | length > 0' "$run/raw/trace-$s.json"
    expect "$s has a timeline panel" grep -q "\"$s\"" "$run/plot/timeline.inc"
done
expect "REPORT.md explains the timeline" grep -q '^## 6\. Over time' "$run/REPORT.md"
# hyperfine's shape, for hyperfine's own scripts: readable names, the
# in-process clock, one file per series and per strategy over workers.
expect "hyperfine/io-io.json: every io point" \
    test "$(jq '.results | length' "$run/hyperfine/io-io.json")" -eq "$(awk -F'\t' '$3 == "io"' "$run/raw/plan.tsv" | wc -l)"
expect "hyperfine exports: readable names, $runs in-process times, workers as a parameter" \
    test "$(jq --argjson r "$runs" '[.results[] | select((.command | test("^io [a-z0-9-]+ w=[0-9]+$") | not)
              or (.times | length) != $r or .parameters.workers == null)] | length' "$run/hyperfine/io-io.json")" -eq 0
t4=$(jq -r '.results[] | select(.name == "io-io-threads-w4") | .inproc.median' "$run/results.json")
expect "hyperfine exports: the in-process clock (threads at 4: the same median, $t4 s, as results.json's inproc)" \
    test -n "$t4" -a "$(jq -r '.results[] | select(.command == "io threads w=4") | .median' "$run/hyperfine/io-io.json")" = "$t4"
expect "hyperfine exports: one strategy over workers" \
    test "$(jq '.results | length' "$run/hyperfine/io-io-threads.json")" -ge 2
expect "index.html written" grep -q '<img src="io.png"' "$run/index.html"
server=$(awk '$1 == "server" { print $2 }' "$run/raw/pids")
expect "the fixture servers it started are gone" none_alive $server
finish
