import WasmCore
import WasmRuntime

/// Shared logic of objects that hold references and therefore belong to one store once used.
protocol StoreBound: AnyObject {
    var context: StoreContext? { get set }
}

extension StoreBound {
    /// The store this object belongs to, binding it to `candidate` (or a new store) on first use.
    func bind(_ candidate: StoreContext?) throws(WebAssembly.TypeError) -> StoreContext {
        if let context {
            if let candidate, candidate !== context {
                throw WebAssembly.TypeError("the object belongs to another store; instances sharing tables, globals, tags or functions must be linked")
            }
            return context
        }
        let c = candidate ?? StoreContext(limits: WebAssembly.Limits())
        context = c
        return c
    }
}

extension WebAssembly.Value {
    /// The store a reference value belongs to, if any.
    var storeContext: StoreContext? {
        switch self {
        case .funcref(let f): f?.context
        case .exnref(let e): e?.context
        default: nil
        }
    }
}

extension WebAssembly {
    /// A table of references (`WebAssembly.Table`): created from Swift or exported by an instance.
    ///
    /// A table created from Swift joins the store of the first instance that imports it (or of the first
    /// function stored in it); from then on it can only be used with instances of that store.
    public final class Table: StoreBound {
        let handle: TableInstance
        var context: StoreContext?

        init(handle: TableInstance, context: StoreContext?) {
            self.handle = handle
            self.context = context
        }

        /// A new table (`new WebAssembly.Table({element, initial, maximum}, value)`).
        ///
        /// - Parameters:
        ///   - element: the element type (`.funcref` or `.externref`).
        ///   - initial: the size in elements.
        ///   - maximum: the largest size it may grow to.
        ///   - value: the initial value of every element (null by default).
        public convenience init(element: ReferenceType = .funcref, initial: UInt64, maximum: UInt64? = nil,
                                value: Value? = nil) throws {
            if let maximum, maximum < initial { throw RangeError("the initial size \(initial) exceeds the maximum \(maximum)") }
            let type = WasmCore.TableType(elementType: element.core, limits: WasmCore.Limits(min: initial, max: maximum))
            let fill = value ?? .defaultValue(for: .ref(element))
            let context = fill.storeContext ?? (fill == .defaultValue(for: .ref(element)) ? nil : StoreContext(limits: WebAssembly.Limits()))
            let cell = try context?.cell(fill, .ref(element)) ?? 0
            let handle: TableInstance
            do { handle = try TableInstance.make(type: type, initial: cell, limits: StoreLimits()) } catch {
                throw RangeError(error.message)
            }
            self.init(handle: handle, context: context)
        }

        /// The table's type.
        public var type: TableType { TableType(handle.type) }
        /// The element type.
        public var elementType: ValueType { .ref(ReferenceType(handle.type.elementType)) }
        /// The current size in elements (`table.length`).
        public var length: Int { handle.elements.count }

        /// The element at `index` (`table.get(index)`).
        public func get(_ index: Int) throws(RangeError) -> Value {
            guard index >= 0, index < handle.elements.count else { throw RangeError("table index \(index) is out of bounds") }
            let cell = handle.elements[index]
            guard let context else { return .defaultValue(for: elementType) }
            return context.value(cell, elementType)
        }

        /// The element at `index`, converted to `T` (`let f: WebAssembly.Function? = try table.get(0)`).
        public func get<T: ValueConvertible>(_ index: Int, as type: T.Type = T.self) throws -> T {
            try T(wasmValue: get(index))
        }

        /// Sets the element at `index` (`table.set(index, .funcref(f))`).
        public func set(_ index: Int, _ value: Value) throws {
            guard index >= 0, index < handle.elements.count else { throw RangeError("table index \(index) is out of bounds") }
            let context = try bind(value.storeContext)
            handle.elements[index] = try context.cell(value, elementType)
        }

