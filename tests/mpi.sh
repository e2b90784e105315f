#!/bin/bash
# mpi.sh: the mpi strategy as its users start it (the per-strategy suites
# run it self-launched too).
#  - Under mpirun -n 2 and -n 3 (--oversubscribe): cpu (both kernels) and
#    io verified, the result printed once (by rank 0), with the ranks, their
#    hosts, the library, and the time in messages against in tasks.
#  - Self-launched (--workers 3): mpirun started for it, 3 ranks.
#  - As root without Open MPI's two switches: exit 2 naming both.
#  - SIGINT to a self-launched run: exit 130 within 3 s, every rank gone,
#    no temporary file in --out. SIGINT to mpirun itself: the same stop, with
#    mpirun's own exit status; SIGUSR1 to mpirun: exit 130.
#  - A rank killed mid-run: the run fails, the message names it, no hang.
. "$(dirname "$0")/lib.sh"
if ! "$CONCBENCH" list --names strategies | grep -qx mpi; then
    echo "skipped: mpi is not in this build (the sanitizer builds leave it out)"
    exit 77
fi
# Without hwloc's GL probe, as concbench's own launches: in a root with no
# /etc/hosts it waits on DNS for every X display it tries (see mpi_bare.sh).
MPIRUN=(env "HWLOC_COMPONENTS=${HWLOC_COMPONENTS:--gl}" mpirun --oversubscribe --bind-to none)

# --- under mpirun ---------------------------------------------------------------
start_server --files 30 --delay-ms 10
for n in 2 3; do
    for k in "--kernel sum --n 2000000 --chunk 10000" "--kernel heavy --n 300000 --chunk 7000 --work 5"; do
        # shellcheck disable=SC2086
        "${MPIRUN[@]}" -n $n "$CONCBENCH" run --workload cpu --strategy mpi $k --json \
            >"$SCRATCH/cpu.out" 2>"$SCRATCH/cpu.err"
        rc=$?
        expect "mpirun -n $n cpu $k: exit 0 (rc $rc: $(head -c 300 "$SCRATCH/cpu.err"))" test $rc -eq 0
        expect "mpirun -n $n cpu: one result, from rank 0" test "$(grep -c '"strategy"' "$SCRATCH/cpu.out")" -eq 1
        expect "mpirun -n $n cpu $k: verified, $n ranks" \
            test "$(jq -c '[.verified, .workers, .stats.ranks]' "$SCRATCH/cpu.out")" = "[true,$n,$n]"
    done
    "${MPIRUN[@]}" -n $n "$CONCBENCH" run --workload io --strategy mpi --url "$URL/index.json" \
        --out "$SCRATCH/dl-$n" --json >"$SCRATCH/io.out" 2>"$SCRATCH/io.err"
    expect "mpirun -n $n io: exit 0 ($(head -c 300 "$SCRATCH/io.err"))" test $? -eq 0
    expect "mpirun -n $n io: 30 of 30 saved and verified" \
        jq_true '.ok == 30 and .verified == true and .checked_checksum == 30' "$SCRATCH/io.out"
    expect "mpirun -n $n io: the files on disk" test "$(ls "$SCRATCH/dl-$n" | wc -l)" -eq 30
    expect "mpirun -n $n io: every rank ran tasks" \
        test "$(jq '[.completion_rank | length] | .[0]' "$SCRATCH/io.out")" -eq 30
    expect "mpirun -n $n: ranks, hosts, library, messages against tasks recorded" \
        jq_true '.stats | (.hosts | test("^0:")) and (.mpi_library | test("Open MPI"))
                 and .message_s >= 0 and .task_s > 0 and .message_us_per_task >= 0
                 and .mpi_init_s > 0' "$SCRATCH/io.out"
done

# --- self-launched ------------------------------------------------------------------
"$CONCBENCH" run --workload cpu --strategy mpi --workers 3 --kernel heavy --n 300000 --chunk 7000 \
    --work 5 --json >"$SCRATCH/self.out" 2>"$SCRATCH/self.err"
expect "self-launched --workers 3: exit 0 ($(head -c 300 "$SCRATCH/self.err"))" test $? -eq 0
expect "self-launched: verified on 3 ranks, printed once" \
    bash -c "[ \$(grep -c '\"strategy\"' '$SCRATCH/self.out') -eq 1 ] && jq -e '.verified and .stats.ranks == 3 and .workers == 3' '$SCRATCH/self.out' >/dev/null"
env -u OMPI_ALLOW_RUN_AS_ROOT -u OMPI_ALLOW_RUN_AS_ROOT_CONFIRM "$CONCBENCH" run --workload cpu \
    --strategy mpi --workers 2 --n 1000 >/dev/null 2>"$SCRATCH/root.err"
rc=$?
if [ "$(id -u)" -eq 0 ]; then
    expect "as root without the switches: exit 2 naming both (rc $rc)" \
        bash -c "[ $rc -eq 2 ] && grep -q 'OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1' '$SCRATCH/root.err'"
