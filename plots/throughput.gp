# throughput.gp: compile speed against module size (wasmlab plot throughput).
# Variables (besides common.gp's):
#   data_file     one block per group: size_kib(jittered) MB_per_s load_id
#   medians_file  one line per group, same order: size_kib median_MB_per_s
#   ngroups       number of groups; group_title[1..ngroups] their names
#   log_x         1: sizes span more than 8x, use a log axis
#   x_lo, x_hi    smallest and largest module size (KiB)
#   log_y         1: speeds span more than 15x, use a log axis
#   y_lo, y_hi    slowest and fastest load (MB/s)

set xlabel 'module size (KiB)'
set ylabel 'compile speed: module bytes / first byte to compile (MB/s)'
if (log_x) {
    set logscale x
    set xlabel 'module size (KiB, log scale)'
    set xrange [x_lo / 1.6 : x_hi * 1.6]
} else {
    set xrange [x_lo - (x_hi - x_lo) * 0.1 - 1 : x_hi + (x_hi - x_lo) * 0.1 + 1]
}
if (log_y) {
    set logscale y
    set ylabel 'compile speed: module bytes / first byte to compile (MB/s, log scale)'
    set yrange [y_lo / 1.5 : y_hi * 1.5]
} else {
    set yrange [0:*]
}
set key outside bottom center horizontal maxcols 2 font ',9'
set bmargin 5 + ceil((ngroups + 1) / 2.0)

plot \
    for [i=1:ngroups] data_file index (i-1) using 1:2 with points lt i pt 7 ps 0.8 \
        title group_title[i], \
    medians_file using 1:2 with points pt 6 ps 2.6 lw 2 lc rgb '#000000' \
        title 'median of a group'
