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
for s in $(jq -r '.strategies[].name' "$LIST_JSON") $(jq -r '.workloads[].name' "$LIST_JSON"); do
    expect "list names $s" bash -c "\"$CONCBENCH\" list | grep -q '^  $s '"
    expect "run --help describes $s" bash -c "\"$CONCBENCH\" run --help | grep -q '^ $s: '"
done

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
usage_err "'concbench serve' starts a server and prints a URL" run --workload io --strategy threads
usage_err "one of --url or --links, not both" run --workload io --strategy threads --url http://127.0.0.1:1/ --links /dev/null
# The words a course's student types are pointed at the strategy they name.
# (Which strategy is named is checked below against the words each one
# declares: a copy of a strategy file declares its original's too.)
usage_err "the course's asyncio is concbench's '" run --workload cpu --strategy asyncio
usage_err "the course's multiprocessing is concbench's '" run --workload cpu --strategy multiprocessing
usage_err "the course's Pool is concbench's '" run --workload cpu --strategy Pool
usage_err "the course's multiprocessing.Pool() is concbench's '" run --workload cpu --strategy 'multiprocessing.Pool()'
usage_err "the course's ThreadPoolExecutor is concbench's '" run --workload cpu --strategy ThreadPoolExecutor
usage_err "concbench's '" run --workload cpu --strategy concurrent.futures.ThreadPoolExecutor
# Every word a strategy declares leads to a strategy that declares it (a
# copy of a strategy file declares the same words as its original).
jq -r '.strategies[] | .course // empty | split(",")[] | ltrimstr(" ")' "$LIST_JSON" | sort -u |
while read -r word; do
    named=$("$CONCBENCH" run --workload cpu --strategy "$word" 2>&1 | sed -n "s/.*is concbench's '\([^']*\)'.*/\1/p")
    declared=$(jq -r --arg s "$named" '.strategies[] | select(.name == $s) | .course // ""' "$LIST_JSON")
    case ", $declared," in
        *", $word,"*) echo "  '$word' -> $named" ;;
        *) echo "FAIL: --strategy '$word' named '$named', whose words are '$declared'" ;;
    esac
done >"$SCRATCH/words"
expect "every course word leads to its strategy: $(grep FAIL "$SCRATCH/words")" \
    test -s "$SCRATCH/words" -a -z "$(grep FAIL "$SCRATCH/words")"
usage_err "No such file" run --workload io --strategy threads --links "$SCRATCH/none.txt"
usage_err "--port" serve --port 70000
usage_err "--files" serve --files 0

printf '{"data":[{"link":' >"$SCRATCH/bad.json"
usage_err "not valid JSON" run --workload io --strategy threads --links "$SCRATCH/bad.json"
printf 'http://127.0.0.1:1/a\nftp://x/b\n' >"$SCRATCH/bad.txt"
usage_err "line 2: unsupported scheme" run --workload io --strategy threads --links "$SCRATCH/bad.txt"

# Index and list edge cases, through the CLI.
printf '' >"$SCRATCH/empty.json"
usage_err "index is empty" run --workload io --strategy threads --links "$SCRATCH/empty.json"
printf '[1,2]' >"$SCRATCH/array.json"
usage_err "not a JSON object" run --workload io --strategy threads --links "$SCRATCH/array.json"
printf '{"items":[]}' >"$SCRATCH/nodata.json"
usage_err 'no "data" array' run --workload io --strategy threads --links "$SCRATCH/nodata.json"
printf '{"data":[{"link":7}]}' >"$SCRATCH/nonstring.json"
usage_err 'entry 0 has no string "link"' run --workload io --strategy threads --links "$SCRATCH/nonstring.json"
printf '\n# comment\n\n  \n' >"$SCRATCH/blank.txt"
usage_err "no URLs" run --workload io --strategy threads --links "$SCRATCH/blank.txt"
printf 'file:///etc/passwd\n' >"$SCRATCH/file.txt"
usage_err "unsupported scheme" run --workload io --strategy threads --links "$SCRATCH/file.txt"
truncate -s 65M "$SCRATCH/huge.json"
usage_err "larger than the 67108864 bytes allowed" run --workload io --strategy threads --links "$SCRATCH/huge.json"
awk 'BEGIN { for (i = 0; i <= 1000000; i++) printf "http://127.0.0.1:1/f%d\n", i }' >"$SCRATCH/many.txt"
usage_err "more than the 1000000 entries allowed" run --workload io --strategy threads --links "$SCRATCH/many.txt"

