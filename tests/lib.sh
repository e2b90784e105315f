# lib.sh: helpers for concbench's shell tests. Source it; set CONCBENCH to
# the binary first. Every test gets its own scratch dir and its own server,
# both removed on exit whatever happens. A test touches only what it
# started: it knows its processes by the PIDs it recorded, never by a
# machine-wide search of command lines.

set -u
: "${CONCBENCH:?set CONCBENCH to the concbench binary}"
# Open MPI's documented switches for running as root, for the tests' own mpi
# runs (concbench never sets them itself; tests/mpi.sh checks it says so).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/concbench-test.XXXXXX")
SERVER_PID=""
STATIC_PID=""
FAILS=0
PASSES=0

cleanup() {
    stop_server
    stop_static
    rm -rf "$SCRATCH"
}
trap cleanup EXIT INT TERM

# start_server ARGS...: start `concbench serve --port 0 ARGS`, set URL and
# SERVER_PID.
start_server() {
    stop_server
    # The shell truncates server.out in the child, after `&` returns: a
    # previous server's "listening on" line must not be read meanwhile.
    rm -f "$SCRATCH/server.out"
    "$CONCBENCH" serve --port 0 "$@" >"$SCRATCH/server.out" 2>"$SCRATCH/server.err" &
    SERVER_PID=$!
    for _ in $(seq 1 200); do
        URL=$(sed -n 's/^listening on //p' "$SCRATCH/server.out" 2>/dev/null)
        [ -n "$URL" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "server did not start:"; cat "$SCRATCH/server.err"
    exit 1
}

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
        SERVER_PID=""
    fi
}

# start_static DIR [REQUESTS]: serve DIR's files as they are (no index of
# the server's own, no sizes or checksums: an outside server as many are)
# on a port of its own, for at most REQUESTS requests (default 200); set
# STATIC (its base URL) and STATIC_PID.
start_static() {
    local port="$SCRATCH/static.port" py=python3
    [ -x /usr/bin/python3 ] && py=/usr/bin/python3
    stop_static
    rm -f "$port"
    "$py" -c '
import http.server, functools, socketserver, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.log_message = lambda *a: None
s = socketserver.TCPServer(("127.0.0.1", 0), h)  # HTTPServer would look up the name
print(s.server_address[1], flush=True)
s.timeout = 60
for _ in range(int(sys.argv[2])):
    s.handle_request()
' "$1" "${2:-200}" >"$port" 2>/dev/null &
    STATIC_PID=$!
    for _ in $(seq 1 100); do [ -s "$port" ] && break; sleep 0.05; done
    [ -s "$port" ] || { echo "the static server did not start"; exit 1; }
    STATIC="http://127.0.0.1:$(cat "$port")"
}

stop_static() {
    if [ -n "$STATIC_PID" ]; then
        kill "$STATIC_PID" 2>/dev/null
        wait "$STATIC_PID" 2>/dev/null
        STATIC_PID=""
    fi
}

pass() { PASSES=$((PASSES + 1)); }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

# expect WHAT CONDITION-COMMAND...: count a check.
expect() {
    what=$1; shift
    if "$@"; then pass; else fail "$what"; fi
}

# jqe ARGS...: jq -e, quietly: a check on JSON that says only yes or no.
jqe() { jq -e "$@" >/dev/null; }

# json FILE KEY: print a field (dotted path) of a one-object JSON file.
json() {
    jq -r ".$2" "$1"
}

# jq_true FILTER FILE: true when FILTER gives true on FILE (quietly).
jq_true() {
    jq -e "$1" "$2" >/dev/null
}

# ratio_at_least A B MIN: true when A / B >= MIN (floating point).
ratio_at_least() {
    awk -v a="$1" -v b="$2" -v m="$3" 'BEGIN { exit !(b > 0 && a / b >= m) }'
}

# The registry, as the binary reports it.
LIST_JSON="$SCRATCH/registry.json"
"$CONCBENCH" list --json >"$LIST_JSON" || { echo "concbench list --json failed"; exit 1; }

# workloads [JQ-FILTER]: names of the workloads (optionally filtered).
workloads() {
    jq -r ".workloads[] | select(${1:-true}) | .name" "$LIST_JSON"
}

# workload_field NAME FIELD: one field of a workload's description.
workload_field() {
    jq -r --arg n "$1" ".workloads[] | select(.name == \$n) | .$2" "$LIST_JSON"
}

# strategy_has NAME CAP: true when strategy NAME declares capability CAP.
strategy_has() {
    [ "$(jq -r --arg n "$1" --arg c "$2" \
        '.strategies[] | select(.name == $n) | .caps | index($c) != null' "$LIST_JSON")" = true ]
}

# children_of PID: the PIDs of PID's children (and theirs), now.
children_of() {
    local kids k
    kids=$(pgrep -P "$1")
    for k in $kids; do
        echo "$k"
        children_of "$k"
    done
}

# none_alive PID...: true when none of the PIDs is still running.
none_alive() {
    local p
    for p in "$@"; do
        kill -0 "$p" 2>/dev/null && return 1
    done
    return 0
}

# none_running PID...: true when none of the PIDs still runs; a zombie
# (dead, waiting for init to reap it: up to ~1.5 s on some hosts) counts
# as gone.
none_running() {
    local p
    for p in "$@"; do
        [ -n "$(ps -o stat= -p "$p" 2>/dev/null | grep -v '^Z')" ] && return 1
    done
    return 0
}

# race_lost FILE: run the unsynchronised shared total at 2 threads (heavy
# kernel, ~0.3 s a run) up to five times, until one loses updates; FILE
# holds the last run's JSON, RACE_RC its exit status (1 when updates were
# lost), RACE_ATTEMPT the run it stopped at. A lost update needs both
# workers on a CPU at once, which a busy machine can deny a short run.
race_lost() {
    for RACE_ATTEMPT in 1 2 3 4 5; do
        "$CONCBENCH" run --workload cpu --strategy threads --workers 2 --kernel heavy --work 50 \
            --n 8388608 --sync none --json >"$1"
        RACE_RC=$?
        [ $RACE_RC -eq 1 ] && break
    done
}

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ] && [ "$PASSES" -gt 0 ]
}
