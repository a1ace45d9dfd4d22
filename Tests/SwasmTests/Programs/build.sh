#!/bin/sh
# Rebuilds the committed test programs (clang-16 and the wasm32-wasi sysroot from the Debian package wasi-libc).
set -e
cd "$(dirname "$0")"
clang-16 --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug -o command.wasm command.c
clang-16 --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -Wl,--strip-debug -o reactor.wasm reactor.c
