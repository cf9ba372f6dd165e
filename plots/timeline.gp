# timeline.gp: one load as a timeline (wasmlab plot timeline).
# Variables (besides common.gp's):
#   slices_file   x0 x1 y0 y1 rgb          one box per trace slice (ms, rows)
#   labels_file   x y "text"               slice names that fit in their box
#   lanes_file    y "lane name" y_sep      lane labels and the line above each
#   net_file      4 blocks: request | first byte | chunks (x bytes) | last byte
#   marks_file    x y label_y "name" right  the harness's performance.mark()s
#                                           (right = 1: label left of the mark)
#   gc_v8_file, gc_go_file   x0 x1         GC pauses, drawn across all lanes
#   x_min, x_max  the time window (ms since the module request was sent)
#   y_max         rows in all (row 0 = network, at the top)
#   row_h         a box's height in rows
#   fb_ms, cf_ms  first byte and compile finished (ms); NaN when unknown
#   fb2c_title, chunks_title, gc_v8_title, gc_go_title   legend entries

set xlabel 'time since the module request was sent (ms)'
set ylabel ''
set xrange [x_min:x_max]
set yrange [y_max:-0.4]          # row 0 at the top
set ytics scale 0 font ',9' noenhanced
set grid xtics noytics
set mxtics 5
set key outside bottom center horizontal maxrows 2 font ',9'
set lmargin 30
set rmargin 3
set bmargin 10

# the metric of record: first byte to compile finished
if (fb_ms == fb_ms && cf_ms == cf_ms) {
    set object 1 rectangle from fb_ms, graph 0 to cf_ms, graph 1 behind \
        fillcolor rgb '#fff5cc' fillstyle solid 1.0 noborder
    set arrow 1 from fb_ms, graph 1.012 to cf_ms, graph 1.012 heads size screen 0.006, 90 \
        lc rgb '#8a6d00' lw 1.5 front
}
if (cf_ms == cf_ms) {
    set arrow 2 from cf_ms, graph 0 to cf_ms, graph 1 nohead lc rgb '#8a6d00' lw 1 dt 2 front
    if (cf_ms > x_max - (x_max - x_min) * 0.12) {
        set label 2 'compile finished' at cf_ms, graph 1 offset -0.5, -0.8 right \
            font ',8' textcolor rgb '#8a6d00' front
    } else {
        set label 2 'compile finished' at cf_ms, graph 1 offset 0.5, -0.8 left \
            font ',8' textcolor rgb '#8a6d00' front
    }
}

plot \
    NaN with boxes fillstyle solid 1.0 fillcolor rgb '#fff5cc' title fb2c_title, \
    gc_v8_file using (($1+$2)/2):(y_max/2):1:2:(-0.4):(y_max) with boxxyerror \
        fillstyle transparent solid 0.45 noborder lc rgb '#d55e00' title gc_v8_title, \
    gc_go_file using (($1+$2)/2):(y_max/2):1:2:(-0.4):(y_max) with boxxyerror \
        fillstyle transparent solid 0.45 noborder lc rgb '#8e3b8e' title gc_go_title, \
    lanes_file using (x_min):3:(x_max - x_min):(0) with vectors nohead \
        lc rgb '#c8c8c8' lw 1 notitle, \
    lanes_file using (NaN):1:ytic(2) notitle, \
    slices_file using (($1+$2)/2):(($3+$4)/2):1:2:3:4:5 with boxxyerror \
        fillstyle solid 1.0 noborder fillcolor rgb variable notitle, \
    labels_file using 1:2:3 with labels font ',7' textcolor rgb '#202020' noenhanced notitle, \
    NaN with boxes fillstyle solid 1.0 noborder lc rgb '#e69f00' title 'wasm.* slices', \
    NaN with boxes fillstyle solid 1.0 noborder lc rgb '#009e73' title 'V8 slices', \
    NaN with boxes fillstyle solid 1.0 noborder lc rgb '#56b4e9' title 'Blink and other slices', \
    NaN with boxes fillstyle solid 1.0 noborder lc rgb '#b8b8b8' title 'task scheduling (RunTask)', \
    net_file index 2 using 1:(0.4 - row_h/2):(0):(row_h) with vectors nohead \
        lc rgb '#0072b2' lw 1.5 title chunks_title, \
    net_file index 0 using 1:2 with points pt 9 ps 1.6 lc rgb '#000000' \
        title 'request sent', \
    net_file index 1 using 1:2 with points pt 7 ps 1.4 lc rgb '#d55e00' \
        title 'first byte (response)', \
    net_file index 3 using 1:2 with points pt 5 ps 1.2 lc rgb '#0072b2' \
        title 'last byte', \
    marks_file using 1:2 with points pt 13 ps 1.1 lc rgb '#555555' \
        title 'page marks (performance.mark)', \
    marks_file using 1:($5 == 0 ? $3 : NaN):4 with labels left offset 0.4, 0 font ',7' \
        textcolor rgb '#555555' noenhanced notitle, \
    marks_file using 1:($5 == 1 ? $3 : NaN):4 with labels right offset -0.4, 0 font ',7' \
        textcolor rgb '#555555' noenhanced notitle
