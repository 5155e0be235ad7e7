#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (what CI runs), in stages:
#   0. formatting (scripts/check-format.sh: clang-format-14 and .clang-format), first because it
#      takes seconds; BIOMEDQ_CHECK_FORMAT=0 skips it;
#   1. the unit, end-to-end and fault-injection tests on the release build (build/);
#   2. the same tests again under AddressSanitizer + UndefinedBehaviorSanitizer (build-sanitize/,
#      scripts/run-sanitizers.sh);
#   3. every libFuzzer target for 60 s from its seed corpus (same build-sanitize/ folder).
# BIOMEDQ_SANITIZE_STAGE=0 / BIOMEDQ_FUZZ_STAGE=0 skip stage 2 / 3; BIOMEDQ_FUZZ_SECONDS changes the
# time per fuzz target. docs/RELIABILITY.md says what each stage covers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${BIOMEDQ_JOBS:-$(nproc)}"
if [[ "${BIOMEDQ_CHECK_FORMAT:-1}" != 0 ]]; then
    "$here/scripts/install-deps.sh"
    "$here/scripts/check-format.sh"
fi
BIOMEDQ_DEPS_ARGS="--browser" "$here/scripts/build.sh"
(
    cd "${BIOMEDQ_BUILD_DIR:-$here/build}"
    ctest --output-on-failure -j "$jobs" --timeout 1200
)

sanitize_dir="${BIOMEDQ_SANITIZE_BUILD_DIR:-$here/build-sanitize}"
export BIOMEDQ_SANITIZE_BUILD_DIR="$sanitize_dir"
if [[ "${BIOMEDQ_SANITIZE_STAGE:-1}" != 0 ]]; then
    "$here/scripts/run-sanitizers.sh"
elif [[ "${BIOMEDQ_FUZZ_STAGE:-1}" != 0 ]]; then
    BIOMEDQ_SANITIZE_BUILD_ONLY=1 "$here/scripts/run-sanitizers.sh"
fi

if [[ "${BIOMEDQ_FUZZ_STAGE:-1}" != 0 ]]; then
    # shellcheck source=scripts/sanitizer-env.sh
    source "$here/scripts/sanitizer-env.sh" "$sanitize_dir"
    cd "$sanitize_dir"
    ctest --output-on-failure -j "$jobs" -L fuzz
fi
