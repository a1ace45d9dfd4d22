import WasmPlatform
import Foundation
import ArgumentParser
import Testing
import WasmBinary
import WasmCore
import WasmText
@testable import SwasmCLI

/// What a command printed and its exit code.
struct Output {
    var code: Int32
    var stdout: String
    var stderr: String
}

/// A scratch directory with helpers to write files into it.
final class Scratch {
    let path = NSTemporaryDirectory() + "swasm-cli-\(UUID().uuidString)"
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        #expect(FileManager.default.createFile(atPath: path + "/" + name, contents: Data(bytes)), "cannot write \(name)")
        return path + "/" + name
    }
    func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path + "/" + name).map { [UInt8]($0) }
    }
}

/// Runs `swasm ARGS` in-process, with stdout and stderr going to temporary files.
func swasm(_ arguments: [String]) -> Output {
    let base = NSTemporaryDirectory() + "swasm-cli-out-\(UUID().uuidString)"
    let out = open(base + ".out", O_RDWR | O_CREAT | O_TRUNC, 0o600)
    let err = open(base + ".err", O_RDWR | O_CREAT | O_TRUNC, 0o600)
    let input = open("/dev/null", O_RDONLY)
    defer {
        close(out); close(err); close(input)
        unlink(base + ".out"); unlink(base + ".err")
    }
    let io = StandardStreams(stdin: input, stdout: out, stderr: err)
    var code: Int32
    do {
        let command = try SwasmCommand.parseAsRoot(arguments)
        if let run = command as? RunCommand {
            code = run.execute(io)
        } else if let streaming = command as? any StreamingCommand {
            code = streaming.exitCode(io)
        } else {
            code = -1
        }
    } catch {
        code = SwasmCommand.exitCode(for: error).rawValue
        io.write(err, SwasmCommand.fullMessage(for: error))
    }
    let o = String(decoding: FileManager.default.contents(atPath: base + ".out") ?? Data(), as: UTF8.self)
    let e = String(decoding: FileManager.default.contents(atPath: base + ".err") ?? Data(), as: UTF8.self)
    return Output(code: code, stdout: o, stderr: e)
}

let calculator = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 2)
  (table 1 funcref)
  (global $counter (mut i32) (i32.const 0))
  (data (i32.const 16) "hello\\n")
  (func $divide (export "divide") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $middle (param i32) (result i32) (call $divide (i32.const 10) (local.get 0)))
  (func $add (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func $half (export "half") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))
  (func $spin (export "spin") (loop $l (br $l)))
  (func $recurse (export "recurse") (param i32) (result i32) (call $recurse (local.get 0)))
  (func $main (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $middle (i32.const 0)))))
