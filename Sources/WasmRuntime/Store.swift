import Synchronization
import WasmCore

/// Interrupts wasm code running in a store, from any thread.
package final class InterruptHandle: Sendable {
    private let flag = Atomic<Bool>(false)
    private let armed = Atomic<Bool>(false)
    package init() {}
    /// Records that someone outside the running code holds the handle and may interrupt (the embedder asked
    /// for it). Waits in host calls that cannot otherwise end (WASI reads from a pipe) then poll the flag.
    package func arm() { armed.store(true, ordering: .relaxed) }
    /// Whether ``arm()`` was called.
    package var isArmed: Bool { armed.load(ordering: .relaxed) }
    /// Asks running code to stop; it traps with ``Trap/interrupted`` at the next loop iteration or call.
    package func interrupt() { flag.store(true, ordering: .relaxed) }
    /// Clears a pending interrupt (so the store can run code again).
    package func reset() { flag.store(false, ordering: .relaxed) }
    /// Whether an interrupt is pending.
    package var isInterrupted: Bool { flag.load(ordering: .relaxed) }
}

/// Limits that keep runaway guests from exhausting the host.
package struct StoreLimits: Sendable {
    /// Maximum nesting of wasm calls before "call stack exhausted".
    package var maxCallDepth: Int = 20_000
    /// Size of the value stack, in 8-byte slots, shared by all frames of one execution.
    package var valueStackSlots: Int = 4 << 20
    /// Maximum bytes of one linear memory. nil: the type's own maximum, and for 64-bit memories at most
    /// ``defaultMaxMemory64Bytes``.
    package var maxMemoryBytes: UInt64?
    /// Maximum elements of one table.
    package var maxTableElements: UInt64 = 10_000_000
    /// Fuel for each store: one unit per function call and per loop iteration; nil means unlimited.
    package var fuel: UInt64?
    package init() {}

    /// The size a 64-bit memory may reach when ``maxMemoryBytes`` is nil: 16 GiB, as in browsers.
    /// (A 32-bit memory cannot exceed 4 GiB anyway.)
    package static let defaultMaxMemory64Bytes: UInt64 = 16 << 30
}

/// Owns every runtime object: instances, functions, memories, tables, globals, tags, host references.
/// One store is used from one thread at a time.
package final class Store {
    package var limits: StoreLimits
    package let types = TypeRegistry()
    /// Objects that wasm code may reference by raw pointer (functions, exceptions, host objects).
    private var retained: [AnyObject] = []
    package private(set) var instances: [ModuleInstance] = []
    /// Fuel left (see ``StoreLimits/fuel``); nil means unlimited. May be topped up between calls.
    package var fuel: UInt64?
    /// When set, running code traps with ``Trap/interrupted`` once this instant has passed.
    package var deadline: ContinuousClock.Instant?
    /// Stops running code from any thread (it traps with ``Trap/interrupted``).
    package let interruptHandle = InterruptHandle()

    /// The interpreter state used by calls into this store.
    lazy var executor = Executor(store: self)

    package init(limits: StoreLimits = StoreLimits()) {
        self.limits = limits
        self.fuel = limits.fuel
    }

    /// Keeps `object` alive for the store's lifetime (it may be referenced from wasm by raw pointer).
    func retain(_ object: AnyObject) {
        retained.append(object)
    }

    func register(_ instance: ModuleInstance) {
        instances.append(instance)
    }

    /// Creates a host function of the given type.
    package func makeHostFunction(type: FunctionType, name: String? = nil, _ code: @escaping HostCode) -> FunctionInstance {
        let f = FunctionInstance(type: type, typeID: types.canonicalID(of: type), host: code, name: name)
        retain(f)
        return f
    }

    /// Calls `function` with argument cells and returns the result cells.
    package func invoke(_ function: FunctionInstance, arguments: [UInt64]) throws(ExecutionError) -> [UInt64] {
        try executor.invoke(function, arguments: arguments)
    }

    /// Wraps a host object as an extern reference.
    package func makeExternObject(_ value: Any) -> ExternObject {
        let o = ExternObject(value)
        retain(o)
        return o
    }

    func makeException(tag: TagInstance, payload: [UInt64]) -> ExceptionInstance {
        let e = ExceptionInstance(tag: tag, payload: payload)
        retain(e)
        return e
    }
}

