#!/bin/bash
# ratio.sh: the I/O lesson, measured in one run. With a server delay,
# threads and eventloop at 10 workers must be at least 4x faster than
# sequential (ideal: 10x). Ratios only; no absolute time is asserted.
. "$(dirname "$0")/lib.sh"

start_server --files 40 --delay-ms 25
wall() {
    "$CONCBENCH" run --workload io --strategy "$1" --workers 10 --url "$URL/index.json" \
        --out "$SCRATCH/dl-$1" --json >"$SCRATCH/$1.json" || fail "$1 run failed"
    json "$SCRATCH/$1.json" wall_s
}
seq_s=$(wall sequential)
for s in threads eventloop procs; do
    s_s=$(wall $s)
    ratio=$(awk -v a="$seq_s" -v b="$s_s" 'BEGIN { printf "%.2f", a / b }')
    echo "$s: sequential $seq_s s / $s $s_s s = ${ratio}x"
    expect "$s at 10 workers >= 4x sequential (got ${ratio}x)" ratio_at_least "$seq_s" "$s_s" 4
done
finish
