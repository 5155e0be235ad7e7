#!/usr/bin/env bash
# Fetches llama.cpp from the pinned npm package, verifies it, builds it once and caches the result
# outside any build tree, so every later build (and CI on the same machine) reuses it.
#
#   scripts/build-llama.sh [cpu|cuda] [extra targets...]
#   scripts/build-llama.sh --dir [cpu|cuda]     prints the cache directory only (builds nothing)
#
# Prints the cache directory on its last line of stdout. Safe to run repeatedly: a finished build is
# detected by its stamp file and nothing is redone; extra targets (llama-server, rpc-server,
# llama-batched-bench) are built incrementally in the same cached build tree.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=/dev/null
source "$here/cmake/llama-pin.env"

print_dir_only=0
if [[ "${1:-}" == --dir ]]; then print_dir_only=1; shift; fi
backend="${1:-cpu}"
shift || true
extra_targets=("$@")
case "$backend" in cpu|cuda) ;; *) echo "build-llama.sh: backend must be cpu or cuda, got '$backend'" >&2; exit 2;; esac

cache_root="${BIOMEDQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biomedq}"

# The CPU backend is built for this machine (-march=native: AVX2/AVX-512/VNNI where present) but
# WITHOUT the AMX tile kernels. In the pinned llama.cpp those kernels fault with SIGILL ("tilezero" in
# tinygemm_kernel_amx) on CPUs that report AMX under a hypervisor: the tile-data permission is asked for
# on one thread only and the tile configuration can be optimized away (an open upstream fix). Explicit
# -mno-amx-* flags win over -march=native in GCC whatever their order, so __AMX_INT8__ stays undefined,
# ggml compiles no AMX path and registers no AMX buffer type. scripts/check-no-amx.sh (run below and
# by ctest) fails if a tile instruction reaches the CPU library anyway.
# llama.cpp is built with the system compiler whatever CC/CXX the caller has (the sanitizer build
# configures with clang): one cache per machine and configuration, shared by every biomedq build.
cc="${BIOMEDQ_LLAMA_CC:-cc}"
cxx="${BIOMEDQ_LLAMA_CXX:-c++}"
no_amx_flags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
cmake_flags=(
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON
    -DLLAMA_BUILD_COMMON=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_UI=OFF
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DGGML_RPC=ON -DGGML_NATIVE=ON
    "-DCMAKE_C_FLAGS=$no_amx_flags" "-DCMAKE_CXX_FLAGS=$no_amx_flags"
    -DLLAMA_BUILD_NUMBER=0 "-DLLAMA_BUILD_COMMIT=$LLAMA_CPP_COMMIT"
)
if [[ "$backend" == cuda ]]; then
    cmake_flags+=(-DGGML_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=${BIOMEDQ_CUDA_ARCH:-90}")
else
    cmake_flags+=(-DGGML_CUDA=OFF)
fi
# The instruction-set extensions the CPU library is compiled for (what -march=native means here);
# written beside the build so biomedq refuses to start on a CPU that lacks one of them.
native_features() {
    "$cc" -march=native $no_amx_flags -dM -E -x c /dev/null 2>/dev/null |
        sed -n 's/^#define __\(SSE4_2\|POPCNT\|AVX[A-Z0-9_]*\|FMA\|F16C\|BMI2\?\|GFNI\|VPCLMULQDQ\|AMX[A-Z0-9_]*\)__ 1$/\1/p' |
        tr 'A-Z_' 'a-z.' | sort | tr '\n' ' '
}
features="$(native_features)"
# The cache key covers everything that changes the built libraries: pinned commit, backend, CMake
# flags, compiler and the CPU features -march=native selects. A machine with a cache built under an
# older configuration (e.g. with the crashing AMX kernels) builds a new one instead of reusing it.
config_text="$LLAMA_CPP_COMMIT|$backend|${cmake_flags[*]}|$("$cc" --version | head -n1)|$features"
config_key="$(printf '%s' "$config_text" | sha256sum | cut -c1-12)"
dest="$cache_root/llama-$LLAMA_CPP_TAG-$backend-$config_key"
if ((print_dir_only)); then
    echo "$dest"
    exit 0
fi
tarball="$cache_root/node-llama-cpp-$NODE_LLAMA_CPP_VERSION.tgz"
jobs="${BIOMEDQ_JOBS:-$(nproc)}"
mkdir -p "$cache_root"
exec 9>"$cache_root/.lock-$backend"
flock 9   # two concurrent builds must not share one tree

log() { echo "build-llama: $*" >&2; }

verify_tarball() {
    local got
    got="$(sha512sum "$1" | cut -d' ' -f1)"
    [[ "$got" == "$NODE_LLAMA_CPP_SHA512" ]]
}

if [[ ! -f "$dest/src/.biomedq-source-ok" ]]; then
    if [[ ! -f "$tarball" ]] || ! verify_tarball "$tarball"; then
        log "fetching node-llama-cpp@$NODE_LLAMA_CPP_VERSION with npm pack"
        tmp="$(mktemp -d)"
        (cd "$tmp" && npm pack --silent "node-llama-cpp@$NODE_LLAMA_CPP_VERSION" >/dev/null)
        mv "$tmp"/node-llama-cpp-*.tgz "$tarball.part"
        rm -rf "$tmp"
        if ! verify_tarball "$tarball.part"; then
            log "checksum mismatch for node-llama-cpp-$NODE_LLAMA_CPP_VERSION.tgz: expected sha512 $NODE_LLAMA_CPP_SHA512 (cmake/llama-pin.env)"
            rm -f "$tarball.part"
            exit 1
        fi
        mv "$tarball.part" "$tarball"
    fi
    rm -rf "$dest/src" "$dest/unpack"
    mkdir -p "$dest/unpack"
    tar -xzf "$tarball" -C "$dest/unpack" package/llama/gitRelease.bundle package/llama/llama.cpp.info.json
    tag="$(sed -n 's/.*"tag": *"\([^"]*\)".*/\1/p' "$dest/unpack/package/llama/llama.cpp.info.json")"
    if [[ "$tag" != "$LLAMA_CPP_TAG" ]]; then
        log "tarball names llama.cpp tag '$tag', cmake/llama-pin.env pins '$LLAMA_CPP_TAG'"
        exit 1
    fi
    git clone -q "$dest/unpack/package/llama/gitRelease.bundle" "$dest/src" 2>/dev/null
    commit="$(git -C "$dest/src" rev-parse HEAD)"
    if [[ "$commit" != "$LLAMA_CPP_COMMIT" ]]; then
        log "bundle HEAD is $commit, cmake/llama-pin.env pins $LLAMA_CPP_COMMIT"
        exit 1
    fi
    rm -rf "$dest/unpack"
    touch "$dest/src/.biomedq-source-ok"
fi

# llama.cpp's configure and compiler output (thousands of third-party warnings) goes to a log file;
# a failure names it and shows its end.
build_log="$dest/build.log"
logged() {
    local rc=0
    "$@" >>"$build_log" 2>&1 || rc=$?
    if ((rc != 0)); then
        log "'$*' failed (exit $rc); the last lines of $build_log:"
        tail -n 25 "$build_log" >&2
        exit "$rc"
    fi
}

stamp="$dest/build/.biomedq-build-ok"
if [[ ! -f "$stamp" ]]; then
    mkdir -p "$dest"
    : >"$build_log"
    log "configuring llama.cpp $LLAMA_CPP_TAG ($backend, key $config_key) in $dest/build (output: $build_log)"
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    logged env CC="$cc" CXX="$cxx" cmake -S "$dest/src" -B "$dest/build" "${generator[@]}" "${cmake_flags[@]}"
    log "building libraries with $jobs jobs (once per machine; cached afterwards)"
    logged cmake --build "$dest/build" -j "$jobs" --target llama llama-common ggml
    if ! command -v objdump >/dev/null; then
        log "WARNING: objdump (binutils) not found: the AMX guard cannot run here (ctest runs it too)"
    elif ! "$here/scripts/check-no-amx.sh" "$dest/build/bin" >&2; then
        log "the CPU backend contains AMX tile instructions although they were disabled; not caching it"
        exit 1
    fi
    echo "$features" > "$dest/build/biomedq-cpu-features.txt"
    printf '%s\n' "$config_text" > "$dest/build/biomedq-config.txt"
    touch "$stamp"
fi

for t in "${extra_targets[@]}"; do
    if [[ ! -x "$dest/build/bin/$t" ]]; then
        log "building $t (output: $build_log)"
        logged cmake --build "$dest/build" -j "$jobs" --target "$t"
    fi
done

echo "$dest"
