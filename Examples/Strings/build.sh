#!/bin/sh
# Rebuilds strings.wasm from strings.c (needs clang-16 and the wasm32-wasi sysroot, Debian package wasi-libc).
# A WASI "reactor": no main; the host calls _initialize once, then the exported functions.
set -e
cd "$(dirname "$0")"
clang-16 --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor -Wl,--strip-debug -o strings.wasm strings.c
