# pauses.gp: GC pauses (wasmlab plot pauses), two panels.
# Variables (besides common.gp's):
#   top: one load's pauses over time
#   tl_file          a block per series (blocks split by two blank lines):
#                    x_ms duration_ms
#   ntl              number of series; tl_title[i], tl_color[i], tl_pt[i]
#   tl_x_lo, tl_x_hi the x range (ms); tl_y_hi the longest pause (ms)
#   tl_xlabel        the x axis label (what x = 0 is)
#   has_window       1: shade the workload window, x from 0 to win_hi (ms)
#   tl_panel_title   the panel's title
#   bottom: the run's pause durations as empirical CDFs
#   cdf_file         a block per curve: duration_ms percent (a leading 0 %)
#   ncdf             number of curves (0: the panel says so);
#                    cdf_title[i], cdf_color[i] (a linetype), cdf_dash[i]
#   cdf_log_x        1: durations span more than 15x, use a log axis
#   cdf_x_lo, cdf_x_hi  the shortest and longest pause (ms)
#   cdf_panel_title  the panel's title

# screen layout: the title block on top, then the two panels
top_px = strlen(subtitle2_text) > 0 ? 122 : 106   # and the panel's title
top = 1.0 - top_px / (height + 0.0)
# the bottom panel's key goes under its axis label, in two columns when wide
key_cols = width >= 1100 ? 2 : 1
key_rows = ncdf > 0 ? ceil(ncdf / (key_cols + 0.0)) : 1
bottom = (72.0 + 16 * key_rows) / height
gap = 100.0 / height
split = bottom + (top - bottom - gap) * 0.52
set lmargin at screen 70.0 / width
set rmargin at screen 1.0 - 30.0 / width

set multiplot

# ---- top: the load's pauses over time ----
set tmargin at screen top
set bmargin at screen split + gap
set title tl_panel_title noenhanced font ',11'
set xlabel tl_xlabel noenhanced
set ylabel 'pause or Go GC cycle time (ms)'
set xrange [tl_x_lo:tl_x_hi]
set yrange [0:tl_y_hi * 1.5]
set key top right vertical Left reverse font ',9'
if (has_window) {
    set object 1 rectangle from 0, graph 0 to win_hi, graph 1 behind \
        fillcolor rgb '#f0f0f0' fillstyle solid 1.0 noborder
    set label 1 'workload window' at 0, graph 0.96 offset 0.5, 0 left \
        font ',8' textcolor rgb '#777777' front
}
plot \
    for [i=1:ntl] tl_file index (i-1) using 1:2 with impulses \
        lc rgb tl_color[i] lw 1.2 notitle, \
    for [i=1:ntl] tl_file index (i-1) using 1:2 with points \
        lc rgb tl_color[i] pt tl_pt[i] ps 0.7 title tl_title[i]

# ---- bottom: the run's distribution ----
unset object 1
unset label 1
unset label 901
unset label 902
unset label 903
set tmargin at screen split
set bmargin at screen bottom
set title cdf_panel_title noenhanced font ',11'
set ylabel 'this short or shorter (%)'
set yrange [0:100]
set ytics 0, 25, 100
set arrow 1 from graph 0, first 50 to graph 1, first 50 nohead dt 3 lc rgb '#aaaaaa' back
set arrow 2 from graph 0, first 95 to graph 1, first 95 nohead dt 3 lc rgb '#aaaaaa' back
set label 2 'p95' at graph 0, first 95 offset 0.5, 0.5 left font ',8' textcolor rgb '#777777'
set label 3 'p50' at graph 0, first 50 offset 0.5, 0.5 left font ',8' textcolor rgb '#777777'
if (cdf_log_x) {
    set logscale x
    set xlabel 'pause duration (ms, log scale); solid: Go STW, dotted: Go GC cycle main-thread time, dashed: V8'
    set xrange [cdf_x_lo / 1.3 : cdf_x_hi * 1.3]
} else {
    set xlabel 'pause duration (ms); solid: Go STW, dotted: Go GC cycle main-thread time, dashed: V8'
    set xrange [0 : cdf_x_hi * 1.08 + 0.01]
}
set key at screen 0.5, screen bottom - 54.0 / height center top vertical \
    maxrows key_rows Left reverse font ',9' width -3 samplen 3
if (ncdf > 0) {
    plot for [i=1:ncdf] cdf_file index (i-1) using 1:2 with steps \
        lt cdf_color[i] dt cdf_dash[i] lw 2 title cdf_title[i]
} else {
    set label 4 'no pauses inside the workload window of an ok load' at graph 0.5, graph 0.5 \
        center textcolor rgb '#777777'
    unset key
    plot NaN notitle
}
unset multiplot
