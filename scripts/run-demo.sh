#!/usr/bin/env bash
# Installs, builds and runs `biomedq demo` (a tiny random-weight model through the whole pipeline).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/build.sh"
exec "${BIOMEDQ_BUILD_DIR:-$here/build}/src/biomedq" demo "$@"
