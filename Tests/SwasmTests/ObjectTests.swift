import Testing
import Swasm

@Suite struct TableAndGlobalTests {
    @Test func tableFromSwift() throws {
        let table = try WebAssembly.Table(element: .funcref, initial: 2, maximum: 4)
        #expect(table.length == 2)
        #expect(try table.get(0) == .funcref(nil))
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "table" (table 2 4 funcref))
              (type $t (func (result i32)))
              (func $one (result i32) (i32.const 1))
              (func $two (export "two") (result i32) (i32.const 2))
              (elem (i32.const 0) func $one)
              (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))
            """), imports: ["env": ["table": .table(table)]])
        #expect(try instance.exports.call(0) as Int32 == 1)
        let two = try #require(instance.exports.two.function)
        try table.set(1, .funcref(two))
        #expect(try instance.exports.call(1) as Int32 == 2)
        guard case .funcref(let f?) = try table.get(0) else {
            Issue.record("expected a function")
            return
        }
        #expect(try f() == [.i32(1)])
        #expect(try table.grow(by: 2) == 2)
        #expect(table.length == 4)
        #expect(throws: WebAssembly.RangeError.self) { try table.grow(by: 1) }
        #expect(throws: WebAssembly.RangeError.self) { try table.get(4) }
        #expect(throws: (any Error).self) { try instance.exports.call(3) }
    }

    @Test func externrefTable() throws {
        let token = Token("a")
        let table = try WebAssembly.Table(element: .externref, initial: 1)
        try table.set(0, .externref(token))
        guard case .externref(let o?) = try table.get(0) else {
            Issue.record("expected an object")
            return
        }
        #expect(same(o, token))
    }

    @Test func externValuesAreCallableAndNamedByKind() throws {
        let module = try wat("""
            (module
              (memory (export "memory") 1)
              (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
            """)
        let instance = try WebAssembly.Instance(module: module)
        let sum: Int32? = try instance.exports["add"]?(2, 3)
        #expect(sum == 5)
        #expect(try instance.exports["add"]?(40, 2).first == .i32(42))
        #expect(instance.exports["add"]?.function != nil && instance.exports["add"]?.memory == nil)
        #expect(instance.exports["memory"]?.memory?.pageCount == 1)
        #expect(throws: WebAssembly.TypeError("a memory is not a function")) { try instance.exports["memory"]?(1) }
        let host = WebAssembly.Extern.function { (x: Int32) in x }
        #expect(throws: WebAssembly.TypeError("a host function is callable once an instance imports it")) {
            try host(1)
        }
    }

    @Test func tablesTakeAndGiveSwiftValues() throws {
        final class Token {}
        let module = try wat("""
            (module
              (table (export "funcs") 2 funcref)
              (table (export "refs") 1 externref)
              (type $t (func (result i32)))
              (func (export "seven") (result i32) (i32.const 7))
              (func (export "callFirst") (result i32) (call_indirect (type $t) (i32.const 0))))
            """)
        let instance = try WebAssembly.Instance(module: module)
        let funcs = try #require(instance.exports["funcs"]?.table)
        let seven = try #require(instance.exports["seven"]?.function)
        try funcs.set(0, seven)
        #expect(try instance.exports.callFirst() as Int32 == 7)
        let back: WebAssembly.Function = try funcs.get(0)
        #expect(try back() as Int32 == 7)
        let refs = try #require(instance.exports["refs"]?.table)
        let token = Token()
        try refs.set(0, WebAssembly.ExternRef(token))
        #expect(try refs.get(0, as: WebAssembly.ExternRef.self).object(as: Token.self) === token)
        #expect(throws: WebAssembly.TypeError.self) { try funcs.set(1, WebAssembly.ExternRef(token)) }
    }

    @Test func tooManyResultsAskedForAreNamedAsResults() throws {
        let module = try wat("(module (func (export \"two\") (result i32 i32) (i32.const 1) (i32.const 2)))")
        let instance = try WebAssembly.Instance(module: module)
        let two: (Int32, Int32) throws -> (Int32, Int32, Int32) = { _, _ in try instance.exports.two() }
        #expect(throws: WebAssembly.TypeError("missing result 3: the function returns 2 value(s)")) { try two(0, 0) }
    }

    @Test func objectsDescribeThemselves() throws {
        let module = try wat("""
            (module
              (import "env" "f" (func))
              (memory (export "memory") 1 10)
              (table (export "table") 2 funcref)
              (global (export "counter") (mut i32) (i32.const 5))
              (func (export "run")))
            """)
        #expect("\(module)" == "Module(1 import, 4 exports: memory, table, counter, run)")
        let instance = try WebAssembly.Instance(module: module, imports: ["env": ["f": .function {}]])
        #expect("\(instance)" == "Instance(exports: memory, table, counter, run)")
        let memory = try #require(instance.exports["memory"]?.memory)
        #expect("\(memory)" == "Memory(1 page, 65536 bytes; \(memory.type))")
        let table = try #require(instance.exports["table"]?.table)
        #expect("\(table)" == "Table(2 elements; \(table.type))")
        let counter = try #require(instance.exports["counter"]?.global)
        #expect("\(counter)" == "Global(\(WebAssembly.Value.i32(5)); \(counter.type))")
    }

    @Test func externrefObjectsComeBackTyped() {
        final class Session {}
        final class Other {}
        let session = Session()
        let ref = WebAssembly.ExternRef(session)
        #expect(ref.object(as: Session.self) === session)
        #expect(ref.object(as: Other.self) == nil)
        let typed: Session? = ref.object()
        #expect(typed === session)
        #expect(WebAssembly.ExternRef(nil).object(as: Session.self) == nil)
    }

    @Test func globalsEnforceMutability() throws {
        let counter = try WebAssembly.Global(.i32, mutable: true, value: 10)
        let constant = try WebAssembly.Global(.f64, value: 2.5)
        #expect(counter.value == .i32(10))
        #expect(try constant.get(Double.self) == 2.5)
        #expect(throws: WebAssembly.TypeError.self) { try constant.set(3.0) }
        #expect(constant.value == .f64(2.5))
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "counter" (global $c (mut i32)))
              (import "env" "k" (global $k f64))
              (global (export "fixed") i64 (i64.const 9))
              (func (export "bump") (result i32)
                (global.set $c (i32.add (global.get $c) (i32.const 1))) (global.get $c))
              (func (export "k") (result f64) (global.get $k)))
            """), imports: ["env": ["counter": .global(counter), "k": .global(constant)]])
        #expect(try instance.exports.bump() as Int32 == 11)
        try counter.set(Int32(100))
        #expect(try instance.exports.bump() as Int32 == 101)
        #expect(try counter.get(Int32.self) == 101)
        #expect(try instance.exports.k() as Double == 2.5)
        let fixed = try #require(instance.exports.fixed.global)
        #expect(fixed.type == .init(value: .i64, isMutable: false))
        #expect(throws: WebAssembly.TypeError.self) { try fixed.set(Int64(1)) }
        // A mutable import needs a mutable global.
        #expect(throws: WebAssembly.LinkError.self) {
            try WebAssembly.Instance(module: wat("(module (import \"env\" \"g\" (global (mut i32))))"),
                                     imports: ["env": ["g": .global(WebAssembly.Global(.i32, value: 1))]])
        }
    }
}

