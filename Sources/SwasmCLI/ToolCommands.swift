import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WasmBinary
import WasmCore
import WasmText
import WasmValidation

/// `swasm validate`: decodes and validates modules.
struct ValidateCommand: StreamingCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check that modules are well-formed and valid.",
        discussion: """
        Prints "FILE: valid" for each module, or one error line with the byte offset (malformed or invalid
        binary) or line:column (text) of the problem. Exits non-zero if any module is not valid.

        --stats adds the time of each phase, and the validation phase's speed in megabytes (10^6 bytes) of
        code section per second:
          decode: D s
          validate: V s (code section: N bytes, R MB/s)

        Examples:
          swasm validate program.wasm
          swasm validate a.wat b.wasm
          swasm validate --stats program.wasm
        """
    )

    @Argument(help: "Modules (.wasm or .wat).")
    var files: [String]

    @Flag(help: "Print the decoding and validation times and the validation speed.")
    var stats = false

    func execute(_ io: StandardStreams) throws(CLIFailure) {
        var failed = false
        for file in files {
            do throws(CLIFailure) {
                let input = try ModuleFile(file)
                let clock = ContinuousClock()
                let t0 = clock.now
                let module = try input.decode()
                let t1 = clock.now
                do throws(WasmValidation.ValidationError) { try validateModule(module) } catch {
                    throw CLIFailure(message: "\(file): \(error)")
                }
                let t2 = clock.now
                io.write(io.stdout, "\(file): valid (\(module.functionTypeIndices.count) functions, \(module.exports.count) exports)\n")
                if stats {
                    let code = InspectCommand.codeSectionSize(input.bytes)
                    let seconds = (t2 - t1) / .seconds(1)
                    let speed = seconds > 0 ? CompileCommand.fixed(Double(code) / seconds / 1e6, 1) : "n/a"
                    io.write(io.stdout, "  decode: \(CompileCommand.fixed((t1 - t0) / .seconds(1), 4)) s\n"
                             + "  validate: \(CompileCommand.fixed(seconds, 4)) s (code section: \(code) bytes, \(speed) MB/s)\n")
                }
            } catch {
                io.error(error.message)
                failed = true
            }
        }
        if failed { throw CLIFailure(message: "") }
    }
}

/// `swasm wat2wasm`: encodes a text module to binary.
struct Wat2WasmCommand: StreamingCommand {
    static let configuration = CommandConfiguration(
        commandName: "wat2wasm",
        abstract: "Encode a text module (.wat) as a binary module (.wasm).",
        discussion: """
        The output is validated unless --no-validate is given. Function $ids are kept in a `name` section.

        Examples:
          swasm wat2wasm add.wat -o add.wasm
          swasm wat2wasm add.wat            (writes add.wasm)
        """
    )

    @Argument(help: "The text module.")
    var input: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The binary module to write (default: INPUT with .wasm).", valueName: "OUT"))
    var output: String?

    @Flag(help: "Do not validate the encoded module.")
    var noValidate = false

    func execute(_ io: StandardStreams) throws(CLIFailure) {
        do {
            let raw = try ModuleFile.read(input)
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw CLIFailure(message: "\(input): the text module is not valid UTF-8")
            }
            let bytes: [UInt8]
            do throws(TextError) { bytes = try WAT.encode(text) } catch {
                throw CLIFailure(message: "\(input):\(error.location): \(error.message)")
            }
            let file = ModuleFile(path: input, bytes: bytes)
            if !noValidate { _ = try file.validate() }
            let out = output ?? (input.hasSuffix(".wat") ? String(input.dropLast(4)) : input) + ".wasm"
            try writeFile(out, bytes)
        }
    }
}

extension ModuleFile {
    /// A module already in memory (for messages that name `path`).
    init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        self.isText = false
    }
}

/// `swasm print`: prints a module as WAT.
struct PrintCommand: StreamingCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Print a module in the text format (WAT).",
        discussion: """
        The text reads back (with `swasm wat2wasm` or wabt's `wat2wasm`) to the same module. Indices are numeric;
        function names from the `name` section are shown as $ids. Custom sections are listed as comments.

        Examples:
          swasm print program.wasm
          swasm print program.wasm -o program.wat
        """
    )

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the text here instead of standard output.", valueName: "OUT"))
    var output: String?

    func execute(_ io: StandardStreams) throws(CLIFailure) {
        let module = try ModuleFile(file).decode()
        let text: String
        do throws(PrintError) { text = try WATPrinter.checkedPrint(module) } catch {
            throw CLIFailure(message: "\(file): \(error)")
        }
        if let output {
            try writeFile(output, Array(text.utf8))
        } else {
            io.write(io.stdout, text)
        }
    }
}