/// Canonical ids for defined types, so that structurally equal types from different modules compare equal
/// (iso-recursive equivalence: a recursion group is identified by its structure).
package final class TypeRegistry {
    private var groups: [[SubType]: Int] = [:]
    /// Canonical types, with concrete references rewritten to canonical ids.
    @exclusivity(unchecked) private(set) var types: [SubType] = []

    /// Canonicalises every type of a module; returns the canonical id of each type index.
    func canonicalize(_ module: Module) -> [Int] {
        var ids: [Int] = Array(repeating: -1, count: module.types.count)
        for group in module.recursionGroups {
            let base = group.lowerBound
            func key(_ index: UInt32) -> UInt32 {
                let i = Int(index)
                if i >= base && i < group.upperBound { return 0x8000_0000 | UInt32(i - base) }
                return i < ids.count && ids[i] >= 0 ? UInt32(ids[i]) : 0x7FFF_FFFF
            }
            let shape = module.types[group].map { Self.rewrite($0, key) }
            let start: Int
            if let existing = groups[shape] {
                start = existing
            } else {
                start = types.count
                groups[shape] = start
                for t in shape {
                    types.append(Self.rewrite(t) { k in k & 0x8000_0000 != 0 ? UInt32(start) + (k & 0x7FFF_FFFF) : k })
                }
            }
            for (offset, i) in group.enumerated() { ids[i] = start + offset }
        }
        return ids
    }

    /// The canonical id of a standalone (final, no supertype) function type.
    func canonicalID(of type: FunctionType) -> Int {
        var m = Module()
        m.types = [SubType(composite: .function(type))]
        m.recursionGroups = [0..<1]
        return canonicalize(m)[0]
    }

    /// True if canonical type `a` is `b` or declares it as a (transitive) supertype.
    func isSubtype(_ a: Int, of b: Int) -> Bool {
        var current = a
        while true {
            if current == b { return true }
            guard current >= 0 && current < types.count, let sup = types[current].supertypes.first else { return false }
            current = Int(sup)
        }
    }

    private static func rewrite(_ t: SubType, _ f: (UInt32) -> UInt32) -> SubType {
        func v(_ x: ValueType) -> ValueType {
            if case .ref(let r) = x, case .concrete(let i) = r.heapType {
                return .ref(RefType(nullable: r.isNullable, .concrete(f(i))))
            }
            return x
        }
        func field(_ x: FieldType) -> FieldType {
            if case .value(let vt) = x.storage { return FieldType(storage: .value(v(vt)), isMutable: x.isMutable) }
            return x
        }
        let composite: CompositeType
        switch t.composite {
        case .function(let ft): composite = .function(FunctionType(parameters: ft.parameters.map(v), results: ft.results.map(v)))
        case .structure(let fields): composite = .structure(fields.map(field))
        case .array(let e): composite = .array(field(e))
        }
        return SubType(isFinal: t.isFinal, supertypes: t.supertypes.map(f), composite: composite)
    }
}

/// The arguments and results of a host function call, as raw cells.
///
/// Valid only during the call. The references are unowned(unsafe) so that making one costs no reference
/// counting: the store is executing the call, and the calling instance belongs to it.
@usableFromInline
package struct HostCall {
    /// Arguments on entry (in parameter order); results are written here before returning.
    @usableFromInline
    package let slots: UnsafeMutablePointer<UInt64>
    /// The instance whose code made the call (nil when called from the embedder).
    package unowned(unsafe) let caller: ModuleInstance?
    package unowned(unsafe) let store: Store
}

/// The implementation of a host function: reads arguments from and writes results to `call.slots`.
package typealias HostCode = (HostCall) throws -> Void

/// The ARC-free view of a function that the call path reads: code, frame shape and defining instance.
/// A funcref cell is the address of its function's header. A defined function's header lives in its
/// instance's header buffer (`ModuleInstance.defineFunctions()`); a host function's belongs to its object.
struct FunctionHeader {
    /// nil for host functions.
    var code: UnsafeMutablePointer<UInt64>?
    var frameSize: Int
    var typeID: Int
    /// The defining instance's context (nil for host functions).
    var context: UnsafeMutablePointer<InstanceContext>?
    /// The function's object: always set for a host function; for a defined function, nil until something
    /// asks for the object (`ModuleInstance.function(definedAt:)`).
    var object: Unmanaged<FunctionInstance>?
}