        /// Sets the element at `index` to a Swift value that converts to the element type (a ``Function``, an
        /// ``ExternRef``): `table.set(index, f)`.
        /// - Throws: ``RangeError`` if `index` is out of bounds; ``TypeError`` if `value` does not fit.
        public func set(_ index: Int, _ value: some ValueConvertible) throws {
            guard index >= 0, index < handle.elements.count else { throw RangeError("table index \(index) is out of bounds") }
            try set(index, value.wasmValue(as: elementType))
        }

        /// Grows the table by `delta` elements set to `value` (null by default); returns the previous length
        /// (`table.grow(delta, value)`).
        @discardableResult
        public func grow(by delta: UInt64, value: Value? = nil) throws -> Int {
            let fill = value ?? .defaultValue(for: elementType)
            var cell: UInt64 = 0
            if fill != .defaultValue(for: elementType) { cell = try bind(fill.storeContext).cell(fill, elementType) }
            guard let old = handle.grow(by: delta, value: cell) else {
                throw RangeError("cannot grow the table by \(delta) from \(length)")
            }
            return Int(old)
        }
    }

    /// A global variable (`WebAssembly.Global`): created from Swift or exported by an instance.
    ///
    /// A `v128` global is read and written as a ``V128`` or a 128-bit `SIMD` vector (JavaScript refuses them).
    ///
    /// Mutability is enforced: ``set(_:)`` on an immutable global throws ``TypeError``.
    public final class Global: StoreBound {
        let handle: GlobalInstance
        var context: StoreContext?

        init(handle: GlobalInstance, context: StoreContext?) {
            self.handle = handle
            self.context = context
        }

        /// A new global (`new WebAssembly.Global({value, mutable}, initial)`).
        ///
        /// ```swift
        /// let counter = try WebAssembly.Global(.i32, mutable: true, value: 0)
        /// let scale = try WebAssembly.Global(.v128, mutable: true, value: SIMD4<Float>(1, 1, 1, 1))
        /// ```
        public convenience init(_ type: ValueType, mutable: Bool = false, value: some ValueConvertible) throws {
            let v = try value.wasmValue(as: type)
            let context = v.storeContext ?? (v.isNonNullReference ? StoreContext(limits: WebAssembly.Limits()) : nil)
            let cells: [UInt64]
            if let context { cells = try context.cells([v], [type]) } else { cells = StoreContext.numericCells(v) }
            let handle = GlobalInstance.make(type: WasmCore.GlobalType(valueType: type.core, isMutable: mutable), value: 0)
            handle.cells = cells
            self.init(handle: handle, context: context)
        }

        /// The global's type.
        public var type: GlobalType { GlobalType(handle.type) }

        /// The current value (`global.value`).
        public var value: Value {
            let t = ValueType(handle.type.valueType)
            guard let context else {
                if case .ref = t { return .defaultValue(for: t) }
                return StoreContext.numericValue(handle.cells, t)
            }
            return context.value(handle.cells, at: 0, t)
        }

        /// The current value, converted to `T`.
        public func get<T: ValueConvertible>(_ type: T.Type = T.self) throws -> T { try T(wasmValue: value) }

        /// Changes the value (`global.value = v`).
        /// - Throws: ``TypeError`` if the global is immutable or `value` does not fit its type.
        public func set(_ value: some ValueConvertible) throws {
            guard handle.type.isMutable else { throw TypeError("cannot set an immutable global") }
            let t = ValueType(handle.type.valueType)
            let v = try value.wasmValue(as: t)
            if case .ref = t {
                handle.value = try bind(v.storeContext).cell(v, t)
            } else {
                handle.cells = StoreContext.numericCells(v)
            }
        }
    }

    /// An exception tag (`WebAssembly.Tag`): identifies a kind of exception and its payload types.
    ///
    /// A tag created from Swift joins the store of the first instance that imports it or the first
    /// exception thrown with it.
    ///
    /// A tag does not keep its store alive, so a host function may capture the tag it throws with. Once the
    /// store is gone (nothing holds its instances, functions or exceptions), the tag joins the next store
    /// that uses it.
    public final class Tag: StoreBound, Equatable, CustomStringConvertible {
        private var handle: TagInstance?
        /// Weak: the store keeps its host functions, and a host function's closure that captures this tag
        /// (to throw exceptions with it) would otherwise keep the store alive in a cycle. Exceptions and
        /// functions of the store hold it strongly, so while one with this tag lives the tag stays bound.
        weak var context: StoreContext?
        /// The payload types.
        public let parameters: [ValueType]

