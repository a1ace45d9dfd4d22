import WasmPlatform
import Foundation
import Testing
@testable import WASI

/// The wrappers of Sources/WasmPlatform/Platform.swift that WASI relies on, on this host.
@Suite struct PlatformTests {
    func temporaryFile() throws -> (path: String, fd: Int32) {
        let path = NSTemporaryDirectory() + "swasm-platform-\(UUID().uuidString)"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        return (path, fd)
    }

    @Test func allocateGrowsAndSyncs() throws {
        let (path, fd) = try temporaryFile()
        defer { _ = Platform.close(fd); unlink(path) }
        #expect(Platform.allocate(fd, offset: 0, length: 10_000) == 0)
        var st = stat()
        #expect(fstat(fd, &st) == 0 && st.st_size == 10_000)
        #expect(Platform.allocate(fd, offset: 100, length: 10) == 0)
        #expect(fstat(fd, &st) == 0 && st.st_size == 10_000)
        #expect(Platform.allocate(fd, offset: 0, length: 0) == EINVAL)
        #expect(Platform.dataSync(fd) == 0)
    }

    @Test func statTimesAndUtimeConstants() throws {
        let (path, fd) = try temporaryFile()
        defer { _ = Platform.close(fd); unlink(path) }
        // Set the modification time, leave the access time (UTIME_OMIT), then read both back.
        var times = [timespec(tv_sec: 0, tv_nsec: Platform.utimeOmit), timespec(tv_sec: 1_000_000, tv_nsec: 5)]
        #expect(futimens(fd, &times) == 0)
        var st = stat()
        #expect(fstat(fd, &st) == 0)
        #expect(st.modificationTime.tv_sec == 1_000_000 && st.modificationTime.tv_nsec == 5)
        #expect(st.accessTime.tv_sec != 1_000_000)
        // UTIME_NOW sets a current time.
        times = [timespec(tv_sec: 0, tv_nsec: Platform.utimeNow), timespec(tv_sec: 0, tv_nsec: Platform.utimeNow)]
        #expect(futimens(fd, &times) == 0)
        #expect(fstat(fd, &st) == 0)
        #expect(st.modificationTime.tv_sec > 1_000_000_000 && st.statusChangeTime.tv_sec > 1_000_000_000)
    }

    @Test func bytesReadableOnAPipe() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { _ = Platform.close(fds[0]); _ = Platform.close(fds[1]) }
        #expect(Platform.bytesReadable(fds[0]) == 0)
        let bytes: [UInt8] = [1, 2, 3]
        #expect(bytes.withUnsafeBytes { Platform.write(fds[1], $0.baseAddress, $0.count) } == 3)
        #expect(Platform.bytesReadable(fds[0]) == 3)
    }

    @Test func directoryEntriesCarryInodes() throws {
        let fd = open(NSTemporaryDirectory(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { _ = Platform.close(fd) }
        let entries = try WASI.readDirectory(fd)
        let dot = try #require(entries.first { $0.name == [UInt8(ascii: ".")] })
        var st = stat()
        #expect(stat(NSTemporaryDirectory(), &st) == 0)
        #expect(dot.ino == UInt64(truncatingIfNeeded: st.st_ino))
    }

    @Test func hostErrnoByName() {
        #expect(Errno.fromHost(ENOTSUP) == .notsup)
        #expect(Errno.fromHost(EOPNOTSUPP) == .notsup)
        #expect(Errno.fromHost(EWOULDBLOCK) == .again)
        #expect(Errno.fromHost(ELOOP) == .loop)
        #expect(Errno.fromHost(ETIMEDOUT) == .timedout)
        #expect(Errno.fromHost(ESTALE) == .stale)
    }
}
