extension WebAssembly {
    /// A WebAssembly `v128` value: 16 bytes, as SIMD instructions and linear memory see them.
    ///
    /// Byte 0 is the lowest-addressed byte (what `v128.store` writes first) and the least significant byte of
    /// ``low``; lanes are numbered from byte 0 up (little-endian lane order), so lane 0 of `i32x4` is bytes
    /// 0-3. Convert from and to Swift's `SIMD` vectors of 128 bits, bit for bit (float NaN payloads included):
    ///
    /// ```swift
    /// let v = WebAssembly.V128(SIMD4<Int32>(1, 2, 3, 4))
    /// v.f32x4                     // the same bits as four Floats
    /// v.bytes                     // [1, 0, 0, 0, 2, 0, 0, 0, ...]
    /// print(v)                    // i32x4 0x00000001 0x00000002 0x00000003 0x00000004
    /// ```
    ///
    /// Two values are equal when their bits are equal (so a NaN lane equals itself).
    public struct V128: Hashable, Sendable, CustomStringConvertible {
        /// Bytes 0-7, byte 0 the least significant.
        public var low: UInt64
        /// Bytes 8-15, byte 8 the least significant.
        public var high: UInt64

        /// The zero vector.
        public init() {
            self.init(low: 0, high: 0)
        }

        /// From its two 64-bit halves (the `i64x2` lanes, read as unsigned).
        public init(low: UInt64, high: UInt64) {
            self.low = low
            self.high = high
        }

        /// From exactly 16 bytes, byte 0 first.
        /// - Throws: ``RangeError`` if `bytes` does not hold exactly 16 bytes.
        public init(bytes: some Collection<UInt8>) throws(RangeError) {
            guard bytes.count == 16 else { throw RangeError("a v128 is 16 bytes, got \(bytes.count)") }
            var low: UInt64 = 0, high: UInt64 = 0
            for (i, b) in bytes.enumerated() {
                if i < 8 { low |= UInt64(b) << (8 * i) } else { high |= UInt64(b) << (8 * (i - 8)) }
            }
            self.init(low: low, high: high)
        }

        /// From a 128-bit `SIMD` vector, lane 0 in the lowest bytes: `SIMD16<UInt8>`, `SIMD16<Int8>`,
        /// `SIMD8<UInt16>`, `SIMD8<Int16>`, `SIMD4<UInt32>`, `SIMD4<Int32>`, `SIMD4<Float>`, `SIMD2<UInt64>`,
        /// `SIMD2<Int64>` or `SIMD2<Double>` (floats by bit pattern).
        public init<Vector: SIMD>(_ vector: Vector) where Vector.Scalar: V128Lane, Vector.Scalar.V128Vector == Vector {
            let width = 128 / vector.scalarCount
            let mask: UInt64 = width == 64 ? ~0 : (1 << width) - 1
            var low: UInt64 = 0, high: UInt64 = 0
            for i in vector.indices {
                let bits = vector[i].v128LaneBits & mask
                let offset = i * width
                if offset < 64 { low |= bits << offset } else { high |= bits << (offset - 64) }
            }
            self.init(low: low, high: high)
        }

