import Foundation
import Testing
import Swasm
import WasmText

@Suite struct ModuleTests {
    static let addWat = """
        (module
          (import "env" "log" (func $log (param i32)))
          (import "env" "mem" (memory 1 2))
          (import "env" "table" (table 2 funcref))
          (import "env" "g" (global (mut i64)))
          (tag $oops (export "oops") (param i32 f64))
          (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (global (export "answer") f32 (f32.const 42))
          (table (export "refs") 1 8 externref)
          (memory (export "memory") 1))
        """

    @Test func validate() throws {
        let bytes = try WAT.encode("(module (func (export \"f\") (result i32) (i32.const 1)))")
        #expect(WebAssembly.validate(bytes))
        #expect(WebAssembly.validate(Data(bytes)))
        #expect(!WebAssembly.validate([0, 1, 2, 3]))
        let invalid = try WAT.encode("(module (func (result i32) (i64.const 1)))")
        #expect(!WebAssembly.validate(invalid))
    }

    @Test func compileAndInstantiateAsync() async throws {
        let bytes = try WAT.encode("(module (func (export \"seven\") (result i32) (i32.const 7)))")
        let module = try await WebAssembly.compile(bytes)
        let instance = try await WebAssembly.instantiate(module)
        let seven: Int32 = try instance.exports.seven()
        #expect(seven == 7)
        let (module2, instance2) = try await WebAssembly.instantiate(Data(bytes))
        #expect(module2.exports.map(\.name) == ["seven"])
        #expect(try instance2.exports.seven().description == "7")
        // Any contiguous byte collection.
        let slice = ([0xFF] + bytes)[1...]
        #expect(WebAssembly.validate(slice))
        _ = try WebAssembly.Module(bytes: ContiguousArray(bytes))
    }

    @Test func importAndExportDescriptors() throws {
        let module = try wat(Self.addWat)
        #expect(module.imports == [
            .init(module: "env", name: "log", type: .function(.init(parameters: [.i32], results: []))),
            .init(module: "env", name: "mem", type: .memory(.init(minimum: 1, maximum: 2))),
            .init(module: "env", name: "table", type: .table(.init(element: .funcref, minimum: 2))),
            .init(module: "env", name: "g", type: .global(.init(value: .i64, isMutable: true))),
        ])
        #expect(module.imports.map(\.kind) == [.function, .memory, .table, .global])
        #expect(module.exports == [
            .init(name: "oops", type: .tag(.init(parameters: [.i32, .f64], results: []))),
            .init(name: "add", type: .function(.init(parameters: [.i32, .i32], results: [.i32]))),
            .init(name: "answer", type: .global(.init(value: .f32))),
            .init(name: "refs", type: .table(.init(element: .externref, minimum: 1, maximum: 8))),
            .init(name: "memory", type: .memory(.init(minimum: 1))),
        ])
        #expect(module.exports[1].description == "\"add\": function (i32, i32) -> i32")
    }

    @Test func customSections() throws {
        var bytes = try WAT.encode("(module)")
        func section(_ name: String, _ payload: [UInt8]) -> [UInt8] {
            let body = [UInt8(name.utf8.count)] + Array(name.utf8) + payload
            return [0, UInt8(body.count)] + body
        }
        bytes += section("meta", [1, 2, 3]) + section("other", [9]) + section("meta", [4])
        let module = try WebAssembly.Module(bytes: bytes)
        #expect(module.customSections(named: "meta") == [[1, 2, 3], [4]])
        #expect(module.customSections(named: "other") == [[9]])
        #expect(module.customSections(named: "none").isEmpty)
    }

    @Test func compileErrorHasByteOffset() throws {
        var bytes = try WAT.encode("(module (func (export \"f\") (result i32) (i32.const 1)))")
        bytes[4] = 2  // version
        #expect {
            try WebAssembly.Module(bytes: bytes)
        } throws: { error in
            guard let e = error as? WebAssembly.CompileError else { return false }
            return e.reason == .malformed && e.offset == 4 && e.message == "unknown binary version"
        }
        let invalid = try WAT.encode("(module (func (result i32) (i64.const 1)))")
        do {
            _ = try WebAssembly.Module(bytes: invalid)
            Issue.record("expected a compile error")
        } catch {
            #expect(error.reason == .invalid)
            #expect(error.message.contains("type mismatch"))
            #expect((error.offset ?? 0) > 8)
            #expect(error.description.hasPrefix("invalid module at byte 0x"))
        }
        #expect(throws: WebAssembly.CompileError.self) { try WebAssembly.Module(wat: "(module (func (bogus)))") }
    }

    @Test func moduleIsSendableAndSharedAcrossThreads() async throws {
        let module = try wat("""
            (module
              (global $counter (mut i32) (i32.const 0))
              (func (export "bump") (param i32) (result i32)
                (global.set $counter (i32.add (global.get $counter) (local.get 0)))
                (global.get $counter)))
            """)
        // Many tasks instantiate the same module at the same time; each instance has its own state.
        let results = try await withThrowingTaskGroup(of: Int32.self) { group in
            for i in 1...16 {
                group.addTask {
                    let instance = try WebAssembly.Instance(module: module)
                    var last: Int32 = 0
                    for _ in 0..<100 { last = try instance.exports.bump(Int32(i)) }
                    return last
                }
            }
            var all: [Int32] = []
            for try await r in group { all.append(r) }
            return all.sorted()
        }
        #expect(results == (1...16).map { Int32($0 * 100) })
    }

    @Test func instantiateFromThreads() throws {
        let module = try wat("(module (func (export \"sq\") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))")
        // NSLock rather than Synchronization's Mutex: ThreadSanitizer models the former (Scripts/sanitizers.sh).
        let lock = NSLock()
        nonisolated(unsafe) var results: [Int32] = []  // guarded by `lock`
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            do {
                let instance = try WebAssembly.Instance(module: module)
                let sq: (Int32) throws -> Int32 = try instance.exports.sq.typed()
                var sum: Int32 = 0
                for k in 0..<1000 { sum &+= try sq(Int32(k % 7 + i)) }
                lock.withLock { results.append(sum) }
            } catch {
                Issue.record("thread \(i): \(error)")
            }
        }
        #expect(lock.withLock { results.count } == 8)
    }

    /// Lazy (the default) and eager translation run the same code: the same results, and an invalid body that
    /// is never called is refused by both.
    @Test func lazyAndEagerTranslationAgree() throws {
        let wat = """
            (module
              (func $fact (param i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
                  (else (i64.mul (local.get 0) (call $fact (i64.sub (local.get 0) (i64.const 1)))))))
              (func (export "fact") (param i64) (result i64) (call $fact (local.get 0))))
            """
        for translation in [WebAssembly.Module.Translation.lazy, .eager] {
            let instance = try WebAssembly.Instance(module: try WebAssembly.Module(wat: wat, translation: translation))
            let result: Int64 = try instance.exports.fact(20)
            #expect(result == 2_432_902_008_176_640_000)
        }
        let invalid = "(module (func (export \"ok\")) (func (result i32) (f32.const 1)))"
        for translation in [WebAssembly.Module.Translation.lazy, .eager] {
            #expect(throws: WebAssembly.CompileError.self) { try WebAssembly.Module(wat: invalid, translation: translation) }
        }
    }
}

