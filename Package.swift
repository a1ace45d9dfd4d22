// swift-tools-version:6.0
import PackageDescription

// The interpreter's dispatch (ARCHITECTURE.md, "Direct threading"): the native one on x86-64, the portable one
// (no inline assembly, no CPU-specific handler copies, no assumption on where handlers lie) on every other CPU.
// `SWASM_PORTABLE_DISPATCH=1 swift build` forces the portable one on x86-64 (`=loop`: its form without tail
// calls, for CPUs where clang cannot always make them); the macro is defined for the C handlers and for Swift.
let portableDispatch = Context.environment["SWASM_PORTABLE_DISPATCH"] ?? ""
let dispatchDefines = portableDispatch.isEmpty || portableDispatch == "0" ? [] :
    portableDispatch == "loop" ? ["SWASM_PORTABLE_DISPATCH", "SWASM_DISPATCH_LOOP"] : ["SWASM_PORTABLE_DISPATCH"]
// Debug builds compile the handlers unoptimized, several times larger: they count handler references in 64-byte
// units (4 MiB of reach, one shift more per dispatch) instead of 8-byte ones (512 KiB), as sanitizer builds do.
let dispatchCSettings: [CSetting] = dispatchDefines.map { .define($0) }
    + [.define("SWASM_WIDE_HANDLER_UNITS", .when(configuration: .debug))]
let dispatchSwiftSettings: [SwiftSetting] = dispatchDefines.map { .define($0) }

