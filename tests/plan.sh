#!/bin/bash
# plan.sh: make bench's matrix (scripts/plan.py) from the registry and the
# contenders: worker counts a user asks for (WORKERS, <WORKLOAD>_WORKERS)
# are every program's, the CPython ones and curl included; without them a
# contender keeps its own counts. Nothing runs.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
plan() { env "$@" python3 "$ROOT/scripts/plan.py" "$LIST_JSON" "$ROOT/scripts/python/contenders.json"; }

counts() { awk -F'\t' -v s="$1" '$4 == s {print $7}' | sort -n | uniq | tr '\n' ' '; }
out=$(plan WORKLOADS=io IO_WORKERS="2 4 8")
for s in threads py-threads py-procs py-asyncio curl-parallel; do
    expect "IO_WORKERS=\"2 4 8\": $s runs at 2 4 8 ($(counts $s <<<"$out"))" test "$(counts $s <<<"$out")" = "2 4 8 "
done
expect "IO_WORKERS: py-sequential still one worker" test "$(counts py-sequential <<<"$out")" = "1 "
out=$(plan WORKLOADS=io WORKERS="3")
expect "WORKERS=3: py-threads at 3 ($(counts py-threads <<<"$out"))" test "$(counts py-threads <<<"$out")" = "3 "
out=$(plan WORKLOADS=io)
own=$(jq -r '.contenders[] | select(.name == "py-threads") | .series["io/io"].workers' "$ROOT/scripts/python/contenders.json")
expect "no counts asked: py-threads keeps its own ($own)" \
    test "$(counts py-threads <<<"$out")" = "$(tr ' ' '\n' <<<"$own" | sort -n | tr '\n' ' ')"
finish
