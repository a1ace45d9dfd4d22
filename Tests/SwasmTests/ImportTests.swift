import Testing
import Swasm

@Suite struct ImportTests {
    @Test func typedHostFunctionsOfEveryType() throws {
        let module = try wat("""
            (module
              (import "h" "i32" (func $i32 (param i32) (result i32)))
              (import "h" "i64" (func $i64 (param i64) (result i64)))
              (import "h" "f32" (func $f32 (param f32) (result f32)))
              (import "h" "f64" (func $f64 (param f64) (result f64)))
              (import "h" "bool" (func $bool (param i32) (result i32)))
              (import "h" "two" (func $two (param i32 f64) (result f64 i32)))
              (import "h" "u32" (func $u32 (param i32) (result i32)))
              (func (export "i32") (param i32) (result i32) (call $i32 (local.get 0)))
              (func (export "i64") (param i64) (result i64) (call $i64 (local.get 0)))
              (func (export "f32") (param f32) (result f32) (call $f32 (local.get 0)))
              (func (export "f64") (param f64) (result f64) (call $f64 (local.get 0)))
              (func (export "bool") (param i32) (result i32) (call $bool (local.get 0)))
              (func (export "two") (param i32 f64) (result f64 i32) (call $two (local.get 0) (local.get 1)))
              (func (export "u32") (param i32) (result i32) (call $u32 (local.get 0))))
            """)
        let instance = try WebAssembly.Instance(module: module, imports: [
            "h": [
                "i32": .function { (x: Int32) in x &* 3 },
                "i64": .function { (x: Int64) in x << 2 },
                "f32": .function { (x: Float) in x / 2 },
                "f64": .function { (x: Double) in x.squareRoot() },
                "bool": .function { (b: Bool) in !b },
                "two": .function { (a: Int32, b: Double) in (b * 2, a + 1) },
                "u32": .function { (x: UInt32) in x >> 1 },
            ],
        ])
        #expect(try instance.exports.i32(7) as Int32 == 21)
        #expect(try instance.exports.i64(5) as Int64 == 20)
        #expect(try instance.exports.f32(3) as Float == 1.5)
        #expect(try instance.exports.f64(16) as Double == 4)
        #expect(try instance.exports.bool(0) as Bool == true)
        let (d, i): (Double, Int32) = try instance.exports.two(41, 1.5)
        #expect(d == 3 && i == 42)
        #expect(try instance.exports.u32(-2) as UInt32 == 0x7FFF_FFFF)
    }

    @Test func hostFunctionReadsAndWritesCallerMemory() throws {
        let module = try wat("""
            (module
              (import "env" "upper" (func $upper (param i32 i32)))
              (memory (export "memory") 1)
              (data (i32.const 100) "hello")
              (func (export "run") (call $upper (i32.const 100) (i32.const 5))))
            """)
        var seen = ""
        let instance = try WebAssembly.Instance(module: module, imports: [
            "env": ["upper": .functionWithCaller { (caller: WebAssembly.Caller, p: Int32, n: Int32) in
                guard let memory = caller.memory else { throw HostFailure(code: 1) }
                seen = try memory.readString(at: Int(p), length: Int(n))
                try memory.writeString(seen.uppercased(), at: Int(p))
                #expect(caller.exports?.names.contains("run") == true)
            }],
        ])
        try instance.exports.run()
        #expect(seen == "hello")
        let memory: WebAssembly.Memory? = instance.exports.memory
        #expect(try memory?.readString(at: 100, length: 5) == "HELLO")
    }

    @Test func aPlainClosureNeverBindsTheCaller() throws {
        // `function` binds the closure's parameters to the import's, only; the caller comes only through
        // `functionWithCaller`. (Before the two had the same name, and an unannotated one-parameter closure bound
        // its parameter to the Caller.)
        let module = try wat("""
            (module
              (import "env" "none" (func $none))
              (import "env" "one" (func $one (param i32)))
              (func (export "run") (call $none) (call $one (i32.const 42))))
            """)
        var calls: [String] = []
        let instance = try WebAssembly.Instance(module: module, imports: [
            "env": [
                "none": .function { calls.append("none") },
                "one": .function { (x: Int32) in calls.append("one \(x)") },
            ],
        ])
        try instance.exports.run()
        #expect(calls == ["none", "one 42"])
        // A closure taking the caller cannot be linked to an import without parameters by mistake: it is a
        // `functionWithCaller` of zero parameters, which links to `()` and receives the caller.
        var sawCaller = false
        let withCaller = try WebAssembly.Instance(module: module, imports: [
            "env": [
                "none": .functionWithCaller { (caller: WebAssembly.Caller) in sawCaller = caller.exports != nil },
                "one": .function { (_: Int32) in },
            ],
        ])
        try withCaller.exports.run()
        #expect(sawCaller)
    }

    @Test func hostErrorsReachTheCallerUnchanged() throws {
        let module = try wat("""
            (module
              (import "env" "fail" (func $fail (param i32)))
              (func $inner (param i32) (call $fail (local.get 0)))
              (func (export "outer") (param i32) (call $inner (local.get 0))))
            """)
        let instance = try WebAssembly.Instance(module: module, imports: [
            "env": ["fail": .function { (code: Int32) in throw HostFailure(code: Int(code)) }],
        ])
        #expect(throws: HostFailure(code: 42)) { try instance.exports.outer(42) }
        // The instance is still usable.
        #expect(throws: HostFailure(code: 7)) { try instance.exports.outer(7) }
    }

