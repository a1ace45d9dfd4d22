import WasmCore

/// Module-level facts needed to validate function bodies and constant expressions; built once per module.
///
/// Building it validates everything in the module except function bodies.
public struct ValidationContext: Sendable {
    /// The facts, in one shared object: a copy of the context (each function validator keeps one) is one
    /// reference.
    let storage: ValidationContextStorage

    /// The module being validated.
    public var module: Module { storage.module }
    /// The defined types with canonical identities and subtyping.
    public var typeTable: TypeTable { storage.typeTable }
    /// Type index of every function (function index space: imports first).
    public var functionTypeIndices: [UInt32] { storage.functionTypeIndices }
    /// Every table type (table index space).
    public var tables: [TableType] { storage.tables }
    /// Every memory type (memory index space).
    public var memories: [MemoryType] { storage.memories }
    /// Every global type (global index space).
    public var globals: [GlobalType] { storage.globals }
    /// Every tag type (tag index space).
    public var tags: [TagType] { storage.tags }
    /// The reference type of each element segment.
    public var elementTypes: [RefType] { storage.elementTypes }
    /// Number of imported functions.
    public var importedFunctionCount: Int { storage.importedFunctionCount }
    /// `declaredFunctions[i]`: function `i` may be named by `ref.func` inside a function body.
    var declaredFunctions: [Bool] { storage.declaredFunctions }
    /// The function type at each type index (nil for struct/array types).
    var functionTypes: [FunctionType?] { storage.functionTypes }
    /// The function type at each type index summarised for the validator's fast path (`fastSignature`).
    var fastTypeSignatures: [UInt64] { storage.fastTypeSignatures }
    /// The type of each function (function index space) summarised for the fast path.
    var fastFunctionSignatures: [UInt64] { storage.fastFunctionSignatures }

