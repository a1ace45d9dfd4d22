import ArgumentParser

/// The `swasm` command line.
public struct SwasmCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "swasm",
        abstract: "A WebAssembly runtime written in Swift.",
        discussion: """
        Examples:
          swasm run hello.wasm
          swasm run --dir . prog.wasm input.txt
          swasm inspect prog.wasm
          swasm print prog.wasm
          swasm wat2wasm add.wat -o add.wasm
          swasm validate prog.wasm
          swasm compile --stats prog.wasm
          swasm wast ../shared/testsuite/i32.wast

        Run `swasm help COMMAND` or `swasm COMMAND --help` for each command's options.
        """,
        subcommands: [RunCommand.self, ValidateCommand.self, CompileCommand.self, InspectCommand.self, PrintCommand.self,
                      Wat2WasmCommand.self, WastCommand.self]
    )

    public init() {}
}
