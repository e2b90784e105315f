#!/bin/bash
# bench.sh: the `make bench` driver.
#
# Starts `concbench serve` on a free port, runs the benchmark matrix under
# hyperfine, and writes one folder results/<UTC timestamp>/ with the merged
# results, tables and charts; results/latest points at it. Every run keeps
# two clocks: hyperfine times the whole process (start-up included), and
# each process appends its own `concbench run --json` line (in-process
# monotonic clock, verification, rusage) to a .jsonl file beside hyperfine's
# export. The server and the scratch download dir go away whatever happens.
#
# Knobs (environment or make variables), defaults in brackets:
#   QUICK=1        smoke run: small matrix, 2 runs a point, under a minute
#   FILES          files the server offers, all downloaded per run [194]
#   DELAY_MS       server delay per request [10]
#   IO_WORKERS     io worker counts [1 2 4 8 16 32 64]
#   CPU_WORKERS    cpu worker counts [1 .. 2 x cores]
#   CPU_N          heavy-kernel elements [16777216]; CPU_WORK rounds [40]
#   SUM_N          sum-kernel elements [33554432]
#   SYNC_N         elements of the --sync comparison (sum kernel) [8388608]
#   MIXED_WORKERS  mixed worker counts [4 16]; MIXED_WORK rounds per word [1000]
#   RUNS, WARMUP   timed runs and warm-up runs per point [5, 1]
#   BAR_WORKERS    worker count of the bar and cost charts [4]
#   RESULTS_DIR    where run folders go [results/]
#   CONCBENCH      the binary [build/concbench]
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONCBENCH=${CONCBENCH:-$ROOT/build/concbench}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/results}
CORES=$(nproc)

if [ "${QUICK:-0}" = 1 ]; then
    : "${FILES:=40}" "${DELAY_MS:=5}" "${IO_WORKERS:=1 4 16}" "${CPU_WORKERS:=1 2}"
    : "${CPU_N:=2097152}" "${CPU_WORK:=20}" "${SUM_N:=4194304}" "${RUNS:=2}" "${WARMUP:=1}"
    : "${SYNC_N:=8388608}" "${MIXED_WORKERS:=4}" "${MIXED_WORK:=200}"
fi
: "${FILES:=194}" "${DELAY_MS:=10}" "${IO_WORKERS:=1 2 4 8 16 32 64}"
: "${CPU_WORKERS:=$(seq -s ' ' 1 $((2 * CORES)))}"
: "${CPU_N:=16777216}" "${CPU_WORK:=40}" "${SUM_N:=33554432}" "${RUNS:=5}" "${WARMUP:=1}"
: "${BAR_WORKERS:=4}" "${SYNC_N:=8388608}" "${MIXED_WORKERS:=4 16}" "${MIXED_WORK:=1000}"

die() { echo "bench: $*" >&2; exit 2; }
[ -x "$CONCBENCH" ] || die "no binary at $CONCBENCH (run make first)"
for tool in hyperfine gnuplot jq python3; do
    command -v $tool >/dev/null || die "$tool is missing (make deps installs it)"
done
for v in FILES DELAY_MS CPU_N CPU_WORK SUM_N SYNC_N MIXED_WORK RUNS WARMUP BAR_WORKERS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
[ "$RUNS" -ge 2 ] || die "RUNS must be at least 2 (hyperfine needs two for a spread)"
for w in $IO_WORKERS $CPU_WORKERS $MIXED_WORKERS; do
    [[ $w =~ ^[1-9][0-9]*$ ]] || die "worker counts must be positive whole numbers, not '$w'"
done

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$RESULTS_DIR/$STAMP"
RAW="$OUT/raw"
mkdir -p "$RAW" || die "unable to create $RAW"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/concbench-bench.XXXXXX") || die "unable to create a scratch dir"
SERVER_PID=""
HF_PID=""

