#!/bin/bash
# lessons.sh race: the race and the sync modes, a correctness lesson.
#  - A shared total with no synchronisation loses updates at 2 workers:
#    wrong sum, verified false, expected_fail true, exit 1, and the
#    summary says why. A lost update needs both workers on a CPU at once,
#    which a busy machine can deny a short run (one worker takes every
#    chunk before the other is scheduled; seen with 30 ms runs beside a
#    busy loop). So each run lasts ~0.3 s, up to five runs, and the first
#    that loses updates counts.
#  - local, atomic and mutex verify; the race under the GIL never crashes.
. "$(dirname "$0")/lib.sh"
C="$CONCBENCH run --workload cpu --workers 2 --json"

race_lost "$SCRATCH/none.json"
rc=$RACE_RC
echo "the race lost updates on run $RACE_ATTEMPT"
expect "sync none exits 1 (got $rc)" test $rc -eq 1
expect "sync none not verified" test "$(json "$SCRATCH/none.json" verified)" = false
expect "sync none: failing was expected" test "$(json "$SCRATCH/none.json" expected_fail)" = true
expect "sync none: sum differs from expected" \
    test "$(json "$SCRATCH/none.json" sum)" != "$(json "$SCRATCH/none.json" expected)"
expect "sync none: summary says updates were lost" grep -q 'updates to the shared total were lost' "$SCRATCH/none.json"
for mode in local atomic mutex; do
    $C --strategy threads --kernel sum --n 2097152 --sync $mode >"$SCRATCH/$mode.json"
    expect "sync $mode exits 0" test $? -eq 0
    expect "sync $mode verified" test "$(json "$SCRATCH/$mode.json" verified)" = true
done
$C --strategy gil --kernel sum --n 2097152 --sync none >"$SCRATCH/gil-none.json"
expect "the race under the GIL still exits 0 or 1, never crashes" test $? -le 1
finish
