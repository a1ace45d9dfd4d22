import WasmPlatform
import Dispatch
import Foundation
import Testing
import WASI
import WasmRuntime
import WasmText

/// Moves values that are not Sendable to the thread that runs the guest (each is used by one thread at a time).
private final class Unchecked<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// How a guest run that may block ended.
private struct BlockedRun {
    /// Whether the guest ended within the hang guard (10 s); if not, `unblock` was used to end it.
    var finished: Bool
    var elapsed: Duration
    var code: Int32?
    var error: (any Error)?

    /// Whether the run stopped with the interrupt's trap.
    var interrupted: Bool {
        if case .trap(.interrupted, _)? = error as? ExecutionError { return true }
        return false
    }

    /// Whether the run stopped with the deadline's trap.
    var pastDeadline: Bool {
        if case .trap(.deadlineExceeded, _)? = error as? ExecutionError { return true }
        return false
    }
}

/// Runs `wat` on another thread with the given standard streams, preopens, deadline and interrupt (fired from
/// yet another thread `interruptAfter` seconds after the start). If the guest has not ended after 10 s (the
/// hang guard: the defect under test), `unblock` is called every 10 ms until it ends, so the test fails instead
/// of hanging (it must not close descriptors: the test closes them afterwards).
private func runMayBlock(_ wat: String, stdin: Int32 = -1, stdout: Int32 = -1,
                         preopens: [(hostPath: String, guestPath: String, readOnly: Bool)] = [],
                         deadline: Duration? = nil, interruptAfter: Double? = nil,
                         unblock: () -> Void) throws -> BlockedRun {
    var config = WASIConfiguration(arguments: ["prog"], preopens: preopens, stdin: stdin, stdout: stdout, stderr: -1)
    let store = Store()
    // Timed from when the deadline starts counting, so that a slow compile (a sanitizer build) cannot make the
    // run look shorter than the deadline.
    let start = ContinuousClock.now
    if let deadline {
        config.deadline = ContinuousClock.now.advanced(by: deadline)
        store.deadline = config.deadline
    }
    if interruptAfter != nil { config.interruptHandle = store.interruptHandle }
    let wasi = try WASI(config)
    let imports = wasi.imports(store: store)
    let compiled = try compileModule(try WAT.encode(wat))
    let instance = try store.instantiate(compiled) { m, n in m == WASI.moduleName ? imports[n] : nil }

    let state = Unchecked((wasi, store, instance))
    let result = Unchecked<(code: Int32?, error: (any Error)?)>((nil, nil))
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let (wasi, store, instance) = state.value
        do {
            result.value.code = try wasi.start(instance: instance, store: store)
        } catch {
            result.value.error = error
        }
        done.signal()
    }
    thread.start()
    if let interruptAfter {
        let handle = store.interruptHandle
        DispatchQueue.global().asyncAfter(deadline: .now() + interruptAfter) { handle.interrupt() }
    }
    var finished = true
    if done.wait(timeout: .now() + 10) == .timedOut {
        finished = false
        repeat { unblock() } while done.wait(timeout: .now() + 0.01) == .timedOut
    }
    let elapsed = start.duration(to: .now)
    return BlockedRun(finished: finished, elapsed: elapsed, code: result.value.code, error: result.value.error)
}

private func makePipe() -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    let r = pipe(&fds)
    precondition(r == 0, "pipe failed")
    return (fds[0], fds[1])
}

/// Reads whatever is in `fd` (non-blocking) so a writer blocked on a full pipe can go on; returns the byte count.
@discardableResult
private func drain(_ fd: Int32) -> Int {
    let flags = fcntl(fd, F_GETFL)
    _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    var buffer = [UInt8](repeating: 0, count: 65536)
    var total = 0
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        total += n
    }
    _ = fcntl(fd, F_SETFL, flags)
    return total
}

/// `fd_read(0, [iovec at 0: 100 bytes at 64], nread at 16)`, then exit with the errno (or 100 + bytes read).
private let readStdin = wat("""
  (func (export "_start") (local $e i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 100))
    (local.set $e (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
    (if (local.get $e) (then (call $proc_exit (local.get $e))))
    (call $proc_exit (i32.add (i32.const 100) (i32.load (i32.const 16)))))
""")

