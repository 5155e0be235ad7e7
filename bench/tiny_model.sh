# shellcheck shell=bash disable=SC2154  # here and build come from the script that sources this
# Sourced by the CPU benchmarks, after they set here (the repository root) and build: sets bin (the
# biomedq binary) and work (a temporary folder, removed on exit), and synthesizes the tiny f16 model
# at $work/tiny.gguf with the llama-bpe vocabulary of the pinned llama.cpp.
bin="$build/src/biomedq"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
llama_src="$("$here/scripts/build-llama.sh" cpu)/src"
"$bin" synth --shape tiny --vocab "$llama_src/models/ggml-vocab-llama-bpe.gguf" --type f16 \
    -o "$work/tiny.gguf" >/dev/null
