import Foundation
import Testing
import WasmCore
import WasmText
@testable import WasmRuntime

/// Feeds mutated testsuite modules through the whole pipeline (decode, validate, translate, instantiate,
/// run every export under a fuel limit). Nothing may crash: every outcome must be an error value or a result.
@Suite struct CompileFuzzTests {
    static func corpus() -> [[UInt8]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let env = ProcessInfo.processInfo.environment["SWASM_TESTSUITE"] ?? ""
        let dir = env.isEmpty ? root.deletingLastPathComponent().appendingPathComponent("shared/testsuite") : URL(fileURLWithPath: env)
        var modules: [[UInt8]] = []
        for name in ["i32.wast", "i64.wast", "f64.wast", "block.wast", "br_table.wast", "call_indirect.wast", "loop.wast",
                     "memory_grow.wast", "try_table.wast", "return_call.wast", "select.wast", "local_tee.wast", "bulk.wast"] {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8),
                  let script = try? Wast.parse(text) else { continue }
            for case .module(let m) in script.commands {
                if case .binary(let b) = m.source { modules.append(b) }
            }
        }
        return modules
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    /// Instantiates (imports resolve to nothing, so modules with imports fail to link) and runs each export.
    static func exercise(_ bytes: [UInt8]) -> (compiled: Bool, ran: Int) {
        guard let module = try? compileModule(bytes) else { return (false, 0) }
        var limits = StoreLimits()
        limits.fuel = 20_000
        limits.maxCallDepth = 200
        limits.maxMemoryBytes = 1 << 22
        let store = Store(limits: limits)
        guard let instance = try? store.instantiate(module, resolve: { _, _ in nil }) else { return (true, 0) }
        var ran = 0
        for (_, value) in instance.exports {
            guard case .function(let f) = value else { continue }
            let args = [UInt64](repeating: 0, count: f.type.parameters.count)
            _ = try? store.invoke(f, arguments: args)
            store.fuel = 20_000
            ran += 1
        }
        return (true, ran)
    }

    @Test func testsuiteModulesRunUnderFuel() {
        let modules = Self.corpus()
        #expect(modules.count > 30, "corpus too small: \(modules.count)")
        var ran = 0
        for m in modules { ran += Self.exercise(m).ran }
        #expect(ran > 400)
    }

    @Test func mutatedModulesNeverCrash() {
        let modules = Self.corpus()
        guard !modules.isEmpty else {
            Issue.record("no corpus")
            return
        }
        let seed = UInt64(ProcessInfo.processInfo.environment["SWASM_FUZZ_SEED"] ?? "") ?? 0x5EED_1234_ABCD_0001
        var rng = Random(state: seed)
        var compiled = 0
        // SWASM_FUZZ_ITERATIONS runs a longer campaign by hand; CI runs the default.
        let iterations = Int(ProcessInfo.processInfo.environment["SWASM_FUZZ_ITERATIONS"] ?? "") ?? 20_000
        for _ in 0..<iterations {
            var bytes = modules[rng.below(modules.count)]
            for _ in 0..<(1 + rng.below(4)) where !bytes.isEmpty {
                let i = 8 + rng.below(max(bytes.count - 8, 1))
                guard i < bytes.count else { continue }
                switch rng.below(3) {
                case 0: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes[i] ^= UInt8(1 << rng.below(8))
                default: bytes.remove(at: i)
                }
            }
            if Self.exercise(bytes).compiled { compiled += 1 }
        }
        // Some mutations must survive validation, or the test exercises only the decoder.
        #expect(compiled > 500, "only \(compiled) mutated modules compiled")
    }
}
