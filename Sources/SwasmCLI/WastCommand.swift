import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WastRunner

/// `swasm wast`: runs WebAssembly spec test scripts.
struct WastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wast",
        abstract: "Run WAST spec test scripts.",
        discussion: """
        Prints one line per script with its counts and, last, "N passed, M failed".
        Exits non-zero if any check failed.

        Examples:
          swasm wast ../shared/testsuite/i32.wast
          swasm wast ../shared/testsuite ../shared/testsuite/legacy
        """
    )

    @Argument(help: "WAST files, or directories whose *.wast files are run (not recursively).")
    var paths: [String]

    @Flag(name: .shortAndLong, help: "Print every failed check.")
    var verbose = false

    func run() throws {
        let files = try Self.collect(paths)
        var passed = 0, failed = 0
        for file in files {
            let source: String
            do { source = try String(contentsOfFile: file, encoding: .utf8) } catch {
                print("\(file): cannot read: \(error)")
                failed += 1
                continue
            }
            let result = WastRunner().run(source: source, name: file)
            passed += result.passed
            failed += result.failed
            if let e = result.scriptError {
                print("\(file): script error: \(e)")
            } else {
                print("\(file): \(result.passed) passed, \(result.failed) failed")
            }
            if verbose {
                for f in result.failures { print("  \(f)") }
            }
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }

    /// Expands directories into their sorted .wast files.
    static func collect(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            let kind = fileKind(path)
            guard kind.exists else {
                throw ValidationError("no such file or directory: \(path)")
            }
            if kind.isDirectory {
                let entries = try FileManager.default.contentsOfDirectory(atPath: path)
                files += entries.filter { $0.hasSuffix(".wast") }.sorted().map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        return files
    }
}
