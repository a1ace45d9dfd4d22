import Testing
import WasmCore
import WasmText
@testable import WasmRuntime

/// Compiles a WAT module and instantiates it with no imports.
func instantiate(_ wat: String, limits: StoreLimits = StoreLimits()) throws -> (Store, ModuleInstance) {
    let store = Store(limits: limits)
    let module = try compileModule(try WAT.encode(wat))
    let instance = try store.instantiate(module) { _, _ in nil }
    return (store, instance)
}

/// Calls an exported function with raw cells.
func call(_ store: Store, _ instance: ModuleInstance, _ name: String, _ args: [UInt64] = []) throws -> [UInt64] {
    guard case .function(let f)? = instance.export(name) else {
        Issue.record("no export \(name)")
        return []
    }
    return try store.invoke(f, arguments: args)
}

/// Calls an exported function that must stop with trap `expected`; other errors propagate.
func expectTrap(_ expected: Trap, calling name: String, _ args: [UInt64] = [], in store: Store, _ instance: ModuleInstance,
                sourceLocation: SourceLocation = #_sourceLocation) throws {
    do {
        _ = try call(store, instance, name, args)
        Issue.record("expected \(expected)", sourceLocation: sourceLocation)
    } catch let ExecutionError.trap(t, _) {
        #expect(t == expected, sourceLocation: sourceLocation)
    }
}

@Suite struct ExecutionTests {
    @Test func recursionAndLocals() throws {
        let (s, i) = try instantiate("""
            (module (func $fib (export "fib") (param i64) (result i64)
              (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
                (then (local.get 0))
                (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                               (call $fib (i64.sub (local.get 0) (i64.const 2))))))))
            """)
        #expect(try call(s, i, "fib", [20]) == [6765])
    }

    /// `local.set` folded into the producing instruction must not change what other stack entries read.
    @Test func localSetFusionKeepsAliasedReads() throws {
        let (s, i) = try instantiate("""
            (module (func (export "f") (param i32) (result i32 i32)
              (local.get 0)                       ;; old value stays on the stack
              (local.set 0 (i32.add (local.get 0) (i32.const 10)))
              (local.get 0)))
            """)
        #expect(try call(s, i, "f", [5]) == [5, 15])
    }

    /// Results returned from locals in swapped order must not overwrite each other.
    @Test func returnSwapsLocals() throws {
        let (s, i) = try instantiate("""
            (module (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0)))
            """)
        #expect(try call(s, i, "swap", [1, 2]) == [2, 1])
    }

    @Test func branchesCarryValues() throws {
        let (s, i) = try instantiate("""
            (module (func (export "f") (param i32) (result i32)
              (block (result i32)
                (br_table 0 1 (i32.const 7) (local.get 0))
                (drop) (i32.const 1))
              (i32.add (i32.const 100))))
            """)
        #expect(try call(s, i, "f", [0]) == [107])
        #expect(try call(s, i, "f", [1]) == [7])
    }

    @Test func trapsAreValues() throws {
        let (s, i) = try instantiate("""
            (module (memory 1)
              (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
              (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
            """)
        #expect(throws: ExecutionError.self) { try call(s, i, "div", [1, 0]) }
        do {
            _ = try call(s, i, "load", [65534])
            Issue.record("expected a trap")
        } catch let ExecutionError.trap(t, backtrace) {
            #expect(t == .outOfBoundsMemoryAccess)
            #expect(backtrace.count == 1)
        }
        // The store stays usable after a trap.
        #expect(try call(s, i, "div", [7, 2]) == [3])
    }

    @Test func unboundedRecursionExhaustsTheConfiguredDepth() throws {
        var limits = StoreLimits()
        limits.maxCallDepth = 500
        let (s, i) = try instantiate("(module (func $f (export \"f\") (call $f)))", limits: limits)
        try expectTrap(.callStackExhausted, calling: "f", in: s, i)
    }