        init(handle: TagInstance, context: StoreContext) {
            self.handle = handle
            self.context = context
            self.parameters = handle.type.parameters.map(ValueType.init)
        }

        /// A new tag whose exceptions carry values of these types (`new WebAssembly.Tag({parameters})`).
        public init(parameters: [ValueType]) {
            self.parameters = parameters
        }

        /// The engine tag in `candidate`'s store (made on first use).
        func instance(in candidate: StoreContext) throws(TypeError) -> TagInstance {
            // Not in a store yet, or its store is gone (the engine tag's type id is that store's): make anew.
            if context == nil { handle = nil }
            let c = try bind(candidate)
            if let handle { return handle }
            let h = c.store.makeTag(type: WasmCore.FunctionType(parameters: parameters.map(\.core), results: []))
            handle = h
            return h
        }

        var engineTag: TagInstance? { handle }

        /// Whether both are the same tag.
        public static func == (a: Tag, b: Tag) -> Bool {
            a === b || (a.handle != nil && a.handle === b.handle)
        }

        /// Like `tag (i32, f64)`.
        public var description: String { "tag (\(parameters.map(\.description).joined(separator: ", ")))" }
    }

    /// A WebAssembly exception (`WebAssembly.Exception`): a tag and its payload.
    ///
    /// An exception thrown by wasm and not caught there arrives in Swift as this error. A host function can
    /// throw one into wasm, where `try_table`/`catch` handles it like one thrown by wasm code. Its payload may
    /// hold `v128` values (``Value/v128(_:)``), which JavaScript refuses.
    ///
    /// Like every object of an instance, use it from the instance's thread (it is `Sendable` only so that it
    /// can be an `Error`).
    public final class Exception: Error, @unchecked Sendable, CustomStringConvertible {
        /// The exception's tag.
        public let tag: Tag
        private var engine: ExceptionInstance?
        var context: StoreContext?
        private let pending: [Value]

        init(instance: ExceptionInstance, context: StoreContext) {
            self.engine = instance
            self.context = context
            self.tag = Tag(handle: instance.tag, context: context)
            self.pending = []
        }

        /// A new exception with `tag` and `payload` (`new WebAssembly.Exception(tag, payload)`).
        /// - Throws: ``TypeError`` if the payload does not match the tag's parameters.
        public init(_ tag: Tag, _ payload: [Value]) throws {
            guard payload.count == tag.parameters.count else {
                throw TypeError("the tag takes \(tag.parameters.count) value(s), got \(payload.count)")
            }
            self.tag = tag
            self.pending = try zip(payload, tag.parameters).map { try $0.wasmValue(as: $1) }
        }

        /// The payload values.
        public var payload: [Value] {
            guard let engine, let context else { return pending }
            return context.values(engine.payload, engine.tag.type.parameters)
        }

        /// Whether the exception has this tag (`exception.is(tag)`).
        public func `is`(_ tag: Tag) -> Bool { self.tag == tag }

        /// Payload value `index`, if the exception has `tag` (`exception.getArg(tag, index)`).
        /// - Throws: ``TypeError`` if the tag differs, ``RangeError`` if the index is out of range.
        public func getArg(_ tag: Tag, _ index: Int) throws -> Value {
            guard self.is(tag) else { throw TypeError("the exception has a different tag") }
            let p = payload
            guard index >= 0, index < p.count else { throw RangeError("payload index \(index) is out of range") }
            return p[index]
        }

        /// The engine exception in `candidate`'s store (made on first use).
        func materialize(in candidate: StoreContext) throws(TypeError) -> ExceptionInstance {
            if let engine {
                if let context, context !== candidate { throw TypeError("the exception belongs to another store") }
                return engine
            }
            let t = try tag.instance(in: candidate)
            let cells: [UInt64]
            do { cells = try candidate.cells(pending, tag.parameters) } catch {
                throw TypeError("\(error)")
            }
            let e = candidate.store.makeExceptionInstance(tag: t, payload: cells)
            engine = e
            context = candidate
            return e
        }

