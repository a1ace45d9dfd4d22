/// The abstract heap types of WebAssembly 3.0 (function references, GC and exception handling).
public enum AbstractHeapType: UInt8, Hashable, Sendable, CaseIterable {
    // Binary encodings (as the byte that denotes the shorthand/heap type).
    case noexn = 0x74
    case nofunc = 0x73
    case noextern = 0x72
    case none = 0x71
    case `func` = 0x70
    case extern = 0x6F
    case any = 0x6E
    case eq = 0x6D
    case i31 = 0x6C
    case `struct` = 0x6B
    case array = 0x6A
    case exn = 0x69

    /// The text-format keyword (`func`, `extern`, `nofunc`, ...).
    public var name: String {
        switch self {
        case .noexn: "noexn"
        case .nofunc: "nofunc"
        case .noextern: "noextern"
        case .none: "none"
        case .func: "func"
        case .extern: "extern"
        case .any: "any"
        case .eq: "eq"
        case .i31: "i31"
        case .struct: "struct"
        case .array: "array"
        case .exn: "exn"
        }
    }

    /// The top of the hierarchy this heap type belongs to (`func`, `extern`, `any` or `exn`).
    public var top: AbstractHeapType {
        switch self {
        case .func, .nofunc: .func
        case .extern, .noextern: .extern
        case .exn, .noexn: .exn
        case .any, .eq, .i31, .struct, .array, .none: .any
        }
    }

    /// The bottom of the hierarchy this heap type belongs to (`nofunc`, `noextern`, `none` or `noexn`).
    public var bottom: AbstractHeapType {
        switch top {
        case .func: .nofunc
        case .extern: .noextern
        case .exn: .noexn
        default: .none
        }
    }
}

/// A heap type: abstract, or a reference to a type defined in the module's type section.
public enum HeapType: Hashable, Sendable {
    case abstract(AbstractHeapType)
    /// A type index into the module's type section (module-relative).
    case concrete(UInt32)

    public static let `func` = HeapType.abstract(.func)
    public static let extern = HeapType.abstract(.extern)
    public static let exn = HeapType.abstract(.exn)
}

/// A reference type: a heap type, possibly nullable.
public struct RefType: Hashable, Sendable {
    public var isNullable: Bool
    public var heapType: HeapType

    public init(nullable: Bool, _ heapType: HeapType) {
        self.isNullable = nullable
        self.heapType = heapType
    }

    public static let funcref = RefType(nullable: true, .func)
    public static let externref = RefType(nullable: true, .extern)
    public static let exnref = RefType(nullable: true, .exn)
}

/// A value type.
public enum ValueType: Hashable, Sendable {
    case i32, i64, f32, f64, v128
    case ref(RefType)

    public static let funcref = ValueType.ref(.funcref)
    public static let externref = ValueType.ref(.externref)
    public static let exnref = ValueType.ref(.exnref)

    /// True for reference types.
    public var isReference: Bool {
        if case .ref = self { return true }
        return false
    }

    /// The 64-bit cells a value of this type takes in a frame, a global or a payload: 2 for v128 (its bytes 0-7,
    /// then 8-15), 1 for every other type.
    public var cellCount: Int { self == .v128 ? 2 : 1 }
}

extension Collection<ValueType> {
    /// The 64-bit cells a sequence of values of these types takes (`ValueType.cellCount` each).
    public var cellCount: Int { reduce(0) { $0 + $1.cellCount } }
}

/// A 128-bit vector (`v128`): the immediate of `v128.const` and `i8x16.shuffle`, and a SIMD value.
///
/// Bytes 0 ... 7 are `low` and bytes 8 ... 15 `high`, each little-endian: byte `k` of the vector (lane `k` of
/// `i8x16`) is bits `8k ..< 8k+8` of the 128-bit number `high << 64 | low`.
public struct V128: Hashable, Sendable {
    /// Bytes 0 ... 7, little-endian.
    public var low: UInt64
    /// Bytes 8 ... 15, little-endian.
    public var high: UInt64

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The vector of these 16 bytes, in memory order. A shorter collection leaves the remaining bytes zero and
    /// bytes after the 16th are ignored.
    public init(bytes: some Collection<UInt8>) {
        var low: UInt64 = 0, high: UInt64 = 0
        for (k, b) in bytes.prefix(16).enumerated() {
            if k < 8 { low |= UInt64(b) << UInt64(8 * k) } else { high |= UInt64(b) << UInt64(8 * (k - 8)) }
        }
        self.init(low: low, high: high)
    }

