#!/bin/sh
# Coverage-guided fuzzing of one target with libFuzzer (Fuzz/README.md).
#
#   Fuzz/fuzz.sh TARGET [LIBFUZZER_OPTION...] [FILE_OR_DIR...]
#
# TARGET: decode, validate, wat or execute. Builds swasm-fuzz with -sanitize=fuzzer into .build-fuzzer (skip with
# SWASM_FUZZ_NO_BUILD=1), then runs libFuzzer. With no FILE_OR_DIR it fuzzes: new inputs go to
# .build-fuzzer/corpus/TARGET, the committed Fuzz/corpus/TARGET is read as seeds, crashes are written to
# .build-fuzzer/artifacts/TARGET/. With files, libFuzzer runs just those (reproduce a crash), or with -merge=1
# the first directory receives the inputs of the others that add coverage.
# Defaults (override by passing the option again): -max_len=4096 -timeout=10 -rss_limit_mb=4096.
set -eu
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
target=$1
shift
case "$target" in
    decode|validate|wat|execute) ;;
    *) echo "fuzz.sh: unknown target '$target' (decode, validate, wat, execute)" >&2; exit 2 ;;
esac
if [ "${SWASM_FUZZ_NO_BUILD:-}" != 1 ]; then
    swift build -c release --scratch-path .build-fuzzer --product swasm-fuzz \
        -Xswiftc -sanitize=fuzzer -Xswiftc -DSWASM_LIBFUZZER >&2
fi
options=""
inputs=""
for a in "$@"; do
    case "$a" in
        -*) options="$options $a" ;;
        *) inputs="$inputs $a" ;;
    esac
done
mkdir -p ".build-fuzzer/artifacts/$target"
if [ -z "$inputs" ]; then
    mkdir -p ".build-fuzzer/corpus/$target"
    inputs=".build-fuzzer/corpus/$target Fuzz/corpus/$target"
fi
export SWASM_FUZZ_TARGET="$target"
# shellcheck disable=SC2086 # word splitting of the option and input lists is intended
exec .build-fuzzer/release/swasm-fuzz -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix=".build-fuzzer/artifacts/$target/" $options $inputs
