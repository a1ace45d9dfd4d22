import WasmPlatform
import Foundation
import Testing
@testable import SwasmCLI

/// One entry of Programs/manifest.json: how to run a C test program and what it must produce.
struct ProgramCase: Decodable, CustomStringConvertible, Sendable {
    var name: String
    var program: String?
    var args: [String]?
    var env: [String: String]?
    var stdin: String?
    var sandbox: Bool?
    var exit: Int32
    /// The expected stdout file's name (default: `name`), in Programs/expected/NAME.stdout.
    var expected: String?
    /// Instead of an expected file: the exact number of stdout bytes.
    var stdoutBytes: Int?
    /// Substrings that stderr must contain.
    var stderr: [String]?
    var knownDifference: String?

    var description: String { name }
}

let programsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Programs").path

func loadManifest() -> [ProgramCase] {
    guard let data = FileManager.default.contents(atPath: programsDirectory + "/manifest.json"),
          let cases = try? JSONDecoder().decode([ProgramCase].self, from: data) else { return [] }
    return cases
}

/// The result of `swasm run` executed in-process with its streams redirected to files.
struct CLIRun {
    var code: Int32
    var stdout: [UInt8]
    var stderr: String
}

/// Runs `swasm run ARGUMENTS` in-process; `stdin` is fed from a file.
func runSwasm(_ arguments: [String], stdin: String = "") throws -> CLIRun {
    let base = NSTemporaryDirectory() + "swasm-run-\(UUID().uuidString)"
    let inPath = base + ".in", outPath = base + ".out", errPath = base + ".err"
    try #require(FileManager.default.createFile(atPath: inPath, contents: Data(stdin.utf8)), "cannot write \(inPath)")
    let input = open(inPath, O_RDONLY)
    let out = open(outPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    let err = open(errPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    defer {
        close(input); close(out); close(err)
        unlink(inPath); unlink(outPath); unlink(errPath)
    }
    let command = try RunCommand.parse(arguments)
    let code = command.execute(StandardStreams(stdin: input, stdout: out, stderr: err))
    let stdout = [UInt8](FileManager.default.contents(atPath: outPath) ?? Data())
    let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
    return CLIRun(code: code, stdout: stdout, stderr: stderr)
}

/// The C programs of Programs/ (built with clang-16 + wasi-libc by Programs/build.sh), each run through
/// `swasm run` and checked against Programs/expected/NAME.stdout and its exit code.
@Suite struct ProgramTests {
    @Test(arguments: loadManifest())
    func program(_ c: ProgramCase) throws {
        let root = NSTemporaryDirectory() + "swasm-program-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/sandbox", withIntermediateDirectories: true)
        try #require(FileManager.default.createFile(atPath: root + "/secret.txt", contents: Data("secret\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: root) }

        var arguments: [String] = []
        if c.sandbox == true { arguments += ["--dir", root + "/sandbox::/sandbox"] }
        for (k, v) in (c.env ?? [:]).sorted(by: { $0.key < $1.key }) { arguments += ["--env", "\(k)=\(v)"] }
        arguments.append(programsDirectory + "/" + (c.program ?? c.name) + ".wasm")
        arguments += c.args ?? []
        let run = try runSwasm(arguments, stdin: c.stdin ?? "")

        #expect(run.code == c.exit, "stderr: \(run.stderr)")
        if let n = c.stdoutBytes {
            #expect(run.stdout.count == n)
        } else {
            let expectedPath = programsDirectory + "/expected/" + (c.expected ?? c.name) + ".stdout"
            let expected = try #require(FileManager.default.contents(atPath: expectedPath))
            #expect(String(decoding: run.stdout, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
        for s in c.stderr ?? [] { #expect(run.stderr.contains(s), "stderr: \(run.stderr)") }
        // Nothing was created next to the preopened directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["sandbox", "secret.txt"])
    }

    @Test func readOnlyPreopenRefusesWrites() throws {
        let root = NSTemporaryDirectory() + "swasm-ro-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try runSwasm(["--dir-ro", root + "::/sandbox", programsDirectory + "/files.wasm", "/sandbox"])
        let out = String(decoding: run.stdout, as: UTF8.self)
        #expect(out.contains("open a.txt O_CREAT|O_RDWR                -> -1 Capabilities insufficient"), "\(out)")
        #expect(out.contains("fopen b.txt for writing failed: Capabilities insufficient"), "\(out)")
        #expect(run.code == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
    }
}
