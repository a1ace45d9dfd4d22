import WasmPlatform
import Foundation
import Testing
import WASI

/// A temporary directory tree: root/{sub/file, link_in -> sub, link_out -> /etc, link_up -> ../..,
/// sub/esc -> ../../outside, loop -> loop}, with `outside` next to root.
final class SandboxFixture {
    let base: String
    let root: String
    let rootFD: Int32

    init() throws {
        base = NSTemporaryDirectory() + "swasm-wasi-\(UUID().uuidString)"
        root = base + "/root"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        try "secret".write(toFile: base + "/outside/secret.txt", atomically: false, encoding: .utf8)
        try "file".write(toFile: root + "/sub/file", atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root + "/link_in", withDestinationPath: "sub")
        try fm.createSymbolicLink(atPath: root + "/link_out", withDestinationPath: "/etc")
        try fm.createSymbolicLink(atPath: root + "/link_up", withDestinationPath: "../..")
        try fm.createSymbolicLink(atPath: root + "/sub/esc", withDestinationPath: "../../outside")
        try fm.createSymbolicLink(atPath: root + "/loop", withDestinationPath: "loop")
        rootFD = open(root, O_RDONLY | O_DIRECTORY)
    }

    deinit {
        close(rootFD)
        try? FileManager.default.removeItem(atPath: base)
    }

    func resolve(_ path: String, follow: Bool = false) -> Result<(String, String), Errno> {
        do throws(Errno) {
            let r = try PathResolver.resolve(root: rootFD, path: path, followFinal: follow)
            defer { r.close() }
            // Report the directory as a path relative to root: the fixture directory with the same device and
            // inode (fstat and fstatat, so the test needs no /proc and runs on any POSIX host).
            var st = stat(), candidate = stat()
            var relative = "?"
            if fstat(r.directory, &st) == 0 {
                for name in [".", "sub", "../outside"] where fstatat(rootFD, name, &candidate, 0) == 0 {
                    if candidate.st_dev == st.st_dev && candidate.st_ino == st.st_ino {
                        relative = name
                        break
                    }
                }
            }
            return .success((relative, r.name))
        } catch {
            return .failure(error)
        }
    }
}

@Suite struct PathResolverTests {
    @Test func plainPaths() throws {
        let f = try SandboxFixture()
        #expect(try f.resolve("sub/file").get() == ("sub", "file"))
        #expect(try f.resolve("./sub//file").get() == ("sub", "file"))
        #expect(try f.resolve("sub/../sub/file").get() == ("sub", "file"))
        #expect(try f.resolve(".").get() == (".", "."))
        #expect(try f.resolve("sub/").get() == ("sub", "."))
        #expect(try f.resolve("sub/..").get() == (".", "."))
        #expect(try f.resolve("newfile").get() == (".", "newfile"))
    }

    @Test func refusesEscapes() throws {
        let f = try SandboxFixture()
        #expect(throws: Errno.notcapable) { try f.resolve("/etc/passwd").get() }
        #expect(throws: Errno.notcapable) { try f.resolve("..").get() }
        #expect(throws: Errno.notcapable) { try f.resolve("../root/sub/file").get() }
        #expect(throws: Errno.notcapable) { try f.resolve("sub/../../outside/secret.txt").get() }
        #expect(throws: Errno.noent) { try f.resolve("").get() }
        #expect(throws: Errno.noent) { try f.resolve("missing/file").get() }
        #expect(throws: Errno.notdir) { try f.resolve("sub/file/x").get() }
    }

    @Test func symlinks() throws {
        let f = try SandboxFixture()
        // Inside the sandbox: followed by the resolver.
        #expect(try f.resolve("link_in/file").get() == ("sub", "file"))
        #expect(try f.resolve("link_in", follow: true).get() == (".", "sub"))
        // The final component is not followed unless asked.
        #expect(try f.resolve("link_out").get() == (".", "link_out"))
        // Escapes: absolute targets and relative targets climbing above the root.
        #expect(throws: Errno.notcapable) { try f.resolve("link_out/passwd").get() }
        #expect(throws: Errno.notcapable) { try f.resolve("link_out", follow: true).get() }
        #expect(throws: Errno.notcapable) { try f.resolve("link_up/x").get() }
        #expect(throws: Errno.notcapable) { try f.resolve("sub/esc/secret.txt").get() }
        #expect(throws: Errno.notcapable) { try f.resolve("sub/esc", follow: true).get() }
        #expect(throws: Errno.loop) { try f.resolve("loop/x").get() }
    }
}
