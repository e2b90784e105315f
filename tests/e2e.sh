#!/bin/bash
# e2e.sh STRATEGY: both workloads end to end with one strategy, against
# `concbench serve` on a free port with a small delay. Every file must be
# present and byte-identical to what the server generated (`serve --dump`
# writes the same bodies independently of HTTP), and sums must verify.
. "$(dirname "$0")/lib.sh"
STRATEGY=$1
FILES=60

start_server --files $FILES --delay-ms 5 --jitter-ms 5 --seed 7
"$CONCBENCH" serve --files $FILES --seed 7 --dump "$SCRATCH/expected" || exit 1

for workers in 1 4; do
    out="$SCRATCH/dl-$workers"
    "$CONCBENCH" run --workload io --strategy "$STRATEGY" --workers $workers \
        --url "$URL/index.json" --out "$out" --json >"$SCRATCH/io.json"
    expect "io exit 0 ($workers workers)" test $? -eq 0
    expect "io verified" test "$(json "$SCRATCH/io.json" verified)" = true
    expect "io ok = $FILES" test "$(json "$SCRATCH/io.json" ok)" = $FILES
    expect "io strategy recorded" test "$(json "$SCRATCH/io.json" strategy)" = "$STRATEGY"
    expect "io latency recorded" test -n "$(json "$SCRATCH/io.json" latency_ms.p95)"
    expect "every file byte-identical" diff -r "$SCRATCH/expected" "$out"
    expect "no temporary files" test -z "$(find "$out" -name '.*' -type f)"
done

# The same from a plain URL list (no size or checksum to check against).
curl -sf "$URL/index.json" | jq -r '.data[].link' >"$SCRATCH/links.txt"
expect "URL list extracted" test "$(wc -l <"$SCRATCH/links.txt")" -eq $FILES
"$CONCBENCH" run --workload io --strategy "$STRATEGY" --workers 3 \
    --links "$SCRATCH/links.txt" --out "$SCRATCH/dl-list" >/dev/null
expect "URL list run exit 0" test $? -eq 0
expect "URL list files byte-identical" diff -r "$SCRATCH/expected" "$SCRATCH/dl-list"

# mixed: the files are transformed, so they must differ from the bodies in
# every full 8-byte word, keep their sizes, and verify (decoded back).
"$CONCBENCH" run --workload mixed --strategy "$STRATEGY" --workers 4 --work 50 \
    --url "$URL/index.json" --out "$SCRATCH/dl-mixed" --json >"$SCRATCH/mixed.json"
expect "mixed exit 0" test $? -eq 0
expect "mixed verified" test "$(json "$SCRATCH/mixed.json" verified)" = true
expect "mixed ok = $FILES" test "$(json "$SCRATCH/mixed.json" ok)" = $FILES
same_size=0 differs=0
for f in "$SCRATCH"/expected/*; do
    g="$SCRATCH/dl-mixed/$(basename "$f")"
    [ "$(stat -c %s "$f")" = "$(stat -c %s "$g" 2>/dev/null)" ] && same_size=$((same_size + 1))
    cmp -s "$f" "$g" || differs=$((differs + 1))
done
expect "mixed files keep their sizes" test $same_size -eq $FILES
expect "mixed files are transformed" test $differs -eq $FILES

for kernel in sum heavy; do
    "$CONCBENCH" run --workload cpu --strategy "$STRATEGY" --workers 3 --kernel $kernel \
        --n 300000 --chunk 7000 --work 5 --json >"$SCRATCH/cpu.json"
    expect "cpu $kernel exit 0" test $? -eq 0
    expect "cpu $kernel verified" test "$(json "$SCRATCH/cpu.json" verified)" = true
    expect "cpu $kernel sum = expected" \
        test "$(json "$SCRATCH/cpu.json" sum)" = "$(json "$SCRATCH/cpu.json" expected)"
    expect "cpu $kernel tasks" test "$(json "$SCRATCH/cpu.json" tasks)" = 43
done
finish
