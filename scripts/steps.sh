# Sourced by the top-level scripts: runs one named step and, when it fails, says which step and how
# (exit status, or the signal that killed it) instead of leaving a bare shell message after buffered
# output.
#   run_step "building biomedq" cmake --build build
run_step() {
    local name="$1"
    shift
    local rc=0
    "$@" || rc=$?
    if ((rc == 0)); then return 0; fi
    if ((rc > 128 && rc < 160)); then
        local signal
        signal="$(kill -l $((rc - 128)) 2>/dev/null || echo "$((rc - 128))")"
        echo "biomedq: step '$name' was killed by signal SIG$signal (exit $rc)${BIOMEDQ_STEP_HINT:+; $BIOMEDQ_STEP_HINT}" >&2
    else
        echo "biomedq: step '$name' failed with exit status $rc${BIOMEDQ_STEP_HINT:+; $BIOMEDQ_STEP_HINT}" >&2
    fi
    exit "$rc"
}