    /// The 16 bytes, in memory order.
    public var bytes: [UInt8] {
        (0..<16).map { k in UInt8(truncatingIfNeeded: (k < 8 ? low : high) >> UInt64(8 * (k % 8))) }
    }

    /// The all-zero vector.
    public static let zero = V128(low: 0, high: 0)
}

/// The storage type of a struct field or array element: a value type or a packed integer.
public enum StorageType: Hashable, Sendable {
    case value(ValueType)
    case i8
    case i16

    /// The value type a packed storage type unpacks to (`i32` for packed types).
    public var unpacked: ValueType {
        switch self {
        case .value(let t): t
        case .i8, .i16: .i32
        }
    }
}

/// A struct field or array element type.
public struct FieldType: Hashable, Sendable {
    public var storage: StorageType
    public var isMutable: Bool
    public init(storage: StorageType, isMutable: Bool) {
        self.storage = storage
        self.isMutable = isMutable
    }
}

/// A function signature.
public struct FunctionType: Hashable, Sendable {
    public var parameters: [ValueType]
    public var results: [ValueType]
    public init(parameters: [ValueType], results: [ValueType]) {
        self.parameters = parameters
        self.results = results
    }
}

/// The shape of a defined type.
public enum CompositeType: Hashable, Sendable {
    case function(FunctionType)
    case structure([FieldType])
    case array(FieldType)
}

/// A defined type: a composite type with its declared supertypes and finality.
public struct SubType: Hashable, Sendable {
    public var isFinal: Bool
    /// Type indices of declared supertypes (at most one in WebAssembly 3.0).
    public var supertypes: [UInt32]
    public var composite: CompositeType

    public init(isFinal: Bool = true, supertypes: [UInt32] = [], composite: CompositeType) {
        self.isFinal = isFinal
        self.supertypes = supertypes
        self.composite = composite
    }

    /// The function type, if this is a function type.
    public var functionType: FunctionType? {
        if case .function(let f) = composite { return f }
        return nil
    }
}

/// Limits of a memory or table. Sizes are in pages (memories) or elements (tables).
public struct Limits: Hashable, Sendable {
    public var min: UInt64
    public var max: UInt64?
    public init(min: UInt64, max: UInt64? = nil) {
        self.min = min
        self.max = max
    }
}

/// The address type of a memory or table: 32-bit, or 64-bit (memory64/table64).
public enum AddressType: Hashable, Sendable {
    case i32, i64
    /// The value type of addresses and sizes.
    public var valueType: ValueType { self == .i32 ? .i32 : .i64 }
}

/// A linear memory type.
public struct MemoryType: Hashable, Sendable {
    public var limits: Limits
    public var isShared: Bool
    public var addressType: AddressType
    /// log2 of the page size (16 by default; custom-page-sizes allows 0).
    public var pageSizeLog2: UInt8

    public init(limits: Limits, isShared: Bool = false, addressType: AddressType = .i32, pageSizeLog2: UInt8 = 16) {
        self.limits = limits
        self.isShared = isShared
        self.addressType = addressType
        self.pageSizeLog2 = pageSizeLog2
    }
}

/// A table type.
public struct TableType: Hashable, Sendable {
    public var elementType: RefType
    public var limits: Limits
    public var addressType: AddressType

    public init(elementType: RefType, limits: Limits, addressType: AddressType = .i32) {
        self.elementType = elementType
        self.limits = limits
        self.addressType = addressType
    }
}

/// A global type.
public struct GlobalType: Hashable, Sendable {
    public var valueType: ValueType
    public var isMutable: Bool
    public init(valueType: ValueType, isMutable: Bool) {
        self.valueType = valueType
        self.isMutable = isMutable
    }
}

/// An exception tag type: the index of a function type whose parameters are the payload (results are empty).
public struct TagType: Hashable, Sendable {
    public var typeIndex: UInt32
    public init(typeIndex: UInt32) { self.typeIndex = typeIndex }
}

/// The type of a block, loop, if or try.
public enum BlockType: Hashable, Sendable {
    case empty
    case value(ValueType)
    /// A type index into the type section (multi-value).
    case typeIndex(UInt32)
}

/// The four kinds of external values (plus tags).
public enum ExternalKind: UInt8, Hashable, Sendable {
    case function = 0
    case table = 1
    case memory = 2
    case global = 3
    case tag = 4

    /// The text-format keyword.
    public var name: String {
        switch self {
        case .function: "func"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        case .tag: "tag"
        }
    }
}
