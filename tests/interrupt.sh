#!/bin/bash
# interrupt.sh STRATEGY: SIGINT and SIGTERM during a run of one strategy:
# the run stops within 1.5 s (typically 10 ms; threads up to ~0.7 s,
# libcurl's progress callback cadence), exits 128 + signal, prints the
# partial summary, leaves no child (every PID it had is gone) and no
# temporary file, and its --output file is complete JSON saying it was
# interrupted.
#
# Then the run itself is killed with SIGKILL, which it cannot catch: its
# workers must die with it (procs: PR_SET_PDEATHSIG), and nothing more is
# written into --out once it is gone.
#
# interrupt.sh --kill-worker: a procs worker killed with SIGKILL is
# noticed: its task is lost, the others finish, exit 1, workers_lost 1.
# Then a wedged worker (SIGSTOP): SIGINT still stops the run, within the
# grace the children get before SIGKILL; and SIGKILL of the run takes the
# stopped worker with it.
. "$(dirname "$0")/lib.sh"

signal_run() { # STRATEGY SIG
    local strategy=$1 sig=$2 out="$SCRATCH/dl-$1-$2"
    env --default-signal=INT "$CONCBENCH" run --workload mixed --strategy "$strategy" \
        --workers 6 --links "$SCRATCH/slow.txt" --out "$out" \
        --output "$SCRATCH/$strategy-$sig.json" >"$SCRATCH/out" 2>&1 &
    local pid=$!
    sleep 0.5
    local kids
    kids=$(children_of $pid)
    local start
    start=$(date +%s%N)
    kill -"$sig" $pid
    wait $pid
    local rc=$? ms=$((($(date +%s%N) - start) / 1000000))
    local want=$((128 + $(kill -l "$sig")))
    expect "$strategy SIG$sig: exit $want (got $rc)" test $rc -eq $want
    expect "$strategy SIG$sig: stopped within 1.5 s (took $ms ms)" test $ms -lt 1500
    expect "$strategy SIG$sig: partial summary" grep -q "INTERRUPTED by SIG$sig" "$SCRATCH/out"
    # shellcheck disable=SC2086
    # (A zombie counts as gone: mpi's ranks are mpirun's children, and once
    # mpirun has exited, init reaps them when it gets to it.)
    expect "$strategy SIG$sig: none of its processes left ($(echo $kids))" none_running $kids
    expect "$strategy SIG$sig: no temporary file" test -z "$(ls -A "$out" 2>/dev/null | grep '^\.')"
    expect "$strategy SIG$sig: results file complete" \
        test "$(json "$SCRATCH/$strategy-$sig.json" interrupted)" = "SIG$sig"
}

kill_run() { # STRATEGY
    local strategy=$1 out="$SCRATCH/dl-$1-KILL"
    start_server --files 40 --delay-ms 300
    "$CONCBENCH" run --workload io --strategy "$strategy" --workers 6 --url "$URL/index.json" \
        --out "$out" >/dev/null 2>&1 &
    local pid=$!
    sleep 0.5
    local kids
    kids=$(children_of $pid)
    kill -KILL $pid
    wait $pid 2>/dev/null
    local before after
    before=$(ls -A "$out" 2>/dev/null)
    # (A zombie is dead: see above.)
    for _ in $(seq 1 40); do
        # shellcheck disable=SC2086
        none_running $kids && break
        sleep 0.05
    done
    # shellcheck disable=SC2086
    expect "$strategy SIGKILL: its processes died with it ($(echo $kids))" none_running $kids
    sleep 1 # three times the server's delay: a transfer left running would have ended
    after=$(ls -A "$out" 2>/dev/null)
    expect "$strategy SIGKILL: nothing written into --out afterwards" test "$before" = "$after"
    expect "$strategy SIGKILL: no temporary file" test -z "$(echo "$after" | grep '^\.')"
}

kill_worker() {
    start_server --files 40 --delay-ms 300
    "$CONCBENCH" run --workload io --strategy procs --workers 4 --url "$URL/index.json" \
        --out "$SCRATCH/dl-kill" --json >"$SCRATCH/kill.json" &
    local pid=$!
    for _ in $(seq 1 100); do
        [ "$(pgrep -P $pid | wc -l)" -eq 4 ] && break
        sleep 0.05
    done
    sleep 0.5
    local workers victim
    workers=$(pgrep -P $pid)
    victim=$(echo "$workers" | head -1)
    kill -KILL "$victim"
    wait $pid
    local rc=$?
    expect "killed worker: the run finishes with exit 1 (got $rc)" test $rc -eq 1
    expect "killed worker: noticed" test "$(json "$SCRATCH/kill.json" stats.workers_lost)" -eq 1
    expect "killed worker: its task lost, the rest ok" \
        test "$(json "$SCRATCH/kill.json" errors.lost)" -ge 1 -a "$(json "$SCRATCH/kill.json" ok)" -ge 30
    expect "killed worker: ok + failed = 40" \
        test $(($(json "$SCRATCH/kill.json" ok) + $(json "$SCRATCH/kill.json" failed))) -eq 40
    # shellcheck disable=SC2086
    expect "killed worker: every worker reaped" none_alive $workers
    expect "killed worker: no temporary file" test -z "$(ls -A "$SCRATCH/dl-kill" | grep '^\.')"
}

stop_worker() {
    start_server --files 200 --delay-ms 100
    "$CONCBENCH" run --workload io --strategy procs --workers 4 --url "$URL/index.json" \
        --out "$SCRATCH/dl-stop" --json >"$SCRATCH/stop.json" 2>/dev/null &
    local pid=$!
    for _ in $(seq 1 100); do
        [ "$(children_of $pid | wc -w)" -eq 4 ] && break
        sleep 0.05
    done
    local workers victim
    workers=$(children_of $pid)
    victim=$(echo $workers | cut -d' ' -f1)
    kill -STOP "$victim"
    sleep 0.3
    local start
    start=$(date +%s%N)
    kill -INT $pid
    wait $pid
    local rc=$? ms=$((($(date +%s%N) - start) / 1000000))
    expect "wedged worker, SIGINT: exit 130 (got $rc)" test $rc -eq 130
    expect "wedged worker, SIGINT: stopped within 3 s, the grace and SIGKILL (took $ms ms)" test $ms -lt 3000
    expect "wedged worker, SIGINT: the partial result says so" \
        test "$(json "$SCRATCH/stop.json" interrupted)" = SIGINT
    # shellcheck disable=SC2086
    expect "wedged worker, SIGINT: every worker gone" none_running $workers

    "$CONCBENCH" run --workload io --strategy procs --workers 4 --url "$URL/index.json" \
        --out "$SCRATCH/dl-stop2" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        [ "$(children_of $pid | wc -w)" -eq 4 ] && break
        sleep 0.05
    done
    workers=$(children_of $pid)
    # shellcheck disable=SC2086
    kill -STOP $workers
    kill -KILL $pid
    wait $pid 2>/dev/null
    for _ in $(seq 1 40); do
        # shellcheck disable=SC2086
        none_running $workers && break
        sleep 0.05
    done
    # shellcheck disable=SC2086
    expect "SIGKILL of the run: its stopped workers died with it ($(echo $workers))" none_running $workers
}

if [ "$1" = --kill-worker ]; then
    kill_worker
    stop_worker
else
    start_server --files 40 --delay-ms 3000
    for i in $(seq -f %03g 0 39); do echo "$URL/files/flag-$i.bin"; done >"$SCRATCH/slow.txt"
    signal_run "$1" INT
    signal_run "$1" TERM
    kill_run "$1"
fi
finish
