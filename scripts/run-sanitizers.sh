#!/usr/bin/env bash
# Builds biomedq with AddressSanitizer + UndefinedBehaviorSanitizer (-DBIOMEDQ_SANITIZE=ON, its own
# build folder) and runs the test suite there: any sanitizer report fails the run.
#   scripts/run-sanitizers.sh [ctest args...]     e.g. scripts/run-sanitizers.sh -R e2e
# BIOMEDQ_ASAN_BUILD_DIR picks the folder (default: build-asan). See docs/RELIABILITY.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BIOMEDQ_ASAN_BUILD_DIR:-$here/build-asan}"

"$here/scripts/install-deps.sh" ${BIOMEDQ_DEPS_ARGS:-}
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBIOMEDQ_SANITIZE=ON \
    -DBIOMEDQ_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j "${BIOMEDQ_JOBS:-$(nproc)}"

# halt_on_error: the first report fails the test that triggered it (the process exits non-zero).
# The suppressions cover only leaks inside the prebuilt (uninstrumented) llama.cpp/ggml libraries.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$here/scripts/lsan-llama.supp:print_suppressions=0"
cd "$build_dir"
ctest --output-on-failure -j "${BIOMEDQ_JOBS:-$(nproc)}" --timeout 1800 "$@"
