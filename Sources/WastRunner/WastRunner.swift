import WasmBinary
import WasmCore
import WasmRuntime
import WasmText

/// The outcome of one WAST script.
package struct WastFileResult: Sendable {
    package var name: String
    package var passed = 0
    package var failed = 0
    /// "line:column: what went wrong", one per failed command.
    package var failures: [String] = []
    /// A script that could not be parsed at all.
    package var scriptError: String?

    package init(name: String) { self.name = name }
}

/// Runs WAST scripts (the spec testsuite format) against the Swasm engine.
///
/// Every command counts as one check: module definitions, registrations, actions and assertions.
package struct WastRunner {
    /// Compile every module for the portable handlers (see `HandlerSet.portable`).
    package var portableHandlers = false
    /// What relaxed SIMD instructions compute in every module.
    package var relaxedSIMD = RelaxedSIMD.fastest

    package init(portableHandlers: Bool = false, relaxedSIMD: RelaxedSIMD = .fastest) {
        self.portableHandlers = portableHandlers
        self.relaxedSIMD = relaxedSIMD
    }

    /// Parses and runs a script.
    package func run(source: String, name: String) -> WastFileResult {
        var result = WastFileResult(name: name)
        let script: WastScript
        do { script = try Wast.parse(source) } catch {
            result.scriptError = "\(name):\(error.location): \(error.message)"
            result.failed = 1
            return result
        }
        var session = Session()
        session.handlers = portableHandlers ? .portable : .native
        session.relaxedSIMD = relaxedSIMD
        for command in script.commands {
            if let failure = session.run(command) {
                result.failed += 1
                result.failures.append("\(name):\(command.location): \(failure)")
            } else {
                result.passed += 1
            }
        }
        return result
    }
}

/// The state of one script run: its store, named modules and registrations.
struct Session {
    let store = Store()
    var current: ModuleInstance?
    var named: [String: ModuleInstance] = [:]
    var definitions: [String: CompiledModule] = [:]
    var registered: [String: ModuleInstance] = [:]
    var spectest: [String: ExternalValue] = [:]
    var externs: [UInt32: ExternObject] = [:]
    /// The handlers modules are compiled for.
    var handlers = HandlerSet.native
    /// What relaxed SIMD instructions compute.
    var relaxedSIMD = RelaxedSIMD.fastest

    init() {
        spectest = Self.makeSpectest(store)
    }

    /// The host module every spec test may import from.
    static func makeSpectest(_ store: Store) -> [String: ExternalValue] {
        var m: [String: ExternalValue] = [:]
        func printer(_ name: String, _ params: [ValueType]) {
            m[name] = .function(store.makeHostFunction(type: FunctionType(parameters: params, results: []), name: name) { _ in })
        }
        printer("print", [])
        printer("print_i32", [.i32])
        printer("print_i64", [.i64])
        printer("print_f32", [.f32])
        printer("print_f64", [.f64])
        printer("print_i32_f32", [.i32, .f32])
        printer("print_f64_f64", [.f64, .f64])
        let module = try? compileModule(Self.spectestModule)
        if let module, let instance = try? store.instantiate(module, resolve: { _, _ in nil }) {
            for (name, value) in instance.exports { m[name] = value }
        }
        return m
    }

    /// Globals, table and memory of the spectest module, as a wasm module (built once).
    static let spectestModule: Module = {
        var m = Module()
        m.globals = [
            GlobalDefinition(type: GlobalType(valueType: .i32, isMutable: false), initializer: ConstantExpression([.i32Const(666)])),
            GlobalDefinition(type: GlobalType(valueType: .i64, isMutable: false), initializer: ConstantExpression([.i64Const(666)])),
            GlobalDefinition(type: GlobalType(valueType: .f32, isMutable: false), initializer: ConstantExpression([.f32Const(Float(666.6).bitPattern)])),
            GlobalDefinition(type: GlobalType(valueType: .f64, isMutable: false), initializer: ConstantExpression([.f64Const(Double(666.6).bitPattern)])),
        ]
        m.tables = [
            TableDefinition(type: TableType(elementType: .funcref, limits: Limits(min: 10, max: 20))),
            TableDefinition(type: TableType(elementType: .funcref, limits: Limits(min: 10, max: 20), addressType: .i64)),
        ]
        m.memories = [MemoryType(limits: Limits(min: 1, max: 2))]
        m.exports = [
            Export(name: "global_i32", kind: .global, index: 0),
            Export(name: "global_i64", kind: .global, index: 1),
            Export(name: "global_f32", kind: .global, index: 2),
            Export(name: "global_f64", kind: .global, index: 3),
            Export(name: "table", kind: .table, index: 0),
            Export(name: "table64", kind: .table, index: 1),
            Export(name: "memory", kind: .memory, index: 0),
        ]
        return m
    }()

