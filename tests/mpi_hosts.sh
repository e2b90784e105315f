#!/bin/bash
# mpi_hosts.sh: the mpi strategy across two hosts, not just shared memory.
# Two test hosts of this test's own: network namespaces joined by a veth
# pair (10.77.0.1 and 10.77.0.2), each with its own hostname (a UTS
# namespace), created here and removed on exit. mpirun runs on the first
# and starts its daemon on the second through an rsh agent that enters the
# namespace (tests/mpi_agent.sh, in place of ssh); the ranks talk TCP over
# the veth (btl tcp,self: no shared memory between them). Skipped (exit
# 77, ctest's "skipped"), with a line saying why, where namespaces cannot
# be made (not root, no CAP_NET_ADMIN, no ip).
. "$(dirname "$0")/lib.sh"
if ! "$CONCBENCH" list --names strategies | grep -qx mpi; then
    echo "skipped: mpi is not in this build (the sanitizer builds leave it out)"
    exit 77
fi
NS_A=cbt-$$-a NS_B=cbt-$$-b VETH_A=cbv$$a VETH_B=cbv$$b
teardown() {
    ip netns del "$NS_A" 2>/dev/null
    ip netns del "$NS_B" 2>/dev/null # the veth pair goes with its namespaces
    cleanup
}
trap teardown EXIT
if ! ip netns add "$NS_A" 2>"$SCRATCH/ns.err"; then
    echo "skipped: network namespaces are not permitted here ($(head -1 "$SCRATCH/ns.err"))"
    exit 77
fi
ip netns add "$NS_B" &&
    ip link add "$VETH_A" type veth peer name "$VETH_B" &&
    ip link set "$VETH_A" netns "$NS_A" && ip link set "$VETH_B" netns "$NS_B" &&
    ip -n "$NS_A" addr add 10.77.0.1/24 dev "$VETH_A" && ip -n "$NS_B" addr add 10.77.0.2/24 dev "$VETH_B" &&
    ip -n "$NS_A" link set "$VETH_A" up && ip -n "$NS_B" link set "$VETH_B" up &&
    ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up
expect "two test hosts joined by a veth pair" test $? -eq 0

printf '10.77.0.1 slots=1\n10.77.0.2 slots=1\n' >"$SCRATCH/hostfile"
AGENT="$(cd "$(dirname "$0")" && pwd)/mpi_agent.sh"
mpi_across() { # concbench run arguments...
    MPI_AGENT_HOSTS="10.77.0.1=$NS_A=node-a 10.77.0.2=$NS_B=node-b" \
        timeout 120 ip netns exec "$NS_A" unshare --uts sh -c 'hostname node-a && exec "$@"' sh \
        env "HWLOC_COMPONENTS=${HWLOC_COMPONENTS:--gl}" mpirun --hostfile "$SCRATCH/hostfile" -n 2 --mca plm_rsh_agent "$AGENT" \
        --mca btl tcp,self --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 \
        -x OMPI_ALLOW_RUN_AS_ROOT -x OMPI_ALLOW_RUN_AS_ROOT_CONFIRM -x MPI_AGENT_HOSTS \
        "$CONCBENCH" run --strategy mpi "$@"
}
for k in "--kernel heavy --n 3000000 --chunk 7000 --work 5" "--kernel sum --n 4000000 --chunk 1000"; do
    # shellcheck disable=SC2086
    mpi_across --workload cpu $k --json >"$SCRATCH/across.json" 2>"$SCRATCH/across.err"
    rc=$?
    expect "across hosts, cpu $k: exit 0 (rc $rc: $(head -c 300 "$SCRATCH/across.err"))" test $rc -eq 0
    expect "across hosts, cpu $k: verified, one result" \
        bash -c "[ \$(grep -c '\"strategy\"' '$SCRATCH/across.json') -eq 1 ] && jq -e '.verified' '$SCRATCH/across.json' >/dev/null"
    expect "across hosts: rank 0 on node-a, rank 1 on node-b ($(jq -r .stats.hosts "$SCRATCH/across.json"))" \
        test "$(jq -r .stats.hosts "$SCRATCH/across.json")" = "0:node-a 1:node-b"
    expect "across hosts: rank 1 ran tasks sent over TCP" \
        jq_true '.stats.tasks_on_rank_0 < .tasks and .stats.message_s > 0' "$SCRATCH/across.json"
done
finish
