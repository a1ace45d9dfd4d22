import WasmPlatform
import Foundation
import Testing
import WASI
import WasmRuntime
import WasmText

/// Runs a WASI command in-process with stdout and stderr captured in temporary files.
struct Run {
    var code: Int32 = 0
    var stdout = ""
    var stderr = ""
    var error: (any Error)?

    init(_ bytes: [UInt8], arguments: [String] = ["prog"], environment: [(String, String)] = [],
         preopens: [(hostPath: String, guestPath: String, readOnly: Bool)] = []) throws {
        let outPath = NSTemporaryDirectory() + "swasm-wasi-out-\(UUID().uuidString)"
        let errPath = outPath + ".err"
        let out = open(outPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        let err = open(errPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        defer {
            close(out); close(err)
            unlink(outPath); unlink(errPath)
        }
        let config = WASIConfiguration(arguments: arguments, environment: environment, preopens: preopens,
                                       stdin: -1, stdout: out, stderr: err)
        let wasi = try WASI(config)
        let store = Store()
        let imports = wasi.imports(store: store)
        let compiled = try compileModule(bytes)
        do {
            let instance = try store.instantiate(compiled) { m, n in m == WASI.moduleName ? imports[n] : nil }
            code = try wasi.start(instance: instance, store: store)
        } catch {
            if let c = WASI.exitCode(of: error) { code = c } else { self.error = error }
        }
        stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "<unreadable>"
        stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "<unreadable>"
    }

    init(wat: String, arguments: [String] = ["prog"], environment: [(String, String)] = [],
         preopens: [(hostPath: String, guestPath: String, readOnly: Bool)] = []) throws {
        try self.init(try WAT.encode(wat), arguments: arguments, environment: environment, preopens: preopens)
    }
}

/// Imports used by the WAT programs below, plus `$print(ptr, len)` writing to fd 1.
let prelude = """
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: (ptr, len); nwritten at 16
  (func $print (param $p i32) (param $n i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))))
"""

func wat(_ body: String) -> String { "(module\n\(prelude)\n\(body)\n)" }

@Suite struct EndToEndTests {
    @Test func helloFdWrite() throws {
        let r = try Run(wat: wat("""
          (data (i32.const 64) "hello, wasi\\n")
          (func (export "_start") (call $print (i32.const 64) (i32.const 12)))
        """))
        #expect(r.error == nil)
        #expect(r.code == 0)
        #expect(r.stdout == "hello, wasi\n")
    }

    @Test func arguments() throws {
        // args_sizes_get -> (count at 32, size at 36); args_get(pointers at 128, buffer at 256); print the buffer.
        let r = try Run(wat: wat("""
          (func (export "_start")
            (if (call $args_sizes_get (i32.const 32) (i32.const 36)) (then unreachable))
            (if (i32.ne (i32.load (i32.const 32)) (i32.const 3)) (then (call $proc_exit (i32.const 9))))
            (if (call $args_get (i32.const 128) (i32.const 256)) (then unreachable))
            ;; the second pointer must point at "a"
            (if (i32.ne (i32.load8_u (i32.load (i32.const 132))) (i32.const 97)) (then (call $proc_exit (i32.const 10))))
            (call $print (i32.const 256) (i32.load (i32.const 36))))
        """), arguments: ["prog", "a", "bc"])
        #expect(r.code == 0)
        #expect(r.stdout == "prog\0a\0bc\0")
    }

    @Test func environment() throws {
        let r = try Run(wat: wat("""
          (func (export "_start")
            (if (call $environ_sizes_get (i32.const 32) (i32.const 36)) (then unreachable))
            (if (call $environ_get (i32.const 128) (i32.const 256)) (then unreachable))
            (call $print (i32.const 256) (i32.load (i32.const 36))))
        """), environment: [("A", "1"), ("HOME", "/x=y")])
        #expect(r.code == 0)
        #expect(r.stdout == "A=1\0HOME=/x=y\0")
    }

    @Test func procExitKeepsOutput() throws {
        let r = try Run(wat: wat("""
          (data (i32.const 64) "before exit")
          (func (export "_start")
            (call $print (i32.const 64) (i32.const 11))
            (call $proc_exit (i32.const 42))
            (call $print (i32.const 64) (i32.const 6)))
        """))
        #expect(r.error == nil)
        #expect(r.code == 42)
        #expect(r.stdout == "before exit")
    }

    @Test func trapIsAnExecutionError() throws {
        let r = try Run(wat: wat("""
          (data (i32.const 64) "partial")
          (func (export "_start") (call $print (i32.const 64) (i32.const 7)) unreachable)
        """))
        #expect(r.stdout == "partial")
        guard case .trap(.unreachable, _)? = r.error as? ExecutionError else {
            Issue.record("expected an unreachable trap, got \(String(describing: r.error))")
            return
        }
    }

    @Test func badPointersReturnEFAULT() throws {
        // iovec array out of bounds; buffer out of bounds; result pointer out of bounds; args_get out of bounds.
        let r = try Run(wat: wat("""
          (func $check (param $got i32) (param $code i32)
            (if (i32.ne (local.get $got) (i32.const 21)) (then (call $proc_exit (local.get $code)))))
          (func (export "_start")
            (call $check (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 16)) (i32.const 1))
            (i32.store (i32.const 0) (i32.const 65530))
            (i32.store (i32.const 4) (i32.const 100))
            (call $check (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)) (i32.const 2))
            (i32.store (i32.const 0) (i32.const 64))
            (i32.store (i32.const 4) (i32.const 1))
            (call $check (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const -1)) (i32.const 3))
            (call $check (call $args_get (i32.const 65535) (i32.const 0)) (i32.const 4))
            (call $check (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0x20000000) (i32.const 16)) (i32.const 5))
            (call $proc_exit (i32.const 0)))
        """), arguments: ["prog", "x"])
        #expect(r.code == 0)
        #expect(r.stdout == "")
    }

    @Test func clockAndUnsupported() throws {
        let r = try Run(wat: wat("""
          (func (export "_start")
            (if (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 32)) (then unreachable))
            (if (i64.eqz (i64.load (i32.const 32))) (then (call $proc_exit (i32.const 1))))
            (if (i32.ne (call $clock_time_get (i32.const 9) (i64.const 1) (i32.const 32)) (i32.const 28)) (then (call $proc_exit (i32.const 2))))
            (if (i32.ne (call $poll_oneoff (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const 28)) (then (call $proc_exit (i32.const 3)))))
        """))
        #expect(r.code == 0)
    }

    @Test func pathOpenAndRead() throws {
        let dir = NSTemporaryDirectory() + "swasm-wasi-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "file contents\n".write(toFile: dir + "/data/f.txt", atomically: false, encoding: .utf8)
        try "secret".write(toFile: dir + "/secret.txt", atomically: false, encoding: .utf8)
        // Opens "f.txt" in preopen fd 3, reads it into 1024 and prints it; then "../secret.txt" must be
        // ENOTCAPABLE (76), a missing file ENOENT (44), and fd 9 EBADF (8).
        let r = try Run(wat: wat("""
          (data (i32.const 64) "f.txt")
          (data (i32.const 80) "../secret.txt")
          (data (i32.const 96) "nope.txt")
          (func (export "_start") (local $fd i32)
            (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 5) (i32.const 0)
                                 (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 40))
              (then (call $proc_exit (i32.const 1))))
            (local.set $fd (i32.load (i32.const 40)))
            (i32.store (i32.const 0) (i32.const 1024))
            (i32.store (i32.const 4) (i32.const 100))
            (if (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 16)) (then (call $proc_exit (i32.const 2))))
            (call $print (i32.const 1024) (i32.load (i32.const 16)))
            (call $proc_exit (i32.add
              (i32.mul (call $path_open (i32.const 3) (i32.const 0) (i32.const 80) (i32.const 13) (i32.const 0)
                                        (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 40)) (i32.const 10000))
              (i32.add
                (i32.mul (call $path_open (i32.const 3) (i32.const 0) (i32.const 96) (i32.const 8) (i32.const 0)
                                          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 40)) (i32.const 100))
                (call $path_open (i32.const 9) (i32.const 0) (i32.const 64) (i32.const 5) (i32.const 0)
                                 (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 40))))))
        """), preopens: [(hostPath: dir + "/data", guestPath: "/data", readOnly: false)])
        #expect(r.error == nil)
        #expect(r.stdout == "file contents\n")
        #expect(r.code == 76 * 10000 + 44 * 100 + 8)
    }

    @Test func readOnlyPreopenRefusesWrites() throws {
        let dir = NSTemporaryDirectory() + "swasm-wasi-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // O_CREAT with fd_write rights in a read-only preopen.
        let r = try Run(wat: wat("""
          (data (i32.const 64) "new.txt")
          (func (export "_start")
            (call $proc_exit (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 7) (i32.const 1)
                                              (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 40))))
        """), preopens: [(hostPath: dir, guestPath: ".", readOnly: true)])
        #expect(r.code == 76)
        #expect(!FileManager.default.fileExists(atPath: dir + "/new.txt"))
    }

    @Test func compiledCProgram() throws {
        let wasm = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Programs/hello.wasm")
        let bytes = try [UInt8](Data(contentsOf: wasm))
        let dir = NSTemporaryDirectory() + "swasm-wasi-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/d/sub", withIntermediateDirectories: true)
        try "x".write(toFile: dir + "/d/sub/x", atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Run(bytes, arguments: ["hello.wasm", "data", "extra"], environment: [("GREETING", "hi")],
                        preopens: [(hostPath: dir + "/d", guestPath: "data", readOnly: false)])
        #expect(r.error == nil)
        #expect(r.code == 7)
        #expect(r.stdout == """
            hello from C, argc=3
            arg 1: data
            arg 2: extra
            GREETING=hi
            read: line one
            read: line two 42
            escape: Capabilities insufficient
            missing: No such file or directory
            sub entries: 1

            """)
        #expect((try? String(contentsOfFile: dir + "/d/out.txt", encoding: .utf8)) == "line one\nline two 42\n")
        #expect(!FileManager.default.fileExists(atPath: dir + "/escape.txt"))
    }

    @Test func everyPreview1FunctionIsImportable() throws {
        let names = ["args_get", "args_sizes_get", "clock_res_get", "clock_time_get", "environ_get", "environ_sizes_get",
                     "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
                     "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times",
                     "fd_pread", "fd_prestat_dir_name", "fd_prestat_get", "fd_pwrite", "fd_read", "fd_readdir",
                     "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write", "path_create_directory",
                     "path_filestat_get", "path_filestat_set_times", "path_link", "path_open", "path_readlink",
                     "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "poll_oneoff",
                     "proc_exit", "proc_raise", "random_get", "sched_yield", "sock_accept", "sock_recv", "sock_send",
                     "sock_shutdown"]
        let wasi = try WASI(WASIConfiguration())
        let imports = wasi.imports(store: Store())
        #expect(names.count == 46)
        #expect(Set(imports.keys) == Set(names))
    }
}
