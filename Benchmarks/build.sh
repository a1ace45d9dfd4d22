#!/bin/sh
# Rebuilds every benchmark module from Benchmarks/programs/*.c into Benchmarks/wasm/NAME.wasm.
# Everything is built with -O2 except programs whose name starts with "o0", which are built with -O0
# (deliberately unoptimized, local.get/local.set-heavy code).
#   Benchmarks/build.sh            # rebuild all
#   Benchmarks/build.sh fib sort   # rebuild some
#   CC=clang-16 SYSROOT=/usr Benchmarks/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-clang-16}
SYSROOT=${SYSROOT:-/usr}
mkdir -p "$here/wasm"
if [ $# -eq 0 ]; then
    set -- $(cd "$here/programs" && ls *.c | sed 's/\.c$//')
fi
for name in "$@"; do
    src="$here/programs/$name.c"
    case "$name" in o0*) opt=-O0 ;; *) opt=-O2 ;; esac
    echo "$CC $opt $name.c -> wasm/$name.wasm"
    "$CC" --target=wasm32-wasi --sysroot="$SYSROOT" $opt -Wall -Wextra -o "$here/wasm/$name.wasm" "$src" -lm
done
