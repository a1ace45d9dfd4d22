#!/usr/bin/env bash
# Builds the DocC documentation of the Swasm library (catalog Sources/Swasm/Swasm.docc) with the
# swift-docc-plugin, and fails if DocC or the build reports any warning (a broken symbol link, a topic
# naming a symbol that does not exist, ...) or if the command itself fails.
#
# Usage: Scripts/check-docs.sh
# The build goes to its own scratch path (default .build-docs; set SWASM_DOCS_SCRATCH_PATH to change it), so
# it neither waits for nor invalidates a `swift build` in .build. The archive is left in
# <scratch path>/plugins/Swift-DocC/outputs/Swasm.doccarchive, inside the scratch path, which the plugin may
# write to without `--allow-writing-to-directory`.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="${SWASM_DOCS_SCRATCH_PATH:-.build-docs}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
swift package --scratch-path "$scratch" generate-documentation --target Swasm >"$log" 2>&1 || status=$?
cat "$log"

if [ "$status" -ne 0 ]; then
  echo "check-docs: generate-documentation failed (exit $status)" >&2
  exit "$status"
fi
if grep -q "warning:" "$log"; then
  echo "check-docs: $(grep -c "warning:" "$log") warning line(s) in the documentation build:" >&2
  grep "warning:" "$log" >&2
  exit 1
fi
echo "check-docs: documentation builds without warnings"
