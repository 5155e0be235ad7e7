#!/usr/bin/env bash
# Prepares .devbin/ for a GPU machine that has CUDA but no network and no Debian dev packages:
# the stripped biomedq binary (linked against llama.cpp's shared libraries, which the GPU machine
# rebuilds with CUDA from the same pinned tarball), the non-system shared libraries it needs, the
# pinned llama.cpp tarball, and the two data sets the workloads read (PubMedQA, MedQA).
#   bench/gpu/package.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$here/build}"
dst="$here/.devbin"
rm -rf "$dst"
mkdir -p "$dst/lib" "$dst/data"
strip -o "$dst/biomedq" "$build/src/biomedq"
# Everything ldd resolves outside llama.cpp and the C/C++ runtime, which the GPU machine has.
ldd "$build/src/biomedq" | awk '/=> \//{print $3}' | while read -r lib; do
    case "$(basename "$lib")" in
        libc.so*|libm.so*|libstdc++.so*|libgcc_s.so*|libresolv.so*|libgomp.so*|libdl.so*|libpthread.so*) ;;
        libllama*|libggml*) ;;
        *) cp -L "$lib" "$dst/lib/" ;;
    esac
done
# The verified llama.cpp checkout (scripts/build-llama.sh checked the npm tarball's sha512 and the
# bundle's commit), repacked without docs, models and tests to fit the transfer limit; plus the one
# vocabulary the benchmark synthesizes with.
llama_src="$("$here/scripts/build-llama.sh" cpu)/src"
git -C "$llama_src" archive --format=tar HEAD -- . ':!docs' ':!media' ':!models' ':!examples' ':!tests' \
    ':!gguf-py' ':!scripts' ':!benches' | xz -T0 -6 > "$dst/llama-src.tar.xz"
git -C "$llama_src" rev-parse HEAD > "$dst/llama-commit.txt"
xz -T0 -6 -c "$llama_src/models/ggml-vocab-llama-bpe.gguf" > "$dst/ggml-vocab-llama-bpe.gguf.xz"
data="${BIOMEDQ_DATA_DIR:-$here/../shared/data}"
mkdir -p "$dst/data/PubMedQA" "$dst/data/MedQA"
cp "$data/PubMedQA/ori_pqal.json" "$data/PubMedQA/test_ground_truth.json" "$data/PubMedQA/test.tsv" \
   "$data/PubMedQA/train.tsv" "$dst/data/PubMedQA/"  # train: the few-shot examples
cp "$data/MedQA/phrases_no_exclude_test.jsonl" "$dst/data/MedQA/"
du -sh "$dst"
