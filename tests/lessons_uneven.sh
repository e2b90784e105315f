#!/bin/bash
# lessons_uneven.sh: the course's ThreadPoolExecutor lesson at a tenth of
# its scale. Three files that take 200, 200 and 500 ms (serve --delays):
# a pool of 2 hands the third to whichever worker is free first, at
# 200 ms, so the run takes about 0.7 s, not 0.5 s; a third worker brings it
# to 0.5 s. Asserted as ratios of interleaved runs (timing.sh): 2 workers
# over 3 near 0.7/0.5 = 1.4, 1 worker over 3 near 0.9/0.5 = 1.8; and the
# bound each result reports is exactly that schedule's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/timing.sh"

start_server --files 3 --delays 200,200,500
for w in 1 2 3; do
    eval "run_w$w() { \"\$CONCBENCH\" run --workload io --strategy threads --workers $w \
        --url \"\$URL/index.json\" --out \"\$SCRATCH/dl-$w\" --json; }"
done
for w in 1 2 3; do
    run_w$w >"$SCRATCH/bound-$w.json"
done
expect "bound at 1 worker: 0.9 s" test "$(json "$SCRATCH/bound-1.json" bound_s)" = 0.9
expect "bound at 2 workers: 0.7 s, not 0.5" test "$(json "$SCRATCH/bound-2.json" bound_s)" = 0.7
expect "bound at 3 workers: 0.5 s" test "$(json "$SCRATCH/bound-3.json" bound_s)" = 0.5

measure() {
    interleave w1 w2 w3
}
claims() {
    local ok=0
    check "2 workers take ~7/5 of 3 workers' time" w2 w3 ">=" 1.25 || ok=1
    check "... and not more" w2 w3 "<=" 1.6 || ok=1
    check "1 worker takes ~9/5 of 3 workers' time" w1 w3 ">=" 1.6 || ok=1
    return $ok
}
measure_until_holds
finish