    // MARK: Commands

    /// Runs one command; returns a failure description, or nil if it passed.
    mutating func run(_ command: WastCommand) -> String? {
        switch command {
        case .module(let m):
            switch compile(m.source) {
            case .failure(let e): return "module failed to compile: \(e)"
            case .success(let compiled):
                if m.isDefinition {
                    if let name = m.name { definitions[name] = compiled }
                    return nil
                }
                switch instantiate(compiled) {
                case .failure(let e): return "module failed to instantiate: \(e)"
                case .success(let instance):
                    current = instance
                    if let name = m.name { named[name] = instance }
                    return nil
                }
            }
        case .moduleInstance(let instanceName, let definition, _):
            guard let compiled = definition.flatMap({ definitions[$0] }) else { return "unknown module definition" }
            switch instantiate(compiled) {
            case .failure(let e): return "module failed to instantiate: \(e)"
            case .success(let instance):
                current = instance
                if let instanceName { named[instanceName] = instance }
                return nil
            }
        case .register(let name, let module, _):
            guard let instance = module.map({ named[$0] }) ?? current else { return "no module to register" }
            registered[name] = instance
            return nil
        case .action(let action, _):
            if case .failure(let e) = perform(action) { return "action failed: \(e)" }
            return nil
        case .assertReturn(let action, let expected, _):
            switch perform(action) {
            case .failure(let e): return "expected results, got \(e)"
            case .success(let (values, types)):
                return check(values, types, expected)
            }
        case .assertTrap(let action, let message, _):
            return expectTrap(perform(action), message)
        case .assertExhaustion(let action, let message, _):
            return expectTrap(perform(action), message)
        case .assertException(let action, _):
            switch perform(action) {
            case .success: return "expected an exception, got results"
            case .failure(let e):
                if case .execution(.exception) = e { return nil }
                return "expected an exception, got \(e)"
            }
        case .assertModuleTrap(let m, let message, _), .assertUninstantiable(let m, let message, _):
            switch compile(m.source) {
            case .failure(let e): return "module failed to compile: \(e)"
            case .success(let compiled):
                switch instantiate(compiled) {
                case .success: return "expected instantiation to trap with \"\(message)\""
                case .failure(.execution(let e)):
                    return "\(e)".contains(message) ? nil : "expected trap \"\(message)\", got \(e)"
                case .failure(let e): return "expected trap \"\(message)\", got \(e)"
                }
            }
        case .assertUnlinkable(let m, let message, _):
            switch compile(m.source) {
            case .failure(let e): return "module failed to compile: \(e)"
            case .success(let compiled):
                switch instantiate(compiled) {
                case .success: return "expected link failure \"\(message)\""
                case .failure(.link(let e)):
                    return e.message.contains(message) ? nil : "expected link error \"\(message)\", got \(e)"
                case .failure(let e): return "expected link error \"\(message)\", got \(e)"
                }
            }
        case .assertMalformed(let m, let message, _), .assertInvalid(let m, let message, _),
             .assertMalformedCustom(let m, let message, _), .assertInvalidCustom(let m, let message, _):
            let isText: Bool
            if case .quote = m.source { isText = true } else { isText = false }
            switch compile(m.source) {
            case .success: return "expected failure \"\(message)\", but the module compiled"
            case .failure(.text(let e)):
                return isText || e.message.contains(message) ? nil : "expected \"\(message)\", got text error \(e)"
            case .failure(.compile(let e)):
                // Text modules are checked for rejection only: their messages come from the text parser's stage.
                if isText || e.message.contains(message) { return nil }
                return "expected \"\(message)\", got \"\(e.message)\""
            }
        }
    }

