# mixed.gp: download + CPU stage per file: median wall time per strategy
# at the largest mixed worker count, with min-max error bars.
load scripts.'/common.gp'
set output dir.'/mixed.'.ext

set title sprintf("Mixed: download %d files (%d ms delay), transform each (%d rounds per word), save\nmedian wall time at %d workers (in-process, %d runs; bars: min-max); %s", \
                  files, delay_ms, mixed_work, mixed_bar_workers, runs, machine)
set style fill solid 0.75 border -1
set boxwidth 0.6
eval 'set xtics '.strategy_xtics
set xrange [-0.6:5.6]
set yrange [0:*]
set ylabel 'wall time, s'
unset key
at(s) = is('mixed', '-', s) && (s eq 'sequential' || column(c_workers) == mixed_bar_workers)
list = 'sequential threads procs eventloop gil hybrid'
plot for [s in list] dir.'/results.csv' \
        using (only(at(s), index_of(s))):(only(at(s), column(c_median))) with boxes lc rgb color(s), \
     for [s in list] dir.'/results.csv' \
        using (only(at(s), index_of(s))):(only(at(s), column(c_median))):\
              (only(at(s), column(c_min))):(only(at(s), column(c_max))) \
        with yerrorbars lc rgb '#000000' pt 0 ps 0