    public init(module: Module) throws(ValidationError) {
        let table = try TypeTable(types: module.types, recursionGroups: module.recursionGroups)
        let functionTypes = module.types.map(\.functionType)
        let typeSignatures = functionTypes.map(fastSignature)

        // Imports.
        var funcs: [UInt32] = []
        var tables: [TableType] = []
        var memories: [MemoryType] = []
        var globals: [GlobalType] = []
        var tags: [TagType] = []
        for imp in module.imports {
            switch imp.descriptor {
            case .function(let t):
                try Self.checkFunctionTypeIndex(t, table: table)
                funcs.append(t)
            case .table(let t):
                try Self.checkTableType(t, table: table)
                tables.append(t)
            case .memory(let m):
                try Self.checkMemoryType(m)
                memories.append(m)
            case .global(let g):
                try table.check(g.valueType)
                globals.append(g)
            case .tag(let t):
                try Self.checkTagType(t, table: table)
                tags.append(t)
            }
        }
        let importedGlobals = globals.count
        let importedFunctionCount = funcs.count

        // Functions.
        for t in module.functions {
            try Self.checkFunctionTypeIndex(t, table: table)
            funcs.append(t)
        }
        guard module.functions.count == module.bodies.count else {
            throw ValidationError("function and code section have inconsistent lengths")
        }
        for t in module.tables { tables.append(t.type) }
        for m in module.memories { memories.append(m) }
        for g in module.globals { globals.append(g.type) }
        for t in module.tags { tags.append(t) }
        func validateConstant(_ e: ConstantExpression, expected: ValueType, globalCount: Int) throws(ValidationError) {
            try Self.validateConstant(e, expected: expected, globalCount: globalCount, typeTable: table,
                                      functionTypeIndices: funcs, globals: globals)
        }

        // Tables: initializers may read imported globals only.
        for def in module.tables {
            try Self.checkTableType(def.type, table: table)
            if let initExpr = def.initializer {
                try validateConstant(initExpr, expected: .ref(def.type.elementType), globalCount: importedGlobals)
            } else if !def.type.elementType.isNullable {
                throw ValidationError("type mismatch: table of non-nullable \(ValueType.ref(def.type.elementType).validationDescription) needs an initializer")
            }
        }
        // Memories.
        for m in module.memories { try Self.checkMemoryType(m) }
        // Globals: each initializer may read imported and earlier globals.
        for (i, g) in module.globals.enumerated() {
            try table.check(g.type.valueType)
            try validateConstant(g.initializer, expected: g.type.valueType, globalCount: importedGlobals + i)
        }
        // Tags.
        for t in module.tags { try Self.checkTagType(t, table: table) }

        // Exports.
        var names = Set<[UInt8]>()  // compared as bytes: distinct encodings are distinct names
        var declared = [Bool](repeating: false, count: funcs.count)
        for e in module.exports {
            let count: Int
            switch e.kind {
            case .function: count = funcs.count
            case .table: count = tables.count
            case .memory: count = memories.count
            case .global: count = globals.count
            case .tag: count = tags.count
            }
            guard Int(e.index) < count else { throw ValidationError("unknown \(Self.kindName(e.kind)) \(e.index)") }
            if e.kind == .function { declared[Int(e.index)] = true }
            guard names.insert(Array(e.name.utf8)).inserted else { throw ValidationError("duplicate export name \"\(e.name)\"") }
        }

        // Start function.
        if let s = module.start {
            guard Int(s) < funcs.count else { throw ValidationError("unknown function \(s)") }
            guard let ft = table.types[Int(funcs[Int(s)])].functionType, ft.parameters.isEmpty, ft.results.isEmpty else {
                throw ValidationError("start function must have type [] -> []")
            }
        }

        // Element segments.
        for seg in module.elements {
            try table.check(seg.type.heapType)
            for item in seg.items {
                try validateConstant(item, expected: .ref(seg.type), globalCount: globals.count)
            }
            switch seg.mode {
            case .passive, .declarative:
                break
            case .active(let t, let offset):
                guard Int(t) < tables.count else { throw ValidationError("unknown table \(t)") }
                let tt = tables[Int(t)]
                try validateConstant(offset, expected: tt.addressType.valueType, globalCount: globals.count)
                guard table.isSubtype(seg.type, of: tt.elementType) else {
                    throw ValidationError("type mismatch: element segment of type \(ValueType.ref(seg.type).validationDescription) does not fit table of \(ValueType.ref(tt.elementType).validationDescription)")
                }
            }
        }

        // Data segments.
        if let n = module.dataCount, Int(n) != module.data.count {
            throw ValidationError("data count and data section have inconsistent lengths")
        }
        for seg in module.data {
            if case .active(let m, let offset) = seg.mode {
                guard Int(m) < memories.count else { throw ValidationError("unknown memory \(m)") }
                try validateConstant(offset, expected: memories[Int(m)].addressType.valueType, globalCount: globals.count)
            }
        }

        // Function references declared outside function bodies.
        func mark(_ e: ConstantExpression) {
            for ins in e.instructions {
                if case .refFunc(let f) = ins, Int(f) < declared.count { declared[Int(f)] = true }
            }
        }
        for g in module.globals { mark(g.initializer) }
        for t in module.tables { if let e = t.initializer { mark(e) } }
        for seg in module.elements {
            seg.items.forEach(mark)
            if case .active(_, let o) = seg.mode { mark(o) }
        }
        for seg in module.data { if case .active(_, let o) = seg.mode { mark(o) } }
        storage = ValidationContextStorage(
            module: module, typeTable: table, functionTypeIndices: funcs, tables: tables, memories: memories,
            globals: globals, tags: tags, elementTypes: module.elements.map(\.type),
            importedFunctionCount: importedFunctionCount, declaredFunctions: declared, functionTypes: functionTypes,
            fastTypeSignatures: typeSignatures,
            fastFunctionSignatures: funcs.map { Int($0) < typeSignatures.count ? typeSignatures[Int($0)] : noFastSignature })
    }

    // MARK: Public queries

    /// The type of function `index` in the function index space.
    public func functionType(ofFunction index: UInt32) -> FunctionType? {
        guard Int(index) < functionTypeIndices.count else { return nil }
        return functionType(atTypeIndex: functionTypeIndices[Int(index)])
    }

    /// The function type defined at a type index (nil if out of range or not a function type).
    public func functionType(atTypeIndex index: UInt32) -> FunctionType? {
        guard Int(index) < functionTypes.count else { return nil }
        return functionTypes[Int(index)]
    }