# Links whose names would leave --out, or are no names at all: refused,
# named in the message, and nothing written anywhere.
mkdir -p "$SCRATCH/jail/out"
for link in 'http://127.0.0.1:1/a/..' 'http://127.0.0.1:1/a/.' 'http://127.0.0.1:1/' \
            'http://127.0.0.1:1/.hidden' "http://127.0.0.1:1/$(printf 'x%.0s' $(seq 1 260))"; do
    printf '{"data":[{"link":"%s"}]}' "$link" >"$SCRATCH/escape.json"
    usage_err "has no usable file name" run --workload io --strategy threads \
        --links "$SCRATCH/escape.json" --out "$SCRATCH/jail/out"
done
printf 'http://127.0.0.1:1/x/same.bin\nhttp://127.0.0.1:1/y/same.bin\n' >"$SCRATCH/dup.txt"
usage_err "two links save to the same name 'same.bin'" run --workload io --strategy threads \
    --links "$SCRATCH/dup.txt" --out "$SCRATCH/jail/out"
expect "nothing written outside or inside --out" test -z "$(find "$SCRATCH/jail" -type f)"

# Flags: zero, negative, overflow, junk, out of range.
usage_err "--timeout-ms: 0 is out of range" run --workload io --strategy threads --timeout-ms 0
usage_err "--retries: '-1' is not a whole number" run --workload io --strategy threads --retries -1
usage_err "--retries: 101 is out of range" run --workload io --strategy threads --retries 101
usage_err "--switch-interval-ms: 'abc' is not a number" run --workload cpu --strategy gil --switch-interval-ms abc
usage_err "--chunk: '12k' is not a whole number" run --workload cpu --strategy threads --chunk 12k
usage_err "--n: 0 is out of range" run --workload cpu --strategy threads --n 0
usage_err "--sync none needs workers that share memory" run --workload cpu --strategy procs --sync none
usage_err "--sync: 'some' is not" run --workload cpu --strategy threads --sync some
usage_err "--error-rate: 1.5 is out of range" serve --error-rate 1.5
usage_err "add up to more than 1" serve --error-rate 0.6 --reset-rate 0.6
usage_err "--stall-ms: 'soon' is not a whole number" serve --stall-ms soon
usage_err "--delay-ms: '-5' is not a whole number" serve --delay-ms -5
usage_err "--output: empty value" run --workload cpu --strategy threads --output ''

# Options are checked against the chosen plug-ins' own tables.
usage_err "--json takes no value" run --workload cpu --strategy threads --json=1
usage_err "did you mean --workers?" run --workload cpu --strategy threads --wrokers 2
usage_err "did you mean threads?" run --workload cpu --strategy thread
usage_err "did you mean 'run'?" rnu
usage_err "--kernel is an option of workload cpu, not of workload io" \
    run --workload io --strategy threads --kernel sum
usage_err "--switch-interval-ms is an option of strategy gil, not of strategy threads" \
    run --workload cpu --strategy threads --switch-interval-ms 3
usage_err "--work is an option of workloads cpu, mixed, not of workload io" \
    run --workload io --strategy threads --work 3
usage_err "may be given once each" run --workload cpu --strategy threads --workload io
usage_err "--stall-rate needs --stall-ms" serve --stall-rate 0.5
usage_err "info: unexpected argument '--bogus'" info --bogus
"$CONCBENCH" info --bandwidth >"$SCRATCH/info.json"
expect "info --bandwidth exits 0" test $? -eq 0
expect "info --bandwidth: a positive figure for 1 thread and for every count measured" \
    test "$(jq '.bandwidth.threads_1_gbps > 0 and
        ([.bandwidth | to_entries[] | select(.key | startswith("threads_")) | .value > 0] | all)' \
        "$SCRATCH/info.json")" = true