    @Test func exceptionsCrossFrames() throws {
        let (s, i) = try instantiate("""
            (module (tag $e (param i32))
              (func $thrower (param i32) (throw $e (local.get 0)))
              (func (export "catch") (param i32) (result i32)
                (block $h (result i32)
                  (try_table (catch $e $h) (call $thrower (local.get 0)))
                  (i32.const -1))))
            """)
        #expect(try call(s, i, "catch", [42]) == [42])
    }

    @Test func tailCallsRunInConstantStack() throws {
        var limits = StoreLimits()
        limits.maxCallDepth = 100
        let (s, i) = try instantiate("""
            (module (func $count (export "count") (param i64 i64) (result i64)
              (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
                (else (return_call $count (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 2)))))))
            """, limits: limits)
        #expect(try call(s, i, "count", [100_000, 0]) == [200_000])
    }

    /// A function reached by an internal call tail-calls into another instance: the return to the first caller
    /// must give it back its own memory (the frame was marked as a same-instance call).
    @Test func tailCallsIntoAnotherInstanceReturnToTheCallersMemory() throws {
        let store = Store()
        let other = try store.instantiate(try compileModule(try WAT.encode("""
            (module (memory 1) (data (i32.const 0) "\\02")
              (func (export "h") (result i32) (i32.load (i32.const 0)))
              (func (export "h2") (param i32) (result i32) (i32.load (local.get 0))))
            """))) { _, _ in nil }
        let module = try compileModule(try WAT.encode("""
            (module (import "other" "h" (func $h (result i32))) (import "other" "h2" (func $h2 (param i32) (result i32)))
              (memory 1) (data (i32.const 0) "\\07")
              (table funcref (elem $h2))
              (type $t (func (param i32) (result i32)))
              (func $g (result i32) (return_call $h))
              (func $gIndirect (result i32) (return_call_indirect (type $t) (i32.const 0) (i32.const 0)))
              (func (export "direct") (result i32) (i32.add (call $g) (i32.load (i32.const 0))))
              (func (export "indirect") (result i32) (i32.add (call $gIndirect) (i32.load (i32.const 0)))))
            """))
        let instance = try store.instantiate(module) { m, n in m == "other" ? other.export(n) : nil }
        #expect(try call(store, instance, "direct") == [9])
        #expect(try call(store, instance, "indirect") == [9])
    }

    @Test func hostFunctionsReceiveArguments() throws {
        let store = Store()
        var seen: [UInt64] = []
        let host = store.makeHostFunction(type: FunctionType(parameters: [.i32, .i64], results: [.i32])) { call in
            seen = [call.slots[0], call.slots[1]]
            call.slots[0] = 9
        }
        let module = try compileModule(try WAT.encode("""
            (module (import "env" "h" (func $h (param i32 i64) (result i32)))
              (func (export "f") (result i32) (i32.add (call $h (i32.const 3) (i64.const 4)) (i32.const 1))))
            """))
        let instance = try store.instantiate(module) { m, n in m == "env" && n == "h" ? .function(host) : nil }
        #expect(try call(store, instance, "f") == [10])
        #expect(seen == [3, 4])
    }

    @Test func memoryGrowMovesTheFastPath() throws {
        let (s, i) = try instantiate("""
            (module (memory 1)
              (func (export "f") (result i32)
                (drop (memory.grow (i32.const 3)))
                (i32.store (i32.const 200000) (i32.const 77))
                (i32.load (i32.const 200000))))
            """)
        #expect(try call(s, i, "f") == [77])
    }

    @Test func unlinkableImportsNameTheImport() throws {
        let store = Store()
        let module = try compileModule(try WAT.encode("(module (import \"env\" \"missing\" (func)))"))
        let result = Result { try store.instantiate(module) { _, _ in nil } }
        guard case .failure(let error) = result, case .link(let e)? = error as? InstantiationError else {
            Issue.record("expected a link error, got \(result)")
            return
        }
        #expect(e.message.contains("\"env\" \"missing\""))
    }
}