/// Writes 1 MiB (memory grown to 17 pages) to fd 1 with one fd_write; exits with 0 if all of it was written.
private let writeMegabyte = wat("""
  (func (export "_start") (local $e i32)
    (drop (memory.grow (i32.const 16)))
    (i32.store (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 4) (i32.const 1048576))
    (local.set $e (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (if (local.get $e) (then (call $proc_exit (local.get $e))))
    (call $proc_exit (i32.ne (i32.load (i32.const 16)) (i32.const 1048576))))
""")

/// Every WASI call that can block honours the run's deadline and its interrupt handle (Blocking.swift).
@Suite struct BlockingTests {
    @Test func readFromSilentPipeStopsAtTheDeadline() throws {
        let p = makePipe()
        defer { close(p.read); close(p.write) }
        let run = try runMayBlock(readStdin, stdin: p.read, deadline: .milliseconds(200)) {
            _ = write(p.write, "x", 1)
        }
        #expect(run.finished, "fd_read on a silent pipe ignored the deadline")
        #expect(run.pastDeadline, "expected the deadline's trap, got code \(String(describing: run.code)), error \(String(describing: run.error))")
        #expect(run.elapsed >= .milliseconds(150))
    }

    @Test func readFromSilentPipeStopsOnInterrupt() throws {
        let p = makePipe()
        defer { close(p.read); close(p.write) }
        let run = try runMayBlock(readStdin, stdin: p.read, interruptAfter: 0.2) {
            _ = write(p.write, "x", 1)
        }
        #expect(run.finished, "fd_read on a silent pipe ignored the interrupt")
        #expect(run.interrupted, "expected the interrupted trap, got code \(String(describing: run.code)), error \(String(describing: run.error))")
    }

    @Test func readUnderDeadlineStillReadsData() throws {
        let p = makePipe()
        defer { close(p.read); close(p.write) }
        _ = write(p.write, "hello", 5)
        let run = try runMayBlock(readStdin, stdin: p.read, deadline: .seconds(30), interruptAfter: 30) {
            _ = write(p.write, "x", 1)
        }
        #expect(run.finished)
        #expect(run.error == nil)
        #expect(run.code == 105)
    }

    /// Two iovecs, the pipe holding exactly enough for the first: fd_read returns those 4 bytes (as readv does)
    /// instead of blocking in a second read for the next iovec. With or without a deadline.
    @Test(arguments: [false, true])
    func readReturnsWhatIsThereWithoutWaitingForMore(withDeadline: Bool) throws {
        let p = makePipe()
        defer { close(p.read); close(p.write) }
        _ = write(p.write, "abcd", 4)
        let guest = wat("""
          (func (export "_start") (local $e i32)
            (i32.store (i32.const 0) (i32.const 64))
            (i32.store (i32.const 4) (i32.const 4))
            (i32.store (i32.const 8) (i32.const 128))
            (i32.store (i32.const 12) (i32.const 100))
            (local.set $e (call $fd_read (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 16)))
            (if (local.get $e) (then (call $proc_exit (local.get $e))))
            (call $proc_exit (i32.add (i32.const 100) (i32.load (i32.const 16)))))
        """)
        let run = try runMayBlock(guest, stdin: p.read, deadline: withDeadline ? .seconds(30) : nil) {
            _ = write(p.write, "x", 1)
        }
        #expect(run.finished, "fd_read blocked for a second iovec after reading the first")
        #expect(run.code == 104)
    }

    @Test func writeToFullPipeStopsAtTheDeadline() throws {
        let p = makePipe()
        defer { close(p.read); close(p.write) }
        let run = try runMayBlock(writeMegabyte, stdout: p.write, deadline: .milliseconds(200)) { drain(p.read) }
        #expect(run.finished, "fd_write to a full pipe ignored the deadline")
        #expect(run.pastDeadline, "expected the deadline's trap, got code \(String(describing: run.code)), error \(String(describing: run.error))")
    }

    @Test func writeToFullPipeStopsOnInterrupt() throws {
        let p = makePipe()
        defer { close(p.read); close(p.write) }
        let run = try runMayBlock(writeMegabyte, stdout: p.write, interruptAfter: 0.2) { drain(p.read) }
        #expect(run.finished, "fd_write to a full pipe ignored the interrupt")
        #expect(run.interrupted, "expected the interrupted trap, got code \(String(describing: run.code)), error \(String(describing: run.error))")
    }

