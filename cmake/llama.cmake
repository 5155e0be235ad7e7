# Locates (building on first use) the pinned llama.cpp in the per-machine cache and exposes it as the
# imported target biomedq::llama. The build lives outside our build tree so a fresh build directory,
# a fresh clone, or CI on the same machine reuses it.
file(STRINGS "${CMAKE_SOURCE_DIR}/cmake/llama-pin.env" _pin REGEX "^[A-Z_]+=")
foreach(_line IN LISTS _pin)
    string(REGEX MATCH "^([A-Z_]+)=(.*)$" _m "${_line}")
    set(${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
endforeach()

if(BIOMEDQ_CUDA)
    set(BIOMEDQ_LLAMA_BACKEND cuda)
else()
    set(BIOMEDQ_LLAMA_BACKEND cpu)
endif()

set(BIOMEDQ_LLAMA_DIR "" CACHE PATH "A prepared llama.cpp cache dir (default: scripts/build-llama.sh)")
if(NOT BIOMEDQ_LLAMA_DIR)
    execute_process(
        COMMAND "${CMAKE_SOURCE_DIR}/scripts/build-llama.sh" ${BIOMEDQ_LLAMA_BACKEND}
        OUTPUT_VARIABLE _llama_dir OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE _llama_rc)
    if(NOT _llama_rc EQUAL 0)
        message(FATAL_ERROR "scripts/build-llama.sh ${BIOMEDQ_LLAMA_BACKEND} failed (exit ${_llama_rc})")
    endif()
    set(BIOMEDQ_LLAMA_DIR "${_llama_dir}")
endif()
message(STATUS "llama.cpp ${LLAMA_CPP_TAG} (${BIOMEDQ_LLAMA_BACKEND}) from ${BIOMEDQ_LLAMA_DIR}")

set(_src "${BIOMEDQ_LLAMA_DIR}/src")
set(_bin "${BIOMEDQ_LLAMA_DIR}/build/bin")
add_library(biomedq_llama INTERFACE)
target_include_directories(biomedq_llama SYSTEM INTERFACE
    "${_src}/include" "${_src}/ggml/include" "${_src}/common" "${_src}/vendor")
target_link_libraries(biomedq_llama INTERFACE
    "${_bin}/libllama-common.so" "${_bin}/libllama.so" "${_bin}/libggml.so" "${_bin}/libggml-base.so")
target_link_options(biomedq_llama INTERFACE "-Wl,-rpath,${_bin}")
add_library(biomedq::llama ALIAS biomedq_llama)

set(BIOMEDQ_LLAMA_SRC "${_src}")
set(BIOMEDQ_LLAMA_BIN "${_bin}")
