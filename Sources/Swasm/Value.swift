extension WebAssembly {
    /// A WebAssembly value: a number, a 128-bit vector or a reference.
    ///
    /// Arguments and results of the untyped call form, host functions' untyped form, and the contents of
    /// globals and tables. Floats keep their exact bit patterns (NaN payloads included). Two values are equal
    /// when they have the same type and the same bits, or refer to the identical object.
    public enum Value: CustomStringConvertible, Equatable {
        /// A 32-bit integer (signedness is up to the instructions that use it).
        case i32(Int32)
        /// A 64-bit integer.
        case i64(Int64)
        /// A 32-bit float.
        case f32(Float)
        /// A 64-bit float.
        case f64(Double)
        /// A 128-bit vector (SIMD).
        case v128(V128)
        /// A function reference (nil is `ref.null func`).
        case funcref(Function?)
        /// A host object; wasm gets it back to Swift as the identical object (nil is `ref.null extern`).
        case externref(AnyObject?)
        /// An exception reference (nil is `ref.null exn`).
        case exnref(Exception?)

        /// The bare number (`5`, `2.5`), a vector as `v128.const` writes it with four hexadecimal `i32x4`
        /// lanes (`i32x4 0x00000001 0x00000002 0x00000003 0x00000004`, see ``V128/description``), or the
        /// reference (`null`, `funcref(add)`, `externref(...)`).
        public var description: String {
            switch self {
            case .i32(let v): "\(v)"
            case .i64(let v): "\(v)"
            case .f32(let v): "\(v)"
            case .f64(let v): "\(v)"
            case .v128(let v): v.description
            case .funcref(let f): f.map { "funcref(\($0.name ?? "anonymous"))" } ?? "null"
            case .externref(let o): o.map { "externref(\($0))" } ?? "null"
            case .exnref(let e): e.map { "exnref(\($0))" } ?? "null"
            }
        }

        /// Same type and bits, or the identical referenced object.
        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.i32(let x), .i32(let y)): x == y
            case (.i64(let x), .i64(let y)): x == y
            case (.f32(let x), .f32(let y)): x.bitPattern == y.bitPattern
            case (.f64(let x), .f64(let y)): x.bitPattern == y.bitPattern
            case (.v128(let x), .v128(let y)): x == y
            case (.funcref(let x), .funcref(let y)): x?.handle === y?.handle
            case (.externref(let x), .externref(let y)): x === y
            case (.exnref(let x), .exnref(let y)): x === y
            default: false
            }
        }

        /// The null reference of a reference type, or zero of a numeric or vector type.
        public static func defaultValue(for type: ValueType) -> Value {
            switch type {
            case .i32: .i32(0)
            case .v128: .v128(V128())
            case .i64: .i64(0)
            case .f32: .f32(0)
            case .f64: .f64(0)
            case .ref(let r):
                switch r.heapType.family {
                case .function: .funcref(nil)
                case .exception: .exnref(nil)
                case .extern, .gc: .externref(nil)
                }
            }
        }

        /// Whether this value has (or, for numbers, exactly converts to) `type`.
        func matches(_ type: ValueType) -> Bool {
            switch (self, type) {
            case (.i32, .i32), (.i64, .i64), (.f32, .f32), (.f64, .f64), (.v128, .v128): return true
            case (.funcref(let f), .ref(let r)):
                guard r.heapType.family == .function else { return false }
                return f != nil || r.isNullable
            case (.externref(let o), .ref(let r)):
                guard r.heapType.family == .extern else { return false }
                return o != nil || r.isNullable
            case (.exnref(let e), .ref(let r)):
                guard r.heapType.family == .exception else { return false }
                return e != nil || r.isNullable
            default: return false
            }
        }
    }

    /// A Swift type that converts to and from WebAssembly values.
    ///
    /// Host functions written as typed closures, typed results of calls, typed function handles and
    /// ``Global`` access use it. The library conforms `Int32`, `UInt32`, `Int64`, `UInt64`, `Int`, `Float`,
    /// `Double`, `Bool`, ``Value``, ``ExternRef``, ``Function`` and ``Exception``, and for `v128` ``V128`` and
    /// the 128-bit `SIMD` vectors (`SIMD16<UInt8>`, `SIMD16<Int8>`, `SIMD8<UInt16>`, `SIMD8<Int16>`,
    /// `SIMD4<UInt32>`, `SIMD4<Int32>`, `SIMD4<Float>`, `SIMD2<UInt64>`, `SIMD2<Int64>`, `SIMD2<Double>`).
    /// Integers and floats convert between numeric types when the conversion is exact (so `10` can be passed
    /// for an `i32` parameter); a vector converts only to and from `v128`.
    public protocol ValueConvertible {
        /// Whether a wasm value of `type` converts to this Swift type.
        static func accepts(_ type: ValueType) -> Bool
        /// Converts a wasm value; throws ``TypeError`` if it does not fit.
        init(wasmValue: Value) throws
        /// Converts to a wasm value of `type`; throws ``TypeError`` or ``RangeError`` if it cannot.
        func wasmValue(as type: ValueType) throws -> Value
    }

    /// A Swift object passed to wasm as an `externref` (nil is the null reference).
    ///
    /// The object comes back out of wasm as the identical object (`===`).
    public struct ExternRef: ValueConvertible, CustomStringConvertible {
        /// The object, or nil for `ref.null extern`.
        public var object: AnyObject?
        /// Wraps `object` (nil for the null reference).
        public init(_ object: AnyObject?) { self.object = object }

        /// The object as `T`, or nil if there is none or it is of another class
        /// (`ref.object(as: Session.self)`).
        public func object<T: AnyObject>(as type: T.Type = T.self) -> T? { object as? T }

        /// Accepts `externref` (and the other extern reference types).
        public static func accepts(_ type: ValueType) -> Bool {
            if case .ref(let r) = type { return r.heapType.family == .extern }
            return false
        }
        /// From an `externref` value.
        public init(wasmValue: Value) throws {
            guard case .externref(let o) = wasmValue else { throw TypeError("expected an externref, got \(wasmValue)") }
            self.object = o
        }
        /// To an `externref` value.
        public func wasmValue(as type: ValueType) throws -> Value {
            guard Self.accepts(type) else { throw TypeError("an externref cannot be passed as \(type)") }
            return .externref(object)
        }
        /// The object's description, or "null".
        public var description: String { object.map { "\($0)" } ?? "null" }
    }

    /// The values a function returned, as the untyped call form gives them: none, one, or several.
    ///
    /// Prints like JavaScript shows results: `5` for one value, `()` for none, `(7, 1)` for several.
    public struct Results: RandomAccessCollection, CustomStringConvertible, Equatable, ExpressibleByArrayLiteral {
        /// The values, in result order.
        public var values: [Value]
        /// Wraps values.
        public init(_ values: [Value]) { self.values = values }
        /// `[.i32(5)]`.
        public init(arrayLiteral elements: Value...) { self.values = elements }
        /// The first index (0).
        public var startIndex: Int { values.startIndex }
        /// The number of values.
        public var endIndex: Int { values.endIndex }
        /// The value at `i`.
        public subscript(i: Int) -> Value { values[i] }
        /// The only value, if there is exactly one.
        public var value: Value? { values.count == 1 ? values[0] : nil }
        /// `5`, `()` or `(7, 1)`.
        public var description: String {
            values.count == 1 ? values[0].description : "(" + values.map(\.description).joined(separator: ", ") + ")"
        }
        /// The first (or only) value converted to `T`.
        public func `as`<T: ValueConvertible>(_ type: T.Type) throws -> T {
            guard let v = values.first else { throw TypeError("the function returned no value") }
            return try T(wasmValue: v)
        }
    }
}

