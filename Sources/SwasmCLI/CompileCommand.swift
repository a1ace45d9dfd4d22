import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WasmCore
import WasmRuntime

/// `swasm compile`: decodes, validates and translates every function of modules, without running them.
struct CompileCommand: StreamingCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Decode, validate and translate modules to the interpreter's code, without running them.",
        discussion: """
        Does everything `swasm run` does before instantiating, translating every function body eagerly, \
        then discards the result. Prints "FILE: compiled (N functions)" for each module, or one error line \
        like `swasm validate`; exits non-zero if any module does not compile.

        --stats adds the time of each phase (decode; validate + translate) and the size of the translated \
        code against the size of the code section (translated / code section):
          code section: N bytes, translated code: M bytes (R.RRx)

        Examples:
          swasm compile program.wasm
          swasm compile --stats program.wasm a.wat
        """
    )

    @Argument(help: "Modules (.wasm or .wat).")
    var files: [String]

    @Flag(help: "Print phase times and the translated code size against the code section size.")
    var stats = false

    func execute(_ io: StandardStreams) throws(CLIFailure) {
        var failed = false
        for file in files {
            do {
                io.write(io.stdout, try compile(file))
            } catch {
                io.error(error.message)
                failed = true
            }
        }
        if failed { throw CLIFailure(message: "") }
    }

    /// Compiles one file; returns its report.
    func compile(_ file: String) throws(CLIFailure) -> String {
        let input = try ModuleFile(file)
        let clock = ContinuousClock()
        let t0 = clock.now
        let module = try input.decode()
        let t1 = clock.now
        let compiled: CompiledModule
        do { compiled = try compileModule(module, translation: .eager) } catch {
            switch error {
            case .malformed(let e): throw CLIFailure(message: "\(file): \(e)")
            case .invalid(let e): throw CLIFailure(message: "\(file): \(e)")
            case .unsupported(let m): throw CLIFailure(message: "\(file): unsupported: \(m)")
            }
        }
        let t2 = clock.now
        var out = "\(file): compiled (\(module.bodies.count) functions)\n"
        guard stats else { return out }
        let codeSection = InspectCommand.codeSectionSize(input.bytes)
        let ratio = codeSection > 0 ? Self.fixed(Double(compiled.codeByteCount) / Double(codeSection)) + "x" : "n/a"
        out += "  decode: \(Self.fixed((t1 - t0) / .seconds(1), 4)) s\n"
        out += "  validate + translate: \(Self.fixed((t2 - t1) / .seconds(1), 4)) s\n"
        out += "  code section: \(codeSection) bytes, translated code: \(compiled.codeByteCount) bytes (\(ratio))\n"
        return out
    }

    /// `x` with `digits` decimals (no Foundation formatting, so the output is locale-independent).
    static func fixed(_ x: Double, _ digits: Int = 2) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = Int((x * scale).rounded())
        let whole = String(n / Int(scale))
        guard digits > 0 else { return whole }
        let frac = String(n % Int(scale))
        return whole + "." + String(repeating: "0", count: digits - frac.count) + frac
    }
}
