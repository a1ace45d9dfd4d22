import Foundation
import Testing
import WastRunner

/// The WAST examples in Examples/ are run and must pass (the README points newcomers at them).
@Suite struct ExamplesTests {
    static let examples: [URL] = {
        let dir = SpecTestsuiteTests.packageRoot.appendingPathComponent("Examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".wast") }.sorted().map { dir.appendingPathComponent($0) }
    }()

    @Test func examplesExist() {
        #expect(!Self.examples.isEmpty, "no .wast examples found in Examples/")
    }

    @Test(arguments: examples)
    func example(_ url: URL) throws {
        let result = WastRunner().run(source: try String(contentsOf: url, encoding: .utf8), name: url.lastPathComponent)
        #expect(result.failed == 0 && result.passed > 0, "\(result.failures)")
    }
}
