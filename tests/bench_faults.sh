#!/bin/bash
# bench_faults.sh: the driver under failure and interruption.
#  - A point whose runs fail is recorded as failed, the run goes on to the
#    end, and the driver exits non-zero.
#  - SIGINT mid-run stops it promptly, leaves no server, no hyperfine and
#    no concbench run behind.
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

QUICK=1 FILES=23 IO_WORKERS="1 2" CPU_WORKERS=1 RESULTS_DIR="$SCRATCH/results" \
    CONCBENCH="$SCRATCH/concbench" "$ROOT/scripts/bench.sh" 2>"$SCRATCH/bench.err"
rc=$?
run="$SCRATCH/results/latest"
expect "driver exits non-zero when a point failed (got $rc)" test $rc -eq 1
expect "the run still finished: charts drawn" test -s "$run/io.png"
expect "failed points recorded as not verified" \
    test "$(jq '[.results[] | select(.strategy == "procs" and .workload == "io" and .verified == false)] | length' \
            "$run/results.json")" -eq 2
expect "the other points verified" \
    test "$(jq '[.results[] | select(.strategy != "procs" or .workload != "io")
                 | select(.verified != true and .expected_fail != true)] | length' \
            "$run/results.json")" -eq 0
expect "summary marks the failure" grep -q 'NO' "$run/summary.md"

# Interruption: a slow run (long delay), a signal once a run is under way.
# A background job of a non-interactive shell starts with SIGINT ignored
# (and bash cannot trap what was ignored at entry), so restore the default
# first, as a terminal's Ctrl-C would find it.
interrupt() {
    sig=$1 files=$2
    mkdir -p "$SCRATCH/tmp-$sig"
    QUICK=1 FILES=$files DELAY_MS=200 RESULTS_DIR="$SCRATCH/results-$sig" CONCBENCH="$CONCBENCH" \
        TMPDIR="$SCRATCH/tmp-$sig" env --default-signal=INT setsid "$ROOT/scripts/bench.sh" \
        2>"$SCRATCH/bench-$sig.err" &
    pid=$!
    for _ in $(seq 1 100); do
        pgrep -f -- "$SCRATCH/tmp-$sig/.*/dl-" >/dev/null && break
        sleep 0.1
    done
    sleep 0.5
    kill -$sig $pid
    start=$(date +%s%N)
    wait $pid
    rc=$?
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    expect "SIG$sig: driver exits non-zero (got $rc)" test $rc -ne 0
    expect "SIG$sig: driver stops within 2 s (took $elapsed_ms ms)" test $elapsed_ms -lt 2000
    sleep 0.3
    expect "SIG$sig: no server left" test -z "$(pgrep -f -- "--files $files --delay-ms 200")"
    expect "SIG$sig: no hyperfine or run left" test -z "$(pgrep -f -- "$SCRATCH/tmp-$sig")"
    expect "SIG$sig: scratch downloads removed" test -z "$(ls -A "$SCRATCH/tmp-$sig")"
    expect "SIG$sig: latest not pointed at the interrupted run" test ! -e "$SCRATCH/results-$sig/latest"
    expect "SIG$sig: says the run is incomplete" grep -q 'interrupted' "$SCRATCH/bench-$sig.err"
}
interrupt INT 31
interrupt TERM 29
finish