let package = Package(
    name: "Swasm",
    products: [
        .executable(name: "swasm", targets: ["swasm"]),
        // The JS-shaped embedding API: `import Swasm`, then `WebAssembly.instantiate(...)`.
        .library(name: "Swasm", targets: ["Swasm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Provides `swift package generate-documentation` (the DocC catalog Sources/Swasm/Swasm.docc, Scripts/check-docs.sh).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // Types shared by every stage: value types, instructions, the decoded module.
        .target(name: "WasmCore"),
        // Binary format: bytes -> Module, and an instruction reader for function bodies.
        .target(name: "WasmBinary", dependencies: ["WasmCore"]),
        // Text format: WAT -> binary bytes, and WAST scripts.
        .target(name: "WasmText", dependencies: ["WasmCore", "WasmBinary"]),
        // The type system: module and function-body validation.
        .target(name: "WasmValidation", dependencies: ["WasmCore", "WasmBinary"]),
        // The operating-system layer, the only target that names the C library (Scripts/check-platform.sh): it
        // re-exports it, with wrappers where hosts differ, and reserves virtual memory for linear memories.
        .target(name: "WasmPlatform"),
        // The interpreter's instruction handlers: C functions that tail-call each other (threaded code),
        // generated with the Swift instruction bodies they inline (Scripts/gen-numerics.py).
        .target(name: "WasmRuntimeDispatch", cSettings: dispatchCSettings),
        // Store, instances, translator to internal code, and the interpreter.
        .target(name: "WasmRuntime", dependencies: ["WasmCore", "WasmBinary", "WasmValidation", "WasmPlatform", "WasmRuntimeDispatch"],
                // The handlers (C, compiled into this module) need no flag: they carry their own attributes
                // (WasmRuntimeDispatch.h). One thing only a build option gives: SwiftPM keeps frame pointers on
                // Linux, a push and pop of rbp in every handler (9% slower); `swift build -c release
                // --omit-frame-pointers` drops them (README, "Building for speed").
                cSettings: dispatchCSettings, swiftSettings: dispatchSwiftSettings),
        // Runs WAST scripts against the runtime.
        .target(name: "WastRunner", dependencies: ["WasmCore", "WasmBinary", "WasmText", "WasmValidation", "WasmRuntime"]),
        // WASI preview 1 (wasi_snapshot_preview1) host functions.
        .target(name: "WASI", dependencies: ["WasmCore", "WasmRuntime", "WasmPlatform"]),
        // The command line.
        .target(name: "SwasmCLI", dependencies: [
            "WasmCore", "WasmBinary", "WasmText", "WasmValidation", "WasmRuntime", "WastRunner", "WASI", "WasmPlatform",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The command line. `swift build -c release --static-swift-stdlib` links the Swift runtime into it (README,
        // "Building for speed"): a launch then binds no symbols of the Swift libraries.
        .executableTarget(name: "swasm", dependencies: ["SwasmCLI"]),
        // The embedding API: wraps the engine targets and WASI; exposes none of their types.
        .target(name: "Swasm", dependencies: ["WasmCore", "WasmBinary", "WasmText", "WasmValidation", "WasmRuntime", "WASI"]),
        // Runnable examples of the embedding API (Examples/*/main.swift); SwasmTests runs each one.
        .executableTarget(name: "QuickstartExample", dependencies: ["Swasm"], path: "Examples/Quickstart",
                          exclude: ["my-module.wat", "my-module.wasm"]),
        .executableTarget(name: "HostFunctionsExample", dependencies: ["Swasm"], path: "Examples/HostFunctions"),
        .executableTarget(name: "StringsExample", dependencies: ["Swasm"], path: "Examples/Strings",
                          exclude: ["strings.c", "strings.wasm", "build.sh"]),
        .executableTarget(name: "SharedMemoryExample", dependencies: ["Swasm"], path: "Examples/SharedMemory"),
        .executableTarget(name: "CatchingTrapsExample", dependencies: ["Swasm"], path: "Examples/CatchingTraps"),
        // Embedding-API micro benchmarks (instantiation, Swift -> wasm and wasm -> Swift calls), run by
        // `Benchmarks/harness.py --micro`; no test depends on it.
        .executableTarget(name: "swasm-micro", dependencies: ["Swasm", "WasmPlatform"], path: "Benchmarks/Micro"),
        // Differential testing against wasmtime (Scripts/README-difftest.md): the Swasm-side driver of
        // Scripts/difftest.py (in no product), and DiffTests, which replays the hostile modules in Tests/Hostile.
        .executableTarget(name: "swasm-difftest", dependencies: ["WasmCore", "WasmRuntime", "WasmText", "WasmPlatform"]),
        .testTarget(name: "DiffTests", dependencies: ["swasm-difftest"]),
        // Fuzzing (Fuzz/README.md): the four fuzz entry points, the libFuzzer/replay driver `swasm-fuzz` (in no
        // product), and FuzzTests, which replays the committed corpus Fuzz/corpus/<target>/.
        .target(name: "SwasmFuzzTargets", dependencies: ["WasmCore", "WasmBinary", "WasmText", "WasmValidation", "WasmRuntime"],
                path: "Fuzz/Sources/SwasmFuzzTargets"),
        .executableTarget(name: "swasm-fuzz", dependencies: ["SwasmFuzzTargets", "WasmPlatform"], path: "Fuzz/Sources/swasm-fuzz"),
        .testTarget(name: "FuzzTests", dependencies: ["SwasmFuzzTargets"], path: "Fuzz/Tests/FuzzTests"),

        .testTarget(name: "WasmBinaryTests", dependencies: ["WasmBinary", "WasmCore"]),
        .testTarget(name: "WasmTextTests", dependencies: ["WasmText", "WasmBinary", "WasmCore"]),
        .testTarget(name: "WasmValidationTests", dependencies: ["WasmValidation", "WasmBinary", "WasmText", "WasmCore"]),
        .testTarget(name: "WasmRuntimeTests", dependencies: ["WasmRuntime", "WasmText", "WasmBinary", "WasmCore", "WasmPlatform"]),
        .testTarget(name: "SwasmTests", dependencies: [
            "Swasm", "WasmText",
            "QuickstartExample", "HostFunctionsExample", "StringsExample", "SharedMemoryExample", "CatchingTrapsExample",
        ], exclude: ["Programs"]),
        .testTarget(name: "SpecTests", dependencies: ["WastRunner"]),
        .testTarget(name: "WASITests", dependencies: ["WASI", "WasmRuntime", "WasmText", "WasmCore", "SwasmCLI", "WasmPlatform"],
                    exclude: ["Programs"]),
        .testTarget(name: "SwasmCLITests", dependencies: [
            "SwasmCLI", "WasmText", "WasmBinary", "WasmCore", "WasmPlatform",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
