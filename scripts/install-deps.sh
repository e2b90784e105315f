#!/bin/sh
# Install the Debian packages named on the command line that are not
# installed yet. Uses apt-get directly as root, sudo otherwise; when
# neither can be done, or apt-get fails, prints the one command to run as
# root and exits 1. Prints nothing when everything is present.
set -eu

[ $# -eq 0 ] && exit 0
# One dpkg-query for them all (one each took half a second for 18 packages
# on a machine where starting a process is slow): it prints a line for each
# package it knows, and nothing for one it has never heard of.
# Only sh and dpkg-query are needed.
installed=" "
while read -r name status; do
    case "$status" in
        *" installed") installed="$installed${name%%:*} " ;;
    esac
done <<EOF
$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true)
EOF
missing=""
for pkg in "$@"; do
    case "$installed" in
        *" $pkg "*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

command_line="apt-get update && apt-get install -y --no-install-recommends$missing"
give_up() {
    echo "concbench: missing Debian packages:$missing ($1)" >&2
    echo "concbench: run as root:  $command_line" >&2
    exit 1
}

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    SUDO="sudo" # asks for a password on this terminal
else
    give_up "not root, and sudo is not available without a password"
fi
# apt-get's own lines (hundreds, for a fresh machine) go to a log; the
# terminal gets one line before and one after, and the log's tail when it
# fails.
log=${TMPDIR:-/tmp}/concbench-apt.log
: >"$log" 2>/dev/null || log=/dev/null
echo "concbench: installing missing packages:$missing (apt-get's output: $log)" >&2
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
if ! $SUDO apt-get update -qq >>"$log" 2>&1; then
    tail -n 5 "$log" >&2 2>/dev/null
    give_up "apt-get update failed"
fi
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >>"$log" 2>&1; then
    tail -n 5 "$log" >&2 2>/dev/null
    give_up "apt-get install failed"
fi
count=$(echo $missing | wc -w)
echo "concbench: installed $count package(s) and what they need in $(($(date +%s) - start)) s" >&2
