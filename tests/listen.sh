#!/bin/bash
# listen.sh: a class shares one server. `concbench serve --listen ADDR`
# on an address of a test host (a network namespace this test makes, with
# a veth pair to it; removed at the end): the warning that it is reachable,
# and a client on the other side of the pair downloading and verifying
# every file, the links naming the address it asked (its Host), not
# 127.0.0.1; the course's gallery likewise. Needs root and iproute2.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
    echo "skipped: needs root and ip (iproute2) to make a test host"
    exit 77
fi
NS=cb$$
HOSTIF=cbh$$
NSIF=cbn$$
NET=10.231.$(($$ % 250))
undo() {
    [ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
    ip netns del "$NS" 2>/dev/null
    ip link del "$HOSTIF" 2>/dev/null
}
trap 'undo; cleanup' EXIT INT TERM
ip netns add "$NS" &&
    ip link add "$HOSTIF" type veth peer name "$NSIF" &&
    ip link set "$NSIF" netns "$NS" &&
    ip addr add "$NET.1/30" dev "$HOSTIF" && ip link set "$HOSTIF" up &&
    ip netns exec "$NS" ip addr add "$NET.2/30" dev "$NSIF" &&
    ip netns exec "$NS" ip link set "$NSIF" up &&
    ip netns exec "$NS" ip link set lo up
expect "a test host made ($NS, $NET.2)" test $? -eq 0

ip netns exec "$NS" "$CONCBENCH" serve --listen "$NET.2" --port 0 --files 12 --delay-ms 5 \
    >"$SCRATCH/srv.out" 2>"$SCRATCH/srv.err" &
SRV=$!
for _ in $(seq 1 100); do
    U=$(sed -n 's/^listening on //p' "$SCRATCH/srv.out")
    [ -n "$U" ] && break
    sleep 0.05
done
expect "the server says where it listens ($U)" test "$U" = "$(printf 'http://%s.2:' "$NET")${U##*:}"
expect "... and warns it is reachable from elsewhere" grep -q 'not loopback' "$SCRATCH/srv.err"
"$CONCBENCH" run --workload io --strategy threads --workers 4 --url "$U/index.json" --out "$SCRATCH/dl" \
    --json >"$SCRATCH/r.json"
expect "a client on another host: 12 files, verified" jqe '.ok == 12 and .verified == true' "$SCRATCH/r.json"
expect "the index's links name the address the client used" \
    bash -c "curl -s '$U/index.json' | jq -e --arg u '$U' 'all(.data[]; .link | startswith(\$u))' >/dev/null"
expect "so do the gallery's" \
    bash -c "curl -s -H 'Authorization: Client-ID x' '$U/3/gallery/random/random/' | jq -e --arg u '$U' 'all(.data[]; .link | startswith(\$u))' >/dev/null"
finish
