import WasmCore

/// A module that is well-formed but invalid (or, for errors forwarded from the body decoder, malformed).
///
/// `message` starts with the wording the WebAssembly testsuite expects (e.g. "type mismatch") and may
/// carry detail after it.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Absolute byte offset in the module binary, when known.
    public var offset: Int?
    /// The reason, starting with the testsuite's wording.
    public var message: String

    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "invalid module at byte 0x\(String(offset, radix: 16)): \(message)" }
        return "invalid module: \(message)"
    }
}

// MARK: - Type descriptions for messages

extension HeapType {
    /// Text-format spelling (`func`, `$3` for type index 3).
    var validationDescription: String {
        switch self {
        case .abstract(let a): a.name
        case .concrete(let i): "\(i)"
        }
    }
}

extension ValueType {
    /// Text-format spelling, e.g. `i32`, `funcref`, `(ref null 3)`.
    var validationDescription: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .ref(let r):
            if r.isNullable, case .abstract(let a) = r.heapType {
                switch a {
                case .func: "funcref"
                case .extern: "externref"
                case .exn: "exnref"
                case .any: "anyref"
                case .eq: "eqref"
                case .i31: "i31ref"
                case .struct: "structref"
                case .array: "arrayref"
                case .none: "nullref"
                case .nofunc: "nullfuncref"
                case .noextern: "nullexternref"
                case .noexn: "nullexnref"
                }
            } else {
                "(ref \(r.isNullable ? "null " : "")\(r.heapType.validationDescription))"
            }
        }
    }

    /// Numeric and vector types (everything except references).
    @inline(__always) var isNumericOrVector: Bool {
        if case .ref = self { return false }
        return true
    }

    /// True if the type has a default value (numbers, vectors, nullable references).
    var isDefaultable: Bool {
        if case .ref(let r) = self { return r.isNullable }
        return true
    }
}

func describeTypes<C: Collection>(_ types: C) -> String where C.Element == ValueType? {
    "[" + types.map { $0?.validationDescription ?? "any" }.joined(separator: " ") + "]"
}

func describeTypes(_ types: [ValueType]) -> String {
    "[" + types.map(\.validationDescription).joined(separator: " ") + "]"
}
