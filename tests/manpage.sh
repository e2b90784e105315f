#!/bin/bash
# manpage.sh: concbench.1, written by the build from the binary's own
# --help, renders with man -l without a warning, holds every command and
# every option --help names, and `cmake --install` (make install) puts it
# beside the binary under PREFIX and DESTDIR.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$CONCBENCH")
PAGE="$BUILD/concbench.1"

expect "the build wrote concbench.1" test -s "$PAGE"
if ! command -v man >/dev/null; then
    fail "man is missing (make test installs Debian's man-db package)"
    finish
    exit 1
fi
MANWIDTH=100 man --warnings -l "$PAGE" >"$SCRATCH/page.txt" 2>"$SCRATCH/warn.txt"
expect "man -l renders it" test $? -eq 0 -a -s "$SCRATCH/page.txt"
expect "without a warning: $(head -3 "$SCRATCH/warn.txt")" test ! -s "$SCRATCH/warn.txt"
# Rendered text hyphenates and wraps: compare words without line breaks.
tr -s ' \n\342\200\220' ' ' <"$SCRATCH/page.txt" | tr -d '‐' >"$SCRATCH/flat.txt"
for cmd in $("$CONCBENCH" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}'); do
    expect "the page has a section for $cmd" grep -q "^${cmd^^}$" "$SCRATCH/page.txt"
    for o in $("$CONCBENCH" "$cmd" --help | grep -oE '^ +--[a-z][a-z0-9-]*' | tr -d ' ' | sort -u); do
        expect "the page names $cmd's $o" grep -qF -- "$o" "$SCRATCH/flat.txt"
    done
done
expect "the page has the version the binary prints" \
    grep -qF "$("$CONCBENCH" --version | cut -d' ' -f2)" "$SCRATCH/page.txt"

# make install: the binary and the page under DESTDIR/PREFIX.
if [ -f "$BUILD/cmake_install.cmake" ]; then
    DESTDIR="$SCRATCH/stage" cmake --install "$BUILD" --prefix /opt/cb >"$SCRATCH/install.log" 2>&1
    expect "cmake --install exits 0: $(tail -2 "$SCRATCH/install.log")" test $? -eq 0
    expect "the binary is installed" test -x "$SCRATCH/stage/opt/cb/bin/concbench"
    expect "the page is installed" cmp -s "$PAGE" "$SCRATCH/stage/opt/cb/share/man/man1/concbench.1"
    expect "the installed binary runs" "$SCRATCH/stage/opt/cb/bin/concbench" --version
fi
finish
