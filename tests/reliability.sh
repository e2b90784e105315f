#!/bin/bash
# reliability.sh: hostile and faulty cases, each once failing, now said:
#  - output that cannot be written (a full disk) is an error, not silence;
#  - an index string with \u0000 is refused, not cut short; a FIFO given
#    as --links is refused without blocking in open();
#  - an index reply with no body names its real status;
#  - the fixture server answers 400 to conflicting Content-Length headers;
#  - compare refuses runs of another schema, naming both;
#  - an interrupted cpu run's summary and JSON agree (not checked, not
#    wrong); a stop during the array's fill acts at once.
. "$(dirname "$0")/lib.sh"

# Output nobody receives.
"$CONCBENCH" run --workload cpu --strategy threads --n 100000 --json >/dev/full 2>"$SCRATCH/err"; rc=$?
expect "run --json to a full disk: exit 2 and a message ($(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'write error on standard output' '$SCRATCH/err'"
"$CONCBENCH" list --json >/dev/full 2>"$SCRATCH/err"; rc=$?
expect "list --json to a full disk: exit 2" test $rc -eq 2
"$CONCBENCH" run --workload cpu --strategy threads --n 100000 --output /dev/full/x.json >/dev/null 2>"$SCRATCH/err"; rc=$?
expect "--output that cannot be written: exit 2 and a message" \
    bash -c "[ $rc -eq 2 ] && grep -q 'unable to write' '$SCRATCH/err'"

# Bad indexes.
printf '{"data":[{"link":"http://127.0.0.1:1/a\\u0000b.bin"}]}' >"$SCRATCH/nul.json"
"$CONCBENCH" run --workload io --strategy threads --links "$SCRATCH/nul.json" 2>"$SCRATCH/err"; rc=$?
expect "a \\u0000 in a link: exit 2, refused ($(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'NUL character' '$SCRATCH/err'"
printf '{"data":[{"link":"http://127.0.0.1:1/a\\\\u0000b.bin"}]}' >"$SCRATCH/esc.json"
"$CONCBENCH" run --workload io --strategy threads --links "$SCRATCH/esc.json" --out "$SCRATCH/esc" \
    --connect-timeout-ms 200 --timeout-ms 200 2>"$SCRATCH/err" >/dev/null
expect "an escaped backslash before u0000 is not a NUL" bash -c "! grep -q 'NUL character' '$SCRATCH/err'"
mkfifo "$SCRATCH/fifo"
timeout 10 "$CONCBENCH" run --workload io --strategy threads --links "$SCRATCH/fifo" 2>"$SCRATCH/err"; rc=$?
expect "a FIFO as --links: refused at once, exit 2 (got $rc: $(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'not a regular file' '$SCRATCH/err'"

# An index reply without a body: a tiny server answering 302 then 204.
python3 -c '
import http.server, socketserver, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path.startswith("/moved"):
            self.send_response(302); self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0"); self.end_headers()
        else:
            self.send_response(204); self.end_headers()
s = socketserver.TCPServer(("127.0.0.1", 0), H)  # HTTPServer would look up the name
print(s.server_address[1], flush=True)
s.timeout = 30
for _ in range(2):
    s.handle_request()
' >"$SCRATCH/port" &
TINY=$!
for _ in $(seq 1 100); do [ -s "$SCRATCH/port" ] && break; sleep 0.05; done
P=$(cat "$SCRATCH/port")
"$CONCBENCH" run --workload io --strategy threads --url "http://127.0.0.1:$P/moved" 2>"$SCRATCH/err"; rc=$?
expect "an index that redirects: exit 2, status 302 and where it leads ($(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'HTTP status 302, a redirect to file:///etc/passwd' '$SCRATCH/err'"
"$CONCBENCH" run --workload io --strategy threads --url "http://127.0.0.1:$P/empty" 2>"$SCRATCH/err"; rc=$?
expect "an index answering 204: exit 2, status 204 ($(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'HTTP status 204' '$SCRATCH/err'"
kill $TINY 2>/dev/null; wait $TINY 2>/dev/null

