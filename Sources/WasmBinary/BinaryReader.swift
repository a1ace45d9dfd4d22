import WasmCore

/// Message used when a read runs past the end of the current section, function or input.
let unexpectedEndMessage = "unexpected end of section or function"

/// A bounds-checked cursor over a byte array. All reads check `pos < end` before indexing,
/// and every arithmetic operation on input-derived values is non-trapping.
struct BinaryReader {
    let bytes: [UInt8]
    /// Index of the next byte.
    var pos: Int
    /// One past the last readable index (always `<= bytes.count`).
    var end: Int
    /// Absolute offset of `bytes[0]` in the module binary.
    let baseOffset: Int

    init(bytes: [UInt8], start: Int = 0, end: Int? = nil, baseOffset: Int = 0) {
        self.bytes = bytes
        let e = Swift.min(Swift.max(end ?? bytes.count, 0), bytes.count)
        self.end = e
        self.pos = Swift.min(Swift.max(start, 0), e)
        self.baseOffset = baseOffset
    }

    @inline(__always) var isAtEnd: Bool { pos >= end }
    @inline(__always) var remaining: Int { end &- pos }
    @inline(__always) var offset: Int { baseOffset &+ pos }

    @inline(__always)
    func error(_ message: String, at position: Int? = nil) -> DecodeError {
        DecodeError(offset: baseOffset &+ (position ?? pos), message: message)
    }

    @inline(__always)
    mutating func readByte() throws(DecodeError) -> UInt8 {
        guard pos < end else { throw error(unexpectedEndMessage) }
        let b = bytes[pos]
        pos &+= 1
        return b
    }

    @inline(__always)
    func peekByte() -> UInt8? {
        pos < end ? bytes[pos] : nil
    }