    enum CompileFailure: Error, CustomStringConvertible {
        case text(TextError)
        case compile(CompileError)
        var description: String {
            switch self {
            case .text(let e): "text error \(e)"
            case .compile(let e): e.description
            }
        }
    }

    func compile(_ source: WastModuleSource) -> Result<CompiledModule, CompileFailure> {
        let bytes: [UInt8]
        switch source {
        case .binary(let b): bytes = b
        case .quote(let text):
            do { bytes = try WAT.encode(text) } catch { return .failure(.text(error)) }
        case .textError(let e): return .failure(.text(e))
        }
        do { return .success(try compileModule(bytes, handlers: handlers, relaxedSIMD: relaxedSIMD)) } catch { return .failure(.compile(error)) }
    }

    mutating func instantiate(_ compiled: CompiledModule) -> Result<ModuleInstance, InstantiationError> {
        let registered = self.registered
        let spectest = self.spectest
        do {
            let instance = try store.instantiate(compiled) { module, name in
                if module == "spectest" { return spectest[name] }
                return registered[module]?.export(name)
            }
            return .success(instance)
        } catch {
            return .failure(error)
        }
    }

    enum ActionFailure: Error, CustomStringConvertible {
        case missing(String)
        case unsupported(String)
        case execution(ExecutionError)
        var description: String {
            switch self {
            case .missing(let m): m
            case .unsupported(let m): m
            case .execution(let e): "\(e)"
            }
        }
    }

    mutating func perform(_ action: WastAction) -> Result<([UInt64], [ValueType]), ActionFailure> {
        switch action {
        case .invoke(let module, let name, let arguments):
            guard let instance = module.map({ named[$0] }) ?? current else { return .failure(.missing("no module")) }
            guard case .function(let f)? = instance.export(name) else { return .failure(.missing("no function export \"\(name)\"")) }
            var cells: [UInt64] = []
            for a in arguments {
                guard let c = self.cells(a) else { return .failure(.unsupported("unsupported argument \(a)")) }
                cells += c
            }
            do {
                let results = try store.invoke(f, arguments: cells)
                return .success((results, f.type.results))
            } catch {
                return .failure(.execution(error))
            }
        case .get(let module, let name):
            guard let instance = module.map({ named[$0] }) ?? current else { return .failure(.missing("no module")) }
            guard case .global(let g)? = instance.export(name) else { return .failure(.missing("no global export \"\(name)\"")) }
            return .success((g.cells, [g.type.valueType]))
        }
    }

    mutating func extern(_ n: UInt32) -> ExternObject {
        if let e = externs[n] { return e }
        let e = store.makeExternObject(n)
        externs[n] = e
        return e
    }

    /// The cells of an argument: one, or two for a v128 (bytes 0-7, then 8-15).
    mutating func cells(_ v: WastValue) -> [UInt64]? {
        switch v {
        case .i32(let x): [UInt64(x)]
        case .i64(let x): [x]
        case .f32(let x): [UInt64(x)]
        case .f64(let x): [x]
        case .v128(let bytes):
            bytes.count == 16 ? [Self.littleEndianWord(bytes[0..<8]), Self.littleEndianWord(bytes[8..<16])] : nil
        case .refNull: [0]
        case .refExtern(let n), .refHost(let n): [extern(n).cellValue]
        }
    }

