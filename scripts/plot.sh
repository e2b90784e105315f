#!/bin/sh
# plot.sh RUN_DIR: draw every chart of a results folder, as PNG and SVG.
# Reads RUN_DIR/results.json; plotdata.py writes RUN_DIR/plot/ (data and
# the list of charts), gnuplot draws each with lines.gp or bars.gp. Works
# as well on a committed reference run as on a fresh one.
# PLOT_STYLE=slides draws them larger, for a projector.
set -eu
dir=${1:?usage: plot.sh RUN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$dir/results.json" ] || { echo "plot: $dir has no results.json" >&2; exit 2; }
python3 "$here/plotdata.py" "$dir"
while read -r script chart; do
    for ext in png svg; do
        gnuplot -e "dir='$dir'; ext='$ext'; scripts='$here'; chart='$chart'; style='${PLOT_STYLE:-}'" \
            "$here/$script.gp" </dev/null # an empty '-' data file must not read the chart list
    done
done <"$dir/plot/charts.txt"