    @Test func untypedHostFunction() throws {
        let module = try wat("""
            (module
              (import "env" "sum" (func $sum (param i32 i64 f64) (result f64)))
              (func (export "run") (result f64) (call $sum (i32.const 1) (i64.const 2) (f64.const 0.5))))
            """)
        let type = WebAssembly.FunctionType(parameters: [.i32, .i64, .f64], results: [.f64])
        let instance = try WebAssembly.Instance(module: module, imports: [
            "env": ["sum": .function(type: type) { _, args in
                var total = 0.0
                for a in args {
                    switch a {
                    case .i32(let v): total += Double(v)
                    case .i64(let v): total += Double(v)
                    case .f64(let v): total += v
                    default: break
                    }
                }
                return [.f64(total)]
            }],
        ])
        #expect(try instance.exports.run() as Double == 3.5)
    }

    @Test func linkErrorsNameTheImport() throws {
        let module = try wat("""
            (module
              (import "env" "log" (func (param i32)))
              (import "env" "mem" (memory 2)))
            """)
        do {
            _ = try WebAssembly.Instance(module: module)
            Issue.record("expected a link error")
        } catch let e as WebAssembly.LinkError {
            #expect(e.module == "env" && e.name == "log")
            #expect(e.message.contains("\"env\" \"log\""))
        }
        do {
            _ = try WebAssembly.Instance(module: module, imports: ["env": ["log": .function { (x: Int64) in _ = x }]])
            Issue.record("expected a link error")
        } catch let e as WebAssembly.LinkError {
            #expect(e.name == "log")
            #expect(e.message.contains("does not fit"))
        }
        do {
            _ = try WebAssembly.Instance(module: module, imports: ["env": [
                "log": .function { (x: Int32) in _ = x },
                "mem": .memory(try WebAssembly.Memory(initial: 1)),
            ]])
            Issue.record("expected a link error")
        } catch let e as WebAssembly.LinkError {
            #expect(e.module == "env" && e.name == "mem")
            #expect(e.message == "incompatible import type for \"env\" \"mem\": memory type mismatch: the module needs"
                    + " i32 memory of at least 2 pages, no maximum, the import is i32 memory of 1 pages, no maximum")
        }
        do {
            _ = try WebAssembly.Instance(module: module, imports: ["env": [
                "log": .memory(try WebAssembly.Memory(initial: 1)),
            ]])
            Issue.record("expected a link error")
        } catch let e as WebAssembly.LinkError {
            #expect(e.name == "log")
        }
    }

    @Test func linkingInstancesThroughExports() throws {
        let provider = try WebAssembly.Instance(module: wat("""
            (module
              (func (export "triple") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
              (table (export "table") 2 funcref)
              (global (export "base") (mut i32) (i32.const 100))
              (memory (export "memory") 1)
              (tag (export "tag") (param i32)))
            """))
        let consumer = try WebAssembly.Instance(module: wat("""
            (module
              (import "p" "triple" (func $triple (param i32) (result i32)))
              (import "p" "table" (table 2 funcref))
              (import "p" "base" (global $base (mut i32)))
              (import "p" "memory" (memory 1))
              (import "p" "tag" (tag $t (param i32)))
              (type $sig (func (param i32) (result i32)))
              (elem (i32.const 0) func $triple)
              (func (export "run") (param i32) (result i32)
                (global.set $base (i32.add (global.get $base) (i32.const 1)))
                (i32.store (i32.const 0) (local.get 0))
                (i32.add (global.get $base) (call_indirect (type $sig) (local.get 0) (i32.const 0))))
              (func (export "throwIt") (param i32) (throw $t (local.get 0))))
            """), imports: [
                "p": [
                    "triple": try #require(provider.exports["triple"]),
                    "table": try #require(provider.exports["table"]),
                    "base": try #require(provider.exports["base"]),
                    "memory": try #require(provider.exports["memory"]),
                    "tag": try #require(provider.exports["tag"]),
                ],
            ])
        let result: Int32 = try consumer.exports.run(5)
        #expect(result == 101 + 15)
        #expect(try provider.exports.base.global?.get(Int32.self) == 101)
        #expect(try provider.exports.memory.memory?.load(Int32.self, at: 0) == 5)
        #expect(provider.exports.table.table?.length == 2)
        do {
            try consumer.exports.throwIt(9)
            Issue.record("expected an exception")
        } catch let e as WebAssembly.Exception {
            #expect(e.is(try #require(provider.exports.tag.tag)))
            #expect(e.payload == [.i32(9)])
        }
    }

    @Test func importsMerging() throws {
        var imports: WebAssembly.Imports = ["a": ["x": .function { () in Int32(1) }]]
        imports["b"] = ["y": .function { () in Int32(2) }]
        let merged = imports.merging(["a": ["z": .function { () in Int32(3) }]])
        let module = try wat("""
            (module
              (import "a" "x" (func $x (result i32)))
              (import "b" "y" (func $y (result i32)))
              (import "a" "z" (func $z (result i32)))
              (func (export "sum") (result i32) (i32.add (call $x) (i32.add (call $y) (call $z)))))
            """)
        let instance = try WebAssembly.Instance(module: module, imports: merged)
        #expect(try instance.exports.sum() as Int32 == 6)
    }
}
