import WasmCore
import WasmRuntime

extension WebAssembly {
    /// An instantiated module (`WebAssembly.Instance`): its own memories, tables, globals and functions, and
    /// its ``exports``.
    ///
    /// Not `Sendable`: an instance and the instances linked with it share a store that is used from one
    /// thread at a time. Create one instance per thread (instantiation is cheap once the ``Module`` is
    /// compiled) to run the same module in parallel. Only ``interruptHandle`` may be used from other threads.
    public final class Instance {
        let handle: ModuleInstance
        let context: StoreContext
        /// The module this is an instance of.
        public let module: Module

        /// Instantiates `module`, synchronously (`new WebAssembly.Instance(module, importObject)`).
        ///
        /// Links the imports, initialises memories and tables and runs the start function.
        /// - Parameters:
        ///   - module: a compiled module.
        ///   - imports: the import object.
        ///   - limits: limits for the instance's store (ignored when the instance joins the store of the
        ///     instance whose functions, tables, globals or tags it imports).
        /// - Throws: ``LinkError`` naming the import that is missing or does not fit; ``RuntimeError``,
        ///   ``Exception`` or a host function's error from the start function.
        public init(module: Module, imports: Imports = [:], limits: Limits = Limits()) throws {
            self.module = module
            let m = module.compiled.module

            // Which store: the one the store-bound imports belong to, or a new one.
            var context: StoreContext?
            for imp in m.imports {
                guard let value = imports.modules[imp.module]?[imp.name] else { continue }
                let bound: StoreContext?
                switch value {
                case .function(let f): bound = f.context
                case .table(let t): bound = t.context
                case .global(let g): bound = g.context
                case .tag(let t): bound = t.context
                case .memory, .hostFunction: bound = nil
                }
                if let bound {
                    if let context, context !== bound {
                        throw LinkError(module: imp.module, name: imp.name,
                                        message: "import \"\(imp.module)\" \"\(imp.name)\" belongs to a different store than other imports")
                    }
                    context = bound
                }
            }
            let ctx = context ?? StoreContext(limits: limits)
            self.context = ctx

            // Resolve every import to an engine value in that store.
            var resolved: [String: [String: ExternalValue]] = [:]
            var provided: [String: [String: ExternalValue]] = [:]
            for imp in m.imports {
                func fail(_ why: String) -> LinkError {
                    LinkError(module: imp.module, name: imp.name, message: "import \"\(imp.module)\" \"\(imp.name)\": \(why)")
                }
                var value: ExternalValue?
                if let v = imports.modules[imp.module]?[imp.name] {
                    let expected = module.externType(of: imp.descriptor).kind
                    guard v.kind == expected else {
                        throw fail("incompatible import type: expected a \(expected), got a \(v.kind)")
                    }
                    switch (v, imp.descriptor) {
                    case (.hostFunction(let h), .function(let typeIndex)):
                        let type = module.functionType(typeIndex)
                        if let why = h.check(type) { throw fail("\(why) the declared type \(type)") }
                        value = .function(h.materialize(type: type.core, name: "\(imp.module).\(imp.name)", in: ctx))
                    case (.hostFunction, _):
                        throw fail("incompatible import type: expected a \(expected), got a function")
                    case (.function(let f), _): value = .function(f.handle)
                    case (.memory(let mem), _): value = .memory(mem.handle)
                    case (.table(let t), _):
                        do { _ = try t.bind(ctx) } catch { throw fail(error.message) }
                        value = .table(t.handle)
                    case (.global(let g), _):
                        do { _ = try g.bind(ctx) } catch { throw fail(error.message) }
                        value = .global(g.handle)
                    case (.tag(let t), _):
                        do { value = .tag(try t.instance(in: ctx)) } catch { throw fail(error.message) }
                    }
                } else if let provider = imports.providers[imp.module] {
                    if provided[imp.module] == nil { provided[imp.module] = provider(ctx) }
                    value = provided[imp.module]?[imp.name]
                }
                guard let value else {
                    throw fail("unknown import: the import object has no \(module.externType(of: imp.descriptor).kind) with this name")
                }
                resolved[imp.module, default: [:]][imp.name] = value
            }

            do {
                handle = try ctx.store.instantiate(module.compiled) { resolved[$0]?[$1] }
            } catch {
                switch error {
                case .link(let e):
                    let culprit = m.imports.first { e.message.contains("\"\($0.module)\" \"\($0.name)\"") }
                    throw LinkError(module: culprit?.module, name: culprit?.name, message: e.message)
                case .execution(let e):
                    throw ctx.translate(e)
                }
            }
        }

