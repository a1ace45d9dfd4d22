import Foundation
import Testing
@testable import SwasmCLI

let benchmarksDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Benchmarks").path

func benchmarkNames() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: benchmarksDirectory + "/wasm")) ?? []
    return names.filter { $0.hasSuffix(".wasm") }.map { String($0.dropLast(5)) }.sorted()
}

#if DEBUG
let isOptimizedBuild = false
#else
let isOptimizedBuild = true
#endif

/// The benchmark programs (CPU-heavy C: sorting, hashing, floating point, allocation, an -O0 build) are real
/// programs too. In a debug build they take minutes each, so there they are only validated; an optimised test
/// run (`swift test -c release`) runs each and compares its output with Benchmarks/expected/NAME.txt.
@Suite struct BenchmarkProgramTests {
    @Test(arguments: benchmarkNames())
    func benchmarkModuleIsValid(_ name: String) {
        let r = swasm(["validate", benchmarksDirectory + "/wasm/\(name).wasm"])
        #expect(r.code == 0, "\(r.stderr)")
    }

    @Test(.enabled(if: isOptimizedBuild, "debug builds are too slow for the benchmark programs"),
          arguments: benchmarkNames())
    func benchmarkOutputMatches(_ name: String) throws {
        let r = swasm(["run", benchmarksDirectory + "/wasm/\(name).wasm"])
        #expect(r.code == 0, "\(r.stderr)")
        // The SIMD build of a program (NAME.simd) prints what its scalar build prints.
        let expectedName = name.hasSuffix(".simd") ? String(name.dropLast(5)) : name
        let expected = try #require(FileManager.default.contents(atPath: benchmarksDirectory + "/expected/\(expectedName).txt"))
        #expect(r.stdout == String(decoding: expected, as: UTF8.self))
    }
}
