#!/usr/bin/env bash
# Fails if a llama.cpp CPU library can execute AMX tile instructions. The pinned llama.cpp's AMX
# kernels crash with SIGILL on hosts that report AMX under a hypervisor (scripts/build-llama.sh says
# why), and no AMX path of it has been verified to work, so none may be built in. Used by
# build-llama.sh after every build and by ctest (LlamaCpu.NoAmxTileInstructions) on any host.
#   scripts/check-no-amx.sh DIR_OR_FILE...    (a directory: every libggml-cpu*.so in it)
set -euo pipefail
if ! command -v objdump >/dev/null; then
    echo "check-no-amx.sh: objdump not found (Debian package binutils)" >&2
    exit 2
fi
files=()
for arg in "$@"; do
    if [[ -d "$arg" ]]; then
        for f in "$arg"/libggml-cpu*.so*; do [[ -f "$f" && ! -L "$f" ]] && files+=("$f"); done
    else
        files+=("$arg")
    fi
done
if ((${#files[@]} == 0)); then
    echo "check-no-amx.sh: no CPU backend library found in: $*" >&2
    exit 2
fi
# Every AMX instruction: tile configuration, loads/stores, zeroing and the dot-product families.
pattern='[[:space:]](ldtilecfg|sttilecfg|tilerelease|tilezero|tileloadd|tileloaddt1|tilestored|tdpb[su][su]d|tdpbf16ps|tdpfp16ps|tcmmimfp16ps|tcmmrlfp16ps)([[:space:]]|$)'
status=0
for f in "${files[@]}"; do
    hits="$(objdump -d --no-show-raw-insn "$f" | grep -cE "$pattern" || true)"
    if [[ "$hits" != 0 ]]; then
        echo "check-no-amx.sh: $f contains $hits AMX tile instructions, e.g.:" >&2
        objdump -d --no-show-raw-insn "$f" | grep -E "$pattern" | head -n 3 >&2 || true  # head closes the pipe early
        status=1
    else
        echo "check-no-amx.sh: $f: no AMX tile instructions"
    fi
done
exit $status