# Whatever ends the script, the server, any hyperfine still running (and
# the runs under it: it leads its own process group) and the scratch
# downloads go with it.
cleanup() {
    [ -n "$HF_PID" ] && kill -TERM -- "-$HF_PID" 2>/dev/null
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ -n "$HF_PID" ] && wait "$HF_PID" 2>/dev/null
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'echo "bench: interrupted; $OUT is incomplete" >&2; exit 130' INT TERM

if [ -t 2 ]; then TTY=1; else TTY=0; fi
START=$(date +%s)
say() { printf '[%3ss] %s\n' $(($(date +%s) - START)) "$*" >&2; }

# --- the server -----------------------------------------------------------
"$CONCBENCH" serve --port 0 --files "$FILES" --delay-ms "$DELAY_MS" \
    >"$SCRATCH/server.out" 2>"$RAW/server.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 100); do
    URL=$(sed -n 's/^listening on //p' "$SCRATCH/server.out")
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
done
[ -n "$URL" ] || die "the fixture server did not start: $(cat "$RAW/server.log")"
say "server $URL: $FILES files, ${DELAY_MS} ms delay; results in $OUT"

# --- what produced this run ----------------------------------------------
"$CONCBENCH" info | jq --arg date "$(date -u +%FT%TZ)" \
    --arg hyperfine "$(hyperfine --version | awk '{print $2}')" \
    --arg gnuplot "$(gnuplot --version | awk '{print $2"."$4}')" \
    --argjson files "$FILES" --argjson delay_ms "$DELAY_MS" --argjson runs "$RUNS" \
    --argjson warmup "$WARMUP" --argjson cpu_n "$CPU_N" --argjson cpu_work "$CPU_WORK" \
    --argjson sum_n "$SUM_N" --arg io_workers "$IO_WORKERS" --arg cpu_workers "$CPU_WORKERS" \
    --argjson sync_n "$SYNC_N" --arg mixed_workers "$MIXED_WORKERS" --argjson mixed_work "$MIXED_WORK" \
    --argjson bar_workers "$BAR_WORKERS" --arg quick "${QUICK:-0}" \
    '. + {date: $date, hyperfine: $hyperfine, gnuplot: $gnuplot,
          parameters: {files: $files, delay_ms: $delay_ms, runs: $runs, warmup: $warmup,
                       cpu_n: $cpu_n, cpu_work: $cpu_work, sum_n: $sum_n, sync_n: $sync_n,
                       mixed_work: $mixed_work,
                       mixed_workers: ($mixed_workers | split(" ") | map(tonumber)),
                       io_workers: ($io_workers | split(" ") | map(tonumber)),
                       cpu_workers: ($cpu_workers | split(" ") | map(tonumber)),
                       bar_workers: $bar_workers, quick: ($quick == "1")}}' \
    >"$OUT/machine.json" || die "unable to write machine.json"

# --- the matrix -----------------------------------------------------------
# One step = one hyperfine invocation: workload|kernel|strategy|sync|workers.
# Sequential ignores --workers, so it runs once, at 1. The sync comparison
# is the threads pool on the sum kernel, one step per mode.
# At one worker gil and hybrid are threads and eventloop exactly; their io
# sweep starts at 2 to keep the whole run short.
IO_WORKERS_2UP=$(for w in $IO_WORKERS; do [ "$w" -ge 2 ] && printf '%s ' "$w"; done)
IO_WORKERS_2UP=${IO_WORKERS_2UP% }
[ -n "$IO_WORKERS_2UP" ] || IO_WORKERS_2UP=$IO_WORKERS
STEPS=()
for s in sequential threads procs eventloop gil hybrid; do
    case $s in
    sequential) ws=1 ;;
    gil|hybrid) ws=$IO_WORKERS_2UP ;;
    *)          ws=$IO_WORKERS ;;
    esac
    STEPS+=("io|-|$s|-|$ws")
