import WasmCore
import WasmRuntime

extension WebAssembly {
    /// The import object: module name → field name → value, written as a nested dictionary literal like
    /// JavaScript's `importObject`.
    ///
    /// ```swift
    /// let imports: WebAssembly.Imports = [
    ///     "env": [
    ///         "log": .function { (x: Int32) in print(x) },
    ///         "memory": .memory(memory),
    ///         "add": .function { (a: Int64, b: Int64) in a + b },
    ///     ],
    /// ]
    /// ```
    /// Modules can be added or replaced with the subscript, and a ``WASI`` object's ``WASI/importObject`` merged
    /// in with ``merging(_:)``.
    public struct Imports: ExpressibleByDictionaryLiteral {
        var modules: [String: [String: Extern]] = [:]
        /// Whole import modules whose host functions are made per store (WASI).
        var providers: [String: (StoreContext) -> [String: ExternalValue]] = [:]

        /// An empty import object.
        public init() {}

        /// `["env": ["log": .function { ... }]]`.
        public init(dictionaryLiteral elements: (String, [String: Extern])...) {
            for (module, fields) in elements { modules[module, default: [:]].merge(fields) { $1 } }
        }

        /// The fields of one import module.
        public subscript(module: String) -> [String: Extern]? {
            get { modules[module] }
            set { modules[module] = newValue }
        }

        /// This import object with the modules and fields of `other` added (`other` wins on conflicts).
        public func merging(_ other: Imports) -> Imports {
            var result = self
            for (module, fields) in other.modules { result.modules[module, default: [:]].merge(fields) { $1 } }
            for (module, p) in other.providers { result.providers[module] = p }
            return result
        }
    }

    /// A value that can be imported or is exported: a function, memory, table, global or tag
    /// (JavaScript's "extern value").
    ///
    /// For imports, write host functions as typed closures with `function(_:)`;
    /// values from Swift (`.memory(Memory(initial: 1))`) or exported by another instance
    /// (`other.exports["f"]`, an optional ``Extern``, unwrapped) link modules together.
    public enum Extern {
        /// A wasm function (exported by an instance) or a host function already bound to a store.
        case function(Function)
        /// A linear memory.
        case memory(Memory)
        /// A table.
        case table(Table)
        /// A global.
        case global(Global)
        /// An exception tag.
        case tag(Tag)
        /// A Swift closure, made into a wasm function when an instance imports it.
        case hostFunction(HostFunction)

        /// The function, if this is a wasm function or a host function bound to a store.
        public var function: Function? { if case .function(let f) = self { f } else { nil } }
        /// The memory, if this is one.
        public var memory: Memory? { if case .memory(let m) = self { m } else { nil } }
        /// The table, if this is one.
        public var table: Table? { if case .table(let t) = self { t } else { nil } }
        /// The global, if this is one.
        public var global: Global? { if case .global(let g) = self { g } else { nil } }
        /// The tag, if this is one.
        public var tag: Tag? { if case .tag(let t) = self { t } else { nil } }

        func requireFunction() throws(TypeError) -> Function {
            guard let function else {
                throw TypeError(kind == .function ? "a host function is callable once an instance imports it"
                                                  : "a \(kind) is not a function")
            }
            return function
        }

        /// Calls the function (`try instance.exports["add"]?(2, 3)`); results untyped (see ``Function``).
        /// - Throws: ``TypeError`` if this is not a function; what the call throws.
        @discardableResult
        public func callAsFunction(_ arguments: any ValueConvertible...) throws -> Results {
            try requireFunction().results(arguments)
        }

        /// Calls the function; its result is converted to the type the context asks for.
        public func callAsFunction<R: ValueConvertible>(_ arguments: any ValueConvertible...) throws -> R {
            try requireFunction().result(arguments)
        }

        /// The kind of value.
        public var kind: ExternKind {
            switch self {
            case .function, .hostFunction: .function
            case .memory: .memory
            case .table: .table
            case .global: .global
            case .tag: .tag
            }
        }

