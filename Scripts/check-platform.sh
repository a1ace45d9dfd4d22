#!/usr/bin/env bash
# Fails (exit 1, printing file:line) if Swift code outside Sources/WasmPlatform names a C library module:
# Glibc, Musl, Darwin, ucrt, WinSDK (imports, `canImport(...)` conditions, qualified names such as
# `Glibc.write`). Every other target imports WasmPlatform, which re-exports the host's C library and wraps
# what differs between hosts (ARCHITECTURE.md, "Platform layer"). Lines that are only a comment are ignored;
# to branch on the host, use `os(...)` conditions or a wrapper in WasmPlatform.
#
#   Scripts/check-platform.sh          run from anywhere; checks Sources, Tests, Examples, Benchmarks, Fuzz
set -euo pipefail
cd "$(dirname "$0")/.."

dirs=()
for d in Sources Tests Examples Benchmarks Fuzz; do
  [ -d "$d" ] && dirs+=("$d")
done

# grep -n prints FILE:LINE:TEXT; drop the platform layer, build directories and checked-out dependencies, then
# lines whose text starts with a comment, then lines that name a library only in a trailing `//` comment.
names='(^|[^A-Za-z0-9_])(Glibc|Musl|Darwin|ucrt|WinSDK)([^A-Za-z0-9_]|$)'
offending=$(grep -rnwE --include='*.swift' 'Glibc|Musl|Darwin|ucrt|WinSDK' "${dirs[@]}" \
  | grep -vE '^Sources/WasmPlatform/' \
  | grep -vE '(^|/)(\.build[^/]*|\.swiftpm|checkouts)/' \
  | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/\*|\*)' \
  | while IFS= read -r line; do
      code=${line#*:*:}
      code=${code%%//*}
      if [[ $code =~ $names ]]; then printf '%s\n' "$line"; fi
    done || true)

if [ -n "$offending" ]; then
  echo "error: a C library is named outside Sources/WasmPlatform (import WasmPlatform instead, or add a wrapper there):" >&2
  echo "$offending" >&2
  exit 1
fi
echo "check-platform: no C library named outside Sources/WasmPlatform"
