#!/usr/bin/env bash
# scripts/check-function-length.py: an 81-line function fails and is named with its length and first
# line; an 80-line one, a long namespace or struct, and an allowed file do not fail.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
check="$here/scripts/check-function-length.py"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail=0
body() {  # $1: name, $2: lines in the function from its "{" line to its "}" line
    printf 'int %s() {\n' "$1"
    for ((i = 0; i < $2 - 2; ++i)); do printf '    f("{");  // }\n'; done
    printf '}\n'
}
{ printf 'namespace a {\nstruct S {\n'; body fits 80; printf '};\n'; body fits_too 80; printf '}\n'; } >"$dir/ok.cpp"
{ printf '\n'; body too_long 81; } >"$dir/long.cpp"
out="$(python3 "$check" "$dir/ok.cpp" 2>&1)" || { echo "FAIL: 80-line functions failed: $out"; fail=1; }
out="$(python3 "$check" "$dir" 2>&1)"
if [[ $? != 1 || "$out" != *"81 $dir/long.cpp:2"* || "$out" == *ok.cpp* ]]; then
    echo "FAIL: expected long.cpp:2 (81 lines) to fail, got: $out"
    fail=1
fi
echo "$dir/long*" >"$dir/allow.txt"
out="$(python3 "$check" --allow "$dir/allow.txt" "$dir" 2>&1)" || { echo "FAIL: allowed file failed: $out"; fail=1; }
[[ "$out" == *"(allowed)"* ]] || { echo "FAIL: allowed function not listed: $out"; fail=1; }
exit $fail
