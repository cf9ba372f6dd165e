# The gnuplot templates (plots/*.gp), compiled into wasmlab_core by
# cmake/embed_plots.cmake. Included from the top CMakeLists.txt after
# wasmlab_core is defined. Every template is listed (no globbing).
set(WASMLAB_PLOT_TEMPLATES
  plots/common.gp
  plots/timeline.gp
  plots/latency.gp
  plots/sweep.gp
  plots/sizes.gp
  plots/throughput.gp
  plots/pauses.gp
  plots/streaming.gp
)
set(PLOTS_C "${CMAKE_BINARY_DIR}/generated/plot_templates.c")
string(REPLACE ";" "$<SEMICOLON>" PLOTS_ARG "${WASMLAB_PLOT_TEMPLATES}")
add_custom_command(
  OUTPUT "${PLOTS_C}"
  COMMAND ${CMAKE_COMMAND} -DOUT=${PLOTS_C} -DSRC_DIR=${CMAKE_SOURCE_DIR}
          "-DFILES=${PLOTS_ARG}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_plots.cmake
  DEPENDS ${WASMLAB_PLOT_TEMPLATES} cmake/embed_plots.cmake
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
  COMMENT "Embedding gnuplot templates"
  VERBATIM)
target_sources(wasmlab_core PRIVATE "${PLOTS_C}")
