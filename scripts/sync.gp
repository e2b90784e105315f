# sync.gp: what synchronising a shared total costs, and what not doing it
# costs: wall time per --sync mode against threads; crosses mark runs whose
# sum came out wrong.
load scripts.'/common.gp'
set output dir.'/sync.'.ext

set title sprintf("Adding up a shared total: threads, sum kernel, n = %d (in-process medians of %d runs)\n%s", sync_n, runs, machine)
set xlabel 'threads'
set ylabel 'wall time, s (log)'
set logscale y 10
set format y '%g'
set xrange [0.5:max_cpu_workers + 0.5]
set xtics 1
set key top left box opaque

mode(m) = strcol(c_workload) eq 'cpu' && strcol(c_kernel) eq 'sync' && strcol(c_sync) eq m
mcolor(m) = m eq 'local' ? '#2ca02c' : m eq 'atomic' ? '#1f77b4' : m eq 'mutex' ? '#d62728' : '#000000'
mtitle(m) = m eq 'local' ? 'local: per-task sums, merged after (no sharing)' : \
            m eq 'atomic' ? 'atomic: one shared total, atomic add' : \
            m eq 'mutex' ? 'mutex: one shared total under a lock' : \
            'none: one shared total, no synchronisation (the race)'
plot for [m in 'local atomic mutex none'] dir.'/results.csv' \
        using (only(mode(m), column(c_workers))):(only(mode(m), column(c_median))) \
        with linespoints lw 2 pt 7 ps 1.2 lc rgb mcolor(m) title mtitle(m), \
     dir.'/results.csv' \
        using (only(mode('none') && column(c_verified) == 0, column(c_workers))):\
              (only(mode('none') && column(c_verified) == 0, column(c_median))) \
        with points pt 2 ps 3 lw 3 lc rgb '#d62728' title 'wrong sum: updates lost'
