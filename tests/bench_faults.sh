#!/bin/bash
# bench_faults.sh: the driver under failure and interruption.
#  - A point whose runs fail is recorded as failed, the run goes on to the
#    end, and the driver exits non-zero.
#  - SIGINT or SIGTERM mid-run stops it promptly, leaves no server, no
#    hyperfine and no concbench run behind (the PIDs and process groups
#    it recorded in raw/pids), and moves no `latest` link.
#  - Two benches started in the same second write two folders.
#  - The fixture server dying mid-bench stops the bench, saying so, and
#    moves no `latest` link.
#  - A lesson the numbers contradict fails the bench (exit 1), and REPORT
#    names it at the top (the lessons replayed from crafted rounds).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# A concbench that fails every io run of the procs strategy (setup error:
# nothing listens on port 1), and is the real one otherwise.
cat >"$SCRATCH/concbench" <<WRAP
#!/bin/bash
if [[ " \$* " == *" --workload io --strategy procs "* ]]; then
    exec "$CONCBENCH" run --workload io --strategy procs --url http://127.0.0.1:1/ --json
fi
exec "$CONCBENCH" "\$@"
WRAP
chmod +x "$SCRATCH/concbench"

QUICK=1 FILES=23 IO_WORKERS="1 2" CPU_WORKERS=1 WORKLOADS="io cpu" RESULTS_DIR="$SCRATCH/results" \
    CONCBENCH="$SCRATCH/concbench" "$ROOT/scripts/bench.sh" 2>"$SCRATCH/bench.err"
rc=$?
run="$SCRATCH/results/latest"
expect "driver exits non-zero when a point failed (got $rc)" test $rc -eq 1
expect "the run still finished: charts drawn" test -s "$run/io.png"
expect "failed points recorded as failed" \
    test "$(jq '[.results[] | select(.strategy == "procs" and .workload == "io" and .ok_point == false)] | length' \
            "$run/results.json")" -eq 2
expect "the other points passed" \
    test "$(jq '[.results[] | select(.strategy != "procs" or .workload != "io")
                 | select(.ok_point != true)] | length' "$run/results.json")" -eq 0
expect "summary marks the failure" grep -q '\*\*NO\*\*' "$run/summary.md"

