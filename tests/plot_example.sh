#!/bin/bash
# plot_example.sh: the chart scripts run cleanly (no error, no warning)
# on the committed example run (results/example: the data and charts of
# one make bench), and draw every chart it lists.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ref="$ROOT/results/example"

expect "the example run is committed" test -s "$ref/results.json"
# The example stays small: a run's raw samples and generated pages are
# not committed (.gitignore), only what the docs and these tests read.
if tracked=$(git -C "$ROOT" ls-files results 2>/dev/null) && [ -n "$tracked" ]; then
    files=$(wc -l <<<"$tracked")
    kib=$(cd "$ROOT" && du -ck $tracked | tail -1 | cut -f1)
    expect "git tracks at most 60 files in results/ ($files)" test "$files" -le 60
    expect "git tracks at most 5 MiB in results/ ($kib KiB)" test "$kib" -le 5120
fi
cp -r "$ref" "$SCRATCH/ref"
rm -rf "$SCRATCH"/ref/*.png "$SCRATCH"/ref/*.svg "$SCRATCH/ref/plot"
"$ROOT/scripts/plot.sh" "$SCRATCH/ref" 2>"$SCRATCH/gnuplot.err"
expect "plot.sh exits 0" test $? -eq 0
expect "gnuplot printed nothing on stderr: $(head -3 "$SCRATCH/gnuplot.err")" test ! -s "$SCRATCH/gnuplot.err"
expect "charts listed" test -s "$SCRATCH/ref/plot/charts.txt"
while read -r script chart; do
    expect "$chart.png drawn" test "$(head -c 4 "$SCRATCH/ref/$chart.png" | od -An -c | tr -d ' \n')" = 211PNG
    expect "$chart.svg drawn" grep -q '<svg' "$SCRATCH/ref/$chart.svg"
done <"$SCRATCH/ref/plot/charts.txt"
# The full matrix leaves nothing out: every chart its series ask for is
# drawn, and plotdata.py's list of what it skipped is empty.
expect "nothing skipped in the full example: $(cat "$SCRATCH/ref/plot/skipped.txt" 2>/dev/null)" \
    test -f "$SCRATCH/ref/plot/skipped.txt" -a ! -s "$SCRATCH/ref/plot/skipped.txt"

# The lessons: every declared lesson in the example, each chart drawn
# again from its recorded rounds (nothing runs), and each chart's text
# carrying the figures of its JSON: the estimate and the interval.
expect "the example has lessons.json" test -s "$ref/lessons.json"
declared=$("$CONCBENCH" lesson list | awk '{print $1}' | sort)
recorded=$(jq -r '.lessons[].id' "$ref/lessons.json" | sort)
expect "the example's lessons are the declared ones" test "$declared" = "$recorded"
if command -v gnuplot >/dev/null && [ -s "$ref/lessons.json" ]; then
    "$CONCBENCH" lesson --replay "$ref/lessons.json" --json --out "$SCRATCH/lessons" >"$SCRATCH/replayed.json" 2>"$SCRATCH/lessons.err"
    expect "lesson --replay --out exits 0 or 1: $(head -2 "$SCRATCH/lessons.err")" test $? -le 1
    expect "no chart failed ($(grep -c 'no chart' "$SCRATCH/lessons.err"))" bash -c "! grep -q 'no chart' '$SCRATCH/lessons.err'"
    for id in $recorded; do
        expect "lesson $id: PNG drawn" test "$(head -c 4 "$SCRATCH/lessons/$id.png" | od -An -c | tr -d ' \n')" = 211PNG
        # The figures the chart prints, as the chart prints them (%.3g).
        want=$(jq -r --arg id "$id" '.lessons[] | select(.id == $id) | .parts[]
               | select(.estimate != null) | "\(.estimate) \(.ci[0]) \(.ci[1])"' "$SCRATCH/replayed.json" |
               while read -r e lo hi; do printf '%.3g %.3g %.3g\n' "$e" "$lo" "$hi"; done)
        while read -r e lo hi; do
            [ -n "$e" ] || continue
            expect "lesson $id's chart says $e [$lo, $hi]" \
                grep -qF -- "$e" "$SCRATCH/lessons/$id.svg"
            expect "lesson $id's chart says the interval [$lo, $hi]" \
                grep -qF -- "[$lo, $hi]" "$SCRATCH/lessons/$id.svg"
        done <<<"$want"
        verdict=$(jq -r --arg id "$id" '.lessons[] | select(.id == $id) | .verdict' "$SCRATCH/replayed.json")
        expect "lesson $id's chart says its verdict ($verdict)" grep -q "$verdict" "$SCRATCH/lessons/$id.svg"
    done
fi

# --draw-only draws from plot/ as it is, and says so when there is none.
rm -rf "$SCRATCH/ref/plot"
"$ROOT/scripts/plot.sh" --draw-only "$SCRATCH/ref" 2>"$SCRATCH/draw.err"
expect "plot.sh --draw-only without plot/ exits 2" test $? -eq 2
expect "... and says why: $(cat "$SCRATCH/draw.err")" grep -q "no plot/charts.txt" "$SCRATCH/draw.err"
finish
