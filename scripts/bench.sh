#!/bin/bash
# bench.sh: the `make bench` driver.
#
# Asks the binary for its plug-ins (`concbench list --json`), plans the
# matrix from them (scripts/plan.py: every strategy on every workload's
# bench series), starts `concbench serve` on a free port, and runs the
# matrix under hyperfine, interleaved: each round runs every point of a
# series once (A B C ... A B C ...), starting at another point each round
# (B C ... A, ...), so drift, a neighbour's bursts and the cost of going
# first land on every strategy alike. Every sample keeps two clocks: hyperfine
# times the whole process, and the process writes its own result
# (in-process clock, verification, rusage) with --output. Then merge.py,
# plot.sh and report.py make results/<UTC timestamp>/, and results/latest
# points at it. The server and the scratch downloads (on a tmpfs, so the
# io charts measure concurrency, not a disk) go away whatever happens.
#
# Knobs (environment or make variables), defaults in brackets:
#   QUICK=1        smoke run: the series' quick options and worker counts
#   STRATEGIES     strategies to run [all]; WORKLOADS workloads to run [all]
#   WORKERS        worker counts for every series; IO_WORKERS, CPU_WORKERS,
#                  MIXED_WORKERS (<WORKLOAD>_WORKERS) for one workload
#   URL            measure an outside server instead: the index URL every
#                  fetching run downloads (no fixture server is started, no
#                  timeline run; FILES and DELAY_MS then mean nothing)
#   FILES          files the server offers, all downloaded per run [194; QUICK 40]
#   DELAY_MS       server delay per request [10; QUICK 5]
#   RUNS           rounds (timed runs per point) [5; QUICK 2]
#   WARMUP         warm-up runs of each strategy (and contender program) the
#                  first time a series runs it, on its last point [1; QUICK 0]
#   BAR_WORKERS    worker count of the bar and cost charts [4]
#   LESSONS        the course's lessons to decide after the matrix (each a
#                  claim `concbench lesson` tests in its own interleaved
#                  rounds): all, none, or ids [all; QUICK none]. One that
#                  comes out contradicted makes the bench exit 1.
#   RESULTS_DIR    where run folders go [results/]
#   DOWNLOAD_DIR   where downloads go [a fresh folder in /dev/shm, else TMPDIR]
#   CONCBENCH      the binary [build/concbench]
#   PYTHON         the interpreter of the course's programs [/usr/bin/python3,
#                  Debian's, where python3-aiohttp and python3-requests are]
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONCBENCH=${CONCBENCH:-$ROOT/build/concbench}
# Debian's python3 by its path, not through PATH, where a version
# manager's shim may stand (one such shim started 40 processes and took
# 0.4 s a call on a machine where it was measured). The bench's
# own scripts (plan, merge, charts' data, report: standard library only)
# always run under it; the course's programs too, unless PYTHON names another.
PY3=python3
[ -x /usr/bin/python3 ] && PY3=/usr/bin/python3
export PY3
PYTHON=${PYTHON:-$PY3}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/results}
if [ "${QUICK:-0}" = 1 ]; then
    : "${FILES:=40}" "${DELAY_MS:=5}" "${RUNS:=2}" "${WARMUP:=0}"
    TL_FILES=8 TL_DELAYS=10,20,40,80 RACE_RUNS=1
    : "${LESSONS:=none}"
    BW_MIB=64 # the quick sum's array is 32 MiB; faulting in 256 MiB took 0.7 s here
fi
: "${TL_FILES:=24}" "${TL_DELAYS:=20,40,80,160}" "${RACE_RUNS:=3}"
: "${FILES:=194}" "${DELAY_MS:=10}" "${RUNS:=5}" "${WARMUP:=1}" "${BAR_WORKERS:=4}" "${LESSONS:=all}"