        /// A host function from a closure with typed parameters and no result.
        ///
        /// Parameters and results may be `Int32`, `UInt32`, `Int64`, `UInt64`, `Int`, `Float`, `Double`,
        /// `Bool`, ``ExternRef``, ``Function``, ``Exception`` or ``Value``, and for `v128` a ``V128`` or a
        /// 128-bit `SIMD` vector (`SIMD4<Float>`, `SIMD16<UInt8>`, ...); several results are a tuple.
        /// The types are checked against the import's declared type when an instance is created. Anything
        /// the closure throws reaches the Swift caller of the export unchanged; throwing an ``Exception``
        /// throws it into wasm, where a `try_table` can catch it.
        ///
        /// The store keeps its host functions, so a closure that captures a ``Function``, ``Table``,
        /// ``Global``, ``Exception`` or ``Instance`` of the store it is imported into makes a reference cycle
        /// that keeps the store alive: reach those through the ``Caller`` instead (or capture them `weak`).
        /// A ``Tag`` or ``Memory`` may be captured.
        ///
        /// ```swift
        /// "log": .function { (x: Int32) in print(x) }
        /// "twice": .function { (x: Int32) in x * 2 }
        /// "divmod": .function { (a: Int32, b: Int32) in (a / b, a % b) }
        /// ```
        @inlinable
        public static func function<each P: ValueConvertible>(_ body: @escaping (repeat each P) throws -> Void) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self), results: Signature()) { site in
                let arguments = CellConversion.parameters(site, repeat (each P).self)
                return { [context = site.context] call in
                    do {
                        var reader = CellReader(call.slots, arguments.base, context)
                        try body(repeat reader.next((each P).self))
                    } catch {
                        try intoWasm(error, context)
                    }
                }
            })
        }

        /// A host function from a closure with typed parameters and one typed result.
        @inlinable
        public static func function<each P: ValueConvertible, R: ValueConvertible>(
            _ body: @escaping (repeat each P) throws -> R
        ) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self), results: Signature(R.self)) { site in
                let arguments = CellConversion.parameters(site, repeat (each P).self)
                let result = CellConversion(result: R.self, site.results[0])
                return { [context = site.context] call in
                    do {
                        var reader = CellReader(call.slots, arguments.base, context)
                        let r = try body(repeat reader.next((each P).self))
                        try result.store(r, to: call.slots, context)
                    } catch {
                        try intoWasm(error, context)
                    }
                }
            })
        }

        /// A host function from a closure with typed parameters and several results, returned as a tuple.
        @inlinable
        public static func function<each P: ValueConvertible, R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>(
            _ body: @escaping (repeat each P) throws -> (R1, R2, repeat each R)
        ) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self),
                                       results: Signature(R1.self, R2.self, repeat (each R).self)) { site in
                let arguments = CellConversion.parameters(site, repeat (each P).self)
                let results = TupleCells(site, R1.self, R2.self, repeat (each R).self)
                return { [context = site.context] call in
                    do {
                        var reader = CellReader(call.slots, arguments.base, context)
                        let r = try body(repeat reader.next((each P).self))
                        try results.store(r, to: call.slots, context)
                    } catch {
                        try intoWasm(error, context)
                    }
                }
            })
        }

        /// A host function from a typed closure that also gets the ``Caller`` (for its memory and exports).
        ///
        /// ```swift
        /// "print": .functionWithCaller { (caller: WebAssembly.Caller, ptr: Int32, len: Int32) in
        ///     print(try caller.memory?.readString(at: Int(ptr), length: Int(len)) ?? "")
        /// }
        /// ```
        @inlinable
        public static func functionWithCaller<each P: ValueConvertible>(_ body: @escaping (Caller, repeat each P) throws -> Void) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self), results: Signature()) { site in
                let arguments = CellConversion.parameters(site, repeat (each P).self)
                return { [context = site.context] call in
                    do {
                        var reader = CellReader(call.slots, arguments.base, context)
                        try body(Caller(call, context), repeat reader.next((each P).self))
                    } catch {
                        try intoWasm(error, context)
                    }
                }
            })
        }

        /// A host function from a typed closure that gets the ``Caller`` and returns one value.
        @inlinable
        public static func functionWithCaller<each P: ValueConvertible, R: ValueConvertible>(
            _ body: @escaping (Caller, repeat each P) throws -> R
        ) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self), results: Signature(R.self)) { site in
                let arguments = CellConversion.parameters(site, repeat (each P).self)
                let result = CellConversion(result: R.self, site.results[0])
                return { [context = site.context] call in
                    do {
                        var reader = CellReader(call.slots, arguments.base, context)
                        let r = try body(Caller(call, context), repeat reader.next((each P).self))
                        try result.store(r, to: call.slots, context)
                    } catch {
                        try intoWasm(error, context)
                    }
                }
            })
        }

        /// A host function from a typed closure that gets the ``Caller`` and returns several values.
        @inlinable
        public static func functionWithCaller<each P: ValueConvertible, R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>(
            _ body: @escaping (Caller, repeat each P) throws -> (R1, R2, repeat each R)
        ) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self),
                                       results: Signature(R1.self, R2.self, repeat (each R).self)) { site in
                let arguments = CellConversion.parameters(site, repeat (each P).self)
                let results = TupleCells(site, R1.self, R2.self, repeat (each R).self)
                return { [context = site.context] call in
                    do {
                        var reader = CellReader(call.slots, arguments.base, context)
                        let r = try body(Caller(call, context), repeat reader.next((each P).self))
                        try results.store(r, to: call.slots, context)
                    } catch {
                        try intoWasm(error, context)
                    }
                }
            })
        }

        /// A host function with an explicit type that takes and returns value arrays (the untyped form).
        public static func function(type: FunctionType, _ body: @escaping (Caller, [Value]) throws -> [Value]) -> Extern {
            .hostFunction(HostFunction(type: type, body: body))
        }
    }

    /// A host function not yet bound to a store (see ``Extern/hostFunction(_:)``).
    public struct HostFunction {
        /// Checks a declared import type; returns why it does not fit, or nil.
        let check: (FunctionType) -> String?
        /// Makes the engine code for an import of a type that `check` accepted: it reads the arguments from
        /// the call's cells, runs the closure and writes the results back.
        let code: (HostSite) -> HostCode

        init(type: FunctionType, body: @escaping (Caller, [Value]) throws -> [Value]) {
            check = { expected in expected == type ? nil : "the host function has type \(type)" }
            code = { site in
                let parameters = site.parameters, results = site.results, name = site.name
                return { [unmanaged = site.context] call in
                    let context = unmanaged.takeUnretainedValue()
                    let slots = call.slots
                    var args: [Value] = []
                    args.reserveCapacity(parameters.count)
                    var offset = 0
                    for t in parameters {
                        args.append(context.value(at: slots + offset, t))
                        offset += t.cellCount
                    }
                    do {
                        let out = try body(Caller(instance: call.caller, context: context), args)
                        guard out.count == results.count else {
                            throw TypeError("host function \(name) returned \(out.count) value(s), expected \(results.count)")
                        }
                        var offset = 0
                        for i in results.indices {
                            // Numbers of the declared type inline; everything else (conversions, vectors,
                            // references) through `write`.
                            switch (out[i], results[i]) {
                            case (.i32(let x), .i32): slots[offset] = UInt64(UInt32(bitPattern: x))
                            case (.i64(let x), .i64): slots[offset] = UInt64(bitPattern: x)
                            case (.f32(let x), .f32): slots[offset] = UInt64(x.bitPattern)
                            case (.f64(let x), .f64): slots[offset] = x.bitPattern
                            default: try context.write(out[i], results[i], to: slots + offset)
                            }
                            offset += results[i].cellCount
                        }
                    } catch {
                        try intoWasm(error, unmanaged)
                    }
                }
            }
        }

        @usableFromInline
        init(parameters: Signature, results: Signature, code: @escaping (HostSite) -> (HostCall) throws -> Void) {
            let description = "(\(parameters.names.joined(separator: ", "))) -> (\(results.names.joined(separator: ", ")))"
            check = { expected in
                parameters.fits(expected.parameters) && results.fits(expected.results)
                    ? nil : "the Swift closure \(description) does not fit"
            }
            self.code = code
        }
    }

    /// The instance whose code called a host function: gives access to its memory and exports.
    ///
    /// Valid only during the host call. A ``Memory`` obtained from it stays usable afterwards, but a raw
    /// buffer view must not outlive the call (wasm code may grow the memory, which moves it).
    public struct Caller {
        let instance: ModuleInstance?
        let context: StoreContext

        init(instance: ModuleInstance?, context: StoreContext) {
            self.instance = instance
            self.context = context
        }

        /// The caller of a host function's call.
        @usableFromInline
        init(_ call: HostCall, _ context: Unmanaged<StoreContext>) {
            self.init(instance: call.caller, context: context.takeUnretainedValue())
        }

        /// The caller's memory 0 (nil if it has none, or the host function was called from Swift).
        public var memory: Memory? { instance?.memories.first.map(Memory.init(handle:)) }
        /// The caller's exports (nil if the host function was called from Swift).
        public var exports: Exports? { instance.map { Exports(handle: $0, context: context) } }
    }
}

