#!/usr/bin/env bash
# Packs the built test suite for a machine with no network and no Debian dev packages (the GPU hosts,
# whose Intel Xeon reports AMX: issue 12 was found there), into .devtest/ (git-ignored via
# .git/info/exclude): stripped test binaries and biomedq, ctest's files, the non-system shared
# libraries they need, the pinned llama.cpp checkout (rebuilt there by scripts/build-llama.sh) and the
# data sets. bench/gpu/cpu-tests.sh runs it there.
#   bench/gpu/package-tests.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
dst="$here/.devtest"
grep -qx '/.devtest/' "$here/.git/info/exclude" 2>/dev/null || echo '/.devtest/' >> "$here/.git/info/exclude"
rm -rf "$dst"
mkdir -p "$dst/lib"
# Binaries keep their build-tree paths (ctest files name them), so they are packed relative to /.
files=("$build/src/biomedq")
while IFS= read -r f; do files+=("$f"); done < <(find "$build/tests" -maxdepth 1 -type f -name 'biomedq_*_tests')
tar -C / -cf "$dst/binaries.tar" "${files[@]#/}"
mkdir -p "$dst/strip" && tar -C "$dst/strip" -xf "$dst/binaries.tar"
find "$dst/strip" -type f -exec strip --strip-debug {} +
tar -C "$dst/strip" -cf - . | xz -T0 -6 > "$dst/binaries.tar.xz"
rm -rf "$dst/strip" "$dst/binaries.tar"
(cd / && find "${build#/}" \( -name 'CTestTestfile.cmake' -o -name '*_tests.cmake' -o -name '*_include.cmake' \) -print0 |
    tar --null -T - -cf - | xz -T0 -6) > "$dst/ctest-files.tar.xz"
ldd "$build/src/biomedq" "$build"/tests/biomedq_*_tests | awk '/=> \//{print $3}' | sort -u | while read -r lib; do
    case "$(basename "$lib")" in
        libc.so*|libm.so*|libstdc++.so*|libgcc_s.so*|libresolv.so*|libgomp.so*|libdl.so*|libpthread.so*) ;;
        libllama*|libggml*|libmtmd*) ;;
        *) cp -L "$lib" "$dst/lib/" ;;
    esac
done
llama="$("$here/scripts/build-llama.sh" --dir cpu)"
git -C "$llama/src" archive --format=tar HEAD -- . ':!docs' ':!media' ':!examples' ':!tests' ':!gguf-py' \
    ':!benches' ':!models/templates' | xz -T0 -6 > "$dst/llama-src.tar.xz"
basename "$llama" > "$dst/llama-dir-here.txt"
tar -C "$here/.." -cf - shared/data | xz -T0 -6 > "$dst/shared-data.tar.xz"
echo "$here" > "$dst/repo-path-here.txt"
du -sh "$dst"/*
