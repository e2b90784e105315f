#!/bin/bash
# ratio_io.sh: the I/O lesson, measured as ratios in one run. With a 20 ms
# server delay, every strategy that runs workers concurrently (all but the
# baseline) takes at most a quarter of sequential's time at 10 workers
# (ideal: a tenth). Interleaved rounds, samples of at least 0.3 s, medians
# of per-round ratios, measured again before failing (timing.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/timing.sh"

start_server --files 160 --delay-ms 20
CONTENDERS=$(jq -r '.strategies[] | select(.caps | index("baseline") | not) | .name' "$LIST_JSON")
for s in sequential $CONTENDERS; do
    eval "run_$s() { \"\$CONCBENCH\" run --workload io --strategy $s --workers 10 \
        --url \"\$URL/index.json\" --out \"\$SCRATCH/dl-$s\" --json; }"
done

measure() {
    # shellcheck disable=SC2086
    interleave sequential $CONTENDERS
}
claims() {
    local ok=0 s
    for s in $CONTENDERS; do
        check "$s at 10 workers: at most 1/4 of sequential's time" $s sequential "<=" 0.25 || ok=1
    done
    return $ok
}
measure_until_holds
finish
