# bench/plot-flash.gp: the flash sale's stock over time, called by bench/plot
# with these set (bench/plot writes them to a file loaded first):
#   data      one block per run: "seconds since the first order's start,
#             estimated stock", as steps (from pgbench's transaction log)
#   polled    one block per median run that has polled samples: "t stock"
#   modes, reps, sellouts, medians, pidx   per block of data (space-separated):
#             its mode (hot / row / warm), round, time to sell out (s), 1 if it is
#             its mode's median round, index of its block in polled (-1: none)
#   portions  the dish's portions
#   out, title, subtitle, subtitle2

set terminal pngcairo size 900,500 font "Sans,10" noenhanced
set output out
set title title . "\n" . subtitle . "\n" . subtitle2 font ",11"
set key outside bottom center horizontal samplen 2.5 spacing 1.1 width 2
set bmargin 5.5
set border 3
set xtics nomirror
set ytics nomirror
set grid xtics ytics lc rgb "#dddddd"
set xlabel "seconds since the sale opened (warm) or its first order started (hot, row)"
set ylabel "portions left"

color(m) = m eq "hot" ? "#D55E00" : (m eq "row" ? "#0072B2" : (m eq "warm" ? "#009E73" : "#555555"))
name(m) = m eq "hot" ? "hot dish" : (m eq "row" ? "plain row" : (m eq "warm" ? "hot dish, warm clients" : m))
n = words(modes)
xmax = 0
do for [i=1:n] { s = word(sellouts, i) + 0; if (s > xmax) { xmax = s } }
set xrange [0 : xmax * 1.08]
set yrange [0 : portions * 1.16]

# time to sell out of each mode's median round: a dashed line and its value
# above it, the modes on two levels so that close times do not collide
k = 0
do for [i=1:n] {
    if (word(medians, i) eq "1") {
        s = word(sellouts, i) + 0
        set arrow from s, 0 to s, portions * 1.0 nohead dt 2 lw 1.5 lc rgb color(word(modes, i))
        # centred on its line; near the right edge, ending there
        if (s > xmax * 0.8) {
            set label sprintf("%s: sold out, %.2f s", word(modes, i), s) at s, portions * (1.04 + 0.065 * k) \
                right offset 1, 0 tc rgb color(word(modes, i)) font ",9"
        } else {
            set label sprintf("%s: sold out, %.2f s", word(modes, i), s) at s, portions * (1.04 + 0.065 * k) \
                center tc rgb color(word(modes, i)) font ",9"
        }
        k = k + 1
    }
}

plot \
    for [i=1:n] data index (i-1) using 1:2 with steps lc rgb color(word(modes, i)) \
        lw (word(medians, i) eq "1" ? 2.5 : 0.8) \
        title (word(medians, i) eq "1" ? sprintf("%s, round %s", name(word(modes, i)), word(reps, i)) : ""), \
    for [i=1:n] (word(pidx, i) eq "-1" ? data : polled) index (word(pidx, i) eq "-1" ? 0 : word(pidx, i) + 0) \
        using 1:(word(pidx, i) eq "-1" ? NaN : $2) with points pt 7 ps 1.0 lc rgb color(word(modes, i)) \
        title (word(pidx, i) eq "-1" ? "" : sprintf("%s, polled", name(word(modes, i))))
