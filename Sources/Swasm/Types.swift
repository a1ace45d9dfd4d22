import WasmCore

extension WebAssembly {
    /// The type of a WebAssembly value.
    public enum ValueType: Hashable, Sendable, CustomStringConvertible {
        /// A 32-bit integer (Swift `Int32`, `UInt32`, `Bool`).
        case i32
        /// A 64-bit integer (Swift `Int64`, `UInt64`, `Int`).
        case i64
        /// A 32-bit float (Swift `Float`).
        case f32
        /// A 64-bit float (Swift `Double`).
        case f64
        /// A 128-bit vector (Swift ``WebAssembly/V128``, or a 128-bit `SIMD` vector such as `SIMD4<Float>`).
        case v128
        /// A reference.
        case ref(ReferenceType)

        /// `funcref`: a nullable reference to any function.
        public static let funcref = ValueType.ref(.funcref)
        /// `externref`: a nullable reference to a host (Swift) object.
        public static let externref = ValueType.ref(.externref)
        /// `exnref`: a nullable reference to an exception.
        public static let exnref = ValueType.ref(.exnref)

        /// The text-format spelling (`i32`, `funcref`, `(ref null 3)`).
        public var description: String {
            switch self {
            case .i32: "i32"
            case .i64: "i64"
            case .f32: "f32"
            case .f64: "f64"
            case .v128: "v128"
            case .ref(let r): r.description
            }
        }
    }

    /// A reference type: a heap type, nullable or not.
    public struct ReferenceType: Hashable, Sendable, CustomStringConvertible {
        /// Whether the reference may be null.
        public var isNullable: Bool
        /// What the reference points to.
        public var heapType: HeapType

        /// Creates a reference type.
        public init(nullable: Bool, _ heapType: HeapType) {
            self.isNullable = nullable
            self.heapType = heapType
        }

        /// `funcref`.
        public static let funcref = ReferenceType(nullable: true, .func)
        /// `externref`.
        public static let externref = ReferenceType(nullable: true, .extern)
        /// `exnref`.
        public static let exnref = ReferenceType(nullable: true, .exn)

        /// The text-format spelling.
        public var description: String {
            switch (isNullable, heapType) {
            case (true, .func): "funcref"
            case (true, .extern): "externref"
            case (true, .exn): "exnref"
            case (true, .any): "anyref"
            default: isNullable ? "(ref null \(heapType))" : "(ref \(heapType))"
            }
        }
    }

    /// What a reference points to.
    public enum HeapType: Hashable, Sendable, CustomStringConvertible {
        /// Abstract heap types: `func`, `extern` and `exn` (and their bottoms `nofunc`, `noextern`, `noexn`), and
        /// the GC hierarchy `any`, `eq`, `i31`, `struct`, `array`, `none`.
        case `func`, extern, exn, any, eq, i31, `struct`, array, none, nofunc, noextern, noexn
        /// A type defined in the module's type section, by index.
        case concrete(typeIndex: Int)

        /// The text-format spelling.
        public var description: String {
            switch self {
            case .func: "func"
            case .extern: "extern"
            case .exn: "exn"
            case .any: "any"
            case .eq: "eq"
            case .i31: "i31"
            case .struct: "struct"
            case .array: "array"
            case .none: "none"
            case .nofunc: "nofunc"
            case .noextern: "noextern"
            case .noexn: "noexn"
            case .concrete(let i): "\(i)"
            }
        }
    }

    /// A function signature.
    public struct FunctionType: Hashable, Sendable, CustomStringConvertible {
        /// Parameter types, in order.
        public var parameters: [ValueType]
        /// Result types, in order (more than one for multi-value functions).
        public var results: [ValueType]

        /// Creates a function type.
        public init(parameters: [ValueType], results: [ValueType]) {
            self.parameters = parameters
            self.results = results
        }

        /// Like `(i32, i32) -> i32`.
        public var description: String {
            let p = "(" + parameters.map(\.description).joined(separator: ", ") + ")"
            let r = results.count == 1 ? results[0].description : "(" + results.map(\.description).joined(separator: ", ") + ")"
            return "\(p) -> \(r)"
        }
    }

