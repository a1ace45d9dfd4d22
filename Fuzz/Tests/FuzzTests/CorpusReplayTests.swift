import Foundation
import SwasmFuzzTargets
import Testing

/// Replays the committed fuzz corpus (Fuzz/corpus/<target>/) through every fuzz target: testsuite-derived seeds
/// plus every crash fuzzing found (minimized). A crash here is a regression; each input must finish quickly.
@Suite struct CorpusReplayTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpus")

    /// Every file under Fuzz/corpus/<folder>/, sorted.
    static func inputs(_ folder: String) -> [(name: String, bytes: [UInt8])] {
        let dir = corpusRoot.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { return nil }
            return ("\(folder)/\(name)", [UInt8](data))
        }
    }

    @Test func corpusIsPresent() {
        for target in FuzzTarget.all {
            #expect(Self.inputs(target.name).count >= 10, "corpus for \(target.name) missing or tiny")
        }
    }

    /// Each target's own corpus, then every other corpus (a binary corpus exercises the text parser's error
    /// paths and the other way round), through that target.
    @Test(arguments: FuzzTarget.all.map(\.name))
    func replay(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let own = Self.inputs(name)
        let others = FuzzTarget.all.filter { $0.name != name }.flatMap { Self.inputs($0.name) }
        var slowest: (name: String, duration: Duration) = ("", .zero)
        for input in own + others {
            let start = ContinuousClock.now
            target.run(input.bytes)
            let elapsed = ContinuousClock.now - start
            if elapsed > slowest.duration { slowest = (input.name, elapsed) }
        }
        print("fuzz corpus \(name): \(own.count) own + \(others.count) other inputs, slowest \(slowest.name) \(slowest.duration)")
        // Debug builds are slow; this only catches an input that hangs (libFuzzer's -timeout is 10 s, release).
        #expect(slowest.duration < .seconds(60), "\(slowest.name) took \(slowest.duration)")
    }
}
