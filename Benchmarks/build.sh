#!/bin/sh
# Rebuilds every benchmark module from Benchmarks/programs/*.c into Benchmarks/wasm/.
#   - most programs: -O2 -> wasm/NAME.wasm
#   - programs whose name starts with "o0": -O0 (deliberately unoptimized, local.get/local.set-heavy code)
#   - programs whose name starts with "simd_": built twice, -O3 -> wasm/NAME.wasm (scalar) and
#     -O3 -msimd128 -> wasm/NAME.simd.wasm (auto-vectorized / wasm_simd128.h code); both print the same
#   Benchmarks/build.sh                 # rebuild all
#   Benchmarks/build.sh fib simd_dot    # rebuild some
#   CC=clang-16 SYSROOT=/usr Benchmarks/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-clang-16}
SYSROOT=${SYSROOT:-/usr}
mkdir -p "$here/wasm"
if [ $# -eq 0 ]; then
    set -- $(cd "$here/programs" && ls *.c | sed 's/\.c$//')
fi
build() {  # build NAME OUTPUT FLAGS...
    name=$1 out=$2
    shift 2
    echo "$CC $* $name.c -> wasm/$out"
    "$CC" --target=wasm32-wasi --sysroot="$SYSROOT" "$@" -Wall -Wextra -o "$here/wasm/$out" "$here/programs/$name.c" -lm
}
for name in "$@"; do
    case "$name" in
        o0*) build "$name" "$name.wasm" -O0 ;;
        simd_*)
            build "$name" "$name.wasm" -O3
            build "$name" "$name.simd.wasm" -O3 -msimd128 ;;
        *) build "$name" "$name.wasm" -O2 ;;
    esac
done