        /// Like `wasm exception (tag (i32)): 42`.
        public var description: String {
            "wasm exception (\(tag)): " + payload.map(\.description).joined(separator: ", ")
        }
    }
}

extension WebAssembly.Exception: WebAssembly.ValueConvertible {
    /// Accepts exception reference types.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool {
        if case .ref(let r) = type { return r.heapType.family == .exception }
        return false
    }
    /// From a non-null `exnref`.
    public convenience init(wasmValue: WebAssembly.Value) throws {
        guard case .exnref(let e?) = wasmValue, let engine = e.engine, let context = e.context else {
            throw WebAssembly.TypeError("expected a non-null exnref, got \(wasmValue)")
        }
        self.init(instance: engine, context: context)
    }
    /// To an `exnref`.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        guard Self.accepts(type) else { throw WebAssembly.TypeError("an exception cannot be passed as \(type)") }
        return .exnref(self)
    }
}

extension WebAssembly.Value {
    var isNonNullReference: Bool {
        switch self {
        case .funcref(let f): f != nil
        case .externref(let o): o != nil
        case .exnref(let e): e != nil
        default: false
        }
    }
}

extension StoreContext {
    /// The cells of a numeric or vector value (a reference is one cell 0).
    static func numericCells(_ v: WebAssembly.Value) -> [UInt64] {
        switch v {
        case .i32(let x): [UInt64(UInt32(bitPattern: x))]
        case .i64(let x): [UInt64(bitPattern: x)]
        case .f32(let x): [UInt64(x.bitPattern)]
        case .f64(let x): [x.bitPattern]
        case .v128(let x): [x.low, x.high]
        default: [0]
        }
    }

    /// The numeric or vector value of `t` in `cells` (missing cells read as 0).
    static func numericValue(_ cells: [UInt64], _ t: WebAssembly.ValueType) -> WebAssembly.Value {
        let cell = cells.first ?? 0
        switch t {
        case .i64: return .i64(Int64(bitPattern: cell))
        case .f32: return .f32(Float(bitPattern: UInt32(truncatingIfNeeded: cell)))
        case .f64: return .f64(Double(bitPattern: cell))
        case .v128: return .v128(WebAssembly.V128(low: cell, high: cells.count > 1 ? cells[1] : 0))
        default: return .i32(Int32(truncatingIfNeeded: cell))
        }
    }
}

// Descriptions for `print` and debuggers: what the object is and its current state, not its internals.

extension WebAssembly.Module: CustomStringConvertible {
    /// "Module(2 imports, 3 exports: add, memory, run)".
    public var description: String {
        let names = exports.map(\.name)
        return "Module(\(imports.count) import\(imports.count == 1 ? "" : "s"), \(names.count) export\(names.count == 1 ? "" : "s")"
            + (names.isEmpty ? ")" : ": " + names.joined(separator: ", ") + ")")
    }
}

extension WebAssembly.Instance: CustomStringConvertible {
    /// "Instance(exports: add, memory, run)".
    public var description: String { "Instance(exports: " + exports.names.joined(separator: ", ") + ")" }
}

extension WebAssembly.Memory: CustomStringConvertible {
    /// "Memory(1 page, 65536 bytes; memory 1 10)": the current size, then the type.
    public var description: String {
        "Memory(\(pageCount) page\(pageCount == 1 ? "" : "s"), \(byteCount) bytes; \(type))"
    }
}

extension WebAssembly.Table: CustomStringConvertible {
    /// "Table(2 elements; table 2 funcref)": the current length, then the type.
    public var description: String { "Table(\(length) element\(length == 1 ? "" : "s"); \(type))" }
}

extension WebAssembly.Global: CustomStringConvertible {
    /// "Global(i32.const 5; global (mut i32))": the current value, then the type.
    public var description: String { "Global(\(value); \(type))" }
}
