# cost.gp: what each strategy costs besides time: CPU time (user + sys,
# children included) and peak RSS, at the bar charts' worker count.
load scripts.'/common.gp'
set output dir.'/cost.'.ext

set multiplot layout 1,2 title sprintf("Cost per run: CPU time and peak memory (medians of %d runs; io at %d workers, cpu at %d)\n%s", runs, io_bar_workers, cpu_bar_workers, machine)
set style fill solid 0.8 border -1
set boxwidth 0.26
eval 'set xtics '.strategy_xtics
set xrange [-0.6:5.6]
set yrange [0:*]
set key top left

at(w, k, s) = is(w, k, s) && (s eq 'sequential' || \
              column(c_workers) == ((w eq 'io') ? io_bar_workers : cpu_bar_workers))
groups = 'io:- cpu:sum cpu:heavy'
gcolor(g) = g == 1 ? '#ff7f0e' : g == 2 ? '#17becf' : '#9467bd'
gname(g) = g == 1 ? 'io' : g == 2 ? 'cpu sum' : 'cpu heavy'

do for [panel = 1:2] {
    if (panel == 1) {
        set title 'CPU time (user + sys, children included)'
        set ylabel 'CPU time, s'
    } else {
        set title 'peak resident memory (parent + largest child)'
        set ylabel 'peak RSS, MiB'
    }
    plot for [g = 1:3] dir.'/results.csv' \
        using (w = word(groups, g)[1:strstrt(word(groups, g), ':') - 1], \
               k = word(groups, g)[strstrt(word(groups, g), ':') + 1:], \
               only(at(w, k, strcol(c_strategy)), index_of(strcol(c_strategy)) + (g - 2) * 0.28)):\
              (only(at(w, k, strcol(c_strategy)), panel == 1 ? column(c_cpu) : column(c_rss) / 1024.0)) \
        with boxes lc rgb gcolor(g) title gname(g)
}
unset multiplot
