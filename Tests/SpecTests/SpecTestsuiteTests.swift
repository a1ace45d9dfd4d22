import Foundation
import Testing
import WastRunner

/// Runs every .wast script of the official testsuite (root, legacy/, custom/) through the engine.
///
/// The testsuite is found at `$SWASM_TESTSUITE`, or at `../shared/testsuite` beside the package.
/// Files on `expectedFailures` must fail (so the list shrinks as features land); every other file must pass.
/// The testsuite must be the pinned revision, `pinnedRevision` (checked by `testsuiteIsThePinnedRevision`).
@Suite struct SpecTestsuiteTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The WebAssembly/testsuite commit these tests and `ExpectedFailures` are written against. The testsuite
    /// directory's REVISION file names its commit on its first line; change both together.
    static let pinnedRevision = "193e551ff22663995b1ac95dc62344133669e14b"

    static var testsuiteDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["SWASM_TESTSUITE"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testsuite")
    }

    /// Paths relative to the testsuite directory, e.g. "i32.wast", "legacy/throw.wast".
    static let scripts: [String] = {
        var result: [String] = []
        for sub in ["", "legacy", "custom"] {
            let dir = sub.isEmpty ? testsuiteDirectory : testsuiteDirectory.appendingPathComponent(sub)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            result += names.filter { $0.hasSuffix(".wast") }.sorted().map { sub.isEmpty ? $0 : "\(sub)/\($0)" }
        }
        return result
    }()

    @Test func testsuiteIsPresent() {
        #expect(Self.scripts.count > 200, """
            The WebAssembly testsuite was not found at \(Self.testsuiteDirectory.path) \
            (found \(Self.scripts.count) scripts). Set SWASM_TESTSUITE to its directory.
            """)
    }

    /// The testsuite's REVISION must name `pinnedRevision`, as this test's name (a literal) does: it checks both.
    @Test("Testsuite is WebAssembly/testsuite at commit 193e551ff22663995b1ac95dc62344133669e14b")
    func testsuiteIsThePinnedRevision() throws {
        let name = Test.current?.displayName ?? ""
        #expect(name.contains(Self.pinnedRevision), "the test's name (\(name)) does not name the pinned revision \(Self.pinnedRevision)")

        let file = Self.testsuiteDirectory.appendingPathComponent("REVISION")
        let text = try #require(try? String(contentsOf: file, encoding: .utf8), """
            \(file.path) is missing: cannot tell whether the testsuite is the pinned revision \
            WebAssembly/testsuite \(Self.pinnedRevision).
            """)
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let found = try #require(firstLine.firstMatch(of: /commit ([0-9a-f]{40})/).map { String($0.1) }, """
            The first line of \(file.path) names no commit (expected "WebAssembly/testsuite at commit \
            \(Self.pinnedRevision) ..."): \(firstLine)
            """)
        #expect(found == Self.pinnedRevision, """
            The testsuite at \(Self.testsuiteDirectory.path) is WebAssembly/testsuite at commit \(found), but the tests \
            are pinned to commit \(Self.pinnedRevision). Use the pinned testsuite, or move the pin \
            (SpecTestsuiteTests.pinnedRevision, this test's name, README.md) and ExpectedFailures.swift to the new one.
            """)
    }

    @Test func expectedFailureListNamesRealFiles() {
        let missing = ExpectedFailures.all.keys.filter { !Self.scripts.contains($0) }.sorted()
        #expect(missing.isEmpty, "expected-failure entries without a script: \(missing)")
    }

    /// The integer scripts (every bit count, shift and comparison) again on the portable handler table, which
    /// CPUs without POPCNT, LZCNT and BMI1 run (on this machine the CPU-specific table runs everything else).
    @Test(arguments: ["i32.wast", "i64.wast", "int_exprs.wast", "left-to-right.wast"])
    func portableHandlers(_ path: String) throws {
        let source = try String(contentsOf: Self.testsuiteDirectory.appendingPathComponent(path), encoding: .utf8)
        let result = WastRunner(portableHandlers: true).run(source: source, name: path)
        #expect(result.passed > 0 && result.failed == 0, "\(path): \(result.passed) passed, \(result.failed) failed")
    }

    /// The relaxed SIMD scripts again with the spec's deterministic profile (their expected results allow both).
    @Test(arguments: scripts.filter { $0.contains("relaxed") })
    func deterministicRelaxedSIMD(_ path: String) throws {
        let source = try String(contentsOf: Self.testsuiteDirectory.appendingPathComponent(path), encoding: .utf8)
        let result = WastRunner(relaxedSIMD: .deterministic).run(source: source, name: path)
        #expect(result.passed > 0 && result.failed == 0, "\(path): \(result.passed) passed, \(result.failed) failed")
    }

    @Test(arguments: scripts)
    func script(_ path: String) throws {
        let url = Self.testsuiteDirectory.appendingPathComponent(path)
        let source = try String(contentsOf: url, encoding: .utf8)
        let result = WastRunner().run(source: source, name: path)
        if let reason = ExpectedFailures.all[path] {
            #expect(result.failed > 0, """
                \(path) is on the expected-failure list (\(reason)) but now passes all \(result.passed) checks: \
                remove it from ExpectedFailures.swift.
                """)
        } else {
            let details = ([result.scriptError].compactMap { $0 } + result.failures.prefix(20)).joined(separator: "\n")
            #expect(result.failed == 0, "\(path): \(result.passed) passed, \(result.failed) failed\n\(details)")
        }
    }
}