    /// Whether value type `a` matches `b` (reference subtyping included).
    @inline(__always) public func isSubtype(_ a: ValueType, of b: ValueType) -> Bool {
        typeTable.isSubtype(a, of: b)
    }

    /// Canonical identity of a type index (equal for iso-recursively equal types), or nil if out of range.
    public func canonicalTypeID(ofTypeIndex index: UInt32) -> Int? {
        guard Int(index) < typeTable.canonicalIDs.count else { return nil }
        return typeTable.canonicalIDs[Int(index)]
    }

    /// Whether `ref.func index` may appear in a function body.
    public func isDeclaredFunctionReference(_ index: UInt32) -> Bool {
        Int(index) < declaredFunctions.count && declaredFunctions[Int(index)]
    }

    /// The parameter and result types of a block type.
    public func blockSignature(_ t: BlockType) throws(ValidationError) -> FunctionType {
        switch t {
        case .empty:
            return FunctionType(parameters: [], results: [])
        case .value(let v):
            switch v {
            case .i32: return FunctionType(parameters: [], results: Self.i32List)
            case .i64: return FunctionType(parameters: [], results: Self.i64List)
            case .f32: return FunctionType(parameters: [], results: Self.f32List)
            case .f64: return FunctionType(parameters: [], results: Self.f64List)
            case .v128: return FunctionType(parameters: [], results: Self.v128List)
            case .ref:
                try typeTable.check(v)
                return FunctionType(parameters: [], results: [v])
            }
        case .typeIndex(let i):
            guard let f = functionType(atTypeIndex: i) else {
                throw ValidationError(Int(i) < functionTypes.count ? "type mismatch: type \(i) is not a function type" : "unknown type \(i)")
            }
            return f
        }
    }

    static let i32List: [ValueType] = [.i32]
    static let i64List: [ValueType] = [.i64]
    static let f32List: [ValueType] = [.f32]
    static let f64List: [ValueType] = [.f64]
    static let v128List: [ValueType] = [.v128]

    // MARK: Module-level checks

    static func kindName(_ k: ExternalKind) -> String {
        switch k {
        case .function: "function"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        case .tag: "tag"
        }
    }

    static func checkFunctionTypeIndex(_ t: UInt32, table: TypeTable) throws(ValidationError) {
        guard table.contains(t) else { throw ValidationError("unknown type \(t)") }
        guard table.types[Int(t)].functionType != nil else {
            throw ValidationError("type mismatch: type \(t) is not a function type")
        }
    }

    static func checkTagType(_ t: TagType, table: TypeTable) throws(ValidationError) {
        guard table.contains(t.typeIndex) else { throw ValidationError("unknown type \(t.typeIndex)") }
        guard let f = table.types[Int(t.typeIndex)].functionType else {
            throw ValidationError("type mismatch: tag type \(t.typeIndex) is not a function type")
        }
        guard f.results.isEmpty else { throw ValidationError("non-empty tag result type") }
    }

    static func checkLimits(_ l: Limits, bound: UInt64, message: String) throws(ValidationError) {
        guard l.min <= bound else { throw ValidationError(message) }
        if let max = l.max {
            guard max <= bound else { throw ValidationError(message) }
            guard l.min <= max else { throw ValidationError("size minimum must not be greater than maximum") }
        }
    }

    static func checkTableType(_ t: TableType, table: TypeTable) throws(ValidationError) {
        try table.check(t.elementType.heapType)
        switch t.addressType {
        case .i32: try checkLimits(t.limits, bound: 0xFFFF_FFFF, message: "table size must be at most 2^32-1")
        case .i64: try checkLimits(t.limits, bound: UInt64.max, message: "table size must be at most 2^64-1")
        }
    }

    static func checkMemoryType(_ m: MemoryType) throws(ValidationError) {
        guard m.pageSizeLog2 == 16 || m.pageSizeLog2 == 0 else {
            throw ValidationError("invalid custom page size")
        }
        let bits: UInt64 = m.addressType == .i32 ? 32 : 64
        let shift = bits - UInt64(m.pageSizeLog2)
        let bound: UInt64 = shift >= 64 ? UInt64.max : (1 << shift)
        let message = m.addressType == .i32 && m.pageSizeLog2 == 16
            ? "memory size must be at most 65536 pages (4GiB)"
            : "memory size must be at most \(bound) pages"
        try checkLimits(m.limits, bound: bound, message: message)
        if m.isShared && m.limits.max == nil {
            throw ValidationError("shared memory must have maximum")
        }
    }

