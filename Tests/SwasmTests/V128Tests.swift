import Testing
import Swasm

/// `WebAssembly.V128` and its conversions to and from Swift's SIMD vectors.
@Suite struct V128ConversionTests {
    /// Bytes 0x00, 0x11, ..., 0xFF: every lane of every shape differs.
    static let ramp = WebAssembly.V128(low: 0x7766_5544_3322_1100, high: 0xFFEE_DDCC_BBAA_9988)

    @Test func bytesAndHalves() throws {
        let v = Self.ramp
        #expect(v.low == 0x7766_5544_3322_1100)
        #expect(v.high == 0xFFEE_DDCC_BBAA_9988)
        #expect(v.bytes == (0..<16).map { UInt8($0 * 0x11) })
        #expect(try WebAssembly.V128(bytes: (0..<16).map { UInt8($0 * 0x11) }) == v)
        #expect(try WebAssembly.V128(bytes: v.bytes[...]) == v)
        #expect(WebAssembly.V128(low: v.low, high: v.high) == v)
        #expect(WebAssembly.V128() == WebAssembly.V128(low: 0, high: 0))
        #expect(throws: WebAssembly.RangeError("a v128 is 16 bytes, got 15")) {
            try WebAssembly.V128(bytes: [UInt8](repeating: 0, count: 15))
        }
        #expect(throws: WebAssembly.RangeError("a v128 is 16 bytes, got 17")) {
            try WebAssembly.V128(bytes: [UInt8](repeating: 0, count: 17))
        }
    }

    @Test func lanesAreLittleEndianFromByteZero() {
        let v = Self.ramp
        #expect(v.u8x16 == SIMD16<UInt8>(0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                          0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF))
        #expect(v.i8x16 == SIMD16<Int8>(0, 17, 34, 51, 68, 85, 102, 119, -120, -103, -86, -69, -52, -35, -18, -1))
        #expect(v.u16x8 == SIMD8<UInt16>(0x1100, 0x3322, 0x5544, 0x7766, 0x9988, 0xBBAA, 0xDDCC, 0xFFEE))
        #expect(v.i16x8 == SIMD8<Int16>(0x1100, 0x3322, 0x5544, 0x7766, -0x6678, -0x4456, -0x2234, -0x0012))
        #expect(v.u32x4 == SIMD4<UInt32>(0x3322_1100, 0x7766_5544, 0xBBAA_9988, 0xFFEE_DDCC))
        #expect(v.i32x4 == SIMD4<Int32>(0x3322_1100, 0x7766_5544, -0x4455_6678, -0x0011_2234))
        #expect(v.u64x2 == SIMD2<UInt64>(0x7766_5544_3322_1100, 0xFFEE_DDCC_BBAA_9988))
        #expect(v.i64x2 == SIMD2<Int64>(0x7766_5544_3322_1100, -0x0011_2233_4455_6678))
        #expect(v.f32x4.indices.map { v.f32x4[$0].bitPattern } == [0x3322_1100, 0x7766_5544, 0xBBAA_9988, 0xFFEE_DDCC])
        #expect(v.f64x2[0].bitPattern == 0x7766_5544_3322_1100 && v.f64x2[1].bitPattern == 0xFFEE_DDCC_BBAA_9988)
        #expect(v.lanes(SIMD4<UInt32>.self) == v.u32x4)
    }

    @Test func everySIMDTypeRoundTrips() {
        let v = Self.ramp
        #expect(WebAssembly.V128(v.u8x16) == v)
        #expect(WebAssembly.V128(v.i8x16) == v)
        #expect(WebAssembly.V128(v.u16x8) == v)
        #expect(WebAssembly.V128(v.i16x8) == v)
        #expect(WebAssembly.V128(v.u32x4) == v)
        #expect(WebAssembly.V128(v.i32x4) == v)
        #expect(WebAssembly.V128(v.u64x2) == v)
        #expect(WebAssembly.V128(v.i64x2) == v)
        #expect(WebAssembly.V128(v.f32x4) == v)
        #expect(WebAssembly.V128(v.f64x2) == v)
        #expect(WebAssembly.V128(SIMD4<Int32>(1, -1, 3, -4)).i32x4 == SIMD4<Int32>(1, -1, 3, -4))
        #expect(WebAssembly.V128(SIMD8<Int16>(-1, 0, 0, 0, 0, 0, 0, 0)).low == 0xFFFF)
        #expect(WebAssembly.V128(SIMD16<Int8>(repeating: -1)) == WebAssembly.V128(low: ~0, high: ~0))
        #expect(WebAssembly.V128(SIMD2<Int64>(-2, 5)) == WebAssembly.V128(low: 0xFFFF_FFFF_FFFF_FFFE, high: 5))
        #expect(WebAssembly.V128(SIMD2<Double>(1.5, -0.0)) == WebAssembly.V128(low: 0x3FF8_0000_0000_0000, high: 0x8000_0000_0000_0000))
    }

    @Test func floatLanesKeepNaNPayloads() {
        let signaling = Float(bitPattern: 0x7FA0_0001)   // a signaling NaN with a payload
        let negativeQuiet = Float(bitPattern: 0xFFC0_1234)
        let v = WebAssembly.V128(SIMD4<Float>(signaling, negativeQuiet, .infinity, -0.0))
        #expect(v.u32x4 == SIMD4<UInt32>(0x7FA0_0001, 0xFFC0_1234, 0x7F80_0000, 0x8000_0000))
        #expect(v.f32x4[0].bitPattern == 0x7FA0_0001 && v.f32x4[1].bitPattern == 0xFFC0_1234)
        let d = WebAssembly.V128(SIMD2<Double>(Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFF8_0000_0000_00AB)))
        #expect(d.u64x2 == SIMD2<UInt64>(0x7FF0_0000_0000_0001, 0xFFF8_0000_0000_00AB))
        #expect(d.f64x2[0].bitPattern == 0x7FF0_0000_0000_0001 && d.f64x2[1].bitPattern == 0xFFF8_0000_0000_00AB)
        // Bitwise equality: a NaN vector equals itself.
        #expect(v == WebAssembly.V128(v.f32x4))
        #expect(WebAssembly.Value.v128(v) == .v128(v))
    }

    @Test func descriptionIsTheI32x4ConstForm() {
        #expect(WebAssembly.V128(SIMD4<Int32>(1, 2, 3, 4)).description == "i32x4 0x00000001 0x00000002 0x00000003 0x00000004")
        #expect(Self.ramp.description == "i32x4 0x33221100 0x77665544 0xbbaa9988 0xffeeddcc")
        #expect(WebAssembly.Value.v128(WebAssembly.V128(SIMD4<Int32>(-1, 0, 0, 16))).description
                == "i32x4 0xffffffff 0x00000000 0x00000000 0x00000010")
        #expect(WebAssembly.Results([.v128(WebAssembly.V128()), .i32(1)]).description
                == "(i32x4 0x00000000 0x00000000 0x00000000 0x00000000, 1)")
    }

    @Test func valuesOfTypeV128() throws {
        let v = WebAssembly.V128(SIMD4<UInt32>(1, 2, 3, 4))
        #expect(WebAssembly.Value.defaultValue(for: .v128) == .v128(WebAssembly.V128()))
        #expect(WebAssembly.Value.v128(v) != .v128(WebAssembly.V128(SIMD4<UInt32>(1, 2, 3, 5))))
        #expect(WebAssembly.Value.v128(WebAssembly.V128()) != .i64(0))
        #expect(try WebAssembly.Value.v128(v).wasmValue(as: .v128) == .v128(v))
        #expect(throws: WebAssembly.TypeError("i32x4 0x00000001 0x00000002 0x00000003 0x00000004 cannot be passed as i64")) {
            try WebAssembly.Value.v128(v).wasmValue(as: .i64)
        }
        #expect(throws: WebAssembly.TypeError("a number cannot be passed as v128")) { try WebAssembly.Value.i32(0).wasmValue(as: .v128) }
        #expect(throws: WebAssembly.TypeError("a number cannot be passed as v128")) { try Int32(1).wasmValue(as: .v128) }
        #expect(throws: WebAssembly.TypeError("a Float cannot be passed as v128")) { try Float(1).wasmValue(as: .v128) }
    }

    @Test func vectorsConvertOnlyToAndFromV128() throws {
        let v = WebAssembly.V128(SIMD4<Float>(1, 2, 3, 4))
        #expect(WebAssembly.V128.accepts(.v128) && !WebAssembly.V128.accepts(.i64))
        #expect(SIMD4<Float>.accepts(.v128) && !SIMD4<Float>.accepts(.f32))
        #expect(SIMD16<Int8>.accepts(.v128) && SIMD2<Double>.accepts(.v128))
        #expect(try SIMD4<Float>(wasmValue: .v128(v)) == SIMD4<Float>(1, 2, 3, 4))
        #expect(try SIMD2<UInt64>(wasmValue: .v128(v)) == SIMD2<UInt64>(v.low, v.high))
        #expect(try WebAssembly.V128(wasmValue: .v128(v)) == v)
        #expect(try SIMD8<Int16>(1, 2, 3, 4, 5, 6, 7, 8).wasmValue(as: .v128)
                == .v128(WebAssembly.V128(SIMD8<UInt16>(1, 2, 3, 4, 5, 6, 7, 8))))
        #expect(throws: WebAssembly.TypeError("expected a v128, got 1.0")) { try SIMD4<Float>(wasmValue: .f32(1)) }
        #expect(throws: WebAssembly.TypeError("expected a v128, got 7")) { try WebAssembly.V128(wasmValue: .i64(7)) }
        #expect(throws: WebAssembly.TypeError("a SIMD4<Float> cannot be passed as f32")) {
            try SIMD4<Float>(1, 2, 3, 4).wasmValue(as: .f32)
        }
        #expect(throws: WebAssembly.TypeError("a v128 cannot be passed as externref")) { try v.wasmValue(as: .externref) }
    }
}