/// The ARC-free view of an instance that compiled code reads.
struct InstanceContext {
    var functions: UnsafeMutablePointer<UnsafeMutablePointer<FunctionHeader>>
    var globals: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>
    /// Memory 0's base and size (nil when the module has no memory).
    var memory0: UnsafeMutablePointer<MemoryStorage>?
    var typeIDs: UnsafeMutablePointer<Int>
    var instance: Unmanaged<ModuleInstance>
}

/// A function: wasm code of some instance, or a host closure.
package final class FunctionInstance {
    package let type: FunctionType
    /// Canonical type id (see ``TypeRegistry``).
    package let typeID: Int
    package let name: String?
    /// Index in the defining module's function index space (nil for host functions).
    package let functionIndex: Int?
    /// The defining instance; the store keeps it alive, and the instance keeps this object alive.
    unowned(unsafe) let instance: ModuleInstance?
    let host: HostCode?
    /// The call path's view of this function: in the defining instance's header buffer, or (a host function)
    /// owned by this object.
    let header: UnsafeMutablePointer<FunctionHeader>

    /// The object of defined function `definedIndex` of `instance`, whose header (already filled) is `header`;
    /// records itself there. Made by `ModuleInstance.function(definedAt:)` only, once per function.
    init(definedIndex: Int, header: UnsafeMutablePointer<FunctionHeader>, type: FunctionType, instance: ModuleInstance,
         name: String?) {
        self.type = type
        self.typeID = header.pointee.typeID
        self.name = name
        self.functionIndex = instance.module.context.importedFunctionCount + definedIndex
        self.instance = instance
        self.host = nil
        self.header = header
        header.pointee.object = Unmanaged.passUnretained(self)
    }

    /// The translated code, if this is a wasm function that has been translated.
    var compiled: CompiledFunction? {
        guard let functionIndex, let instance else { return nil }
        return instance.module.translatedIfAvailable(functionIndex - instance.module.context.importedFunctionCount)
    }

    init(type: FunctionType, typeID: Int, host: @escaping HostCode, name: String?) {
        self.type = type
        self.typeID = typeID
        self.name = name
        self.functionIndex = nil
        self.instance = nil
        self.host = host
        let frameSize = max(type.parameters.cellCount, type.results.cellCount)
        header = .allocate(capacity: 1)
        header.initialize(to: FunctionHeader(code: nil, frameSize: frameSize, typeID: typeID, context: nil,
                                             object: Unmanaged.passUnretained(self)))
    }

    deinit {
        if host != nil { header.deallocate() }
    }

    var code: UnsafeMutablePointer<UInt64>? { header.pointee.code }
    var frameSize: Int { header.pointee.frameSize }

    /// The function as a reference cell.
    var cell: UInt64 { UInt64(UInt(bitPattern: header)) }

    /// The function whose header is at address `cell` (its object made now if it was not yet).
    static func from(cell: UInt64) -> FunctionInstance? {
        guard cell != 0, let p = UnsafeMutablePointer<FunctionHeader>(bitPattern: UInt(cell)) else { return nil }
        if let object = p.pointee.object { return object.takeUnretainedValue() }
        return p.pointee.context?.pointee.instance.takeUnretainedValue().function(definedAt: p)
    }
}

/// A table of references.
package final class TableInstance {
    package let type: TableType
    /// Read and written by the table instructions' handlers: no dynamic exclusivity check (see `ModuleInstance`).
    @exclusivity(unchecked) package var elements: [UInt64]
    let maxElements: UInt64

    /// The most elements any table may have, whatever the limits say (2 GiB of references): a table is an
    /// array that is allocated as it grows, so a size the host cannot allocate must be refused beforehand.
    package static let elementCeiling: UInt64 = 1 << 28

    init(type: TableType, initial: UInt64, limits: StoreLimits) throws(LinkError) {
        self.type = type
        let specMax: UInt64 = type.addressType == .i64 ? UInt64.max : UInt64(UInt32.max)
        self.maxElements = min(type.limits.max ?? specMax, specMax, limits.maxTableElements, Self.elementCeiling)
        guard type.limits.min <= maxElements else {
            throw LinkError("table of \(type.limits.min) elements exceeds the limit of \(maxElements) elements")
        }
        elements = Array(repeating: initial, count: Int(type.limits.min))
    }

    /// Grows by `delta` elements set to `value`; returns the old size, or nil if it cannot grow.
    package func grow(by delta: UInt64, value: UInt64) -> UInt64? {
        let old = UInt64(elements.count)
        // old <= maxElements <= elementCeiling: the subtraction cannot wrap, the count fits an Int.
        guard delta <= maxElements - old else { return nil }
        elements.append(contentsOf: repeatElement(value, count: Int(delta)))
        return old
    }
}

