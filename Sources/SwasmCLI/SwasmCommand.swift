import ArgumentParser

/// The `swasm` command line.
public struct SwasmCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "swasm",
        abstract: "A WebAssembly runtime written in Swift.",
        subcommands: [WastCommand.self, RunCommand.self]
    )

    public init() {}
}
