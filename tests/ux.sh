#!/bin/bash
# ux.sh: what the people who run concbench see.
#  - The live progress line: drawn on a terminal (a pseudo-terminal from
#    script(1)), with tasks done/total, rate and ETA, counted from forked
#    workers too, and erased at the end; absent when stderr is a pipe, with
#    --json and with --quiet.
#  - `concbench compare OLD NEW`: the verdicts of the Mann-Whitney test on
#    crafted samples (slower, faster, the same), exact p values, points in
#    one run only, --threshold, --fail-on-regression, bad input.
#  - Metadata: --version names the commit; `info` and every result carry
#    the system's state (hostname, boot id, load before and after, ASLR,
#    affinity).
. "$(dirname "$0")/lib.sh"

# --- defaults: an event loop with no --workers has every download in flight -----
start_server --files 7 --delay-ms 100
for st in $(jq -r '.strategies[] | select(.caps | index("async")) | .name' "$LIST_JSON"); do
    "$CONCBENCH" run --workload io --strategy "$st" --url "$URL/index.json" --out "$SCRATCH/unb-$st" \
        --json >"$SCRATCH/unb.json" 2>"$SCRATCH/unb.err"
    expect "$st with no --workers: 7 files, 7 in flight, and it says why" \
        jqe '.workers == 7 and .ok == 7 and (.workers_from | test("every task"))' "$SCRATCH/unb.json"
done
"$CONCBENCH" run --workload io --strategy threads --url "$URL/index.json" --out "$SCRATCH/unb-t" \
    --json >"$SCRATCH/unb.json" 2>/dev/null
expect "threads with no --workers: the core count, nothing said" \
    jqe --argjson c "$(nproc)" '.workers == $c and .workers_from == null' "$SCRATCH/unb.json"
stop_server

# --- the progress line ---------------------------------------------------------
# tty CMD...: run CMD with stdin, stdout and stderr on a fresh pseudo-terminal;
# what it wrote is in $SCRATCH/tty.out.
tty_run() {
    script -qefc "$(printf '%q ' "$@")" "$SCRATCH/tty.out" </dev/null >/dev/null 2>&1
}
# Heavy enough to last ~0.4 s, so the line is drawn a few times.
heavy=(run --workload cpu --kernel heavy --n 8000000 --work 100 --chunk 40000 --workers 2)
for st in threads procs; do
    tty_run "$CONCBENCH" "${heavy[@]}" --strategy $st
    expect "$st on a terminal: exit 0" test $? -eq 0
    expect "$st on a terminal: the line shows tasks done of 200, rate and ETA" \
        grep -Eq 'cpu/'$st': [0-9]+/200 tasks \([0-9]+ %\), [0-9]+/s, ETA' "$SCRATCH/tty.out"
    expect "$st on a terminal: some tasks counted while running (forked workers too)" \
        grep -Eq 'cpu/'$st': ([1-9][0-9]*)/200 tasks' "$SCRATCH/tty.out"
    expect "$st on a terminal: the line is erased at the end" grep -q $'\r\e\\[K' "$SCRATCH/tty.out"
done
tty_run "$CONCBENCH" "${heavy[@]}" --strategy threads --json
expect "--json on a terminal: no progress line" bash -c "! grep -q 'tasks (' '$SCRATCH/tty.out'"
tty_run "$CONCBENCH" "${heavy[@]}" --strategy threads --quiet
expect "--quiet on a terminal: no progress line" bash -c "! grep -q 'tasks (' '$SCRATCH/tty.out'"
"$CONCBENCH" "${heavy[@]}" --strategy threads 2>"$SCRATCH/pipe.err" >/dev/null
expect "stderr a pipe: no progress line" bash -c "! grep -q 'tasks (' '$SCRATCH/pipe.err'"
start_server --files 40 --delay-ms 20 --error-rate 0.25
tty_run "$CONCBENCH" run --workload io --strategy eventloop --workers 2 --url "$URL/index.json" \
    --out "$SCRATCH/dl"
expect "io with failures on a terminal: the line counts them" \
    grep -Eq 'io/eventloop: [0-9]+/40 tasks \([0-9]+ %\), [1-9][0-9]* failed' "$SCRATCH/tty.out"
stop_server

