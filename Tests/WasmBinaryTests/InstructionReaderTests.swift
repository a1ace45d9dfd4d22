import Testing
import WasmBinary
import WasmCore

/// Decodes exactly one instruction from `bytes` (which must be fully consumed).
private func decode1(_ bytes: [UInt8]) throws -> Instruction {
    var r = InstructionReader(bytes: bytes, baseOffset: 0)
    let i = try r.read()
    #expect(r.isAtEnd, "trailing bytes after \(i)")
    return i
}

private func decodeError(_ bytes: [UInt8], base: Int = 0) -> DecodeError? {
    var r = InstructionReader(bytes: bytes, baseOffset: base)
    do {
        while !r.isAtEnd { _ = try r.read() }
        return nil
    } catch {
        return error
    }
}

@Suite struct LEB128Tests {
    @Test func signed32() throws {
        #expect(try decode1([0x41, 0x00]) == .i32Const(0))
        #expect(try decode1([0x41, 0x7F]) == .i32Const(-1))
        #expect(try decode1([0x41, 0x3F]) == .i32Const(63))
        #expect(try decode1([0x41, 0x40]) == .i32Const(-64))
        #expect(try decode1([0x41, 0xC0, 0x00]) == .i32Const(64))
        #expect(try decode1([0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x07]) == .i32Const(Int32.max))
        #expect(try decode1([0x41, 0x80, 0x80, 0x80, 0x80, 0x78]) == .i32Const(Int32.min))
        // Redundant but valid padding.
        #expect(try decode1([0x41, 0x80, 0x80, 0x80, 0x80, 0x00]) == .i32Const(0))
        #expect(try decode1([0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) == .i32Const(-1))
        // Unused bits must be a sign extension.
        #expect(decodeError([0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])?.message == "integer too large")
        #expect(decodeError([0x41, 0x80, 0x80, 0x80, 0x80, 0x70])?.message == "integer too large")
        #expect(decodeError([0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])?.message == "integer representation too long")
        #expect(decodeError([0x41, 0x80])?.message.contains("unexpected end") == true)
    }

    @Test func signed64() throws {
        #expect(try decode1([0x42, 0x7F]) == .i64Const(-1))
        #expect(try decode1([0x42] + [UInt8](repeating: 0xFF, count: 9) + [0x00]) == .i64Const(Int64.max))
        #expect(try decode1([0x42] + [UInt8](repeating: 0x80, count: 9) + [0x7F]) == .i64Const(Int64.min))
        #expect(decodeError([0x42] + [UInt8](repeating: 0x80, count: 9) + [0x01])?.message == "integer too large")
        #expect(decodeError([0x42] + [UInt8](repeating: 0x80, count: 10) + [0x00])?.message == "integer representation too long")
    }

    @Test func unsigned32() throws {
        #expect(try decode1([0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == .localGet(UInt32.max))
        #expect(try decode1([0x20, 0x80, 0x80, 0x80, 0x80, 0x00]) == .localGet(0))
        #expect(decodeError([0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F])?.message == "integer too large")
        #expect(decodeError([0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])?.message == "integer representation too long")
    }

    @Test func unsigned64Offsets() throws {
        let maxOffset: [UInt8] = [UInt8](repeating: 0xFF, count: 9) + [0x01]
        #expect(try decode1([0x28, 0x02] + maxOffset) == .load(.i32Load, MemArg(alignLog2: 2, offset: UInt64.max)))
        #expect(decodeError([0x28, 0x02] + [UInt8](repeating: 0xFF, count: 9) + [0x03])?.message == "integer too large")
    }

    @Test func signed33BlockTypes() throws {
        #expect(try decode1([0x02, 0x40]) == .block(.empty))
        #expect(try decode1([0x02, 0x7F]) == .block(.value(.i32)))
        #expect(try decode1([0x03, 0x00]) == .loop(.typeIndex(0)))
        #expect(try decode1([0x04, 0x80, 0x01]) == .if(.typeIndex(128)))
        #expect(try decode1([0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == .block(.typeIndex(UInt32.max)))
        #expect(decodeError([0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) != nil)  // negative index
        #expect(decodeError([0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x2F])?.message == "integer too large")
    }
}

