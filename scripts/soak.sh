#!/bin/bash
# soak.sh CONCBENCH: `make soak`. Every strategy, every fetching workload,
# round after round against one fixture server injecting ~30% faults
# (500s, 404s, resets mid-body, stalls past the client's timeout), with
# retries. After every run it asserts:
#   - the counts are exact: ok + failed = tasks, the failures by kind add
#     up to failed, and --out holds exactly the ok files, no temporary;
#   - the run closed every descriptor it opened (open_fds after = before);
# after every round:
#   - the server's descriptors are back to where they started, and its
#     RSS stays flat across rounds;
# and at the end, that the server saw exactly one request per attempt the
# runs report (index fetches, one per mpi rank, + tasks + retries):
# nothing lost, nothing invented. Stops starting rounds after SOAK_SECONDS
# (default 240).
#
# Environment: ROUNDS (default 8), SOAK_SECONDS, FILES (default 120).
set -u
BIN=${1:?usage: soak.sh CONCBENCH}
ROUNDS=${ROUNDS:-8}
SOAK_SECONDS=${SOAK_SECONDS:-240}
FILES=${FILES:-120}
WORKERS=8
TIMEOUT_MS=300
FAULTS=(--error-rate 0.1 --not-found-rate 0.05 --reset-rate 0.1 --stall-ms 400 --stall-rate 0.07)

# Open MPI's documented switches for running as root, for this soak's own
# mpi runs only, as make bench (concbench run never sets them itself).
[ "$(id -u)" -eq 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

work=$(mktemp -d "${TMPDIR:-/tmp}/concbench-soak.XXXXXX")
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=0
fail() {
    failures=$((failures + 1))
    echo "FAIL: $*" >&2
}

fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

"$BIN" serve --port 0 --files "$FILES" --delay-ms 1 --seed 11 "${FAULTS[@]}" \
    >"$work/server.out" 2>"$work/server.err" &
server=$!
for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on //p' "$work/server.out" 2>/dev/null)
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "${url:-}" ] || { echo "soak: the server did not start" >&2; cat "$work/server.err" >&2; exit 1; }

strategies=$("$BIN" list --names strategies)
workloads=$("$BIN" list --json | jq -r '.workloads[] | select(.caps | index("fetches")) | .name')
server_fds0=$(fd_count "$server")
echo "soak: $FILES files, ~30% faults, --workers $WORKERS, --timeout-ms $TIMEOUT_MS, up to $ROUNDS rounds or ${SOAK_SECONDS} s"
echo "soak: strategies: $(echo $strategies); workloads: $(echo $workloads)"
printf '%-6s %6s %6s %6s %8s %10s %10s %8s\n' round runs ok failed retries server_fds server_rss seconds

start=$(date +%s)
attempts=0 runs=0 rounds=0 rss_first="" rss_last=""
for round in $(seq 1 "$ROUNDS"); do
    [ $(($(date +%s) - start)) -ge "$SOAK_SECONDS" ] && break
    round_start=$(date +%s%N)
    r_ok=0 r_failed=0 r_retries=0 r_runs=0
    for wl in $workloads; do
        for st in $strategies; do
            out="$work/out"
            rm -rf "$out"
            "$BIN" run --workload "$wl" --strategy "$st" --workers $WORKERS \
                --url "$url/index.json" --out "$out" --timeout-ms $TIMEOUT_MS --retries 2 \
                --json >"$work/r.json" 2>"$work/r.err"
            rc=$?
            what="round $round, $wl/$st"
            if [ $rc -gt 1 ] || ! jq -e . "$work/r.json" >/dev/null 2>&1; then
                fail "$what: exit $rc: $(head -c 300 "$work/r.err")"
                continue
            fi
            # Every mpi rank reads the index itself (stats.ranks of them).
            read -r tasks ok failed retries kinds before after readers < <(jq -r \
                '[.tasks, .ok, .failed, .retries, ([.errors[]] | add), .open_fds.before, .open_fds.after,
                  (.stats.ranks // 1)] | @tsv' \
                "$work/r.json")
            [ $((ok + failed)) -eq "$tasks" ] || fail "$what: ok $ok + failed $failed != tasks $tasks"
            [ "$kinds" -eq "$failed" ] || fail "$what: failures by kind add up to $kinds, not $failed"
            [ "$tasks" -eq "$FILES" ] || fail "$what: $tasks tasks, not $FILES"
            saved=$(find "$out" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l)
            [ "$saved" -eq "$ok" ] || fail "$what: $saved files saved, $ok ok"
            temps=$(find "$out" -maxdepth 1 -name '.*' 2>/dev/null | wc -l)
            [ "$temps" -eq 0 ] || fail "$what: $temps temporary files left"
            [ "$before" = "$after" ] || fail "$what: descriptors $before before the run, $after after"
            if [ $rc -ne $((failed > 0 ? 1 : 0)) ]; then
                fail "$what: exit $rc with $failed failed"
            fi
            attempts=$((attempts + readers + tasks + retries)) # the index, then every attempt
            r_ok=$((r_ok + ok)) r_failed=$((r_failed + failed)) r_retries=$((r_retries + retries))
            r_runs=$((r_runs + 1))
        done
    done
    # Clients are gone: the server must close every connection.
    for _ in $(seq 1 40); do
        [ "$(fd_count "$server")" -le "$server_fds0" ] && break
        sleep 0.05
    done
    fds=$(fd_count "$server")
    [ "$fds" -le "$server_fds0" ] || fail "round $round: the server holds $fds descriptors, $server_fds0 at the start"
    rss=$(rss_kib "$server")
    rss_first=${rss_first:-$rss}
    rss_last=$rss
    runs=$((runs + r_runs)) rounds=$round
    printf '%-6s %6s %6s %6s %8s %10s %7s KiB %8.1f\n' "$round" "$r_runs" "$r_ok" "$r_failed" \
        "$r_retries" "$fds" "$rss" "$(awk -v a="$round_start" -v b="$(date +%s%N)" 'BEGIN { print (b - a) / 1e9 }')"
done

kill "$server"
wait "$server"
server=""
served=$(sed -n 's/^concbench serve: \([0-9]*\) requests.*/\1/p' "$work/server.err")
echo "soak: the server counted ${served:-?} requests; the runs report $attempts attempts (index fetches included)"
[ "${served:-x}" = "$attempts" ] || fail "the server saw ${served:-?} requests, the runs account for $attempts"
[ "$rounds" -ge 3 ] || fail "only $rounds rounds ran: raise SOAK_SECONDS"
if [ -n "$rss_first" ] && [ $((rss_last - rss_first)) -gt 8192 ]; then
    fail "the server's RSS grew from $rss_first KiB to $rss_last KiB"
fi
echo "soak: $rounds rounds, $runs runs in $(($(date +%s) - start)) s; server RSS $rss_first -> $rss_last KiB; $failures failed checks"
[ "$failures" -eq 0 ]
