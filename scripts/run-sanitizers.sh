#!/usr/bin/env bash
# Builds biomedq, its tests and its libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in their own folder (build-sanitize/), then runs the unit, end-to-end and
# fault-injection tests there: any sanitizer report (memory error, undefined behaviour, leak) makes the
# test that triggered it fail. scripts/run-tests.sh (CI) calls this after the main suite.
#   scripts/run-sanitizers.sh [ctest args...]     e.g. scripts/run-sanitizers.sh -R EvalE2E
# BIOMEDQ_SANITIZE_BUILD_DIR picks the folder; BIOMEDQ_SANITIZE_BUILD_ONLY=1 builds without testing
# (the fuzz stage of run-tests.sh reuses the same build). See docs/RELIABILITY.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BIOMEDQ_SANITIZE_BUILD_DIR:-$here/build-sanitize}"
jobs="${BIOMEDQ_JOBS:-$(nproc)}"

"$here/scripts/install-deps.sh" ${BIOMEDQ_DEPS_ARGS:-}
# One clang build serves both jobs: BIOMEDQ_FUZZ=ON compiles every library with ASan + UBSan (UBSan
# does not recover) plus libFuzzer's coverage hooks, which ordinary executables link as no-ops.
CC=clang CXX=clang++ cmake -S "$here" -B "$build_dir" -G Ninja -DBIOMEDQ_FUZZ=ON -DBIOMEDQ_TESTS=ON \
    -DBIOMEDQ_BENCH=OFF -DBIOMEDQ_FUZZ_SECONDS="${BIOMEDQ_FUZZ_SECONDS:-60}" >/dev/null
cmake --build "$build_dir" -j "$jobs"
[[ "${BIOMEDQ_SANITIZE_BUILD_ONLY:-0}" == 1 ]] && exit 0

# shellcheck source=scripts/sanitizer-env.sh
source "$here/scripts/sanitizer-env.sh" "$build_dir"
cd "$build_dir"
ctest --output-on-failure -j "$jobs" --timeout 1800 -LE fuzz "$@"
