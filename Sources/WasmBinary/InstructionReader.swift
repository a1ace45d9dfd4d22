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

    /// Index of the next byte in the bytes read (0 at the start, unlike the absolute `offset`); setting it
    /// moves the reader (clamped to the bytes), so that a caller that skipped instructions itself can resume.
    package var position: Int {
        get { reader.pos }
        set { reader.pos = Swift.min(Swift.max(newValue, 0), reader.end) }
    }

    /// Decodes the next instruction.
    public mutating func read() throws(DecodeError) -> Instruction {
        try reader.readInstruction()
    }
}

extension BinaryReader {
    /// A `try_table` clause: its kind byte, then a tag index (for `catch` and `catch_ref`) and a label.
    mutating func readCatchClause() throws(DecodeError) -> CatchClause {
        let kindPos = pos
        switch try readByte() {
        case 0x00:
            let tag = try readU32()
            return .catch(tag: tag, label: try readU32())
        case 0x01:
            let tag = try readU32()
            return .catchRef(tag: tag, label: try readU32())
        case 0x02: return .catchAll(label: try readU32())
        case 0x03: return .catchAllRef(label: try readU32())
        default: throw error("malformed catch clause", at: kindPos)
        }
    }
}
