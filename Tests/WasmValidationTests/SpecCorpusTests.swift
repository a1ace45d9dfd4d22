import Foundation
import Testing
import WasmBinary
import WasmCore
import WasmText
import WasmValidation

/// Runs the testsuite's `assert_invalid` modules and its valid modules through decode + validate.
///
/// Modules using instructions the decoder does not represent yet (GC) are skipped, as are text
/// modules the text encoder rejects (those are the text parser's business).
struct SpecCorpusTests {
    static let testsuite: String = {
        if let dir = ProcessInfo.processInfo.environment["SWASM_TESTSUITE"] { return dir }
        if FileManager.default.fileExists(atPath: "/work/shared/testsuite") { return "/work/shared/testsuite" }
        // <repo>/Tests/WasmValidationTests/SpecCorpusTests.swift -> <repo>/../shared/testsuite
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared/testsuite").path
    }()

    static var files: [String] {
        let fm = FileManager.default
        var result: [String] = []
        for sub in ["", "legacy"] {
            let dir = sub.isEmpty ? testsuite : "\(testsuite)/\(sub)"
            guard let names = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            for n in names.sorted() where n.hasSuffix(".wast") {
                result.append(sub.isEmpty ? n : "\(sub)/\(n)")
            }
        }
        return result
    }

    struct Tally {
        var invalidPassed = 0
        var validPassed = 0
        var skipped = 0
        var skippedText = 0
        var failures: [String] = []

        mutating func skip(_ why: String) {
            if why.hasPrefix("text:") { skippedText += 1 } else { skipped += 1 }
            if ProcessInfo.processInfo.environment["SWASM_VERBOSE"] != nil { print("skipped: \(why)") }
        }
    }

    enum Outcome {
        case valid
        case invalid(String)
        case skipped(String)
        case malformed(String)
    }

    static func check(_ source: WastModuleSource) -> Outcome {
        let bytes: [UInt8]
        switch source {
        case .binary(let b): bytes = b
        case .quote(let text):
            do { bytes = try WAT.encode(text) } catch { return .skipped("text: \(error.message)") }
        case .textError(let e): return .skipped("text: \(e.message)")
        }
        let module: Module
        do { module = try ModuleDecoder.decode(bytes) } catch {
            if error.message.contains("unsupported") { return .skipped(error.message) }
            return .malformed(error.message)
        }
        do {
            try validateModule(module)
            return .valid
        } catch {
            return .invalid(error.message)
        }
    }

    static func run(_ file: String) throws -> Tally {
        let text = try String(contentsOfFile: "\(testsuite)/\(file)", encoding: .utf8)
        var tally = Tally()
        let script: WastScript
        do { script = try Wast.parse(text) } catch {
            tally.skippedText += 1
            return tally
        }
        for command in script.commands {
            switch command {
            case .assertInvalid(let m, let expected, let loc):
                switch check(m.source) {
                case .invalid(let message) where message.contains(expected): tally.invalidPassed += 1
                case .invalid(let message): tally.failures.append("\(file):\(loc): expected '\(expected)', got '\(message)'")
                case .valid: tally.failures.append("\(file):\(loc): expected '\(expected)', but the module validated")
                case .malformed(let message): tally.failures.append("\(file):\(loc): expected '\(expected)', decoder said '\(message)'")
                case .skipped(let why): tally.skip(why)
                }
            case .module(let m), .assertUnlinkable(let m, _, _), .assertUninstantiable(let m, _, _), .assertModuleTrap(let m, _, _):
                switch check(m.source) {
                case .valid: tally.validPassed += 1
                case .invalid(let message): tally.failures.append("\(file):\(m.location): valid module rejected: \(message)")
                case .malformed(let message): tally.failures.append("\(file):\(m.location): valid module failed to decode: \(message)")
                case .skipped(let why): tally.skip(why)
                }
            default:
                break
            }
        }
        return tally
    }

    @Test func testsuiteValidation() throws {
        let files = Self.files
        guard !files.isEmpty else { return }  // testsuite not available
        var total = Tally()
        for f in files {
            let t = try Self.run(f)
            total.invalidPassed += t.invalidPassed
            total.validPassed += t.validPassed
            total.skipped += t.skipped
            total.skippedText += t.skippedText
            if ProcessInfo.processInfo.environment["SWASM_VERBOSE"] != nil {
                print("\(f): invalid \(t.invalidPassed) valid \(t.validPassed) skipped \(t.skipped) text-skipped \(t.skippedText) failures \(t.failures.count)")
            }
            total.failures += t.failures
        }
        for f in total.failures { Issue.record(Comment(rawValue: f)) }
        print("validation corpus: assert_invalid passed \(total.invalidPassed), valid modules passed \(total.validPassed), skipped (GC) \(total.skipped), skipped (text encoder) \(total.skippedText), failures \(total.failures.count)")
    }
}
