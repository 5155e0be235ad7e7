#!/usr/bin/env bash
# scripts/steps.sh: a step that fails or is killed is named, with its exit status or signal, and the
# script stops with that status (issue 18 item 2: no bare shell message after buffered output).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fail=0
expect() {  # $1: expected exit, $2: expected message, rest: the step
    local want_rc="$1" want="$2"
    shift 2
    local err rc
    err="$(bash -c 'source "$0/scripts/steps.sh"; run_step "$@"; echo "not reached"' "$here" "$@" 2>&1 >/dev/null)"
    rc=$?
    if [[ "$rc" != "$want_rc" || "$err" != *"$want"* ]]; then
        echo "FAIL: step $* -> exit $rc, stderr: $err (expected exit $want_rc and: $want)"
        fail=1
    fi
}
expect 3 "biomedq: step 'configuring' failed with exit status 3" configuring bash -c 'exit 3'
expect 137 "biomedq: step 'building llama.cpp' was killed by signal SIGKILL (exit 137)" "building llama.cpp" bash -c 'kill -KILL $$'
expect 143 "biomedq: step 'running biomedq demo' was killed by signal SIGTERM (exit 143)" "running biomedq demo" bash -c 'kill -TERM $$'
out="$(bash -c 'source "$0/scripts/steps.sh"; run_step ok true; echo after' "$here" 2>&1)"
[[ "$out" == "after" ]] || { echo "FAIL: a successful step printed: $out"; fail=1; }
exit "$fail"
