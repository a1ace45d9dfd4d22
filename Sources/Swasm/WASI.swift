import WASI
import WasmRuntime

/// The engine's WASI implementation (named here, at top level, before `WebAssembly.WASI` shadows the name).
typealias EngineWASI = WASI
typealias EngineWASIConfiguration = WASIConfiguration

extension WebAssembly {
    /// Runs WASI programs (`wasi_snapshot_preview1`), shaped like Node's `node:wasi`.
    ///
    /// ```swift
    /// let wasi = try WebAssembly.WASI(args: ["hello", "--verbose"], env: ["HOME": "/"],
    ///                                 preopens: ["/sandbox": "/tmp/sandbox"])
    /// let instance = try WebAssembly.Instance(module: module, imports: wasi.importObject)
    /// let exitCode = try wasi.start(instance)
    /// ```
    ///
    /// The program sees only what you configure: its arguments, environment variables, the host directories
    /// you preopen (under the guest paths you choose) and the three standard streams.
    public final class WASI {
        let engine: EngineWASI

        /// Configures a WASI environment (`new WASI({ args, env, preopens, stdin, stdout, stderr })`).
        ///
        /// - Parameters:
        ///   - args: `argv`, the program name first.
        ///   - env: environment variables (passed to the guest sorted by name).
        ///   - preopens: guest path → host directory, like Node's `preopens`.
        ///   - readOnlyPreopens: guest paths in `preopens` the guest may read but not change.
        ///   - stdin: host file descriptor behind guest fd 0 (not closed by WASI).
        ///   - stdout: host file descriptor behind guest fd 1.
        ///   - stderr: host file descriptor behind guest fd 2.
        /// - Throws: ``TypeError`` if a preopened directory cannot be opened.
        public init(args: [String] = [], env: [String: String] = [:], preopens: [String: String] = [:],
                    readOnlyPreopens: Set<String> = [], stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2) throws {
            let config = EngineWASIConfiguration(
                arguments: args,
                environment: env.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                preopens: preopens.sorted { $0.key < $1.key }.map {
                    (hostPath: $0.value, guestPath: $0.key, readOnly: readOnlyPreopens.contains($0.key))
                },
                stdin: stdin, stdout: stdout, stderr: stderr)
            do { engine = try EngineWASI(config) } catch { throw TypeError("\(error)") }
        }

        /// The import module name, `wasi_snapshot_preview1`.
        public static let moduleName = EngineWASI.moduleName

        /// The import object with every WASI function (`wasi.getImportObject()`); merge your own modules in
        /// with ``Imports/merging(_:)`` or the ``Imports`` subscript.
        public var importObject: Imports {
            var imports = Imports()
            let engine = self.engine
            imports.providers[EngineWASI.moduleName] = { context in engine.imports(store: context.store) }
            return imports
        }

        /// Runs a command: calls its `_start` export; returns the exit code (`wasi.start(instance)`).
        ///
        /// The code passed to `proc_exit` is returned (0 if `_start` returns normally).
        /// - Throws: ``TypeError`` if the instance has no `_start`; ``RuntimeError`` if the program traps.
        public func start(_ instance: Instance) throws -> Int32 {
            do {
                return try engine.start(instance: instance.handle, store: instance.context.store)
            } catch let e as ExecutionError {
                throw instance.context.translate(e)
            } catch let e as WASIError {
                throw TypeError(e.message)
            }
        }

        /// Initialises a reactor: calls its `_initialize` export, if any (`wasi.initialize(instance)`).
        public func initialize(_ instance: Instance) throws {
            do {
                try engine.initialize(instance: instance.handle, store: instance.context.store)
            } catch let e as ExecutionError {
                throw instance.context.translate(e)
            } catch let e as WASIError {
                throw TypeError(e.message)
            }
        }
    }
}
