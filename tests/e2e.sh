#!/bin/bash
# e2e.sh STRATEGY: every workload end to end with one strategy. Each
# workload runs with its own small test options (from `concbench list
# --json`), against `concbench serve` when it fetches, and must finish
# with every task ok and its answer verified. The workloads this file
# knows get closer checks: io's files byte-identical to what the server
# generated (`serve --dump` writes the same bodies without HTTP), mixed's
# transformed and the same size, cpu's sum equal to the closed form.
. "$(dirname "$0")/lib.sh"
STRATEGY=$1
FILES=60

start_server --files $FILES --delay-ms 5 --jitter-ms 5 --seed 7
"$CONCBENCH" serve --files $FILES --seed 7 --dump "$SCRATCH/expected" || exit 1

# run_workload NAME WORKERS OUT [ARGS...]: one run, its JSON in $SCRATCH/NAME.json.
run_workload() {
    local name=$1 workers=$2 out=$3; shift 3
    local args
    read -r -a args <<<"$(workload_field "$name" test_args)"
    if workload_field "$name" caps | grep -q '"fetches"'; then
        args+=(--url "$URL/index.json" --out "$out")
    fi
    "$CONCBENCH" run --workload "$name" --strategy "$STRATEGY" --workers "$workers" \
        "${args[@]}" "$@" --json >"$SCRATCH/$name.json"
}

for wl in $(workloads); do
    for workers in 1 4; do
        out="$SCRATCH/dl-$wl-$workers"
        run_workload "$wl" $workers "$out"
        rc=$?
        expect "$wl: exit 0 at $workers workers (got $rc)" test $rc -eq 0
        expect "$wl: verified" test "$(json "$SCRATCH/$wl.json" verified)" = true
        expect "$wl: every task ok" \
            test "$(json "$SCRATCH/$wl.json" ok)" = "$(json "$SCRATCH/$wl.json" tasks)"
        expect "$wl: strategy recorded" test "$(json "$SCRATCH/$wl.json" strategy)" = "$STRATEGY"
        expect "$wl: parameters recorded" test "$(json "$SCRATCH/$wl.json" 'params | type')" = object
        case $wl in
        io)
            expect "io: every file byte-identical" diff -r "$SCRATCH/expected" "$out"
            expect "io: latency recorded" test "$(json "$SCRATCH/io.json" latency_ms.p95)" != null
            expect "io: the bound comes from the server's delay" \
                test "$(json "$SCRATCH/io.json" 'bound_s > 0')" = true ;;
        mixed)
            same_size=0 differs=0
            for f in "$SCRATCH"/expected/*; do
                g="$out/$(basename "$f")"
                [ "$(stat -c %s "$f")" = "$(stat -c %s "$g" 2>/dev/null)" ] && same_size=$((same_size + 1))
                cmp -s "$f" "$g" || differs=$((differs + 1))
            done
            expect "mixed: files keep their sizes" test $same_size -eq $FILES
            expect "mixed: files are transformed" test $differs -eq $FILES ;;
        cpu)
            expect "cpu: sum = expected" \
                test "$(json "$SCRATCH/cpu.json" sum)" = "$(json "$SCRATCH/cpu.json" expected)" ;;
        esac
        if [ -d "$out" ]; then
            expect "$wl: no temporary files" test -z "$(find "$out" -name '.*' -type f)"
        fi
    done
done

# The io workload from a plain URL list: saved and byte-identical, but
# nothing to verify the bodies against, which the result says.
curl -sf "$URL/index.json" | jq -r '.data[].link' >"$SCRATCH/links.txt"
expect "URL list extracted" test "$(wc -l <"$SCRATCH/links.txt")" -eq $FILES
"$CONCBENCH" run --workload io --strategy "$STRATEGY" --workers 3 \
    --links "$SCRATCH/links.txt" --out "$SCRATCH/dl-list" --json >"$SCRATCH/list.json"
expect "URL list run exit 0" test $? -eq 0
expect "URL list files byte-identical" diff -r "$SCRATCH/expected" "$SCRATCH/dl-list"
expect "URL list: not verified (nothing to check against)" \
    test "$(json "$SCRATCH/list.json" verified)" = false
expect "URL list: counted unchecked" test "$(json "$SCRATCH/list.json" unchecked)" = $FILES

# The open-file limit: the largest --workers the refusal names runs clean
# under that limit, every transfer ok; one more is refused up front (exit
# 2, the limit and the largest fit named) instead of failing transfers.
fits=$( (ulimit -n 256 && "$CONCBENCH" run --workload io --strategy "$STRATEGY" --workers 4000 \
        --url "$URL/index.json" --out "$SCRATCH/dl-fd") 2>&1 | sed -n 's/.*use --workers \([0-9]*\) or fewer.*/\1/p')
