# latency.gp: first-byte-to-compile per group (wasmlab plot latency).
# Variables (besides common.gp's):
#   data_file    one block per group (blocks split by two blank lines):
#                x_jittered ms load_id
#   groups_file  x "tic label" median_ms q1_ms q3_ms whisker_lo_ms whisker_hi_ms
#   ngroups      number of groups (x = 1..ngroups)
#   log_y        1: groups differ by more than 15x, use a log axis
#   y_lo, y_hi   the smallest and largest value (ms)

set xlabel ''
set ylabel 'first byte to compile finished (ms)'
set xrange [0.4:ngroups + 0.6]
set xtics scale 0 noenhanced font ',9'
set grid ytics noxtics
if (log_y) {
    set logscale y
    set yrange [y_lo / 1.5 : y_hi * 1.5]
    set ylabel 'first byte to compile finished (ms, log scale)'
} else {
    set yrange [0:*]
}
set style fill solid 0.25 border
set boxwidth 0.5
set bmargin 7
set key top left

plot \
    groups_file using 1:4:6:7:5:xtic(2) with candlesticks whiskerbars 0.5 \
        lc rgb '#0072b2' lw 1.5 title 'box: quartiles; whiskers: furthest load within 1.5 IQR', \
    groups_file using 1:3:3:3:3 with candlesticks lc rgb '#0072b2' lw 3 \
        title 'median', \
    for [i=0:ngroups-1] data_file index i using 1:2 with points pt 7 ps 0.7 \
        lc rgb '#d55e00' title (i == 0 ? 'one load' : '')
