# -DWASMLAB_MODULES_FROM=DIR: this build's modules/ is a symlink to DIR,
# another build's modules folder, instead of its own 84 builds (CMakeLists.txt).
get_filename_component(wasmlab_from_real "${WASMLAB_MODULES_FROM}" REALPATH)
get_filename_component(wasmlab_here_real "${WASMLAB_MODULES_DIR}" REALPATH)
if(NOT IS_ABSOLUTE "${WASMLAB_MODULES_FROM}")
  message(FATAL_ERROR "WASMLAB_MODULES_FROM=${WASMLAB_MODULES_FROM}: give an absolute path")
endif()
if(NOT EXISTS "${WASMLAB_MODULES_FROM}/manifest.json")
  message(FATAL_ERROR "WASMLAB_MODULES_FROM=${WASMLAB_MODULES_FROM}: no manifest.json there "
    "(build that tree's modules first, e.g. bash scripts/build.sh build)")
endif()
if(IS_SYMLINK "${WASMLAB_MODULES_DIR}")
  file(REMOVE "${WASMLAB_MODULES_DIR}")
elseif(EXISTS "${WASMLAB_MODULES_DIR}")
  if(wasmlab_from_real STREQUAL wasmlab_here_real)
    message(FATAL_ERROR "WASMLAB_MODULES_FROM=${WASMLAB_MODULES_FROM} is this build's own modules folder")
  endif()
  # Modules this build made itself earlier: build output, replaced by the link.
  file(REMOVE_RECURSE "${WASMLAB_MODULES_DIR}")
endif()
file(CREATE_LINK "${wasmlab_from_real}" "${WASMLAB_MODULES_DIR}" SYMBOLIC)
message(STATUS "wasm modules: using ${wasmlab_from_real} (not built here)")