    static func littleEndianWord(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    func expectTrap(_ result: Result<([UInt64], [ValueType]), ActionFailure>, _ message: String) -> String? {
        switch result {
        case .success: return "expected trap \"\(message)\", got results"
        case .failure(.execution(.trap(let t, _))):
            return t.description.contains(message) ? nil : "expected trap \"\(message)\", got \"\(t)\""
        case .failure(let e): return "expected trap \"\(message)\", got \(e)"
        }
    }

    func check(_ cells: [UInt64], _ types: [ValueType], _ expected: [WastExpected]) -> String? {
        guard types.count == expected.count, cells.count == types.cellCount else {
            return "expected \(expected.count) results, got \(types.count)"
        }
        var next = 0
        for (i, t) in types.enumerated() {
            let value = Array(cells[next..<next + t.cellCount])
            next += t.cellCount
            if !matches(value, expected[i]) {
                return "result \(i): expected \(expected[i]), got \(describe(value, t))"
            }
        }
        return nil
    }

    /// Whether a result's cells (two for a v128) match the expectation.
    func matches(_ cells: [UInt64], _ e: WastExpected) -> Bool {
        if case .either(let options) = e { return options.contains { matches(cells, $0) } }
        if case .v128(let shape, let lanes) = e { return cells.count == 2 && Self.matches(cells, shape: shape, lanes) }
        if case .value(.v128(let bytes)) = e {
            return bytes.count == 16 && cells == [Self.littleEndianWord(bytes[0..<8]), Self.littleEndianWord(bytes[8..<16])]
        }
        guard cells.count == 1 else { return false }
        let v = cells[0]
        switch e {
        case .value(let x):
            switch x {
            case .i32(let y): return v & 0xFFFF_FFFF == UInt64(y)
            case .i64(let y): return v == y
            case .f32(let y): return v & 0xFFFF_FFFF == UInt64(y)
            case .f64(let y): return v == y
            case .v128: return false
            case .refNull: return v == 0
            case .refExtern(let n), .refHost(let n):
                return (externs[n].map { $0.cellValue == v }) ?? false
            }
        case .f32NaN, .f64NaN: return Self.matchesNaN(v, e)
        case .v128: return false
        case .anyNull: return v == 0
        case .anyExtern, .anyFunc, .anyRef: return v != 0
        case .either: return false  // handled above
        }
    }

    /// Whether a v128's lanes (of `shape`: i8, i16, i32, i64, f32 or f64) match their patterns.
    static func matches(_ cells: [UInt64], shape: String, _ lanes: [WastLanePattern]) -> Bool {
        let bits = [8: 8, 16: 16, 32: 32, 64: 64][Int(shape.dropFirst()) ?? 0] ?? 0
        guard bits > 0, lanes.count * bits == 128 else { return false }
        let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        for (k, pattern) in lanes.enumerated() {
            let bitOffset = k * bits
            let lane = cells[bitOffset / 64] >> UInt64(bitOffset % 64) & mask
            switch pattern {
            case .bits(let x): if lane != x & mask { return false }
            case .nan(let kind):
                let nan: WastExpected = bits == 32 ? .f32NaN(kind) : .f64NaN(kind)
                guard shape.hasPrefix("f"), matchesNaN(lane, nan) else { return false }
            }
        }
        return true
    }

    static func matchesNaN(_ v: UInt64, _ e: WastExpected) -> Bool {
        switch e {
        case .f32NaN(let kind):
            let bits = UInt32(truncatingIfNeeded: v)
            return kind == .canonical ? bits & 0x7FFF_FFFF == 0x7FC0_0000
                : (bits & 0x7F80_0000 == 0x7F80_0000 && bits & 0x0040_0000 != 0)
        case .f64NaN(let kind):
            return kind == .canonical ? v & 0x7FFF_FFFF_FFFF_FFFF == 0x7FF8_0000_0000_0000
                : (v & 0x7FF0_0000_0000_0000 == 0x7FF0_0000_0000_0000 && v & 0x0008_0000_0000_0000 != 0)
        default: return false
        }
    }

    func describe(_ cells: [UInt64], _ t: ValueType) -> String {
        let v = cells.first ?? 0
        return switch t {
        case .i32: "i32 \(Int32(bitPattern: UInt32(truncatingIfNeeded: v)))"
        case .i64: "i64 \(Int64(bitPattern: v))"
        case .f32: "f32 \(Float(bitPattern: UInt32(truncatingIfNeeded: v))) (0x\(String(v, radix: 16)))"
        case .f64: "f64 \(Double(bitPattern: v)) (0x\(String(v, radix: 16)))"
        case .v128: "v128 i64x2 0x\(String(v, radix: 16)) 0x\(String(cells.last ?? 0, radix: 16))"
        case .ref: v == 0 ? "null" : "ref 0x\(String(v, radix: 16))"
        }
    }
}
