# lines.gp: panels of lines against workers. A panel's kind says what:
#   latency  wall time, log axes; the latency bound (pextra) dashed, the
#            baseline (pbase) flat
#   speedup  speedup over the baseline; the ideal min(workers, cores) dashed
#   modes    wall time, log; crosses (pextra) where the answer was wrong
# Entries pfirst[p]..plast[p] are the panel's lines, one per strategy (or
# value), each with its own colour, marker and dash.
load scripts.'/common.gp'

set multiplot layout rows,cols title heading
set samples 1000
do for [p = 1:npanels] {
    set title (npanels > 1 ? ptitle[p] : '')
    set xlabel pxlabel[p]
    set ylabel pylabel[p]
    unset logscale
    unset arrow
    unset label
    set yrange [*:*]
    set autoscale fix
    set format y '%g'
    set xtics auto
    set ytics auto
    if (pkind[p] eq 'speedup') {
        set yrange [0:*]
        set xtics 1
        set arrow 1 from cores, graph 0 to cores, graph 1 nohead dt 3 lw 2 lc rgb '#888888'
        set label 1 sprintf('%d cores', cores) at cores, graph 0.97 offset 0.5,0 textcolor rgb '#666666'
        ideal(x) = x < cores ? x : cores
        plot ideal(x) with lines dt 2 lw 2 lc rgb '#000000' title 'ideal: min(workers, cores)', \
             for [i=pfirst[p]:plast[p]] plotdir.efile[i] using 1:2:3:4 with yerrorlines lw 2 \
                pt ept[i] ps 1.3 dt edt[i] lc rgb ecolor[i] title ename[i]
    } else {
        set logscale x 2
        set logscale y 10
        eval 'set ytics ('.log_tics.')'
        set mytics 10
        if (pkind[p] eq 'latency') {
            plot (pbase[p] > 0 ? pbase[p] : 1/0) with lines lw 2 lc rgb '#555555' \
                    title sprintf('%s (%.3g s)', pbasename[p], pbase[p]), \
                 (strlen(pextra[p]) > 0 ? plotdir.pextra[p] : '-') using 1:2 with linespoints \
                    lw 2 dt 2 pt 0 lc rgb '#000000' title 'latency bound: ceil(tasks / workers) x delay', \
                 for [i=pfirst[p]:plast[p]] plotdir.efile[i] using 1:2:3:4 with yerrorlines lw 2 \
                    pt ept[i] ps 1.3 dt edt[i] lc rgb ecolor[i] title ename[i]
        } else {
            plot for [i=pfirst[p]:plast[p]] plotdir.efile[i] using 1:2:3:4 with yerrorlines lw 2 \
                    pt ept[i] ps 1.3 dt edt[i] lc rgb ecolor[i] title ename[i], \
                 (strlen(pextra[p]) > 0 ? plotdir.pextra[p] : '-') using 1:2 with points pt 2 ps 3 \
                    lw 3 lc rgb '#d62728' title 'wrong answer: updates lost'
        }
    }
}
unset multiplot
