# common.gp: what every chart shares. Expects from plot.sh: dir (results
# folder), ext (png or svg), scripts (this folder), chart (its name), and
# style ('' or 'slides'). Loads dir/plot/plot.inc (the run) and
# dir/plot/CHART.inc (the chart's panels and entries, by plotdata.py).
load dir.'/plot/plot.inc'
load dir.'/plot/'.chart.'.inc'
plotdir = dir.'/plot/'

npanels = |pkind|
big = (style eq 'slides')
fontsize = big ? 17 : 11
# A script that draws a legend (lines.gp) asks for one column: each panel
# the page's width, its legend outside on the right, never over data or
# into the axis labels; 1280 px wide, as index.html shows it, without
# shrinking the type.
cols = exists('layout_cols') ? layout_cols : (npanels >= 4 ? 2 : npanels)
rows = ceil(npanels * 1.0 / cols)
width = big ? 1920 : 1280
height = big ? 1080 * rows : (cols == 1 ? 440 * rows + 90 : 520 * rows + 80)
if (ext eq 'png') {
    set terminal pngcairo size width,height enhanced font sprintf('DejaVu Sans,%d', fontsize) noenhanced
} else {
    set terminal svg size width,height dynamic enhanced font sprintf('DejaVu Sans,%d', fontsize) noenhanced
}
set output dir.'/'.chart.'.'.ext
set datafile separator whitespace
set grid ytics xtics lc rgb '#dddddd'
set border 3
set tics nomirror
keyfont = sprintf(',%d', fontsize - 1)
set key outside right top vertical box opaque samplen 2 font keyfont
set offsets graph 0.02, graph 0.02, graph 0.05, graph 0.02
heading = chart_title."\n".machine
if (quick) {
    heading = heading."\nQUICK: indicative only (small sizes, few runs)"
}

# Labelled ticks at 1, 2 and 5 of every decade, for log axes.
log_tics = ''
do for [e = -6:4] {
    do for [m in '1 2 5'] {
        v = m * 10.0**e
        log_tics = log_tics.sprintf('%s"%g" %.10g', (strlen(log_tics) ? ', ' : ''), v, v)
    }
}
