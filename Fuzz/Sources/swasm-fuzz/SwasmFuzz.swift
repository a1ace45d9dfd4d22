// The fuzz driver (Fuzz/README.md).
//
// Built with `-sanitize=fuzzer -DSWASM_LIBFUZZER` (Fuzz/fuzz.sh does it), this file defines no `main`:
// libFuzzer's `main` runs and calls `LLVMFuzzerTestOneInput`, which feeds the target named by the environment
// variable SWASM_FUZZ_TARGET (decode, validate, wat, execute).
//
// Built normally (`swift build --product swasm-fuzz`), it is a replay driver:
//     swasm-fuzz TARGET FILE_OR_DIRECTORY...
// runs every input through the target, one at a time, printing each name first, so a crash names its input.

import WasmPlatform
import SwasmFuzzTargets

/// Writes to standard error (file descriptor 2; Swift 6 rejects the C global `stderr`).
func eprint(_ s: String) {
    var s = s
    s.withUTF8 { buf in _ = write(2, buf.baseAddress, buf.count) }
}

#if SWASM_LIBFUZZER

/// The target chosen by SWASM_FUZZ_TARGET, looked up once.
let selectedTarget: FuzzTarget = {
    let name = getenv("SWASM_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget.named(name) else {
        let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
        eprint("swasm-fuzz: set SWASM_FUZZ_TARGET to one of: \(names) (got \"\(name)\")\n")
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    eprint("swasm-fuzz: target \(selectedTarget.name): \(selectedTarget.summary)\n")
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    selectedTarget.run(bytes)
    return 0
}

/// libFuzzer's driver, exported by its runtime (LLVM 11 and later).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The program entry. On Linux SwiftPM links executables with `main` defined as `<module>_main` (so tests can
/// link them), so libFuzzer's own `main` is not used: this one hands control to libFuzzer's driver.
@_cdecl("swasm_fuzz_main")
public func swasmFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) }
}

#else

@main
struct SwasmFuzzReplay {
    static func usage() -> Never {
        eprint("""
            usage: swasm-fuzz TARGET FILE_OR_DIRECTORY...
              Runs each input through TARGET (directories recursively, files in name order).
              Targets:

            """)
        for t in FuzzTarget.all { eprint("    \(t.name.padding(9))\(t.summary)\n") }
        eprint("  For coverage-guided fuzzing build with -sanitize=fuzzer: see Fuzz/README.md.\n")
        exit(2)
    }

    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard args.count >= 2, let target = FuzzTarget.named(args[0]) else { usage() }
        var files: [String] = []
        for path in args.dropFirst() { collect(path, into: &files) }
        var slowest: (name: String, seconds: Double) = ("", 0)
        for file in files {
            guard let bytes = readFile(file) else {
                eprint("swasm-fuzz: cannot read \(file)\n")
                exit(1)
            }
            print("\(target.name) \(file) (\(bytes.count) bytes)")
            let start = ContinuousClock.now
            target.run(bytes)
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            if seconds > slowest.seconds { slowest = (file, seconds) }
        }
        print("\(target.name): \(files.count) inputs ran without a crash; slowest \(slowest.name) (\(Int(slowest.seconds * 1000)) ms)")
    }

    /// Adds `path` (a file) or every regular file under it (a directory, sorted) to `files`.
    static func collect(_ path: String, into files: inout [String]) {
        guard let dir = opendir(path) else {
            files.append(path)
            return
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names.sorted() { collect(path + "/" + name, into: &files) }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n > 0 { bytes += buffer[0..<n] }
            if n < buffer.count { break }
        }
        return bytes
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

#endif
