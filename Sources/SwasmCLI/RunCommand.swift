import WasmPlatform
import ArgumentParser
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WASI
import WasmBinary
import WasmCore
import WasmRuntime
import WasmText

/// The host descriptors a run uses for the guest's standard streams and for swasm's own messages.
struct StandardStreams {
    var stdin: Int32 = 0
    var stdout: Int32 = 1
    var stderr: Int32 = 2

    func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Platform.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }

    func error(_ message: String) { write(stderr, "error: \(message)\n") }
}

/// `swasm run`: runs a WASI command module, or calls one export.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a WebAssembly module with WASI (preview 1).",
        discussion: """
        Runs the module's `_start` (after `_initialize`, for reactors) and exits with the guest's exit code.
        With --invoke, calls that export instead, with ARGS parsed by its parameter types (i32, i64, f32, f64,
        v128), and prints each result on its own line. FILE may be a binary module or a text (.wat) module.

        A v128 argument is SHAPE:LANES, lane 0 first: i8x16:..., i16x8:..., i32x4:1,2,3,4, i64x2:..., f32x4:1.5,nan,inf,-0,
        f64x2:... (integer lanes decimal, signed or unsigned, or 0x hex; float lanes decimal, inf, -inf, nan,
        -nan or nan:0xPAYLOAD); or 0x and 32 hex digits, the vector as one 128-bit number, lane 0 in the last
        digits (0x00000004_00000003_00000002_00000001 is i32x4:1,2,3,4; "_" may separate digits). A v128 result
        prints as i32x4:LANES (signed), or as --v128-format says, so it can be pasted back as an argument.

        The guest sees only what it is given: the directories of --dir/--dir-ro (paths cannot escape them
        through "..", absolute paths or symlinks), the variables of --env/--inherit-env, and its arguments.

        Options go before FILE: everything after FILE is passed to the guest (or to --invoke) unchanged.

        Exit status: the guest's exit code; 134 after a trap (including fuel or time running out);
        1 when the module cannot be loaded, validated or linked.

        Examples:
          swasm run hello.wasm
          swasm run --dir data::/data --env HOME=/data prog.wasm arg1 arg2
          swasm run --dir-ro /usr/share/dict::dict --inherit-env grep.wasm word dict/words
          swasm run --fuel 1000000 --timeout 2.5 --max-memory 64M untrusted.wasm
          swasm run --invoke add math.wat 1 2
          swasm run --invoke scale --v128-format f32x4 vec.wat f32x4:1,2,3,4 0.5
        """
    )

    @Option(name: .customLong("dir"), help: ArgumentHelp("Preopen a host directory read-write, as GUEST (default: HOST).", valueName: "HOST[::GUEST]"))
    var dirs: [String] = []

    @Option(name: .customLong("dir-ro"), help: ArgumentHelp("Preopen a host directory read-only.", valueName: "HOST[::GUEST]"))
    var readOnlyDirs: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("Set a guest environment variable (NAME alone: copy the host's value).", valueName: "NAME=VALUE"))
    var env: [String] = []

    @Flag(name: .customLong("inherit-env"), help: "Give the guest every host environment variable (before --env).")
    var inheritEnv = false

    @Option(name: .customLong("invoke"), help: ArgumentHelp("Call this export instead of _start.", valueName: "NAME"))
    var invoke: String?

    @Option(name: .customLong("v128-format"),
            help: ArgumentHelp("How --invoke prints v128 results: lanes of \(V128Literal.Format.names) (default i32x4).",
                               valueName: "SHAPE"))
    var v128Format: String?

    @Flag(name: .customLong("deterministic-relaxed-simd"),
          help: "Relaxed SIMD instructions give the spec's deterministic results, not the fastest on this CPU.")
    var deterministicRelaxedSIMD = false

    // The numeric options take their value `.unconditional`ly, so "--fuel -1" reaches `limits()`, which says what
    // is wrong with it, instead of ArgumentParser reading "-1" as an option and reporting a missing value.

    @Option(name: .customLong("fuel"), parsing: .unconditional,
            help: ArgumentHelp("Stop the guest after N units of fuel (one per call and loop iteration).", valueName: "N"))
    var fuel: String?

    @Option(name: .customLong("max-memory"), parsing: .unconditional,
            help: ArgumentHelp("Largest size of each linear memory (suffixes K, M, G; default: 4G for 32-bit memories, 16G for 64-bit ones).",
                               valueName: "BYTES"))
    var maxMemory: String?

    @Option(name: .customLong("timeout"), parsing: .unconditional,
            help: ArgumentHelp("Interrupt the guest after this long (e.g. 10, 2.5, 500ms).", valueName: "SECONDS"))
    var timeout: String?

    @Option(name: .customLong("max-stack"), parsing: .unconditional,
            help: ArgumentHelp("Maximum depth of nested wasm calls (default 20000).", valueName: "N"))
    var maxStack: String?

    /// The options above that take a value (the others are flags): `fileIndex(in:)` skips their values when it
    /// looks for FILE. A test checks this list against the help text.
    static let optionsWithValues: Set<String> = ["--dir", "--dir-ro", "--env", "--invoke", "--v128-format", "--fuel",
                                                 "--max-memory", "--timeout", "--max-stack"]

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the guest (or for the invoked export).")
    var arguments: [String] = []

    func run() throws {
        let code = execute(StandardStreams())
        if code != 0 { throw ExitCode(code) }
    }

    /// Runs the module; returns the process exit code. Every failure is reported on `io.stderr`.
    func execute(_ io: StandardStreams) -> Int32 {
        do {
            return try runModule(io)
        } catch let f as CLIFailure {
            io.error(f.message)
            return f.code
        } catch {
            io.error("\(error)")
            return 1
        }
    }

    /// The guest (or --invoke) arguments, without a leading "--" separator.
    var guestArguments: [String] {
        arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
    }

    /// Parses "123", "64K", "16M", "1G" (binary multiples).
    static func parseBytes(_ text: String) -> UInt64? {
        var digits = text.uppercased()
        var multiplier: UInt64 = 1
        if digits.hasSuffix("IB") || (digits.hasSuffix("B") && digits.count > 1 && !digits.dropLast().allSatisfy(\.isNumber)) {
            digits.removeLast(digits.hasSuffix("IB") ? 2 : 1)
        }
        switch digits.last {
        case "K": multiplier = 1 << 10
        case "M": multiplier = 1 << 20
        case "G": multiplier = 1 << 30
        default: break
        }
        if multiplier != 1 { digits.removeLast() }
        guard let n = UInt64(digits) else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : v
    }

    /// Parses "10", "2.5", "2.5s", "500ms" as seconds.
    static func parseSeconds(_ text: String) -> Double? {
        var t = text
        var scale = 1.0
        if t.hasSuffix("ms") { t.removeLast(2); scale = 0.001 } else if t.hasSuffix("s") { t.removeLast() }
        guard let v = Double(t), v.isFinite, v >= 0 else { return nil }
        return v * scale
    }

    /// The largest --max-stack: the call-frame stack is allocated up front (24 bytes a frame).
    static let maxStackLimit = 100_000_000

    func limits() throws(CLIFailure) -> StoreLimits {
        var limits = StoreLimits()
        if let maxMemory {
            guard let bytes = Self.parseBytes(maxMemory) else {
                throw CLIFailure(message: "--max-memory expects a byte count such as 1048576 or 64M, got \"\(maxMemory)\"")
            }
            limits.maxMemoryBytes = bytes
        }
        if let maxStack {
            guard let depth = Int(maxStack), depth > 0, depth <= Self.maxStackLimit else {
                throw CLIFailure(message: "--max-stack must be an integer from 1 to \(Self.maxStackLimit), got \"\(maxStack)\"")
            }
            limits.maxCallDepth = depth
        }
        if let fuel {
            guard let units = UInt64(fuel) else {
                throw CLIFailure(message: "--fuel must be a non-negative integer, got \"\(fuel)\"")
            }
            limits.fuel = units
        }
        return limits
    }

    func configuration() throws(CLIFailure) -> WASIConfiguration {
        var config = WASIConfiguration(arguments: [file] + (invoke == nil ? guestArguments : []))
        if inheritEnv {
            for (name, value) in ProcessInfo.processInfo.environment.sorted(by: { $0.key < $1.key }) {
                config.environment.append((name, value))
            }
        }
        for e in env {
            let name: String, value: String
            if let eq = e.firstIndex(of: "=") {
                name = String(e[..<eq])
                value = String(e[e.index(after: eq)...])
            } else {
                guard let v = ProcessInfo.processInfo.environment[e] else { continue }
                name = e
                value = v
            }
            guard !name.isEmpty else { throw CLIFailure(message: "--env expects NAME=VALUE, got \"\(e)\"") }
            config.environment.removeAll { $0.0 == name }
            config.environment.append((name, value))
        }
        for (list, readOnly) in [(dirs, false), (readOnlyDirs, true)] {
            for d in list {
                let host: String, guest: String
                if let range = d.firstRange(of: "::") {
                    host = String(d[..<range.lowerBound])
                    guest = String(d[range.upperBound...])
                } else {
                    host = d
                    guest = d
                }
                guard !host.isEmpty, !guest.isEmpty else {
                    throw CLIFailure(message: "--dir expects HOST[::GUEST], got \"\(d)\"")
                }
                config.preopens.append((hostPath: host, guestPath: guest, readOnly: readOnly))
            }
        }
        return config
    }

    func runModule(_ io: StandardStreams) throws -> Int32 {
        // Options first: a bad value is reported before the module is loaded.
        let limits = try self.limits()
        var config = try configuration()
        config.stdin = io.stdin
        config.stdout = io.stdout
        config.stderr = io.stderr
        var format = V128Literal.Format.lanes(.i32x4)
        if let v128Format {
            guard let f = V128Literal.Format(v128Format) else {
                throw CLIFailure(message: "--v128-format expects \(V128Literal.Format.names), got \"\(v128Format)\"")
            }
            format = f
        }
        var seconds: Double?
        if let timeout {
            guard let s = Self.parseSeconds(timeout) else {
                throw CLIFailure(message: "--timeout expects seconds such as 10, 2.5 or 500ms, got \"\(timeout)\"")
            }
            seconds = s
        }

        let input = try ModuleFile(file)
        let compiled: CompiledModule
        do { compiled = try compileModule(input.bytes, relaxedSIMD: deterministicRelaxedSIMD ? .deterministic : .fastest) } catch {
            switch error {
            case .malformed(let e): throw CLIFailure(message: "\(file): \(e)")
            case .invalid(let e): throw CLIFailure(message: "\(file): \(e)")
            case .unsupported(let m): throw CLIFailure(message: "\(file): unsupported: \(m)")
            }
        }
        let store = Store(limits: limits)
        if let seconds {
            let deadline = ContinuousClock.now.advanced(by: .nanoseconds(Int64(min(seconds, 1e9) * 1e9)))
            store.deadline = deadline
            config.deadline = deadline
            config.interruptHandle = store.interruptHandle
            // The watchdog also interrupts code that does not reach a deadline check on its own.
            let handle = store.interruptHandle
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { handle.interrupt() }
        }

        let wasi: WASI
        do { wasi = try WASI(config) } catch { throw CLIFailure(message: "\(error)") }
        let imports = wasi.imports(store: store)
        let instance: ModuleInstance
        do {
            instance = try store.instantiate(compiled) { module, name in
                module == WASI.moduleName ? imports[name] : nil
            }
        } catch {
            if let code = WASI.exitCode(of: error) { return code }
            switch error {
            case .link(let e):
                var message = "\(file): \(e)"
                if e.message.hasPrefix("unknown import"), let imp = compiled.module.imports.first(where: {
                    $0.module != WASI.moduleName || imports[$0.name] == nil
                }) {
                    message = "\(file): unknown import \"\(imp.module)\" \"\(imp.name)\""
                        + (imp.module == WASI.moduleName ? " (not a WASI preview 1 function)"
                            : " (swasm run provides only \(WASI.moduleName))")
                }
                throw CLIFailure(message: message)
            case .execution(let e): throw Self.failure(e, limits: limits, stack: store.lastStackExhaustion)
            }
        }

        do {
            if let name = invoke {
                try wasi.initialize(instance: instance, store: store)
                try invokeExport(name, instance: instance, store: store, io: io, v128Format: format)
                return 0
            }
            if case .function? = instance.export("_start") {
                return try wasi.start(instance: instance, store: store)
            }
            if case .function? = instance.export("_initialize") {
                try wasi.initialize(instance: instance, store: store)
                return 0
            }
            throw CLIFailure(message: "\(file): the module exports neither \"_start\" nor \"_initialize\" (use --invoke NAME)")
        } catch let e as ExecutionError {
            if let code = WASI.exitCode(of: e) { return code }
            throw Self.failure(e, limits: limits, stack: store.lastStackExhaustion)
        }
    }

    /// The one-line report of a failed run; `stack` says which limit a "call stack exhausted" trap hit.
    static func failure(_ e: ExecutionError, limits: StoreLimits, stack: StackExhaustion?) -> CLIFailure {
        switch e {
        case .trap(let trap, let backtrace):
            let lines = backtraceLines(backtrace).map { "\n  \($0)" }.joined()
            // --timeout sets a deadline and, for code that does not reach a deadline check, a watchdog interrupt:
            // whichever stops the run first, it is the deadline.
            let shown = trap == .interrupted ? Trap.deadlineExceeded : trap
            var message = "wasm trap: \(shown)"
            switch shown {
            case .outOfFuel: message += " (the --fuel limit was reached)"
            case .deadlineExceeded: message += " (the --timeout limit was reached)"
            case .callStackExhausted:
                if case .valueStack(let depth)? = stack {
                    message += " (the value stack of \(limits.valueStackSlots) slots filled up at \(depth) nested calls,"
                        + " before the --max-stack depth of \(limits.maxCallDepth))"
                } else {
                    message += " (deeper than \(limits.maxCallDepth) calls; see --max-stack)"
                }
            default: break
            }
            return CLIFailure(message: message + lines, code: 134)
        case .exception:
            return CLIFailure(message: "wasm trap: uncaught wasm exception", code: 134)
        case .host(let inner):
            if let t = inner as? Trap { return failure(.trap(t, backtrace: []), limits: limits, stack: stack) }
            return CLIFailure(message: "\(inner)")
        }
    }
    func invokeExport(_ name: String, instance: ModuleInstance, store: Store, io: StandardStreams,
                      v128Format: V128Literal.Format) throws {
        guard case .function(let f)? = instance.export(name) else {
            let functions = instance.exports.compactMap { e -> String? in
                if case .function = e.value { return e.name }
                return nil
            }
            throw CLIFailure(message: "\(file): no exported function \"\(name)\""
                + (functions.isEmpty ? "" : " (exported functions: \(functions.prefix(10).joined(separator: ", ")))"))
        }
        let params = f.type.parameters
        let arguments = guestArguments
        guard params.count == arguments.count else {
            throw CLIFailure(message: "\"\(name)\" expects \(params.count) argument(s), got \(arguments.count)")
        }
        var cells: [UInt64] = []
        for (i, (type, text)) in zip(params, arguments).enumerated() {
            if type == .v128 {
                do {
                    let v = try V128Literal(parsing: text)
                    cells += [v.low, v.high]
                } catch {
                    throw CLIFailure(message: "cannot parse \"\(text)\" as v128 (argument \(i + 1)): \(error.message)")
                }
                continue
            }
            guard let cell = Self.parse(text, as: type) else {
                throw CLIFailure(message: "cannot parse \"\(text)\" as \(Printer.valueType(type))")
            }
            cells.append(cell)
        }
        let results = try store.invoke(f, arguments: cells)
        for line in Self.format(results, as: f.type.results, v128: v128Format) {
            io.write(io.stdout, line + "\n")
        }
    }

    /// One line per result: the values of `types` read one after another from `cells` (a v128 takes two).
    static func format(_ cells: [UInt64], as types: [ValueType], v128: V128Literal.Format) -> [String] {
        var offset = 0
        return types.map { type in
            defer { offset += type.cellCount }
            let first = offset < cells.count ? cells[offset] : 0
            guard type == .v128 else { return format(first, as: type) }
            let second = offset + 1 < cells.count ? cells[offset + 1] : 0
            return V128Literal(low: first, high: second).formatted(v128)
        }
    }

    static func parse(_ text: String, as type: ValueType) -> UInt64? {
        switch type {
        case .i32:
            if let v = Int32(text) { return UInt64(UInt32(bitPattern: v)) }
            if let v = UInt32(text) { return UInt64(v) }
            if text.hasPrefix("0x"), let v = UInt32(text.dropFirst(2), radix: 16) { return UInt64(v) }
            return nil
        case .i64:
            if let v = Int64(text) { return UInt64(bitPattern: v) }
            if text.hasPrefix("0x"), let v = UInt64(text.dropFirst(2), radix: 16) { return v }
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
        case .f32: Float(bitPattern: UInt32(truncatingIfNeeded: cell)).description
        case .f64: Double(bitPattern: cell).description
        case .v128: V128Literal(low: cell, high: 0).formatted(.lanes(.i32x4))
        case .ref: cell == 0 ? "null" : "ref"
        }
    }
}