// MARK: Numeric conformances

/// Converts an exact integer to a wasm value of `type`.
func integerValue(_ x: some BinaryInteger, as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
    switch type {
    case .i32:
        if let v = Int32(exactly: x) { return .i32(v) }
        if let v = UInt32(exactly: x) { return .i32(Int32(bitPattern: v)) }
        throw WebAssembly.RangeError("\(x) does not fit in an i32")
    case .i64:
        if let v = Int64(exactly: x) { return .i64(v) }
        if let v = UInt64(exactly: x) { return .i64(Int64(bitPattern: v)) }
        throw WebAssembly.RangeError("\(x) does not fit in an i64")
    case .f32:
        guard let v = Float(exactly: x) else { throw WebAssembly.RangeError("\(x) is not exactly an f32") }
        return .f32(v)
    case .f64:
        guard let v = Double(exactly: x) else { throw WebAssembly.RangeError("\(x) is not exactly an f64") }
        return .f64(v)
    default:
        throw WebAssembly.TypeError("a number cannot be passed as \(type)")
    }
}

/// `Int32` is an `i32`, and converts exactly to the other numeric types.
extension Int32: WebAssembly.ValueConvertible {
    /// Accepts `i32`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .i32 }
    /// From an `i32`.
    public init(wasmValue: WebAssembly.Value) throws {
        guard case .i32(let v) = wasmValue else { throw WebAssembly.TypeError("expected an i32, got \(wasmValue)") }
        self = v
    }
    /// To `type`, when exact.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        type == .i32 ? .i32(self) : try integerValue(self, as: type)
    }
}

/// `UInt32` is an `i32` read as unsigned, and converts exactly to the other numeric types.
extension UInt32: WebAssembly.ValueConvertible {
    /// Accepts `i32` (read as unsigned).
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .i32 }
    /// From an `i32`, reinterpreting the bits as unsigned.
    public init(wasmValue: WebAssembly.Value) throws {
        guard case .i32(let v) = wasmValue else { throw WebAssembly.TypeError("expected an i32, got \(wasmValue)") }
        self = UInt32(bitPattern: v)
    }
    /// To `type`, when exact (to `i32` by bit pattern).
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        type == .i32 ? .i32(Int32(bitPattern: self)) : try integerValue(self, as: type)
    }
}

