#!/usr/bin/env bash
# Checks that every C++ file under src/ include/ tests/ bench/ fuzz/ is formatted as .clang-format says
# (Debian 12's clang-format-14, so every machine formats alike). Lists the files that are not and exits 1.
#   scripts/check-format.sh            check
#   scripts/check-format.sh --fix      reformat those files in place
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
clang_format="${CLANG_FORMAT:-clang-format-14}"
if ! command -v "$clang_format" >/dev/null; then
    echo "check-format.sh: $clang_format not found (scripts/install-deps.sh installs it)" >&2
    exit 2
fi
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- 'src/*.cpp' 'src/*.h' 'include/*.h' 'tests/*.cpp' 'tests/*.h' \
    'bench/*.cpp' 'bench/*.h' 'fuzz/*.cpp' 'fuzz/*.h')
if [[ "${1:-}" == "--fix" ]]; then
    "$clang_format" -i "${files[@]}"
    exit 0
fi
# One clang-format process for all files (fast); it names each offending file in its diagnostics
# ("path:line:col: error: code should be clang-formatted").
status=0
diagnostics="$("$clang_format" --dry-run --Werror "${files[@]}" 2>&1 >/dev/null)" || status=$?
mapfile -t unformatted < <(printf '%s\n' "$diagnostics" |
    sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)
if ((status != 0 && ${#unformatted[@]} == 0)); then
    printf 'check-format.sh: %s failed:\n%s\n' "$clang_format" "$diagnostics" >&2
    exit 2
fi
if ((${#unformatted[@]})); then
    echo "check-format.sh: ${#unformatted[@]} file(s) not formatted as .clang-format says" \
        "(scripts/check-format.sh --fix reformats them):" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    exit 1
fi
echo "check-format.sh: ${#files[@]} files formatted"
