#!/usr/bin/env bash
# Installs dependencies, builds the pinned llama.cpp (cached per machine) and biomedq.
#   scripts/build.sh [extra cmake args...]     e.g. -DBIOMEDQ_CUDA=ON
# BIOMEDQ_BUILD_DIR picks the build folder (default: build). BIOMEDQ_BUILD_TARGETS builds only those
# targets (run-demo.sh: just the biomedq binary, not the tests).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/steps.sh
source "$here/scripts/steps.sh"
build_dir="${BIOMEDQ_BUILD_DIR:-$here/build}"
run_step "installing dependencies (scripts/install-deps.sh)" "$here/scripts/install-deps.sh" ${BIOMEDQ_DEPS_ARGS:-}
# Configuring also builds the pinned llama.cpp the first time (scripts/build-llama.sh; its compiler
# output goes to a log file in its cache folder, named if it fails).
run_step "configuring biomedq (and building llama.cpp on first use)" \
    cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
targets=()
for t in ${BIOMEDQ_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
run_step "building biomedq${BIOMEDQ_BUILD_TARGETS:+ ($BIOMEDQ_BUILD_TARGETS)}" \
    cmake --build "$build_dir" -j "${BIOMEDQ_JOBS:-$(nproc)}" "${targets[@]}"
