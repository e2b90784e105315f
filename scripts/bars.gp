# bars.gp: one worker count, median wall time per strategy for each
# workload, with min-max error bars.
load scripts.'/common.gp'
set output dir.'/bars.'.ext

set multiplot layout 1,3 title sprintf("Median wall time per strategy (in-process, %d runs; bars: min-max)\n%s", runs, machine)
set style fill solid 0.75 border -1
set boxwidth 0.6
eval 'set xtics '.strategy_xtics
set xtics rotate by -30
set xrange [-0.6:5.6]
set yrange [0:*]
set ylabel 'wall time, s'
unset key

# A row belongs to the panel when it is sequential or at the panel's
# worker count.
at(w, k, s, n) = is(w, k, s) && (s eq 'sequential' || column(c_workers) == n)

panels = 'io:- cpu:sum cpu:heavy'
do for [p in panels] {
    w = p[1:strstrt(p, ':') - 1]
    k = p[strstrt(p, ':') + 1:]
    n = (w eq 'io') ? io_bar_workers : cpu_bar_workers
    if (w eq 'io') {
        set title sprintf('io: %d files, %d ms delay, %d workers', files, delay_ms, n)
    } else {
        set title sprintf('cpu, kernel %s: %d workers', k, n)
    }
    list = 'sequential '.((w eq 'io') ? io_strategies : cpu_strategies)
    plot for [s in list] dir.'/results.csv' \
            using (only(at(w, k, s, n), index_of(s))):(only(at(w, k, s, n), column(c_median))) \
            with boxes lc rgb color(s), \
         for [s in list] dir.'/results.csv' \
            using (only(at(w, k, s, n), index_of(s))):(only(at(w, k, s, n), column(c_median))):\
                  (only(at(w, k, s, n), column(c_min))):(only(at(w, k, s, n), column(c_max))) \
            with yerrorbars lc rgb '#000000' pt 0 ps 0
}
unset multiplot