        /// The instance's exports, by name: `instance.exports.add(2, 3)`, `instance.exports["memory"]`.
        public var exports: Exports { Exports(handle: handle, context: context) }

        // MARK: Limits

        /// Fuel left in the instance's store (nil: unlimited). Set it to top up or to start metering.
        public var fuel: UInt64? {
            get { context.store.fuel }
            set { context.store.fuel = newValue }
        }

        /// When set, running code traps with ``RuntimeError/Kind/interrupted`` once this instant has passed,
        /// including code waiting in a WASI call (a read from a pipe, `poll_oneoff`).
        public var deadline: ContinuousClock.Instant? {
            get { context.store.deadline }
            set { context.store.deadline = newValue }
        }

        /// A handle that stops code running in this instance's store from any thread, including code waiting in
        /// a WASI call.
        public var interruptHandle: InterruptHandle {
            context.store.interruptHandle.arm()
            return InterruptHandle(context.store.interruptHandle)
        }
    }

    /// The exports of an instance (`instance.exports`): by name through dynamic member lookup or subscript.
    ///
    /// ```swift
    /// let sum: Int32 = try instance.exports.add(2, 3)
    /// let memory: WebAssembly.Memory? = instance.exports.memory
    /// for (name, value) in instance.exports.all { print(name, value.kind) }
    /// ```
    ///
    /// `Exports` has only two members of its own, ``names`` and ``all``, so that member syntax reaches nearly
    /// every export; use the subscript for exports with those names or names that are not Swift identifiers.
    @dynamicMemberLookup
    public struct Exports {
        let handle: ModuleInstance
        let context: StoreContext

        /// The export with this name, or nil.
        public subscript(name: String) -> Extern? {
            handle.export(name).map(wrap)
        }

        /// The export with this name, callable if it is a function (`instance.exports.add(2, 3)`).
        public subscript(dynamicMember name: String) -> Export {
            Export(name: name, value: self[name])
        }

        /// The export with this name as the type the context asks for (`let m: WebAssembly.Memory? = exports.memory`).
        public subscript<T: ExternConvertible>(dynamicMember name: String) -> T? {
            self[name].flatMap(T.init(extern:))
        }

        /// Export names, in declaration order.
        public var names: [String] { handle.exportNames }

        /// Every export, in declaration order.
        public var all: [(name: String, value: Extern)] {
            handle.exports.map { (name: $0.name, value: wrap($0.value)) }
        }

        func wrap(_ v: ExternalValue) -> Extern {
            switch v {
            case .function(let f): .function(Function(handle: f, context: context))
            case .memory(let m): .memory(Memory(handle: m))
            case .table(let t): .table(Table(handle: t, context: context))
            case .global(let g): .global(Global(handle: g, context: context))
            case .tag(let t): .tag(Tag(handle: t, context: context))
            }
        }
    }

    /// One export looked up by name: call it if it is a function, or take the object it holds.
    public struct Export {
        /// The export name.
        public let name: String
        /// The exported value (nil if the instance has no export with this name).
        public let value: Extern?

