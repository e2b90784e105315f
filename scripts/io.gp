# io.gp: I/O-bound wall time against workers, per strategy, log axes, with
# the latency bound ceil(files / workers) x delay as a line.
load scripts.'/common.gp'
set output dir.'/io.'.ext

set title sprintf("I/O-bound: download, verify and save %d files, %d ms server delay per request\n%s", \
                  files, delay_ms, machine)
set xlabel 'workers (threads, processes, or transfers in flight)'
set ylabel sprintf('wall time, s (in-process median of %d runs; bars: min-max)', runs)
set logscale xy 2
set logscale y 10
set xrange [0.8:max_io_workers * 1.25]
set format y '%g'
set samples 1000
set key bottom left box opaque

stats dir.'/results.csv' using (is('io', '-', 'sequential') ? column(c_median) : 1/0) nooutput
seq_median = STATS_max

bound(x) = ceil(files / floor(x)) * delay_s
plot bound(x) with lines lw 2 dt 2 lc rgb '#000000' title 'latency bound: ceil(files / workers) x delay', \
     seq_median with lines lw 2 lc rgb color('sequential') title sprintf('sequential (%.2f s)', seq_median), \
     for [s in io_strategies] dir.'/results.csv' \
        using (only(is('io', '-', s), column(c_workers))):(only(is('io', '-', s), column(c_median))):\
              (only(is('io', '-', s), column(c_min))):(only(is('io', '-', s), column(c_max))) \
        with yerrorlines lw 2 pt 7 lc rgb color(s) title s
