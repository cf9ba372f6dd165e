# common.gp: what every wasmlab chart shares. wasmlab runs gnuplot on
#   (variables it sets) + common.gp + KIND.gp
# Variables set before this file:
#   fmt            'png' or 'svg'
#   outfile        the image to write
#   width, height  its size in pixels
#   title_text     the chart's title
#   subtitle_text  browser(s), module(s) and run(s) the data came from
#   subtitle2_text its second line when it is too long for one ('' if not)
# Every string that came from the DB is printed with `noenhanced`, so module
# names like c/hello_world are shown as they are.

if (fmt eq 'svg') {
    set terminal svg size width, height dynamic font 'Sans,11' background rgb 'white'
} else {
    set terminal pngcairo size width, height font 'Sans,10' background rgb 'white'
}
set output outfile
set encoding utf8

# title and subtitle centred on the image (a key outside the plot would
# shift gnuplot's own title)
set label 901 title_text at screen 0.5, screen 1 offset 0, -1.6 center \
    font ',15' noenhanced front
set label 902 subtitle_text at screen 0.5, screen 1 offset 0, -3.4 center \
    font ',9' textcolor rgb '#555555' noenhanced front
set label 903 subtitle2_text at screen 0.5, screen 1 offset 0, -4.6 center \
    font ',9' textcolor rgb '#555555' noenhanced front
set tmargin (strlen(subtitle2_text) > 0 ? 7 : 6)

set border 3 lc rgb '#444444'
set tics nomirror out scale 0.6
set grid back lc rgb '#dddddd' lw 1 dt 1
set key noenhanced box lc rgb '#bbbbbb' opaque samplen 2 spacing 1.1

# A palette that stays apart in print and for common colour blindness
# (Okabe & Ito).
c_blue   = '#0072b2'
c_orange = '#e69f00'
c_green  = '#009e73'
c_red    = '#d55e00'
c_purple = '#cc79a7'
c_sky    = '#56b4e9'
c_yellow = '#f0e442'
c_grey   = '#999999'
set linetype 1 lc rgb c_blue   lw 2 pt 7 ps 0.9
set linetype 2 lc rgb c_orange lw 2 pt 5 ps 0.9
set linetype 3 lc rgb c_green  lw 2 pt 9 ps 1.0
set linetype 4 lc rgb c_red    lw 2 pt 11 ps 1.0
set linetype 5 lc rgb c_purple lw 2 pt 13 ps 1.0
set linetype 6 lc rgb c_sky    lw 2 pt 7 ps 0.9
set linetype 7 lc rgb '#7f6d00' lw 2 pt 5 ps 0.9
set linetype 8 lc rgb '#882255' lw 2 pt 9 ps 1.0
set linetype cycle 8