/// `Int64` is an `i64`, and converts exactly to the other numeric types.
extension Int64: WebAssembly.ValueConvertible {
    /// Accepts `i64`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .i64 }
    /// From an `i64` (or an `i32`, widened).
    public init(wasmValue: WebAssembly.Value) throws {
        switch wasmValue {
        case .i64(let v): self = v
        case .i32(let v): self = Int64(v)
        default: throw WebAssembly.TypeError("expected an i64, got \(wasmValue)")
        }
    }
    /// To `type`, when exact.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        type == .i64 ? .i64(self) : try integerValue(self, as: type)
    }
}

/// `UInt64` is an `i64` read as unsigned, and converts exactly to the other numeric types.
extension UInt64: WebAssembly.ValueConvertible {
    /// Accepts `i64` (read as unsigned).
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .i64 }
    /// From an `i64`, reinterpreting the bits as unsigned (or an `i32`, zero-extended).
    public init(wasmValue: WebAssembly.Value) throws {
        switch wasmValue {
        case .i64(let v): self = UInt64(bitPattern: v)
        case .i32(let v): self = UInt64(UInt32(bitPattern: v))
        default: throw WebAssembly.TypeError("expected an i64, got \(wasmValue)")
        }
    }
    /// To `type`, when exact (to `i64` by bit pattern).
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        type == .i64 ? .i64(Int64(bitPattern: self)) : try integerValue(self, as: type)
    }
}

/// `Int` is an `i32` or an `i64`, whichever the parameter or result is, when the value fits.
extension Int: WebAssembly.ValueConvertible {
    /// Accepts `i32` and `i64`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .i32 || type == .i64 }
    /// From an `i32` or `i64`.
    public init(wasmValue: WebAssembly.Value) throws {
        switch wasmValue {
        case .i32(let v): self = Int(v)
        case .i64(let v): self = Int(v)
        default: throw WebAssembly.TypeError("expected an integer, got \(wasmValue)")
        }
    }
    /// To `type`, when exact.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        try integerValue(self, as: type)
    }
}

/// `Bool` is an `i32`: 1 for true, 0 for false (any non-zero `i32` reads as true).
extension Bool: WebAssembly.ValueConvertible {
    /// Accepts `i32` (0 is false, anything else true).
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .i32 }
    /// From an `i32`: false for 0, true otherwise.
    public init(wasmValue: WebAssembly.Value) throws {
        guard case .i32(let v) = wasmValue else { throw WebAssembly.TypeError("expected an i32, got \(wasmValue)") }
        self = v != 0
    }
    /// To an `i32` 1 or 0.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        try integerValue(self ? 1 : 0, as: type)
    }
}

/// `Float` is an `f32`, bit for bit (NaN payloads included).
extension Float: WebAssembly.ValueConvertible {
    /// Accepts `f32`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .f32 }
    /// From an `f32`.
    public init(wasmValue: WebAssembly.Value) throws {
        guard case .f32(let v) = wasmValue else { throw WebAssembly.TypeError("expected an f32, got \(wasmValue)") }
        self = v
    }
    /// To `f32`, or exactly to `f64`.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        switch type {
        case .f32: return .f32(self)
        case .f64: return .f64(Double(self))
        default: throw WebAssembly.TypeError("a Float cannot be passed as \(type)")
        }
    }
}

/// `Double` is an `f64`, bit for bit; it also converts to `f32` and exactly to the integer types.
extension Double: WebAssembly.ValueConvertible {
    /// Accepts `f64`.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { type == .f64 }
    /// From an `f64` (or an `f32`, widened).
    public init(wasmValue: WebAssembly.Value) throws {
        switch wasmValue {
        case .f64(let v): self = v
        case .f32(let v): self = Double(v)
        default: throw WebAssembly.TypeError("expected an f64, got \(wasmValue)")
        }
    }
    /// To `f64`, or to `f32` (rounded, as JavaScript does), or to an integer type when exact.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        switch type {
        case .f64: return .f64(self)
        case .f32: return .f32(Float(self))
        case .i32:
            guard let v = Int32(exactly: self) else { throw WebAssembly.RangeError("\(self) is not an i32") }
            return .i32(v)
        case .i64:
            guard let v = Int64(exactly: self) else { throw WebAssembly.RangeError("\(self) is not an i64") }
            return .i64(v)
        default: throw WebAssembly.TypeError("a Double cannot be passed as \(type)")
        }
    }
}

extension WebAssembly.Value: WebAssembly.ValueConvertible {
    /// Accepts every type.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool { true }
    /// The value itself.
    public init(wasmValue: WebAssembly.Value) throws { self = wasmValue }
    /// The value itself, if it has `type` (numbers convert exactly between numeric types).
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        if matches(type) { return self }
        switch self {
        case .i32(let v): return try v.wasmValue(as: type)
        case .i64(let v): return try v.wasmValue(as: type)
        case .f32(let v): return try v.wasmValue(as: type)
        case .f64(let v): return try v.wasmValue(as: type)
        default: throw WebAssembly.TypeError("\(self) cannot be passed as \(type)")
        }
    }
}