die() { echo "bench: $*" >&2; exit 2; }
# Open MPI's documented switches for running as root, for this bench's own
# mpi runs only (concbench run never sets them behind a user's back).
[ "$(id -u)" -eq 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
[ -x "$CONCBENCH" ] || die "no binary at $CONCBENCH (run make first)"
for tool in hyperfine gnuplot jq "$PY3"; do
    command -v $tool >/dev/null || die "$tool is missing (make deps installs it)"
done
# curl's version, asked once here, outside every timed run: `curl --version`
# makes libcurl ask OpenLDAP for its version, and OpenLDAP looks this
# host's name up first (10 s where no DNS server answers, as in a root with
# no /etc/hosts), which curl_parallel.py's timed runs would otherwise pay.
if [ -z "${CB_CURL_VERSION:-}" ] && command -v curl >/dev/null; then
    CB_CURL_VERSION=$(curl --version | awk 'NR == 1 { print $2 }')
    export CB_CURL_VERSION
fi
for v in FILES DELAY_MS RUNS WARMUP BAR_WORKERS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
[ "$RUNS" -ge 2 ] || die "RUNS must be at least 2 (a median needs a spread)"
[ "$FILES" -ge 1 ] || die "FILES must be at least 1"
if [ "$LESSONS" != all ] && [ "$LESSONS" != none ]; then
    for id in $LESSONS; do
        "$CONCBENCH" lesson list | awk '{print $1}' | grep -xF -- "$id" >/dev/null ||
            die "unknown lesson '$id' in LESSONS (known: $("$CONCBENCH" lesson list | awk '{print $1}' | tr '\n' ' '))"
    done
fi

# A run folder of its own, made by mkdir (which fails when the name is
# taken): two benches started in the same second get two folders.
mkdir -p "$RESULTS_DIR" || die "unable to create $RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
base=$STAMP
for k in $(seq 2 100); do
    mkdir "$RESULTS_DIR/$STAMP" 2>/dev/null && break
    [ -d "$RESULTS_DIR/$STAMP" ] || die "unable to create $RESULTS_DIR/$STAMP"
    STAMP=$base-$k
done
OUT="$RESULTS_DIR/$STAMP"
RAW="$OUT/raw"
mkdir -p "$RAW/samples" || die "unable to create $RAW"
"$CONCBENCH" list --json >"$OUT/plugins.json" || die "concbench list --json failed"
cp "$ROOT/scripts/python/contenders.json" "$OUT/contenders.json" || die "no scripts/python/contenders.json"
"$PY3" "$ROOT/scripts/plan.py" "$OUT/plugins.json" "$OUT/contenders.json" >"$RAW/plan.tsv" || exit 2
if cut -f10 "$RAW/plan.tsv" | grep -q '\.py$'; then
    # Found, not imported: importing aiohttp alone takes 0.3 s.
    "$PYTHON" -c 'import sys, importlib.util as u
sys.exit(any(u.find_spec(m) is None for m in ("aiohttp", "requests", "xxhash")))' 2>/dev/null ||
        die "$PYTHON lacks aiohttp, requests or xxhash (make deps installs python3-aiohttp, python3-requests and python3-xxhash)"
fi
if [ -n "${DOWNLOAD_DIR:-}" ]; then
    mkdir -p "$DOWNLOAD_DIR" && SCRATCH=$(mktemp -d "$DOWNLOAD_DIR/concbench-bench.XXXXXX")
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
    SCRATCH=$(mktemp -d /dev/shm/concbench-bench.XXXXXX)
else
    SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/concbench-bench.XXXXXX")
fi
[ -d "${SCRATCH:-}" ] || die "unable to create a scratch dir"
SERVER_PID=""
TL_PID=""
HF_PID=""
PLOT_PID=""

# group_running PGID: true while a process of that group still runs. A
# zombie does not count: a run whose hyperfine died waits for init to reap
# it, which can take a second on some hosts, and it holds nothing.
group_running() {
    ps -o stat= -g "$1" 2>/dev/null | grep -qv '^Z'
}

# Whatever ends the script, the server, any hyperfine still running (and
# the runs under it: it leads its own process group) and the scratch
# downloads go with it.
cleanup() {
    if [ -n "$HF_PID" ]; then
        # Every run under hyperfine is in its process group: ask them all
        # to stop, give them 1.5 s (a transfer notices within ~0.7 s), then
        # make sure.
        kill -TERM -- "-$HF_PID" 2>/dev/null
        for _ in $(seq 1 30); do
            group_running "$HF_PID" || break
            sleep 0.05
        done
        kill -KILL -- "-$HF_PID" 2>/dev/null
        wait "$HF_PID" 2>/dev/null
    fi
    for pid in $SERVER_PID $TL_PID $PLOT_PID; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'echo "bench: interrupted; $OUT is incomplete" >&2; exit 130' INT TERM

START=$(date +%s)
say() { printf '[%3ss] %s\n' $(($(date +%s) - START)) "$*" >&2; }

# serve NAME ARGS...: start `concbench serve --port 0 ARGS` in the
# background, its stderr appended to raw/server.log; sets SERVED_PID and
# SERVED_URL ("" when it did not start).
serve() {
    local name=$1
    shift
    "$CONCBENCH" serve --port 0 "$@" >"$SCRATCH/$name.out" 2>>"$RAW/server.log" &
    SERVED_PID=$!
    echo "server $SERVED_PID" >>"$RAW/pids"
    SERVED_URL=""
    for _ in $(seq 1 200); do
        SERVED_URL=$(sed -n 's/^listening on //p' "$SCRATCH/$name.out")
        [ -n "$SERVED_URL" ] && break
        kill -0 "$SERVED_PID" 2>/dev/null || break
        sleep 0.05
    done
}

# hyperfine_bg ARGS...: hyperfine -N ARGS in a session of its own, in the
# background, so that `wait` returns at once on SIGINT/SIGTERM and cleanup
# can stop it and every run under it; returns hyperfine's status.
hyperfine_bg() {
    setsid hyperfine -N --style basic --ignore-failure "$@" >>"$RAW/hyperfine.log" 2>&1 &
    HF_PID=$!
    echo "hyperfine $HF_PID" >>"$RAW/pids"
    wait "$HF_PID"
    local rc=$?
    HF_PID=""
    return $rc
}

# --- the server -----------------------------------------------------------
OUTSIDE_URL=${URL:-}
INDEX_URL=""
if [ -n "$OUTSIDE_URL" ]; then
    [[ $OUTSIDE_URL =~ ^https?://[^[:space:]]+$ ]] || die "URL must be an http(s) URL of an index, not '$OUTSIDE_URL'"
    INDEX_URL=$OUTSIDE_URL
    say "outside server: $INDEX_URL (no fixture server; downloads in $SCRATCH)"
elif awk -F'\t' '$9 == "fetches"' "$RAW/plan.tsv" | grep -q .; then
    serve server --files "$FILES" --delay-ms "$DELAY_MS"
    SERVER_PID=$SERVED_PID
    [ -n "$SERVED_URL" ] || die "the fixture server did not start: $(cat "$RAW/server.log")"
    INDEX_URL=$SERVED_URL/index.json
    say "server $SERVED_URL: $FILES files, ${DELAY_MS} ms delay; downloads in $SCRATCH"
fi
say "results in $OUT"

# --- what produced this run ----------------------------------------------
say "measuring the memory read bandwidth (the sum kernel's ceiling)"
"$CONCBENCH" info --bandwidth-mib "${BW_MIB:-256}" | jq --arg date "$(date -u +%FT%TZ)" \
    --arg hyperfine "$(hyperfine --version | awk '{print $2}')" \
    --arg gnuplot "$(gnuplot --version | awk '{print $2"."$4}')" \
    --arg out_fs "$(stat -f -c %T "$SCRATCH")" \
    --argjson files "$FILES" --argjson delay_ms "$DELAY_MS" --argjson runs "$RUNS" \
    --argjson warmup "$WARMUP" --argjson bar_workers "$BAR_WORKERS" --arg quick "${QUICK:-0}" \
    --arg url "$OUTSIDE_URL" --arg strategies "${STRATEGIES:-}" --arg workloads "${WORKLOADS:-}" \
    --argjson tl_files "$TL_FILES" --arg tl_delays "$TL_DELAYS" \
    '. + {date: $date, hyperfine: $hyperfine, gnuplot: $gnuplot, out_filesystem: $out_fs,
          parameters: {files: (if $url == "" then $files else null end),
                       delay_ms: (if $url == "" then $delay_ms else null end), runs: $runs,
                       warmup: $warmup, bar_workers: $bar_workers, quick: ($quick == "1"),
                       timeline: {files: $tl_files, delays_ms: ($tl_delays | split(",") | map(tonumber))},
                       outside_url: (if $url == "" then null else $url end),
                       strategies: (if $strategies == "" then null else ($strategies | split(" ")) end),
                       workloads: (if $workloads == "" then null else ($workloads | split(" ")) end)}}' \
    >"$OUT/machine.json" || die "unable to write machine.json"

# --- the matrix, series by series, round by round -------------------------
mapfile -t SERIES < <(cut -f2,3 "$RAW/plan.tsv" | awk '!seen[$0]++')
declare -A WARMED=() # what has had its warm-up: a strategy, or a contender's program
TOTAL_STEPS=$((${#SERIES[@]} * RUNS))
# What is left, estimated: every point weighs what it took in the last
# complete run (results/latest: its mean, whole process), a point that run
# did not have weighs their median, and without one every point weighs
# the same; the time spent so far is shared out by weight. The lessons
# take what they took last time (or a minute and a half).
declare -A WEIGHT=()
prev=$RESULTS_DIR/latest/results.json
# Only a run of the same kind says how long this one's points take.
same_kind() {
    jq -e --argjson q "$([ "${QUICK:-0}" = 1 ] && echo true || echo false)" \
        --argjson f "$FILES" --argjson d "$DELAY_MS" \
        '.parameters.quick == $q and (.parameters.files // $f) == $f and (.parameters.delay_ms // $d) == $d' \
        "$RESULTS_DIR/latest/machine.json" >/dev/null 2>&1
}
if [ -f "$prev" ] && same_kind; then
    while IFS=$'\t' read -r name mean; do WEIGHT[$name]=$mean; done < <(
        jq -r '.results[] | select(.mean != null) | "\(.name)\t\(.mean)"' "$prev" 2>/dev/null)
fi
default_w=$(printf '%s\n' "${WEIGHT[@]:-1}" | sort -g | awk '{v[NR]=$1} END {print NR ? v[int((NR+1)/2)] : 1}')
declare -A SERIES_W=()
while IFS=$'\t' read -r key w s _; do
    SERIES_W[$w$'\t'$s]=$(awk -v a="${SERIES_W[$w$'\t'$s]:-0}" -v b="${WEIGHT[$key]:-$default_w}" 'BEGIN {print a + b}')
done <"$RAW/plan.tsv"
TOTAL_W=$(for k in "${!SERIES_W[@]}"; do echo "${SERIES_W[$k]}"; done | awk -v r="$RUNS" '{t += $1 * r} END {print t}')
DONE_W=0
LESSONS_S=0
if [ "$LESSONS" != none ]; then
    LESSONS_S=90
    [ -f "$RESULTS_DIR/latest/lessons.json" ] &&
        LESSONS_S=$(jq '[.lessons[].elapsed_s] | add // 90 | floor' "$RESULTS_DIR/latest/lessons.json")
fi
FAILED_STEPS=0
step=0
for series in "${SERIES[@]}"; do
    IFS=$'\t' read -r wl se <<<"$series"
    npoints=0
    cmds=()
    declare -A warm_of=() # a warm-up: the last point (most workers, last value) of each new program
    warm_order=()
    while IFS=$'\t' read -r key w s st vary value workers args fetches program; do
        [ "$w" = "$wl" ] && [ "$s" = "$se" ] || continue
        [ "$args" = - ] && args=""
        if [ "$program" = - ]; then
            cmd="$CONCBENCH run --workload $w --strategy $st --workers $workers $args"
        else # a contender: the same options, its own program
            cmd="$PYTHON $ROOT/scripts/python/$program --workers $workers $args"
        fi
        [ "$fetches" = fetches ] && cmd="$cmd --url $INDEX_URL --out $SCRATCH/dl/$key"
        name="$w $s $st"
        [ "$vary" != - ] && name="$name $vary=$value"
        cmds+=(-n "$name w=$workers" "$cmd --output $RAW/samples/$key-r{round}.json")
        prog=$st
        [ "$program" = - ] || prog=$program
        if [ -z "${WARMED[$prog]:-}" ]; then
            [ -n "${warm_of[$prog]:-}" ] || warm_order+=("$prog")
            warm_of[$prog]="$cmd --output $RAW/samples/$key-r0.json"
        fi
        npoints=$((npoints + 1))
    done <"$RAW/plan.tsv"
    # Warm-up, WARMUP times, before the series' first round (round 0: the
    # outputs are kept, never merged): each strategy, and each contender's
    # program, that no earlier series ran, on its last point. After it every
    # program, library and code path has run once; within the rounds every
    # sample follows another strategy's anyway.
    warm=()
    for prog in "${warm_order[@]}"; do
        warm+=(-n "warm-up $wl $se ${prog%.py}" "${warm_of[$prog]}")
        WARMED[$prog]=1
    done
    unset warm_of
    for round in $(seq 1 "$RUNS"); do
        step=$((step + 1))
        elapsed=$(($(date +%s) - START))
        eta=""
        if [ $step -gt 1 ]; then
            eta=", about $(awk -v e="$elapsed" -v d="$DONE_W" -v t="$TOTAL_W" -v l="$LESSONS_S" \
                'BEGIN {printf "%d", (d > 0 ? e * (t - d) / d : 0) + l}') s left"
        fi
        say "step $step/$TOTAL_STEPS: $wl/$se round $round/$RUNS ($npoints points$eta)"
        # Each round starts at another point of the series (rotated by
        # round x points / rounds), so no strategy always runs first or
        # right after the same neighbour.
        shift_by=$(((round - 1) * npoints / RUNS * 3)) # 3 words a point: -n NAME CMD
        rotated=("${cmds[@]:shift_by}" "${cmds[@]:0:shift_by}")
        if [ "$round" = 1 ] && [ "$WARMUP" -gt 0 ] && [ ${#warm[@]} -gt 0 ]; then
            hyperfine_bg --runs "$WARMUP" --export-json "$RAW/$wl-$se-r0.json" "${warm[@]}" ||
                say "  a warm-up run failed (see raw/hyperfine.log)"
        fi
        hyperfine_bg --runs 1 --export-json "$RAW/$wl-$se-r$round.json" \
            "${rotated[@]//\{round\}/$round}"
        rc=$?
        # The fixture server is part of the measurement: if it died, what
        # follows would measure refused connections.
        if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
            die "the fixture server (pid $SERVER_PID) died during $wl/$se round $round (see raw/server.log); $OUT is incomplete and results/latest was not moved"
        fi
        DONE_W=$(awk -v a="$DONE_W" -v b="${SERIES_W[$wl$'\t'$se]}" 'BEGIN {print a + b}')
        if [ $rc -ne 0 ]; then
            FAILED_STEPS=$((FAILED_STEPS + 1))
            say "  step failed: hyperfine exit $rc (see raw/hyperfine.log)"
        fi
    done
done

# --- the timeline: every strategy on the same small, uneven run ------------
# 24 files of 20, 40, 80 and 160 ms (QUICK: 8 of 10 .. 80 ms) at 4 workers,
# each run with --trace: the timeline chart draws one Gantt panel per
# strategy from these.
if [ -z "$OUTSIDE_URL" ] && grep -q $'^[^\t]*\tio\t' "$RAW/plan.tsv"; then
    say "timeline: $TL_FILES uneven files at 4 workers, every strategy, traced"
    serve tl-server --files "$TL_FILES" --delays "$TL_DELAYS"
    TL_PID=$SERVED_PID TL_URL=$SERVED_URL
    for st in $(awk -F'\t' '$10 == "-" && !seen[$4]++ {print $4}' "$RAW/plan.tsv"); do
        [ -n "$TL_URL" ] || break
        "$CONCBENCH" run --workload io --strategy "$st" --workers 4 --url "$TL_URL/index.json" \
            --out "$SCRATCH/tl/$st" --trace "$RAW/trace-$st.json" --json \
            >"$RAW/timeline-$st.json" 2>>"$RAW/hyperfine.log" ||
            say "  timeline: $st did not finish cleanly (see raw/timeline-$st.json)"
    done
    kill "$TL_PID" 2>/dev/null
    wait "$TL_PID" 2>/dev/null
    TL_PID=""
fi
# The lock over time: each strategy with an interpreter lock, and the one it
# varies, on a short heavy-kernel run at 2 threads, traced (the trace holds
# the lock's holds): the gil_timeline chart.
if grep -q $'^[^\t]*\tcpu\t' "$RAW/plan.tsv"; then
    for st in $(jq -r '.strategies[] | select(.caps | index("gil")) | select(.peer) | "\(.peer) \(.name)"' \
        "$OUT/plugins.json"); do
        grep -q $'\t'"$st"$'\t' "$RAW/plan.tsv" || continue
        "$CONCBENCH" run --workload cpu --strategy "$st" --workers 2 --kernel heavy --n 2097152 \
            --work 60 --trace "$RAW/trace-cpu-$st.json" --json >"$RAW/timeline-cpu-$st.json" \
            2>>"$RAW/hyperfine.log" || say "  the lock's timeline: $st did not finish cleanly"
    done
fi

# --- the course's race, in CPython ------------------------------------------
# sum_threads.py with the lock commented out, as the course ran it: the sum
# kernel (x = x + i) at the course's own n = 1e6, chunks of 100, 10 threads,
# and the heavy one (x = x + lcg_rounds(i, work): a call between the read and
# the write). Three runs each (QUICK: one); REPORT says whether updates were
# lost.
if awk -F'\t' '$4 == "py-threads" && $2 == "cpu"' "$RAW/plan.tsv" | grep -q .; then
    say "the course's race in CPython: 10 threads adding with x = x + i, no lock"
    mkdir -p "$RAW/py-race"
    for k in $(seq 1 "$RACE_RUNS"); do
        "$PYTHON" "$ROOT/scripts/python/sum_threads.py" --workers 10 --sync none --kernel sum \
            --n 1000000 --chunk 100 --output "$RAW/py-race/sum-r$k.json" >>"$RAW/hyperfine.log" 2>&1
        "$PYTHON" "$ROOT/scripts/python/sum_threads.py" --workers 10 --sync none --kernel heavy \
            --n 20000 --chunk 100 --work 10 --output "$RAW/py-race/heavy-r$k.json" \
            >>"$RAW/hyperfine.log" 2>&1
    done
fi

# --- the lessons: each claim of the course, decided by its own rounds -------
# `concbench lesson` runs each lesson's series interleaved until the 95 %
# interval of its paired statistic decides the claim or its budget ends,
# with a fixture server of its own: lessons.json, and lessons/ID.json each.
LESSONS_RC=0
if [ "$LESSONS" != none ]; then
    say "the lessons: $([ "$LESSONS" = all ] && "$CONCBENCH" lesson list | wc -l || echo "$LESSONS" | wc -w) claims of the course, each decided by its own interleaved rounds"
    ids=$LESSONS
    [ "$LESSONS" = all ] && ids=all
    if [ "$ids" = all ]; then
        "$CONCBENCH" lesson all --json --out "$OUT/lessons" >"$RAW/lessons.json" 2>>"$RAW/lessons.log"
        LESSONS_RC=$?
    else
        LESSONS_RC=0
        for id in $ids; do
            "$CONCBENCH" lesson "$id" --json --out "$OUT/lessons" >"$RAW/lesson-$id.json" 2>>"$RAW/lessons.log"
            rc=$?
            [ $rc -gt $LESSONS_RC ] && LESSONS_RC=$rc
        done
        jq -s '{lessons: .}' $(for id in $ids; do echo "$RAW/lesson-$id.json"; done) >"$RAW/lessons.json"
    fi
    if [ $LESSONS_RC -le 1 ] && jq -e '.lessons | length > 0' "$RAW/lessons.json" >/dev/null 2>&1; then
        mv "$RAW/lessons.json" "$OUT/lessons.json"
        jq -r '.lessons[] | "  \(.id): \(.verdict)"' "$OUT/lessons.json" | while read -r l; do say "$l"; done
    else
        say "  the lessons did not finish (exit $LESSONS_RC; see raw/lessons.log)"
        FAILED_STEPS=$((FAILED_STEPS + 1))
    fi
fi

# --- what the machine was doing by the end ----------------------------------
"$CONCBENCH" info | jq '.system' >"$RAW/system-end.json" &&
    jq --slurpfile sys "$RAW/system-end.json" '. + {system_end: $sys[0]}' "$OUT/machine.json" \
        >"$RAW/machine.tmp" && mv "$RAW/machine.tmp" "$OUT/machine.json"

# --- merge, tables, charts ------------------------------------------------
say "merging"
"$PY3" "$ROOT/scripts/merge.py" "$OUT" || die "merge failed"
say "drawing charts and writing the report"
# report.py needs only the chart list (plot/charts.txt), so it writes
# while gnuplot draws.
"$PY3" "$ROOT/scripts/plotdata.py" "$OUT" || die "the charts' data failed"
while IFS=$'\t' read -r chart why; do
    say "  not drawn: $chart.png: $why"
done <"$OUT/plot/skipped.txt"
"$ROOT/scripts/plot.sh" --draw-only "$OUT" &
PLOT_PID=$!
"$PY3" "$ROOT/scripts/report.py" "$OUT" || die "report failed"
wait "$PLOT_PID" || { PLOT_PID=""; die "gnuplot failed"; }
PLOT_PID=""
"$PY3" "$ROOT/scripts/htmlreport.py" "$OUT" || die "the HTML page failed"
ln -sfn "$STAMP" "$RESULTS_DIR/latest"

# A point counts as failed when it did not verify, unless failing is its
# lesson (the race) and it failed the way it should; one that ran clean but
# that nothing could check (an index without sizes or checksums) is
# unverified, not failed (merge.py's verdict decides both).
read -r points bad unverified < <(jq -r \
    '.results | [length, (map(select(.ok_point != true)) | length), (map(select(.unverified)) | length)] | @tsv' \
    "$OUT/results.json")
contradicted=""
[ -f "$OUT/lessons.json" ] &&
    contradicted=$(jq -r '[.lessons[] | select(.verdict == "contradicted") | .id] | join(", ")' "$OUT/lessons.json")
say "done: $OUT ($points points, $bad failed$(
    [ "$unverified" -gt 0 ] && echo ", $unverified ran but could not be verified: the index gave no sizes or checksums"))"
say "open $RESULTS_DIR/latest/index.html; the report: $RESULTS_DIR/latest/REPORT.md"
[ -n "$contradicted" ] && say "CONTRADICTED: $contradicted (the numbers here say the opposite of the course: REPORT.md says why)"
[ "$bad" -eq 0 ] && [ "$FAILED_STEPS" -eq 0 ] && [ -z "$contradicted" ] || exit 1