    /// The type of a linear memory: its size limits in pages.
    public struct MemoryType: Hashable, Sendable, CustomStringConvertible {
        /// Initial size, in pages.
        public var minimum: UInt64
        /// Maximum size, in pages (nil: no declared maximum).
        public var maximum: UInt64?
        /// Whether the memory is shared (threads proposal).
        public var isShared: Bool
        /// Whether addresses are 64-bit (memory64).
        public var is64Bit: Bool
        /// The page size in bytes (65,536 unless the module uses custom page sizes).
        public var pageSize: Int

        /// Creates a memory type.
        public init(minimum: UInt64, maximum: UInt64? = nil, isShared: Bool = false, is64Bit: Bool = false,
                    pageSize: Int = 65_536) {
            self.minimum = minimum
            self.maximum = maximum
            self.isShared = isShared
            self.is64Bit = is64Bit
            self.pageSize = pageSize
        }

        /// Like `memory 1 2`.
        public var description: String {
            "memory \(is64Bit ? "i64 " : "")\(minimum)\(maximum.map { " \($0)" } ?? "")\(isShared ? " shared" : "")"
        }
    }

    /// The type of a table: its element type and size limits.
    public struct TableType: Hashable, Sendable, CustomStringConvertible {
        /// The type of the table's elements.
        public var element: ReferenceType
        /// Initial size, in elements.
        public var minimum: UInt64
        /// Maximum size, in elements (nil: no declared maximum).
        public var maximum: UInt64?
        /// Whether indices are 64-bit (table64).
        public var is64Bit: Bool

        /// Creates a table type.
        public init(element: ReferenceType, minimum: UInt64, maximum: UInt64? = nil, is64Bit: Bool = false) {
            self.element = element
            self.minimum = minimum
            self.maximum = maximum
            self.is64Bit = is64Bit
        }

        /// Like `table 1 funcref`.
        public var description: String {
            "table \(is64Bit ? "i64 " : "")\(minimum)\(maximum.map { " \($0)" } ?? "") \(element)"
        }
    }

    /// The type of a global: its value type and mutability.
    public struct GlobalType: Hashable, Sendable, CustomStringConvertible {
        /// The type of the global's value.
        public var value: ValueType
        /// Whether wasm code and the embedder may change the value.
        public var isMutable: Bool

        /// Creates a global type.
        public init(value: ValueType, isMutable: Bool = false) {
            self.value = value
            self.isMutable = isMutable
        }

        /// Like `(mut i32)`.
        public var description: String { isMutable ? "(mut \(value))" : value.description }
    }

    /// The kind of an import or export.
    public enum ExternKind: String, Hashable, Sendable, CustomStringConvertible {
        /// A function, table, memory, global or exception tag.
        case function, table, memory, global, tag
        /// The kind's name, as JavaScript's `WebAssembly.Module.imports` reports it.
        public var description: String { rawValue }
    }

    /// The full type of an import or export.
    public enum ExternType: Hashable, Sendable, CustomStringConvertible {
        /// A function of this signature.
        case function(FunctionType)
        /// A table of this type.
        case table(TableType)
        /// A memory of this type.
        case memory(MemoryType)
        /// A global of this type.
        case global(GlobalType)
        /// An exception tag; its payload types are the function type's parameters.
        case tag(FunctionType)

        /// The kind of this type.
        public var kind: ExternKind {
            switch self {
            case .function: .function
            case .table: .table
            case .memory: .memory
            case .global: .global
            case .tag: .tag
            }
        }

        /// Like `function (i32) -> ()`.
        public var description: String {
            switch self {
            case .function(let f): "function \(f)"
            case .table(let t): t.description
            case .memory(let m): m.description
            case .global(let g): "global \(g)"
            case .tag(let f): "tag \(f)"
            }
        }
    }

    /// An import of a module (`WebAssembly.Module.imports`): where it comes from and its full type.
    public struct ImportDescriptor: Hashable, Sendable, CustomStringConvertible {
        /// The module name (the first level of the import object).
        public var module: String
        /// The field name (the second level of the import object).
        public var name: String
        /// The full type the import must satisfy.
        public var type: ExternType
        /// The kind of import.
        public var kind: ExternKind { type.kind }

        /// Creates an import descriptor.
        public init(module: String, name: String, type: ExternType) {
            self.module = module
            self.name = name
            self.type = type
        }

        /// Like `"env" "log": function (i32) -> ()`.
        public var description: String { "\"\(module)\" \"\(name)\": \(type)" }
    }

