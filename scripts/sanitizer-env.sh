# Sourced by scripts/run-sanitizers.sh and scripts/run-tests.sh: the sanitizer settings for the
# build in $1 (build-sanitize/). halt_on_error makes the first report fail the process, so the test
# that triggered it fails; biomedq processes started by end-to-end tests inherit the settings. The
# suppressions cover only leaks inside the prebuilt, uninstrumented llama.cpp/ggml libraries.
#
# LeakSanitizer stops the process's threads with ptrace at exit; where ptrace is not allowed (some
# containers) it aborts every process. A probe finds out, and then leak detection alone is turned off,
# loudly, while ASan and UBSan stay on.
_sanitize_here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_sanitize_probe="$1/tests/biomedq_core_tests"
_sanitize_leaks=1
if [[ -x "$_sanitize_probe" ]] && ! ASAN_OPTIONS=detect_leaks=1 "$_sanitize_probe" --gtest_filter='CpuThreads.*' \
        >/dev/null 2>"$1/lsan-probe.log"; then
    if grep -q "LeakSanitizer has encountered a fatal error" "$1/lsan-probe.log"; then
        echo "sanitizer-env.sh: LeakSanitizer cannot run on this machine (see $1/lsan-probe.log);" \
             "leak detection is OFF, AddressSanitizer and UndefinedBehaviorSanitizer stay on" >&2
        _sanitize_leaks=0
    fi
fi
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="detect_leaks=${_sanitize_leaks}:halt_on_error=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$_sanitize_here/scripts/lsan-llama.supp:print_suppressions=0"
