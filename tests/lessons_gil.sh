#!/bin/bash
# lessons_gil.sh: the GIL lesson, measured as ratios in one run.
#  - CPU-bound (heavy kernel, 2 workers): threads under the GIL are no
#    faster than sequential (median speedup <= 1.1x), and GIL-free threads
#    beat them clearly (median >= 1.2x; 2x on an idle 2-core machine,
#    about 1.33x with another program busy on one core).
#  - I/O-bound (8 workers, 20 ms delay): the lock is let go around every
#    transfer, so the GIL pool takes at most 1.5x the time of plain
#    threads.
# Interleaved rounds, samples of at least 0.3 s, medians of per-round
# ratios, measured again before failing (timing.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/timing.sh"

CPU=(--workload cpu --kernel heavy --work 140 --n 8388608 --workers 2 --json)
run_seq() { "$CONCBENCH" run "${CPU[@]}" --strategy sequential; }
run_thr() { "$CONCBENCH" run "${CPU[@]}" --strategy threads; }
run_gil() { "$CONCBENCH" run "${CPU[@]}" --strategy gil; }

start_server --files 160 --delay-ms 20
IO=(--workload io --workers 8 --url "$URL/index.json" --json)
run_iothr() { "$CONCBENCH" run "${IO[@]}" --strategy threads --out "$SCRATCH/dl-thr"; }
run_iogil() { "$CONCBENCH" run "${IO[@]}" --strategy gil --out "$SCRATCH/dl-gil"; }

measure() {
    interleave seq thr gil iothr iogil
}
claims() {
    local ok=0
    check "gil on CPU work: no faster than sequential" gil seq ">=" 0.909 || ok=1
    check "threads on CPU work: clearly faster than gil" gil thr ">=" 1.2 || ok=1
    check "gil on I/O: within 1.5x of threads" iogil iothr "<=" 1.5 || ok=1
    return $ok
}
measure_until_holds
expect "gil recorded its switches" test "$(json "$SCRATCH/r-gil.json" stats.switches)" -gt 0
expect "gil recorded its lock wait" ratio_at_least "$(json "$SCRATCH/r-gil.json" stats.lock_wait_s)" 1 0.0000001
finish
