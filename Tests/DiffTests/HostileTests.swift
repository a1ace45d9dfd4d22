import Foundation
import Testing

/// The hostile-module suite (Tests/Hostile/*.wat: memory64/table64 boundaries near 2^32, 2^48 and 2^64, huge grow
/// deltas, bulk operations and segments at the limits) replayed against the `swasm-difftest` driver. The expected
/// answers in Tests/Hostile/expected.jsonl were recorded from wasmtime by
/// `python3 Scripts/difftest.py --hostile --record` (Scripts/README-difftest.md), so this test needs no wasmtime.
/// Each module runs in its own driver process: a crash of the runtime fails that module's test only.
enum HostileSuite {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let directory = testsDirectory.appendingPathComponent("Hostile")
    static let expectations = directory.appendingPathComponent("expected.jsonl")

    /// The built products (the test bundle's directory also holds the package's executables).
    static var productsDirectory: URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent()
    }

    static var cases: [HostileCase] {
        guard let text = try? String(contentsOf: expectations, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let file = object["file"] as? String else { return nil }
            return HostileCase(file: file, line: String(line))
        }
    }
}

struct HostileCase: CustomTestStringConvertible, Sendable {
    let file: String
    let line: String
    var testDescription: String { file }
}

/// `value` without its "msg" fields (engine-specific wording), as canonical JSON text.
func canonicalJSON(_ value: Any) throws -> String {
    func strip(_ v: Any) -> Any {
        if let d = v as? [String: Any] {
            var out: [String: Any] = [:]
            for (k, x) in d where k != "msg" { out[k] = strip(x) }
            return out
        }
        if let a = v as? [Any] { return a.map(strip) }
        return v
    }
    let data = try JSONSerialization.data(withJSONObject: strip(value), options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

@Suite struct HostileTests {
    @Test func everyModuleHasAnExpectation() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: HostileSuite.directory.path)
            .filter { $0.hasSuffix(".wat") }.sorted()
        #expect(!files.isEmpty)
        #expect(files == HostileSuite.cases.map(\.file).sorted(),
                "run `python3 Scripts/difftest.py --hostile --record` after adding or removing a module")
    }

    @Test(arguments: HostileSuite.cases) func matchesWasmtime(_ c: HostileCase) throws {
        let record = try #require(try JSONSerialization.jsonObject(with: Data(c.line.utf8)) as? [String: Any])
        var request = try #require(record["request"] as? [String: Any])
        request["path"] = HostileSuite.directory.appendingPathComponent(c.file).path
        let exports = record["exports"] as? [String] ?? []
        let expected = try #require(record["expected"])

        let process = Process()
        process.executableURL = HostileSuite.productsDirectory.appendingPathComponent("swasm-difftest")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: request) + Data("\n".utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let reason = process.terminationReason == .uncaughtSignal ? "signal \(process.terminationStatus)"
            : "status \(process.terminationStatus)"
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        let actual = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)),
                                  "\(c.file): the driver crashed (\(reason)) without an answer")

        let want = try canonicalJSON(expected), got = try canonicalJSON(actual)
        if want != got, let wantCalls = (expected as? [String: Any])?["calls"] as? [Any],
           let gotCalls = (actual as? [String: Any])?["calls"] as? [Any] {
            // Name the calls that differ, by export.
            for (i, (w, g)) in zip(wantCalls, gotCalls).enumerated() where try canonicalJSON(w) != canonicalJSON(g) {
                let name = i < exports.count ? exports[i] : "call \(i)"
                Issue.record("\(c.file) \(name): wasmtime \(try canonicalJSON(w)), swasm \(try canonicalJSON(g))")
            }
        }
        #expect(want == got, "\(c.file)")
    }
}
