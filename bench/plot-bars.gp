# bench/plot-bars.gp: grouped bars of a bench/run folder, called by bench/plot
# with these set (bench/plot writes them to a file loaded first):
#   what      "throughput" (orders/s) or "latency" (p99 bars, log scale, p50 marks)
#   data      one block per variant, a row per cell (medians, lowest, highest):
#             x orders/s orders/s_min orders/s_max p50 p99 p99_min p99_max
#             variant workload/clients
#   na        x of each cell a variant did not run (drawn "n/a"); hasna 0: none
#   xticsfile a "set xtics (...)" line naming the cells
#   nv, ncells, bw, maxruns   variants, cells, bar width, most rounds per cell
#   variants, colors          the variants and their colours (space-separated)
#   out, title, subtitle

set terminal pngcairo size 900,500 font "Sans,10" noenhanced
set output out
set title title . "\n" . subtitle font ",11"
set key below center horizontal samplen 1.5 spacing 1.1 width 1
set border 3
set xtics nomirror scale 0
set ytics nomirror
load xticsfile
# room below for the two-line cell names and the key (one row of up to 4
# entries, two rows for more)
entries = nv + (what eq "latency" ? 1 : 0)
set bmargin (entries > 4 ? 6.8 : 5.2)
set xrange [-0.5 : ncells - 0.5]
set grid ytics lc rgb "#dddddd"
set style fill solid 0.9 border rgb "#333333"
# many bars: value labels upright; a few: level
many = nv > 2
lbl = many ? "rotate by 90 left offset 0,0.4" : "center offset 0,0.6"
half = bw * 0.45
# whiskers (lowest to highest round): none for one round
cap = bw * 0.12
w(v) = maxruns > 1 ? v : NaN
# n/a labels: without any (hasna 0), empty labels at the bars' places, as
# gnuplot warns about an empty file
nafile = hasna ? na : data
natext = hasna ? "n/a" : ""

if (what eq "throughput") {
    set ylabel "orders per second"
    stats data using 4 nooutput
    top = STATS_max
    set yrange [0 : top * (many ? 1.22 : 1.12)]
    nay = top * 0.02
    plot \
        for [i=1:nv] data index (i-1) using 1:2:(bw * 0.9) with boxes lc rgb word(colors, i) title word(variants, i), \
        for [i=1:nv] data index (i-1) using 1:(w($3)):(0):($4 - $3) with vectors nohead lc rgb "#222222" notitle, \
        for [i=1:nv] data index (i-1) using ($1 - cap):(w($3)):(2 * cap):(0) with vectors nohead lc rgb "#222222" notitle, \
        for [i=1:nv] data index (i-1) using ($1 - cap):(w($4)):(2 * cap):(0) with vectors nohead lc rgb "#222222" notitle, \
        for [i=1:nv] data index (i-1) using 1:4:(sprintf("%.0f", $2)) with labels font ",8" @lbl notitle, \
        nafile using 1:(nay):(natext) with labels font ",8" tc rgb "#777777" rotate by 90 left notitle
} else {
    set ylabel "latency per order, ms (log scale)"
    set logscale y
    stats data using 5 nooutput
    low = STATS_min
    stats data using 8 nooutput
    top = STATS_max
    ylo = 10 ** floor(log10(low / 1.5))
    set yrange [ylo : top * (many ? 3.2 : 2.2)]
    set format y "%g"
    set mytics 10
    nay = ylo * 1.15
    plot \
        for [i=1:nv] data index (i-1) using 1:6:($1 - bw * 0.45):($1 + bw * 0.45):(ylo):6 with boxxyerror \
            lc rgb word(colors, i) title word(variants, i), \
        for [i=1:nv] data index (i-1) using 1:(w($7)):(0):($8 - $7) with vectors nohead lc rgb "#222222" notitle, \
        for [i=1:nv] data index (i-1) using ($1 - cap):(w($7)):(2 * cap):(0) with vectors nohead lc rgb "#222222" notitle, \
        for [i=1:nv] data index (i-1) using ($1 - cap):(w($8)):(2 * cap):(0) with vectors nohead lc rgb "#222222" notitle, \
        for [i=1:nv] data index (i-1) using ($1 - half):5:(2 * half):(0) with vectors nohead lw 3 lc rgb "#000000" \
            title (i == 1 ? "p50" : ""), \
        for [i=1:nv] data index (i-1) using 1:8:(sprintf($6 < 10 ? "%.1f" : "%.0f", $6)) with labels font ",8" @lbl notitle, \
        nafile using 1:(nay):(natext) with labels font ",8" tc rgb "#777777" rotate by 90 left notitle
}