@Suite struct InstructionTests {
    @Test func control() throws {
        #expect(try decode1([0x00]) == .unreachable)
        #expect(try decode1([0x01]) == .nop)
        #expect(try decode1([0x05]) == .else)
        #expect(try decode1([0x0B]) == .end)
        #expect(try decode1([0x0C, 0x03]) == .br(3))
        #expect(try decode1([0x0D, 0x01]) == .brIf(1))
        #expect(try decode1([0x0E, 0x02, 0x00, 0x01, 0x02]) == .brTable([0, 1], default: 2))
        #expect(try decode1([0x0F]) == .return)
        #expect(try decode1([0x10, 0x05]) == .call(5))
        #expect(try decode1([0x11, 0x01, 0x02]) == .callIndirect(typeIndex: 1, tableIndex: 2))
        #expect(try decode1([0x12, 0x05]) == .returnCall(5))
        #expect(try decode1([0x13, 0x01, 0x00]) == .returnCallIndirect(typeIndex: 1, tableIndex: 0))
        #expect(try decode1([0x14, 0x03]) == .callRef(typeIndex: 3))
        #expect(try decode1([0x15, 0x03]) == .returnCallRef(typeIndex: 3))
    }

    @Test func exceptions() throws {
        #expect(try decode1([0x1F, 0x40, 0x04, 0x00, 0x01, 0x02, 0x01, 0x03, 0x04, 0x02, 0x05, 0x03, 0x06]) ==
            .tryTable(.empty, [.catch(tag: 1, label: 2), .catchRef(tag: 3, label: 4), .catchAll(label: 5), .catchAllRef(label: 6)]))
        #expect(decodeError([0x1F, 0x40, 0x01, 0x04, 0x00]) != nil)
        #expect(try decode1([0x08, 0x02]) == .throw(tagIndex: 2))
        #expect(try decode1([0x0A]) == .throwRef)
        #expect(try decode1([0x06, 0x7E]) == .try(.value(.i64)))
        #expect(try decode1([0x07, 0x01]) == .catch(tagIndex: 1))
        #expect(try decode1([0x19]) == .catchAll)
        #expect(try decode1([0x18, 0x00]) == .delegate(0))
        #expect(try decode1([0x09, 0x01]) == .rethrow(1))
    }

    @Test func parametricAndVariables() throws {
        #expect(try decode1([0x1A]) == .drop)
        #expect(try decode1([0x1B]) == .select(nil))
        #expect(try decode1([0x1C, 0x01, 0x70]) == .select([.funcref]))
        #expect(try decode1([0x1C, 0x02, 0x7F, 0x64, 0x00]) == .select([.i32, .ref(RefType(nullable: false, .concrete(0)))]))
        #expect(try decode1([0x20, 0x01]) == .localGet(1))
        #expect(try decode1([0x21, 0x01]) == .localSet(1))
        #expect(try decode1([0x22, 0x01]) == .localTee(1))
        #expect(try decode1([0x23, 0x01]) == .globalGet(1))
        #expect(try decode1([0x24, 0x01]) == .globalSet(1))
        #expect(try decode1([0x25, 0x01]) == .tableGet(1))
        #expect(try decode1([0x26, 0x01]) == .tableSet(1))
    }

    @Test func memory() throws {
        for op in LoadOp.allCases {
            #expect(try decode1([op.rawValue, 0x01, 0x10]) == .load(op, MemArg(alignLog2: 1, offset: 16)))
        }
        for op in StoreOp.allCases {
            #expect(try decode1([op.rawValue, 0x00, 0x00]) == .store(op, MemArg(alignLog2: 0, offset: 0)))
        }
        // Multi-memory: bit 6 set, memory index follows.
        #expect(try decode1([0x28, 0x42, 0x03, 0x08]) == .load(.i32Load, MemArg(alignLog2: 2, memoryIndex: 3, offset: 8)))
        #expect(decodeError([0x28, 0x80, 0x01, 0x00])?.message == "malformed memop flags")
        #expect(decodeError([0x28, 0x80, 0x02, 0x00])?.message == "malformed memop flags")
        #expect(try decode1([0x3F, 0x00]) == .memorySize(0))
        #expect(try decode1([0x40, 0x02]) == .memoryGrow(2))
    }

    @Test func constants() throws {
        #expect(try decode1([0x43, 0x00, 0x00, 0xC0, 0x7F]) == .f32Const(0x7FC0_0000))
        #expect(try decode1([0x44, 1, 2, 3, 4, 5, 6, 7, 8]) == .f64Const(0x0807_0605_0403_0201))
        #expect(decodeError([0x44, 1, 2, 3])?.message.contains("unexpected end") == true)
    }

    @Test func numeric() throws {
        for op in NumericOp.allCases {
            let bytes: [UInt8] = op.rawValue >= 0xFC00 ? [0xFC, UInt8(op.rawValue & 0xFF)] : [UInt8(op.rawValue)]
            #expect(try decode1(bytes) == .numeric(op))
        }
    }

    @Test func bulkMemoryAndTables() throws {
        #expect(try decode1([0xFC, 0x08, 0x01, 0x00]) == .memoryInit(dataIndex: 1, memoryIndex: 0))
        #expect(try decode1([0xFC, 0x09, 0x01]) == .dataDrop(1))
        #expect(try decode1([0xFC, 0x0A, 0x01, 0x02]) == .memoryCopy(destination: 1, source: 2))
        #expect(try decode1([0xFC, 0x0B, 0x00]) == .memoryFill(0))
        #expect(try decode1([0xFC, 0x0C, 0x01, 0x02]) == .tableInit(elementIndex: 1, tableIndex: 2))
        #expect(try decode1([0xFC, 0x0D, 0x01]) == .elemDrop(1))
        #expect(try decode1([0xFC, 0x0E, 0x01, 0x02]) == .tableCopy(destination: 1, source: 2))
        #expect(try decode1([0xFC, 0x0F, 0x01]) == .tableGrow(1))
        #expect(try decode1([0xFC, 0x10, 0x01]) == .tableSize(1))
        #expect(try decode1([0xFC, 0x11, 0x01]) == .tableFill(1))
        #expect(decodeError([0xFC, 0x12])?.message.contains("illegal opcode") == true)
        // Sub-opcodes are u32 LEB128.
        #expect(try decode1([0xFC, 0x81, 0x00]) == .numeric(.i32TruncSatF32U))
    }

    @Test func references() throws {
        #expect(try decode1([0xD0, 0x70]) == .refNull(.func))
        #expect(try decode1([0xD0, 0x6F]) == .refNull(.extern))
        #expect(try decode1([0xD0, 0x69]) == .refNull(.exn))
        #expect(try decode1([0xD0, 0x05]) == .refNull(.concrete(5)))
        #expect(decodeError([0xD0, 0x7F]) != nil)
        #expect(try decode1([0xD1]) == .refIsNull)
        #expect(try decode1([0xD2, 0x02]) == .refFunc(2))
        #expect(try decode1([0xD3]) == .refEq)
        #expect(try decode1([0xD4]) == .refAsNonNull)
        #expect(try decode1([0xD5, 0x01]) == .brOnNull(1))
        #expect(try decode1([0xD6, 0x01]) == .brOnNonNull(1))
    }

    @Test func simd() throws {
        /// `0xFD`, then the sub-opcode (a raw value is `0xFD << 8 | sub`, or `0xFD << 16 | sub` for SIMDOp) in LEB128.
        func prefixed(_ sub: UInt32) -> [UInt8] {
            sub < 0x80 ? [0xFD, UInt8(sub)] : [0xFD, UInt8(sub & 0x7F) | 0x80, UInt8(sub >> 7)]
        }
        let bytes: [UInt8] = Array(0..<16)
        #expect(try decode1([0xFD, 0x0C] + bytes) == .v128Const(V128(low: 0x0706_0504_0302_0100, high: 0x0F0E_0D0C_0B0A_0908)))
        #expect(try decode1([0xFD, 0x0D] + bytes) == .i8x16Shuffle(V128(bytes: bytes)))
        #expect(decodeError([0xFD, 0x0C] + bytes.prefix(15))?.message.contains("unexpected end") == true)
        #expect(decodeError([0xFD, 0x0D, 1, 2, 3], base: 10)?.offset == 15)
        for op in SIMDOp.allCases {
            #expect(try decode1(prefixed(op.rawValue & 0xFFFF)) == .simd(op))
        }
        #expect(try decode1([0xFD, 0x80, 0x02]) == .simd(.i8x16RelaxedSwizzle))
        #expect(try decode1([0xFD, 0xAE, 0x81, 0x80, 0x00]) == .simd(.i32x4Add))  // padded LEB128
        for op in SIMDLoadOp.allCases {
            #expect(try decode1(prefixed(UInt32(op.rawValue & 0xFF)) + [0x00, 0x10]) == .simdLoad(op, MemArg(alignLog2: 0, offset: 16)))
        }
        #expect(try decode1([0xFD, 0x0B, 0x44, 0x02, 0x00]) == .v128Store(MemArg(alignLog2: 4, memoryIndex: 2, offset: 0)))
        // A lane index is one raw byte, any value (the validator checks it against the shape).
        for op in SIMDLaneOp.allCases {
            #expect(try decode1(prefixed(UInt32(op.rawValue & 0xFF)) + [0xFF]) == .simdLane(op, lane: 0xFF))
        }
        #expect(decodeError([0xFD, 0x15])?.message.contains("unexpected end") == true)
        for op in SIMDMemoryLaneOp.allCases {
            #expect(try decode1(prefixed(UInt32(op.rawValue & 0xFF)) + [0x40, 0x01, 0x02, 0x03])
                    == .simdMemoryLane(op, MemArg(alignLog2: 0, memoryIndex: 1, offset: 2), lane: 3))
        }
        #expect(SIMDOp.allCases.count + SIMDLoadOp.allCases.count + SIMDLaneOp.allCases.count
                + SIMDMemoryLaneOp.allCases.count + 3 == 256)
    }

    @Test func v128Bytes() {
        let v = V128(bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
        #expect(v.low == 0x0807_0605_0403_0201 && v.high == 0x100F_0E0D_0C0B_0A09)
        #expect(v.bytes == Array(1...16))
        #expect(V128(bytes: [0xFF]).bytes == [0xFF] + [UInt8](repeating: 0, count: 15))
        #expect(V128(bytes: [UInt8](repeating: 0xAA, count: 20)) == V128(low: 0xAAAA_AAAA_AAAA_AAAA, high: 0xAAAA_AAAA_AAAA_AAAA))
    }

    @Test func unsupportedAndIllegal() throws {
        #expect(decodeError([0xFB, 0x00])?.message == "unsupported GC instruction")
        #expect(decodeError([0xFD, 0x9A, 0x01])?.message == "illegal opcode fd 154")
        #expect(decodeError([0xFD, 0x94, 0x02])?.message == "illegal opcode fd 276")
        #expect(decodeError([0xFF])?.message == "illegal opcode ff")
        #expect(decodeError([0x27])?.message == "illegal opcode 27")
        #expect(decodeError([0xC5])?.message == "illegal opcode c5")
    }

    @Test func offsetsAreAbsolute() throws {
        var r = InstructionReader(bytes: [0x41, 0x01, 0x1A, 0x0B], baseOffset: 100)
        #expect(r.offset == 100)
        _ = try r.read()
        #expect(r.offset == 102)
        _ = try r.read()
        _ = try r.read()
        #expect(r.isAtEnd && r.offset == 104)
        #expect(decodeError([0x01, 0x01, 0xFF], base: 10)?.offset == 12)
        let body = FunctionBody(locals: [], code: [0x01, 0x0B], codeOffset: 40)
        var br = InstructionReader(body: body)
        #expect(br.offset == 40)
        #expect(try br.read() == .nop)
        #expect(br.offset == 41)
    }

    @Test func hugeCountsDoNotAllocate() {
        // br_table claiming 2^32-1 labels in a 7-byte input must fail quickly.
        #expect(decodeError([0x0E, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00])?.message.contains("unexpected end") == true)
        #expect(decodeError([0x1C, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])?.message.contains("unexpected end") == true)
    }
}