max=$(jq -r --arg n "$STRATEGY" '.strategies[] | select(.name == $n) | .max_workers' "$LIST_JSON")
if strategy_has "$STRATEGY" processes || [ "$max" != 0 ]; then
    expect "fd limit: processes or a fixed worker count always fit" test -z "$fits"
    fits=64
fi
if [ -n "$fits" ]; then
    (ulimit -n 256 && "$CONCBENCH" run --workload io --strategy "$STRATEGY" --workers "$fits" \
        --url "$URL/index.json" --out "$SCRATCH/dl-fd" --json) >"$SCRATCH/fd.json"
    expect "fd limit: --workers $fits under ulimit -n 256 exits 0" test $? -eq 0
    expect "fd limit: every transfer ok" test "$(json "$SCRATCH/fd.json" ok)" = $FILES
    if ! strategy_has "$STRATEGY" processes && [ "$max" = 0 ]; then
        (ulimit -n 256 && "$CONCBENCH" run --workload io --strategy "$STRATEGY" \
            --workers $((fits + 1)) --url "$URL/index.json" --out "$SCRATCH/dl-fd2") 2>"$SCRATCH/fd.err"
        expect "fd limit: one more worker is refused with exit 2" test $? -eq 2
        expect "fd limit: the message names the limit" grep -q 'limit of 256 (ulimit -n)' "$SCRATCH/fd.err"
        expect "fd limit: nothing was fetched" test ! -e "$SCRATCH/dl-fd2"
    fi
else
    fail "fd limit: no largest --workers named at ulimit -n 256"
fi

# Memory, honestly: peak PSS summed over the run's processes counts the
# 128 MiB array once, whoever maps it; peak RSS (the parent's plus the
# largest child's) counts it again in every process that touched it.
"$CONCBENCH" run --workload cpu --strategy "$STRATEGY" --workers 2 --kernel sum --n 16777216 \
    --passes 4 --json >"$SCRATCH/pss.json"
pss=$(json "$SCRATCH/pss.json" max_pss_kb) rss=$(json "$SCRATCH/pss.json" max_rss_kb)
echo "  memory: peak PSS $pss KiB, peak RSS $rss KiB (array 131072 KiB)"
# A sanitizer's shadow memory adds to every figure: only the floor then.
ceiling=196608 sanitized=0
[ "$("$CONCBENCH" info | jq -r '.cflags | test("sanitize")')" = true ] && ceiling=999999999 sanitized=1
if strategy_has "$STRATEGY" distributed; then
    # Its workers make each chunk from its index: no array anywhere.
    expect "distributed: PSS recorded, and no array held ($pss KiB)" \
        test "$pss" != null -a "${pss%.*}" -lt 117964
else
    expect "PSS recorded and holds the array once ($pss KiB)" \
        test "$pss" != null -a "${pss%.*}" -ge 117964 -a "${pss%.*}" -le "$ceiling"
fi
# (Not under a sanitizer: each process writes shadow memory of its own for
# the pages it touches, private pages PSS counts in full in every one.)
if strategy_has "$STRATEGY" processes && [ $sanitized = 0 ]; then
    expect "processes: PSS below RSS, shared pages counted once ($pss < $rss)" test "$pss" -lt "$rss"
fi

# Completion order and the timeline. Five files that take 300, 100, 200,
# 50 and 10 ms, all in flight at once: a concurrent strategy finishes them
# in the order 4 3 1 2 0, out of submission order (as as_completed shows);
# one that runs one task at a time finishes them in order.
delays=300,100,200,50,10
start_server --files 5 --delays $delays
"$CONCBENCH" run --workload io --strategy "$STRATEGY" --workers 5 --url "$URL/index.json" \
    --out "$SCRATCH/dl-order" --trace "$SCRATCH/trace.json" --json >"$SCRATCH/order.json"
