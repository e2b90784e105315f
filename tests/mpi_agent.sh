#!/bin/sh
# mpi_agent.sh HOST COMMAND...: Open MPI's rsh agent for tests/mpi_hosts.sh,
# in place of ssh: runs COMMAND (a shell command line, as ssh would) on the
# test host HOST, i.e. in its network namespace with its own hostname.
# MPI_AGENT_HOSTS lists the hosts: "ADDRESS=NAMESPACE=HOSTNAME ...".
host=$1
shift
for entry in $MPI_AGENT_HOSTS; do
    addr=${entry%%=*}
    rest=${entry#*=}
    if [ "$addr" = "$host" ]; then
        exec ip netns exec "${rest%%=*}" unshare --uts sh -c "hostname ${rest#*=} && $*"
    fi
done
echo "mpi_agent.sh: $host is not a test host ($MPI_AGENT_HOSTS)" >&2
exit 1
