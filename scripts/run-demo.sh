#!/usr/bin/env bash
# Installs, builds the biomedq binary (not the tests) and runs `biomedq demo` (a tiny random-weight
# model through the whole pipeline). README "First run" gives the measured times.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/steps.sh
source "$here/scripts/steps.sh"
BIOMEDQ_BUILD_TARGETS="${BIOMEDQ_BUILD_TARGETS:-biomedq}" "$here/scripts/build.sh"
run_step "running biomedq demo" "${BIOMEDQ_BUILD_DIR:-$here/build}/src/biomedq" demo "$@"
