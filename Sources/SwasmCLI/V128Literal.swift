/// The command line's spelling of v128 values (`swasm run --invoke` arguments and results).
///
/// An argument is `SHAPE:LANES`, lane 0 first, lanes separated by commas (or, in one quoted argument,
/// spaces: `"i32x4 1 2 3 4"`), or `0x` and 32 hexadecimal digits, the vector as one 128-bit number (byte 15
/// first; `_` may separate digits):
///
///     i8x16:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,-1
///     i16x8:0,1,-1,32767,-32768,65535,0x10,7
///     i32x4:1,2,3,4                      (integers: decimal, signed or unsigned, or 0x hex)
///     i64x2:-1,0x8000000000000000
///     f32x4:1.5,-0,inf,nan               (floats: decimal or 0x1p-3 hex, inf, -inf, nan, -nan, nan:0x200000)
///     f64x2:0.1,-inf
///     0x00000004000000030000000200000001 (= i32x4:1,2,3,4)
///
/// A result prints in one of these forms (`--v128-format`, default `i32x4`), so it can be pasted back as an
/// argument: integer lanes signed in decimal, float lanes in the shortest decimal that reads back to the same
/// float, NaNs as `nan` (the canonical quiet NaN), `nan:0x...` (its payload) or `-nan...`.
struct V128Literal {
    var low: UInt64
    var high: UInt64

    /// How a v128 is split into lanes.
    enum Shape: String, CaseIterable {
        case i8x16, i16x8, i32x4, i64x2, f32x4, f64x2

        var laneCount: Int {
            switch self {
            case .i8x16: 16
            case .i16x8: 8
            case .i32x4, .f32x4: 4
            case .i64x2, .f64x2: 2
            }
        }
        var laneBits: Int { 128 / laneCount }
        var isFloat: Bool { self == .f32x4 || self == .f64x2 }
    }

    /// How `swasm run --invoke` prints v128 results: lanes of a shape, or `0x` and 32 hex digits.
    enum Format: Equatable {
        case lanes(Shape)
        case hex

        init?(_ text: String) {
            if text == "hex" { self = .hex } else if let shape = Shape(rawValue: text) { self = .lanes(shape) } else { return nil }
        }

        /// The accepted spellings, for help and errors.
        static let names = Shape.allCases.map(\.rawValue).joined(separator: ", ") + " or hex"
    }

    /// What is wrong with a v128 argument.
    struct SyntaxError: Error, Equatable {
        let message: String
    }

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The lane `index` of `bits` bits, zero-extended.
    func lane(_ index: Int, bits: Int) -> UInt64 {
        let offset = index * bits
        let word = offset < 64 ? low >> offset : high >> (offset - 64)
        return bits == 64 ? word : word & ((1 << bits) - 1)
    }

    // MARK: Parsing

    /// Parses an argument in one of the forms above.
    init(parsing text: String) throws(SyntaxError) {
        let trimmed = text.trimmingSpaces
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
            self = try Self.parseHex(trimmed.dropFirst(2))
            return
        }
        let shapeEnd = trimmed.firstIndex { $0 == ":" || $0 == " " || $0 == "\t" } ?? trimmed.endIndex
        let name = trimmed[..<shapeEnd]
        guard let shape = Shape(rawValue: String(name)) else {
            throw SyntaxError(message: name.isEmpty || shapeEnd == trimmed.endIndex
                ? "expected SHAPE:LANES (SHAPE one of \(Shape.allCases.map(\.rawValue).joined(separator: ", "))) or 0x and 32 hex digits"
                : "unknown shape \"\(name)\" (expected \(Shape.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var rest = trimmed[shapeEnd...]
        if rest.first == ":" { rest = rest.dropFirst() }
        let lanes: [Substring]
        if rest.contains(",") {
            lanes = rest.split(separator: ",", omittingEmptySubsequences: false).map { Substring($0.trimmingSpaces) }
        } else {
            lanes = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
        }
        guard lanes.count == shape.laneCount else {
            throw SyntaxError(message: "\(shape) needs \(shape.laneCount) lanes, got \(lanes.count)")
        }
        var value = V128Literal(low: 0, high: 0)
        for (i, text) in lanes.enumerated() {
            guard !text.isEmpty else { throw SyntaxError(message: "lane \(i) is empty") }
            let bits: UInt64?
            switch shape {
            case .f32x4: bits = Self.parseFloat32(text).map { UInt64($0) }
            case .f64x2: bits = Self.parseFloat64(text)
            default: bits = Self.parseInteger(text, bits: shape.laneBits)
            }
            guard let bits else {
                let n = shape.laneBits
                let expected = shape.isFloat
                    ? "an f\(n) (a finite number, inf, -inf, nan, -nan or nan:0xPAYLOAD)"
                    : "an i\(n) (\(-(Int128(1) << (n - 1))) to \((Int128(1) << n) - 1), decimal or 0x hex)"
                throw SyntaxError(message: "lane \(i) \"\(text)\" is not \(expected)")
            }
            let offset = i * shape.laneBits
            if offset < 64 { value.low |= bits << offset } else { value.high |= bits << (offset - 64) }
        }
        self = value
    }

    /// 32 hex digits (after `0x`), the most significant first; `_` may separate them.
    private static func parseHex(_ digits: Substring) throws(SyntaxError) -> V128Literal {
        let hex = digits.filter { $0 != "_" }
        if let bad = hex.first(where: { !$0.isHexDigit }) {
            throw SyntaxError(message: "\"\(bad)\" is not a hex digit")
        }
        guard hex.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16) else {
            throw SyntaxError(message: "0x must be followed by 32 hex digits, got \(hex.count)")
        }
        return V128Literal(low: low, high: high)
    }

