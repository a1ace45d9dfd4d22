import WasmCore
import WasmRuntime

extension WebAssembly {
    /// A WebAssembly function: exported by an instance, or a host function (`WebAssembly.Function` /
    /// an exported function object in JavaScript).
    ///
    /// Call it with Swift numbers; take the results typed by context, as ``Results``, or as value arrays:
    ///
    /// ```swift
    /// let sum: Int32 = try add(2, 3)              // typed by context
    /// print(try add(2, 3))                        // untyped: prints 5
    /// let (q, r): (Int32, Int32) = try divmod(7, 2)
    /// let fast: (Int32, Int32) throws -> Int32 = try add.typed()   // checked once, then called directly
    /// ```
    ///
    /// Errors: a trap throws ``RuntimeError``; an uncaught wasm exception throws ``Exception``; an error
    /// thrown by a host function reaches you unchanged; wrong arguments throw ``TypeError``.
    public final class Function: CustomStringConvertible {
        let handle: FunctionInstance
        let context: StoreContext

        init(handle: FunctionInstance, context: StoreContext) {
            self.handle = handle
            self.context = context
        }

        /// The function's signature.
        public var type: FunctionType { FunctionType(handle.type) }
        /// The function's name from the module's name section (or the host function's import name).
        public var name: String? { handle.name }
        /// Like `function add: (i32, i32) -> i32`.
        public var description: String { "function \(name ?? "anonymous"): \(type)" }

        /// Whether `other` is the same function.
        public func isSame(as other: Function) -> Bool { handle === other.handle }

        /// Calls the function with wasm values; returns its results.
        public func call(_ arguments: [Value]) throws -> [Value] {
            try context.call(handle, arguments)
        }

        /// Calls the function with Swift numbers (or values); returns its results untyped.
        ///
        /// Numbers convert to the parameter types when the conversion is exact (`10` for an `i32`).
        @discardableResult
        public func callAsFunction(_ arguments: any ValueConvertible...) throws -> Results {
            try results(arguments)
        }

        /// Calls with Swift values; the results untyped (the body of every untyped `callAsFunction`).
        func results(_ arguments: [any ValueConvertible]) throws -> Results {
            Results(try call(convert(arguments)))
        }

        /// Calls with Swift values; the one result as `R` (the body of every `callAsFunction` with one result).
        func result<R: ValueConvertible>(_ arguments: [any ValueConvertible]) throws -> R {
            try single(call(convert(arguments)))
        }

        /// Calls the function; its one result is converted to the type the context asks for
        /// (`let x: Int32 = try f(1)`).
        public func callAsFunction<R: ValueConvertible>(_ arguments: any ValueConvertible...) throws -> R {
            try result(arguments)
        }

        /// Calls the function; its results are converted to the tuple type the context asks for
        /// (`let (a, b): (Int32, Double) = try g()`).
        public func callAsFunction<R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>(
            _ arguments: any ValueConvertible...
        ) throws -> (R1, R2, repeat each R) {
            try tuple(call(convert(arguments)))
        }

        /// A typed handle for fast repeated calls of a function without results; the signature is checked once.
        ///
        /// ```swift
        /// let add: (Int32, Int32) throws -> Int32 = try instance.exports.add.typed()
        /// for i in 0..<1000 { _ = try add(i, 1) }
        /// ```
        /// - Throws: ``TypeError`` if the Swift types do not fit the function's parameters and results.
        public func typed<each P: ValueConvertible>() throws -> (repeat each P) throws -> Void {
            let invoke: (repeat each P) throws -> [UInt64] = try invoker(results: Signature())
            return { (arguments: repeat each P) throws in _ = try invoke(repeat each arguments) }
        }

        /// A typed handle for fast repeated calls of a function with one result (see `typed()`).
        public func typed<each P: ValueConvertible, R: ValueConvertible>() throws -> (repeat each P) throws -> R {
            let invoke: (repeat each P) throws -> [UInt64] = try invoker(results: Signature(R.self))
            let type = ValueType(handle.type.results.first ?? .i32)
            let context = self.context
            return { (arguments: repeat each P) throws -> R in
                let out = try invoke(repeat each arguments)
                return try R(wasmValue: context.value(out, at: 0, type))
            }
        }