# --- compare ---------------------------------------------------------------------
# results DIR POINT:TIMES...: a minimal make-bench results folder.
results() {
    local dir=$1
    shift
    mkdir -p "$dir"
    for spec in "$@"; do
        echo "${spec%%:*} ${spec#*:}"
    done | jq -Rn '{results: [inputs | split(" ") | {name: .[0],
                   inproc: {times: (.[1] | split(",") | map(tonumber))}}]}' >"$dir/results.json"
}
results "$SCRATCH/old" a:1.00,1.01,0.99,1.02,1.00 b:2.0,2.1,1.9,2.0,2.05 c:0.50,0.52,0.49,0.51,0.50 \
    gone:1,1,1,1,1
results "$SCRATCH/new" a:1.20,1.22,1.19,1.21,1.25 b:2.02,1.95,2.08,1.98,2.01 c:0.40,0.41,0.39,0.42,0.40 \
    added:1,1,1,1,1
"$CONCBENCH" compare "$SCRATCH/old" "$SCRATCH/new" >"$SCRATCH/cmp.md"
expect "compare: exit 0 without --fail-on-regression" test $? -eq 0
cat "$SCRATCH/cmp.md"
row() { grep "^| $1 |" "$SCRATCH/cmp.md"; }
expect "compare: a 20 % slower point is slower, p = 2/252 exactly" \
    bash -c "grep -q '| 1.000' <<<'$(row a)' && grep -q '0.008 | \*\*slower\*\*' <<<'$(row a)'"
expect "compare: noise alone is the same" bash -c "grep -q '| same |' <<<'$(row b)'"
expect "compare: a 20 % faster point is faster" bash -c "grep -q '| faster |' <<<'$(row c)'"
expect "compare: ratios are new / old" bash -c "grep -q '| 1.210x |' <<<'$(row a)'"
expect "compare: points in one run only are counted, not compared" \
    grep -q '1 slower, 1 faster, 1 the same; 1 point only in OLD, 1 only in NEW' "$SCRATCH/cmp.md"
"$CONCBENCH" compare "$SCRATCH/old/results.json" "$SCRATCH/new" --fail-on-regression >/dev/null
expect "compare --fail-on-regression: exit 1 when a point got slower" test $? -eq 1
"$CONCBENCH" compare "$SCRATCH/old" "$SCRATCH/new" --threshold 0.5 --fail-on-regression >"$SCRATCH/cmp2.md"
expect "compare --threshold 0.5: a 20 % change is the same, exit 0" \
    bash -c "[ $? -eq 0 ] && grep -q '0 slower, 0 faster, 3 the same' '$SCRATCH/cmp2.md'"
for bad in "$SCRATCH/nothing $SCRATCH/new" "$SCRATCH/old" "$SCRATCH/old $SCRATCH/new --threshold x" \
    "$SCRATCH/old $SCRATCH/new --treshold 1" "$LIST_JSON $SCRATCH/new"; do
    # shellcheck disable=SC2086
    "$CONCBENCH" compare $bad >/dev/null 2>"$SCRATCH/bad.err"
    rc=$?
    expect "compare $bad: exit 2 with one line (rc $rc: $(head -1 "$SCRATCH/bad.err"))" \
        bash -c "[ $rc -eq 2 ] && [ -s '$SCRATCH/bad.err' ]"
done
"$CONCBENCH" compare "$SCRATCH/old" "$SCRATCH/new" --treshold 1 2>&1 | grep -q "did you mean --threshold"
expect "compare: did you mean --threshold" test $? -eq 0

# --- metadata ------------------------------------------------------------------------
"$CONCBENCH" --version >"$SCRATCH/version"
expect "--version names the commit ($(cat "$SCRATCH/version"))" \
    grep -Eq '^concbench [0-9.]+ \(commit ([0-9a-f]{7,}|unknown)' "$SCRATCH/version"
"$CONCBENCH" info >"$SCRATCH/info.json"
expect "info: the commit and the system's state" jq_true '(.commit | length > 0) and (.dirty | type == "boolean")
    and (.system | (.hostname | length > 0) and (.boot_id | length > 0) and .uptime_s > 0
    and .loadavg_1m >= 0 and .runnable >= 1 and (.aslr | type == "number" or . == null)
    and (.affinity | length > 0) and has("governor") and has("boost") and has("isolated_cpus")
    and (.cpu_mhz | type == "array"))' "$SCRATCH/info.json"
"$CONCBENCH" run --workload cpu --strategy threads --workers 2 --n 100000 --json >"$SCRATCH/r.json"
expect "a result records the load before and after its run" \
    jq_true '.system.load.before.runnable >= 1 and .system.load.after.loadavg_1m >= 0
             and (.machine.commit | length > 0)' "$SCRATCH/r.json"
finish
