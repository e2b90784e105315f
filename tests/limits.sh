#!/bin/bash
# limits.sh STRATEGY: memory stays bounded whatever the bodies. A server
# (tests/bodies.py, this test's own) sends endless bodies, chunked or with
# a huge Content-Length, and large finite ones. Each fetching workload, at
# 8 workers:
#   - refuses 8 endless bodies at --max-size as too_large: 8 counted, no
#     file and no temporary left, and peak RSS does not grow with the
#     size limit (32 MiB vs 128 MiB) and stays under 256 MiB;
#   - saves 8 bodies of 48 MiB (mixed: transforms them) with peak RSS
#     under 256 MiB, every byte there.
# hybrid also shows its backpressure: at most 2 finished downloads per
# pool thread wait for the pool.
. "$(dirname "$0")/lib.sh"
STRATEGY=$1
WORKERS=8
BIG=$((48 << 20))

python3 "$(dirname "$0")/bodies.py" --size $BIG >"$SCRATCH/bodies.out" 2>"$SCRATCH/bodies.err" &
SERVER_PID=$! # stopped by lib.sh's cleanup like any server of a test
for _ in $(seq 1 100); do
    BODIES=$(sed -n 's/^listening on //p' "$SCRATCH/bodies.out" 2>/dev/null)
    [ -n "$BODIES" ] && break
    sleep 0.05
done
[ -n "$BODIES" ] || { echo "bodies.py did not start:"; cat "$SCRATCH/bodies.err"; exit 1; }

for i in $(seq 1 $WORKERS); do
    if [ $((i % 2)) -eq 0 ]; then echo "$BODIES/endless/e$i.bin"; else echo "$BODIES/huge/h$i.bin"; fi
done >"$SCRATCH/endless.txt"
for i in $(seq 1 $WORKERS); do echo "$BODIES/big/b$i.bin"; done >"$SCRATCH/big.txt"

# run NAME WORKLOAD LINKS ARGS...: one run, its JSON in $SCRATCH/NAME.json.
# The time limit per transfer is generous: the event loop runs mixed's
# stages on its one thread while every other transfer waits, so its last
# transfer lives through all eight transforms of 48 MiB (seconds each
# under AddressSanitizer: 20-60 s a run on a busy machine). Time is not
# what this test checks; the suite's own 480 s limit catches a hang.
run() {
    local name=$1 wl=$2 links=$3; shift 3
    rm -rf "$SCRATCH/out-$name"
    "$CONCBENCH" run --workload "$wl" --strategy "$STRATEGY" --workers $WORKERS \
        --links "$links" --out "$SCRATCH/out-$name" --timeout-ms 300000 --json "$@" \
        >"$SCRATCH/$name.json"
}

for wl in $(workloads '.caps | index("fetches") != null'); do
    read -r -a extra <<<"$(workload_field "$wl" test_args)"
    for mib in 32 128; do
        run "$wl-endless-$mib" "$wl" "$SCRATCH/endless.txt" --max-size $((mib << 20)) "${extra[@]}"
        rc=$?
        j="$SCRATCH/$wl-endless-$mib.json"
        echo "$wl, endless bodies, --max-size ${mib} MiB: exit $rc, too_large $(json "$j" errors.too_large), peak RSS $(json "$j" max_rss_kb) KiB"
        expect "$wl endless @${mib}M: exit 1" test $rc -eq 1
        expect "$wl endless @${mib}M: every body refused as too_large" \
            test "$(json "$j" errors.too_large)" = $WORKERS
        expect "$wl endless @${mib}M: nothing saved, no temporary left" \
            test -z "$(ls -A "$SCRATCH/out-$wl-endless-$mib" 2>/dev/null)"
        expect "$wl endless @${mib}M: peak RSS under 256 MiB" \
            test "$(json "$j" max_rss_kb)" -lt $((256 << 10))
    done
    small=$(json "$SCRATCH/$wl-endless-32.json" max_rss_kb)
    large=$(json "$SCRATCH/$wl-endless-128.json" max_rss_kb)
    expect "$wl: peak RSS does not grow with the size limit ($small -> $large KiB)" \
        test $((large - small)) -lt 16384

    run "$wl-big" "$wl" "$SCRATCH/big.txt" "${extra[@]}"
    rc=$?
    j="$SCRATCH/$wl-big.json"
    echo "$wl, 8 x 48 MiB: exit $rc, ok $(json "$j" ok), errors $(jq -c ".errors | with_entries(select(.value > 0))" "$j"), wall $(json "$j" wall_s) s, peak RSS $(json "$j" max_rss_kb) KiB, stats $(jq -c .stats "$j")"
    expect "$wl big: exit 0" test $rc -eq 0
    expect "$wl big: every body saved" test "$(json "$j" ok)" = $WORKERS
    expect "$wl big: every file whole" \
        test "$(find "$SCRATCH/out-$wl-big" -type f -size ${BIG}c | wc -l)" -eq $WORKERS
    expect "$wl big: peak RSS under 256 MiB" test "$(json "$j" max_rss_kb)" -lt $((256 << 10))
    waiting=$(json "$j" stats.stage_waiting_max)
    if [ "$waiting" != null ]; then
        threads=$(json "$j" stats.pool_threads)
        expect "$wl big: at most 2 stages per pool thread waited ($waiting, $threads threads)" \
            test "$waiting" -le $((2 * threads))
    fi
done
finish
