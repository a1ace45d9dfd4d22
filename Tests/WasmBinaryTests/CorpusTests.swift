import Foundation
import Testing
import WasmBinary
import WasmCore

@Suite struct CorpusTests {
    @Test func testsuiteBinaryModules() throws {
        let cases = WastCorpus.allCases()
        try #require(!cases.isEmpty, "no binary modules found in \(WastCorpus.testsuite)")
        var passed = 0, unsupported = 0, failed = 0
        for c in cases {
            let usesUnsupported = c.bytes.contains(0xFB)  // the GC prefix
            do {
                let m = try ModuleDecoder.decode(c.bytes)
                // Every body must be readable to its end with the instruction reader.
                var bodyError: DecodeError?
                outer: for b in m.bodies {
                    var r = InstructionReader(body: b)
                    while !r.isAtEnd {
                        do { _ = try r.read() } catch { bodyError = error; break outer }
                    }
                }
                if let expected = c.expectedError {
                    if usesUnsupported { unsupported += 1; continue }
                    if let e = bodyError, e.message.contains(expected) { passed += 1; continue }
                    failed += 1
                    Issue.record("\(c.file): expected malformed \"\(expected)\", decoded fine")
                } else if let e = bodyError, !e.message.hasPrefix("unsupported") {
                    failed += 1
                    Issue.record("\(c.file): body failed: \(e)")
                } else {
                    passed += 1
                }
            } catch {
                if let expected = c.expectedError {
                    if error.message.contains(expected) { passed += 1 }
                    else if usesUnsupported && error.message.hasPrefix("unsupported") { unsupported += 1 }
                    else {
                        failed += 1
                        Issue.record("\(c.file): expected \"\(expected)\", got \(error) bytes=\(c.bytes.prefix(80).map { String($0, radix: 16) })")
                    }
                } else if error.message.hasPrefix("unsupported") {
                    unsupported += 1
                } else {
                    failed += 1
                    Issue.record("\(c.file): \(error) bytes=\(c.bytes.prefix(64).map { String($0, radix: 16) })")
                }
            }
        }
        print("corpus: \(cases.count) binary modules, \(passed) passed, \(unsupported) unsupported (GC), \(failed) failed")
    }
}
