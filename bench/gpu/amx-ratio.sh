#!/usr/bin/env bash
# What building llama.cpp's CPU backend without AMX costs on an AMX host (issue 12): builds the same
# pinned source a second time WITH the AMX kernels (the configuration scripts/build-llama.sh refuses to
# cache), then llama-bench prompt processing on one model with each library, same run, same threads.
# The AMX build is known to die with SIGILL on such hosts under a hypervisor; where it does, the
# figure is recorded as the crash, and a one-thread run is tried (the permission is per thread).
# Run after bench/gpu/cpu-tests.sh (which builds the AMX-less library and unpacks the binaries).
# Then biomedq itself generates from SMALL_QUANTIZED.gguf with each library (LD_LIBRARY_PATH): the
# crash the issue reported was in biomedq's decode, not necessarily in llama-bench's.
#   bench/gpu/amx-ratio.sh MODEL.gguf [SMALL_QUANTIZED.gguf]
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-/tmp/cpu-tests}"
model="${1:?model}"
export BIOMEDQ_CACHE=/root/.cache/biomedq
llama="$("$repo/scripts/build-llama.sh" --dir cpu)"
cmake --build "$llama/build" -j "$(nproc)" --target llama-bench > /dev/null 2>&1
amx=/tmp/llama-amx
cmake -S "$llama/src" -B "$amx" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=OFF \
    -DLLAMA_OPENSSL=OFF -DGGML_NATIVE=ON -DGGML_CUDA=OFF > /dev/null
{ time cmake --build "$amx" -j "$(nproc)" --target llama-bench; } > "$out/amx-build.txt" 2>&1
"$repo/scripts/check-no-amx.sh" "$amx/bin" > "$out/amx-guard.txt" 2>&1
echo "guard on the AMX build: exit $? (1 = tile instructions found, as expected)" | tee -a "$out/amx-ratio.txt"
for threads in "$(nproc)"; do
    for lib in "$llama/build/bin" "$amx/bin"; do
        LD_LIBRARY_PATH="$lib" timeout 300 "$lib/llama-bench" -m "$model" -p 512 -n 0 -r 3 -t "$threads" -o json \
            > "$out/bench-$(basename "$(dirname "$lib")")-t$threads.json" 2>> "$out/amx-ratio.txt"
        echo "$lib t=$threads: exit $?" | tee -a "$out/amx-ratio.txt"
    done
done
small="${2:-}"
if [[ -n "$small" ]]; then
    bin="$(cat "$repo/.devtest/repo-path-here.txt")/build/src/biomedq"
    for lib in "$llama/build/bin" "$amx/bin"; do
        LD_LIBRARY_PATH="$lib:$repo/.devtest/lib" timeout 120 "$bin" generate "$small" --prompt \
            "Aspirin inhibits cyclooxygenase in platelets and reduces thromboxane." --max-tokens 16 --parallel 4 \
            > /dev/null 2>> "$out/amx-ratio.txt"
        echo "biomedq generate with $lib: exit $?" | tee -a "$out/amx-ratio.txt"
    done
fi
