/// A constant expression (global initialisers, segment offsets, element items, table initialisers).
public struct ConstantExpression: Hashable, Sendable {
    /// The instructions, without the final `end`.
    public var instructions: [Instruction]
    /// Byte offset of the expression in the module binary (for error messages).
    public var offset: Int

    public init(_ instructions: [Instruction], offset: Int = 0) {
        self.instructions = instructions
        self.offset = offset
    }
}

/// What an import provides.
public enum ImportDescriptor: Hashable, Sendable {
    /// A function of the given type index.
    case function(typeIndex: UInt32)
    case table(TableType)
    case memory(MemoryType)
    case global(GlobalType)
    case tag(TagType)

    /// The kind of the imported entity.
    public var kind: ExternalKind {
        switch self {
        case .function: .function
        case .table: .table
        case .memory: .memory
        case .global: .global
        case .tag: .tag
        }
    }
}

/// An import: a two-level name and what it provides.
public struct Import: Hashable, Sendable {
    public var module: String
    public var name: String
    public var descriptor: ImportDescriptor
    public init(module: String, name: String, descriptor: ImportDescriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}

/// An export: a name and an index into the index space of its kind.
public struct Export: Hashable, Sendable {
    public var name: String
    public var kind: ExternalKind
    public var index: UInt32
    public init(name: String, kind: ExternalKind, index: UInt32) {
        self.name = name
        self.kind = kind
        self.index = index
    }
}

/// A table defined by the module, with an optional initialiser for its elements.
public struct TableDefinition: Hashable, Sendable {
    public var type: TableType
    /// Initial value of every element; `nil` means `ref.null` of the element type.
    public var initializer: ConstantExpression?
    public init(type: TableType, initializer: ConstantExpression? = nil) {
        self.type = type
        self.initializer = initializer
    }
}

/// A global defined by the module.
public struct GlobalDefinition: Hashable, Sendable {
    public var type: GlobalType
    public var initializer: ConstantExpression
    public init(type: GlobalType, initializer: ConstantExpression) {
        self.type = type
        self.initializer = initializer
    }
}

/// An element segment.
public struct ElementSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(tableIndex: UInt32, offset: ConstantExpression)
        case declarative
    }
    public var type: RefType
    public var mode: Mode
    /// One constant expression per element (`ref.func i` for the function-index encodings).
    public var items: [ConstantExpression]
    public init(type: RefType, mode: Mode, items: [ConstantExpression]) {
        self.type = type
        self.mode = mode
        self.items = items
    }
}

/// A data segment.
public struct DataSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(memoryIndex: UInt32, offset: ConstantExpression)
    }
    public var mode: Mode
    public var bytes: [UInt8]
    public init(mode: Mode, bytes: [UInt8]) {
        self.mode = mode
        self.bytes = bytes
    }
}

/// A run of locals of one type, as declared in a function body.
public struct LocalDeclaration: Hashable, Sendable {
    public var count: UInt32
    public var type: ValueType
    public init(count: UInt32, type: ValueType) {
        self.count = count
        self.type = type
    }
}

/// The code of a defined function: its local declarations and the raw instruction bytes.
public struct FunctionBody: Hashable, Sendable {
    public var locals: [LocalDeclaration]
    /// The instruction bytes, up to and including the final `end` opcode.
    public var code: [UInt8]
    /// Byte offset of `code[0]` in the module binary, so errors can name absolute offsets.
    public var codeOffset: Int

    public init(locals: [LocalDeclaration], code: [UInt8], codeOffset: Int) {
        self.locals = locals
        self.code = code
        self.codeOffset = codeOffset
    }

    /// The most locals a function may have, parameters included (the binary format allows 2^32 - 1): the
    /// validator rejects more with "too many locals", as engines do, and the printer refuses to spell them out.
    public static let maxLocals = 50_000

    /// The number of locals, `parameterCount` parameters included, or nil if that exceeds ``maxLocals`` (the
    /// count stops there, so a few bytes declaring 2^32 - 1 locals cost nothing to reject).
    public func localCount(parameterCount: Int) -> Int? {
        var total = UInt64(parameterCount)
        for declaration in locals {
            total += UInt64(declaration.count)
            if total > UInt64(Self.maxLocals) { return nil }
        }
        return Int(total)
    }
}

/// A custom section, kept verbatim.
public struct CustomSection: Hashable, Sendable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// Names from the `name` custom section (when it decodes cleanly; a malformed name section is ignored).
public struct NameMap: Hashable, Sendable {
    public var moduleName: String?
    /// Function index -> name.
    public var functionNames: [UInt32: String]
    /// Function index -> (local index -> name).
    public var localNames: [UInt32: [UInt32: String]]

    public init(moduleName: String? = nil, functionNames: [UInt32: String] = [:], localNames: [UInt32: [UInt32: String]] = [:]) {
        self.moduleName = moduleName
        self.functionNames = functionNames
        self.localNames = localNames
    }
}

/// A decoded (not yet validated) WebAssembly module: the abstract syntax of the spec.
public struct Module: Hashable, Sendable {
    /// Every defined type, flattened across recursion groups.
    public var types: [SubType] = []
    /// The recursion groups, as ranges into `types` (a plain function type is a group of one).
    public var recursionGroups: [Range<Int>] = []
    public var imports: [Import] = []
    /// Type index of each defined (non-imported) function.
    public var functions: [UInt32] = []
    public var tables: [TableDefinition] = []
    public var memories: [MemoryType] = []
    public var globals: [GlobalDefinition] = []
    public var tags: [TagType] = []
    public var exports: [Export] = []
    public var start: UInt32?
    public var elements: [ElementSegment] = []
    /// The data count section's value, if present.
    public var dataCount: UInt32?
    public var data: [DataSegment] = []
    /// One body per defined function, in order.
    public var bodies: [FunctionBody] = []
    public var customSections: [CustomSection] = []
    public var names: NameMap?

    public init() {}

    // MARK: Index spaces (imports first, then definitions)

    /// Type index of every function in the function index space.
    public var functionTypeIndices: [UInt32] {
        imports.compactMap { if case .function(let t) = $0.descriptor { t } else { nil } } + functions
    }
    /// Every table type in the table index space.
    public var tableTypes: [TableType] {
        imports.compactMap { if case .table(let t) = $0.descriptor { t } else { nil } } + tables.map(\.type)
    }
    /// Every memory type in the memory index space.
    public var memoryTypes: [MemoryType] {
        imports.compactMap { if case .memory(let t) = $0.descriptor { t } else { nil } } + memories
    }
    /// Every global type in the global index space.
    public var globalTypes: [GlobalType] {
        imports.compactMap { if case .global(let t) = $0.descriptor { t } else { nil } } + globals.map(\.type)
    }
    /// Every tag type in the tag index space.
    public var tagTypes: [TagType] {
        imports.compactMap { if case .tag(let t) = $0.descriptor { t } else { nil } } + tags
    }
    /// Number of imported entities of a kind.
    public func importCount(_ kind: ExternalKind) -> Int {
        imports.reduce(0) { $0 + ($1.descriptor.kind == kind ? 1 : 0) }
    }
}
