import ArgumentParser
import Foundation
import Testing
@testable import SwasmCLI
import WasmText

/// Bad or extreme input to the command line: one clear error line, never a crash, a hang or lost output.
@Suite struct CLILimitsTests {
    /// A module whose one function has the given local declarations and code (the final `end` included).
    static func module(locals: [UInt8] = [0x00], code: [UInt8]) -> [UInt8] {
        let body = locals + code
        func leb(_ value: Int) -> [UInt8] { LEB128.unsigned(UInt64(value)) }
        let code = [0x01] + leb(body.count) + body
        return [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00]
            + [0x0A] + leb(code.count) + code
    }

    /// 100,000 nested blocks: the printer died allocating 34 GB; now the text is linear in the code.
    @Test func printOfDeeplyNestedBlocksIsLinear() {
        let s = Scratch()
        let depth = 100_000
        let file = s.write("nested.wasm", Self.module(code: Array([[UInt8]](repeating: [0x02, 0x40], count: depth).joined())
            + Array(repeating: 0x0B, count: depth + 1)))
        let printed = swasm(["print", file])
        #expect(printed.code == 0 && printed.stderr.isEmpty)
        #expect(printed.stdout.hasSuffix("  )\n)\n"))
        #expect(printed.stdout.utf8.count < 100 * (2 * depth + 1))
    }

    /// 2^32 - 1 locals in a 30-byte module: `print` ran away; now it fails as `validate` does.
    @Test func printOfTooManyLocalsFailsLikeValidate() {
        let s = Scratch()
        let file = s.write("locals.wasm", Self.module(locals: [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F], code: [0x0B]))
        let validated = swasm(["validate", file])
        #expect(validated.code == 1 && validated.stderr == "error: \(file): invalid module at byte 0x1d: too many locals\n")
        let printed = swasm(["print", file])
        #expect(printed.code == 1)
        #expect(printed.stdout.isEmpty)
        #expect(printed.stderr == validated.stderr)
    }

    /// A negative number was taken for an option ("Missing value for '--fuel <N>'").
    @Test func negativeLimitsSayWhatIsWrong() {
        let s = Scratch()
        let file = s.write("calc.wat", calculator)
        let cases = [
            (["--fuel", "-1"], "--fuel must be a non-negative integer, got \"-1\""),
            (["--fuel", "lots"], "--fuel must be a non-negative integer, got \"lots\""),
            (["--max-memory", "-5"], "--max-memory expects a byte count such as 1048576 or 64M, got \"-5\""),
            (["--timeout", "-1"], "--timeout expects seconds such as 10, 2.5 or 500ms, got \"-1\""),
            (["--max-stack", "-1"], "--max-stack must be an integer from 1 to \(RunCommand.maxStackLimit), got \"-1\""),
            (["--max-stack", "0"], "--max-stack must be an integer from 1 to \(RunCommand.maxStackLimit), got \"0\""),
            (["--max-stack", "\(Int.max)"], "--max-stack must be an integer from 1 to \(RunCommand.maxStackLimit), got \"\(Int.max)\""),
        ]
        for (options, message) in cases {
            let r = swasm(["run"] + options + [file])
            #expect(r.code == 1, "\(options)")
            #expect(r.stderr == "error: \(message)\n")
        }
        let empty = s.write("empty.wat", #"(module (func (export "_start")))"#)
        #expect(swasm(["run", "--fuel", "100000", "--max-stack", "50", "--timeout", "60", "--max-memory", "1M", empty]).code == 0)
    }

    /// With a large --max-stack the value stack runs out first: the trap named --max-stack's depth anyway.
    @Test func stackExhaustionNamesTheLimitHit() {
        let s = Scratch()
        // 1,000 locals a frame: the 4M-slot value stack holds about 4,000 frames.
        let locals = String(repeating: " i64", count: 1_000)
        let file = s.write("big.wat", """
            (module (func $big (export "big") (param i32) (result i32) (local\(locals)) (call $big (local.get 0))))
            """)
        let deep = swasm(["run", "--max-stack", "1000000", "--invoke", "big", file, "1"])
        #expect(deep.code == 134)
        let first = deep.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("error: wasm trap: call stack exhausted (the value stack of 4194304 slots filled up at "))
        #expect(first.hasSuffix(" nested calls, before the --max-stack depth of 1000000)"))
        let shallow = swasm(["run", "--max-stack", "100", "--invoke", "big", file, "1"])
        #expect(shallow.code == 134)
        #expect(shallow.stderr.hasPrefix("error: wasm trap: call stack exhausted (deeper than 100 calls; see --max-stack)\n"))
    }

    /// 100,000 guest arguments took 330 s to parse (ArgumentParser's passthrough capture is quadratic).
    @Test(.timeLimit(.minutes(1))) func manyGuestArgumentsPassThroughUnchanged() throws {
        let guest = (1...100_000).map { "a\($0)" } + ["--fuel", "-1", "--", "--help", "-"]
        let command = try SwasmCommand.parseAsRoot(["run", "--fuel", "5", "--inherit-env", "--max-stack=7", "prog.wasm"] + guest)
        let run = try #require(command as? RunCommand)
        #expect(run.file == "prog.wasm" && run.fuel == "5" && run.maxStack == "7" && run.inheritEnv)
        #expect(run.guestArguments == guest)
        // A leading "--" after FILE is still dropped.
        let dashes = try #require(try SwasmCommand.parseAsRoot(["run", "prog.wasm", "--", "-x"]) as? RunCommand)
        #expect(dashes.guestArguments == ["-x"])
    }

    /// `RunCommand.fileIndex` skips exactly the values of the options that take one.
    @Test func optionsWithValuesMatchTheHelp() {
        let usage = RunCommand.helpMessage()
        let withValues = Set(usage.matches(of: /(--[a-z][a-z0-9-]*) </).map { String($0.output.1) })
        #expect(withValues == RunCommand.optionsWithValues)
        #expect(RunCommand.fileIndex(in: ["--dir", "x", "--inherit-env", "--fuel", "-1", "f.wasm", "a"]) == 5)
        #expect(RunCommand.fileIndex(in: ["--fuel"]) == nil)
    }
}
