#!/bin/bash
# install.sh: scripts/install-deps.sh, which make runs first. Everything
# present: silent, exit 0. A package missing for a user who is not root
# and has no sudo: exit 1 and the exact command to run as root, and no
# claim that anything is being installed.
. "$(dirname "$0")/lib.sh"
SCRIPT="$(dirname "$0")/../scripts/install-deps.sh"

"$SCRIPT" coreutils dpkg >"$SCRATCH/out" 2>&1
expect "all present: exit 0" test $? -eq 0
expect "all present: silent" test ! -s "$SCRATCH/out"

# A PATH with only what the script needs, so no sudo is found.
mkdir -p "$SCRATCH/bin"
cp "$SCRIPT" "$SCRATCH/install-deps.sh" # readable by the other user wherever the checkout is
SCRIPT="$SCRATCH/install-deps.sh"
for tool in sh dpkg-query id; do
    ln -s "$(command -v "$tool")" "$SCRATCH/bin/$tool"
done
missing=concbench-no-such-package
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$SCRATCH" "$SCRATCH/bin" && chmod 644 "$SCRIPT"
    env -i PATH="$SCRATCH/bin" "$(command -v setpriv)" --reuid=65534 --regid=65534 --clear-groups \
        sh "$SCRIPT" coreutils "$missing" >"$SCRATCH/out" 2>"$SCRATCH/err"
    rc=$?
elif [ "$(id -u)" -ne 0 ]; then
    env -i PATH="$SCRATCH/bin" sh "$SCRIPT" coreutils "$missing" >"$SCRATCH/out" 2>"$SCRATCH/err"
    rc=$?
else
    echo "SKIP: root without setpriv: cannot test the non-root path"
    finish
    exit $?
fi
cat "$SCRATCH/err"
expect "not root, no sudo: exit 1" test $rc -eq 1
expect "names the missing package only" grep -q "missing Debian packages: $missing (" "$SCRATCH/err"
expect "prints the command to run as root" \
    grep -qF "run as root:  apt-get update && apt-get install -y --no-install-recommends $missing" \
    "$SCRATCH/err"
expect "does not claim to install" bash -c "! grep -q installing '$SCRATCH/err'"
finish