/// The Swift types of a typed closure's parameters or results.
@usableFromInline
struct Signature {
    var checks: [(WebAssembly.ValueType) -> Bool] = []
    var names: [String] = []

    @usableFromInline
    init<each T: WebAssembly.ValueConvertible>(_ types: repeat (each T).Type) {
        for t in repeat each types {
            checks.append(t.accepts)
            names.append(String(describing: t))
        }
    }

    /// Whether wasm values of `types` convert to these Swift types (one for one).
    func fits(_ types: [WebAssembly.ValueType]) -> Bool {
        checks.count == types.count && zip(checks, types).allSatisfy { $0($1) }
    }
}

/// Reads a list of values (a function's results) one after another as Swift types.
struct ValueListReader {
    let values: [WebAssembly.Value]
    var index = 0
    mutating func next<T: WebAssembly.ValueConvertible>(_: T.Type) throws -> T {
        guard index < values.count else {
            throw WebAssembly.TypeError("missing result \(index + 1): the function returns \(values.count) value(s)")
        }
        defer { index += 1 }
        return try T(wasmValue: values[index])
    }
}

extension WebAssembly.HostFunction {
    /// Makes the engine function for an import of type `type` in `context`'s store.
    func materialize(type: WasmCore.FunctionType, name: String, in context: StoreContext) -> FunctionInstance {
        let site = HostSite(parameters: type.parameters.map(WebAssembly.ValueType.init),
                            results: type.results.map(WebAssembly.ValueType.init), name: name,
                            context: .passUnretained(context))
        return context.store.makeHostFunction(type: type, name: name, code(site))
    }
}

