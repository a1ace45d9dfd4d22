#!/bin/sh
# Rebuilds the committed WASI test programs (needs clang-16, wasi-libc and libclang-rt-16-dev-wasm32).
# CI uses the committed .wasm files and needs no C toolchain.
#
# Compiling and linking are separate steps so that clang does not run wasm-opt after linking: wasm-opt
# drops the `name` section, which trap backtraces use. The link keeps function names, strips DWARF.
set -e
cd "$(dirname "$0")"
SYSROOT=/usr
LIB=$SYSROOT/lib/wasm32-wasi
BUILTINS=/usr/lib/llvm-16/lib/clang/16/lib/wasi/libclang_rt.builtins-wasm32.a
build() { # name source optimisation
  clang-16 --target=wasm32-wasi --sysroot=$SYSROOT "$3" -c "$2" -o "$1.o"
  wasm-ld-16 -m wasm32 -L$LIB $LIB/crt1-command.o "$1.o" -lc -lm $BUILTINS --strip-debug -o "$1.wasm"
  rm -f "$1.o"
}
for c in hello args_env exit_code stdio clocks_random poll_stdin files escape cpu trap; do
  build $c $c.c -O2
done
# The same CPU program unoptimised: what debugging users run.
build cpu_O0 cpu.c -O0
