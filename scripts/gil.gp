# gil.gp: GIL against GIL-free threads, the same pool with and without the
# emulated lock: CPU-bound speedup (left) and I/O-bound wall time (right).
load scripts.'/common.gp'
set output dir.'/gil.'.ext

set multiplot layout 1,2 title sprintf("Threads with and without a global interpreter lock (in-process medians of %d runs)\n%s", runs, machine)

set title sprintf('CPU-bound (heavy kernel, n = %d, %d rounds): speedup', cpu_n, cpu_work)
set xlabel 'threads'
set ylabel 'speedup over sequential'
set xrange [0.5:max_cpu_workers + 0.5]
set yrange [0:cores * 1.2]
set xtics 1
set key bottom right box opaque
set arrow 1 from cores, graph 0 to cores, graph 1 nohead dt 3 lw 2 lc rgb '#888888'
ideal(x) = x < cores ? x : cores
plot ideal(x) with lines dt 2 lw 2 lc rgb '#000000' title 'ideal: min(threads, cores)', \
     for [s in 'threads gil'] dir.'/results.csv' \
        using (only(is('cpu', 'heavy', s), column(c_workers))):(only(is('cpu', 'heavy', s), column(c_speedup))) \
        with linespoints lw 2 pt 7 lc rgb color(s) title (s eq 'gil' ? 'threads under the GIL' : 'GIL-free threads')
unset arrow 1

set title sprintf('I/O-bound (%d files, %d ms delay): wall time', files, delay_ms)
set xlabel 'threads'
set ylabel 'wall time, s (log)'
set logscale x 2
set logscale y 10
set xrange [0.8:max_io_workers * 1.25]
set yrange [*:*]
set xtics auto
set format y '%g'
set samples 1000
set key top right box opaque
bound(x) = ceil(files / floor(x)) * delay_s
plot bound(x) with lines lw 2 dt 2 lc rgb '#000000' title 'latency bound', \
     for [s in 'threads gil'] dir.'/results.csv' \
        using (only(is('io', '-', s), column(c_workers))):(only(is('io', '-', s), column(c_median))) \
        with linespoints lw 2 pt 7 lc rgb color(s) title (s eq 'gil' ? 'threads under the GIL' : 'GIL-free threads')
unset multiplot
