import Testing
import WasmBinary
import WasmCore
@testable import WasmText

/// The text forms of the SIMD instructions: `v128.const` by shape, `i8x16.shuffle`, lane indices and the memarg
/// before a lane; the exact bytes they encode to, their errors, and how the printer writes them.
@Suite struct SIMDTextTests {
    /// The code of the one function of `(module (memory 1) (memory $m 1) (func instructions))`, without its `end`.
    func code(_ instructions: String) throws -> [UInt8] {
        let module = try ModuleDecoder.decode(try WAT.encode("(module (memory 1) (memory $m 1) (func\n\(instructions)\n))"))
        let body = try #require(module.bodies.first)
        #expect(body.code.last == 0x0B)
        return Array(body.code.dropLast())
    }

    /// The error of encoding a function with `instructions` (on line 2 of the module text).
    func error(_ instructions: String) -> TextError? {
        do {
            _ = try WAT.encode("(module (memory 1)\n(func \(instructions)))")
            return nil
        } catch {
            return error
        }
    }

    let const: [UInt8] = [0xFD, 0x0C]

    @Test func constantOfEachShape() throws {
        #expect(try code("v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 -1 255 drop")
                == const + Array(0...13) + [0xFF, 0xFF, 0x1A])
        #expect(try code("v128.const i16x8 0 1 -1 0x8000 -32768 65535 0x1234 7 drop")
                == const + [0, 0, 1, 0, 0xFF, 0xFF, 0, 0x80, 0, 0x80, 0xFF, 0xFF, 0x34, 0x12, 7, 0, 0x1A])
        #expect(try code("v128.const i32x4 1 -1 0x80000000 4294967295 drop")
                == const + [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0x1A])
        #expect(try code("v128.const i64x2 0x0807060504030201 -2 drop")
                == const + [1, 2, 3, 4, 5, 6, 7, 8, 0xFE] + [UInt8](repeating: 0xFF, count: 7) + [0x1A])
        #expect(try code("v128.const f32x4 1.5 -0 inf nan:0x200000 drop")
                == const + [0, 0, 0xC0, 0x3F, 0, 0, 0, 0x80, 0, 0, 0x80, 0x7F, 0, 0, 0xA0, 0x7F, 0x1A])
        #expect(try code("v128.const f64x2 0x1p-1074 -nan drop")
                == const + [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0xFF, 0x1A])
        // Folded, and as a global's initializer.
        #expect(try code("(drop (v128.const i32x4 0_1 0x0_2 3 4))") == const + [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0x1A])
        _ = try WAT.encode("(module (global v128 (v128.const f32x4 0 1 2 3)))")
    }

    @Test func constantErrors() {
        #expect(error("(v128.const)")?.message == "unexpected token")
        #expect(error("(v128.const 0 0 0 0)")?.message == "unexpected token")
        #expect(error("(v128.const i8x8 0 0 0 0 0 0 0 0)")?.message == "unexpected token")
        #expect(error("(v128.const i32x4)")?.message == "wrong number of lane literals")
        #expect(error("(v128.const i32x4 1 2 3)")?.message == "wrong number of lane literals")
        let extra = error("(v128.const i32x4 1 2 3 4 5)")
        #expect(extra?.message == "wrong number of lane literals")
        #expect(extra?.location == TextLocation(line: 2, column: 33))  // at the fifth literal
        // The count is checked before the values: two huge lanes are a wrong count.
        #expect(error("(v128.const i32x4 0x10000000000000000 0x10000000000000000)")?.message == "wrong number of lane literals")
        #expect(error("(v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 256)")?.message == "constant out of range")
        #expect(error("(v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -129)")?.message == "constant out of range")
        #expect(error("(v128.const i16x8 0 0 0 0 0 0 0 65536)")?.message == "constant out of range")
        #expect(error("(v128.const i64x2 0 0x1_0000_0000_0000_0000)")?.message == "constant out of range")
        #expect(error("(v128.const f32x4 0 0 0 1e39)")?.message == "constant out of range")
        #expect(error("(v128.const f64x2 0 nan:0x0)")?.message == "constant out of range")
        #expect(error("(v128.const f32x4 .0 .0 .0 .0)")?.message == "unknown operator")
        #expect(error("(v128.const i32x4 0xg 0 0 0)")?.message == "unknown operator")
        let bad = error("(v128.const i32x4 0 1x 0 0)")
        #expect(bad?.message == "unknown operator")
        #expect(bad?.location == TextLocation(line: 2, column: 27))
    }

    @Test func shuffle() throws {
        #expect(try code("i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31")
                == [0xFD, 0x0D] + Array(0...14) + [31])
        // 32 ... 255 parse; the validator rejects them.
        #expect(try code("i8x16.shuffle 255 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0x10") == [0xFD, 0x0D, 255] + [UInt8](repeating: 0, count: 14) + [16])
        let fifteen = (0..<15).map(String.init).joined(separator: " ")
        #expect(error("(i8x16.shuffle \(fifteen) (local.get 0) (local.get 0))")?.message == "invalid lane length")
        #expect(error("(i8x16.shuffle \(fifteen) 15 16 (local.get 0) (local.get 0))")?.message == "invalid lane length")
        #expect(error("(i8x16.shuffle (v128.const i32x4 0 0 0 0))")?.message == "invalid lane length")
        for lane in ["-1", "256", "15.0", "inf", "nan", "+1"] {
            #expect(error("(i8x16.shuffle \(fifteen) \(lane))")?.message == "i8 constant out of range", "\(lane)")
        }
    }

    @Test func laneIndices() throws {
        #expect(try code("i8x16.extract_lane_s 15") == [0xFD, 0x15, 0x0F])
        #expect(try code("i16x8.replace_lane 0x7") == [0xFD, 0x1A, 0x07])
        // 16 parses; the validator rejects it for i8x16.
        #expect(try code("f64x2.extract_lane 16") == [0xFD, 0x21, 0x10])
        #expect(error("(i8x16.extract_lane_s 256 (local.get 0))")?.message == "i8 constant out of range")
        for lane in ["-1", "+1", "1.5", "nan", "(local.get 0)"] {
            #expect(error("(i32x4.extract_lane \(lane) (local.get 0))")?.message == "unexpected token", "\(lane)")
        }
        #expect(error("(i32x4.extract_lane)")?.message == "unexpected token")
        #expect(error("(i8x16.extract_lane 0 (local.get 0))")?.message == "unknown operator")
    }

    @Test func memoryLane() throws {
        let load8: [UInt8] = [0xFD, 0x54]
        // One number is the lane; a number before another number, `offset=` or `align=` is the memory.
        #expect(try code("v128.load8_lane 1") == load8 + [0x00, 0x00, 0x01])
        #expect(try code("v128.load8_lane 1 2") == load8 + [0x40, 0x01, 0x00, 0x02])
        #expect(try code("v128.load8_lane 1 offset=3 2") == load8 + [0x40, 0x01, 0x03, 0x02])
        #expect(try code("v128.load8_lane 1 align=1 2") == load8 + [0x40, 0x01, 0x00, 0x02])
        #expect(try code("v128.load8_lane $m 2") == load8 + [0x40, 0x01, 0x00, 0x02])
        #expect(try code("v128.load8_lane offset=3 2") == load8 + [0x00, 0x03, 0x02])
        #expect(try code("v128.store64_lane align=4 1") == [0xFD, 0x5B, 0x02, 0x00, 0x01])
        #expect(try code("v128.load32_zero 1 offset=4") == [0xFD, 0x5C, 0x42, 0x01, 0x04])
        #expect(try code("v128.load 1") == [0xFD, 0x00, 0x44, 0x01, 0x00])
        #expect(error("(v128.load8_lane offset=1)")?.message == "unexpected token")
    }

    @Test func relaxedOpcodesAreTwoByteLEB128() throws {
        #expect(try code("i8x16.relaxed_swizzle") == [0xFD, 0x80, 0x02])
        #expect(try code("i32x4.relaxed_dot_i8x16_i7x16_add_s") == [0xFD, 0x93, 0x02])
        #expect(try code("i32x4.add") == [0xFD, 0xAE, 0x01])
    }

    @Test func printer() throws {
        let v = V128(bytes: Array(0..<16))
        #expect(Printer.instruction(.v128Const(v)) == "v128.const i32x4 0x3020100 0x7060504 0xb0a0908 0xf0e0d0c")
        #expect(Printer.instruction(.v128Const(V128(low: .max, high: 0))) == "v128.const i32x4 0xffffffff 0xffffffff 0x0 0x0")
        #expect(Printer.instruction(.i8x16Shuffle(v)) == "i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15")
        #expect(Printer.instruction(.simdLane(.i16x8ExtractLaneU, lane: 7)) == "i16x8.extract_lane_u 7")
        #expect(Printer.instruction(.simdMemoryLane(.v128Store16Lane, MemArg(alignLog2: 0, memoryIndex: 1, offset: 2), lane: 3))
                == "v128.store16_lane 1 offset=2 align=1 3")
        #expect(Printer.instruction(.simdLoad(.v128Load, MemArg(alignLog2: 4, offset: 0))) == "v128.load")
        #expect(Printer.instruction(.simd(.f64x2RelaxedNmadd)) == "f64x2.relaxed_nmadd")
        // What the printer writes parses back to the same bytes.
        for text in ["v128.const i32x4 0x3020100 0x7060504 0xb0a0908 0xf0e0d0c", "v128.store16_lane 1 offset=2 align=1 3"] {
            var reader = InstructionReader(bytes: try code(text), baseOffset: 0)
            #expect(Printer.instruction(try reader.read()) == text)
        }
    }
}