    // MARK: Constant expressions

    /// Validates a constant expression producing `expected`; `global.get` may name globals `0..<globalCount`.
    static func validateConstant(_ e: ConstantExpression, expected: ValueType, globalCount: Int, typeTable: TypeTable,
                                 functionTypeIndices: [UInt32], globals: [GlobalType]) throws(ValidationError) {
        var stack: [ValueType] = []
        stack.reserveCapacity(4)
        func fail(_ m: String) -> ValidationError { ValidationError(m, offset: e.offset) }
        for ins in e.instructions {
            switch ins {
            case .i32Const: stack.append(.i32)
            case .i64Const: stack.append(.i64)
            case .f32Const: stack.append(.f32)
            case .f64Const: stack.append(.f64)
            case .v128Const: stack.append(.v128)
            case .refNull(let h):
                do { try typeTable.check(h) } catch { throw fail(error.message) }
                stack.append(.ref(RefType(nullable: true, h)))
            case .refFunc(let f):
                guard Int(f) < functionTypeIndices.count else { throw fail("unknown function \(f)") }
                stack.append(.ref(RefType(nullable: false, .concrete(functionTypeIndices[Int(f)]))))
            case .globalGet(let g):
                guard Int(g) < globalCount, Int(g) < globals.count else { throw fail("unknown global \(g)") }
                guard !globals[Int(g)].isMutable else {
                    throw fail("constant expression required: global.get of mutable global \(g)")
                }
                stack.append(globals[Int(g)].valueType)
            case .numeric(let op):
                let t: ValueType
                switch op {
                case .i32Add, .i32Sub, .i32Mul: t = .i32
                case .i64Add, .i64Sub, .i64Mul: t = .i64
                default: throw fail("constant expression required: \(op.name) is not constant")
                }
                guard stack.count >= 2, stack[stack.count - 1] == t, stack[stack.count - 2] == t else {
                    throw fail("type mismatch: \(op.name) requires [\(t.validationDescription) \(t.validationDescription)] but stack has \(describeTypes(stack))")
                }
                stack.removeLast()
            default:
                throw fail("constant expression required")
            }
        }
        guard stack.count == 1, typeTable.isSubtype(stack[0], of: expected) else {
            throw fail("type mismatch: constant expression requires [\(expected.validationDescription)] but has \(describeTypes(stack))")
        }
    }
}

/// The storage of a `ValidationContext` (see there).
final class ValidationContextStorage: Sendable {
    let module: Module
    let typeTable: TypeTable
    let functionTypeIndices: [UInt32]
    let tables: [TableType]
    let memories: [MemoryType]
    let globals: [GlobalType]
    let tags: [TagType]
    let elementTypes: [RefType]
    let importedFunctionCount: Int
    let declaredFunctions: [Bool]
    let functionTypes: [FunctionType?]
    let fastTypeSignatures: [UInt64]
    let fastFunctionSignatures: [UInt64]

    init(module: Module, typeTable: TypeTable, functionTypeIndices: [UInt32], tables: [TableType],
         memories: [MemoryType], globals: [GlobalType], tags: [TagType], elementTypes: [RefType],
         importedFunctionCount: Int, declaredFunctions: [Bool], functionTypes: [FunctionType?],
         fastTypeSignatures: [UInt64], fastFunctionSignatures: [UInt64]) {
        self.module = module
        self.typeTable = typeTable
        self.functionTypeIndices = functionTypeIndices
        self.tables = tables
        self.memories = memories
        self.globals = globals
        self.tags = tags
        self.elementTypes = elementTypes
        self.importedFunctionCount = importedFunctionCount
        self.declaredFunctions = declaredFunctions
        self.functionTypes = functionTypes
        self.fastTypeSignatures = fastTypeSignatures
        self.fastFunctionSignatures = fastFunctionSignatures
    }
}