    /// An export of a module (`WebAssembly.Module.exports`): its name and full type.
    public struct ExportDescriptor: Hashable, Sendable, CustomStringConvertible {
        /// The export name.
        public var name: String
        /// The full type of the exported value.
        public var type: ExternType
        /// The kind of export.
        public var kind: ExternKind { type.kind }

        /// Creates an export descriptor.
        public init(name: String, type: ExternType) {
            self.name = name
            self.type = type
        }

        /// Like `"add": function (i32, i32) -> i32`.
        public var description: String { "\"\(name)\": \(type)" }
    }
}

// MARK: Conversions from the engine's types (internal)

extension WebAssembly.ValueType {
    init(_ t: WasmCore.ValueType) {
        switch t {
        case .i32: self = .i32
        case .i64: self = .i64
        case .f32: self = .f32
        case .f64: self = .f64
        case .v128: self = .v128
        case .ref(let r): self = .ref(WebAssembly.ReferenceType(r))
        }
    }

    /// How many 64-bit engine cells a value of this type takes: two for a v128 (bytes 0-7, then 8-15), else one.
    @usableFromInline
    var cellCount: Int { self == .v128 ? 2 : 1 }

    var core: WasmCore.ValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        case .v128: .v128
        case .ref(let r): .ref(r.core)
        }
    }
}

extension WebAssembly.ReferenceType {
    init(_ r: RefType) {
        self.init(nullable: r.isNullable, WebAssembly.HeapType(r.heapType))
    }

    var core: RefType { RefType(nullable: isNullable, heapType.core) }
}

extension WebAssembly.HeapType {
    init(_ h: WasmCore.HeapType) {
        switch h {
        case .concrete(let i): self = .concrete(typeIndex: Int(i))
        case .abstract(let a):
            switch a {
            case .func: self = .func
            case .extern: self = .extern
            case .exn: self = .exn
            case .any: self = .any
            case .eq: self = .eq
            case .i31: self = .i31
            case .struct: self = .struct
            case .array: self = .array
            case .none: self = .none
            case .nofunc: self = .nofunc
            case .noextern: self = .noextern
            case .noexn: self = .noexn
            }
        }
    }

    var core: WasmCore.HeapType {
        switch self {
        case .func: .abstract(.func)
        case .extern: .abstract(.extern)
        case .exn: .abstract(.exn)
        case .any: .abstract(.any)
        case .eq: .abstract(.eq)
        case .i31: .abstract(.i31)
        case .struct: .abstract(.struct)
        case .array: .abstract(.array)
        case .none: .abstract(.none)
        case .nofunc: .abstract(.nofunc)
        case .noextern: .abstract(.noextern)
        case .noexn: .abstract(.noexn)
        case .concrete(let i): .concrete(UInt32(clamping: i))
        }
    }

    /// Which kind of Swift value represents a reference of this heap type.
    var family: ReferenceFamily {
        switch self {
        case .func, .nofunc, .concrete: .function
        case .extern, .noextern: .extern
        case .exn, .noexn: .exception
        case .any, .eq, .i31, .struct, .array, .none: .gc
        }
    }
}

/// The hierarchies of reference types, by how the Swift API represents them.
enum ReferenceFamily { case function, extern, exception, gc }

extension WebAssembly.FunctionType {
    init(_ f: WasmCore.FunctionType) {
        self.init(parameters: f.parameters.map(WebAssembly.ValueType.init), results: f.results.map(WebAssembly.ValueType.init))
    }

    var core: WasmCore.FunctionType {
        WasmCore.FunctionType(parameters: parameters.map(\.core), results: results.map(\.core))
    }
}

extension WebAssembly.MemoryType {
    init(_ m: WasmCore.MemoryType) {
        self.init(minimum: m.limits.min, maximum: m.limits.max, isShared: m.isShared, is64Bit: m.addressType == .i64,
                  pageSize: 1 << Int(m.pageSizeLog2))
    }
}

extension WebAssembly.TableType {
    init(_ t: WasmCore.TableType) {
        self.init(element: WebAssembly.ReferenceType(t.elementType), minimum: t.limits.min, maximum: t.limits.max,
                  is64Bit: t.addressType == .i64)
    }
}

extension WebAssembly.GlobalType {
    init(_ g: WasmCore.GlobalType) {
        self.init(value: WebAssembly.ValueType(g.valueType), isMutable: g.isMutable)
    }
}