@Suite struct ExceptionTests {
    static let thrower = """
        (module
          (tag $e (export "e") (param i32 f64))
          (func $inner (export "throw") (param i32) (throw $e (local.get 0) (f64.const 1.5)))
          (func (export "outer") (param i32) (call $inner (local.get 0))))
        """

    @Test func wasmExceptionArrivesInSwift() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.thrower))
        let tag = try #require(instance.exports.e.tag)
        #expect(tag.parameters == [.i32, .f64])
        do {
            try instance.exports.outer(42)
            Issue.record("expected an exception")
        } catch let e as WebAssembly.Exception {
            #expect(e.is(tag))
            #expect(e.tag == tag)
            #expect(e.payload == [.i32(42), .f64(1.5)])
            #expect(try e.getArg(tag, 0) == .i32(42))
            #expect(throws: WebAssembly.RangeError.self) { try e.getArg(tag, 2) }
            #expect(!e.is(WebAssembly.Tag(parameters: [.i32, .f64])))
        }
    }

    @Test func hostThrowsIntoWasm() throws {
        let tag = WebAssembly.Tag(parameters: [.i32])
        let module = try wat("""
            (module
              (import "env" "tag" (tag $t (param i32)))
              (import "env" "risky" (func $risky (param i32)))
              (func (export "safe") (param i32) (result i32)
                (block $caught (result i32)
                  (try_table (catch $t $caught)
                    (call $risky (local.get 0)))
                  (i32.const -1))))
            """)
        let instance = try WebAssembly.Instance(module: module, imports: ["env": [
            "tag": .tag(tag),
            "risky": .function { (x: Int32) in
                if x > 10 { throw try WebAssembly.Exception(tag, [.i32(x * 2)]) }
            },
        ]])
        #expect(try instance.exports.safe(5) as Int32 == -1)
        #expect(try instance.exports.safe(50) as Int32 == 100)
    }

    @Test func uncaughtHostExceptionComesBackToSwift() throws {
        let tag = WebAssembly.Tag(parameters: [.i64])
        let module = try wat("""
            (module
              (import "env" "tag" (tag $t (param i64)))
              (import "env" "boom" (func $boom))
              (func (export "run") (call $boom)))
            """)
        let instance = try WebAssembly.Instance(module: module, imports: ["env": [
            "tag": .tag(tag),
            "boom": .function { () in throw try WebAssembly.Exception(tag, [.i64(7)]) },
        ]])
        do {
            try instance.exports.run()
            Issue.record("expected an exception")
        } catch let e as WebAssembly.Exception {
            #expect(e.is(tag))
            #expect(e.payload == [.i64(7)])
        }
        #expect(throws: WebAssembly.TypeError.self) { try WebAssembly.Exception(tag, [.i32(1), .i32(2)]) }
    }
}

