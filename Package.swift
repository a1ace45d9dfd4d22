// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Swasm",
    products: [
        .executable(name: "swasm", targets: ["swasm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Types shared by every stage: value types, instructions, the decoded module.
        .target(name: "WasmCore"),
        // Binary format: bytes -> Module, and an instruction reader for function bodies.
        .target(name: "WasmBinary", dependencies: ["WasmCore"]),
        // Text format: WAT -> binary bytes, and WAST scripts.
        .target(name: "WasmText", dependencies: ["WasmCore"]),
        // The type system: module and function-body validation.
        .target(name: "WasmValidation", dependencies: ["WasmCore", "WasmBinary"]),
        // Store, instances, translator to internal code, and the interpreter.
        .target(name: "WasmRuntime", dependencies: ["WasmCore", "WasmBinary", "WasmValidation"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // Runs WAST scripts against the runtime.
        .target(name: "WastRunner", dependencies: ["WasmCore", "WasmBinary", "WasmText", "WasmValidation", "WasmRuntime"]),
        // WASI preview 1 (wasi_snapshot_preview1) host functions.
        .target(name: "WASI", dependencies: ["WasmCore", "WasmRuntime"]),
        // The command line.
        .target(name: "SwasmCLI", dependencies: [
            "WasmCore", "WasmBinary", "WasmText", "WasmValidation", "WasmRuntime", "WastRunner", "WASI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "swasm", dependencies: ["SwasmCLI"]),

        .testTarget(name: "WasmBinaryTests", dependencies: ["WasmBinary", "WasmCore"]),
        .testTarget(name: "WasmTextTests", dependencies: ["WasmText", "WasmBinary", "WasmCore"]),
        .testTarget(name: "WasmValidationTests", dependencies: ["WasmValidation", "WasmBinary", "WasmText", "WasmCore"]),
        .testTarget(name: "WasmRuntimeTests", dependencies: ["WasmRuntime", "WasmText", "WasmBinary", "WasmCore"]),
        .testTarget(name: "SpecTests", dependencies: ["WastRunner"]),
        .testTarget(name: "WASITests", dependencies: ["WASI", "WasmRuntime", "WasmText", "WasmCore"],
                    exclude: ["Programs"]),
    ],
    swiftLanguageModes: [.v6]
)