/// What a host function's engine code is made for: the import's (checked) type and name, and the store.
@usableFromInline
struct HostSite {
    let parameters: [WebAssembly.ValueType]
    @usableFromInline let results: [WebAssembly.ValueType]
    let name: String
    /// Unretained: the context owns the store, which keeps the host function (a strong reference from its
    /// code would be a cycle), and wasm runs only while a caller holds the context (an ``WebAssembly/Instance``,
    /// ``WebAssembly/Function`` or ``WebAssembly/WASI`` call). Code that takes the reference out only where
    /// it needs it costs no reference counting per call (`unowned` would cost an atomic check).
    @usableFromInline let context: Unmanaged<StoreContext>
}

/// Rethrows what a host function's body threw: a ``WebAssembly/Exception`` is thrown into wasm, anything
/// else reaches the Swift caller unchanged. (A `do`/`catch` in each code closure rather than a helper taking
/// the body: IRGen of Swift 6.3 crashes on that nested closure capturing parameter packs.)
@usableFromInline
func intoWasm(_ error: any Error, _ context: Unmanaged<StoreContext>) throws -> Never {
    if let e = error as? WebAssembly.Exception {
        throw ExecutionError.exception(try e.materialize(in: context.takeUnretainedValue()))
    }
    throw error
}

/// How a typed closure's argument or result moves between its raw cell and its Swift type, chosen once per
/// import so that a call converts the common types without going through ``WebAssembly/Value`` or the
/// ``WebAssembly/ValueConvertible`` witnesses.
@usableFromInline
enum CellConversion {
    /// `Int32`, `UInt32` or `Bool` ↔ `i32`.
    case int32, uint32, bool
    /// `Int64`, `UInt64` or `Int` ↔ `i64`.
    case int64, uint64, int
    /// `Int` ← `i32` (sign-extended; arguments only: a result is range-checked through ``value(_:)``).
    case intFromInt32
    /// `Float` ↔ `f32`, `Double` ↔ `f64` (bit patterns, NaN payloads included).
    case float, double
    /// Through ``WebAssembly/Value`` and the type's conformance: references, vectors, `Value`, conformances
    /// outside the library, and conversions that may fail.
    case value(WebAssembly.ValueType)