# Two Content-Length headers that disagree.
start_server --files 2
status=$(python3 -c '
import socket, sys
host, port = sys.argv[1].split("//")[1].split(":")
out = []
for extra in (b"Content-Length: 0\r\nContent-Length: 5\r\n", b""):
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /index.json HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n")
    out.append(s.recv(100).split(b" ")[1].decode())
    s.close()
print(" ".join(out))' "$URL")
expect "conflicting Content-Length: 400; a plain request: 200 ($status)" test "$status" = "400 200"

# compare and schemas.
mkdir -p "$SCRATCH/a" "$SCRATCH/b"
echo '{"schema": "concbench-results/1", "results": []}' >"$SCRATCH/a/results.json"
echo '{"results": []}' >"$SCRATCH/b/results.json"
"$CONCBENCH" compare "$SCRATCH/a" "$SCRATCH/b" >/dev/null 2>"$SCRATCH/err"; rc=$?
expect "compare across schemas: exit 2, naming both ($(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'concbench-results/1' '$SCRATCH/err' && grep -q 'no schema' '$SCRATCH/err'"
"$CONCBENCH" compare "$SCRATCH/a" "$SCRATCH/a" >/dev/null
expect "compare within one schema: exit 0" test $? -eq 0

# Memory pressure (not under a sanitizer: its shadow needs terabytes of
# address space): out of memory is said as such, every task is counted,
# and a thread that could not set up leaves its tasks to the others.
if [ "$("$CONCBENCH" info | jq -r '.cflags | test("sanitize")')" != true ]; then
    start_server --files 60
    (ulimit -v 100000; "$CONCBENCH" run --workload io --strategy threads --workers 8 --url "$URL/index.json" \
        --out "$SCRATCH/oom" --json >"$SCRATCH/oom.json" 2>"$SCRATCH/oom.err")
    rc=$?
    echo "  under ulimit -v 100000: exit $rc, $(jq -c '{ok, failed, errors: (.errors | with_entries(select(.value > 0))), stats}' "$SCRATCH/oom.json" 2>/dev/null)"
    expect "under memory pressure: a result, every task counted (exit $rc)" \
        jqe '.ok + .failed == .tasks' "$SCRATCH/oom.json"
    expect "under memory pressure: a failure is memory, not protocol, when it is memory" \
        jqe '.failed == 0 or .errors.memory > 0 or .stats.workers_failed > 0' "$SCRATCH/oom.json"
fi

# Interrupted cpu runs: during the work, and during the array's fill.
env --default-signal=INT "$CONCBENCH" run --workload cpu --strategy threads --workers 2 --kernel heavy \
    --n 4000000 --work 3000 --chunk 100000 --output "$SCRATCH/int.json" >"$SCRATCH/int.txt" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
expect "interrupted cpu run: the JSON says not wrong, the text not WRONG" \
    bash -c "jq -e '.wrong == false and .verified == false' '$SCRATCH/int.json' >/dev/null && ! grep -q WRONG '$SCRATCH/int.txt' && grep -q 'not checked' '$SCRATCH/int.txt'"
# (2 GiB: its fill takes seconds, under a sanitizer or a busy machine
# longer; a stop used to wait for the end of it.)
env --default-signal=INT "$CONCBENCH" run --workload cpu --strategy threads --workers 2 --kernel sum \
    --n 268435456 >/dev/null 2>"$SCRATCH/fill.err" &
pid=$!
sleep 0.3
start=$(date +%s%N)
kill -INT $pid
wait $pid
rc=$? ms=$((($(date +%s%N) - start) / 1000000))
expect "a stop during the array's fill: exit 130 (got $rc)" test $rc -eq 130
expect "... said as a stop during set-up ($(cat "$SCRATCH/fill.err"))" grep -q 'interrupted during set-up' "$SCRATCH/fill.err"
expect "a stop during the array's fill acts long before the fill would end (took $ms ms)" test $ms -lt 2000
finish
