#!/usr/bin/env bash
# Installs every system package biomedq needs to build and test, from Debian 12. Idempotent; run as
# root. Packages already present are skipped, so a warm machine pays nothing.
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --browser  also Chromium (the report's browser test)
set -euo pipefail

packages=(
    build-essential cmake ninja-build git ca-certificates pkg-config util-linux
    libgtest-dev libgmock-dev   # unit tests
    libbenchmark-dev            # bench/ programs
    nlohmann-json3-dev          # JSON: results, samples, JSONL datasets
    libyaml-cpp-dev             # task and sweep configuration
    libcli11-dev                # command-line parsing
    libfmt-dev                  # formatting of tables and messages
    libsqlite3-dev              # result store
    libcurl4-openssl-dev        # OpenAI-compatible HTTP backend
    libssl-dev                  # SHA-256 of model files (OpenSSL EVP)
    python3-jsonschema          # schema validation of results in tests
    clang libclang-rt-14-dev    # libFuzzer + sanitizer runtimes (fuzz/, scripts/fuzz.sh)
    clang-format-14             # scripts/check-format.sh (the version .clang-format is checked with)
    munge slurmctld slurmd slurm-client  # single-node Slurm for `sweep --slurm` tests (scripts/start-slurm.sh)
)
# npm pack fetches the pinned llama.cpp (and the report's vega JS). A machine whose Node.js comes from
# elsewhere already ships npm, and Debian's npm would conflict with it.
if ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
fi
if [[ "${1:-}" == "--browser" ]]; then
    packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "install-deps.sh: missing packages (${missing[*]}); run as root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
