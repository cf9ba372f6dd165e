# streaming.gp: one load's module bytes arriving against V8's compile work on
# its worker threads (wasmlab plot streaming). Variables (besides common.gp's):
#   received_file   t_ms cumulative_KiB cumulative_bytes: 0 at the first
#                   wasm.OnBytesReceived chunk, then one line per chunk
#   sent_file       the same for each write of wasmlab's server
#   has_sent        1 when sent_file has rows (server-shaped loads)
#   compile_file    t_ms cumulative_compile_work_ms (worker threads, merged)
#   t_compile_start, t_last_byte, t_compiled, t_instance
#                   moments in ms since the first byte; -1e300 = unknown
# x = 0 is the module's first byte (ResourceReceiveResponse).

set xlabel 'ms since the module''s first byte (response received)'
set ylabel 'module bytes received (KiB, cumulative)'
set y2label 'compile work on V8''s worker threads (ms, cumulative)'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set border 11 lc rgb '#444444'
set key bottom right font ',9'
# room on the right for the last moment's label
set offsets 0, graph 0.12, graph 0.05, 0

# the moments as dashed vertical lines, labelled at the top
if (t_compile_start > -1e299) {
    set arrow 1 from t_compile_start, graph 0 to t_compile_start, graph 1 nohead dt 2 lc rgb c_grey
    set label 1 'compile start' at t_compile_start, graph 1 offset 0.5, -1 font ',8' textcolor rgb '#555555'
}
if (t_last_byte > -1e299) {
    set arrow 2 from t_last_byte, graph 0 to t_last_byte, graph 1 nohead dt 2 lc rgb c_blue
    set label 2 'last byte' at t_last_byte, graph 1 offset 0.5, -2 font ',8' textcolor rgb c_blue
}
if (t_compiled > -1e299) {
    set arrow 3 from t_compiled, graph 0 to t_compiled, graph 1 nohead dt 2 lc rgb c_red
    set label 3 'compile finished' at t_compiled, graph 1 offset 0.5, -3 font ',8' textcolor rgb c_red
}
if (t_instance > -1e299 && t_instance != t_compiled) {
    set arrow 4 from t_instance, graph 0 to t_instance, graph 1 nohead dt 3 lc rgb c_purple
    set label 4 'instance' at t_instance, graph 1 offset 0.5, -4 font ',8' textcolor rgb c_purple
}

if (has_sent) {
    plot \
        sent_file using 1:2 with steps lc rgb c_sky dt 2 lw 1.5 title 'sent by wasmlab''s server (chunk_sends)', \
        received_file using 1:2 with steps lc rgb c_blue lw 2 title 'received by V8 (wasm.OnBytesReceived)', \
        compile_file using 1:2 axes x1y2 with lines lc rgb c_orange lw 2.5 title 'compile work on worker threads (right axis)'
} else {
    plot \
        received_file using 1:2 with steps lc rgb c_blue lw 2 title 'received by V8 (wasm.OnBytesReceived)', \
        compile_file using 1:2 axes x1y2 with lines lc rgb c_orange lw 2.5 title 'compile work on worker threads (right axis)'
}