    /// A write through a pipe that a reader drains still delivers every byte when the run has a deadline (the
    /// write is then split into PIPE_BUF pieces, each after POLLOUT).
    @Test func writeThroughDrainedPipeUnderDeadlineDeliversEverything() throws {
        let p = makePipe()
        defer { close(p.read); close(p.write) }
        let received = Unchecked(0)
        let readerDone = DispatchSemaphore(value: 0)
        let reader = p.read
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while received.value < 1 << 20 {
                let n = read(reader, &buffer, buffer.count)
                if n <= 0 { break }
                received.value += n
            }
            readerDone.signal()
        }.start()
        let run = try runMayBlock(writeMegabyte, stdout: p.write, deadline: .seconds(30), interruptAfter: 30) {}
        #expect(run.finished)
        #expect(run.error == nil)
        #expect(run.code == 0)
        #expect(readerDone.wait(timeout: .now() + 10) == .success)
        #expect(received.value == 1 << 20)
    }

    /// A FIFO in a preopened directory: opening it for writing blocks until a reader appears, and opening it for
    /// reading (then reading) until a writer writes. Both must end at the deadline.
    @Test(arguments: [false, true])
    func fifoOpenStopsAtTheDeadline(forWriting: Bool) throws {
        let dir = NSTemporaryDirectory() + "swasm-wasi-fifo-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        // path_open(3, 0, "fifo", 0 oflags, rights fd_read (2) or fd_write (64)) -> fd at 40; then fd_read it.
        let rights = forWriting ? 64 : 2
        let guest = wat("""
          (data (i32.const 200) "fifo")
          (func (export "_start") (local $e i32)
            (local.set $e (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 4) (i32.const 0)
                                           (i64.const \(rights)) (i64.const 0) (i32.const 0) (i32.const 40)))
            (if (local.get $e) (then (call $proc_exit (i32.add (i32.const 1000) (local.get $e)))))
            (if (i32.const \(forWriting ? 1 : 0)) (then (call $proc_exit (i32.const 2000))))
            (i32.store (i32.const 0) (i32.const 64))
            (i32.store (i32.const 4) (i32.const 100))
            (local.set $e (call $fd_read (i32.load (i32.const 40)) (i32.const 0) (i32.const 1) (i32.const 16)))
            (call $proc_exit (i32.add (i32.const 3000) (local.get $e))))
        """)
        let run = try runMayBlock(guest, preopens: [(hostPath: dir, guestPath: ".", readOnly: false)],
                                  deadline: .milliseconds(200)) {
            // Release the guest: the other end of the FIFO, opened and closed.
            let fd = open(dir + "/fifo", (forWriting ? O_RDONLY : O_WRONLY) | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
        #expect(run.finished, "a FIFO open (or its read) ignored the deadline")
        #expect(run.pastDeadline, "expected the deadline's trap, got code \(String(describing: run.code)), error \(String(describing: run.error))")
    }

    /// The FIFO open still works when the other side comes: a writer that appears during the wait is read.
    @Test func fifoReadUnderDeadlineGetsTheWritersData() throws {
        let dir = NSTemporaryDirectory() + "swasm-wasi-fifo-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        let path = dir + "/fifo"
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) {
            let fd = open(path, O_WRONLY)  // blocks until the guest has the FIFO open for reading
            if fd >= 0 {
                _ = write(fd, "fifo!", 5)
                close(fd)
            }
        }
        let guest = wat("""
          (data (i32.const 200) "fifo")
          (func (export "_start") (local $e i32)
            (local.set $e (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 4) (i32.const 0)
                                           (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 40)))
            (if (local.get $e) (then (call $proc_exit (i32.add (i32.const 1000) (local.get $e)))))
            (i32.store (i32.const 0) (i32.const 64))
            (i32.store (i32.const 4) (i32.const 100))
            (local.set $e (call $fd_read (i32.load (i32.const 40)) (i32.const 0) (i32.const 1) (i32.const 16)))
            (if (local.get $e) (then (call $proc_exit (i32.add (i32.const 2000) (local.get $e)))))
            (call $proc_exit (i32.add (i32.const 100) (i32.load (i32.const 16)))))
        """)
        let run = try runMayBlock(guest, preopens: [(hostPath: dir, guestPath: ".", readOnly: false)],
                                  deadline: .seconds(30), interruptAfter: 30) {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
        #expect(run.finished)
        #expect(run.error == nil)
        #expect(run.code == 105)
    }
}
