#!/usr/bin/env bash
# Fetches llama.cpp from the pinned npm package, verifies it, builds it once and caches the result
# outside any build tree, so every later build (and CI on the same machine) reuses it.
#
#   scripts/build-llama.sh [cpu|cuda] [extra targets...]
#
# Prints the cache directory on its last line of stdout. Safe to run repeatedly: a finished build is
# detected by its stamp file and nothing is redone; extra targets (llama-server, rpc-server,
# llama-batched-bench) are built incrementally in the same cached build tree.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=/dev/null
source "$here/cmake/llama-pin.env"

backend="${1:-cpu}"
shift || true
extra_targets=("$@")
case "$backend" in cpu|cuda) ;; *) echo "build-llama.sh: backend must be cpu or cuda, got '$backend'" >&2; exit 2;; esac

cache_root="${BIOMEDQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/biomedq}"
dest="$cache_root/llama-$LLAMA_CPP_TAG-$backend"
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

stamp="$dest/build/.biomedq-build-ok"
if [[ ! -f "$stamp" ]]; then
    log "configuring llama.cpp $LLAMA_CPP_TAG ($backend) in $dest/build"
    cuda_flags=(-DGGML_CUDA=OFF)
    if [[ "$backend" == cuda ]]; then
        cuda_flags=(-DGGML_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=${BIOMEDQ_CUDA_ARCH:-90}")
    fi
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$dest/src" -B "$dest/build" "${generator[@]}" \
        -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
        -DLLAMA_BUILD_COMMON=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_UI=OFF \
        -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DGGML_RPC=ON -DGGML_NATIVE=ON \
        -DLLAMA_BUILD_NUMBER=0 -DLLAMA_BUILD_COMMIT="$LLAMA_CPP_COMMIT" \
        "${cuda_flags[@]}" >&2
    log "building libraries with $jobs jobs (once per machine; cached afterwards)"
    cmake --build "$dest/build" -j "$jobs" --target llama llama-common ggml >&2
    touch "$stamp"
fi

for t in "${extra_targets[@]}"; do
    if [[ ! -x "$dest/build/bin/$t" ]]; then
        log "building $t"
        cmake --build "$dest/build" -j "$jobs" --target "$t" >&2
    fi
done

echo "$dest"
