import Foundation
import Testing
import Swasm

@Suite struct RuntimeErrorTests {
    @Test func trapKindAndBacktraceWithNames() throws {
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (func $divide (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
              (func $middle (param i32) (result i32) (call $divide (i32.const 1) (local.get 0)))
              (func (export "top") (param i32) (result i32) (call $middle (local.get 0)))
              (func (export "oob") (result i32) (i32.load (i32.const 70000)))
              (memory 1)
              (func (export "boom") (unreachable)))
            """))
        do {
            let _: Int32 = try instance.exports.top(0)
            Issue.record("expected a trap")
        } catch let e as WebAssembly.RuntimeError {
            #expect(e.kind == .integerDivideByZero)
            #expect(e.backtrace.count == 3)
            #expect(e.backtrace.first?.hasPrefix("divide") == true)
            #expect(e.backtrace.dropFirst().first?.hasPrefix("middle") == true)
            #expect(e.description.contains("integer divide by zero\n  at divide"))
        }
        #expect(throws: WebAssembly.RuntimeError(kind: .outOfBoundsMemoryAccess, backtrace: ["func 3"])) {
            try instance.exports.oob()
        }
        #expect { try instance.exports.boom() } throws: { ($0 as? WebAssembly.RuntimeError)?.kind == .unreachable }
        // Still usable after traps.
        #expect(try instance.exports.top(1) as Int32 == 1)
    }

    @Test func startFunctionTrapIsARuntimeError() throws {
        #expect { try WebAssembly.Instance(module: wat("(module (func $s unreachable) (start $s))")) } throws: {
            ($0 as? WebAssembly.RuntimeError)?.kind == .unreachable
        }
    }
}

@Suite struct LimitsTests {
    static let spin = """
        (module
          (func (export "spin") (loop $l (br $l)))
          (func (export "count") (param i32) (result i32) (local $i i32)
            (block $done (loop $l
              (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $l)))
            (local.get $i))
          (func $rec (export "recurse") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
              (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))
        """

    @Test func memoryLimit() throws {
        let module = try wat("(module (memory (export \"m\") 1) (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))")
        let instance = try WebAssembly.Instance(module: module, limits: .init(maxMemoryBytes: 3 * 65_536))
        #expect(try instance.exports.grow(2) as Int32 == 1)
        #expect(try instance.exports.grow(1) as Int32 == -1)
        #expect(throws: WebAssembly.LinkError.self) {
            try WebAssembly.Instance(module: wat("(module (memory 4))"), limits: .init(maxMemoryBytes: 65_536))
        }
    }

    @Test func tableLimit() throws {
        let module = try wat("(module (table 1 funcref) (func (export \"grow\") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))")
        let instance = try WebAssembly.Instance(module: module, limits: .init(maxTableElements: 10))
        #expect(try instance.exports.grow(9) as Int32 == 1)
        #expect(try instance.exports.grow(1) as Int32 == -1)
    }

    @Test func callDepthLimit() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.spin), limits: .init(maxCallDepth: 100))
        #expect(try instance.exports.recurse(50) as Int32 == 50)
        #expect { try instance.exports.recurse(1000) } throws: {
            ($0 as? WebAssembly.RuntimeError)?.kind == .callStackExhausted
        }
    }

    @Test func fuel() throws {
        let module = try wat(Self.spin)
        let instance = try WebAssembly.Instance(module: module, limits: .init(fuel: 1_000))
        #expect(try instance.exports.count(10) as Int32 == 10)
        #expect { try instance.exports.spin() } throws: { ($0 as? WebAssembly.RuntimeError)?.kind == .outOfFuel }
        #expect(instance.fuel == 0)
        // The embedder survives: other instances run, and topping up lets this one run again.
        let other = try WebAssembly.Instance(module: module)
        #expect(try other.exports.count(100_000) as Int32 == 100_000)
        instance.fuel = 500
        #expect(try instance.exports.count(100) as Int32 == 100)
    }

    @Test func deepRecursionGivesAShortDescription() throws {
        let instance = try WebAssembly.Instance(module: wat("""
            (module (func $down (export "down") (param i32) (call $down (i32.add (local.get 0) (i32.const 1)))))
            """))
        do {
            try instance.exports.down(0)
            Issue.record("expected call stack exhaustion")
        } catch let error as WebAssembly.RuntimeError {
            #expect(error.kind == .callStackExhausted)
            #expect(error.backtrace.count > 1000)
            // Every frame is `$down`: the description folds them into one line.
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 2, "\(error.description.prefix(500))")
            #expect(lines.last?.hasPrefix("  at down (func 0)  (") == true && lines.last?.hasSuffix(" nested calls)") == true)
        }
    }

    @Test func deadline() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.spin))
        instance.deadline = .now + .milliseconds(30)
        let start = ContinuousClock.now
        #expect { try instance.exports.spin() } throws: { ($0 as? WebAssembly.RuntimeError)?.kind == .deadlineExceeded }
        #expect(ContinuousClock.now - start < .seconds(10))
        instance.deadline = nil
        #expect(try instance.exports.count(10) as Int32 == 10)
    }

    /// The interrupt comes from a plain thread: a Swift concurrency task can starve on a 2-core machine
    /// while other tests spin on the cooperative pool.
    @Test func interruptFromAnotherThread() throws {
        let module = try wat(Self.spin)
        let instance = try WebAssembly.Instance(module: module)
        let handle = instance.interruptHandle
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.05)
            handle.interrupt()
        }
        #expect { try instance.exports.spin() } throws: { ($0 as? WebAssembly.RuntimeError)?.kind == .interrupted }
        #expect(handle.isInterrupted)
        handle.reset()
        #expect(try instance.exports.count(10) as Int32 == 10)
    }
}
