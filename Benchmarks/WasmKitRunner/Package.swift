// swift-tools-version:6.0
// Builds WasmKit 0.4.2's command line (`wasmkit-cli`) in release mode, so that Benchmarks/harness.py can run the
// same programs on WasmKit side by side with Swasm, and `wasmkit-micro` (Micro/main.swift), the embedding-API
// micro benchmarks of Benchmarks/Micro written against WasmKit's public API (`harness.py --micro`).
//
//   swift build -c release --product wasmkit-cli --scratch-path .build
//   .build/release/wasmkit-cli run ../wasm/fib.wasm
//   swift build -c release --product wasmkit-micro --scratch-path .build && .build/release/wasmkit-micro
import PackageDescription

let package = Package(
    name: "WasmKitRunner",
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
    ],
    targets: [
        .executableTarget(name: "wasmkit-micro", dependencies: [
            .product(name: "WasmKit", package: "WasmKit"),
            .product(name: "WAT", package: "WasmKit"),
        ], path: "Micro"),
    ]
)
