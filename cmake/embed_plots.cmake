# Turns the gnuplot templates of plots/ into a C array, so they stay readable
# gnuplot files in the source tree and the binary needs nothing beside it.
# Inputs: OUT (the .c to write), SRC_DIR, FILES (;-list of paths under SRC_DIR).
set(body "/* Generated from plots/ by cmake/embed_plots.cmake. */\n#include \"collector/plot/plot_templates.h\"\n\nconst struct plot_template plot_templates[] = {\n")
set(n 0)
foreach(f IN LISTS FILES)
  file(READ "${SRC_DIR}/${f}" text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n\"\n    \"" text "${text}")
  get_filename_component(name "${f}" NAME)
  math(EXPR n "${n} + 1")
  string(APPEND body "  { \"${name}\",\n    \"${text}\" },\n")
endforeach()
string(APPEND body "};\nconst int plot_templates_count = ${n};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
