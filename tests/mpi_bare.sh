#!/bin/bash
# mpi_bare.sh: the mpi strategy, self-launched, in a root like a bare Debian
# made by `mmdebstrap --variant=minbase`: no line in /etc/hosts (not even
# localhost), a host name that resolves nowhere, and a DNS server that
# never answers (each lookup waits out its timeout). The test makes that
# root itself, in namespaces of its own (UTS, network, mount: only as
# root), and counts every DNS query its server receives.
#  - A cpu and an io run verify, and make no DNS query at all: the launcher
#    turns off hwloc's GL probe, which tried X displays over TCP to
#    "localhost" (20 s and more a start here).
#  - A slow start (the GL probe put back by the user's HWLOC_COMPONENTS):
#    SIGINT while mpirun waits on DNS ends the run within 10 s, exit 130,
#    with the partial summary and --output (every task interrupted), and
#    mpirun and every process of its group gone.
#  - SIGKILL of concbench during such a start: its guard ends mpirun's
#    whole process group within 10 s (it lingered 20-40 s).
# Exit 77 (skipped) when not root, without unshare or ip, or without mpi.
set -u
here=$(dirname "$0")
if [ "${1:-}" != --inside ]; then
    : "${CONCBENCH:?set CONCBENCH to the concbench binary}"
    why=""
    [ "$(id -u)" -eq 0 ] || why="not root (the test makes namespaces of its own)"
    command -v unshare >/dev/null || why="no unshare"
    command -v ip >/dev/null || why="no ip (iproute2)"
    command -v python3 >/dev/null || why="no python3 (the DNS server that never answers)"
    "$CONCBENCH" list --names strategies | grep -qx mpi || why="mpi is not in this build"
    if [ -n "$why" ]; then
        echo "skipped: $why"
        exit 77
    fi
    exec unshare --uts --net --mount bash "$0" --inside
fi

. "$here/lib.sh"
# --- the bare root -------------------------------------------------------------
ip link set lo up
: >"$SCRATCH/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$SCRATCH/resolv.conf"
mount --bind "$SCRATCH/hosts" /etc/hosts
mount --bind "$SCRATCH/resolv.conf" /etc/resolv.conf
hostname cb-bare-root
# A DNS server that writes a line for each query and never answers.
cat >"$SCRATCH/blackhole.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
with open(sys.argv[1], "a", buffering=1) as log:
    print("up", file=log)
    while True:
        data, _ = s.recvfrom(4096)
        print("query", len(data), file=log)
EOF
python3 "$SCRATCH/blackhole.py" "$SCRATCH/dns.log" &
DNS_PID=$!
trap 'kill $DNS_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do grep -q up "$SCRATCH/dns.log" 2>/dev/null && break; sleep 0.05; done
queries() { grep -c '^query' "$SCRATCH/dns.log"; }

getent hosts localhost >/dev/null
expect "the root is bare: localhost does not resolve, and asking DNS waits unanswered" \
    test $? -ne 0 -a "$(queries)" -gt 0

# --- a self-launched run needs no name ---------------------------------------------
before=$(queries)
unset HWLOC_COMPONENTS # the launcher's own choice, not the environment's
timeout 120 "$CONCBENCH" run --workload cpu --strategy mpi --workers 2 --n 200000 --json \
    >"$SCRATCH/cpu.json" 2>"$SCRATCH/cpu.err"
rc=$?
expect "cpu, 2 ranks: exit 0 (rc $rc: $(head -c 300 "$SCRATCH/cpu.err"))" test $rc -eq 0
expect "cpu, 2 ranks: verified, mpi_init_s recorded" \
    jq_true '.verified == true and .stats.ranks == 2 and (.stats.mpi_init_s | type) == "number"' \
    "$SCRATCH/cpu.json"
