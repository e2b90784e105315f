#!/bin/bash
# server.sh: the fixture server against clients that misbehave. HEAD gets
# the headers and length of a GET and no body, on a connection that stays
# usable; a header flood and an oversized request body are refused while
# the server's memory stays flat; clients that hang up before, during and
# after delayed, stalled and reset replies leave nothing behind: the server
# stops with exit 0, which under the ASan suite also means LeakSanitizer
# found no request object left unfreed.
. "$(dirname "$0")/lib.sh"

# serve ARGS...: start a server, as start_server, for a test of its own.
serve() {
    start_server --files 20 "$@"
    PORT=${URL##*:}
}

# stop_checked WHAT: SIGTERM the server; it must exit 0 with no leak report.
stop_checked() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID"
    rc=$?
    SERVER_PID=""
    expect "$1: server exits 0 (got $rc)" test $rc -eq 0
    expect "$1: no leak reported" bash -c "! grep -q 'LeakSanitizer' '$SCRATCH/server.err'"
    if [ $rc -ne 0 ]; then tail -20 "$SCRATCH/server.err"; fi
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# ---- HEAD, then GET, on one keep-alive connection -----------------------
serve --delay-ms 2
python3 - "$PORT" >"$SCRATCH/head.out" <<'EOF'
import http.client, json, sys, urllib.parse
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("GET", "/index.json")
index = json.loads(c.getresponse().read())
path = urllib.parse.urlparse(index["data"][3]["link"]).path
for method in ("HEAD", "GET", "HEAD", "GET"):
    c.request(method, path)
    r = c.getresponse()
    body = r.read()
    print(method, r.status, r.getheader("Content-Length"), len(body), index["data"][3]["size"])
EOF
expect "HEAD/GET client ran" test "$(wc -l <"$SCRATCH/head.out")" -eq 4
while read -r method status clen got size; do
    expect "$method: 200" test "$status" = 200
    expect "$method: Content-Length is the file's size" test "$clen" = "$size"
    if [ "$method" = HEAD ]; then
        expect "HEAD: no body" test "$got" = 0
    else
        expect "GET after HEAD: the whole body, no desync" test "$got" = "$size"
    fi
done <"$SCRATCH/head.out"
stop_checked "HEAD"

# ---- a header flood and an oversized body --------------------------------
serve
before=$(rss_kib "$SERVER_PID")
python3 - "$PORT" >"$SCRATCH/flood.out" <<'EOF'
import socket, sys
# Headers without end: the server must cut us off long before 256 MiB.
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /index.json HTTP/1.1\r\nHost: x\r\n")
line = b"X-Flood: " + b"a" * 8000 + b"\r\n"
sent = 0
try:
    while sent < (256 << 20):
        s.sendall(line)
        sent += len(line)
except OSError:
    pass
print("headers", sent)
s.close()
# A request body over 1 MiB (declared): refused, not read into memory.
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /index.json HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n")
reply = s.recv(4096).split(b"\r\n")[0].decode()
print("body", reply.split(" ")[1] if " " in reply else "closed")
EOF
after=$(rss_kib "$SERVER_PID")
cat "$SCRATCH/flood.out"
flood=$(awk '$1 == "headers" { print $2 }' "$SCRATCH/flood.out")
expect "header flood: cut off before 64 MiB were sent (sent ${flood:-?})" \
    test "${flood:-999999999}" -lt $((64 << 20))
expect "header flood: RSS flat (${before} KiB -> ${after} KiB)" test $((after - before)) -lt 16384
body=$(awk '$1 == "body" { print $2 }' "$SCRATCH/flood.out")
expect "oversized request body refused (got ${body:-nothing})" \
    bash -c "[ '${body:-}' = closed ] || [ '${body:-0}' -ge 400 ]"
stop_checked "flood"

# ---- clients that hang up at every point ---------------------------------
# hangup PORT DELAY_S: 40 clients each ask for a file and hang up after
# DELAY_S (0: at once), with or without reading the headers.
hangup() {
    python3 - "$1" "$2" <<'EOF'
import socket, sys, threading, time
port, delay = int(sys.argv[1]), float(sys.argv[2])
def client(i):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /files/%s HTTP/1.1\r\nHost: x\r\n\r\n" % FILES[i % len(FILES)])
        if i % 2:
            s.recv(64)  # the status line, when the server sends it
        time.sleep(delay * (i % 4) / 3)
        s.close()
    except OSError:
        pass
import json, urllib.parse, urllib.request
index = json.load(urllib.request.urlopen("http://127.0.0.1:%d/index.json" % port, timeout=10))
FILES = [urllib.parse.urlparse(d["link"]).path.split("/")[-1].encode() for d in index["data"]]
ts = [threading.Thread(target=client, args=(i,)) for i in range(40)]
for t in ts: t.start()
for t in ts: t.join()
EOF
}

# ---- several event loops on one port -----------------------------------
# --threads 2: every file served and verified, both loops took connections
# (16 of them: the kernel's hash puts all on one loop 1 time in 32768), and
# a file's nth request draws the same fault whichever loop takes it: with
# each file asked for once, one loop and two inject the same faults.
serve --threads 2 --delay-ms 2
"$CONCBENCH" run --workload io --strategy threads --workers 16 --url "$URL/index.json" \
    --out "$SCRATCH/dl-loops" --json >"$SCRATCH/loops.json" 2>"$SCRATCH/loops.err"
expect "two loops: every file verified" jq -e '.verified and .ok == 20' "$SCRATCH/loops.json"
hangup "$PORT" 0.05
stop_checked "two loops"
per_loop=$(grep -o 'per loop: [0-9 ]*' "$SCRATCH/server.err")
expect "two loops: both served requests (${per_loop:-no per-loop counts})" \
    bash -c "[ -n '$per_loop' ] && set -- ${per_loop#per loop: } && [ \$# -eq 2 ] && [ \$1 -gt 0 ] && [ \$2 -gt 0 ]"
for n in 1 2; do
    serve --threads $n --seed 7 --delay-ms 1 --error-rate 0.3 --not-found-rate 0.1 --reset-rate 0.1
    "$CONCBENCH" run --workload io --strategy eventloop --workers 16 --url "$URL/index.json" \
        --out "$SCRATCH/dl-f$n" >/dev/null 2>&1
    stop_checked "faults at $n loops"
    injected[n]=$(grep -o 'faults: .*)' "$SCRATCH/server.err")
done
expect "one loop and two inject the same faults (${injected[1]:-none} / ${injected[2]:-none})" \
    test -n "${injected[1]}" -a "${injected[1]}" = "${injected[2]}"

for faults in "--delay-ms 300" "--stall-ms 400 --stall-rate 1" "--reset-rate 1" \
              "--delay-ms 20 --jitter-ms 40 --reset-rate 0.3 --stall-ms 60 --stall-rate 0.4"; do
    read -r -a args <<<"$faults"
    serve "${args[@]}"
    hangup "$PORT" 0.15
    sleep 0.6 # let every timer the clients left behind fire
    hangup "$PORT" 0.05
    stop_checked "hang-ups with $faults"
done
finish
