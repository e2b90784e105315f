#!/bin/bash
# registry.sh: the plug-in tables, as every script and test reads them:
# `concbench list --json` is well formed, every plug-in describes itself
# fully, every option's default is within its own range, and the names
# the other commands print come from the same tables.
. "$(dirname "$0")/lib.sh"

expect "list --json parses" jq -e . "$LIST_JSON"
expect "at least one strategy and one workload" \
    test "$(jq '(.strategies | length) > 0 and (.workloads | length) > 0' "$LIST_JSON")" = true
expect "strategy names are unique" \
    test "$(jq '[.strategies[].name] | length == (unique | length)' "$LIST_JSON")" = true
expect "workload names are unique" \
    test "$(jq '[.workloads[].name] | length == (unique | length)' "$LIST_JSON")" = true
expect "exactly one baseline strategy" \
    test "$(jq '[.strategies[] | select(.caps | index("baseline"))] | length' "$LIST_JSON")" -eq 1
incomplete=$(jq -r '.strategies[] | select((.summary | length) == 0 or (.limits | length) == 0
                     or (.color | test("^#[0-9a-f]{6}$") | not)) | .name' "$LIST_JSON")
expect "every strategy has a summary, limits and a colour ($incomplete)" test -z "$incomplete"
incomplete=$(jq -r '.workloads[] | select((.summary | length) == 0 or (.series | length) == 0
                     or (.color | test("^#[0-9a-f]{6}$") | not)) | .name' "$LIST_JSON")
expect "every workload has a summary, a bench series and a colour ($incomplete)" test -z "$incomplete"
charts=$(jq -r '[.workloads[].series[].chart] | unique | .[]' "$LIST_JSON" |
         grep -vxE 'latency|speedup|bars|modes|sweep')
expect "every series names a chart kind the scripts draw ($charts)" test -z "$charts"
peers=$(jq -r '[.strategies[].name] as $all | .strategies[] | select(.peer != null)
               | select(.peer as $p | $all | index($p) | not) | .name' "$LIST_JSON")
expect "every peer names a strategy ($peers)" test -z "$peers"
bad=$(jq -r '.. | objects | select(.type == "uint" and .default != null)
             | select((.default | tonumber) < .min or (.default | tonumber) > .max) | .name' "$LIST_JSON")
expect "every default lies within its range ($bad)" test -z "$bad"
expect "--names strategies matches --json" \
    test "$("$CONCBENCH" list --names strategies)" = "$(jq -r '.strategies[].name' "$LIST_JSON")"
expect "--names workloads matches --json" \
    test "$("$CONCBENCH" list --names workloads)" = "$(jq -r '.workloads[].name' "$LIST_JSON")"
# Every option of every plug-in is accepted by run for its owner.
for wl in $(workloads); do
    opts=$(jq -r --arg w "$wl" '.workloads[] | select(.name == $w) | .options[] | select(.type != "flag") | .name' "$LIST_JSON")
    for o in $opts; do
        out=$("$CONCBENCH" run --workload "$wl" --strategy sequential --"$o" 2>&1)
        expect "run accepts --$o for $wl (asks for its value)" grep -q "needs a value" <<<"$out"
    done
done
# docs/reference.md's plug-in tables are generated from the same export
# (make docs). Every row the doc holds must be the binary's row for that
# plug-in, and every plug-in it documents must exist; a plug-in the binary
# has and the doc does not yet is reported, not failed, so a new plug-in
# file alone keeps the suite green (the man page, written by the build,
# always has it). The sanitizer builds leave the MPI plug-ins out, and the
# ThreadSanitizer build the OpenMP ones too (CMakeLists.txt), so their
# registry is not the one the doc describes: the ordinary build checks it.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if "$CONCBENCH" info | jq -e '.cflags | test("sanitize")' >/dev/null; then
    echo "docs/reference.md tables: not compared in a sanitizer build (it leaves mpi, and under TSan openmp, out)"
else
    python3 "$ROOT/scripts/plugins_md.py" "$LIST_JSON" >"$SCRATCH/tables.md"
    sed -n '/<!-- plugins: begin -->/,/<!-- plugins: end -->/p' "$ROOT/docs/reference.md" >"$SCRATCH/doc.md"
    expect "docs/reference.md has its plug-in tables" grep -q '^| `' "$SCRATCH/doc.md"
    # name<TAB>row, for the rows of plug-ins (first cell `name`).
    rows() { sed -n 's/^| `\([^`]*\)` |/\1\t&/p' "$1" | sort; }
    rows "$SCRATCH/tables.md" >"$SCRATCH/bin.rows"
    rows "$SCRATCH/doc.md" >"$SCRATCH/doc.rows"
    while IFS=$'\t' read -r name row; do
        if ! grep -qxF "$name"$'\t'"$row" "$SCRATCH/bin.rows"; then
            if cut -f1 "$SCRATCH/bin.rows" | grep -qxF "$name"; then
                fail "docs/reference.md's row of $name differs from the binary's (run 'make docs')"
            else
                fail "docs/reference.md documents $name, which the binary does not have (run 'make docs')"
            fi
        else
            pass
        fi
    done <"$SCRATCH/doc.rows"
    for name in $(cut -f1 "$SCRATCH/bin.rows"); do
        cut -f1 "$SCRATCH/doc.rows" | grep -qxF "$name" ||
            echo "note: $name is not in docs/reference.md yet ('make docs' adds it)"
    done
fi
finish
