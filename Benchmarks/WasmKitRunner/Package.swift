// swift-tools-version:6.0
// A package whose only purpose is building WasmKit 0.4.2's command line (`wasmkit-cli`) in release mode,
// so that Benchmarks/harness.py can run the same programs on WasmKit side by side with Swasm.
//
//   swift build -c release --product wasmkit-cli --scratch-path .build
//   .build/release/wasmkit-cli run ../wasm/fib.wasm
import PackageDescription

let package = Package(
    name: "WasmKitRunner",
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
    ],
    targets: []
)
