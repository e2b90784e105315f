# common.gp: what every chart shares. Expects dir (results folder), ext
# (png or svg) and scripts (this folder) from plot.sh.
load dir.'/plot.inc'

if (ext eq 'png') {
    set terminal pngcairo size 1280,760 enhanced font 'DejaVu Sans,11' noenhanced
} else {
    set terminal svg size 1280,760 dynamic enhanced font 'DejaVu Sans,11' noenhanced
}
set datafile separator ','
set grid ytics xtics lc rgb '#dddddd'
set border 3
set tics nomirror
set key top right box opaque

# One colour per strategy, the same on every chart.
color(s) = s eq 'sequential' ? '#555555' : s eq 'threads' ? '#1f77b4' : \
           s eq 'procs' ? '#2ca02c' : s eq 'eventloop' ? '#d62728' : \
           s eq 'gil' ? '#9467bd' : s eq 'hybrid' ? '#ff7f0e' : '#8c564b'
index_of(s) = s eq 'sequential' ? 0 : s eq 'threads' ? 1 : s eq 'procs' ? 2 : \
              s eq 'eventloop' ? 3 : s eq 'gil' ? 4 : 5
strategy_xtics = "('sequential' 0, 'threads' 1, 'procs' 2, 'eventloop' 3, 'gil' 4, 'hybrid' 5)"
# Which concurrent strategies each workload was run with.
io_strategies = 'threads procs eventloop gil hybrid'
cpu_strategies = 'threads procs eventloop gil'
strategies = io_strategies

# Column numbers of results.csv (see scripts/merge.py).
c_workload = 1; c_kernel = 2; c_strategy = 3; c_workers = 4
c_median = 5; c_min = 6; c_max = 7; c_speedup = 13; c_bound = 15
c_cpu = 16; c_rss = 17; c_verified = 23
c_sync = 25; c_expected_fail = 26; c_vs_local = 27

# Row filters. Every coordinate of a row that does not belong must be
# undefined, or autoscaling still counts it: only(cond, v) does that.
is(w, k, s) = strcol(c_workload) eq w && strcol(c_kernel) eq k && strcol(c_strategy) eq s && \
              (strcol(c_sync) eq 'local' || strcol(c_sync) eq '-')
only(cond, v) = cond ? v : 1/0
