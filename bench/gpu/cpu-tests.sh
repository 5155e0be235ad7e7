#!/usr/bin/env bash
# Runs the packed test suite (bench/gpu/package-tests.sh) on this machine's CPU: builds the pinned
# llama.cpp here with scripts/build-llama.sh (its AMX guard included), then the demo, `generate` on
# five quantized types of the tiny model, and the main ctest stage. Logs go to $OUT.
#   bench/gpu/cpu-tests.sh
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-/tmp/cpu-tests}"
mkdir -p "$out"
pk="$repo/.devtest"
grep -o -m1 'model name.*' /proc/cpuinfo > "$out/cpu.txt"
grep -o -w -E 'avx512[a-z0-9_]*|amx[a-z0-9_]*|avx_vnni|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ' >> "$out/cpu.txt"
nproc >> "$out/cpu.txt"
# The binaries name paths of the machine that built them: recreate those paths as links.
here_repo="$(cat "$pk/repo-path-here.txt")"
if [[ "$here_repo" != "$repo" ]]; then mkdir -p "$(dirname "$here_repo")"; ln -sfn "$repo" "$here_repo"; fi
tar -xJf "$pk/shared-data.tar.xz" -C "$(dirname "$here_repo")"
tar -xJf "$pk/binaries.tar.xz" -C /
tar -xJf "$pk/ctest-files.tar.xz" -C /
export BIOMEDQ_CACHE=/root/.cache/biomedq
llama="$("$repo/scripts/build-llama.sh" --dir cpu)"
mkdir -p "$llama/src"
[[ -f "$llama/src/.biomedq-source-ok" ]] || { tar -xJf "$pk/llama-src.tar.xz" -C "$llama/src" && touch "$llama/src/.biomedq-source-ok"; }
{ time BIOMEDQ_JOBS="$(nproc)" "$repo/scripts/build-llama.sh" cpu; } > "$out/llama-build.txt" 2>&1 || { tail -30 "$out/llama-build.txt"; exit 1; }
tail -5 "$out/llama-build.txt"
cat "$llama/build/biomedq-cpu-features.txt"
# Where the binaries look for llama.cpp (the build machine's cache key) -> this machine's build.
ln -sfn "$llama" "$BIOMEDQ_CACHE/$(cat "$pk/llama-dir-here.txt")"
export LD_LIBRARY_PATH="$pk/lib"
bin="$here_repo/build/src/biomedq"
"$bin" --version
work="$(mktemp -d)"
cd "$work"
{ time "$bin" demo; } > "$out/demo.txt" 2>&1
echo "demo: exit $?" | tee -a "$out/summary.txt"
vocab="$llama/src/models/ggml-vocab-llama-bpe.gguf"
"$bin" synth --shape tiny --vocab "$vocab" --type f16 -o tiny-f16.gguf > /dev/null 2>&1
"$bin" quantize tiny-f16.gguf --types q8_0,q4_0,q4_k_m,iq4_xs,q2_k -o q > "$out/quantize.txt" 2>&1
for t in Q8_0 Q4_0 Q4_K_M IQ4_XS Q2_K; do
    "$bin" generate q/tiny-f16-$t.gguf --prompt "Aspirin inhibits cyclooxygenase in platelets." --max-tokens 8 > /dev/null 2>> "$out/generate.txt"
    echo "generate $t: exit $?" | tee -a "$out/summary.txt"
done
cd "$here_repo/build"
{ time ctest -j "$(nproc)" --timeout 900 -LE fuzz --output-on-failure; } > "$out/ctest.txt" 2>&1
echo "ctest: exit $?" | tee -a "$out/summary.txt"
tail -25 "$out/ctest.txt"
