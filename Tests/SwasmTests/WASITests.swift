import Foundation
import Testing
import Swasm

@Suite struct WASIEmbeddingTests {
    /// Runs `body` with a pipe as the guest's stdout; returns what the guest wrote.
    func capturingStdout(_ body: (Int32) throws -> Void) throws -> String {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw HostFailure(code: 1) }
        try body(fds[1])
        close(fds[1])
        let data = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true).readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func commandWithArgsEnvPreopensAndExitCode() throws {
        let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-wasi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let module = try WebAssembly.Module(bytes: Data(contentsOf: Paths.programs.appendingPathComponent("command.wasm")))
        #expect(module.imports.allSatisfy { $0.module == WebAssembly.WASI.moduleName })
        var exitCode: Int32 = -1
        let output = try capturingStdout { stdout in
            let wasi = try WebAssembly.WASI(args: ["command", "one", "two words"], env: ["GREETING": "hi there"],
                                            preopens: ["/sandbox": sandbox.path], stdout: stdout)
            let instance = try WebAssembly.Instance(module: module, imports: wasi.importObject)
            exitCode = try wasi.start(instance)
        }
        #expect(exitCode == 3)
        #expect(output == """
            arg 0: command
            arg 1: one
            arg 2: two words
            GREETING=hi there
            wrote /sandbox/note.txt

            """)
        #expect(try String(contentsOf: sandbox.appendingPathComponent("note.txt"), encoding: .utf8) == "written by wasm\n")
    }

    @Test func readOnlyPreopenAndMergedImports() throws {
        let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-wasi-ro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let module = try WebAssembly.Module(bytes: Data(contentsOf: Paths.programs.appendingPathComponent("command.wasm")))
        let output = try capturingStdout { stdout in
            let wasi = try WebAssembly.WASI(args: ["command"], preopens: ["/sandbox": sandbox.path],
                                            readOnlyPreopens: ["/sandbox"], stdout: stdout)
            // Extra modules merge with the WASI import object.
            let imports = wasi.importObject.merging(["env": ["unused": .function { () in }]])
            let instance = try WebAssembly.Instance(module: module, imports: imports)
            #expect(try wasi.start(instance) == 3)
        }
        #expect(output.contains("GREETING=(unset)"))
        #expect(output.contains("cannot write /sandbox/note.txt"))
    }

    @Test func reactorInitialize() throws {
        let module = try WebAssembly.Module(bytes: Data(contentsOf: Paths.programs.appendingPathComponent("reactor.wasm")))
        let wasi = try WebAssembly.WASI()
        let instance = try WebAssembly.Instance(module: module, imports: wasi.importObject)
        try wasi.initialize(instance)
        #expect(try instance.exports.ready() as Int32 == 42)
        #expect(throws: WebAssembly.TypeError.self) { try wasi.start(instance) }
    }

    @Test func missingPreopenIsAnError() {
        #expect(throws: WebAssembly.TypeError.self) {
            try WebAssembly.WASI(preopens: ["/x": "/definitely/not/a/directory/\(UUID().uuidString)"])
        }
    }

    /// A guest blocked reading a pipe that never gets data (the write end stays open).
    static let readStdin = """
        (module
          (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 64))
            (i32.store (i32.const 4) (i32.const 100))
            (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))))
        """

    @Test func theInstanceDeadlineAndInterruptStopAGuestBlockedInWASI() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw HostFailure(code: 1) }
        defer { close(fds[0]); close(fds[1]) }
        // The hang guard: if the guest is still blocked after 10 s, a byte releases it (the test then fails, on
        // the instance finishing instead of trapping). It owns its own copies of both ends.
        let (guardRead, guardWrite) = (dup(fds[0]), dup(fds[1]))
        DispatchQueue.global().asyncAfter(deadline: .now() + 10) {
            _ = write(guardWrite, "xx", 2)
            close(guardWrite)
            close(guardRead)
        }
        let module = try WebAssembly.Module(wat: Self.readStdin)

        let wasi = try WebAssembly.WASI(stdin: fds[0])
        let instance = try WebAssembly.Instance(module: module, imports: wasi.importObject)
        instance.deadline = .now + .milliseconds(100)
        #expect { try wasi.start(instance) } throws: { ($0 as? WebAssembly.RuntimeError)?.kind == .deadlineExceeded }

        let second = try WebAssembly.Instance(module: module, imports: wasi.importObject)
        let handle = second.interruptHandle
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { handle.interrupt() }
        #expect { try wasi.start(second) } throws: { ($0 as? WebAssembly.RuntimeError)?.kind == .interrupted }
    }
}