    /// For a closure argument of type `T` from a wasm value of `type`.
    init<T>(argument _: T.Type, _ type: WebAssembly.ValueType) {
        self = Self.direct(T.self, type, argument: true) ?? .value(type)
    }

    /// For a closure result of type `T` to a wasm value of `type`.
    @usableFromInline
    init<T>(result _: T.Type, _ type: WebAssembly.ValueType) {
        self = Self.direct(T.self, type, argument: false) ?? .value(type)
    }

    private static func direct(_ t: Any.Type, _ type: WebAssembly.ValueType, argument: Bool) -> CellConversion? {
        switch type {
        case .i32:
            if t == Int32.self { return .int32 }
            if t == UInt32.self { return .uint32 }
            if t == Bool.self { return .bool }
            if argument && t == Int.self { return .intFromInt32 }
        case .i64:
            if t == Int64.self { return .int64 }
            if t == UInt64.self { return .uint64 }
            if t == Int.self { return .int }
        case .f32:
            if t == Float.self { return .float }
        case .f64:
            if t == Double.self { return .double }
        default:
            break
        }
        return nil
    }

    /// The argument conversions of a closure with parameters `types` for an import.
    @usableFromInline
    static func parameters<each P>(_ site: HostSite, _ types: repeat (each P).Type) -> ArgumentConversions {
        var conversions: [CellConversion] = []
        for t in repeat each types {
            conversions.append(CellConversion(argument: t, site.parameters[conversions.count]))
        }
        return ArgumentConversions(conversions)
    }

    /// Writes `value` (of the type this conversion was made for) to `slot` (and the next cell, for a `v128`).
    @inlinable
    func store<T: WebAssembly.ValueConvertible>(_ value: T, to slot: UnsafeMutablePointer<UInt64>,
                                                _ context: Unmanaged<StoreContext>) throws {
        switch self {
        case .int32: slot.pointee = UInt64(UInt32(bitPattern: unsafeBitCast(value, to: Int32.self)))
        case .uint32: slot.pointee = UInt64(unsafeBitCast(value, to: UInt32.self))
        case .bool: slot.pointee = unsafeBitCast(value, to: Bool.self) ? 1 : 0
        case .int64: slot.pointee = UInt64(bitPattern: unsafeBitCast(value, to: Int64.self))
        case .uint64: slot.pointee = unsafeBitCast(value, to: UInt64.self)
        case .int: slot.pointee = UInt64(bitPattern: Int64(unsafeBitCast(value, to: Int.self)))
        case .float: slot.pointee = UInt64(unsafeBitCast(value, to: Float.self).bitPattern)
        case .double: slot.pointee = unsafeBitCast(value, to: Double.self).bitPattern
        case .intFromInt32, .value:
            let type = self.type
            try context.takeUnretainedValue().write(value.wasmValue(as: type), type, to: slot)
        }
    }

    /// The wasm type, for the conversions through ``WebAssembly/Value``.
    @usableFromInline
    var type: WebAssembly.ValueType {
        switch self {
        case .int32, .uint32, .bool, .intFromInt32: .i32
        case .int64, .uint64, .int: .i64
        case .float: .f32
        case .double: .f64
        case .value(let t): t
        }
    }
}

/// A typed closure's argument conversions, in memory that a call reads without reference counting.
@usableFromInline
final class ArgumentConversions {
    @usableFromInline let base: UnsafeMutablePointer<CellConversion>
    let count: Int

