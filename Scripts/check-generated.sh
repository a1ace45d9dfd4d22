#!/usr/bin/env bash
# Fails if a generated file differs from what its generator produces now (CI runs it before the tests):
# Scripts/generate.py writes the instructions' code from Instructions/wasm.txt (it lists its files);
# Scripts/gen-numerics.py writes Sources/WasmRuntime/Generated/*.swift and
# Sources/WasmRuntimeDispatch/include/WasmRuntimeDispatch.h.
# Run from anywhere. generate.py --check compares in memory; gen-numerics.py regenerates in place and is compared
# with the committed files (git diff).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 Scripts/generate.py --check
python3 Scripts/gen-numerics.py > /dev/null
generated=(Sources/WasmRuntime/Generated Sources/WasmRuntimeDispatch/include)
# Changed, new (untracked) or deleted files all show in `git status`.
if [ -n "$(git status --porcelain -- "${generated[@]}")" ]; then
  echo "error: generated files are out of date; run the generators (Scripts/generate.py, Scripts/gen-numerics.py) and commit:" >&2
  git status --short -- "${generated[@]}" >&2
  exit 1
fi
echo "check-generated: generated files are current"
