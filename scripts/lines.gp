# lines.gp: panels of lines against workers. A panel's kind says what:
#   latency  wall time, log axes; the latency bound (pextra) dashed, the
#            baseline (pbase) flat
#   speedup  speedup over the baseline; the ideal min(workers, cores) dashed
#   modes    wall time, log; crosses (pextra) where the answer was wrong
# Entries pfirst[p]..plast[p] are the panel's lines, one per strategy (or
# value), each with its own colour, marker and dash. Points too noisy to
# trust (pnoisy) are ringed; the sum kernel's speedup panel has the memory
# bandwidth's own speedup as its ceiling (pextra). Optional files are
# spliced into the plot command only when they exist.
layout_cols = 1
load scripts.'/common.gp'

set multiplot layout rows,cols title heading
set samples 1000
# Every panel's plot the same width, its legend in the margin on the right.
set lmargin at screen 0.07
set rmargin at screen 0.62
entries = "for [i=pfirst[p]:plast[p]] plotdir.efile[i] using 1:2:3:4 with yerrorlines lw 2 ".\
          "pt ept[i] ps 1.3 dt edt[i] lc rgb ecolor[i] title ename[i]"
# optional(FILE, STYLE): ", 'FILE' STYLE" when FILE is set, else nothing.
optional(f, how) = strlen(f) > 0 ? sprintf(", '%s%s' %s", plotdir, f, how) : ''
do for [p = 1:npanels] {
    set title (npanels > 1 ? ptitle[p] : '')
    set xlabel pxlabel[p]
    set ylabel pylabel[p]
    unset logscale
    unset arrow
    unset label
    set yrange [*:*]
    set autoscale fix
    if (strlen(pxrange[p]) > 0) { eval 'set xrange '.pxrange[p] } else { set xrange [*:*] }
    set format y '%g'
    set xtics auto
    set ytics auto
    noisy = optional(pnoisy[p], sprintf("using 1:2 with points pt 6 ps 3.5 lw 2 lc rgb '#cc0000' ".\
                                        "title 'noisy: cv > %d%%'", noisy_cv))
    if (pkind[p] eq 'speedup') {
        set yrange [0:*]
        set xtics 1
        set arrow 1 from cores, graph 0 to cores, graph 1 nohead dt 3 lw 2 lc rgb '#888888'
        set label 1 sprintf('%d cores', cores) at cores, graph 0.04 offset 0.5,0 textcolor rgb '#666666'
        ideal(x) = x < cores ? x : cores
        ceiling = optional(pextra[p], "using 1:2 with linespoints lw 2 dt 4 pt 0 lc rgb '#999999' ".\
                                      "title 'memory ceiling (read bandwidth / baseline)'")
        eval "plot ideal(x) with lines dt 2 lw 2 lc rgb '#000000' title 'ideal: min(workers, cores)'".\
             ceiling.", ".entries.noisy
    } else {
        set logscale x 2
        set logscale y 10
        eval 'set ytics ('.log_tics.')'
        set mytics 10
        if (pkind[p] eq 'sweep') {
            set logscale x 10
            set xtics auto
            set format x '%.0s%c'
            eval "plot ".entries.noisy
        } else { if (pkind[p] eq 'latency') {
            bound = optional(pextra[p], "using 1:2 with linespoints lw 2 dt 2 pt 0 lc rgb '#000000' ".\
                                        "title 'latency bound: ceil(tasks / workers) x delay'")
            eval "plot (pbase[p] > 0 ? pbase[p] : 1/0) with lines lw 2 lc rgb '#555555' ".\
                 "title sprintf('%s (%.3g s)', pbasename[p], pbase[p])".bound.", ".entries.noisy
        } else {
            # The wrong-answer cross drawn last, in black, over any ring.
            wrong = optional(pextra[p], "using 1:2 with points pt 2 ps 2.5 lw 3 lc rgb '#000000' ".\
                                        "title 'wrong answer: updates lost'")
            eval "plot ".entries.noisy.wrong
        } }
    }
}
unset multiplot
