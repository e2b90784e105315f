#!/bin/sh
# fuzz.sh BUILD_DIR SECONDS: run every fuzz target for SECONDS each.
# Seeds come from fuzz/corpus/TARGET (read only); what the fuzzer learns
# goes to BUILD_DIR/corpus-TARGET; a crashing input is written to
# fuzz/regressions/TARGET/, where `make test` replays it from then on.
# Exits non-zero if any target found a crash.
set -u
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:?usage: fuzz.sh BUILD_DIR SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for t in links names; do
    mkdir -p "$build/corpus-$t" "$root/fuzz/regressions/$t"
    echo "fuzz: $t for $seconds s" >&2
    if ! "$build/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 \
            -artifact_prefix="$root/fuzz/regressions/$t/" \
            "$build/corpus-$t" "$root/fuzz/corpus/$t" 2>"$build/fuzz-$t.log"; then
        echo "fuzz: $t FOUND A CRASH (see $build/fuzz-$t.log and fuzz/regressions/$t/)" >&2
        status=1
    fi
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$build/fuzz-$t.log" >&2
done
exit $status
