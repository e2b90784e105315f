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
echo "concbench: installing missing packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || give_up "apt-get update failed"
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing || give_up "apt-get install failed"