        /// The exported function, if it is one.
        public var function: Function? { if case .function(let f)? = value { f } else { nil } }
        /// The exported memory, if it is one.
        public var memory: Memory? { if case .memory(let m)? = value { m } else { nil } }
        /// The exported table, if it is one.
        public var table: Table? { if case .table(let t)? = value { t } else { nil } }
        /// The exported global, if it is one.
        public var global: Global? { if case .global(let g)? = value { g } else { nil } }
        /// The exported tag, if it is one.
        public var tag: Tag? { if case .tag(let t)? = value { t } else { nil } }

        func requireFunction() throws(TypeError) -> Function {
            guard let function else {
                throw TypeError(value == nil ? "no export named \"\(name)\"" : "export \"\(name)\" is not a function")
            }
            return function
        }

        /// Calls the exported function; results untyped (see ``Function``).
        @discardableResult
        public func callAsFunction(_ arguments: any ValueConvertible...) throws -> Results {
            try requireFunction().results(arguments)
        }

        /// Calls the exported function; its result is converted to the type the context asks for.
        public func callAsFunction<R: ValueConvertible>(_ arguments: any ValueConvertible...) throws -> R {
            try requireFunction().result(arguments)
        }

        /// Calls the exported function; its results are converted to the tuple type the context asks for.
        public func callAsFunction<R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>(
            _ arguments: any ValueConvertible...
        ) throws -> (R1, R2, repeat each R) {
            let f = try requireFunction()
            return try f.tuple(f.call(f.convert(arguments)))
        }

        /// A typed handle to the exported function (no results) for fast repeated calls (see ``Function``).
        public func typed<each P: ValueConvertible>() throws -> (repeat each P) throws -> Void {
            try requireFunction().typed()
        }

        /// A typed handle to the exported function (one result) for fast repeated calls.
        public func typed<each P: ValueConvertible, R: ValueConvertible>() throws -> (repeat each P) throws -> R {
            try requireFunction().typed()
        }

        /// A typed handle to the exported function (several results) for fast repeated calls.
        public func typed<each P: ValueConvertible, R1: ValueConvertible, R2: ValueConvertible, each R: ValueConvertible>()
            throws -> (repeat each P) throws -> (R1, R2, repeat each R) {
            try requireFunction().typed()
        }
    }

    /// A Swift type an export can be read as: ``Function``, ``Memory``, ``Table``, ``Global`` or ``Tag``.
    public protocol ExternConvertible {
        /// The object, if `extern` holds one of this type.
        init?(extern: Extern)
    }
}

extension WebAssembly.Function: WebAssembly.ExternConvertible {
    /// The function, if `extern` is one.
    public convenience init?(extern: WebAssembly.Extern) {
        guard case .function(let f) = extern else { return nil }
        self.init(handle: f.handle, context: f.context)
    }
}

extension WebAssembly.Memory: WebAssembly.ExternConvertible {
    /// The memory, if `extern` is one.
    public convenience init?(extern: WebAssembly.Extern) {
        guard case .memory(let m) = extern else { return nil }
        self.init(handle: m.handle)
    }
}

extension WebAssembly.Table: WebAssembly.ExternConvertible {
    /// The table, if `extern` is one.
    public convenience init?(extern: WebAssembly.Extern) {
        guard case .table(let t) = extern else { return nil }
        self.init(handle: t.handle, context: t.context)
    }
}

extension WebAssembly.Global: WebAssembly.ExternConvertible {
    /// The global, if `extern` is one.
    public convenience init?(extern: WebAssembly.Extern) {
        guard case .global(let g) = extern else { return nil }
        self.init(handle: g.handle, context: g.context)
    }
}

extension WebAssembly.Tag: WebAssembly.ExternConvertible {
    /// The tag, if `extern` is one.
    public convenience init?(extern: WebAssembly.Extern) {
        guard case .tag(let t) = extern, let h = t.engineTag, let c = t.context else { return nil }
        self.init(handle: h, context: c)
    }
}