    init(_ conversions: [CellConversion]) {
        count = conversions.count
        base = .allocate(capacity: max(count, 1))
        base.initialize(from: conversions, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// Reads a typed closure's arguments from the call's cells, one after another.
@usableFromInline
struct CellReader {
    @usableFromInline let slots: UnsafeMutablePointer<UInt64>
    @usableFromInline let conversions: UnsafePointer<CellConversion>
    @usableFromInline let context: Unmanaged<StoreContext>
    /// The next argument.
    @usableFromInline var index = 0
    /// Its first cell (a `v128` argument takes two).
    @usableFromInline var slot = 0

    @inlinable
    init(_ slots: UnsafeMutablePointer<UInt64>, _ conversions: UnsafePointer<CellConversion>,
         _ context: Unmanaged<StoreContext>) {
        self.slots = slots
        self.conversions = conversions
        self.context = context
    }

    @inlinable
    mutating func next<T: WebAssembly.ValueConvertible>(_: T.Type) throws -> T {
        let first = slots + slot
        let cell = first.pointee
        let conversion = conversions[index]
        index &+= 1
        slot &+= 1
        switch conversion {
        case .int32: return unsafeBitCast(Int32(truncatingIfNeeded: cell), to: T.self)
        case .uint32: return unsafeBitCast(UInt32(truncatingIfNeeded: cell), to: T.self)
        case .bool: return unsafeBitCast(UInt32(truncatingIfNeeded: cell) != 0, to: T.self)
        case .int64: return unsafeBitCast(Int64(bitPattern: cell), to: T.self)
        case .uint64: return unsafeBitCast(cell, to: T.self)
        case .int: return unsafeBitCast(Int(Int64(bitPattern: cell)), to: T.self)
        case .intFromInt32: return unsafeBitCast(Int(Int32(truncatingIfNeeded: cell)), to: T.self)
        case .float: return unsafeBitCast(Float(bitPattern: UInt32(truncatingIfNeeded: cell)), to: T.self)
        case .double: return unsafeBitCast(Double(bitPattern: cell), to: T.self)
        case .value(let type):
            slot &+= type.cellCount &- 1
            return try T(wasmValue: context.takeUnretainedValue().value(at: first, type))
        }
    }
}

/// Writes the elements of a typed closure's result tuple to the result cells.
///
/// The elements are read from the tuple's memory: Swift lays a tuple out like a struct, each element at the
/// next offset aligned for its type (docs/ABI/TypeLayout.rst in the Swift repository). Forwarding the
/// `(R1, R2, repeat each R)` tuple into a pack expansion would be the direct way, but SILGen of Swift 6.3
/// crashes on it (and the `Mirror` it used instead cost microseconds per call).
@usableFromInline
struct TupleCells {
    /// Each element's type, its offset in the tuple, its first result cell (a `v128` takes two), and how it
    /// converts.
    let elements: [(type: any WebAssembly.ValueConvertible.Type, offset: Int, cell: Int, conversion: CellConversion)]

    @usableFromInline
    init<each R: WebAssembly.ValueConvertible>(_ site: HostSite, _ types: repeat (each R).Type) {
        var elements: [(type: any WebAssembly.ValueConvertible.Type, offset: Int, cell: Int, conversion: CellConversion)] = []
        var end = 0
        var cell = 0
        for t in repeat each types {
            let (offset, size) = Self.place(t, after: end)
            let type = site.results[elements.count]
            elements.append((t, offset, cell, CellConversion(result: t, type)))
            end = offset + size
            cell += type.cellCount
        }
        precondition(end == MemoryLayout<(repeat each R)>.size, "unexpected tuple layout of \((repeat each R).self)")
        self.elements = elements
    }

    /// The offset and size of a `T` placed after `end` bytes.
    private static func place<T>(_: T.Type, after end: Int) -> (offset: Int, size: Int) {
        let align = MemoryLayout<T>.alignment
        return ((end + align - 1) / align * align, MemoryLayout<T>.size)
    }

    /// Writes the elements of `tuple` (of the types this was made for) to `slots`.
    ///
    /// The element types come from the array rather than the parameter pack: IRGen of Swift 6.3 crashes on a
    /// closure capturing the pack here.
    @usableFromInline
    func store<Tuple>(_ tuple: Tuple, to slots: UnsafeMutablePointer<UInt64>, _ context: Unmanaged<StoreContext>) throws {
        try withUnsafeBytes(of: tuple) { raw in
            for e in elements {
                try Self.store(e.type, from: raw.baseAddress! + e.offset, e.conversion, to: slots + e.cell, context)
            }
        }
    }

    private static func store<T: WebAssembly.ValueConvertible>(_: T.Type, from element: UnsafeRawPointer, _ conversion: CellConversion,
                                                               to slot: UnsafeMutablePointer<UInt64>,
                                                               _ context: Unmanaged<StoreContext>) throws {
        try conversion.store(element.load(as: T.self), to: slot, context)
    }
}
