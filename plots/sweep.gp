# sweep.gp: median first-byte-to-compile per Chrome version (wasmlab plot sweep).
# Variables (besides common.gp's):
#   data_file      one block per series: version_index median_ms ci_lo_ms ci_hi_ms n
#   versions_file  version_index "version"
#   nseries        number of series; series_title[1..nseries] their names
#   nversions      number of versions (x = 1..nversions)

set xlabel 'Chrome version (browser product version)'
set ylabel 'median first byte to compile finished (ms)'
set xrange [0.5:nversions + 0.5]
set yrange [0:*]
set xtics scale 0 noenhanced
set grid ytics noxtics
set key outside right top vertical font ',9'
set bars 2.0

# series side by side around each version, so their error bars stay apart
dx(i) = (i - (nseries + 1) / 2.0) * 0.06

plot \
    for [i=1:nseries] data_file index (i-1) using ($1 + dx(i)):2:3:4 \
        with yerrorlines lt i pt 7 ps 1.1 title series_title[i], \
    versions_file using 1:(NaN):xtic(2) notitle, \
    NaN with lines lc rgb '#000000' lw 1 title 'bars: 95% CI of the median'