// MARK: - Guest arguments in linear time

extension RunCommand {
    /// The index of FILE in the arguments after "run": the first one that is neither an option nor the value
    /// of one of `optionsWithValues`; nil if there is none.
    static func fileIndex(in arguments: ArraySlice<String>) -> Int? {
        var i = arguments.startIndex
        while i < arguments.endIndex {
            let argument = arguments[i]
            guard argument.hasPrefix("-"), argument != "-" else { return i }
            i += optionsWithValues.contains(argument) ? 2 : 1
        }
        return nil
    }
}

extension SwasmCommand {
    /// `ParsableCommand.main()`, parsing with `parseAsRoot` below.
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// `ParsableCommand.parseAsRoot`, except that for `swasm run` ArgumentParser reads only the options and
    /// FILE, and the arguments after FILE become the guest's unread: ArgumentParser's passthrough capture takes
    /// quadratic time (100,000 guest arguments took 330 s). When ArgumentParser finds a different FILE in
    /// that prefix, it parses the whole command line as before.
    public static func parseAsRoot(_ arguments: [String]? = nil) throws -> any ParsableCommand {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        let argumentParser: any ParsableCommand.Type = SwasmCommand.self
        if arguments.first == "run", let file = RunCommand.fileIndex(in: arguments.dropFirst()) {
            if var run = try argumentParser.parseAsRoot(Array(arguments[...file])) as? RunCommand,
               run.file == arguments[file], run.arguments.isEmpty {
                run.arguments = Array(arguments[(file + 1)...])
                return run
            }
        }
        return try argumentParser.parseAsRoot(arguments)
    }
}
