# timeline.gp: Gantt panels, one per strategy (plotdata.py's timeline
# chart). Each entry's rows are "start_ms end_ms lane task": a bar per
# task on the lane of the worker that ran it, its number in submission
# order written on it where it fits; pextra is the panel's lane count.
load scripts.'/common.gp'

set multiplot layout rows,cols title heading
unset key
set style fill solid 0.75 border lc rgb '#333333'
set grid xtics lc rgb '#dddddd'
set xrange [0:tmax * 1.02]
do for [p = 1:npanels] {
    i = pfirst[p]
    lanes = int(pextra[p])
    set title ptitle[p]
    set xlabel pxlabel[p]
    set ylabel pylabel[p]
    set yrange [-0.7:lanes - 0.3]
    set ytics 1
    plot plotdir.efile[i] using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.38) with boxxyerror \
        lc rgb ecolor[i] notitle, \
         plotdir.efile[i] using (($1 + $2) / 2):3:(($2 - $1) > tmax / 40 ? stringcolumn(4) : '') \
        with labels font sprintf(',%d', fontsize - 2) notitle
}
unset multiplot
