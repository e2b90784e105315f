#!/bin/bash
# python.sh: the course's CPython programs and the curl reference client
# (scripts/python/), as make bench runs them.
#  - Every downloader saves every file of the fixture server's index and
#    verifies it on disk (size and xxh3), in the result shape of
#    `concbench run --output`; the thread pool and the event loop record
#    the order tasks completed in.
#  - Under injected faults (500s, bodies cut short) each one says it failed,
#    counts every failure by kind, leaves no partial file and exits 1.
#  - Every sum program is checked against the closed form, for both
#    kernels; the racy `x = x + i` says honestly whether updates were lost.
#  - Bad input: a clear message, exit 2 (options) or 1 (no index), never a
#    traceback.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3 # Debian's, with python3-aiohttp and -requests
P="$ROOT/scripts/python"
if ! "$PY" -c 'import aiohttp, requests, xxhash' 2>/dev/null; then
    fail "$PY lacks aiohttp, requests or xxhash (make deps installs python3-aiohttp, python3-requests, python3-xxhash)"
    finish
    exit 1
fi

DOWNLOADERS="download_sequential download_threads download_procs download_asyncio curl_parallel"

# --- downloads an index cannot vouch for: unverified, not failed ------------
# An index with links only (no size, no checksum), as many outside servers
# give, served from a scratch folder by a one-file static server on a port
# of its own (its PID kept, stopped at the end).
start_server --files 6
mkdir -p "$SCRATCH/bare"
curl -s "$URL/index.json" | jq '{data: [.data[] | {link}]}' >"$SCRATCH/bare/index.json"
start_static "$SCRATCH/bare" 40
BARE="$STATIC/index.json"
for prog in $DOWNLOADERS; do
    w=2
    [ $prog = download_sequential ] && w=1
    "$PY" "$P/$prog.py" --workers $w --url "$BARE" --out "$SCRATCH/bare-$prog" \
        --output "$SCRATCH/bare-$prog.json" >"$SCRATCH/bare-$prog.log" 2>&1
    rc=$?
    expect "$prog on an index of links only: exit 0, unverified, not failed (rc $rc: $(tail -1 "$SCRATCH/bare-$prog.log"))" \
        bash -c "[ $rc -eq 0 ] && jq -e '.ok == 6 and .failed == 0 and .verified == false and .unchecked == 6
                 and (.detail | test(\"unverified\"))' '$SCRATCH/bare-$prog.json' >/dev/null"
done
"$PY" "$P/download_asyncio.py" --url "$BARE" --out "$SCRATCH/bare-unb" --output "$SCRATCH/unb.json" >/dev/null 2>&1
expect "download_asyncio with no --workers: every transfer at once" \
    jqe '.workers == 6 and (.workers_from | test("every task"))' "$SCRATCH/unb.json"
stop_static

# --- notebook 5: Process start/join, getpid/getppid ---------------------------
"$PY" "$P/process_join.py" --json >"$SCRATCH/join.json"
expect "with join(): main finishes after the child, which names main as its parent" \
    jqe '(.order | index("finishing fun")) < (.order | index("finishing main"))
           and ([.events[] | select(.line | test("fun")) | .ppid] | all(. == $m))' \
    --argjson m "$(jq .main_pid "$SCRATCH/join.json")" "$SCRATCH/join.json"
"$PY" "$P/process_join.py" --no-join --json >"$SCRATCH/nojoin.json"
expect "without join(): main finishes first" \
    jqe '(.order | index("finishing main")) < (.order | index("finishing fun")) and .child_exitcode == 0' \
    "$SCRATCH/nojoin.json"

# --- every knob concbench run takes: --header, --filter, --links-path, lists --
# imgur's gallery as the notebook reads it (a Client-ID, the image types).
start_server --files 5
for prog in $DOWNLOADERS; do
    w=4
    [ $prog = download_sequential ] && w=1
    "$PY" "$P/$prog.py" --workers $w --url "$URL/3/gallery/random/random/" --header 'Authorization: Client-ID x' \
        --filter 'type=image/*' --links-path 'data[].link' --out "$SCRATCH/gal-$prog" \
        --output "$SCRATCH/gal.json" >"$SCRATCH/gal.log" 2>&1
    rc=$?
    expect "$prog on imgur's gallery (--header, --filter): exit 0, every image verified ($(tail -1 "$SCRATCH/gal.log"))" \
        bash -c "[ $rc -eq 0 ] && jq -e '.tasks > 40 and .ok == .tasks and .verified == true' '$SCRATCH/gal.json' >/dev/null"
done
"$PY" "$P/download_threads.py" --workers 2 --url "$URL/3/gallery/random/random/" --out "$SCRATCH/gal-no" \
    >"$SCRATCH/gal.log" 2>&1
rc=$?
expect "without the Client-ID header: exit 1, the 401 named ($(tail -1 "$SCRATCH/gal.log"))" \
    bash -c "[ $rc -eq 1 ] && grep -q 401 '$SCRATCH/gal.log'"
curl -s "$URL/index.json" | jq -r '.data[].link' >"$SCRATCH/urls.txt"
"$PY" "$P/download_asyncio.py" --links "$SCRATCH/urls.txt" --out "$SCRATCH/list" --output "$SCRATCH/list.json" >/dev/null 2>&1
expect "a URL list from --links: every file saved, unverified (a list gives no checksum)" \
    jqe '.ok == 5 and .failed == 0 and .unchecked == 5' "$SCRATCH/list.json"

# --- downloads, verified ---------------------------------------------------
start_server --files 30 --delays 5,30
for prog in $DOWNLOADERS; do
    w=4
    [ $prog = download_sequential ] && w=1
    out="$SCRATCH/dl-$prog"
    "$PY" "$P/$prog.py" --workers $w --url "$URL/index.json" --out "$out" \
        --output "$SCRATCH/$prog.json" >"$SCRATCH/$prog.log" 2>&1
    rc=$?
    r="$SCRATCH/$prog.json"
    expect "$prog exits 0 (rc $rc: $(tail -2 "$SCRATCH/$prog.log"))" test $rc -eq 0
    expect "$prog: 30 of 30 ok, verified against checksums" \
        jq_true '.tasks == 30 and .ok == 30 and .failed == 0 and .verified == true
                 and .checked_checksum == 30 and .wall_s > 0 and .user_s >= 0' "$r"
    expect "$prog: 30 files on disk, no partial file" \
        test "$(find "$out" -type f | wc -l)" -eq 30 -a -z "$(find "$out" -name '*.part')"
    expect "$prog: the result names its interpreter or client" \
        jq_true '(.python | test("^3\\.")) and (.workers > 0)' "$r"
    rm -rf "$out"
done
for prog in download_threads download_asyncio; do
    expect "$prog: a completion rank per task, 1..30" \
        jq_true '(.completion_rank | sort) == [range(1; 31)]' "$SCRATCH/$prog.json"
done
# 5 and 30 ms in turn at 4 workers: the short ones finish first.
expect "download_threads: completed out of submission order, as as_completed reports" \
    jq_true '.in_submission_order == false' "$SCRATCH/download_threads.json"
expect "download_sequential: completed in submission order" \
    jq_true '.in_submission_order == true' "$SCRATCH/download_sequential.json"

# --- the same under faults -------------------------------------------------
start_server --files 40 --error-rate 0.3 --reset-rate 0.2
for prog in $DOWNLOADERS; do
    w=4
    [ $prog = download_sequential ] && w=1
    out="$SCRATCH/faults-$prog"
    "$PY" "$P/$prog.py" --workers $w --url "$URL/index.json" --out "$out" \
        --output "$SCRATCH/f-$prog.json" >"$SCRATCH/f-$prog.log" 2>&1
    rc=$?
    r="$SCRATCH/f-$prog.json"
    expect "$prog under faults exits 1 (rc $rc)" test $rc -eq 1
    expect "$prog under faults: not verified, failures counted by kind" \
        jq_true '.verified == false and .failed > 0 and .ok + .failed == 40
                 and ([.errors[]] | add) == .failed' "$r"
    expect "$prog under faults: no traceback" bash -c "! grep -q Traceback '$SCRATCH/f-$prog.log'"
    expect "$prog under faults: no partial file" test -z "$(find "$out" -name '*.part')"
done
stop_server

# --- sums, against the closed form -------------------------------------------
for prog in sum_sequential sum_threads sum_procs; do
    w=3
    [ $prog = sum_sequential ] && w=1
    for k in "--kernel sum --n 100000 --chunk 700 --passes 3" "--kernel heavy --n 3000 --chunk 64 --work 7"; do
        # shellcheck disable=SC2086
        "$PY" "$P/$prog.py" --workers $w $k --output "$SCRATCH/s.json" >"$SCRATCH/s.log" 2>&1
        rc=$?
        expect "$prog $k: exit 0 (rc $rc: $(tail -1 "$SCRATCH/s.log"))" test $rc -eq 0
        expect "$prog $k: sum equals the closed form" \
            jq_true '.verified == true and .sum == .expected' "$SCRATCH/s.json"
    done
done
# The course's own case: n = 1e6 gives 499999500000.
"$PY" "$P/sum_procs.py" --workers 2 --n 1000000 --chunk 100 --json >"$SCRATCH/course.json"
expect "n = 1e6 sums to 499999500000" jq_true '.sum == "499999500000"' "$SCRATCH/course.json"
# The race: whatever happens, the verdict must match the sum.
for k in "--kernel sum --n 200000" "--kernel heavy --n 20000 --work 10"; do
    # shellcheck disable=SC2086
    "$PY" "$P/sum_threads.py" --workers 10 --sync none $k --output "$SCRATCH/race.json" >"$SCRATCH/race.log" 2>&1
    rc=$?
    expect "racy sum_threads $k: exit 0 when right, 1 when wrong (rc $rc)" \
        jqe --argjson rc $rc '(.sum == .expected) == .verified and (.verified == ($rc == 0))' \
        "$SCRATCH/race.json" >/dev/null
    expect "racy sum_threads $k: says whether updates were lost" \
        grep -Eq 'updates to the shared total were lost|no update was lost' "$SCRATCH/race.log"
done

# --- bad input -----------------------------------------------------------------
for bad in "--n 0" "--workers 0" "--chunk -1" "--kernel fast" "--n 99999999999"; do
    # shellcheck disable=SC2086
    "$PY" "$P/sum_threads.py" $bad >"$SCRATCH/bad.log" 2>&1
    rc=$?
    expect "sum_threads $bad: exit 2 with a message (rc $rc)" \
        bash -c "[ $rc -eq 2 ] && grep -q 'error:' '$SCRATCH/bad.log' && ! grep -q Traceback '$SCRATCH/bad.log'"
done
for prog in $DOWNLOADERS; do
    "$PY" "$P/$prog.py" --url http://127.0.0.1:1/index.json --out "$SCRATCH/none" >"$SCRATCH/bad.log" 2>&1
    rc=$?
    expect "$prog with nothing at the URL: exit 1 naming the index (rc $rc)" \
        bash -c "[ $rc -eq 1 ] && grep -q 'unable to read the index' '$SCRATCH/bad.log' && ! grep -q Traceback '$SCRATCH/bad.log'"
done
"$PY" "$P/download_sequential.py" --workers 3 --url http://127.0.0.1:1/ --out "$SCRATCH/x" >"$SCRATCH/bad.log" 2>&1
expect "download_sequential refuses --workers 3" grep -q 'must be 1' "$SCRATCH/bad.log"
finish
