#!/bin/bash
# plot_reference.sh: the gnuplot scripts run cleanly (no error, no warning)
# on the committed reference run, and draw every chart.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ref="$ROOT/results/reference"

expect "reference run is committed" test -s "$ref/results.csv" -a -s "$ref/plot.inc"
cp -r "$ref" "$SCRATCH/ref"
rm -f "$SCRATCH"/ref/*.png "$SCRATCH"/ref/*.svg
"$ROOT/scripts/plot.sh" "$SCRATCH/ref" 2>"$SCRATCH/gnuplot.err"
expect "plot.sh exits 0" test $? -eq 0
expect "gnuplot printed nothing on stderr: $(head -3 "$SCRATCH/gnuplot.err")" test ! -s "$SCRATCH/gnuplot.err"
for chart in io cpu bars cost gil sync mixed; do
    expect "$chart.png drawn" test "$(head -c 4 "$SCRATCH/ref/$chart.png" | od -An -c | tr -d ' \n')" = 211PNG
    expect "$chart.svg drawn" grep -q '<svg' "$SCRATCH/ref/$chart.svg"
done
finish