/// v128 values crossing the API: calls, host functions, globals and exceptions. The modules move vectors
/// around without SIMD instructions (locals, calls, globals, `throw`), which is all the test needs.
@Suite struct V128BoundaryTests {
    static let passThrough = """
        (module
          (func (export "id") (param v128) (result v128) (local.get 0))
          (func (export "swap") (param v128 v128) (result v128 v128) (local.get 1) (local.get 0))
          (func (export "mix") (param i32 v128 i64 v128 f32) (result f32 v128 i32 v128 i64)
            (local.get 4) (local.get 3) (local.get 0) (local.get 1) (local.get 2))
          (func $pick (param v128 v128 i32) (result v128)
            (select (local.get 0) (local.get 1) (local.get 2)))
          (func (export "pick") (param v128 v128 i32) (result v128)
            (call $pick (local.get 0) (local.get 1) (local.get 2))))
        """

    static let a = WebAssembly.V128(SIMD4<UInt32>(0x0101_0101, 0x0202_0202, 0x0303_0303, 0x0404_0404))
    static let b = WebAssembly.V128(SIMD2<UInt64>(0xAAAA_BBBB_CCCC_DDDD, 0x1111_2222_3333_4444))

    @Test func untypedCallsPassVectors() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.passThrough))
        let id = try #require(instance.exports.id.function)
        #expect(id.type == WebAssembly.FunctionType(parameters: [.v128], results: [.v128]))
        #expect(try id.call([.v128(Self.a)]) == [.v128(Self.a)])
        #expect(try instance.exports.swap(Self.a, Self.b) == [.v128(Self.b), .v128(Self.a)])
        #expect(try instance.exports.mix(7, Self.a, Int64(-9), Self.b, Float(2.5))
                == [.f32(2.5), .v128(Self.b), .i32(7), .v128(Self.a), .i64(-9)])
        #expect(try instance.exports.pick(Self.a, Self.b, 1) == [.v128(Self.a)])
        #expect(try instance.exports.pick(Self.a, Self.b, 0) == [.v128(Self.b)])
        #expect(throws: WebAssembly.TypeError("a number cannot be passed as v128")) { try id.call([.i32(5)]) }
        #expect(throws: WebAssembly.TypeError("a number cannot be passed as v128")) { try instance.exports.id(5) }
    }

    @Test func typedCallsPassSIMDVectors() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.passThrough))
        let f: SIMD4<Float> = try instance.exports.id(SIMD4<Float>(1.5, -2, .infinity, 0))
        #expect(f == SIMD4<Float>(1.5, -2, .infinity, 0))
        let nan = SIMD4<Float>(Float(bitPattern: 0x7FA0_0001), 0, 0, Float(bitPattern: 0xFFC0_0002))
        let back: WebAssembly.V128 = try instance.exports.id(nan)
        #expect(back.u32x4 == SIMD4<UInt32>(0x7FA0_0001, 0, 0, 0xFFC0_0002))
        let (x, y): (SIMD2<Int64>, SIMD16<UInt8>) = try instance.exports.swap(Self.a, Self.b)
        #expect(x == Self.b.i64x2 && y == Self.a.u8x16)
        let (r0, r1, r2, r3, r4): (Float, SIMD8<UInt16>, Int32, WebAssembly.V128, Int64)
            = try instance.exports.mix(Int32(1), Self.a, Int64(2), Self.b, Float(3))
        #expect(r0 == 3 && r1 == Self.b.u16x8 && r2 == 1 && r3 == Self.a && r4 == 2)
    }

    @Test func typedHandlesTakeCellOffsetsFromTheTypes() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.passThrough))
        let mix: (Int32, SIMD4<Int32>, Int64, SIMD2<Double>, Float) throws -> (Float, SIMD2<Double>, Int32, SIMD4<Int32>, Int64)
            = try instance.exports.mix.typed()
        let r = try mix(-1, SIMD4<Int32>(1, 2, 3, 4), Int64.min, SIMD2<Double>(0.5, -.infinity), 6.25)
        #expect(r.0 == 6.25 && r.1 == SIMD2<Double>(0.5, -.infinity) && r.2 == -1)
        #expect(r.3 == SIMD4<Int32>(1, 2, 3, 4) && r.4 == Int64.min)
        let id: (WebAssembly.V128) throws -> SIMD16<Int8> = try instance.exports.id.typed()
        #expect(try id(Self.b) == Self.b.i8x16)
        let pick: (SIMD4<UInt32>, SIMD4<UInt32>, Bool) throws -> SIMD4<UInt32> = try instance.exports.pick.typed()
        #expect(try pick(Self.a.u32x4, Self.b.u32x4, false) == Self.b.u32x4)
        #expect(throws: WebAssembly.TypeError.self) {
            let _: (Int64) throws -> Int64 = try instance.exports.id.typed()
        }
        #expect(throws: WebAssembly.TypeError.self) {
            let _: (SIMD4<Float>) throws -> Float = try instance.exports.id.typed()
        }
    }

    static let callsHost = """
        (module
          (import "env" "combine" (func $combine (param i32 v128 v128 f64) (result v128 i32 v128)))
          (func (export "run") (param i32 v128 v128 f64) (result v128 i32 v128)
            (call $combine (local.get 0) (local.get 1) (local.get 2) (local.get 3))))
        """

    @Test func typedHostFunctionsTakeAndReturnVectors() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.callsHost), imports: ["env": [
            "combine": .function { (n: Int32, a: SIMD4<Float>, b: SIMD4<Float>, s: Double) in
                (a + b * Float(s), n + 1, a.replacing(with: Float(n), where: a .< 0))
            },
        ]])
        let (sum, n, masked): (SIMD4<Float>, Int32, SIMD4<Float>)
            = try instance.exports.run(Int32(9), SIMD4<Float>(1, -2, 3, -4), SIMD4<Float>(10, 20, 30, 40), 0.5)
        #expect(sum == SIMD4<Float>(6, 8, 18, 16))
        #expect(n == 10)
        #expect(masked == SIMD4<Float>(1, 9, 3, 9))
    }

    @Test func typedHostFunctionWithOneVectorResultAndCaller() throws {
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "rev" (func $rev (param v128 i64) (result v128)))
              (func (export "run") (param v128 i64) (result v128) (call $rev (local.get 0) (local.get 1))))
            """), imports: ["env": [
                "rev": .functionWithCaller { (caller: WebAssembly.Caller, v: WebAssembly.V128, x: Int64) -> SIMD2<Int64> in
                    #expect(caller.exports != nil)
                    return SIMD2<Int64>(v.i64x2[1] + x, v.i64x2[0])
                },
            ]])
        let r: SIMD2<Int64> = try instance.exports.run(SIMD2<Int64>(1, 2), Int64(100))
        #expect(r == SIMD2<Int64>(102, 1))
    }

    @Test func untypedHostFunctionsTakeAndReturnVectors() throws {
        var seen: [WebAssembly.Value] = []
        let type = WebAssembly.FunctionType(parameters: [.i32, .v128, .v128, .f64], results: [.v128, .i32, .v128])
        let instance = try WebAssembly.Instance(module: wat(Self.callsHost), imports: ["env": [
            "combine": .function(type: type) { _, args in
                seen = args
                return [args[2], .i32(-5), .v128(WebAssembly.V128(SIMD16<UInt8>(repeating: 0xAB)))]
            },
        ]])
        let results = try instance.exports.run(Int32(3), Self.a, Self.b, 1.25)
        #expect(seen == [.i32(3), .v128(Self.a), .v128(Self.b), .f64(1.25)])
        #expect(results == [.v128(Self.b), .i32(-5), .v128(WebAssembly.V128(low: 0xABAB_ABAB_ABAB_ABAB, high: 0xABAB_ABAB_ABAB_ABAB))])
    }

    @Test func hostFunctionResultOfTheWrongTypeIsATypeError() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.callsHost), imports: ["env": [
            "combine": .function(type: WebAssembly.FunctionType(parameters: [.i32, .v128, .v128, .f64], results: [.v128, .i32, .v128])) { _, _ in
                [.i32(1), .i32(2), .v128(WebAssembly.V128())]
            },
        ]])
        #expect(throws: WebAssembly.TypeError("a number cannot be passed as v128")) {
            try instance.exports.run(Int32(0), Self.a, Self.b, 0.0)
        }
    }

    @Test func hostFunctionClosuresAreCheckedAgainstV128() throws {
        let module = try wat(Self.callsHost)
        #expect(throws: WebAssembly.LinkError.self) {
            _ = try WebAssembly.Instance(module: module, imports: ["env": [
                "combine": .function { (n: Int32, a: Int64, b: SIMD4<Float>, s: Double) in (b, n, b) },
            ]])
        }
    }

    @Test func vectorGlobalFromSwiftIsReadAndWrittenByWasm() throws {
        let global = try WebAssembly.Global(.v128, mutable: true, value: SIMD4<Int32>(1, 2, 3, 4))
        #expect(global.type == WebAssembly.GlobalType(value: .v128, isMutable: true))
        #expect(global.value == .v128(WebAssembly.V128(SIMD4<Int32>(1, 2, 3, 4))))
        #expect(global.description == "Global(i32x4 0x00000001 0x00000002 0x00000003 0x00000004; (mut v128))")
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "g" (global $g (mut v128)))
              (export "g" (global $g))
              (func (export "get") (result v128) (global.get $g))
              (func (export "set") (param i32 v128 i32) (global.set $g (local.get 1))))
            """), imports: ["env": ["g": .global(global)]])
        #expect(try instance.exports.get() == [.v128(WebAssembly.V128(SIMD4<Int32>(1, 2, 3, 4)))])
        try global.set(SIMD2<Double>(1.5, -2.5))
        let read: SIMD2<Double> = try instance.exports.get()
        #expect(read == SIMD2<Double>(1.5, -2.5))
        try instance.exports.set(0, SIMD8<Int16>(-1, 2, -3, 4, -5, 6, -7, 8), 0)
        #expect(try global.get(SIMD8<Int16>.self) == SIMD8<Int16>(-1, 2, -3, 4, -5, 6, -7, 8))
        let exported = try #require(instance.exports.g.global)
        #expect(exported.value == global.value)
        try exported.set(WebAssembly.Value.v128(Self.b))
        #expect(try global.get(WebAssembly.V128.self) == Self.b)
        #expect(throws: WebAssembly.TypeError("a number cannot be passed as v128")) { try global.set(Int32(1)) }
        #expect(throws: WebAssembly.TypeError("expected an f32, got \(Self.b)")) { try global.get(Float.self) }
    }

    @Test func vectorGlobalsOfAModule() throws {
        // $g gets its value from the start function (global.get of an imported global, at run time).
        let initial = try WebAssembly.Global(.v128, value: WebAssembly.V128(low: 0x0123_4567_89AB_CDEF, high: 0xFEDC_BA98_7654_3210))
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "initial" (global $initial v128))
              (global $g (export "g") (mut v128) (global.get $initial))
              (global $fixed (export "fixed") v128 (global.get $initial))
              (func $init (global.set $g (global.get $initial)))
              (start $init)
              (func (export "get") (result v128) (global.get $g))
              (func (export "set") (param v128) (global.set $g (local.get 0))))
            """), imports: ["env": ["initial": .global(initial)]])
        let g = try #require(instance.exports.g.global)
        #expect(g.type == WebAssembly.GlobalType(value: .v128, isMutable: true))
        #expect(try g.get(WebAssembly.V128.self) == WebAssembly.V128(low: 0x0123_4567_89AB_CDEF, high: 0xFEDC_BA98_7654_3210))
        try g.set(SIMD4<Float>(1, 2, 3, 4))
        #expect(try instance.exports.get() as SIMD4<Float> == SIMD4<Float>(1, 2, 3, 4))
        try instance.exports.set(SIMD16<UInt8>(repeating: 7))
        #expect(g.value == .v128(WebAssembly.V128(SIMD16<UInt8>(repeating: 7))))
        let fixed = try #require(instance.exports.fixed.global)
        #expect(fixed.value == initial.value)
        #expect(try fixed.get(WebAssembly.V128.self).low == 0x0123_4567_89AB_CDEF)
        #expect(throws: WebAssembly.TypeError("cannot set an immutable global")) { try fixed.set(WebAssembly.V128()) }
        #expect(initial.value == .v128(WebAssembly.V128(low: 0x0123_4567_89AB_CDEF, high: 0xFEDC_BA98_7654_3210)))
    }

    static let tagged = """
        (module
          (tag $e (export "e") (param i32 v128 f64 v128))
          (func (export "throw") (param i32 v128 f64 v128)
            (throw $e (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
          (func (export "catch") (param i32 v128 f64 v128) (result i32 v128 f64 v128)
            (block $h (result i32 v128 f64 v128)
              (try_table (catch $e $h)
                (throw $e (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
              (unreachable))))
        """

    @Test func wasmExceptionWithVectorPayload() throws {
        let instance = try WebAssembly.Instance(module: wat(Self.tagged))
        let tag = try #require(instance.exports.e.tag)
        #expect(tag.parameters == [.i32, .v128, .f64, .v128])
        #expect(try instance.exports.catch(Int32(1), Self.a, 2.5, Self.b) == [.i32(1), .v128(Self.a), .f64(2.5), .v128(Self.b)])
        do {
            try instance.exports.throw(Int32(-7), Self.b, -0.5, Self.a)
            Issue.record("expected an exception")
        } catch let e as WebAssembly.Exception {
            #expect(e.payload == [.i32(-7), .v128(Self.b), .f64(-0.5), .v128(Self.a)])
            #expect(try e.getArg(tag, 3) == .v128(Self.a))
            #expect(e.description == "wasm exception (tag (i32, v128, f64, v128)): -7, \(Self.b), -0.5, \(Self.a)")
        }
    }

    @Test func hostThrowsVectorPayloadIntoWasmAndBack() throws {
        let tag = WebAssembly.Tag(parameters: [.v128, .i64])
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "tag" (tag $t (param v128 i64)))
              (import "env" "risky" (func $risky (param v128 i32)))
              (func (export "safe") (param v128 i32) (result v128 i64)
                (block $caught (result v128 i64)
                  (try_table (catch $t $caught)
                    (call $risky (local.get 0) (local.get 1)))
                  (local.get 0) (i64.const -1)))
              (func (export "unsafe") (param v128 i32) (call $risky (local.get 0) (local.get 1))))
            """), imports: ["env": [
                "tag": .tag(tag),
                "risky": .function { (v: SIMD4<UInt32>, x: Int32) in
                    if x > 0 { throw try WebAssembly.Exception(tag, [.v128(WebAssembly.V128(v &* 2)), .i64(Int64(x))]) }
                },
            ]])
        #expect(try instance.exports.safe(Self.a, 0) == [.v128(Self.a), .i64(-1)])
        let doubled = WebAssembly.V128(SIMD4<UInt32>(0x0202_0202, 0x0404_0404, 0x0606_0606, 0x0808_0808))
        #expect(try instance.exports.safe(Self.a, 3) == [.v128(doubled), .i64(3)])
        do {
            try instance.exports.unsafe(Self.a, 5)
            Issue.record("expected an exception")
        } catch let e as WebAssembly.Exception {
            #expect(e.is(tag))
            #expect(e.payload == [.v128(doubled), .i64(5)])
        }
        let pending = try WebAssembly.Exception(tag, [.v128(Self.b), .i64(1)])
        #expect(pending.payload == [.v128(Self.b), .i64(1)])
        #expect(throws: WebAssembly.TypeError("a number cannot be passed as v128")) { try WebAssembly.Exception(tag, [.i64(1), .i64(1)]) }
    }
}

extension V128BoundaryTests {
    /// The snippets of the DocC catalogue (GettingStarted, "Pass vectors"; Swasm.md), as written there.
    @Test func documentationSnippets() throws {
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "mix" (func $mix (param v128 v128) (result v128)))
              (func (export "blend") (param v128 v128) (result v128) (call $mix (local.get 0) (local.get 1)))
              (func (export "scale") (param v128 f32) (result v128) (local.get 0)))
            """), imports: ["env": [
                "mix": .function { (a: SIMD4<Float>, b: SIMD4<Float>) -> SIMD4<Float> in a * 0.5 + b * 0.5 },
            ]])
        let v: SIMD4<Float> = try instance.exports.blend(SIMD4<Float>(1, 2, 3, 4), SIMD4<Float>(0, 0, 0, 0))
        let raw = WebAssembly.V128(v)
        #expect(raw.f32x4 == v && raw.f32x4 == SIMD4<Float>(0.5, 1, 1.5, 2))
        #expect(raw.description == "i32x4 0x3f000000 0x3f800000 0x3fc00000 0x40000000")
        let scale: (SIMD4<Float>, Float) throws -> SIMD4<Float> = try instance.exports.scale.typed()
        #expect(try scale(v, 2) == v)
        let global = try WebAssembly.Global(.v128, mutable: true, value: SIMD4<Int32>(1, 2, 3, 4))
        #expect(try global.get(SIMD4<Int32>.self) == SIMD4<Int32>(1, 2, 3, 4))
    }
}
