#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (what CI runs), then builds the libFuzzer targets
# with clang (build-fuzz/) and fuzzes each for 20 s (docs/RELIABILITY.md). BIOMEDQ_FUZZ_STAGE=0 skips
# the fuzz stage; BIOMEDQ_FUZZ_SECONDS changes the time per target.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIOMEDQ_DEPS_ARGS="--browser" "$here/scripts/build.sh"
(
    cd "${BIOMEDQ_BUILD_DIR:-$here/build}"
    ctest --output-on-failure -j "${BIOMEDQ_JOBS:-$(nproc)}" --timeout 1200
)

if [[ "${BIOMEDQ_FUZZ_STAGE:-1}" != 0 ]]; then
    fuzz_dir="${BIOMEDQ_FUZZ_BUILD_DIR:-$here/build-fuzz}"
    CC=clang CXX=clang++ cmake -S "$here" -B "$fuzz_dir" -G Ninja -DBIOMEDQ_FUZZ=ON -DBIOMEDQ_TESTS=OFF \
        -DBIOMEDQ_BENCH=OFF -DBIOMEDQ_FUZZ_SECONDS="${BIOMEDQ_FUZZ_SECONDS:-20}" >/dev/null
    cmake --build "$fuzz_dir" -j "${BIOMEDQ_JOBS:-$(nproc)}" --target biomedq_fuzzers
    cd "$fuzz_dir"
    ctest --output-on-failure -j "${BIOMEDQ_JOBS:-$(nproc)}" -L fuzz
fi