expect "order run: exit 0" test $? -eq 0
ranks=$(jq -c .completion_rank "$SCRATCH/order.json")
workers=$(json "$SCRATCH/order.json" workers)
T="$SCRATCH/trace.json"
# A task's span in a trace: a complete event, or the begin of an async pair
# (the event loop's). A jq definition, for the checks that read them.
SPANS='def spans: .traceEvents[] | select((.ph == "X" or .ph == "b") and .cat == "task");'
if [ "$workers" -ge 5 ]; then
    expect "concurrent: out of submission order ($ranks)" \
        test "$(json "$SCRATCH/order.json" in_submission_order)" = false
    # A pool starts a worker per task as the tasks come (as Python's
    # does): 0.1-0.5 ms a thread here, ~10 ms under ThreadSanitizer, and
    # 30 ms or more on a busy CI machine, enough to let the 100 ms task end
    # before the 10 ms one has begun. So the order checked is the one each
    # task's own start (from the trace) plus its delay predicts, with 30 ms
    # for transfer costs: [5,3,4,2,1] whenever the workers start within
    # ~40 ms.
    starts=$(jq -c "$SPANS"'[spans] | sort_by(.args.task) | map(.ts / 1000 | floor)' "$T")
    expect "concurrent: each ended in the order its start + delay predicts ($ranks, started at $starts ms)" \
        jq -e --argjson d "[$delays]" --argjson tol 30 "$SPANS"'
        [spans | {r: .args.rank, end: (.ts / 1000 + $d[.args.task])}] as $s
        | ($s | length) == 5 and ([$s[] as $a | $s[] as $b | select($a.r < $b.r)
                                  | $a.end <= $b.end + $tol] | all)' "$T" >/dev/null
else
    expect "one at a time: in submission order ($ranks)" \
        test "$(json "$SCRATCH/order.json" in_submission_order)" = true
    expect "one at a time: ranks 1..5 ($ranks)" test "$ranks" = "[1,2,3,4,5]"
fi
expect "trace: Chrome trace-event JSON" jq_true '.traceEvents | type == "array"' "$T"
spans=$(jq "$SPANS"'[spans] | length' "$T")
expect "trace: one span per task (got $spans)" test "$spans" = 5
expect "trace: every span has a start and a length >= the task's delay" \
    jq_true '[.traceEvents[] | select(.ph == "X" and .cat == "task") | .ts >= 0 and .dur >= 9000] | all' "$T"
expect "trace: async spans end after they begin" jq_true '
    [.traceEvents[] | select((.ph == "b" or .ph == "e") and .cat == "task")] | group_by(.id)
    | map(length == 2 and (map(select(.ph == "e"))[0].ts >= map(select(.ph == "b"))[0].ts)) | all' "$T"
expect "trace: args carry task, bytes, outcome and rank" jq_true "$SPANS"'
    [spans | .args
     | has("task") and has("bytes") and .outcome == "ok" and .rank >= 1] | all' "$T"
expect "trace: ranks match the result's" \
    test "$(jq -c "$SPANS"'[spans] | sort_by(.args.task) | map(.args.rank)' "$T")" = "$ranks"
if strategy_has "$STRATEGY" async; then
    expect "trace: the event loop's transfers overlap on its one thread" \
        test "$(jq '[.traceEvents[] | select(.ph == "b" and .cat == "task") | .tid] | unique | length' "$T")" = 1
elif strategy_has "$STRATEGY" processes; then
    expect "trace: a process lane per worker" \
        test "$(jq '[.traceEvents[] | select(.ph == "X" and .cat == "task") | .pid] | unique | length' "$T")" -ge 2
else
    lanes=$(jq '[.traceEvents[] | select(.ph == "X" and .cat == "task") | .tid] | unique | length' "$T")
    expect "trace: a lane per worker that ran a task ($lanes, at most $workers)" \
        test "$lanes" -ge 1 -a "$lanes" -le "$workers"
