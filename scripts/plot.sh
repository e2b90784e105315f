#!/bin/sh
# plot.sh RUN_DIR: draw every chart of a results folder, as PNG and SVG.
# Reads RUN_DIR/results.json; plotdata.py writes RUN_DIR/plot/ (data and
# the list of charts), gnuplot draws each with lines.gp or bars.gp: one
# gnuplot per chart draws both formats (`reset` between them), one per
# core at a time (each writes only its own chart's files). Works as well on
# the committed example run (results/example) as on a fresh one.
# PLOT_STYLE=slides draws them larger, for a projector.
# plot.sh --draw-only RUN_DIR skips plotdata.py: RUN_DIR/plot/ is fresh
# (make bench writes it first, then draws while report.py writes).
set -eu
data=1
if [ "${1:-}" = --draw-only ]; then
    data=0
    shift
fi
dir=${1:?usage: plot.sh [--draw-only] RUN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$dir/results.json" ] || { echo "plot: $dir has no results.json" >&2; exit 2; }
# Debian's python3 by its path unless make bench named one (PY3): a
# version manager's shim on PATH costs a tenth of a second or more a call.
if [ -z "${PY3:-}" ]; then
    PY3=python3
    [ -x /usr/bin/python3 ] && PY3=/usr/bin/python3
fi
[ "$data" = 0 ] || "$PY3" "$here/plotdata.py" "$dir"
[ -f "$dir/plot/charts.txt" ] || { echo "plot: $dir has no plot/charts.txt" >&2; exit 2; }
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
# xargs exits non-zero if any gnuplot did. gnuplot's stdin is empty: an
# empty '-' data file must not read anything else.
DIR=$dir HERE=$here xargs -r -n 2 -P "$jobs" sh -c '
    vars="dir='\''$DIR'\''; scripts='\''$HERE'\''; chart='\''$2'\''; style='\''${PLOT_STYLE:-}'\''"
    gnuplot -e "$vars; ext='\''svg'\''" "$HERE/$1.gp" -e "reset; ext='\''png'\''" "$HERE/$1.gp" </dev/null
' plot <"$dir/plot/charts.txt"