"""

@Suite struct CLITests {
    @Test func helpListsCommandsWithExamples() {
        let top = SwasmCommand.helpMessage()
        for c in ["run", "validate", "compile", "inspect", "print", "wat2wasm", "wast"] { #expect(top.contains(c)) }
        for sub in [RunCommand.self, ValidateCommand.self, CompileCommand.self, InspectCommand.self, PrintCommand.self, Wat2WasmCommand.self, WastCommand.self] as [any ParsableCommand.Type] {
            #expect(sub.helpMessage().contains("Examples:"))
        }
        let run = RunCommand.helpMessage()
        for option in ["--dir", "--dir-ro", "--env", "--inherit-env", "--fuel", "--max-memory", "--timeout", "--max-stack", "--invoke",
                       "--v128-format"] {
            #expect(run.contains(option), "\(option)")
        }
    }

    @Test func runWatPrintsAndReportsTrapWithNames() {
        let s = Scratch()
        let file = s.write("calc.wat", calculator)
        let r = swasm(["run", file])
        #expect(r.code == 134)
        #expect(r.stdout == "hello\n")
        #expect(r.stderr == "error: wasm trap: integer divide by zero\n  at divide (func 1)\n  at middle (func 2)\n  at main (func 7)\n")
    }

    @Test func invokeParsesArgumentsAndPrintsResults() {
        let s = Scratch()
        let file = s.write("calc.wat", calculator)
        #expect(swasm(["run", "--invoke", "divide", file, "--", "-9", "2"]).stdout == "-4\n")
        #expect(swasm(["run", "--invoke", "add", file, "9223372036854775807", "1"]).stdout == "-9223372036854775808\n")
        #expect(swasm(["run", "--invoke", "half", file, "3"]).stdout == "1.5\n")
        let bad = swasm(["run", "--invoke", "add", file, "1"])
        #expect(bad.code == 1 && bad.stderr == "error: \"add\" expects 2 argument(s), got 1\n")
        let parse = swasm(["run", "--invoke", "divide", file, "1", "x"])
        #expect(parse.stderr == "error: cannot parse \"x\" as i32\n")
        let missing = swasm(["run", "--invoke", "nope", file])
        #expect(missing.code == 1 && missing.stderr.hasPrefix("error: \(file): no exported function \"nope\""))
    }

    @Test func limits() {
        let s = Scratch()
        let file = s.write("calc.wat", calculator)
        let fuel = swasm(["run", "--fuel", "10000", "--invoke", "spin", file])
        #expect(fuel.code == 134)
        #expect(fuel.stderr.hasPrefix("error: wasm trap: all fuel consumed"))
        let start = ContinuousClock.now
        let time = swasm(["run", "--timeout", "200ms", "--invoke", "spin", file])
        #expect(time.code == 134)
        #expect(time.stderr.hasPrefix("error: wasm trap: deadline exceeded (the --timeout limit was reached)"))
        #expect(ContinuousClock.now - start < .seconds(30))
        let stack = swasm(["run", "--max-stack", "100", "--invoke", "recurse", file, "1"])
        #expect(stack.code == 134)
        #expect(stack.stderr.hasPrefix("error: wasm trap: call stack exhausted"))
        #expect(stack.stderr.contains("at recurse (func 6)  (100 nested calls)"))
        #expect(stack.stderr.split(separator: "\n").count < 10)
        let memory = swasm(["run", "--max-memory", "64K", "--invoke", "_start", file])
        #expect(memory.code == 134)
        let tooSmall = s.write("big.wat", "(module (memory 4))")
        let link = swasm(["run", "--max-memory", "128K", "--invoke", "x", tooSmall])
        #expect(link.code == 1 && link.stderr.contains("memory"))
        #expect(swasm(["run", "--max-memory", "lots", file]).stderr == "error: --max-memory expects a byte count such as 1048576 or 64M, got \"lots\"\n")
        #expect(RunCommand.parseBytes("64K") == 65536 && RunCommand.parseBytes("2MiB") == 2 << 20 && RunCommand.parseBytes("12") == 12)
        #expect(RunCommand.parseSeconds("1.5") == 1.5 && RunCommand.parseSeconds("500ms") == 0.5 && RunCommand.parseSeconds("-1") == nil)
    }

    @Test func loadErrorsAreOneLine() {
        let s = Scratch()
        let missing = swasm(["run", s.path + "/nope.wasm"])
        #expect(missing.code == 1 && missing.stderr == "error: \(s.path)/nope.wasm: no such file\n")
        let truncated = s.write("bad.wasm", [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05])
        let malformed = swasm(["run", truncated])
        #expect(malformed.code == 1)
        #expect(malformed.stderr == "error: \(truncated): malformed module at byte 0x9: length out of bounds\n")
        let notWasm = s.write("text.wasm", "hello")
        #expect(swasm(["run", notWasm]).stderr == "error: \(notWasm): malformed module at byte 0x0: magic header not detected\n")
        let invalid = s.write("invalid.wat", "(module (func (result i32) (i64.const 1)))")
        let inv = swasm(["run", invalid])
        #expect(inv.code == 1 && inv.stderr.hasPrefix("error: \(invalid): invalid module at byte 0x") && inv.stderr.contains("type mismatch"))
        let syntax = s.write("syntax.wat", "(module\n  (func (i32.bogus)))")
        let syn = swasm(["run", syntax])
        #expect(syn.code == 1 && syn.stderr.hasPrefix("error: \(syntax):2:"))
        let unknown = s.write("imp.wat", #"(module (import "env" "log" (func (param i32))))"#)
        #expect(swasm(["run", unknown]).stderr == "error: \(unknown): unknown import \"env\" \"log\" (swasm run provides only wasi_snapshot_preview1)\n")
        let notWasi = s.write("imp2.wat", #"(module (import "wasi_snapshot_preview1" "fd_magic" (func)))"#)
        #expect(swasm(["run", notWasi]).stderr == "error: \(notWasi): unknown import \"wasi_snapshot_preview1\" \"fd_magic\" (not a WASI preview 1 function)\n")
        let mismatch = s.write("imp3.wat", #"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32))))"#)
        let mm = swasm(["run", mismatch])
        #expect(mm.code == 1 && mm.stderr.contains("\"wasi_snapshot_preview1\" \"fd_write\"") && mm.stderr.contains("function type mismatch"))
        let noEntry = s.write("lib.wat", "(module (func (export \"f\")))")
        #expect(swasm(["run", noEntry]).stderr.contains("exports neither \"_start\" nor \"_initialize\""))
        let dir = swasm(["run", "--dir", s.path + "/missing-dir", noEntry])
        #expect(dir.code == 1 && dir.stderr.hasPrefix("error: cannot open directory \(s.path)/missing-dir"))
    }

    @Test func exitCodeAndEnvironment() {
        let s = Scratch()
        let file = s.write("exit.wat", """
        (module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (memory 1)
          (func (export "_start")
            (drop (call $sizes (i32.const 0) (i32.const 4)))
            (call $exit (i32.load (i32.const 0)))))
        """)
        #expect(swasm(["run", file]).code == 0)
        #expect(swasm(["run", "--env", "A=1", "--env", "B=2", "--env", "A=3", file]).code == 2)
        setenv("SWASM_CLI_TEST_VAR", "x", 1)
        #expect(swasm(["run", "--env", "SWASM_CLI_TEST_VAR", "--env", "SWASM_CLI_UNSET_VAR", file]).code == 1)
        let inherited = swasm(["run", "--inherit-env", file]).code
        #expect(inherited == Int32(truncatingIfNeeded: ProcessInfo.processInfo.environment.count))
    }

    @Test func directoryArguments() throws {
        let s = Scratch()
        // Exits with the length of the first preopen's guest name (fd 3; its prestat holds the length at byte 4).
        let program = s.write("prestat.wat", """
        (module
          (import "wasi_snapshot_preview1" "fd_prestat_get" (func $get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory 1)
          (func (export "_start")
            (if (call $get (i32.const 3) (i32.const 0)) (then (call $exit (i32.const 255))))
            (call $exit (i32.load (i32.const 4)))))
        """)
        #expect(swasm(["run", "--dir", s.path + "::/guest-name", program]).code == 11)
        #expect(swasm(["run", "--dir-ro", s.path + "::d", program]).code == 1)
        #expect(swasm(["run", program]).code == 255)
        // `wast` expands a directory into the .wast files in it, in name order.
        try? FileManager.default.createDirectory(atPath: s.path + "/scripts", withIntermediateDirectories: true)
        for name in ["b.wast", "a.wast", "notes.txt"] { s.write("scripts/" + name, "") }
        #expect(try WastCommand.collect([s.path + "/scripts", s.path + "/prestat.wat"])
                == [s.path + "/scripts/a.wast", s.path + "/scripts/b.wast", s.path + "/prestat.wat"])
        #expect(throws: ValidationError.self) { try WastCommand.collect([s.path + "/missing"]) }
    }

    @Test func validate() throws {
        let s = Scratch()
        let good = s.write("good.wat", calculator)
        let bad = s.write("bad.wat", "(module (func (result i32)))")
        let ok = swasm(["validate", good])
        #expect(ok.code == 0 && ok.stdout == "\(good): valid (8 functions, 7 exports)\n")
        let both = swasm(["validate", good, bad])
        #expect(both.code == 1)
        #expect(both.stderr.hasPrefix("error: \(bad): invalid module at byte 0x"))
        // --stats: the phase times and the validation speed over the code section's size.
        let stats = swasm(["validate", "--stats", good])
        let lines = stats.stdout.split(separator: "\n").map(String.init)
        #expect(stats.code == 0 && lines.count == 3, "\(stats.stdout)")
        #expect(lines.first == "\(good): valid (8 functions, 7 exports)")
        #expect(lines.contains { $0.hasPrefix("  decode: ") && $0.hasSuffix(" s") })
        let codeSize = InspectCommand.sections(try ModuleFile(good).bytes).filter { $0.id == 10 }.reduce(0) { $0 + $1.size }
        #expect(codeSize > 0)
        let validation = lines.first { $0.hasPrefix("  validate: ") } ?? ""
        #expect(validation.contains(" s (code section: \(codeSize) bytes, ") && validation.hasSuffix(" MB/s)"), "\(validation)")
        let invalidStats = swasm(["validate", "--stats", bad])
        #expect(invalidStats.code == 1 && invalidStats.stdout.isEmpty)
    }

    @Test func compile() {
        let s = Scratch()
        let good = s.write("good.wat", calculator)
        let bad = s.write("bad.wat", "(module (func (result i32)))")
        let ok = swasm(["compile", good])
        #expect(ok.code == 0 && ok.stdout == "\(good): compiled (7 functions)\n")
        let stats = swasm(["compile", "--stats", good])
        #expect(stats.code == 0)
        let lines = stats.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(stats.stdout)")
        #expect(lines.contains { $0.hasPrefix("  decode: ") && $0.hasSuffix(" s") })
        #expect(lines.contains { $0.hasPrefix("  validate + translate: ") && $0.hasSuffix(" s") })
        let sizes = lines.first { $0.hasPrefix("  code section: ") } ?? ""
        #expect(sizes.contains(" bytes, translated code: ") && sizes.hasSuffix("x)"), "\(sizes)")
        let both = swasm(["compile", good, bad])
        #expect(both.code == 1)
        #expect(both.stdout == "\(good): compiled (7 functions)\n")
        #expect(both.stderr.hasPrefix("error: \(bad): invalid module at byte 0x"))
        #expect(CompileCommand.fixed(2.345) == "2.35" && CompileCommand.fixed(0.00012, 4) == "0.0001"
                && CompileCommand.fixed(3, 0) == "3")
    }

    @Test func inspect() {
        let s = Scratch()
        let file = s.write("calc.wat", calculator)
        let r = swasm(["inspect", file])
        #expect(r.code == 0)
        for line in [
            "  type          0x0000000a",
            "  func[0] wasi_snapshot_preview1.fd_write: (func (param i32 i32 i32 i32) (result i32))",
            "Functions: 8 (1 imported, 7 defined)",
            "  memory[0] min 1 pages (64 KiB), max 2",
            "  table[0] funcref, min 1 elements, no max",
            "  global[0] (mut i32) = i32.const 0",
            "  \"divide\" -> func[1] (func (param i32 i32) (result i32))",
            "  \"_start\" -> func[7] (func) <main>",
            "  custom    ",
            "  \"name\": ",
        ] {
            #expect(r.stdout.contains(line), "\(line)\n\(r.stdout)")
        }
    }

    @Test func wat2wasmAndPrintRoundTrip() throws {
        let s = Scratch()
        let file = s.write("calc.wat", calculator)
        let out = s.path + "/calc.wasm"
        #expect(swasm(["wat2wasm", file, "-o", out]).code == 0)
        let bytes = try #require(s.read("calc.wasm"))
        #expect(bytes == (try WAT.encode(calculator)))
        let printed = swasm(["print", out])
        #expect(printed.code == 0)
        #expect(printed.stdout.contains("(func $divide (;1;) (type 1)"))
        let again = try WAT.encode(printed.stdout)
        #expect(try ModuleDecoder.decode(again).functions == ModuleDecoder.decode(bytes).functions)
        #expect(swasm(["print", out, "-o", s.path + "/p.wat"]).code == 0)
        #expect(s.read("p.wat").map { String(decoding: $0, as: UTF8.self) } == printed.stdout)
        let defaultOut = swasm(["wat2wasm", file])
        #expect(defaultOut.code == 0 && s.read("calc.wasm") != nil)
        let invalid = s.write("inv.wat", "(module (func (result i32)))")
        #expect(swasm(["wat2wasm", invalid, "-o", s.path + "/inv.wasm"]).code == 1)
        #expect(s.read("inv.wasm") == nil)
        #expect(swasm(["wat2wasm", "--no-validate", invalid, "-o", s.path + "/inv.wasm"]).code == 0)
    }

    /// poll_oneoff: a clock, a bad descriptor, an absolute deadline in the past; and a long sleep cut short
    /// by --timeout.
    @Test func pollOneoff() {
        let s = Scratch()
        let file = s.write("poll.wat", """
        (module
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory 1)
          (func $clock (param $at i32) (param $userdata i64) (param $ns i64) (param $flags i32)
            (i64.store (local.get $at) (local.get $userdata))
            (i32.store8 offset=8 (local.get $at) (i32.const 0))
            (i32.store offset=16 (local.get $at) (i32.const 1))
            (i64.store offset=24 (local.get $at) (local.get $ns))
            (i32.store16 offset=40 (local.get $at) (local.get $flags)))
          (func (export "sleep_forever")
            (call $clock (i32.const 0) (i64.const 1) (i64.const 60000000000) (i32.const 0))
            (drop (call $poll (i32.const 0) (i32.const 1024) (i32.const 1) (i32.const 2048))))
          (func (export "_start")
            ;; 1: a 10 s clock (never ready here, even on a loaded machine); 2: fd_read on fd 77 (bad);
            ;; 3: an absolute time long past
            (call $clock (i32.const 0) (i64.const 1) (i64.const 10000000000) (i32.const 0))
            (i64.store (i32.const 48) (i64.const 2))
            (i32.store8 (i32.const 56) (i32.const 1))
            (i32.store (i32.const 64) (i32.const 77))
            (call $clock (i32.const 96) (i64.const 3) (i64.const 5) (i32.const 1))
            (if (call $poll (i32.const 0) (i32.const 1024) (i32.const 3) (i32.const 2048)) (then (call $exit (i32.const 10))))
            ;; the bad descriptor and the past deadline are ready at once, and only they
            (if (i32.ne (i32.load (i32.const 2048)) (i32.const 2)) (then (call $exit (i32.const 11))))
            (if (i64.ne (i64.load (i32.const 1024)) (i64.const 2)) (then (call $exit (i32.const 12))))
            (if (i32.ne (i32.load16_u (i32.const 1032)) (i32.const 8)) (then (call $exit (i32.const 13))))
            (if (i64.ne (i64.load (i32.const 1056)) (i64.const 3)) (then (call $exit (i32.const 14))))
            ;; zero subscriptions: EINVAL
            (if (i32.ne (call $poll (i32.const 0) (i32.const 1024) (i32.const 0) (i32.const 2048)) (i32.const 28)) (then (call $exit (i32.const 15))))
            ;; a 1 ms clock alone fires
            (call $clock (i32.const 0) (i64.const 1) (i64.const 1000000) (i32.const 0))
            (if (call $poll (i32.const 0) (i32.const 1024) (i32.const 1) (i32.const 2048)) (then (call $exit (i32.const 16))))
            (if (i32.ne (i32.load (i32.const 2048)) (i32.const 1)) (then (call $exit (i32.const 17))))
            (if (i64.ne (i64.load (i32.const 1024)) (i64.const 1)) (then (call $exit (i32.const 18))))
            (call $exit (i32.const 0))))
        """)
        let r = swasm(["run", file])
        #expect(r.code == 0, "\(r.stderr)")
        let start = ContinuousClock.now
        let cut = swasm(["run", "--timeout", "0.2", "--invoke", "sleep_forever", file])
        #expect(cut.code == 134)
        #expect(cut.stderr.hasPrefix("error: wasm trap: deadline exceeded (the --timeout limit was reached)"))
        // The guest asked for 60 s; the bound is loose because process start-up on a loaded
        // 2-core CI machine (spec tests run in parallel) has taken 4 s.
        #expect(ContinuousClock.now - start < .seconds(30))
    }
}
