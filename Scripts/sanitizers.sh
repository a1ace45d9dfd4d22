#!/bin/sh
# The test suite under sanitizers (README, "Robustness checks"):
#   AddressSanitizer: every test (out-of-bounds accesses, use after free, leaks in Swasm's own code);
#   ThreadSanitizer: the tests that run code on several threads (interrupts, deadlines, lazy translation, concurrent
#   instantiation, WASI waits, streaming).
#
#   Scripts/sanitizers.sh [address|thread]     (both when no argument is given)
#
# Each builds into its own scratch directory (.build-asan, .build-tsan). The C handlers are instrumented too
# (-Xcc -fsanitize=...); their references then count 64-byte units (SWASM_HANDLER_UNIT_LOG2), since the
# instrumented handlers do not fit in the 512 KiB that 8-byte units reach. Threads get 64 MiB stacks: the WAT
# parser's recursion to its nesting limit (1,000 levels) takes several MiB with ASan's larger frames.
set -eu
cd "$(dirname "$0")/.."
export SWASM_TESTSUITE="${SWASM_TESTSUITE:-$(cd .. && pwd)/shared/testsuite}"
ulimit -s 65536

run() {
    sanitizer=$1 scratch=$2
    shift 2
    swift build --build-tests -Xswiftc -sanitize="$sanitizer" -Xcc -fsanitize="$sanitizer" --scratch-path "$scratch"
    swift test --skip-build -Xswiftc -sanitize="$sanitizer" -Xcc -fsanitize="$sanitizer" --scratch-path "$scratch" "$@"
}

case "${1:-both}" in
    address|both)
        # XCTest's runner (which runs no tests here, Swift Testing does) leaks a few objects on purpose.
        LSAN_OPTIONS="suppressions=$(pwd)/Scripts/lsan.supp print_suppressions=0 ${LSAN_OPTIONS:-}" run address .build-asan ;;
esac
case "${1:-both}" in
    thread|both)
        # TSAN_OPTIONS: a report fails the run (exit code 66) instead of only printing.
        TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" \
            run thread .build-tsan --filter 'SwasmTests|BlockingTests|WasmRuntimeTests.LimitsTests|WasmRuntimeTests.LazyTranslationTests'
        ;;
esac