/// A global variable. Its value lives in a stable cell that compiled code reads directly.
package final class GlobalInstance {
    package let type: GlobalType
    /// Two words, so that a v128 fits.
    let cell: UnsafeMutablePointer<UInt64>

    init(type: GlobalType, value: UInt64) {
        self.type = type
        cell = .allocate(capacity: 2)
        cell.initialize(repeating: 0, count: 2)
        cell.pointee = value
    }

    deinit { cell.deallocate() }

    /// The raw cell value.
    package var value: UInt64 {
        get { cell.pointee }
        set { cell.pointee = newValue }
    }

    /// The value's cells: one, or two for a v128 (bytes 0-7, then 8-15).
    package var cells: [UInt64] {
        get { Array(UnsafeBufferPointer(start: cell, count: type.valueType.cellCount)) }
        set { for (i, c) in newValue.prefix(type.valueType.cellCount).enumerated() { cell[i] = c } }
    }
}

/// An exception tag.
///
/// `Sendable`: immutable (its type and the id its store gave that type).
package final class TagInstance: Sendable {
    package let type: FunctionType
    package let typeID: Int
    init(type: FunctionType, typeID: Int) {
        self.type = type
        self.typeID = typeID
    }
}

/// A thrown WebAssembly exception: its tag and payload.
///
/// `Sendable` (so the errors that carry it, ``ExecutionError`` and the interpreter's `Unwind`, are): immutable.
/// Reference cells in the payload are plain bits here; reading what they point to needs the store, which is
/// used from one thread at a time.
package final class ExceptionInstance: Sendable {
    package let tag: TagInstance
    package let payload: [UInt64]
    init(tag: TagInstance, payload: [UInt64]) {
        self.tag = tag
        self.payload = payload
    }

    var cell: UInt64 { UInt64(UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque())) }
    static func from(cell: UInt64) -> ExceptionInstance? {
        guard cell != 0, let p = UnsafeRawPointer(bitPattern: UInt(cell)) else { return nil }
        return Unmanaged<ExceptionInstance>.fromOpaque(p).takeUnretainedValue()
    }
}

/// A host value referenced from wasm as an `externref`.
package final class ExternObject {
    package let value: Any
    init(_ value: Any) { self.value = value }

    /// The reference as a raw cell, as wasm code sees it.
    package var cellValue: UInt64 { cell }

    var cell: UInt64 { UInt64(UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque())) }
    static func from(cell: UInt64) -> ExternObject? {
        guard cell != 0, let p = UnsafeRawPointer(bitPattern: UInt(cell)) else { return nil }
        return Unmanaged<ExternObject>.fromOpaque(p).takeUnretainedValue()
    }
}

/// Something an instance exports or an import is satisfied with.
package enum ExternalValue {
    case function(FunctionInstance)
    case table(TableInstance)
    case memory(MemoryInstance)
    case global(GlobalInstance)
    case tag(TagInstance)

    package var kind: ExternalKind {
        switch self {
        case .function: .function
        case .table: .table
        case .memory: .memory
        case .global: .global
        case .tag: .tag
        }
    }
}

