/// The WebAssembly JavaScript interface, in Swift.
///
/// `WebAssembly` is a namespace, like the JavaScript global of the same name. It holds the namespace functions
/// (``validate(_:)``, ``compile(_:)``, `instantiate(_:imports:limits:)`, the streaming variants) and
/// the API's types: ``Module``, ``Instance``, ``Memory``, ``Table``, ``Global``, ``Tag``, ``Exception``, the
/// errors ``CompileError``, ``LinkError`` and ``RuntimeError``, and ``WASI`` for running WASI programs.
///
/// Unlike JavaScript, which throws a `TypeError` for them, `v128` values may cross the boundary: as
/// ``V128`` or a 128-bit `SIMD` vector, in calls, host functions, globals and exception payloads.
///
/// ```swift
/// let bytes = try Data(contentsOf: URL(fileURLWithPath: "my-module.wasm"))
/// let (module, instance) = try await WebAssembly.instantiate(bytes, imports: [
///     "env": ["log": .function { (x: Int32) in print(x) }],
/// ])
/// let sum: Int32 = try instance.exports.add(2, 3)
/// ```
///
/// ## Threading model
///
/// A ``Module`` is immutable and `Sendable`: compile it once and instantiate it from any number of threads or
/// tasks at the same time. An ``Instance`` is not `Sendable`: it owns a store (its memories, tables, globals
/// and interpreter stack) that must be used from one thread at a time. Instances linked together (one imports
/// a function, table, tag or reference-typed global of another) share one store and form one such group.
/// The only object you may touch from another thread while code runs is an ``InterruptHandle``.
public enum WebAssembly {}

extension WebAssembly {
    /// Whether `bytes` are a valid WebAssembly module (`WebAssembly.validate`).
    ///
    /// - Parameter bytes: a module binary as `[UInt8]`, `Data` or any other sequence of bytes.
    /// - Returns: true if the module decodes and validates.
    public static func validate(_ bytes: some Sequence<UInt8>) -> Bool {
        (try? Module(bytes: bytes)) != nil
    }

    /// Compiles a module binary (`WebAssembly.compile`): decodes, validates and translates it for the interpreter.
    ///
    /// Compilation runs off the caller's actor. The module can then be instantiated any number of times.
    /// - Parameter bytes: a module binary as `[UInt8]`, `Data` or any other sequence of bytes.
    /// - Throws: ``CompileError`` with the byte offset of the problem.
    @concurrent
    public static func compile(_ bytes: some Sequence<UInt8> & Sendable) async throws(CompileError) -> Module {
        try Module(bytes: bytes)
    }

    /// Compiles and instantiates a module binary (`WebAssembly.instantiate(bytes, importObject)`).
    ///
    /// - Parameters:
    ///   - bytes: a module binary as `[UInt8]`, `Data` or any other sequence of bytes.
    ///   - imports: the import object: module name → field name → ``Extern``.
    ///   - limits: resource limits for the new instance's store.
    /// - Returns: the compiled module and the new instance.
    /// - Throws: ``CompileError``, ``LinkError``, ``RuntimeError`` (the start function trapped), an
    ///   ``Exception``, or an error thrown by a host function during the start function.
    nonisolated(nonsending)
    public static func instantiate(_ bytes: some Sequence<UInt8>, imports: Imports = [:],
                                   limits: Limits = Limits()) async throws -> (module: Module, instance: Instance) {
        let module = try Module(bytes: bytes)
        let instance = try Instance(module: module, imports: imports, limits: limits)
        return (module, instance)
    }

    /// Instantiates a compiled module (`WebAssembly.instantiate(module, importObject)`).
    ///
    /// - Parameters:
    ///   - module: a compiled module.
    ///   - imports: the import object: module name → field name → ``Extern``.
    ///   - limits: resource limits for the new instance's store.
    /// - Throws: ``LinkError``, ``RuntimeError``, an ``Exception`` or a host function's error.
    nonisolated(nonsending)
    public static func instantiate(_ module: Module, imports: Imports = [:],
                                   limits: Limits = Limits()) async throws -> Instance {
        try Instance(module: module, imports: imports, limits: limits)
    }
}