        /// The 16 bytes, byte 0 first.
        public var bytes: [UInt8] {
            (0..<16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? low : high) >> (8 * (i % 8))) }
        }

        /// The lanes as a 128-bit `SIMD` vector of the type the context asks for (see ``init(_:)``).
        public func lanes<Vector: SIMD>(_: Vector.Type = Vector.self) -> Vector
            where Vector.Scalar: V128Lane, Vector.Scalar.V128Vector == Vector {
            var vector = Vector()
            let width = 128 / vector.scalarCount
            let mask: UInt64 = width == 64 ? ~0 : (1 << width) - 1
            for i in vector.indices {
                let offset = i * width
                let bits = offset < 64 ? low >> offset : high >> (offset - 64)
                vector[i] = Vector.Scalar(v128LaneBits: bits & mask)
            }
            return vector
        }

        /// The 16 `i8x16` lanes, signed.
        public var i8x16: SIMD16<Int8> { lanes() }
        /// The 16 `i8x16` lanes, unsigned.
        public var u8x16: SIMD16<UInt8> { lanes() }
        /// The 8 `i16x8` lanes, signed.
        public var i16x8: SIMD8<Int16> { lanes() }
        /// The 8 `i16x8` lanes, unsigned.
        public var u16x8: SIMD8<UInt16> { lanes() }
        /// The 4 `i32x4` lanes, signed.
        public var i32x4: SIMD4<Int32> { lanes() }
        /// The 4 `i32x4` lanes, unsigned.
        public var u32x4: SIMD4<UInt32> { lanes() }
        /// The 2 `i64x2` lanes, signed.
        public var i64x2: SIMD2<Int64> { lanes() }
        /// The 2 `i64x2` lanes, unsigned.
        public var u64x2: SIMD2<UInt64> { lanes() }
        /// The 4 `f32x4` lanes, bit for bit.
        public var f32x4: SIMD4<Float> { lanes() }
        /// The 2 `f64x2` lanes, bit for bit.
        public var f64x2: SIMD2<Double> { lanes() }

        /// The `v128.const` form with four hexadecimal `i32x4` lanes, lane 0 first:
        /// `i32x4 0x00000001 0x00000002 0x00000003 0x00000004`.
        public var description: String {
            "i32x4 " + (0..<4).map { i -> String in
                let lane = UInt32(truncatingIfNeeded: (i < 2 ? low : high) >> (32 * (i % 2)))
                let digits = String(lane, radix: 16)
                return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
            }.joined(separator: " ")
        }
    }

    /// A Swift scalar type that can be a lane of a ``V128``: `UInt8`, `Int8`, `UInt16`, `Int16`, `UInt32`,
    /// `Int32`, `Float`, `UInt64`, `Int64` and `Double`.
    ///
    /// It names the `SIMD` vector of the scalar that fills 128 bits, which is how ``V128/init(_:)``,
    /// ``V128/lanes(_:)`` and the ``ValueConvertible`` conformances of those vectors accept exactly the ten
    /// 128-bit vector types.
    public protocol V128Lane: SIMDScalar, Hashable, Codable {
        /// The `SIMD` vector of this scalar that is 128 bits wide (`SIMD4<Float>` for `Float`).
        associatedtype V128Vector: SIMD where V128Vector.Scalar == Self
        /// The lane's bits, in the low bits of the result (the rest is ignored).
        var v128LaneBits: UInt64 { get }
        /// The lane whose bits are the low bits of `bits`.
        init(v128LaneBits bits: UInt64)
    }
}

extension UInt8: WebAssembly.V128Lane {
    /// `SIMD16<UInt8>`.
    public typealias V128Vector = SIMD16<UInt8>
    /// The byte.
    public var v128LaneBits: UInt64 { UInt64(self) }
    /// The low byte of `bits`.
    public init(v128LaneBits bits: UInt64) { self.init(truncatingIfNeeded: bits) }
}

extension Int8: WebAssembly.V128Lane {
    /// `SIMD16<Int8>`.
    public typealias V128Vector = SIMD16<Int8>
    /// The two's-complement bits.
    public var v128LaneBits: UInt64 { UInt64(UInt8(bitPattern: self)) }
    /// The low byte of `bits`, signed.
    public init(v128LaneBits bits: UInt64) { self.init(truncatingIfNeeded: bits) }
}

extension UInt16: WebAssembly.V128Lane {
    /// `SIMD8<UInt16>`.
    public typealias V128Vector = SIMD8<UInt16>
    /// The bits.
    public var v128LaneBits: UInt64 { UInt64(self) }
    /// The low 16 bits of `bits`.
    public init(v128LaneBits bits: UInt64) { self.init(truncatingIfNeeded: bits) }
}

extension Int16: WebAssembly.V128Lane {
    /// `SIMD8<Int16>`.
    public typealias V128Vector = SIMD8<Int16>
    /// The two's-complement bits.
    public var v128LaneBits: UInt64 { UInt64(UInt16(bitPattern: self)) }
    /// The low 16 bits of `bits`, signed.
    public init(v128LaneBits bits: UInt64) { self.init(truncatingIfNeeded: bits) }
}

extension UInt32: WebAssembly.V128Lane {
    /// `SIMD4<UInt32>`.
    public typealias V128Vector = SIMD4<UInt32>
    /// The bits.
    public var v128LaneBits: UInt64 { UInt64(self) }
    /// The low 32 bits of `bits`.
    public init(v128LaneBits bits: UInt64) { self.init(truncatingIfNeeded: bits) }
}

extension Int32: WebAssembly.V128Lane {
    /// `SIMD4<Int32>`.
    public typealias V128Vector = SIMD4<Int32>
    /// The two's-complement bits.
    public var v128LaneBits: UInt64 { UInt64(UInt32(bitPattern: self)) }
    /// The low 32 bits of `bits`, signed.
    public init(v128LaneBits bits: UInt64) { self.init(truncatingIfNeeded: bits) }
}

extension Float: WebAssembly.V128Lane {
    /// `SIMD4<Float>`.
    public typealias V128Vector = SIMD4<Float>
    /// The bit pattern.
    public var v128LaneBits: UInt64 { UInt64(bitPattern) }
    /// The float whose bit pattern is the low 32 bits of `bits` (NaN payloads kept).
    public init(v128LaneBits bits: UInt64) { self.init(bitPattern: UInt32(truncatingIfNeeded: bits)) }
}

