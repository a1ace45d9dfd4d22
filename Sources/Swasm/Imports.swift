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
        /// `Bool`, ``ExternRef``, ``Function``, ``Exception`` or ``Value``; several results are a tuple.
        /// The types are checked against the import's declared type when an instance is created. Anything
        /// the closure throws reaches the Swift caller of the export unchanged; throwing an ``Exception``
        /// throws it into wasm, where a `try_table` can catch it.
        ///
        /// ```swift
        /// "log": .function { (x: Int32) in print(x) }
        /// "twice": .function { (x: Int32) in x * 2 }
        /// "divmod": .function { (a: Int32, b: Int32) in (a / b, a % b) }
        /// ```
        public static func function<each P: ValueConvertible>(_ body: @escaping (repeat each P) throws -> Void) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self), results: Signature()) { _, args in
                try body(repeat args.next((each P).self))
                return []
            })
        }

        /// A host function from a closure with typed parameters and one typed result.
        public static func function<each P: ValueConvertible, R: ValueConvertible>(
            _ body: @escaping (repeat each P) throws -> R
        ) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self), results: Signature(R.self)) { _, args in
                [try body(repeat args.next((each P).self))]
            })
        }

        /// A host function from a closure with typed parameters and several results, returned as a tuple.
        public static func function<each P: ValueConvertible, R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>(
            _ body: @escaping (repeat each P) throws -> (R1, R2, repeat each R)
        ) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self),
                                       results: Signature(R1.self, R2.self, repeat (each R).self)) { _, args in
                collect(try body(repeat args.next((each P).self)))
            })
        }

        /// A host function from a typed closure that also gets the ``Caller`` (for its memory and exports).
        ///
        /// ```swift
        /// "print": .function { (caller: WebAssembly.Caller, ptr: Int32, len: Int32) in
        ///     print(try caller.memory?.readString(at: Int(ptr), length: Int(len)) ?? "")
        /// }
        /// ```
        public static func function<each P: ValueConvertible>(_ body: @escaping (Caller, repeat each P) throws -> Void) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self), results: Signature()) { caller, args in
                try body(caller, repeat args.next((each P).self))
                return []
            })
        }

        /// A host function from a typed closure that gets the ``Caller`` and returns one value.
        public static func function<each P: ValueConvertible, R: ValueConvertible>(
            _ body: @escaping (Caller, repeat each P) throws -> R
        ) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self), results: Signature(R.self)) { caller, args in
                [try body(caller, repeat args.next((each P).self))]
            })
        }

        /// A host function from a typed closure that gets the ``Caller`` and returns several values.
        public static func function<each P: ValueConvertible, R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>(
            _ body: @escaping (Caller, repeat each P) throws -> (R1, R2, repeat each R)
        ) -> Extern {
            .hostFunction(HostFunction(parameters: Signature(repeat (each P).self),
                                       results: Signature(R1.self, R2.self, repeat (each R).self)) { caller, args in
                collect(try body(caller, repeat args.next((each P).self)))
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
        /// Runs the closure: arguments in, results (converted to the given result types) out.
        let invoke: (Caller, [Value], [ValueType]) throws -> [Value]

        init(type: FunctionType, body: @escaping (Caller, [Value]) throws -> [Value]) {
            check = { expected in expected == type ? nil : "the host function has type \(type)" }
            invoke = { caller, args, _ in try body(caller, args) }
        }

        init(parameters: Signature, results: Signature,
             body: @escaping (Caller, inout ArgumentReader) throws -> [any ValueConvertible]) {
            let description = "(\(parameters.names.joined(separator: ", "))) -> (\(results.names.joined(separator: ", ")))"
            check = { expected in
                parameters.fits(expected.parameters) && results.fits(expected.results)
                    ? nil : "the Swift closure \(description) does not fit"
            }
            invoke = { caller, args, resultTypes in
                var reader = ArgumentReader(values: args)
                let out = try body(caller, &reader)
                return try zip(out, resultTypes).map { try $0.wasmValue(as: $1) }
            }
        }
    }

    /// The instance whose code called a host function: gives access to its memory and exports.
    ///
    /// Valid only during the host call. A ``Memory`` obtained from it stays usable afterwards, but a raw
    /// buffer view must not outlive the call (wasm code may grow the memory, which moves it).
    public struct Caller {
        let instance: ModuleInstance?
        let context: StoreContext

        /// The caller's memory 0 (nil if it has none, or the host function was called from Swift).
        public var memory: Memory? { instance?.memories.first.map(Memory.init(handle:)) }
        /// The caller's exports (nil if the host function was called from Swift).
        public var exports: Exports? { instance.map { Exports(handle: $0, context: context) } }
    }
}

/// The Swift types of a typed closure's parameters or results.
struct Signature {
    var checks: [(WebAssembly.ValueType) -> Bool] = []
    var names: [String] = []

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

/// The elements of a tuple of convertible values (through reflection: SILGen of Swift 6.3 crashes on
/// forwarding a `(R1, R2, repeat each R)` tuple into a pack-expansion parameter).
func collect<T>(_ tuple: T) -> [any WebAssembly.ValueConvertible] {
    Mirror(reflecting: tuple).children.compactMap { $0.value as? any WebAssembly.ValueConvertible }
}

/// Reads typed closure arguments one after another.
struct ArgumentReader {
    let values: [WebAssembly.Value]
    var index = 0
    mutating func next<T: WebAssembly.ValueConvertible>(_: T.Type) throws -> T {
        guard index < values.count else { throw WebAssembly.TypeError("missing argument \(index)") }
        defer { index += 1 }
        return try T(wasmValue: values[index])
    }
}

extension WebAssembly.HostFunction {
    /// Makes the engine function for an import of type `type` in `context`'s store.
    func materialize(type: WasmCore.FunctionType, name: String, in context: StoreContext) -> FunctionInstance {
        let params = type.parameters.map(WebAssembly.ValueType.init)
        let results = type.results.map(WebAssembly.ValueType.init)
        let invoke = self.invoke
        return context.store.makeHostFunction(type: type, name: name) { [unowned context] call in
            var args: [WebAssembly.Value] = []
            args.reserveCapacity(params.count)
            for (i, t) in params.enumerated() { args.append(context.value(call.slots[i], t)) }
            let caller = WebAssembly.Caller(instance: call.caller, context: context)
            do {
                let out = try invoke(caller, args, results)
                guard out.count == results.count else {
                    throw WebAssembly.TypeError("host function \(name) returned \(out.count) value(s), expected \(results.count)")
                }
                for (i, (v, t)) in zip(out, results).enumerated() { call.slots[i] = try context.cell(v, t) }
            } catch let e as WebAssembly.Exception {
                throw ExecutionError.exception(try e.materialize(in: context))
            }
        }
    }
}