        /// A typed handle for fast repeated calls of a function with several results, as a tuple.
        public func typed<each P: ValueConvertible, R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>()
            throws -> (repeat each P) throws -> (R1, R2, repeat each R) {
            let invoke: (repeat each P) throws -> [UInt64] = try invoker(results: Signature(R1.self, R2.self, repeat (each R).self))
            let types = handle.type.results.map(ValueType.init)
            let context = self.context
            return { (arguments: repeat each P) throws -> (R1, R2, repeat each R) in
                let out = try invoke(repeat each arguments)
                var reader = ValueListReader(values: context.values(out, types))
                return (try reader.next(R1.self), try reader.next(R2.self), repeat try reader.next((each R).self))
            }
        }

        /// Checks the signature once; returns a closure that converts arguments to cells and calls the function.
        private func invoker<each P: ValueConvertible>(results: Signature) throws -> (repeat each P) throws -> [UInt64] {
            let type = handle.type
            let params = type.parameters.map(ValueType.init)
            let parameters = Signature(repeat (each P).self)
            guard parameters.fits(params), results.fits(type.results.map(ValueType.init)) else {
                throw TypeError("\(context.describe(handle)) has type \(FunctionType(type)), which does not fit "
                                + "(\(parameters.names.joined(separator: ", "))) -> (\(results.names.joined(separator: ", ")))")
            }
            let handle = self.handle
            let context = self.context
            let cellCount = type.parameters.cellCount
            return { (arguments: repeat each P) throws -> [UInt64] in
                var cells: [UInt64] = []
                cells.reserveCapacity(cellCount)
                var index = 0
                for a in repeat each arguments {
                    // `fits` checked that there is one parameter type per argument.
                    let t = params[index]
                    index += 1
                    try context.append(a.wasmValue(as: t), t, to: &cells)
                }
                return try context.invoke(handle, cells)
            }
        }

        func single<R: ValueConvertible>(_ results: [Value]) throws -> R {
            guard results.count == 1 else {
                throw TypeError("\(context.describe(handle)) returns \(results.count) value(s), not 1")
            }
            return try R(wasmValue: results[0])
        }

        func tuple<R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>(_ results: [Value]) throws
            -> (R1, R2, repeat each R) {
            var reader = ValueListReader(values: results)
            let t = (try reader.next(R1.self), try reader.next(R2.self), repeat try reader.next((each R).self))
            guard reader.index == results.count else {
                throw TypeError("\(context.describe(handle)) returns \(results.count) values, more than the tuple holds")
            }
            return t
        }

        func convert(_ arguments: [any ValueConvertible]) throws -> [Value] {
            let params = handle.type.parameters
            guard arguments.count == params.count else {
                throw TypeError("\(context.describe(handle)) takes \(params.count) argument(s), got \(arguments.count)")
            }
            return try zip(arguments, params).map { try $0.wasmValue(as: ValueType($1)) }
        }
    }
}

extension WebAssembly.Function: WebAssembly.ValueConvertible {
    /// Accepts function reference types.
    public static func accepts(_ type: WebAssembly.ValueType) -> Bool {
        if case .ref(let r) = type { return r.heapType.family == .function }
        return false
    }
    /// From a non-null `funcref`.
    public convenience init(wasmValue: WebAssembly.Value) throws {
        guard case .funcref(let f?) = wasmValue else {
            throw WebAssembly.TypeError("expected a non-null funcref, got \(wasmValue)")
        }
        self.init(handle: f.handle, context: f.context)
    }
    /// To a `funcref`.
    public func wasmValue(as type: WebAssembly.ValueType) throws -> WebAssembly.Value {
        guard Self.accepts(type) else { throw WebAssembly.TypeError("a function cannot be passed as \(type)") }
        return .funcref(self)
    }
}
