#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-sanitize/, the folder scripts/run-sanitizers.sh uses)
# and fuzzes each for longer than ctest does.
#   scripts/fuzz.sh [seconds per target, default 600] [target...]   e.g. scripts/fuzz.sh 3600 fuzz_gguf_info
# New inputs go to build-sanitize/fuzz/work/<target>/ (kept between runs, so coverage accumulates);
# crashes to build-sanitize/fuzz/artifacts/<target>-crash-*. Reproduce one with:
#   build-sanitize/fuzz/<target> build-sanitize/fuzz/artifacts/<file>
# BIOMEDQ_FUZZ_JOBS runs that many targets at once (default: nproc).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BIOMEDQ_SANITIZE_BUILD_DIR:-$here/build-sanitize}"
seconds="${1:-600}"
shift || true

BIOMEDQ_SANITIZE_BUILD_DIR="$build_dir" BIOMEDQ_SANITIZE_BUILD_ONLY=1 "$here/scripts/run-sanitizers.sh"

targets=("$@")
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <(cd "$here/fuzz/corpus" && ls)
fi
# shellcheck source=scripts/sanitizer-env.sh
source "$here/scripts/sanitizer-env.sh" "$build_dir"
status=0
run_one() {
    local t="$1" work="$build_dir/fuzz/work/$1" extra=()
    mkdir -p "$work" "$build_dir/fuzz/artifacts"
    [[ "$t" == fuzz_task_yaml ]] && extra=("$here/tasks")
    "$build_dir/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build_dir/fuzz/artifacts/$t-" "$work" "$here/fuzz/corpus/$t" "${extra[@]}" \
        >"$build_dir/fuzz/$t.log" 2>&1
}
jobs_max="${BIOMEDQ_FUZZ_JOBS:-$(nproc)}"
pids=() names=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!) names+=("$t")
    while (($(jobs -rp | wc -l) >= jobs_max)); do sleep 1; done
done
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
        echo "fuzz.sh: ${names[$i]}: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' \
            "$build_dir/fuzz/${names[$i]}.log" | grep -o '[0-9]*$') runs)"
    else
        echo "fuzz.sh: ${names[$i]}: FAILED, see $build_dir/fuzz/${names[$i]}.log" >&2
        status=1
    fi
done
exit $status
