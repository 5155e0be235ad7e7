#!/usr/bin/env bash
# The AMX guard must be able to fail: an object holding tile instructions is rejected, one without is
# accepted. Runs on any x86-64 host (assembling needs no AMX CPU).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '.text\nf:\n  ldtilecfg (%%rdi)\n  tilezero %%tmm4\n  tdpbssd %%tmm1, %%tmm2, %%tmm0\n  tilerelease\n  ret\n' > "$tmp/amx.s"
printf '.text\ng:\n  vpdpbusd %%zmm1, %%zmm2, %%zmm0\n  ret\n' > "$tmp/vnni.s"
as -o "$tmp/libggml-cpu-amx.so" "$tmp/amx.s"
as -o "$tmp/libggml-cpu-vnni.so" "$tmp/vnni.s"
# Many tile instructions (more than the report shows) must still give exit 1, not a pipe error.
for _ in $(seq 50); do printf '  tilezero %%tmm1\n' >> "$tmp/amx.s"; done
printf '  ret\n' >> "$tmp/amx.s"
as -o "$tmp/libggml-cpu-amx.so" "$tmp/amx.s"
rc=0
"$here/scripts/check-no-amx.sh" "$tmp/libggml-cpu-amx.so" 2>"$tmp/err" || rc=$?
if [[ $rc != 1 ]]; then
    echo "FAIL: the guard exited $rc on an object with AMX tile instructions (expected 1)" >&2
    exit 1
fi
grep -q "contains 54 AMX tile instructions" "$tmp/err" || { echo "FAIL: unexpected report:"; cat "$tmp/err"; exit 1; } >&2
"$here/scripts/check-no-amx.sh" "$tmp/libggml-cpu-vnni.so" >/dev/null || {
    echo "FAIL: the guard rejected AVX-512 VNNI code, which is kept" >&2
    exit 1
}
echo "guard flags AMX, accepts VNNI: ok"
