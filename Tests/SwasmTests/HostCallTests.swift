import Testing
import Swasm

/// A user type converting to and from `i32` (host functions must accept conformances outside the library).
struct Celsius: WebAssembly.ValueConvertible, Equatable {
    var degrees: Int32
    init(_ degrees: Int32) { self.degrees = degrees }
    static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .i32 }
    init(wasmValue: WebAssembly.Value) throws {
        guard case .i32(let v) = wasmValue else { throw WebAssembly.TypeError("not an i32") }
        degrees = v
    }
    func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value { .i32(degrees) }
}

/// The conversions of typed host functions' arguments and results, as wasm calls them.
@Suite struct HostCallTests {
    @Test func integerAndFloatConversions() throws {
        let module = try wat("""
            (module
              (import "h" "intFrom32" (func $intFrom32 (param i32) (result i64)))
              (import "h" "intTo32" (func $intTo32 (param i64) (result i32)))
              (import "h" "u64" (func $u64 (param i64) (result i64)))
              (import "h" "u32" (func $u32 (param i32) (result i32)))
              (import "h" "f32" (func $f32 (param f32) (result f32)))
              (import "h" "f64" (func $f64 (param f64) (result f64)))
              (import "h" "positive" (func $positive (param i32) (result i32)))
              (import "h" "not" (func $not (param i32) (result i32)))
              (import "h" "own" (func $own (param i32) (result i32)))
              (func (export "intFrom32") (param i32) (result i64) (call $intFrom32 (local.get 0)))
              (func (export "intTo32") (param i64) (result i32) (call $intTo32 (local.get 0)))
              (func (export "u64") (param i64) (result i64) (call $u64 (local.get 0)))
              (func (export "u32") (param i32) (result i32) (call $u32 (local.get 0)))
              (func (export "f32bits") (param i32) (result i32)
                (i32.reinterpret_f32 (call $f32 (f32.reinterpret_i32 (local.get 0)))))
              (func (export "f64bits") (param i64) (result i64)
                (i64.reinterpret_f64 (call $f64 (f64.reinterpret_i64 (local.get 0)))))
              (func (export "positive") (param i32) (result i32) (call $positive (local.get 0)))
              (func (export "not") (param i32) (result i32) (call $not (local.get 0)))
              (func (export "own") (param i32) (result i32) (call $own (local.get 0))))
            """)
        let instance = try WebAssembly.Instance(module: module, imports: [
            "h": [
                "intFrom32": .function { (x: Int) in x * 2 },
                "intTo32": .function { (x: Int) in x },
                "u64": .function { (x: UInt64) in x &+ 1 },
                "u32": .function { (x: UInt32) in x &+ 1 },
                "f32": .function { (x: Float) in x },
                "f64": .function { (x: Double) in x },
                "positive": .function { (x: Int32) in x > 0 },
                "not": .function { (x: Bool) in !x },
                "own": .function { (c: Celsius) in Celsius(c.degrees - 273) },
            ],
        ])
        #expect(try instance.exports.intFrom32(-21) as Int64 == -42)
        #expect(try instance.exports.intTo32(Int64(-7)) as Int32 == -7)
        #expect(try instance.exports.intTo32(Int64(0xFFFF_FFFF)) as Int32 == -1)  // exact as UInt32
        #expect(throws: WebAssembly.RangeError.self) { try instance.exports.intTo32(Int64(1) << 40) }
        #expect(try instance.exports.u64(Int64(-1)) as Int64 == 0)
        #expect(try instance.exports.u64(Int64.max) as Int64 == Int64.min)
        #expect(try instance.exports.u32(Int32(-1)) as Int32 == 0)
        #expect(try instance.exports.u32(Int32.max) as Int32 == Int32.min)
        // NaN payloads pass through unchanged.
        #expect(try instance.exports.f32bits(Int32(bitPattern: 0x7FA0_0001)) as Int32 == Int32(bitPattern: 0x7FA0_0001))
        #expect(try instance.exports.f32bits(Int32(bitPattern: 0xBF80_0000)) as Int32 == Int32(bitPattern: 0xBF80_0000))
        #expect(try instance.exports.f64bits(Int64(bitPattern: 0x7FF4_0000_0000_0001)) as Int64
                == Int64(bitPattern: 0x7FF4_0000_0000_0001))
        #expect(try instance.exports.positive(5) as Int32 == 1)
        #expect(try instance.exports.positive(-5) as Int32 == 0)
        #expect(try instance.exports.not(0) as Int32 == 1)
        #expect(try instance.exports.not(-2) as Int32 == 0)
        #expect(try instance.exports.own(300) as Int32 == 27)
    }

    @Test func valueParametersAndResults() throws {
        let module = try wat("""
            (module
              (import "h" "mix" (func $mix (param f64 i32 externref) (result f64)))
              (import "h" "bad" (func $bad (result i32)))
              (import "h" "none" (func $none (result externref)))
              (func (export "mix") (param f64 i32 externref) (result f64)
                (call $mix (local.get 0) (local.get 1) (local.get 2)))
              (func (export "bad") (result i32) (call $bad))
              (func (export "none") (result i32) (ref.is_null (call $none))))
            """)
        let token = Token("t")
        let instance = try WebAssembly.Instance(module: module, imports: [
            "h": [
                // An .i32 result for an f64 result converts exactly.
                "mix": .function { (a: WebAssembly.Value, b: WebAssembly.Value, c: WebAssembly.Value) -> WebAssembly.Value in
                    guard a == .f64(1.5), b == .i32(2), case .externref(let o) = c, same(o, token) else { return .f64(-1) }
                    return .i32(3)
                },
                "bad": .function { () -> WebAssembly.Value in .f32(1.5) },
                "none": .function { () in WebAssembly.ExternRef(nil) },
            ],
        ])
        #expect(try instance.exports.mix(1.5, 2, WebAssembly.ExternRef(token)) as Double == 3)
        #expect(try instance.exports.mix(1.5, 3, WebAssembly.ExternRef(token)) as Double == -1)
        #expect(throws: WebAssembly.TypeError.self) { try instance.exports.bad() }
        #expect(try instance.exports.none() as Bool)
    }

    @Test func severalResultsOfMixedLayout() throws {
        let module = try wat("""
            (module
              (import "h" "wide" (func $wide (param i32) (result i64 i32 f64 i32 externref f32 f64)))
              (import "h" "narrow" (func $narrow (param i32) (result i32 i64 i32)))
              (import "h" "caller" (func $caller (result i32 i32)))
              (memory 1)
              (data (i32.const 0) "\\2a")
              (func (export "wide") (param i32) (result i64 i32 f64 i32 externref f32 f64) (call $wide (local.get 0)))
              (func (export "narrow") (param i32) (result i32 i64 i32) (call $narrow (local.get 0)))
              (func (export "caller") (result i32 i32) (call $caller)))
            """)
        let token = Token("w")
        let instance = try WebAssembly.Instance(module: module, imports: [
            "h": [
                "wide": .function { (x: Int32) in
                    (Int64(x) << 33, x &+ 1, 0.25, true, WebAssembly.ExternRef(token), Float(1.5), WebAssembly.Value.i32(7))
                },
                // A one-byte value, then a nine-byte enum, then four bytes: elements at offsets 0, 8 and 20.
                "narrow": .function { (x: Int32) in (x > 0, WebAssembly.Value.i64(-9), Celsius(x)) },
                "caller": .functionWithCaller { (caller: WebAssembly.Caller) throws in
                    (Int32(try caller.memory?.load(UInt8.self, at: 0) ?? 0), caller.exports == nil)
                },
            ],
        ])
        let wide = try instance.exports.wide(5)
        #expect(Array(wide.values.prefix(4)) == [.i64(5 << 33), .i32(6), .f64(0.25), .i32(1)])
        guard case .externref(let o) = wide[4] else { Issue.record("expected an externref"); return }
        #expect(same(o, token))
        #expect(Array(wide.values.suffix(2)) == [.f32(1.5), .f64(7)])
        #expect(try instance.exports.narrow(3).values == [.i32(1), .i64(-9), .i32(3)])
        #expect(try instance.exports.narrow(-4).values == [.i32(0), .i64(-9), .i32(-4)])
        #expect(try instance.exports.caller().values == [.i32(42), .i32(0)])
    }

    @Test func reentrantHostCalls() throws {
        // wasm -> host -> wasm -> host ...: each level's arguments and results stay separate.
        let module = try wat("""
            (module
              (import "h" "down" (func $down (param i32 i64) (result i64)))
              (func (export "run") (param i32 i64) (result i64)
                (i64.add (call $down (local.get 0) (local.get 1)) (i64.const 1))))
            """)
        var depth = 0
        let instance = try WebAssembly.Instance(module: module, imports: [
            "h": ["down": .functionWithCaller { (caller: WebAssembly.Caller, n: Int32, acc: Int64) throws -> Int64 in
                depth = max(depth, Int(n))
                guard n > 0, let run = caller.exports?.run.function else { return acc }
                let inner: Int64 = try run(n - 1, acc * 2)
                return inner + Int64(n)
            }],
        ])
        // run(n, a) = down(n, a) + 1; down(n, a) = run(n-1, 2a) + n; down(0, a) = a.
        func expected(_ n: Int64, _ a: Int64) -> Int64 { n == 0 ? a + 1 : expected(n - 1, a * 2) + n + 1 }
        #expect(try instance.exports.run(10, Int64(3)) as Int64 == expected(10, 3))
        #expect(depth == 10)
    }

    @Test func hostFunctionCalledFromSwift() throws {
        // A re-exported import called from Swift has no calling instance.
        let module = try wat("""
            (module
              (import "h" "f" (func $f (param i32) (result i32)))
              (import "h" "g" (func $g (param i32) (result i32)))
              (export "f" (func $f))
              (export "g" (func $g)))
            """)
        let instance = try WebAssembly.Instance(module: module, imports: [
            "h": [
                "f": .functionWithCaller { (caller: WebAssembly.Caller, x: Int32) in caller.memory == nil ? x + 1 : -1 },
                "g": .function(type: .init(parameters: [.i32], results: [.i32])) { _, args in [.i32(args.count == 1 ? 9 : 0)] },
            ],
        ])
        #expect(try instance.exports.f(1) as Int32 == 2)
        #expect(try instance.exports.g(1) as Int32 == 9)
    }

    @Test func untypedHostFunctionResultsAreChecked() throws {
        let module = try wat("""
            (module
              (import "h" "two" (func $two (result i32 i32)))
              (import "h" "wrong" (func $wrong (result i32)))
              (import "h" "convert" (func $convert (param i64) (result f64)))
              (func (export "two") (result i32 i32) (call $two))
              (func (export "wrong") (result i32) (call $wrong))
              (func (export "convert") (param i64) (result f64) (call $convert (local.get 0))))
            """)
        let i32 = WebAssembly.FunctionType(parameters: [], results: [.i32])
        let instance = try WebAssembly.Instance(module: module, imports: [
            "h": [
                "two": .function(type: .init(parameters: [], results: [.i32, .i32])) { _, _ in [.i32(1)] },
                "wrong": .function(type: i32) { _, _ in [.externref(nil)] },
                "convert": .function(type: .init(parameters: [.i64], results: [.f64])) { _, args in args },
            ],
        ])
        #expect(throws: WebAssembly.TypeError.self) { try instance.exports.two() }
        #expect(throws: WebAssembly.TypeError.self) { try instance.exports.wrong() }
        #expect(try instance.exports.convert(Int64(12)) as Double == 12)
    }

    @Test func untypedHostFunctionPassesNumbersThrough() throws {
        // Every number type, NaN payloads included, through the [Value] form and back.
        let module = try wat("""
            (module
              (import "h" "id" (func $id (param i32 i64 f32 f64) (result i32 i64 f32 f64)))
              (func (export "id") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
                (call $id (local.get 0) (local.get 1) (local.get 2) (local.get 3))))
            """)
        let type = WebAssembly.FunctionType(parameters: [.i32, .i64, .f32, .f64], results: [.i32, .i64, .f32, .f64])
        let instance = try WebAssembly.Instance(module: module, imports: ["h": ["id": .function(type: type) { _, args in args }]])
        let values: [WebAssembly.Value] = [.i32(-7), .i64(Int64.min), .f32(Float(bitPattern: 0x7FA0_0001)),
                                           .f64(Double(bitPattern: 0xFFF4_0000_0000_0001))]
        let id = try #require(instance.exports.id.function)
        #expect(try id.call(values) == values)
    }
}
