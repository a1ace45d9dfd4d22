import Foundation
import Testing
import WasmCore
import WasmPlatform
import WasmText
@testable import WasmRuntime

/// Function bodies are validated when a module is compiled but translated on their first call
/// (`CompiledModule`, `Executor.enterTranslated`).
@Suite struct LazyTranslationTests {
    /// Defined functions 0-3: `main` calls `square` twice (a `callInternal`), `unused` is never called, and
    /// `viaTable` is reached only through `call_indirect`.
    static let wat = """
        (module
          (type $t (func (param i32) (result i32)))
          (table 1 funcref) (elem (i32.const 0) $square)
          (func $square (type $t) (i32.mul (local.get 0) (local.get 0)))
          (func (export "main") (param i32) (result i32)
            (i32.add (call $square (local.get 0)) (call $square (i32.const 3))))
          (func (export "unused") (result i32) (i32.const 7))
          (func (export "viaTable") (param i32) (result i32)
            (call_indirect (type $t) (local.get 0) (i32.const 0))))
        """

    @Test func onlyCalledFunctionsAreTranslated() throws {
        let (store, instance) = try instantiate(Self.wat)
        let module = instance.module
        #expect((0..<4).map { module.translatedIfAvailable($0) == nil } == [true, true, true, true])
        #expect(try call(store, instance, "main", [5]) == [34])
        #expect((0..<4).map { module.translatedIfAvailable($0) != nil } == [true, true, false, false])
        #expect(try call(store, instance, "viaTable", [4]) == [16])
        #expect(module.translatedIfAvailable(2) == nil)
        #expect(try call(store, instance, "unused") == [7])
        #expect((0..<4).allSatisfy { module.translatedIfAvailable($0) != nil })
    }

    /// After the first call, the caller's `callInternal` and the function header enter the code, not the stub.
    @Test func theCallSiteAndTheHeaderArePointedAtTheCode() throws {
        let (store, instance) = try instantiate(Self.wat)
        let module = instance.module
        #expect(instance.definedHeader(0)?.pointee.code == module.stub(0))
        _ = try call(store, instance, "main", [2])
        let square = try #require(module.translatedIfAvailable(0))
        let main = try #require(module.translatedIfAvailable(1))
        #expect(instance.definedHeader(0)?.pointee.code == square.code)
        let link = internalCallLink(code: square.code, frameSize: square.frameSize)
        // `main` was translated before `square`, so both of its calls linked the stub; each was pointed at the
        // code when it entered the stub (the second found `square` translated already).
        var calls: [UInt64] = []
        var i = 0
        while i < main.codeCount {
            let op = try #require(HandlerSet.opcode(of: main.code[i]))
            if op == .callInternal { calls.append(main.code[i + 1]) }
            i += op.words(main.code[i])
        }
        #expect(calls == [link, link])
        #expect(try call(store, instance, "main", [2]) == [13])
    }

    /// A body that does not validate is an error of `compileModule`, even if nothing would ever call it.
    @Test func anInvalidUncalledBodyIsRejectedAtCompileTime() throws {
        let bytes = try WAT.encode("""
            (module (func (export "ok") (result i32) (i32.const 1))
                    (func (result i32) (i64.const 1)))
            """)
        let result = Result { () throws(CompileError) in try compileModule(bytes) }
        guard case .failure(.invalid(let error)) = result else {
            Issue.record("expected a validation error, got \(result)")
            return
        }
        #expect(error.message.contains("type mismatch"))
    }

    /// A trap in a function translated on its call names the function in the backtrace.
    @Test func aTrapInALazilyTranslatedFunctionHasItsBacktrace() throws {
        let (store, instance) = try instantiate("""
            (module (func $inner (unreachable))
                    (func $outer (export "outer") (call $inner)))
            """)
        do {
            _ = try call(store, instance, "outer")
            Issue.record("expected a trap")
        } catch let ExecutionError.trap(t, backtrace) {
            #expect(t == .unreachable)
            #expect(backtrace == ["inner (func 0)", "outer (func 1)"])
        }
    }

    /// One compiled module instantiated in stores on eight threads at once: each function is translated once,
    /// every thread computes the right results, whichever thread translates a function first.
    @Test func aModuleSharedByThreadsTranslatesEachFunctionOnce() throws {
        var wat = "(module\n"
        for i in 0..<64 {
            wat += "(func $f\(i) (export \"f\(i)\") (param i32) (result i32) (i32.add (local.get 0) (i32.const \(i)))"
            wat += i > 0 ? " (drop (call $f\(i - 1) (i32.const 0))))\n" : ")\n"
        }
        wat += ")"
        let module = try compileModule(try WAT.encode(wat))
        let lock = Lock()
        nonisolated(unsafe) var results: [Int: [UInt64]] = [:]  // guarded by `lock`
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let store = Store(limits: StoreLimits())
            guard let instance = try? store.instantiate(module, resolve: { _, _ in nil }) else { return }
            var values: [UInt64] = []
            for k in stride(from: 63 - thread, through: 0, by: -3) {
                if case .function(let f)? = instance.export("f\(k)"), let r = try? store.invoke(f, arguments: [100]) {
                    values.append(r[0])
                }
            }
            lock.withLock { results[thread] = values }
        }
        let all = lock.withLock { results }
        for thread in 0..<8 {
            #expect(all[thread] == stride(from: 63 - thread, through: 0, by: -3).map { UInt64(100 + $0) })
        }
        #expect((0..<64).allSatisfy { module.translatedIfAvailable($0) != nil })
    }

    /// Eager translation translates every body up front and links every call to its callee's code.
    @Test func eagerTranslationTranslatesEverything() throws {
        let module = try compileModule(try WAT.encode(Self.wat), translation: .eager)
        #expect((0..<4).allSatisfy { module.translatedIfAvailable($0) != nil })
        let square = try #require(module.translatedIfAvailable(0))
        let main = try #require(module.translatedIfAvailable(1))
        #expect(main.code[1] == internalCallLink(code: square.code, frameSize: square.frameSize)
                || main.code[2] == internalCallLink(code: square.code, frameSize: square.frameSize))
    }
}
