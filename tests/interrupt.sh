#!/bin/bash
# interrupt.sh: SIGINT and SIGTERM during a run, for every strategy, and a
# procs worker killed with SIGKILL.
#  - the run stops within 1.5 s (typically 10 ms; threads up to ~0.7 s,
#    libcurl's progress callback cadence), exits 128 + signal, prints the
#    partial summary, leaves no child and no temporary file, and its
#    --output file is complete JSON saying it was interrupted;
#  - a killed procs worker is noticed: its task fails, the others finish,
#    exit 1, workers_lost 1.
. "$(dirname "$0")/lib.sh"

start_server --files 40 --delay-ms 3000
for i in $(seq -f %03g 0 39); do echo "$URL/files/flag-$i.bin"; done >"$SCRATCH/slow.txt"

for strategy in sequential threads procs eventloop gil hybrid; do
    for sig in INT TERM; do
        out="$SCRATCH/dl-$strategy-$sig"
        env --default-signal=INT "$CONCBENCH" run --workload mixed --strategy $strategy \
            --workers 6 --links "$SCRATCH/slow.txt" --out "$out" \
            --output "$SCRATCH/$strategy-$sig.json" >"$SCRATCH/out" 2>&1 &
        pid=$!
        sleep 0.5
        start=$(date +%s%N)
        kill -$sig $pid
        wait $pid
        rc=$?
        ms=$((($(date +%s%N) - start) / 1000000))
        want=$((128 + $(kill -l $sig)))
        expect "$strategy SIG$sig: exit $want (got $rc)" test $rc -eq $want
        expect "$strategy SIG$sig: stopped within 1.5 s (took $ms ms)" test $ms -lt 1500
        expect "$strategy SIG$sig: partial summary" grep -q "INTERRUPTED by SIG$sig" "$SCRATCH/out"
        expect "$strategy SIG$sig: no child left" test -z "$(pgrep -f -- "$out")"
        expect "$strategy SIG$sig: no temporary file" test -z "$(ls -A "$out" 2>/dev/null | grep '^\.')"
        expect "$strategy SIG$sig: results file complete" \
            test "$(json "$SCRATCH/$strategy-$sig.json" interrupted)" = "SIG$sig"
    done
done

# A procs worker killed mid-run.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
start_server --files 40 --delay-ms 300
"$CONCBENCH" run --workload io --strategy procs --workers 4 --url "$URL/index.json" \
    --out "$SCRATCH/dl-kill" --json >"$SCRATCH/kill.json" &
pid=$!
for _ in $(seq 1 50); do
    [ "$(pgrep -P $pid | wc -l)" -eq 4 ] && break
    sleep 0.05
done
sleep 0.5
victim=$(pgrep -P $pid | head -1)
kill -KILL "$victim"
sleep 0.2
wait $pid
rc=$?
expect "killed worker: the run finishes with exit 1 (got $rc)" test $rc -eq 1
expect "killed worker: noticed" test "$(json "$SCRATCH/kill.json" workers_lost)" -eq 1
expect "killed worker: its task failed, the rest ok" \
    test "$(json "$SCRATCH/kill.json" failed)" -ge 1 -a "$(json "$SCRATCH/kill.json" ok)" -ge 30
expect "killed worker: ok + failed = 40" \
    test $(($(json "$SCRATCH/kill.json" ok) + $(json "$SCRATCH/kill.json" failed))) -eq 40
expect "killed worker: no zombie or child left" test -z "$(pgrep -P $pid)"
expect "killed worker: no temporary file" test -z "$(ls -A "$SCRATCH/dl-kill" | grep '^\.')"
finish
