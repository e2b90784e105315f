#!/bin/bash
# procs_repeat.sh: procs forks its workers while the runner's threads (the
# memory sampler, the progress line) wait for it: no thread is alive
# across the fork, so a child never inherits a lock another thread held.
# Twenty runs in a row (downloads and sums alternately), every one
# finishing verified within its time limit: under AddressSanitizer, a
# child that inherited its allocator's lock used to hang here.
. "$(dirname "$0")/lib.sh"
start_server --files 20
hung=0 bad=0
for k in $(seq 1 20); do
    if [ $((k % 2)) -eq 0 ]; then
        args=(--workload io --url "$URL/index.json" --out "$SCRATCH/dl-$k")
    else
        args=(--workload cpu --n 200000 --chunk 10000)
    fi
    timeout 60 "$CONCBENCH" run --strategy procs --workers 4 "${args[@]}" --json >"$SCRATCH/r.json" 2>"$SCRATCH/r.err"
    rc=$?
    [ $rc -eq 124 ] && hung=$((hung + 1))
    { [ $rc -ne 0 ] || ! jq -e '.verified == true and .max_pss_kb > 0' "$SCRATCH/r.json" >/dev/null; } &&
        bad=$((bad + 1)) && echo "run $k: exit $rc $(head -c 300 "$SCRATCH/r.err")"
    rm -rf "$SCRATCH/dl-$k"
done
expect "procs 20 times: none hung" test $hung -eq 0
expect "procs 20 times: every run verified, its memory sampled" test $bad -eq 0
finish
