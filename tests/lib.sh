# lib.sh: helpers for concbench's shell tests. Source it; set CONCBENCH to
# the binary first. Every test gets its own scratch dir and server, both
# removed on exit whatever happens.

set -u
: "${CONCBENCH:?set CONCBENCH to the concbench binary}"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/concbench-test.XXXXXX")
SERVER_PID=""
FAILS=0
PASSES=0

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$SCRATCH"
}
trap cleanup EXIT INT TERM

# start_server ARGS...: start `concbench serve --port 0 ARGS` and set URL.
start_server() {
    "$CONCBENCH" serve --port 0 "$@" >"$SCRATCH/server.out" 2>"$SCRATCH/server.err" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        URL=$(sed -n 's/^listening on //p' "$SCRATCH/server.out")
        [ -n "$URL" ] && return 0
        sleep 0.05
    done
    echo "server did not start:"; cat "$SCRATCH/server.err"
    exit 1
}

pass() { PASSES=$((PASSES + 1)); }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

# expect WHAT CONDITION-COMMAND...: count a check.
expect() {
    what=$1; shift
    if "$@"; then pass; else fail "$what"; fi
}

# json FILE KEY: print a field (dotted path) of a one-object JSON file.
json() {
    jq -r ".$2" "$1"
}

# ratio_at_least A B MIN: true when A / B >= MIN (floating point).
ratio_at_least() {
    awk -v a="$1" -v b="$2" -v m="$3" 'BEGIN { exit !(b > 0 && a / b >= m) }'
}

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ] && [ "$PASSES" -gt 0 ]
}
