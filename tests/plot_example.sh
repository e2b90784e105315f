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
# --draw-only draws from plot/ as it is, and says so when there is none.
rm -rf "$SCRATCH/ref/plot"
"$ROOT/scripts/plot.sh" --draw-only "$SCRATCH/ref" 2>"$SCRATCH/draw.err"
expect "plot.sh --draw-only without plot/ exits 2" test $? -eq 2
expect "... and says why: $(cat "$SCRATCH/draw.err")" grep -q "no plot/charts.txt" "$SCRATCH/draw.err"
finish
