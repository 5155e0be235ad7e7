#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (what CI runs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIOMEDQ_DEPS_ARGS="--browser" "$here/scripts/build.sh"
cd "${BIOMEDQ_BUILD_DIR:-$here/build}"
ctest --output-on-failure -j "${BIOMEDQ_JOBS:-$(nproc)}" --timeout 1200
