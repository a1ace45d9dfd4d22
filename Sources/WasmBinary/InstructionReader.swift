import WasmCore

/// Decodes instructions one at a time from a function body or any instruction byte sequence.
///
/// Every read is bounds-checked; malformed input throws a `DecodeError` whose offset is absolute
/// (relative to the module binary when constructed from a `FunctionBody`).
public struct InstructionReader {
    var reader: BinaryReader

    /// Reads `bytes`; `baseOffset` is the absolute offset of `bytes[0]` (used in errors and `offset`).
    public init(bytes: [UInt8], baseOffset: Int) {
        reader = BinaryReader(bytes: bytes, baseOffset: baseOffset)
    }

    /// Reads the instruction bytes of a function body.
    public init(body: FunctionBody) {
        reader = BinaryReader(bytes: body.code, baseOffset: body.codeOffset)
    }

    init(reader: BinaryReader) {
        self.reader = reader
    }

    /// Absolute offset of the next instruction.
    public var offset: Int { reader.offset }

    /// True when every byte has been consumed.
    public var isAtEnd: Bool { reader.isAtEnd }

    /// Decodes the next instruction.
    public mutating func read() throws(DecodeError) -> Instruction {
        try reader.readInstruction()
    }
}

extension BinaryReader {
    mutating func readIllegal(_ op: UInt8, at start: Int) -> DecodeError {
        error("illegal opcode \(String(op, radix: 16))", at: start)
    }

    /// Decodes one instruction.
    mutating func readInstruction() throws(DecodeError) -> Instruction {
        let start = pos
        let op = try readByte()
        switch op {
        case 0x00: return .unreachable
        case 0x01: return .nop
        case 0x02: return .block(try readBlockType())
        case 0x03: return .loop(try readBlockType())
        case 0x04: return .if(try readBlockType())
        case 0x05: return .else
        case 0x06: return .try(try readBlockType())
        case 0x07: return .catch(tagIndex: try readU32())
        case 0x08: return .throw(tagIndex: try readU32())
        case 0x09: return .rethrow(try readU32())
        case 0x0A: return .throwRef
        case 0x0B: return .end
        case 0x0C: return .br(try readU32())
        case 0x0D: return .brIf(try readU32())
        case 0x0E:
            let n = try readCount()
            var labels: [UInt32] = []
            labels.reserveCapacity(n)
            for _ in 0..<n { labels.append(try readU32()) }
            return .brTable(labels, default: try readU32())
        case 0x0F: return .return
        case 0x10: return .call(try readU32())
        case 0x11:
            let t = try readU32()
            return .callIndirect(typeIndex: t, tableIndex: try readU32())
        case 0x12: return .returnCall(try readU32())
        case 0x13:
            let t = try readU32()
            return .returnCallIndirect(typeIndex: t, tableIndex: try readU32())
        case 0x14: return .callRef(typeIndex: try readU32())
        case 0x15: return .returnCallRef(typeIndex: try readU32())
        case 0x18: return .delegate(try readU32())
        case 0x19: return .catchAll
        case 0x1A: return .drop
        case 0x1B: return .select(nil)
        case 0x1C:
            let n = try readCount()
            var types: [ValueType] = []
            types.reserveCapacity(n)
            for _ in 0..<n { types.append(try readValueType()) }
            return .select(types)
        case 0x1F:
            let bt = try readBlockType()
            let n = try readCount(minElementSize: 2)
            var clauses: [CatchClause] = []
            clauses.reserveCapacity(n)
            for _ in 0..<n {
                let kindPos = pos
                let kind = try readByte()
                switch kind {
                case 0x00:
                    let tag = try readU32()
                    clauses.append(.catch(tag: tag, label: try readU32()))
                case 0x01:
                    let tag = try readU32()
                    clauses.append(.catchRef(tag: tag, label: try readU32()))
                case 0x02: clauses.append(.catchAll(label: try readU32()))
                case 0x03: clauses.append(.catchAllRef(label: try readU32()))
                default: throw error("malformed catch clause", at: kindPos)
                }
            }
            return .tryTable(bt, clauses)
        case 0x20: return .localGet(try readU32())
        case 0x21: return .localSet(try readU32())
        case 0x22: return .localTee(try readU32())
        case 0x23: return .globalGet(try readU32())
        case 0x24: return .globalSet(try readU32())
        case 0x25: return .tableGet(try readU32())
        case 0x26: return .tableSet(try readU32())
        case 0x28...0x35:
            guard let l = LoadOp(rawValue: op) else { throw readIllegal(op, at: start) }
            return .load(l, try readMemArg())
        case 0x36...0x3E:
            guard let s = StoreOp(rawValue: op) else { throw readIllegal(op, at: start) }
            return .store(s, try readMemArg())
        case 0x3F: return .memorySize(try readU32())
        case 0x40: return .memoryGrow(try readU32())
        case 0x41: return .i32Const(try readS32())
        case 0x42: return .i64Const(try readS64())
        case 0x43: return .f32Const(try readFixedU32())
        case 0x44: return .f64Const(try readFixedU64())
        case 0x45...0xC4:
            guard let n = NumericOp(rawValue: UInt16(op)) else { throw readIllegal(op, at: start) }
            return .numeric(n)
        case 0xD0: return .refNull(try readHeapType())
        case 0xD1: return .refIsNull
        case 0xD2: return .refFunc(try readU32())
        case 0xD3: return .refEq
        case 0xD4: return .refAsNonNull
        case 0xD5: return .brOnNull(try readU32())
        case 0xD6: return .brOnNonNull(try readU32())
        case 0xFB: throw error("unsupported GC instruction", at: start)
        case 0xFC: return try readMiscInstruction(start: start)
        case 0xFD: throw error("unsupported SIMD instruction", at: start)
        default: throw readIllegal(op, at: start)
        }
    }

    mutating func readMiscInstruction(start: Int) throws(DecodeError) -> Instruction {
        let sub = try readU32()
        switch sub {
        case 0...7:
            guard let n = NumericOp(rawValue: 0xFC00 | UInt16(sub)) else { break }
            return .numeric(n)
        case 8:
            let d = try readU32()
            return .memoryInit(dataIndex: d, memoryIndex: try readU32())
        case 9: return .dataDrop(try readU32())
        case 10:
            let d = try readU32()
            return .memoryCopy(destination: d, source: try readU32())
        case 11: return .memoryFill(try readU32())
        case 12:
            let e = try readU32()
            return .tableInit(elementIndex: e, tableIndex: try readU32())
        case 13: return .elemDrop(try readU32())
        case 14:
            let d = try readU32()
            return .tableCopy(destination: d, source: try readU32())
        case 15: return .tableGrow(try readU32())
        case 16: return .tableSize(try readU32())
        case 17: return .tableFill(try readU32())
        default: break
        }
        throw error("illegal opcode fc \(sub)", at: start)
    }
}
