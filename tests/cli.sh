#!/bin/bash
# cli.sh: usage and setup errors get one clear line on stderr and exit 2;
# help and list work; no crash, no hang.
. "$(dirname "$0")/lib.sh"

# usage_err EXPECTED-SUBSTRING ARGS...: exit 2, message on stderr.
usage_err() {
    want=$1; shift
    timeout 20 "$CONCBENCH" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
    rc=$?
    if [ $rc -ne 2 ] || ! grep -q -- "$want" "$SCRATCH/err" || [ "$(wc -l <"$SCRATCH/err")" -ne 1 ]; then
        fail "concbench $* -> exit $rc, stderr: $(cat "$SCRATCH/err")"
    else
        pass
    fi
}

expect "--help exits 0" "$CONCBENCH" --help
expect "run --help exits 0" "$CONCBENCH" run --help
expect "serve --help exits 0" "$CONCBENCH" serve --help
expect "list names every strategy" \
    bash -c "\"$CONCBENCH\" list | grep -q sequential && \"$CONCBENCH\" list | grep -q eventloop"

usage_err "unknown command" frobnicate
usage_err "unknown strategy 'nope'" run --workload cpu --strategy nope
usage_err "unknown workload 'nope'" run --workload nope --strategy threads
usage_err "--workload is required" run --strategy threads
usage_err "--strategy is required" run --workload cpu
usage_err "--workers: 'abc' is not a whole number" run --workload cpu --strategy threads --workers abc
usage_err "--workers: 0 is out of range" run --workload cpu --strategy threads --workers 0
usage_err "--workers: '-3' is not a whole number" run --workload cpu --strategy threads --workers -3
usage_err "--workers: '4x' is not a whole number" run --workload cpu --strategy threads --workers 4x
usage_err "out of range" run --workload cpu --strategy threads --n 99999999999999999999999
usage_err "--kernel" run --workload cpu --strategy threads --kernel fast
usage_err "needs a value" run --workload cpu --strategy
usage_err "unknown option" run --workload cpu --strategy threads --bogus
usage_err "exactly one of --url or --links" run --workload io --strategy threads
usage_err "No such file" run --workload io --strategy threads --links "$SCRATCH/none.txt"
usage_err "--port" serve --port 70000
usage_err "--files" serve --files 0

printf '{"data":[{"link":' >"$SCRATCH/bad.json"
usage_err "not valid JSON" run --workload io --strategy threads --links "$SCRATCH/bad.json"
printf 'http://127.0.0.1:1/a\nftp://x/b\n' >"$SCRATCH/bad.txt"
usage_err "line 2: unsupported scheme" run --workload io --strategy threads --links "$SCRATCH/bad.txt"

# Nothing listens on port 1: connection refused is a setup error.
usage_err "127.0.0.1:1" run --workload io --strategy threads --url http://127.0.0.1:1/index.json

# --out that is a file, not a directory.
start_server --files 3
: >"$SCRATCH/afile"
usage_err "unable to use --out" run --workload io --strategy threads --url "$URL/index.json" \
    --out "$SCRATCH/afile"

# A 404 for a listed file is a failed task: exit 1, counted as a status error.
printf '%s/files/flag-000.bin\n%s/files/missing.bin\n' "$URL" "$URL" >"$SCRATCH/some.txt"
"$CONCBENCH" run --workload io --strategy eventloop --workers 2 --links "$SCRATCH/some.txt" \
    --out "$SCRATCH/dl" --json >"$SCRATCH/r.json"
expect "404 run exits 1" test $? -eq 1
expect "404 counted as status error" test "$(json "$SCRATCH/r.json" errors.status)" = 1
expect "404 not verified" test "$(json "$SCRATCH/r.json" verified)" = false
expect "the good file was saved" test -s "$SCRATCH/dl/flag-000.bin"
expect "nothing saved for the 404" test ! -e "$SCRATCH/dl/missing.bin"
finish
