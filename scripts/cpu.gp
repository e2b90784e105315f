# cpu.gp: CPU-bound speedup against workers per strategy, with the ideal
# line min(workers, cores) and the core count marked; one panel per kernel.
load scripts.'/common.gp'
set output dir.'/cpu.'.ext

set multiplot layout 1,2 title sprintf("CPU-bound: sum of chunks, speedup over sequential (in-process medians of %d runs)\n%s", runs, machine)
set xlabel 'workers (threads or processes; the event loop has one thread; gil: one at a time)'
set ylabel 'speedup (sequential median / median)'
set xrange [0.5:max_cpu_workers + 0.5]
set yrange [0:cores * 1.2]
set xtics 1
set key bottom right box opaque
set arrow 1 from cores, graph 0 to cores, graph 1 nohead dt 3 lw 2 lc rgb '#888888'
set label 1 sprintf('%d cores', cores) at cores, graph 0.97 offset 0.5,0 textcolor rgb '#666666'
ideal(x) = x < cores ? x : cores

do for [k in 'sum heavy'] {
    if (k eq 'sum') {
        set title sprintf('kernel sum: n = %d (memory-bound)', sum_n)
    } else {
        set title sprintf('kernel heavy: n = %d, %d LCG rounds per element (compute-bound)', cpu_n, cpu_work)
    }
    plot ideal(x) with lines dt 2 lw 2 lc rgb '#000000' title 'ideal: min(workers, cores)', \
         for [s in cpu_strategies] dir.'/results.csv' \
            using (only(is('cpu', k, s), column(c_workers))):(only(is('cpu', k, s), column(c_speedup))) \
            with linespoints lw 2 pt 7 lc rgb color(s) title s
}
unset multiplot