fi

# --- SIGINT ------------------------------------------------------------------------------
# Every reply waits 3 s, the index too: the ranks are in their transfers
# 4 s after they start.
start_server --files 40 --delay-ms 3000
"$CONCBENCH" run --workload io --strategy mpi --workers 3 --url "$URL/index.json" --out "$SCRATCH/dl-int" \
    --json >"$SCRATCH/int.out" 2>"$SCRATCH/int.err" &
pid=$!
ranks=""
for _ in $(seq 1 100); do # wait for mpirun, its 3 ranks and concbench's guard
    ranks=$(children_of $pid)
    [ "$(wc -w <<<"$ranks")" -ge 5 ] && break
    sleep 0.1
done
sleep 4
kill -INT $pid
start=$(date +%s%N)
wait $pid
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "  SIGINT: exit $rc after $ms ms (processes: $(echo $ranks))"
expect "SIGINT: exit 130 (got $rc)" test $rc -eq 130
expect "SIGINT: stopped within 3 s ($ms ms)" test $ms -lt 3000
sleep 0.5
# shellcheck disable=SC2086
expect "SIGINT: mpirun and every rank gone" none_running $ranks
expect "SIGINT: no temporary file left" test -z "$(find "$SCRATCH/dl-int" -name '.*' -type f 2>/dev/null)"

# --- SIGINT and SIGUSR1 to mpirun itself ---------------------------------------------------
# mpirun answers SIGINT by stopping the job: the ranks get SIGTERM and stop
# as a run does (rank 0 reports, no temporary file), and mpirun exits with
# its own status. SIGUSR1 it passes on, and concbench's ranks take it as
# SIGINT: exit 130.
for sig in INT USR1; do
    "${MPIRUN[@]}" -n 3 "$CONCBENCH" run --workload io --strategy mpi --url "$URL/index.json" \
        --out "$SCRATCH/dl-mp-$sig" --json >"$SCRATCH/mp-$sig.out" 2>"$SCRATCH/mp-$sig.err" &
    mp=$!
    sleep 4.5 # the index's 3 s wait: the ranks are in their transfers
    ranks=$(pgrep -P $mp)
    start=$(date +%s%N)
    kill -$sig $mp
    wait $mp
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    echo "  SIG$sig to mpirun: exit $rc after $ms ms"
    sleep 0.3
    # shellcheck disable=SC2086
    expect "SIG$sig to mpirun: every rank gone" none_running $ranks
    expect "SIG$sig to mpirun: over within 5 s ($ms ms)" test $ms -lt 5000
    expect "SIG$sig to mpirun: rank 0 reported the run as interrupted" \
        jq_true '.interrupted != "" and .ok + .failed == 40' "$SCRATCH/mp-$sig.out"
    expect "SIG$sig to mpirun: no temporary file left" \
        test -z "$(find "$SCRATCH/dl-mp-$sig" -name '.*' -type f 2>/dev/null)"
    if [ $sig = USR1 ]; then
        expect "SIGUSR1 to mpirun: exit 130 (got $rc)" test $rc -eq 130
    else
        expect "SIGINT to mpirun: a failing exit (got $rc)" test $rc -ne 0
    fi
done

# --- a rank killed --------------------------------------------------------------------------
start_server --files 40 --delay-ms 500
"$CONCBENCH" run --workload io --strategy mpi --workers 3 --url "$URL/index.json" --out "$SCRATCH/dl-kill" \
    >"$SCRATCH/kill.out" 2>"$SCRATCH/kill.err" &
pid=$!
victim=""
for _ in $(seq 1 100); do
    mp=$(ps -o pid=,comm= --ppid $pid | awk '$2 == "mpirun" { print $1 }')
    [ -n "$mp" ] && victim=$(pgrep -P "$mp" | sort -n | tail -1)
    [ -n "$victim" ] && [ "$(pgrep -P "$mp" | wc -l)" -ge 3 ] && break
    sleep 0.1
done
sleep 1
kill -KILL "$victim"
start=$(date +%s%N)
for _ in $(seq 1 200); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
ms=$((($(date +%s%N) - start) / 1000000))
kill -0 $pid 2>/dev/null && { kill -KILL $pid; fail "a killed rank: the run still going after 20 s"; }
wait $pid
rc=$?
echo "  a rank killed: exit $rc after $ms ms; stderr: $(grep -m2 -i 'rank\|signal' "$SCRATCH/kill.err" | tr '\n' ' ')"
expect "a killed rank: the run fails (rc $rc)" test $rc -ne 0
expect "a killed rank: the message names the rank or its signal" grep -Eqi 'rank|signal 9|killed' "$SCRATCH/kill.err"
expect "a killed rank: over within 20 s ($ms ms)" test $ms -lt 20000
finish
