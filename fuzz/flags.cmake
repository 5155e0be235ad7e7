# Included by the top-level CMakeLists.txt before src/ when BIOMEDQ_FUZZ=ON: every library is built
# with libFuzzer's coverage instrumentation plus ASan/UBSan, so the fuzz targets see inside them.
# UBSan does not recover, so undefined behaviour stops the fuzzer like a crash does.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BIOMEDQ_FUZZ=ON needs clang (libFuzzer): "
        "scripts/run-sanitizers.sh does it: CC=clang CXX=clang++ cmake -B build-sanitize -DBIOMEDQ_FUZZ=ON")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
