#!/bin/sh
# plot.sh RUN_DIR: draw every chart of a results folder, as PNG and SVG.
# Reads RUN_DIR/results.csv and RUN_DIR/plot.inc (both written by merge.py);
# works as well on the committed reference run as on a fresh one.
set -eu
dir=${1:?usage: plot.sh RUN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$dir/results.csv" ] && [ -f "$dir/plot.inc" ] || {
    echo "plot: $dir has no results.csv or plot.inc" >&2
    exit 2
}
for chart in io cpu bars cost gil sync mixed; do
    for ext in png svg; do
        gnuplot -e "dir='$dir'; ext='$ext'; scripts='$here'" "$here/$chart.gp"
    done
done