/// An instantiated module.
package final class ModuleInstance {
    package let module: CompiledModule
    // The index spaces and segments below are read by the interpreter's handlers (tables, memories, segments)
    // and written only while instantiating or by the handlers of one executor: no overlapping access can
    // happen, so they skip Swift's dynamic exclusivity checks, which would sit on the table and memory
    // instructions' paths.
    @exclusivity(unchecked) package internal(set) var tables: [TableInstance] = []
    @exclusivity(unchecked) package internal(set) var memories: [MemoryInstance] = []
    @exclusivity(unchecked) package internal(set) var globals: [GlobalInstance] = []
    @exclusivity(unchecked) package internal(set) var tags: [TagInstance] = []
    /// Canonical type id of each of the module's type indices.
    @exclusivity(unchecked) package internal(set) var typeIDs: [Int] = []
    /// Element segments' references; emptied by `elem.drop` (and after active initialisation).
    @exclusivity(unchecked) var elementSegments: [[UInt64]] = []
    /// Data segments; emptied by `data.drop` (and after active initialisation).
    @exclusivity(unchecked) var dataSegments: [[UInt8]] = []
    /// Exports by the UTF-8 bytes of their names (WebAssembly names compare byte for byte, while Swift
    /// `String` equality would merge canonically equivalent names: "\u{C5}" and "A\u{30A}"), as kind and
    /// index: a function export's object is made when the export is looked up.
    var exportsByName: [[UInt8]: (kind: ExternalKind, index: Int)] = [:]
    /// Export names in declaration order.
    package internal(set) var exportNames: [String] = []
    /// The imported functions, the start of the function index space (the defined ones follow: ``function(_:)``).
    var importedFunctions: [FunctionInstance] = []
    unowned(unsafe) let store: Store
    /// The view compiled code reads; filled by `defineFunctions()` and `finishContext()`.
    let context: UnsafeMutablePointer<InstanceContext>
    /// The function index space as header addresses (`context.pointee.functions`).
    private var functionTable: UnsafeMutablePointer<UnsafeMutablePointer<FunctionHeader>>
    /// The defined functions' headers, by defined index (`definedFunctionCount` of them), owned by the instance:
    /// funcref cells of other instances may point here, and the store keeps every instance until it dies.
    private var definedHeaders: UnsafeMutablePointer<FunctionHeader>?
    /// Number of headers in `definedHeaders` (0 until `defineFunctions()`).
    private(set) var definedFunctionCount = 0
    /// The defined functions' objects made so far (`function(definedAt:)`): their headers point at them
    /// unretained, so the instance keeps them, for its lifetime, which is the store's.
    private var materializedFunctions: [FunctionInstance] = []
    private var globalTable: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>
    private var typeIDTable: UnsafeMutablePointer<Int>

    init(module: CompiledModule, store: Store) {
        self.module = module
        self.store = store
        context = .allocate(capacity: 1)
        functionTable = .allocate(capacity: 1)
        globalTable = .allocate(capacity: 1)
        typeIDTable = .allocate(capacity: 1)
        context.initialize(to: InstanceContext(functions: functionTable, globals: globalTable, memory0: nil,
                                               typeIDs: typeIDTable, instance: .passUnretained(self)))
    }

    deinit {
        functionTable.deallocate()
        definedHeaders?.deallocate()
        globalTable.deallocate()
        typeIDTable.deallocate()
        context.deallocate()
    }

    /// Number of functions in the index space (imported, then defined).
    package var functionCount: Int { importedFunctions.count + definedFunctionCount }

    /// Number of defined functions whose object exists (asked for through ``function(_:)``, an export, a
    /// funcref read by the embedder, a backtrace...).
    package var materializedFunctionCount: Int { materializedFunctions.count }

    /// Creates the headers of the defined functions in one buffer, each entering its code (or its stub until
    /// it is translated), and the function table compiled code reads. No function object is made: those come
    /// on demand (``function(_:)``). Called once, after the imports and before any constant expression.
    func defineFunctions() {
        let imported = importedFunctions.count
        let count = module.definedCount
        let headers = UnsafeMutablePointer<FunctionHeader>.allocate(capacity: max(count, 1))
        let table = UnsafeMutablePointer<UnsafeMutablePointer<FunctionHeader>>.allocate(capacity: max(imported + count, 1))
        for (i, f) in importedFunctions.enumerated() { (table + i).initialize(to: f.header) }
        let typeIndices = module.module.functions
        let typeIDs = typeIDs
        let context = context
        module.forEachEntry { i, code, frameSize in
            let t = i < typeIndices.count ? Int(typeIndices[i]) : -1
            let typeID = t >= 0 && t < typeIDs.count ? typeIDs[t] : -1
            (headers + i).initialize(to: FunctionHeader(code: code, frameSize: frameSize, typeID: typeID, context: context,
                                                        object: nil))
            (table + imported + i).initialize(to: headers + i)
        }
        functionTable.deallocate()
        definedHeaders?.deallocate()
        functionTable = table
        definedHeaders = headers
        definedFunctionCount = count
        context.pointee.functions = table
    }

    /// The header of function `index` of the index space (its funcref cell is the header's address), or nil.
    func functionHeader(_ index: Int) -> UnsafeMutablePointer<FunctionHeader>? {
        guard index >= 0 && index < functionCount else { return nil }
        return functionTable[index]
    }

    /// The header of defined function `index`, or nil.
    func definedHeader(_ index: Int) -> UnsafeMutablePointer<FunctionHeader>? {
        guard index >= 0 && index < definedFunctionCount, let definedHeaders else { return nil }
        return definedHeaders + index
    }

    /// Function `index` of the index space, or nil. A defined function's object is made on the first request
    /// and the same object is returned after that.
    package func function(_ index: Int) -> FunctionInstance? {
        guard index >= 0 else { return nil }
        if index < importedFunctions.count { return importedFunctions[index] }
        guard let header = definedHeader(index - importedFunctions.count) else { return nil }
        return function(definedAt: header)
    }

    /// The object of the defined function whose header is `header` (in this instance's buffer), made now if it
    /// does not exist yet; nil if `header` is not one of this instance's.
    func function(definedAt header: UnsafeMutablePointer<FunctionHeader>) -> FunctionInstance? {
        if let object = header.pointee.object { return object.takeUnretainedValue() }
        guard let definedHeaders, header >= definedHeaders, header < definedHeaders + definedFunctionCount else { return nil }
        let index = header - definedHeaders
        let typeIndex = index < module.module.functions.count ? module.module.functions[index] : UInt32.max
        let functionIndex = importedFunctions.count + index
        let f = FunctionInstance(definedIndex: index, header: header, type: module.functionType(ofTypeIndex: typeIndex),
                                 instance: self, name: module.module.names?.functionNames[UInt32(functionIndex)])
        materializedFunctions.append(f)
        return f
    }

    /// The function defined by this instance whose code (or stub) contains `pc` (`CompiledModule.definedIndex`).
    /// Traps and exceptions find their functions this way: the interpreter does not track the current function.
    func function(containing pc: UnsafeMutablePointer<UInt64>) -> FunctionInstance? {
        guard let index = module.definedIndex(containing: pc), let header = definedHeader(index) else { return nil }
        return function(definedAt: header)
    }

    /// Publishes the globals, memory 0 and type ids to compiled code. Called once every global and memory
    /// exists (after `defineFunctions()`).
    func finishContext() {
        globalTable.deallocate()
        typeIDTable.deallocate()
        let g = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>.allocate(capacity: max(globals.count, 1))
        for (i, gl) in globals.enumerated() { (g + i).initialize(to: gl.cell) }
        let t = UnsafeMutablePointer<Int>.allocate(capacity: max(typeIDs.count, 1))
        for (i, id) in typeIDs.enumerated() { (t + i).initialize(to: id) }
        globalTable = g
        typeIDTable = t
        context.pointee = InstanceContext(functions: functionTable, globals: g, memory0: memories.first?.storage, typeIDs: t,
                                          instance: .passUnretained(self))
    }

    /// Item `index` of the `kind` index space, or nil.
    func externalValue(_ kind: ExternalKind, _ index: Int) -> ExternalValue? {
        func item<T>(_ items: [T]) -> T? { index >= 0 && index < items.count ? items[index] : nil }
        switch kind {
        case .function: return function(index).map { .function($0) }
        case .table: return item(tables).map { .table($0) }
        case .memory: return item(memories).map { .memory($0) }
        case .global: return item(globals).map { .global($0) }
        case .tag: return item(tags).map { .tag($0) }
        }
    }

    /// The export with this name.
    package func export(_ name: String) -> ExternalValue? {
        exportsByName[Array(name.utf8)].flatMap { externalValue($0.kind, $0.index) }
    }

    /// Every export, in declaration order.
    package var exports: [(name: String, value: ExternalValue)] {
        exportNames.compactMap { n in export(n).map { (n, $0) } }
    }
}