fi
# A task in stages (mixed): its download, transform and save nested in its
# span, in that order, on its lane (or under its id, for an event loop).
if "$CONCBENCH" list --names workloads | grep -qx mixed; then
    start_server --files 6 --delay-ms 20
    "$CONCBENCH" run --workload mixed --strategy "$STRATEGY" --workers 3 --work 20 \
        --url "$URL/index.json" --out "$SCRATCH/dl-mixed" --trace "$SCRATCH/tm.json" >/dev/null
    expect "mixed trace: exit 0" test $? -eq 0
    # Per task: its events, as [name, start, end] (async pairs joined).
    stages=$(jq -c '[.traceEvents[] | select(.cat == "task" and .ph != "M")] | group_by(.args.task)
        | map(if .[0].ph == "X" then map([.name, .ts, .ts + .dur])
              else group_by(.name) | map([.[0].name, (map(.ts) | min), (map(.ts) | max)]) end
              | sort_by(.[1], -.[2]))' "$SCRATCH/tm.json")
    expect "mixed trace: 6 tasks, each a span and 3 stages" \
        jq_true 'length == 6 and (map(length == 4) | all)' <(echo "$stages")
    expect "mixed trace: download, transform, save, in order, inside the task" jq_true '
        map(.[0] as $t | .[1:] | (map(.[0]) == ["download", "transform", "save"])
            and (map(.[1] >= $t[1] - 1 and .[2] <= $t[2] + 1) | all)
            and .[0][2] <= .[1][1] + 1 and .[1][2] <= .[2][1] + 1) | all' <(echo "$stages")
fi
# A strategy with an interpreter lock traces its holds: one lane per
# thread, never two holders at once, on CPU work at 2 threads.
if strategy_has "$STRATEGY" gil; then
    "$CONCBENCH" run --workload cpu --strategy "$STRATEGY" --workers 2 --kernel heavy --n 2000000 \
        --work 40 --trace "$SCRATCH/tg.json" --json >"$SCRATCH/tg-run.json"
    holds=$(jq -c '[.traceEvents[] | select(.cat == "strategy") | [.ts, .ts + .dur, .tid]] | sort' \
        "$SCRATCH/tg.json")
    expect "gil trace: the lock's holds recorded, on 2 lanes of their own" \
        jq_true 'length >= 2 and (map(.[2]) | unique | length == 2) and (map(.[2] >= 1000) | all)' <(echo "$holds")
    expect "gil trace: never two holders at once" \
        jq_true '[range(1; length) as $k | .[$k][0] >= .[$k - 1][1] - 0.001] | all' <(echo "$holds")
    expect "gil trace: as many holds as the stats' hand-overs allow" \
        test "$(jq length <<<"$holds")" -ge "$(jq '.stats.switches' "$SCRATCH/tg-run.json")"
fi
# --schedule, for the strategies that have it: eight tasks, the first
# 400 ms and the rest 100 ms, at 2 workers. static deals two contiguous
# blocks up front (tasks 0-3 and 4-7, one worker each: the first block's
# worker finishes last); dynamic hands out one at a time, so the worker
# held by the long task runs few of the others.
if jq -e --arg s "$STRATEGY" '.strategies[] | select(.name == $s) | .options | map(.name)
        | index("schedule") != null' "$LIST_JSON" >/dev/null; then
    start_server --files 8 --delays 400,100,100,100,100,100,100,100
    for sc in static dynamic; do
        "$CONCBENCH" run --workload io --strategy "$STRATEGY" --workers 2 --schedule $sc \
            --url "$URL/index.json" --out "$SCRATCH/dl-$sc" --json >"$SCRATCH/$sc.json"
        expect "--schedule $sc: exit 0, every task ok" test "$(json "$SCRATCH/$sc.json" ok)" = 8
        echo "  --schedule $sc: $(json "$SCRATCH/$sc.json" wall_s) s (bound $(json "$SCRATCH/$sc.json" bound_s) s)"
    done
    # Which worker ran each task: the trace says.
    for sc in static dynamic; do
        "$CONCBENCH" run --workload io --strategy "$STRATEGY" --workers 2 --schedule $sc \
            --url "$URL/index.json" --out "$SCRATCH/dl2-$sc" --trace "$SCRATCH/t-$sc.json" >/dev/null
    done
    workers_of() { # TRACE: the worker of each task, in task order
        jq -c "$SPANS"'[spans | {t: .args.task, w: .args.worker}] | sort_by(.t) | map(.w)' "$1"
    }
    st=$(workers_of "$SCRATCH/t-static.json")
    expect "static: tasks 0-3 on one worker, 4-7 on the other ($st)" \
        jq_true '.[0:4] | unique | length == 1' <(echo "$st")
    expect "static: ... two different workers ($st)" jq_true '(.[0:4] | unique) != (.[4:8] | unique)' <(echo "$st")
    dy=$(workers_of "$SCRATCH/t-dynamic.json")
    expect "dynamic: the long task's worker ran at most 3 of the 8 ($dy)" \
        jq_true '. as $w | [.[] | select(. == $w[0])] | length <= 3' <(echo "$dy")
fi
finish
