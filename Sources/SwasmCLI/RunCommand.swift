import ArgumentParser
import Foundation
import WASI
import WasmCore
import WasmRuntime
import WasmText

/// `swasm run`: runs a WASI command module, or calls one export.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a WebAssembly module with WASI (preview 1).",
        discussion: """
        Runs the module's `_start` (after `_initialize`, for reactors) and exits with the guest's exit code.
        With --invoke, calls that export instead, with ARGS parsed by its parameter types, and prints each
        result on its own line. FILE may be a binary module or a text (.wat) module.

        Examples:
          swasm run hello.wasm
          swasm run --dir data::/data --env HOME=/data prog.wasm arg1 arg2
          swasm run --invoke add math.wat 1 2
        """
    )

    @Option(name: .customLong("dir"), help: ArgumentHelp("Preopen a host directory (as GUEST, default HOST).", valueName: "HOST[::GUEST]"))
    var dirs: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("Set an environment variable for the guest.", valueName: "NAME=VALUE"))
    var env: [String] = []

    @Option(name: .customLong("invoke"), help: ArgumentHelp("Call this export instead of _start.", valueName: "NAME"))
    var invoke: String?

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the guest (or for the invoked export).")
    var arguments: [String] = []

    func run() throws {
        let code = execute()
        if code != 0 { throw ExitCode(code) }
    }

    /// A failure reported as one `error:` line.
    struct Failure: Error {
        var message: String
        var code: Int32 = 1
    }

    func execute() -> Int32 {
        do {
            return try runModule()
        } catch let f as Failure {
            Self.printError(f.message)
            return f.code
        } catch {
            Self.printError("\(error)")
            return 1
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// The guest (or --invoke) arguments, without a leading "--" separator.
    var guestArguments: [String] {
        arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
    }

    func runModule() throws -> Int32 {
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot read file" : "no such file"
            throw Failure(message: "\(reason): \(file)")
        }
        var bytes = [UInt8](data)
        if Self.looksLikeText(bytes) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw Failure(message: "\(file): text module is not valid UTF-8")
            }
            do { bytes = try WAT.encode(text) } catch { throw Failure(message: "\(file): \(error)") }
        }
        let compiled: CompiledModule
        do { compiled = try compileModule(bytes) } catch {
            switch error {
            case .malformed(let e): throw Failure(message: "\(file): \(e)")
            case .invalid(let e): throw Failure(message: "\(file): \(e)")
            case .unsupported(let m): throw Failure(message: "\(file): unsupported: \(m)")
            }
        }

        var config = WASIConfiguration(arguments: [file] + (invoke == nil ? guestArguments : []))
        for e in env {
            guard let eq = e.firstIndex(of: "=") else { throw Failure(message: "--env expects NAME=VALUE, got \"\(e)\"") }
            config.environment.append((String(e[..<eq]), String(e[e.index(after: eq)...])))
        }
        for d in dirs {
            let parts = d.components(separatedBy: "::")
            let host = parts[0]
            let guest = parts.count > 1 ? parts[1...].joined(separator: "::") : host
            config.preopens.append((hostPath: host, guestPath: guest, readOnly: false))
        }
        let wasi: WASI
        do { wasi = try WASI(config) } catch { throw Failure(message: "\(error)") }

        let store = Store()
        let imports = wasi.imports(store: store)
        let instance: ModuleInstance
        do {
            instance = try store.instantiate(compiled) { module, name in
                module == WASI.moduleName ? imports[name] : nil
            }
        } catch {
            if let code = WASI.exitCode(of: error) { return code }
            switch error {
            case .link(let e): throw Failure(message: "\(file): \(e)")
            case .execution(let e): throw Self.failure(e)
            }
        }

        do {
            if let name = invoke {
                try wasi.initialize(instance: instance, store: store)
                try invokeExport(name, instance: instance, store: store)
                return 0
            }
            if case .function? = instance.export("_start") {
                return try wasi.start(instance: instance, store: store)
            }
            if case .function? = instance.export("_initialize") {
                try wasi.initialize(instance: instance, store: store)
                return 0
            }
            throw Failure(message: "\(file): the module exports neither \"_start\" nor \"_initialize\" (use --invoke NAME)")
        } catch let e as ExecutionError {
            if let code = WASI.exitCode(of: e) { return code }
            throw Self.failure(e)
        }
    }

    static func failure(_ e: ExecutionError) -> Failure {
        switch e {
        case .trap(let trap, let backtrace):
            let lines = backtrace.map { "\n  at \($0)" }.joined()
            return Failure(message: "wasm trap: \(trap)\(lines)", code: 134)
        case .exception:
            return Failure(message: "uncaught wasm exception", code: 134)
        case .host(let inner):
            return Failure(message: "\(inner)")
        }
    }

    /// True if the file starts (after white space) with "(" or ";" — a text module.
    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        for b in bytes {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "("), UInt8(ascii: ";"): return true
            default: return false
            }
        }
        return false
    }

    func invokeExport(_ name: String, instance: ModuleInstance, store: Store) throws {
        guard case .function(let f)? = instance.export(name) else {
            throw Failure(message: "\(file): no exported function \"\(name)\"")
        }
        let params = f.type.parameters
        let arguments = guestArguments
        guard params.count == arguments.count else {
            throw Failure(message: "\"\(name)\" expects \(params.count) argument(s), got \(arguments.count)")
        }
        var cells: [UInt64] = []
        for (type, text) in zip(params, arguments) {
            guard let cell = Self.parse(text, as: type) else {
                throw Failure(message: "cannot parse \"\(text)\" as \(type)")
            }
            cells.append(cell)
        }
        let results = try store.invoke(f, arguments: cells)
        for (type, cell) in zip(f.type.results, results) {
            print(Self.format(cell, as: type))
        }
    }

    static func parse(_ text: String, as type: ValueType) -> UInt64? {
        switch type {
        case .i32:
            if let v = Int32(text) { return UInt64(UInt32(bitPattern: v)) }
            if let v = UInt32(text) { return UInt64(v) }
            return nil
        case .i64:
            if let v = Int64(text) { return UInt64(bitPattern: v) }
            return UInt64(text)
        case .f32:
            return Float(text).map { UInt64($0.bitPattern) }
        case .f64:
            return Double(text).map { $0.bitPattern }
        default:
            return nil
        }
    }

    static func format(_ cell: UInt64, as type: ValueType) -> String {
        switch type {
        case .i32: String(Int32(bitPattern: UInt32(truncatingIfNeeded: cell)))
        case .i64: String(Int64(bitPattern: cell))
        case .f32: Double(Float(bitPattern: UInt32(truncatingIfNeeded: cell))).description
        case .f64: Double(bitPattern: cell).description
        case .v128: "v128"
        case .ref: cell == 0 ? "null" : "ref"
        }
    }
}
