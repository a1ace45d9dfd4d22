import WasmCore

/// Numeric literal parsing (text format rules: `_` separators, hex, signs, float forms).
enum Literals {
    /// Removes `_` separators, which must sit between two digits. Returns nil when misplaced.
    static func stripUnderscores(_ s: Substring, hex: Bool) -> String? {
        var out = ""
        out.reserveCapacity(s.count)
        var prevDigit = false
        let chars = Array(s.utf8)
        for (k, c) in chars.enumerated() {
            if c == UInt8(ascii: "_") {
                guard prevDigit, k + 1 < chars.count else { return nil }
                let n = chars[k + 1]
                guard hex ? hexDigit(n) != nil : (n >= 48 && n <= 57) else { return nil }
                prevDigit = false
                continue
            }
            prevDigit = hex ? hexDigit(c) != nil : (c >= 48 && c <= 57)
            out.unicodeScalars.append(Unicode.Scalar(c))
        }
        return out
    }

    /// Parses an unsigned number (decimal or `0x` hex) into UInt64; nil if malformed or overflowing.
    static func parseNat(_ text: Substring) -> (value: UInt64, overflow: Bool)? {
        var s = text
        var hex = false
        if s.hasPrefix("0x") { hex = true; s = s.dropFirst(2) }
        guard !s.isEmpty, let clean = stripUnderscores(s, hex: hex), !clean.isEmpty else { return nil }
        var v: UInt64 = 0
        var overflow = false
        let base: UInt64 = hex ? 16 : 10
        for c in clean.utf8 {
            let d: UInt64
            if hex {
                guard let h = hexDigit(c) else { return nil }
                d = UInt64(h)
            } else {
                guard c >= 48, c <= 57 else { return nil }
                d = UInt64(c - 48)
            }
            let (m, o1) = v.multipliedReportingOverflow(by: base)
            let (a, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { overflow = true }
            v = a
        }
        return (v, overflow)
    }

    /// A `u32` index or count.
    static func u32(_ text: String) -> UInt32? {
        guard let first = text.utf8.first, first >= 48, first <= 57 else { return nil }
        guard let (v, o) = parseNat(Substring(text)), !o, v <= UInt64(UInt32.max) else { return nil }
        return UInt32(v)
    }

    /// A `u64` number.
    static func u64(_ text: String) -> UInt64? {
        guard let first = text.utf8.first, first >= 48, first <= 57 else { return nil }
        guard let (v, o) = parseNat(Substring(text)), !o else { return nil }
        return v
    }

    enum IntResult { case ok(UInt64), malformed, outOfRange }

    /// Parses a signed or unsigned integer literal of `bits` width, returning its two's complement bits.
    static func int(_ text: String, bits: Int) -> IntResult {
        var s = Substring(text)
        var neg = false
        var signed = false
        if s.hasPrefix("-") { neg = true; signed = true; s = s.dropFirst() } else if s.hasPrefix("+") { signed = true; s = s.dropFirst() }
        guard let f = s.utf8.first, f >= 48, f <= 57 else { return .malformed }
        guard let (v, o) = parseNat(s) else { return .malformed }
        if o { return .outOfRange }
        let umax: UInt64 = bits == 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1
        let smaxNeg: UInt64 = UInt64(1) << UInt64(bits - 1)
        if neg {
            if v > smaxNeg { return .outOfRange }
            return .ok((0 &- v) & umax)
        }
        if signed, v > smaxNeg - 1 { return .outOfRange }
        if v > umax { return .outOfRange }
        return .ok(v)
    }

    enum FloatResult { case ok(UInt64), malformed, outOfRange }

    /// Parses a float literal into bits of an IEEE-754 binary32 (`bits == 32`) or binary64 value.
    static func float(_ text: String, bits: Int) -> FloatResult {
        var s = Substring(text)
        var neg = false
        if s.hasPrefix("-") { neg = true; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        let signBit: UInt64 = neg ? (bits == 32 ? 0x8000_0000 : 0x8000_0000_0000_0000) : 0
        let expMask: UInt64 = bits == 32 ? 0x7F80_0000 : 0x7FF0_0000_0000_0000
        let mantBits = bits == 32 ? 23 : 52
        if s == "inf" { return .ok(signBit | expMask) }
        if s == "nan" { return .ok(signBit | expMask | (UInt64(1) << UInt64(mantBits - 1))) }
        if s.hasPrefix("nan:0x") {
            guard let (p, o) = parseNat(s.dropFirst(4)) else { return .malformed }
            if o || p == 0 || p >= (UInt64(1) << UInt64(mantBits)) { return .outOfRange }
            return .ok(signBit | expMask | p)
        }
        // Validate the syntax and build a clean string for the correctly rounding converter.
        var hex = false
        var body = s
        if s.hasPrefix("0x") { hex = true; body = s.dropFirst(2) }
        let isDigit: (UInt8) -> Bool = { c in hex ? hexDigit(c) != nil : (c >= 48 && c <= 57) }
        let u = Array(body.utf8)
        var k = 0
        func num(_ digit: (UInt8) -> Bool) -> Substring? {
            let st = k
            guard k < u.count, digit(u[k]) else { return nil }
            while k < u.count, digit(u[k]) || (u[k] == UInt8(ascii: "_") && k + 1 < u.count && digit(u[k + 1])) { k += 1 }
            return Substring(String(decoding: u[st..<k], as: UTF8.self))
        }
        guard let intPart = num(isDigit) else { return .malformed }
        var frac: Substring = ""
        if k < u.count, u[k] == UInt8(ascii: ".") {
            k += 1
            if k < u.count, isDigit(u[k]) { frac = num(isDigit) ?? "" }
        }
        var expSign = ""
        var expPart: Substring = ""
        var hasExp = false
        if k < u.count, hex ? (u[k] == UInt8(ascii: "p") || u[k] == UInt8(ascii: "P")) : (u[k] == UInt8(ascii: "e") || u[k] == UInt8(ascii: "E")) {
            hasExp = true
            k += 1
            if k < u.count, u[k] == UInt8(ascii: "+") || u[k] == UInt8(ascii: "-") { expSign = u[k] == UInt8(ascii: "-") ? "-" : "+"; k += 1 }
            guard let e = num({ $0 >= 48 && $0 <= 57 }) else { return .malformed }
            expPart = e
        }
        guard k == u.count else { return .malformed }
        guard let ip = stripUnderscores(intPart, hex: hex), let fp = stripUnderscores(frac, hex: hex),
              let ep = stripUnderscores(expPart, hex: false) else { return .malformed }
        var clean = (hex ? "0x" : "") + ip
        if !fp.isEmpty { clean += "." + fp }
        if hasExp {
            // Clamp huge exponents so the converter does not choke; the result saturates anyway.
            let trimmed = ep.drop(while: { $0 == "0" })
            let expText = trimmed.count > 6 ? "999999" : (trimmed.isEmpty ? "0" : String(trimmed))
            clean += (hex ? "p" : "e") + expSign + expText
        } else if hex {
            clean += "p0"
        }
        if bits == 32 {
            guard let f = Float(clean) else { return .malformed }
            if f.isInfinite { return .outOfRange }
            return .ok(signBit | UInt64(f.bitPattern))
        } else {
            guard let d = Double(clean) else { return .malformed }
            if d.isInfinite { return .outOfRange }
            return .ok(signBit | d.bitPattern)
        }
    }
}

/// LEB128, the binary format's integer encoding, for code outside this module that writes modules by hand
/// (tests of malformed or extreme modules the text format cannot express).
package enum LEB128 {
    /// `value` in unsigned LEB128.
    package static func unsigned(_ value: UInt64) -> [UInt8] {
        var writer = ByteWriter()
        writer.u64(value)
        return writer.bytes
    }
}

/// Binary output buffer with LEB128 helpers.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ b: UInt8) { bytes.append(b) }
    mutating func append(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    mutating func u32(_ v: UInt32) { u64(UInt64(v)) }
    mutating func u64(_ v: UInt64) {
        var v = v
        repeat {
            var b = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { b |= 0x80 }
            bytes.append(b)
        } while v != 0
    }
    mutating func s64(_ v: Int64) {
        var v = v
        while true {
            let b = UInt8(v & 0x7F)
            v >>= 7
            if (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0) {
                bytes.append(b)
                return
            }
            bytes.append(b | 0x80)
        }
    }
    mutating func s32(_ v: Int32) { s64(Int64(v)) }
    mutating func name(_ b: [UInt8]) {
        u32(UInt32(b.count))
        append(b)
    }
    mutating func f32(_ bits: UInt32) {
        for k in 0..<4 { bytes.append(UInt8((bits >> (8 * UInt32(k))) & 0xFF)) }
    }
    mutating func f64(_ bits: UInt64) {
        for k in 0..<8 { bytes.append(UInt8((bits >> (8 * UInt64(k))) & 0xFF)) }
    }
    /// The 16 bytes of a vector, in memory order.
    mutating func v128(_ v: V128) {
        f64(v.low)
        f64(v.high)
    }
}
