# Inlines the pinned vega / vega-lite / vega-embed JavaScript into biomedq_report at build time, so
# report.html is one self-contained file that renders its plots offline. The npm tarballs are fetched
# and verified once per machine by scripts/fetch-vega.sh (cache outside the build tree). Without them
# (no npm, no network) the build still succeeds: reports then carry tables only and say why.
set(BIOMEDQ_VEGA_DIR "" CACHE PATH "A prepared vega cache dir (default: scripts/fetch-vega.sh)")
set(_vega_dir "${BIOMEDQ_VEGA_DIR}")
if(NOT _vega_dir)
    execute_process(
        COMMAND "${PROJECT_SOURCE_DIR}/scripts/fetch-vega.sh"
        OUTPUT_VARIABLE _vega_dir OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE _vega_rc)
    if(NOT _vega_rc EQUAL 0)
        message(WARNING "scripts/fetch-vega.sh failed (exit ${_vega_rc}): report.html will have no plots")
        set(_vega_dir "")
    endif()
endif()
set(_vega_deps "${PROJECT_SOURCE_DIR}/scripts/embed-vega.cmake")
if(_vega_dir)
    message(STATUS "vega JavaScript for report.html from ${_vega_dir}")
    list(APPEND _vega_deps "${_vega_dir}/VERSIONS" "${_vega_dir}/vega.min.js"
         "${_vega_dir}/vega-lite.min.js" "${_vega_dir}/vega-embed.min.js")
endif()
set(_vega_out "${CMAKE_CURRENT_BINARY_DIR}/generated/report/vega_bundle_data.cpp")
add_custom_command(
    OUTPUT "${_vega_out}"
    COMMAND "${CMAKE_COMMAND}" "-DVEGA_DIR=${_vega_dir}" "-DOUT=${_vega_out}"
            -P "${PROJECT_SOURCE_DIR}/scripts/embed-vega.cmake"
    DEPENDS ${_vega_deps}
    COMMENT "Embedding vega JavaScript for report.html"
    VERBATIM)
target_sources(biomedq_report PRIVATE "${_vega_out}")