"$CONCBENCH" info --bandwidth-mib 32 >"$SCRATCH/info32.json"
expect "info --bandwidth-mib 32 reads 32 MiB" test "$(jq '.bandwidth.bytes' "$SCRATCH/info32.json")" = 33554432
usage_err "--bandwidth-mib takes 16..16384 (MiB), not '8'" info --bandwidth-mib 8
usage_err "--bandwidth-mib takes 16..16384 (MiB), not '1e3'" info --bandwidth-mib 1e3
usage_err "--bandwidth-mib needs a size in MiB" info --bandwidth-mib
expect "--version names the version" bash -c "\"$CONCBENCH\" --version | grep -q '^concbench [0-9]'"

# Inputs that are not what they seem.
usage_err "not a regular file" run --workload io --strategy threads --links /dev/null
awk 'BEGIN { printf "{\"data\":"; for (i = 0; i < 2000; i++) printf "["; }' >"$SCRATCH/deep.json"
usage_err "nested deeper than" run --workload io --strategy threads --links "$SCRATCH/deep.json"
printf '{"data":[{"link":"http://127.0.0.1:1/a.bin","checksum":"xxh3:12"}]}' >"$SCRATCH/badsum.json"
usage_err "malformed checksum 'xxh3:12'" run --workload io --strategy threads --links "$SCRATCH/badsum.json"
printf 'http://127.0.0.1:1/\033[31mred\n' >"$SCRATCH/ctrl.txt"
timeout 20 "$CONCBENCH" run --workload io --strategy threads --links "$SCRATCH/ctrl.txt" 2>"$SCRATCH/err"
expect "control characters from an index are escaped" \
    bash -c "! grep -q \$'\\033' '$SCRATCH/err' && grep -q 'x1b' '$SCRATCH/err'"

# An --out that cannot be created.
printf 'http://127.0.0.1:1/ok.bin\n' >"$SCRATCH/one.txt"
usage_err "unable to use --out /proc/nope/dl" run --workload io --strategy threads \
    --links "$SCRATCH/one.txt" --out /proc/nope/dl

# Nothing listens on port 1: connection refused is a setup error.
usage_err "127.0.0.1:1" run --workload io --strategy threads --url http://127.0.0.1:1/index.json

# --out that is a file, not a directory.
start_server --files 3
: >"$SCRATCH/afile"
usage_err "unable to use --out" run --workload io --strategy threads --url "$URL/index.json" \
    --out "$SCRATCH/afile"

# An index that gives sizes but no checksum, or checksums of an algorithm
# concbench does not compute: every file saved (exit 0), but the result
# says what could not be checked and why, and is not "verified".
curl -sf "$URL/index.json" | jq '.data |= map(del(.checksum))' >"$SCRATCH/sizes.json"
curl -sf "$URL/index.json" | jq '.data |= map(.checksum = "sha256:00")' >"$SCRATCH/sha.json"
for idx in sizes sha; do
    "$CONCBENCH" run --workload io --strategy threads --links "$SCRATCH/$idx.json" \
        --out "$SCRATCH/dl-$idx" --json >"$SCRATCH/$idx-r.json"
    expect "$idx index: exit 0" test $? -eq 0
    expect "$idx index: not verified" test "$(json "$SCRATCH/$idx-r.json" verified)" = false
    expect "$idx index: 3 checked by size only" \
        test "$(json "$SCRATCH/$idx-r.json" checked_size_only)" = 3
    expect "$idx index: none by checksum" test "$(json "$SCRATCH/$idx-r.json" checked_checksum)" = 0
done
expect "sha index: counted as unknown checksums" \
    test "$(json "$SCRATCH/sha-r.json" unknown_checksums)" = 3
"$CONCBENCH" run --workload io --strategy threads --links "$SCRATCH/sizes.json" \
    --out "$SCRATCH/dl-sizes" >"$SCRATCH/sizes.txt"
expect "size-only index: the summary says why" grep -q 'not verified: 0 checked by checksum, 3 by size only, 0 not at all (the index gives no checksum)' "$SCRATCH/sizes.txt"

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
