#!/usr/bin/env bash
# Fails if a generated file differs from what its generator produces now (CI runs it before the tests):
# Scripts/gen-numeric-ops.py writes Sources/WasmCore/NumericOp.swift; Scripts/gen-numerics.py writes
# Sources/WasmRuntime/Generated/*.swift and Sources/WasmRuntimeDispatch/include/WasmRuntimeDispatch.h.
# Run from anywhere; it regenerates in place and compares with the committed files (git diff).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 Scripts/gen-numeric-ops.py
python3 Scripts/gen-numerics.py > /dev/null
generated=(Sources/WasmCore/NumericOp.swift Sources/WasmRuntime/Generated Sources/WasmRuntimeDispatch/include)
if ! git diff --quiet -- "${generated[@]}"; then
  echo "error: generated files are out of date; run the generators (Scripts/gen-numeric-ops.py, Scripts/gen-numerics.py) and commit:" >&2
  git diff --stat -- "${generated[@]}" >&2
  exit 1
fi
echo "check-generated: generated files are current"