start_server --files 20
timeout 120 "$CONCBENCH" run --workload io --strategy mpi --workers 3 --url "$URL/index.json" \
    --out "$SCRATCH/dl" --json >"$SCRATCH/io.json" 2>"$SCRATCH/io.err"
rc=$?
expect "io, 3 ranks: exit 0, 20 of 20 verified (rc $rc: $(head -c 300 "$SCRATCH/io.err"))" \
    jq_true '.ok == 20 and .verified == true' "$SCRATCH/io.json"
stop_server
expect "no DNS query in either run ($(($(queries) - before)) made)" test "$(queries)" -eq "$before"

# --- a stop during a slow start ------------------------------------------------------
# in_slow_start PID: until PID's mpirun runs and has asked the DNS server
# (it waits on it as it starts); false if that does not happen in 20 s.
in_slow_start() {
    local mp="" q=""
    for _ in $(seq 1 400); do
        [ -z "$mp" ] && mp=$(ps -o pid=,comm= --ppid "$1" | awk '$2 == "mpirun" { print $1 }')
        [ -n "$mp" ] && [ -z "$q" ] && q=$(queries)
        [ -n "$q" ] && [ "$(queries)" -gt "$q" ] && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
# the_job PID: PID's processes and every process in their groups.
the_job() {
    local k
    for k in $(children_of "$1"); do
        echo "$k"
        ps -o pid= -g "$k" 2>/dev/null
    done | sort -u
}
gone_within() { # SECONDS PID...: true once none runs, polled every 0.1 s
    local n=$(($1 * 10))
    shift
    for _ in $(seq 1 $n); do
        none_running "$@" && return 0
        sleep 0.1
    done
    return 1
}

HWLOC_COMPONENTS=-linuxio,-pci "$CONCBENCH" run --workload cpu --strategy mpi --workers 2 --n 200000 \
    --output "$SCRATCH/stopped.json" >"$SCRATCH/stopped.out" 2>"$SCRATCH/stopped.err" &
pid=$!
in_slow_start $pid
expect "the GL probe put back: mpirun waits on DNS as it starts" test $? -eq 0
job=$(the_job $pid)
start=$(date +%s%N)
kill -INT $pid
wait $pid
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "  SIGINT during the start: exit $rc after $ms ms; $(head -c 200 "$SCRATCH/stopped.err")"
expect "SIGINT during the start: exit 130 (got $rc)" test $rc -eq 130
expect "SIGINT during the start: over within 10 s ($ms ms)" test $ms -lt 10000
# shellcheck disable=SC2086
expect "SIGINT during the start: mpirun and its group gone ($(echo $job))" gone_within 3 $job
expect "SIGINT during the start: the summary says interrupted, no task ran" \
    grep -Eq "INTERRUPTED by SIGINT.* 0 of [0-9]+ tasks" "$SCRATCH/stopped.out"
expect "SIGINT during the start: --output written, every task interrupted" \
    jq_true '.interrupted == "SIGINT" and .ok == 0 and .tasks > 0 and .errors.interrupted == .tasks
             and (.stats.mpi_start_s | type) == "number"' "$SCRATCH/stopped.json"

HWLOC_COMPONENTS=-linuxio,-pci "$CONCBENCH" run --workload cpu --strategy mpi --workers 2 --n 200000 \
    >/dev/null 2>&1 &
pid=$!
in_slow_start $pid
job=$(the_job $pid)
expect "SIGKILL during the start: mpirun was there to end ($(echo $job))" test -n "$job"
start=$(date +%s%N)
kill -KILL $pid
wait $pid 2>/dev/null
# shellcheck disable=SC2086
gone_within 10 $job
gone=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "  SIGKILL during the start: the job ($(echo $job)) gone after $ms ms"
expect "SIGKILL of concbench during the start: mpirun's group gone within 10 s" test $gone -eq 0
# shellcheck disable=SC2086
[ $gone -eq 0 ] || kill -KILL $job 2>/dev/null
finish