extension UInt64: WebAssembly.V128Lane {
    /// `SIMD2<UInt64>`.
    public typealias V128Vector = SIMD2<UInt64>
    /// The bits.
    public var v128LaneBits: UInt64 { self }
    /// `bits`.
    public init(v128LaneBits bits: UInt64) { self = bits }
}

extension Int64: WebAssembly.V128Lane {
    /// `SIMD2<Int64>`.
    public typealias V128Vector = SIMD2<Int64>
    /// The two's-complement bits.
    public var v128LaneBits: UInt64 { UInt64(bitPattern: self) }
    /// `bits`, signed.
    public init(v128LaneBits bits: UInt64) { self.init(bitPattern: bits) }
}

extension Double: WebAssembly.V128Lane {
    /// `SIMD2<Double>`.
    public typealias V128Vector = SIMD2<Double>
    /// The bit pattern.
    public var v128LaneBits: UInt64 { bitPattern }
    /// The double whose bit pattern is `bits` (NaN payloads kept).
    public init(v128LaneBits bits: UInt64) { self.init(bitPattern: bits) }
}

// MARK: ValueConvertible

extension WebAssembly.V128: WebAssembly.ValueConvertible {
    /// Accepts `v128`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .v128 }
    /// From a `v128`.
    public init(wasmValue: WebAssembly.Value) throws {
        guard case .v128(let v) = wasmValue else { throw WebAssembly.TypeError("expected a v128, got \(wasmValue)") }
        self = v
    }
    /// To a `v128`.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        guard type == .v128 else { throw WebAssembly.TypeError("a v128 cannot be passed as \(type)") }
        return .v128(self)
    }
}

/// The conformances of the 128-bit vectors: a `v128`, lane by lane (see ``WebAssembly/V128``).
extension WebAssembly.V128Lane {
    static func vector<Vector: SIMD>(_ value: WebAssembly.Value) throws -> Vector
        where Vector.Scalar == Self, Self.V128Vector == Vector {
        guard case .v128(let v) = value else { throw WebAssembly.TypeError("expected a v128, got \(value)") }
        return v.lanes()
    }

    static func value<Vector: SIMD>(_ vector: Vector, as type: WebAssembly.ValueType) throws -> WebAssembly.Value
        where Vector.Scalar == Self, Self.V128Vector == Vector {
        guard type == .v128 else { throw WebAssembly.TypeError("a \(Vector.self) cannot be passed as \(type)") }
        return .v128(WebAssembly.V128(vector))
    }
}

/// `SIMD16<UInt8>` and `SIMD16<Int8>` are a `v128` as `i8x16` lanes.
extension SIMD16: WebAssembly.ValueConvertible where Scalar: WebAssembly.V128Lane, Scalar.V128Vector == SIMD16<Scalar> {
    /// Accepts `v128`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .v128 }
    /// From a `v128`, lane 0 from byte 0.
    public init(wasmValue: WebAssembly.Value) throws { self = try Scalar.vector(wasmValue) }
    /// To a `v128`.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value { try Scalar.value(self, as: type) }
}

/// `SIMD8<UInt16>` and `SIMD8<Int16>` are a `v128` as `i16x8` lanes.
extension SIMD8: WebAssembly.ValueConvertible where Scalar: WebAssembly.V128Lane, Scalar.V128Vector == SIMD8<Scalar> {
    /// Accepts `v128`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .v128 }
    /// From a `v128`, lane 0 from bytes 0-1.
    public init(wasmValue: WebAssembly.Value) throws { self = try Scalar.vector(wasmValue) }
    /// To a `v128`.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value { try Scalar.value(self, as: type) }
}

/// `SIMD4<UInt32>`, `SIMD4<Int32>` and `SIMD4<Float>` are a `v128` as `i32x4` or `f32x4` lanes.
extension SIMD4: WebAssembly.ValueConvertible where Scalar: WebAssembly.V128Lane, Scalar.V128Vector == SIMD4<Scalar> {
    /// Accepts `v128`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .v128 }
    /// From a `v128`, lane 0 from bytes 0-3.
    public init(wasmValue: WebAssembly.Value) throws { self = try Scalar.vector(wasmValue) }
    /// To a `v128`.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value { try Scalar.value(self, as: type) }
}

/// `SIMD2<UInt64>`, `SIMD2<Int64>` and `SIMD2<Double>` are a `v128` as `i64x2` or `f64x2` lanes.
extension SIMD2: WebAssembly.ValueConvertible where Scalar: WebAssembly.V128Lane, Scalar.V128Vector == SIMD2<Scalar> {
    /// Accepts `v128`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .v128 }
    /// From a `v128`, lane 0 from bytes 0-7.
    public init(wasmValue: WebAssembly.Value) throws { self = try Scalar.vector(wasmValue) }
    /// To a `v128`.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value { try Scalar.value(self, as: type) }
}