extension ExceptionTests {
    @Test func exceptionsPassThroughHostFrames() throws {
        // wasm (catches) -> host function -> wasm export (throws): the exception crosses the Swift frame.
        let inner = try WebAssembly.Instance(module: wat("""
            (module
              (tag (export "t") (param i32))
              (func (export "fail") (param i32) (throw 0 (local.get 0))))
            """))
        // The host function reaches `fail` through its caller's exports: capturing the `Function` would make
        // a cycle (the store keeps the host function, whose closure would keep the store).
        let outer = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "t" (tag $t (param i32)))
              (import "env" "fail" (func $fail (param i32)))
              (import "env" "relay" (func $relay (param i32)))
              (export "fail" (func $fail))
              (func (export "run") (param i32) (result i32)
                (block $caught (result i32)
                  (try_table (catch $t $caught) (call $relay (local.get 0)))
                  (i32.const 0))))
            """), imports: ["env": [
                "t": try #require(inner.exports["t"]),
                "fail": try #require(inner.exports["fail"]),
                "relay": .functionWithCaller { (caller: WebAssembly.Caller, x: Int32) in
                    _ = try #require(caller.exports).fail(x + 1)
                },
            ]])
        #expect(try outer.exports.run(41) as Int32 == 42)
    }
}

@Suite struct ExternrefTests {
    @Test func swiftObjectsRoundTripIdentically() throws {
        let module = try wat("""
            (module
              (import "env" "check" (func $check (param externref) (result i32)))
              (table $t 4 externref)
              (func (export "id") (param externref) (result externref) (local.get 0))
              (func (export "keep") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
              (func (export "fetch") (param i32) (result externref) (table.get $t (local.get 0)))
              (func (export "isNull") (param externref) (result i32) (ref.is_null (local.get 0)))
              (func (export "check") (param externref) (result i32) (call $check (local.get 0))))
            """)
        let a = Token("a"), b = Token("b")
        let instance = try WebAssembly.Instance(module: module, imports: ["env": [
            "check": .function { (r: WebAssembly.ExternRef) in (r.object as? Token)?.name == "a" },
        ]])
        let back: WebAssembly.ExternRef = try instance.exports.id(WebAssembly.ExternRef(a))
        #expect(same(back.object, a))
        try instance.exports.keep(0, WebAssembly.ExternRef(a))
        try instance.exports.keep(1, WebAssembly.Value.externref(b))
        let v0: WebAssembly.Value = try instance.exports.fetch(0)
        let v1: WebAssembly.ExternRef = try instance.exports.fetch(1)
        #expect(v0 == .externref(a))
        #expect(same(v1.object, b))
        #expect(try instance.exports.isNull(WebAssembly.ExternRef(nil)) as Bool)
        #expect(!(try instance.exports.isNull(WebAssembly.ExternRef(b)) as Bool))
        #expect(try instance.exports.check(WebAssembly.ExternRef(a)) as Bool)
        #expect(!(try instance.exports.check(WebAssembly.ExternRef(b)) as Bool))
    }
}
