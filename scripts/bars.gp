# bars.gp: panels of bars, one bar per strategy (and value) at one worker
# count, in display order and the strategy's colour, with min-max error
# bars where the value is a time, and the value written above each bar,
# upright so neighbours never overlap, and above the error bar's cap so
# neither strikes through the other. Each panel has its own scale. Data
# columns: x value min max colour label.
load scripts.'/common.gp'

set multiplot layout rows,cols title heading
set style fill solid 0.8 border -1
set boxwidth 0.6
set xtics rotate by -30 noenhanced
set key off
do for [p = 1:npanels] {
    set title ptitle[p]
    set ylabel pylabel[p]
    set yrange [0:*]
    set offsets 0.5, 0.5, graph 0.22, 0
    f = plotdir.efile[pfirst[p]]
    plot f using 1:2:5:xtic(6) with boxes lc rgb variable, \
         f using 1:2:3:4 with yerrorbars lc rgb '#000000' pt 0 ps 0, \
         f using 1:($4 > $2 ? $4 : $2):(sprintf('%.3g', $2)) with labels rotate by 90 left \
           offset 0,0.4 font sprintf(',%d', fontsize - 1)
}
unset multiplot