# Interruption: a slow run (long delay), a signal once runs are under way.
# A background job of a non-interactive shell starts with SIGINT ignored
# (and bash cannot trap what was ignored at entry), so restore the default
# first, as a terminal's Ctrl-C would find it.
interrupt() {
    sig=$1
    local results="$SCRATCH/results-$sig" dl="$SCRATCH/dl-$sig"
    mkdir -p "$dl"
    QUICK=1 FILES=31 DELAY_MS=200 WORKLOADS=io RESULTS_DIR="$results" CONCBENCH="$CONCBENCH" \
        DOWNLOAD_DIR="$dl" env --default-signal=INT setsid "$ROOT/scripts/bench.sh" \
        2>"$SCRATCH/bench-$sig.err" &
    pid=$!
    for _ in $(seq 1 100); do
        grep -q '^hyperfine' "$results"/*/raw/pids 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.5
    kill -"$sig" $pid
    start=$(date +%s%N)
    wait $pid
    rc=$?
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    echo "  SIG$sig: the driver stopped in $elapsed_ms ms"
    expect "SIG$sig: driver exits non-zero (got $rc)" test $rc -ne 0
    expect "SIG$sig: driver stops within 2 s (took $elapsed_ms ms)" test $elapsed_ms -lt 2000
    sleep 0.3
    pids=$(awk '{ print $2 }' "$results"/*/raw/pids)
    groups=$(awk '$1 == "hyperfine" { print $2 }' "$results"/*/raw/pids)
    # shellcheck disable=SC2086
    expect "SIG$sig: no server or hyperfine left ($(echo $pids))" none_alive $pids
    # The driver SIGKILLs what did not stop within 1.5 s; a killed process
    # may take a moment to be torn down (a sanitizer build's mappings are
    # large): wait for that, a bounded 3 s, then look.
    left=""
    for _ in $(seq 1 30); do
        left=""
        for g in $groups; do left="$left$(pgrep -g "$g")"; done
        [ -z "$left" ] && break
        sleep 0.1
    done
    expect "SIG$sig: no run left in hyperfine's process groups ($left)" test -z "$left"
    expect "SIG$sig: scratch downloads removed" test -z "$(ls -A "$dl")"
    expect "SIG$sig: latest not pointed at the interrupted run" test ! -e "$results/latest"
    expect "SIG$sig: says the run is incomplete" grep -q 'interrupted' "$SCRATCH/bench-$sig.err"
}
interrupt INT
interrupt TERM

# Two at once, into one results folder: two run folders, both complete.
for k in 1 2; do
    QUICK=1 STRATEGIES=sequential WORKLOADS=cpu LESSONS=none RESULTS_DIR="$SCRATCH/twice" \
        CONCBENCH="$CONCBENCH" "$ROOT/scripts/bench.sh" 2>"$SCRATCH/twice-$k.err" &
done
wait %1; rc1=$?
wait %2; rc2=$?
runs=$(find "$SCRATCH/twice" -mindepth 1 -maxdepth 1 -type d | wc -l)
expect "two benches at once: both exit 0 ($rc1 $rc2)" test $rc1 -eq 0 -a $rc2 -eq 0
expect "two benches at once: two run folders ($runs)" test "$runs" -eq 2
for d in "$SCRATCH"/twice/2*; do
    expect "two benches at once: $(basename "$d") is complete" test -s "$d/results.json" -a -s "$d/REPORT.md"
done

# A contradicted lesson: `lesson all` answered by a replay of crafted
# rounds in which hybrid lost to the better single model on a quiet machine.
echo '{"lessons": [{"id": "hybrid", "seed": 1, "rounds": 6,
       "parts": [{"values": [0.8, 0.82, 0.79, 0.81, 0.8, 0.83]}],
       "load": {"per_round": [{"runnable": 1}, {"runnable": 1}, {"runnable": 1},
                              {"runnable": 1}, {"runnable": 1}, {"runnable": 1}]}}]}' >"$SCRATCH/contra.json"
cat >"$SCRATCH/contra-concbench" <<WRAP
#!/bin/bash
if [ "\$1" = lesson ] && [ "\$2" = all ]; then
    out=""
    while [ \$# -gt 0 ]; do [ "\$1" = --out ] && out=\$2; shift; done
    exec "$CONCBENCH" lesson --replay "$SCRATCH/contra.json" --json --out "\$out"
fi
exec "$CONCBENCH" "\$@"
WRAP
chmod +x "$SCRATCH/contra-concbench"
QUICK=1 STRATEGIES=sequential WORKLOADS=cpu LESSONS=all RESULTS_DIR="$SCRATCH/contra" \
    CONCBENCH="$SCRATCH/contra-concbench" "$ROOT/scripts/bench.sh" 2>"$SCRATCH/contra.err"
rc=$?
expect "a contradicted lesson fails the bench: exit 1 (got $rc)" test $rc -eq 1
expect "... the bench names it ($(grep CONTRADICTED "$SCRATCH/contra.err"))" grep -q 'CONTRADICTED: hybrid' "$SCRATCH/contra.err"
expect "... REPORT names it at the top" grep -q '^\*\*1 lesson contradicted: hybrid' "$SCRATCH/contra/latest/REPORT.md"
expect "... lessons.json has its verdict" jqe '.lessons[0].verdict == "contradicted"' "$SCRATCH/contra/latest/lessons.json"

# The fixture server killed mid-bench (by its PID, from raw/pids).
QUICK=1 FILES=31 DELAY_MS=100 WORKLOADS=io LESSONS=none RESULTS_DIR="$SCRATCH/dead" \
    CONCBENCH="$CONCBENCH" "$ROOT/scripts/bench.sh" 2>"$SCRATCH/dead.err" &
pid=$!
for _ in $(seq 1 100); do
    grep -q '^hyperfine' "$SCRATCH"/dead/*/raw/pids 2>/dev/null && break
    sleep 0.1
done
server=$(awk '$1 == "server" {print $2; exit}' "$SCRATCH"/dead/*/raw/pids)
kill "$server"
wait $pid
rc=$?
expect "server killed mid-bench: the bench stops, exit non-zero (got $rc)" test $rc -ne 0
expect "server killed mid-bench: it says the server died ($(tail -1 "$SCRATCH/dead.err"))" \
    grep -q 'fixture server.*died' "$SCRATCH/dead.err"
expect "server killed mid-bench: latest not moved" test ! -e "$SCRATCH/dead/latest"
finish
