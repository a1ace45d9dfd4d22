#!/bin/sh
# Rebuilds the committed test programs (needs clang-16 with the wasm32-wasi sysroot in /usr).
set -e
cd "$(dirname "$0")"
clang-16 --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug -o hello.wasm hello.c