    /// An integer lane of `bits` bits: decimal or `0x` hex, signed or unsigned, in range; its bits.
    static func parseInteger(_ text: Substring, bits: Int) -> UInt64? {
        var digits = text
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        }
        // Digits only: UInt64(_:radix:) would accept another sign.
        guard !digits.isEmpty, digits.allSatisfy({ radix == 16 ? $0.isHexDigit : $0.isASCII && $0.isNumber }),
              let magnitude = UInt64(digits, radix: radix) else { return nil }
        let mask: UInt64 = bits == 64 ? ~0 : (1 << bits) - 1
        if negative {
            // Down to -2^(bits-1).
            guard magnitude <= UInt64(1) << (bits - 1) else { return nil }
            return (0 &- magnitude) & mask
        }
        guard magnitude <= mask else { return nil }
        return magnitude
    }

    /// An f32 lane: its bit pattern.
    static func parseFloat32(_ text: Substring) -> UInt32? {
        if let nan = parseNaN(text, mantissaBits: 23) { return UInt32(truncatingIfNeeded: nan) }
        guard let v = Float(text), !v.isNaN, v.isFinite || isInfinity(text) else { return nil }
        return v.bitPattern
    }

    /// An f64 lane: its bit pattern.
    static func parseFloat64(_ text: Substring) -> UInt64? {
        if let nan = parseNaN(text, mantissaBits: 52) { return nan }
        guard let v = Double(text), !v.isNaN, v.isFinite || isInfinity(text) else { return nil }
        return v.bitPattern
    }

    /// Whether `text` spells an infinity (a finite number too large for the lane is refused, not rounded).
    private static func isInfinity(_ text: Substring) -> Bool {
        let t = text.lowercased()
        return ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"].contains(t)
    }

    /// `nan`, `-nan`, `+nan`, `nan:0xPAYLOAD` (a non-zero mantissa): the bit pattern of a float with
    /// `mantissaBits` mantissa bits; nil for anything else.
    static func parseNaN(_ text: Substring, mantissaBits: Int) -> UInt64? {
        var t = Substring(text.lowercased())
        var sign: UInt64 = 0
        if t.first == "-" || t.first == "+" {
            if t.first == "-" { sign = 1 }
            t = t.dropFirst()
        }
        guard t.hasPrefix("nan") else { return nil }
        t = t.dropFirst(3)
        let mantissaMask: UInt64 = (1 << mantissaBits) - 1
        var payload: UInt64 = 1 << (mantissaBits - 1)   // the canonical quiet NaN
        if !t.isEmpty {
            guard t.hasPrefix(":0x"), t.count > 3, t.dropFirst(3).allSatisfy(\.isHexDigit),
                  let p = UInt64(t.dropFirst(3), radix: 16), p != 0, p <= mantissaMask else { return nil }
            payload = p
        }
        let exponentBits = (mantissaBits == 23 ? 8 : 11)
        let exponent: UInt64 = ((1 << exponentBits) - 1) << mantissaBits
        return sign << (mantissaBits + exponentBits) | exponent | payload
    }

    // MARK: Printing

    /// The value in `format`: `i32x4:1,2,3,4`, `f32x4:1.5,nan,inf,-0.0` or `0x` and 32 hex digits.
    func formatted(_ format: Format) -> String {
        switch format {
        case .hex:
            return "0x" + Self.hexDigits(high) + Self.hexDigits(low)
        case .lanes(let shape):
            let lanes = (0..<shape.laneCount).map { i -> String in
                let bits = lane(i, bits: shape.laneBits)
                switch shape {
                case .f32x4: return Self.formatFloat(Float(bitPattern: UInt32(truncatingIfNeeded: bits)), bits: bits, mantissaBits: 23)
                case .f64x2: return Self.formatFloat(Double(bitPattern: bits), bits: bits, mantissaBits: 52)
                default:
                    // Sign-extend the lane.
                    let shift = UInt64(64 - shape.laneBits)
                    return String(Int64(bitPattern: bits << shift) >> shift)
                }
            }
            return shape.rawValue + ":" + lanes.joined(separator: ",")
        }
    }

    private static func hexDigits(_ word: UInt64) -> String {
        let digits = String(word, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The shortest decimal that reads back to `value`; a NaN as `nan` (canonical) or `nan:0x...`, with `-` when
    /// its sign bit is set.
    private static func formatFloat(_ value: some BinaryFloatingPoint & CustomStringConvertible, bits: UInt64,
                                    mantissaBits: Int) -> String {
        guard value.isNaN else { return value.description }
        let sign = value.sign == .minus ? "-" : ""
        let payload = bits & ((1 << mantissaBits) - 1)
        return payload == 1 << (mantissaBits - 1) ? sign + "nan" : sign + "nan:0x" + String(payload, radix: 16)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let s = self[...]
        guard let first = s.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = s.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return Substring("") }
        return Substring(s[first...last])
    }
}