done
for k in sum heavy; do
    for s in sequential threads procs eventloop gil; do
        [ $s = sequential ] && ws=1 || ws=$CPU_WORKERS
        STEPS+=("cpu|$k|$s|local|$ws")
    done
done
for m in atomic mutex none local; do
    STEPS+=("cpu|sync|threads|$m|$CPU_WORKERS")
done
for s in sequential threads procs eventloop gil hybrid; do
    [ $s = sequential ] && ws=1 || ws=$MIXED_WORKERS
    STEPS+=("mixed|-|$s|-|$ws")
done

FAILED_STEPS=0
n=0
for step in "${STEPS[@]}"; do
    n=$((n + 1))
    IFS='|' read -r workload kernel strategy sync workers <<<"$step"
    name="$workload-$kernel-$strategy-$sync"
    case $workload in
    io)    args="--workload io --strategy $strategy --url $URL/index.json --out $SCRATCH/dl-$name-{workers}" ;;
    mixed) args="--workload mixed --strategy $strategy --work $MIXED_WORK --url $URL/index.json --out $SCRATCH/dl-$name-{workers}" ;;
    cpu)   case $kernel in
           heavy) args="--kernel heavy --n $CPU_N --work $CPU_WORK" ;;
           sum)   args="--kernel sum --n $SUM_N" ;;
           sync)  args="--kernel sum --n $SYNC_N" ;;
           esac
           args="--workload cpu --strategy $strategy --sync $sync $args" ;;
    esac
    label="$workload"
    [ "$kernel" != - ] && label="$label $kernel"
    [ "$sync" != - ] && [ "$sync" != local ] && label="$label --sync $sync"
    say "step $n/${#STEPS[@]}: $label, $strategy, workers ${workers// /,}"
    jq -n --arg w "$workload" --arg k "$kernel" --arg s "$strategy" --arg y "$sync" \
        '{workload: $w, kernel: $k, strategy: $s, sync: $y}' >"$RAW/$name.meta.json"
    # Each process appends its own JSON line: WARMUP warm-up lines, then RUNS timed ones.
    rm -f "$RAW/$name"-[0-9]*.jsonl
    cmd="$CONCBENCH run $args --workers {workers} --json >> $RAW/$name-{workers}.jsonl"
    hf=(hyperfine --warmup "$WARMUP" --runs "$RUNS" --ignore-failure
        -L workers "${workers// /,}" --export-json "$RAW/$name.json" "$cmd")
    # hyperfine runs in the background, in a session of its own, so that
    # `wait` returns at once on SIGINT/SIGTERM and cleanup can stop it.
    if [ $TTY = 1 ]; then
        setsid "${hf[@]}" >&2 &
    else
        setsid "${hf[@]}" --style basic >>"$RAW/hyperfine.log" 2>&1 &
    fi
    HF_PID=$!
    wait "$HF_PID"
    rc=$?
    HF_PID=""
    if [ $rc -ne 0 ]; then
        FAILED_STEPS=$((FAILED_STEPS + 1))
        say "  step failed: hyperfine exit $rc (see raw/hyperfine.log)"
    fi
done

# --- merge, tables, charts ------------------------------------------------
say "merging"
python3 "$ROOT/scripts/merge.py" "$OUT" || die "merge failed"
say "drawing charts"
"$ROOT/scripts/plot.sh" "$OUT" || die "gnuplot failed"
say "writing the report"
python3 "$ROOT/scripts/report.py" "$OUT" || die "report failed"
ln -sfn "$STAMP" "$RESULTS_DIR/latest"

# A point counts as failed when it did not verify, unless failing is its
# lesson (the race) and it failed the way it should.
bad=$(jq '[.results[] | select(.verified != true and .expected_fail != true)] | length' \
    "$OUT/results.json")
say "done: $OUT ($(jq '.results | length' "$OUT/results.json") points, $bad failed or unverified)"
[ "$bad" -eq 0 ] && [ "$FAILED_STEPS" -eq 0 ] || exit 1
