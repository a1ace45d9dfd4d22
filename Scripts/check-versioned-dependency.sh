#!/usr/bin/env bash
# Uses Swasm the way a new user does: a fresh package that depends on it by version
# (`.package(url:, from: "1.0.0")`), builds, and runs the README's quickstart (Examples/Quickstart/main.swift,
# which the README holds verbatim) through it. SwiftPM refuses unsafe build flags (`unsafeFlags`) in any target a
# version-based dependency builds, which a `.package(path:)` or branch dependency would not show.
#
# The dependency is a local git clone of the committed HEAD, tagged 1.0.0, so uncommitted changes are not tested.
# CI runs this after the tests; it takes a debug build of the library (about two minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git clone -q "$root" "$work/swasm"
git -C "$work/swasm" tag 1.0.0

mkdir -p "$work/app/Sources/app"
cat > "$work/app/Package.swift" <<EOF
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "app",
    dependencies: [.package(url: "file://$work/swasm", from: "1.0.0")],
    targets: [.executableTarget(name: "app", dependencies: [.product(name: "Swasm", package: "swasm")])]
)
EOF
cp Examples/Quickstart/main.swift "$work/app/Sources/app/main.swift"
cp Examples/Quickstart/my-module.wasm "$work/app/"

cd "$work/app"
if ! swift build 2>&1 | tee "$work/build.log" | tail -5; then
  echo "error: a package depending on Swasm by version does not build:" >&2
  grep -E "error:" "$work/build.log" >&2 || true
  exit 1
fi
output=$(swift run -q app)
expected=$'["myFunction", "add"]\n10\n20\n5'
if [ "$output" != "$expected" ]; then
  echo "error: the quickstart printed:" >&2
  echo "$output" >&2
  echo "expected:" >&2
  echo "$expected" >&2
  exit 1
fi
echo "check-versioned-dependency: a package depending on Swasm from: 1.0.0 builds and runs the quickstart"
