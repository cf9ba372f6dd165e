# sizes.gp: stacked section sizes per module variant (wasmlab plot sizes).
# Variables (besides common.gp's):
#   data_file      one line per variant: "label" kib_section_1 .. kib_section_ncols total_kib
#   ncols          number of section columns (data columns 2 .. ncols+1)
#   nvariants      number of variants (bars)
#   max_kib        the largest module (KiB)
#   section_title[1..ncols], section_color[1..ncols]

set xlabel ''
set ylabel 'size (KiB)'
set yrange [0:max_kib * 1.12]
set style data histograms
set style histogram rowstacked gap 1
set style fill solid 0.9 border lc rgb '#ffffff'
set boxwidth 0.7
set xtics scale 0 noenhanced font ',9'
set grid ytics noxtics
set key outside right top vertical font ',9' invert

# left: absolute sizes; right: each variant's composition (so the small
# modules can be read too). The title labels are drawn with the first plot.
set multiplot layout 1, 2 margins 0.06, 0.86, 0.12, 0.86 spacing 0.07
unset key
plot \
    for [i=1:ncols] data_file using (column(i + 1)):xtic(1) \
        lc rgb section_color[i] title section_title[i], \
    data_file using ($0):(column(ncols + 2)):(sprintf('%.1f KiB', column(ncols + 2))) \
        with labels offset 0, 0.8 font ',8' notitle
unset label 901
unset label 902
unset label 903
set key outside right top vertical font ',9' invert
set ylabel 'share of the module (%)'
set yrange [0:100]
plot \
    for [i=1:ncols] data_file using (100.0 * column(i + 1) / column(ncols + 2)):xtic(1) \
        lc rgb section_color[i] title section_title[i]
unset multiplot
