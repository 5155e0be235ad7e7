#!/usr/bin/env bash
# Installs dependencies, builds the pinned llama.cpp (cached per machine) and biomedq.
#   scripts/build.sh [extra cmake args...]     e.g. -DBIOMEDQ_CUDA=ON
# BIOMEDQ_BUILD_DIR picks the build folder (default: build).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BIOMEDQ_BUILD_DIR:-$here/build}"
"$here/scripts/install-deps.sh" ${BIOMEDQ_DEPS_ARGS:-}
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" -j "${BIOMEDQ_JOBS:-$(nproc)}"