    /// Reads `count` raw bytes.
    mutating func readBytes(_ count: Int) throws(DecodeError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw error(unexpectedEndMessage) }
        let out = Array(bytes[pos..<(pos &+ count)])
        pos &+= count
        return out
    }

    mutating func skip(_ count: Int) throws(DecodeError) {
        guard count >= 0, count <= remaining else { throw error(unexpectedEndMessage) }
        pos &+= count
    }

    // MARK: LEB128

    /// Unsigned LEB128 of at most `bits` bits (32 or 64).
    @inline(__always)
    mutating func readU32() throws(DecodeError) -> UInt32 {
        if pos < end {
            let b = bytes[pos]
            if b < 0x80 { pos &+= 1; return UInt32(b) }
        }
        return UInt32(truncatingIfNeeded: try readUnsignedSlow(bits: 32))
    }

    mutating func readU64() throws(DecodeError) -> UInt64 {
        if pos < end {
            let b = bytes[pos]
            if b < 0x80 { pos &+= 1; return UInt64(b) }
        }
        return try readUnsignedSlow(bits: 64)
    }

    mutating func readUnsignedSlow(bits: Int) throws(DecodeError) -> UInt64 {
        let maxBytes = (bits &+ 6) / 7
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = 0
        while true {
            let b = try readByte()
            i &+= 1
            if i == maxBytes {
                if b & 0x80 != 0 { throw error("integer representation too long", at: pos &- 1) }
                let usedBits = bits &- 7 &* (maxBytes &- 1)
                let unusedMask = UInt8(0x7F) & ~UInt8((1 << usedBits) &- 1)
                if b & unusedMask != 0 { throw error("integer too large", at: pos &- 1) }
                result |= UInt64(b & 0x7F) &<< shift
                return result
            }
            result |= UInt64(b & 0x7F) &<< shift
            if b & 0x80 == 0 { return result }
            shift &+= 7
        }
    }

    @inline(__always)
    mutating func readS32() throws(DecodeError) -> Int32 {
        if pos < end {
            let b = bytes[pos]
            if b < 0x80 { pos &+= 1; return Int32(Int8(bitPattern: b << 1) >> 1) }
        }
        return Int32(truncatingIfNeeded: try readSignedSlow(bits: 32))
    }

    mutating func readS64() throws(DecodeError) -> Int64 {
        if pos < end {
            let b = bytes[pos]
            if b < 0x80 { pos &+= 1; return Int64(Int8(bitPattern: b << 1) >> 1) }
        }
        return try readSignedSlow(bits: 64)
    }

    mutating func readS33() throws(DecodeError) -> Int64 {
        try readSignedSlow(bits: 33)
    }

    mutating func readSignedSlow(bits: Int) throws(DecodeError) -> Int64 {
        let maxBytes = (bits &+ 6) / 7
        var result: Int64 = 0
        var shift: Int64 = 0
        var i = 0
        while true {
            let b = try readByte()
            i &+= 1
            if i == maxBytes {
                if b & 0x80 != 0 { throw error("integer representation too long", at: pos &- 1) }
                let usedBits = bits &- 7 &* (maxBytes &- 1)
                // Bits from the sign bit up to bit 6 must be all zeros or all ones.
                let signMask = UInt8(0x7F) & ~UInt8((1 << (usedBits &- 1)) &- 1)
                let top = b & signMask
                if top != 0 && top != signMask { throw error("integer too large", at: pos &- 1) }
                result |= Int64(b & 0x7F) &<< shift
                shift &+= 7
                if shift < 64 && (b & 0x40) != 0 { result |= (-1) &<< shift }
                return result
            }
            result |= Int64(b & 0x7F) &<< shift
            shift &+= 7
            if b & 0x80 == 0 {
                if shift < 64 && (b & 0x40) != 0 { result |= (-1) &<< shift }
                return result
            }
        }
    }

    mutating func readFixedU32() throws(DecodeError) -> UInt32 {
        guard remaining >= 4 else { pos = end; throw error(unexpectedEndMessage) }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[pos &+ i]) &<< UInt32(8 &* i) }
        pos &+= 4
        return v
    }

    mutating func readFixedU64() throws(DecodeError) -> UInt64 {
        guard remaining >= 8 else { pos = end; throw error(unexpectedEndMessage) }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[pos &+ i]) &<< UInt64(8 &* i) }
        pos &+= 8
        return v
    }

    /// 16 raw bytes: the immediate of `v128.const` and the lane indices of `i8x16.shuffle`.
    mutating func readV128() throws(DecodeError) -> V128 {
        guard remaining >= 16 else { pos = end; throw error(unexpectedEndMessage) }
        let low = try readFixedU64()
        return V128(low: low, high: try readFixedU64())
    }

    /// A vector length; each element takes at least `minElementSize` bytes, so larger counts
    /// cannot fit in what remains (reported as running out of input, as the reference decoder does).
    mutating func readCount(minElementSize: Int = 1) throws(DecodeError) -> Int {
        let n = Int(try readU32())
        if minElementSize > 0, n > remaining / minElementSize {
            // The elements cannot all be present: reading them would run out of input.
            pos = end
            throw error(unexpectedEndMessage)
        }
        return n
    }

    /// A UTF-8 name.
    mutating func readName() throws(DecodeError) -> String {
        let start = pos
        let len = Int(try readU32())
        guard len <= remaining else { throw error("length out of bounds", at: start) }
        let s = pos
        pos &+= len
        guard let str = decodeUTF8(bytes, s, pos) else {
            throw error("malformed UTF-8 encoding", at: s)
        }
        return str
    }

    // MARK: Types

    mutating func readHeapType() throws(DecodeError) -> HeapType {
        guard let b = peekByte() else { throw error(unexpectedEndMessage) }
        if b >= 0x40 && b < 0x80 {
            pos &+= 1
            if let a = AbstractHeapType(rawValue: b) { return .abstract(a) }
            throw error("malformed heap type", at: pos &- 1)
        }
        let start = pos
        let v = try readS33()
        guard v >= 0 else { throw error("malformed heap type", at: start) }
        return .concrete(UInt32(truncatingIfNeeded: v))
    }

    mutating func readRefType(typeCode b: UInt8, at start: Int) throws(DecodeError) -> RefType {
        switch b {
        case 0x63: return RefType(nullable: true, try readHeapType())
        case 0x64: return RefType(nullable: false, try readHeapType())
        default:
            if let a = AbstractHeapType(rawValue: b) { return RefType(nullable: true, .abstract(a)) }
            if b & 0x80 != 0 { throw error("integer representation too long", at: start) }
            throw error("malformed reference type", at: start)
        }
    }

    mutating func readRefType() throws(DecodeError) -> RefType {
        let start = pos
        let b = try readByte()
        return try readRefType(typeCode: b, at: start)
    }

    mutating func readValueType() throws(DecodeError) -> ValueType {
        let start = pos
        let b = try readByte()
        switch b {
        case 0x7F: return .i32
        case 0x7E: return .i64
        case 0x7D: return .f32
        case 0x7C: return .f64
        case 0x7B: return .v128
        case 0x63, 0x64, 0x69...0x74: return .ref(try readRefType(typeCode: b, at: start))
        default:
            if b & 0x80 != 0 { throw error("integer representation too long", at: start) }
            throw error("malformed value type", at: start)
        }
    }

    mutating func readBlockType() throws(DecodeError) -> BlockType {
        guard let b = peekByte() else { throw error(unexpectedEndMessage) }
        if b == 0x40 { pos &+= 1; return .empty }
        if b >= 0x40 && b < 0x80 { return .value(try readValueType()) }
        let start = pos
        let v = try readS33()
        guard v >= 0 else { throw error("malformed block type", at: start) }
        return .typeIndex(UInt32(truncatingIfNeeded: v))
    }

    mutating func readMemArg() throws(DecodeError) -> MemArg {
        let start = pos
        let flags = try readU32()
        var memoryIndex: UInt32 = 0
        var align = flags
        if flags >= 128 { throw error("malformed memop flags", at: start) }
        if flags & 0x40 != 0 {
            align = flags & 0x3F
            memoryIndex = try readU32()
        }
        let offset = try readU64()
        return MemArg(alignLog2: align, memoryIndex: memoryIndex, offset: offset)
    }
}

/// Strict UTF-8 validation and decoding of `bytes[start..<end]` (no overlongs, surrogates or
/// code points above U+10FFFF). Returns nil when malformed.
func decodeUTF8(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String? {
    var i = start
    while i < end {
        let b0 = bytes[i]
        if b0 < 0x80 { i &+= 1; continue }
        let need: Int
        let minCP: UInt32
        var cp: UInt32
        if b0 & 0xE0 == 0xC0 { need = 1; minCP = 0x80; cp = UInt32(b0 & 0x1F) }
        else if b0 & 0xF0 == 0xE0 { need = 2; minCP = 0x800; cp = UInt32(b0 & 0x0F) }
        else if b0 & 0xF8 == 0xF0 { need = 3; minCP = 0x10000; cp = UInt32(b0 & 0x07) }
        else { return nil }
        guard end &- i > need else { return nil }
        for k in 1...need {
            let b = bytes[i &+ k]
            guard b & 0xC0 == 0x80 else { return nil }
            cp = (cp &<< 6) | UInt32(b & 0x3F)
        }
        if cp < minCP || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) { return nil }
        i &+= need &+ 1
    }
    return String(decoding: bytes[start..<end], as: UTF8.self)
}
