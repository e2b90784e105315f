#!/bin/bash
# save_as.sh: where a transfer's time went (libcurl's phases, in the
# result, the trace and the summary), and a URL list with repeats and
# equal basenames, as notebook 4's
# 120 pages are (2 sites x 60, the same URLs again and again): refused by
# the default naming with what to do instead; saved whole by --save-as
# index (every file byte-identical to the server's) and path; read and
# verified without a file by --discard; --discard refused for mixed.
. "$(dirname "$0")/lib.sh"
start_server --files 4
"$CONCBENCH" serve --dump "$SCRATCH/want" --files 4 >/dev/null
for k in $(seq 1 15); do
    for f in flag-000.bin flag-001.bin flag-002.bin flag-003.bin; do echo "$URL/files/$f"; done
done >"$SCRATCH/pages.txt" # 60 links, 4 distinct
run() { "$CONCBENCH" run --workload io --strategy threads --workers 5 --links "$SCRATCH/pages.txt" "$@"; }

run --out "$SCRATCH/plain" 2>"$SCRATCH/err"; rc=$?
expect "repeated links, default naming: exit 2, naming the clash and the way out ($(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'same name' '$SCRATCH/err' && grep -q -- '--save-as index' '$SCRATCH/err'"

run --out "$SCRATCH/idx" --save-as index --json >"$SCRATCH/idx.json"; rc=$?
expect "--save-as index: exit 0, 60 of 60" bash -c "[ $rc -eq 0 ] && jq -e '.ok == 60 and .failed == 0' '$SCRATCH/idx.json' >/dev/null"
expect "--save-as index: 60 files, numbered" test "$(ls "$SCRATCH/idx" | grep -c '^[0-9]\{6\}-flag-00[0-3]\.bin$')" -eq 60
same=0
for f in "$SCRATCH"/idx/*; do
    base=${f##*/}; base=${base#*-}
    cmp -s "$f" "$SCRATCH/want/$base" && same=$((same + 1))
done
expect "--save-as index: every file byte-identical to the server's ($same of 60)" test $same -eq 60

"$CONCBENCH" run --workload io --strategy eventloop --url "$URL/index.json" --out "$SCRATCH/path" --save-as path >/dev/null
expect "--save-as path: host, port and path as one name" \
    test -f "$SCRATCH/path/127.0.0.1_${URL##*:}_files_flag-000.bin"

mkdir -p "$SCRATCH/cwd"
(cd "$SCRATCH/cwd" && run --discard --json) >"$SCRATCH/dis.json" 2>"$SCRATCH/err"; rc=$?
expect "--discard: exit 0, 60 of 60 read, none saved" \
    bash -c "[ $rc -eq 0 ] && jq -e '.ok == 60 and .failed == 0 and (.detail | test(\"none saved\"))' '$SCRATCH/dis.json' >/dev/null"
expect "--discard: no --out folder made (the default, downloads/, is not there)" test ! -e "$SCRATCH/cwd/downloads"
"$CONCBENCH" run --workload io --strategy threads --url "$URL/index.json" --discard --json >"$SCRATCH/dis2.json"
expect "--discard with sizes and checksums: still verified" jqe '.verified == true and .ok == 4' "$SCRATCH/dis2.json"

"$CONCBENCH" run --workload mixed --strategy threads --url "$URL/index.json" --discard 2>"$SCRATCH/err"; rc=$?
expect "--discard for mixed: exit 2, said why" bash -c "[ $rc -eq 2 ] && grep -q 'discard is for io' '$SCRATCH/err'"
# Phases: with a 30 ms delay, the first byte comes after it, connecting
# before it; every task's phases are in the trace.
start_server --files 6 --delay-ms 30
"$CONCBENCH" run --workload io --strategy threads --workers 3 --url "$URL/index.json" --discard \
    --json --trace "$SCRATCH/t.json" >"$SCRATCH/ph.json"
expect "phases_ms: connected before the first byte, the first byte after the 30 ms delay" \
    jqe '.phases_ms.connect < .phases_ms.first_byte and .phases_ms.first_byte >= 30' "$SCRATCH/ph.json"
expect "every task of the trace has its first byte" \
    test "$(jq '[.traceEvents[] | select(.cat == "task" and .args.first_byte_ms != null)] | length' "$SCRATCH/t.json")" -eq 6
# 3 threads, each with its own kept-alive connection: 3 connects at most.
expect "only the tasks that opened a connection have a connect time" \
    jqe '[.traceEvents[] | select(.cat == "task" and .args.connect_ms != null)] | length | . >= 1 and . <= 3' "$SCRATCH/t.json"
"$CONCBENCH" run --workload io --strategy threads --workers 3 --url "$URL/index.json" --discard >"$SCRATCH/ph.txt"
expect "the summary has the phases' medians, and says what connect's is over" \
    grep -q 'phases, median: .*first byte [0-9.]* ms.*connected over the transfers that opened a connection' "$SCRATCH/ph.txt"
finish
