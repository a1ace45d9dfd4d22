import WasmPlatform
import WasmCore
import WasmRuntime

/// What a WASI guest sees: its arguments, environment, preopened directories and standard streams.
package struct WASIConfiguration {
    /// `argv`, including the program name as element 0.
    package var arguments: [String]
    package var environment: [(String, String)]
    /// Host directories the guest may reach, with the name the guest knows them by.
    package var preopens: [(hostPath: String, guestPath: String, readOnly: Bool)]
    /// Host descriptors behind guest fds 0, 1 and 2 (not closed by WASI).
    package var stdin: Int32
    package var stdout: Int32
    package var stderr: Int32
    /// When set, a guest blocked in a WASI call (`poll_oneoff`, `fd_read`/`fd_write` on a pipe, tty, socket or
    /// FIFO, `path_open` of a FIFO) past this instant stops with the `interrupted` trap (see Blocking.swift).
    package var deadline: ContinuousClock.Instant?
    /// Checked while a WASI call waits (every 20 ms); an interrupt stops the guest with the `interrupted` trap.
    package var interruptHandle: InterruptHandle?

    /// `deadline` as a CLOCK_MONOTONIC time in nanoseconds.
    static func monotonicNanoseconds(at deadline: ContinuousClock.Instant?) -> UInt64? {
        guard let deadline else { return nil }
        let left = ContinuousClock.now.duration(to: deadline).components
        guard left.seconds >= 0 else { return WASI.monotonicNow() }
        let ns = UInt64(left.seconds) &* 1_000_000_000 &+ UInt64(max(0, left.attoseconds / 1_000_000_000))
        return WASI.monotonicNow() &+ ns
    }

    package init(arguments: [String] = [], environment: [(String, String)] = [],
                 preopens: [(hostPath: String, guestPath: String, readOnly: Bool)] = [],
                 stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2) {
        self.arguments = arguments
        self.environment = environment
        self.preopens = preopens
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// A WASI setup error (for example a preopen directory that cannot be opened).
package struct WASIError: Error, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// An open guest file descriptor.
final class Descriptor {
    enum Kind { case stdio, file, directory }
    let host: Int32
    let kind: Kind
    let ownsHost: Bool
    var base: Rights
    var inheriting: Rights
    var fdflags: UInt16
    /// The guest name of a preopened directory.
    let preopenName: String?
    /// Directory entries read by `fd_readdir` (refreshed when it is called with cookie 0).
    var entries: [(ino: UInt64, type: UInt8, name: [UInt8])]?
    /// Whether a read or write on `host` can block (not a regular file, directory or block device).
    lazy var mayBlock: Bool = Descriptor.hostMayBlock(host)

    init(host: Int32, kind: Kind, ownsHost: Bool, base: Rights, inheriting: Rights, fdflags: UInt16 = 0,
         preopenName: String? = nil) {
        self.host = host
        self.kind = kind
        self.ownsHost = ownsHost
        self.base = base
        self.inheriting = inheriting
        self.fdflags = fdflags
        self.preopenName = preopenName
    }
}

/// Arguments of one host call.
struct HostArgs {
    let call: HostCall
    func u32(_ i: Int) -> UInt32 { UInt32(truncatingIfNeeded: call.slots[i]) }
    func u64(_ i: Int) -> UInt64 { call.slots[i] }
    /// The caller's memory 0, read now (it may have moved since the last call).
    func memory() throws(Errno) -> GuestMemory { try GuestMemory(call.caller) }
}

/// A WASI preview1 implementation (`wasi_snapshot_preview1`).
package final class WASI {
    package static let moduleName = "wasi_snapshot_preview1"
    let config: WASIConfiguration
    /// The store whose code made the host call in progress, set by the calls that can wait (Blocking.swift),
    /// whose deadline and interrupt handle then apply as well as the configuration's.
    unowned(unsafe) var callingStore: Store?
    var fds: [UInt32: Descriptor] = [:]

    package init(_ config: WASIConfiguration) throws {
        self.config = config
        let stdioRights: Rights = [.fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite, .fdSync, .fdDatasync]
        fds[0] = Descriptor(host: config.stdin, kind: .stdio, ownsHost: false, base: stdioRights.union(.fdRead), inheriting: [])
        fds[1] = Descriptor(host: config.stdout, kind: .stdio, ownsHost: false, base: stdioRights.union(.fdWrite), inheriting: [])
        fds[2] = Descriptor(host: config.stderr, kind: .stdio, ownsHost: false, base: stdioRights.union(.fdWrite), inheriting: [])
        var next: UInt32 = 3
        for p in config.preopens {
            let fd = open(p.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                closeAll()
                throw WASIError("cannot open directory \(p.hostPath): \(reason)")
            }
            var base = Rights.directory
            var inheriting = Rights.directory.union(.file)
            if p.readOnly {
                base.subtract(.mutating)
                inheriting.subtract(.mutating)
            }
            fds[next] = Descriptor(host: fd, kind: .directory, ownsHost: true, base: base, inheriting: inheriting,
                                   preopenName: p.guestPath)
            next += 1
        }
    }

    deinit { closeAll() }

    private func closeAll() {
        for d in fds.values where d.ownsHost { _ = close(d.host) }
        fds = [:]
    }

    /// The exit code carried by `error` if it is (or wraps) a `proc_exit`.
    package static func exitCode(of error: any Error) -> Int32? {
        if let e = error as? WASIExit { return e.code }
        if let e = error as? ExecutionError, case .host(let inner) = e { return exitCode(of: inner) }
        if let e = error as? InstantiationError, case .execution(let inner) = e { return exitCode(of: inner) }
        return nil
    }

    /// Runs the reactor initialiser `_initialize`, if the module exports one.
    package func initialize(instance: ModuleInstance, store: Store) throws {
        if case .function(let f)? = instance.export("_initialize") {
            _ = try store.invoke(f, arguments: [])
        }
    }

    /// Runs the command entry point `_start`; returns the exit code (0 if `_start` returns normally).
    package func start(instance: ModuleInstance, store: Store) throws -> Int32 {
        guard case .function(let f)? = instance.export("_start") else {
            throw WASIError("the module does not export a function \"_start\"")
        }
        guard f.type.parameters.isEmpty, f.type.results.isEmpty else {
            throw WASIError("\"_start\" must have type [] -> []")
        }
        do {
            _ = try store.invoke(f, arguments: [])
            return 0
        } catch {
            if let code = Self.exitCode(of: error) { return code }
            throw error
        }
    }

    // MARK: Descriptor table

    func descriptor(_ fd: UInt32) throws(Errno) -> Descriptor {
        guard let d = fds[fd] else { throw .badf }
        return d
    }

    func directory(_ fd: UInt32) throws(Errno) -> Descriptor {
        let d = try descriptor(fd)
        guard d.kind == .directory else { throw .notdir }
        return d
    }

    func allocate(_ d: Descriptor) throws(Errno) -> UInt32 {
        var fd: UInt32 = 3
        while fds[fd] != nil {
            guard fd < UInt32(Int32.max) else { throw .mfile }
            fd += 1
        }
        fds[fd] = d
        return fd
    }

    // MARK: Imports

    /// Host functions for every `wasi_snapshot_preview1` import, by name.
    package func imports(store: Store) -> [String: ExternalValue] {
        var result: [String: ExternalValue] = [:]
        let i = ValueType.i32, l = ValueType.i64
        func add(_ name: String, _ params: [ValueType], _ body: @escaping (HostArgs) throws(Errno) -> Void) {
            let type = FunctionType(parameters: params, results: [.i32])
            let f = store.makeHostFunction(type: type, name: "\(Self.moduleName).\(name)") { call in
                do throws(Errno) {
                    try body(HostArgs(call: call))
                    call.slots[0] = 0
                } catch {
                    call.slots[0] = UInt64(error.rawValue)
                }
            }
            result[name] = .function(f)
        }
        // A call that can wait (Blocking.swift): besides an errno it may throw `Trap.deadlineExceeded` or
        // `Trap.interrupted`, which stop the guest.
        func addBlocking(_ name: String, _ params: [ValueType], _ body: @escaping (HostArgs) throws -> Void) {
            let type = FunctionType(parameters: params, results: [.i32])
            let f = store.makeHostFunction(type: type, name: "\(Self.moduleName).\(name)") { call in
                self.callingStore = call.store
                defer { self.callingStore = nil }
                do {
                    try body(HostArgs(call: call))
                    call.slots[0] = 0
                } catch let error as Errno {
                    call.slots[0] = UInt64(error.rawValue)
                }
            }
            result[name] = .function(f)
        }
        func unsupported(_ name: String, _ params: [ValueType]) {
            add(name, params) { _ throws(Errno) in throw .nosys }
        }

        add("args_sizes_get", [i, i]) { a throws(Errno) in try self.sizesGet(a, self.config.arguments) }
        add("args_get", [i, i]) { a throws(Errno) in try self.listGet(a, self.config.arguments) }
        let env = config.environment.map { "\($0.0)=\($0.1)" }
        add("environ_sizes_get", [i, i]) { a throws(Errno) in try self.sizesGet(a, env) }
        add("environ_get", [i, i]) { a throws(Errno) in try self.listGet(a, env) }
        add("clock_res_get", [i, i]) { a throws(Errno) in
            var ts = timespec()
            guard clock_getres(try Self.clock(a.u32(0)), &ts) == 0 else { throw Errno.last }
            try a.memory().storeU64(a.u32(1), Self.nanoseconds(ts))
        }
        add("clock_time_get", [i, l, i]) { a throws(Errno) in
            var ts = timespec()
            guard clock_gettime(try Self.clock(a.u32(0)), &ts) == 0 else { throw Errno.last }
            try a.memory().storeU64(a.u32(2), Self.nanoseconds(ts))
        }
        add("random_get", [i, i]) { a throws(Errno) in
            let buffer = try a.memory().buffer(a.u32(0), a.u32(1))
            var g = SystemRandomNumberGenerator()
            var index = 0
            while index < buffer.count {
                var word = g.next()
                let n = min(8, buffer.count - index)
                withUnsafeBytes(of: &word) { w in
                    for k in 0..<n { buffer[index + k] = w[k] }
                }
                index += n
            }
        }
        add("sched_yield", []) { _ throws(Errno) in _ = sched_yield() }
        result["proc_exit"] = .function(store.makeHostFunction(
            type: FunctionType(parameters: [i], results: []), name: "\(Self.moduleName).proc_exit") { call in
                throw WASIExit(Int32(bitPattern: UInt32(truncatingIfNeeded: call.slots[0])))
            })
        unsupported("proc_raise", [i])

        addBlocking("fd_write", [i, i, i, i]) { a in try self.fdWrite(a, offset: nil) }
        addBlocking("fd_pwrite", [i, i, i, l, i]) { a in try self.fdWrite(a, offset: a.u64(3)) }
        addBlocking("fd_read", [i, i, i, i]) { a in try self.fdRead(a, offset: nil) }
        addBlocking("fd_pread", [i, i, i, l, i]) { a in try self.fdRead(a, offset: a.u64(3)) }
        add("fd_seek", [i, l, i, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            let m = try a.memory()
            _ = try m.check(a.u32(3), 8)
            guard d.kind == .file else { throw d.kind == .stdio ? .spipe : .badf }
            let whence: Int32
            switch a.u32(2) {
            case 0: whence = SEEK_SET
            case 1: whence = SEEK_CUR
            case 2: whence = SEEK_END
            default: throw .inval
            }
            let requiredRights: Rights = a.u32(2) == 1 && a.u64(1) == 0 ? [.fdTell] : [.fdSeek]
            guard !d.base.isDisjoint(with: requiredRights.union(.fdSeek)) else { throw .notcapable }
            let r = lseek(d.host, off_t(Int64(bitPattern: a.u64(1))), whence)
            guard r >= 0 else { throw Errno.last }
            try m.storeU64(a.u32(3), UInt64(r))
        }
        add("fd_tell", [i, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            let m = try a.memory()
            _ = try m.check(a.u32(1), 8)
            guard d.kind == .file else { throw d.kind == .stdio ? .spipe : .badf }
            let r = lseek(d.host, 0, SEEK_CUR)
            guard r >= 0 else { throw Errno.last }
            try m.storeU64(a.u32(1), UInt64(r))
        }
        add("fd_close", [i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            self.fds[a.u32(0)] = nil
            if d.ownsHost { _ = close(d.host) }
        }
        add("fd_renumber", [i, i]) { a throws(Errno) in
            let from = try self.descriptor(a.u32(0))
            let to = try self.descriptor(a.u32(1))
            if from === to { return }
            if to.ownsHost { _ = close(to.host) }
            self.fds[a.u32(1)] = from
            self.fds[a.u32(0)] = nil
        }
        add("fd_fdstat_get", [i, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            let m = try a.memory()
            let p = a.u32(1)
            try m.write(p, repeatElement(UInt8(0), count: 24))
            var st = stat()
            let type: UInt8 = fstat(d.host, &st) == 0 ? Self.fileType(st.st_mode) : WASIConst.fileTypeUnknown
            try m.storeU8(p, type)
            try m.storeU16(p + 2, d.fdflags)
            try m.storeU64(p + 8, d.base.rawValue)
            try m.storeU64(p + 16, d.inheriting.rawValue)
        }
        add("fd_fdstat_set_flags", [i, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            let flags = a.u32(1)
            guard flags & ~(WASIConst.fdAppend | WASIConst.fdNonblock) == 0 else { throw .notsup }
            let current = fcntl(d.host, F_GETFL)
            guard current >= 0 else { throw Errno.last }
            var new = current & ~(O_APPEND | O_NONBLOCK)
            if flags & WASIConst.fdAppend != 0 { new |= O_APPEND }
            if flags & WASIConst.fdNonblock != 0 { new |= O_NONBLOCK }
            guard fcntl(d.host, F_SETFL, new) == 0 else { throw Errno.last }
            d.fdflags = UInt16(truncatingIfNeeded: flags)
        }
        add("fd_fdstat_set_rights", [i, l, l]) { a throws(Errno) in
            // Rights can only be dropped, never gained.
            let d = try self.descriptor(a.u32(0))
            let base = Rights(rawValue: a.u64(1)), inheriting = Rights(rawValue: a.u64(2))
            guard d.base.isSuperset(of: base), d.inheriting.isSuperset(of: inheriting) else { throw .notcapable }
            d.base = base
            d.inheriting = inheriting
        }
        add("fd_prestat_get", [i, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            guard let name = d.preopenName else { throw .badf }
            let m = try a.memory()
            try m.write(a.u32(1), repeatElement(UInt8(0), count: 8))
            try m.storeU32(a.u32(1) + 4, UInt32(name.utf8.count))
        }
        add("fd_prestat_dir_name", [i, i, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            guard let name = d.preopenName else { throw .badf }
            guard a.u32(2) >= UInt32(name.utf8.count) else { throw .nametoolong }
            try a.memory().write(a.u32(1), Array(name.utf8))
        }
        add("fd_filestat_get", [i, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            var st = stat()
            guard fstat(d.host, &st) == 0 else { throw Errno.last }
            try Self.writeFilestat(a.memory(), a.u32(1), st)
        }
        add("fd_filestat_set_size", [i, l]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            guard d.kind == .file else { throw d.kind == .directory ? .isdir : .inval }
            guard d.base.contains(.fdFilestatSetSize) else { throw .notcapable }
            guard ftruncate(d.host, off_t(Int64(bitPattern: a.u64(1)))) == 0 else { throw Errno.last }
        }
        add("fd_filestat_set_times", [i, l, l, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            guard d.base.contains(.fdFilestatSetTimes) else { throw .notcapable }
            var times = try Self.times(a.u64(1), a.u64(2), a.u32(3))
            guard futimens(d.host, &times) == 0 else { throw Errno.last }
        }
        add("fd_sync", [i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            guard fsync(d.host) == 0 else { throw Errno.last }
        }
        add("fd_datasync", [i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            guard Platform.dataSync(d.host) == 0 else { throw Errno.last }
        }
        add("fd_advise", [i, l, l, i]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            guard a.u32(3) <= 5 else { throw .inval }
            guard d.kind == .file else { throw d.kind == .directory ? .isdir : .spipe }
        }
        add("fd_allocate", [i, l, l]) { a throws(Errno) in
            let d = try self.descriptor(a.u32(0))
            guard d.kind == .file else { throw d.kind == .directory ? .isdir : .spipe }
            guard d.base.contains(.fdAllocate) || d.base.contains(.fdWrite) else { throw .notcapable }
            let r = Platform.allocate(d.host, offset: Int64(bitPattern: a.u64(1)), length: Int64(bitPattern: a.u64(2)))
            guard r == 0 else { throw Errno.fromHost(r) }
        }
        add("fd_readdir", [i, i, i, l, i]) { a throws(Errno) in try self.fdReaddir(a) }

        addBlocking("path_open", [i, i, i, i, i, l, l, i, i]) { a in try self.pathOpen(a) }
        add("path_filestat_get", [i, i, i, i, i]) { a throws(Errno) in
            let d = try self.directory(a.u32(0))
            guard d.base.contains(.pathFilestatGet) else { throw .notcapable }
            let m = try a.memory()
            _ = try m.check(a.u32(4), 64)
            let path = try m.string(a.u32(2), a.u32(3))
            let r = try PathResolver.resolve(root: d.host, path: path, followFinal: a.u32(1) & WASIConst.lookupSymlinkFollow != 0)
            defer { r.close() }
            var st = stat()
            guard fstatat(r.directory, r.name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw Errno.last }
            try Self.writeFilestat(m, a.u32(4), st)
        }
        add("path_filestat_set_times", [i, i, i, i, l, l, i]) { a throws(Errno) in
            let d = try self.directory(a.u32(0))
            guard d.base.contains(.pathFilestatSetTimes) else { throw .notcapable }
            let path = try a.memory().string(a.u32(2), a.u32(3))
            var times = try Self.times(a.u64(4), a.u64(5), a.u32(6))
            let r = try PathResolver.resolve(root: d.host, path: path, followFinal: a.u32(1) & WASIConst.lookupSymlinkFollow != 0)
            defer { r.close() }
            guard utimensat(r.directory, r.name, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw Errno.last }
        }
        add("path_create_directory", [i, i, i]) { a throws(Errno) in
            let (r, _) = try self.resolve(a, fd: 0, path: 1, right: .pathCreateDirectory, follow: false, trailingSlash: false)
            defer { r.close() }
            guard mkdirat(r.directory, r.name, 0o777) == 0 else { throw Errno.last }
        }
        add("path_remove_directory", [i, i, i]) { a throws(Errno) in
            let (r, _) = try self.resolve(a, fd: 0, path: 1, right: .pathRemoveDirectory, follow: false, trailingSlash: false)
            defer { r.close() }
            guard r.name != "." else { throw .inval }
            guard unlinkat(r.directory, r.name, AT_REMOVEDIR) == 0 else { throw Errno.last }
        }
        add("path_unlink_file", [i, i, i]) { a throws(Errno) in
            let (r, _) = try self.resolve(a, fd: 0, path: 1, right: .pathUnlinkFile, follow: false, trailingSlash: true)
            defer { r.close() }
            guard r.name != "." else { throw .isdir }
            guard unlinkat(r.directory, r.name, 0) == 0 else { throw Errno.last }
        }
        add("path_rename", [i, i, i, i, i, i]) { a throws(Errno) in
            let (old, _) = try self.resolve(a, fd: 0, path: 1, right: .pathRenameSource, follow: false, trailingSlash: false)
            defer { old.close() }
            let (new, _) = try self.resolve(a, fd: 3, path: 4, right: .pathRenameTarget, follow: false, trailingSlash: false)
            defer { new.close() }
            guard old.name != ".", new.name != "." else { throw .inval }
            guard renameat(old.directory, old.name, new.directory, new.name) == 0 else { throw Errno.last }
        }
        add("path_symlink", [i, i, i, i, i]) { a throws(Errno) in
            let target = try a.memory().string(a.u32(0), a.u32(1))
            // A link to an absolute path would point out of the sandbox for whoever follows it on the host.
            guard !target.hasPrefix("/") else { throw .perm }
            let (r, _) = try self.resolve(a, fd: 2, path: 3, right: .pathSymlink, follow: false, trailingSlash: false)
            defer { r.close() }
            guard symlinkat(target, r.directory, r.name) == 0 else { throw Errno.last }
        }
        add("path_link", [i, i, i, i, i, i, i]) { a throws(Errno) in
            let (old, _) = try self.resolve(a, fd: 0, path: 2, right: .pathLinkSource,
                                            follow: a.u32(1) & WASIConst.lookupSymlinkFollow != 0, trailingSlash: false)
            defer { old.close() }
            let (new, _) = try self.resolve(a, fd: 4, path: 5, right: .pathLinkTarget, follow: false, trailingSlash: false)
            defer { new.close() }
            guard linkat(old.directory, old.name, new.directory, new.name, 0) == 0 else { throw Errno.last }
        }
        add("path_readlink", [i, i, i, i, i, i]) { a throws(Errno) in
            let (r, m) = try self.resolve(a, fd: 0, path: 1, right: .pathReadlink, follow: false, trailingSlash: false)
            defer { r.close() }
            _ = try m.check(a.u32(5), 4)
            let out = try m.buffer(a.u32(3), a.u32(4))
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBufferPointer { b -> Int in
                guard let p = b.baseAddress else { return -1 }
                return readlinkat(r.directory, r.name, p, b.count)
            }
            guard n >= 0 else { throw Errno.last }
            let count = min(n, out.count)
            for k in 0..<count { out[k] = UInt8(bitPattern: buffer[k]) }
            try m.storeU32(a.u32(5), UInt32(count))
        }

        result["poll_oneoff"] = .function(store.makeHostFunction(
            type: FunctionType(parameters: [i, i, i, i], results: [i]), name: "\(Self.moduleName).poll_oneoff") { call in
                self.callingStore = call.store
                defer { self.callingStore = nil }
                call.slots[0] = UInt64(try self.pollOneoff(HostArgs(call: call)).rawValue)
            })
        // Swasm never gives a guest a socket (there are no preopened sockets), so every open descriptor is
        // "not a socket" and any other number is a bad descriptor. (None of these can block; a socket the host
        // passes as stdin is read with fd_read, which waits like any other.)
        let notSocket: (HostArgs) throws(Errno) -> Void = { a throws(Errno) in
            _ = try self.descriptor(a.u32(0))
            throw .notsock
        }
        add("sock_accept", [i, i, i], notSocket)
        add("sock_recv", [i, i, i, i, i, i], notSocket)
        add("sock_send", [i, i, i, i, i], notSocket)
        add("sock_shutdown", [i, i], notSocket)
        return result
    }

    /// The names of preview1 functions that return ENOSYS (`proc_raise`: signals are not part of the sandbox;
    /// wasi-libc's `raise` then reports failure).
    package static let unsupportedFunctions = ["proc_raise"]

    // MARK: Helpers

    func sizesGet(_ a: HostArgs, _ list: [String]) throws(Errno) {
        let m = try a.memory()
        try m.storeU32(a.u32(0), UInt32(list.count))
        try m.storeU32(a.u32(1), UInt32(list.reduce(0) { $0 + $1.utf8.count + 1 }))
    }

    func listGet(_ a: HostArgs, _ list: [String]) throws(Errno) {
        let m = try a.memory()
        let pointers = a.u32(0), buffer = a.u32(1)
        let total = UInt64(list.reduce(0) { $0 + $1.utf8.count + 1 })
        _ = try m.check(pointers, UInt64(list.count) * 4)
        _ = try m.check(buffer, total)
        var offset: UInt32 = 0
        for (index, s) in list.enumerated() {
            try m.storeU32(pointers + UInt32(index) * 4, buffer + offset)
            var bytes = Array(s.utf8)
            bytes.append(0)
            try m.write(buffer + offset, bytes)
            offset += UInt32(bytes.count)
        }
    }

    static func clock(_ id: UInt32) throws(Errno) -> clockid_t {
        switch id {
        case 0: return CLOCK_REALTIME
        case 1: return CLOCK_MONOTONIC
        case 2: return CLOCK_PROCESS_CPUTIME_ID
        case 3: return CLOCK_THREAD_CPUTIME_ID
        default: throw .inval
        }
    }

    static func nanoseconds(_ ts: timespec) -> UInt64 {
        UInt64(bitPattern: Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec))
    }

    static func fileType(_ mode: mode_t) -> UInt8 {
        switch mode & S_IFMT {
        case S_IFDIR: WASIConst.fileTypeDirectory
        case S_IFREG: WASIConst.fileTypeRegular
        case S_IFLNK: WASIConst.fileTypeSymlink
        case S_IFCHR: WASIConst.fileTypeCharacterDevice
        case S_IFBLK: WASIConst.fileTypeBlockDevice
        case S_IFSOCK: WASIConst.fileTypeSocketStream
        default: WASIConst.fileTypeUnknown
        }
    }

    static func writeFilestat(_ m: GuestMemory, _ p: UInt32, _ st: stat) throws(Errno) {
        try m.write(p, repeatElement(UInt8(0), count: 64))
        try m.storeU64(p, UInt64(truncatingIfNeeded: st.st_dev))
        try m.storeU64(p + 8, UInt64(truncatingIfNeeded: st.st_ino))
        try m.storeU8(p + 16, fileType(st.st_mode))
        try m.storeU64(p + 24, UInt64(truncatingIfNeeded: st.st_nlink))
        try m.storeU64(p + 32, UInt64(truncatingIfNeeded: st.st_size))
        try m.storeU64(p + 40, nanoseconds(st.accessTime))
        try m.storeU64(p + 48, nanoseconds(st.modificationTime))
        try m.storeU64(p + 56, nanoseconds(st.statusChangeTime))
    }

    /// `timespec[2]` for futimens/utimensat from preview1 times and fstflags.
    static func times(_ atim: UInt64, _ mtim: UInt64, _ flags: UInt32) throws(Errno) -> [timespec] {
        let atimSet: UInt32 = 1, atimNow: UInt32 = 2, mtimSet: UInt32 = 4, mtimNow: UInt32 = 8
        guard flags & ~15 == 0, flags & (atimSet | atimNow) != (atimSet | atimNow),
              flags & (mtimSet | mtimNow) != (mtimSet | mtimNow) else { throw .inval }
        func ts(_ v: UInt64, set: Bool, now: Bool) -> timespec {
            if now { return timespec(tv_sec: 0, tv_nsec: Platform.utimeNow) }
            if !set { return timespec(tv_sec: 0, tv_nsec: Platform.utimeOmit) }
            return timespec(tv_sec: Int(v / 1_000_000_000), tv_nsec: Int(v % 1_000_000_000))
        }
        return [ts(atim, set: flags & atimSet != 0, now: flags & atimNow != 0),
                ts(mtim, set: flags & mtimSet != 0, now: flags & mtimNow != 0)]
    }

    /// Resolves the (fd, path pointer, path length) arguments at `fd`, `path`, `path + 1`.
    func resolve(_ a: HostArgs, fd: Int, path: Int, right: Rights, follow: Bool,
                 trailingSlash: Bool) throws(Errno) -> (ResolvedPath, GuestMemory) {
        let d = try directory(a.u32(fd))
        guard d.base.contains(right) else { throw .notcapable }
        let m = try a.memory()
        let p = try m.string(a.u32(path), a.u32(path + 1))
        return (try PathResolver.resolve(root: d.host, path: p, followFinal: follow, trailingSlashMeansDirectory: trailingSlash), m)
    }

    /// `fd_write`/`fd_pwrite`. On a descriptor that can block, when the run can be stopped, every write(2)
    /// waits for POLLOUT first and moves at most PIPE_BUF bytes, so none blocks in the kernel (Blocking.swift).
    /// pwrite(2) does not wait: on a pipe, FIFO, socket or tty it fails with ESPIPE at once.
    func fdWrite(_ a: HostArgs, offset: UInt64?) throws {
        let d = try descriptor(a.u32(0))
        let m = try a.memory()
        let resultPointer = a.u32(offset == nil ? 3 : 4)
        _ = try m.check(resultPointer, 4)
        let buffers = try m.iovecs(a.u32(1), a.u32(2))
        if offset != nil && d.kind == .stdio { throw Errno.spipe }
        if d.kind == .directory { throw Errno.isdir }
        guard d.base.contains(.fdWrite) else { throw Errno.badf }
        let waits = offset == nil && isStoppable && d.mayBlock && !d.isGuestNonblocking
        let limit = waits ? Self.nonBlockingWriteSize : Int.max
        var total: UInt64 = 0
        outer: for b in buffers where b.count > 0 {
            guard let start = b.baseAddress else { continue }
            var done = 0
            while done < b.count {
                if waits { _ = try waitUntilReady(d, events: Int16(POLLOUT)) }
                let count = min(b.count - done, limit)
                let n: Int
                if let offset {
                    n = pwrite(d.host, start + done, count, off_t(Int64(bitPattern: offset &+ total)))
                } else {
                    n = write(d.host, start + done, count)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    if total > 0 { break outer }
                    throw Errno.last
                }
                if n == 0 { break outer }
                done += n
                total += UInt64(n)
            }
        }
        try m.storeU32(resultPointer, UInt32(truncatingIfNeeded: min(total, UInt64(UInt32.max))))
    }

    /// `fd_read`/`fd_pread`. On a descriptor that can block, the first read(2) waits (Blocking.swift) and a later
    /// one (the next iovec) happens only if more data is there already, so the call returns what it has, as
    /// readv(2) does, instead of blocking for more. pread(2) does not wait: on a pipe, FIFO, socket or tty it
    /// fails with ESPIPE at once.
    func fdRead(_ a: HostArgs, offset: UInt64?) throws {
        let d = try descriptor(a.u32(0))
        let m = try a.memory()
        let resultPointer = a.u32(offset == nil ? 3 : 4)
        _ = try m.check(resultPointer, 4)
        let buffers = try m.iovecs(a.u32(1), a.u32(2))
        if offset != nil && d.kind == .stdio { throw Errno.spipe }
        if d.kind == .directory { throw Errno.isdir }
        guard d.base.contains(.fdRead) else { throw Errno.badf }
        var total: UInt64 = 0
        for b in buffers where b.count > 0 {
            guard let start = b.baseAddress else { continue }
            if offset == nil, try !waitUntilReady(d, events: Int16(POLLIN), block: total == 0) { break }
            var n: Int
            repeat {
                if let offset {
                    n = pread(d.host, start, b.count, off_t(Int64(bitPattern: offset &+ total)))
                } else {
                    n = read(d.host, start, b.count)
                }
            } while n < 0 && errno == EINTR
            if n < 0 {
                if total > 0 { break }
                throw Errno.last
            }
            total += UInt64(n)
            if n < b.count { break }
        }
        try m.storeU32(resultPointer, UInt32(truncatingIfNeeded: min(total, UInt64(UInt32.max))))
    }

    func pathOpen(_ a: HostArgs) throws {
        let d = try directory(a.u32(0))
        guard d.base.contains(.pathOpen) else { throw Errno.notcapable }
        let m = try a.memory()
        let resultPointer = a.u32(8)
        _ = try m.check(resultPointer, 4)
        let path = try m.string(a.u32(2), a.u32(3))
        let follow = a.u32(1) & WASIConst.lookupSymlinkFollow != 0
        let oflags = a.u32(4)
        let requested = Rights(rawValue: a.u64(5))
        let requestedInheriting = Rights(rawValue: a.u64(6))
        let fdflags = a.u32(7)
        guard oflags & ~15 == 0 else { throw Errno.inval }

        let wantsWrite = !requested.isDisjoint(with: [.fdWrite, .fdAllocate, .fdFilestatSetSize]) || oflags & WASIConst.oTrunc != 0
        let wantsRead = !requested.isDisjoint(with: [.fdRead, .fdReaddir]) || !wantsWrite
        if oflags & WASIConst.oCreat != 0 && !d.base.contains(.pathCreateFile) { throw Errno.notcapable }
        if oflags & WASIConst.oTrunc != 0 && !d.base.contains(.pathFilestatSetSize) { throw Errno.notcapable }
        if wantsWrite && !d.inheriting.contains(.fdWrite) { throw Errno.notcapable }

        var flags = O_CLOEXEC | O_NOFOLLOW
        flags |= wantsWrite ? (wantsRead ? O_RDWR : O_WRONLY) : O_RDONLY
        if oflags & WASIConst.oCreat != 0 { flags |= O_CREAT }
        if oflags & WASIConst.oExcl != 0 { flags |= O_EXCL }
        if oflags & WASIConst.oTrunc != 0 { flags |= O_TRUNC }
        if oflags & WASIConst.oDirectory != 0 { flags |= O_DIRECTORY }
        if fdflags & WASIConst.fdAppend != 0 { flags |= O_APPEND }
        if fdflags & WASIConst.fdDsync != 0 { flags |= O_DSYNC }
        if fdflags & WASIConst.fdSync != 0 { flags |= O_SYNC }
        if fdflags & WASIConst.fdRsync != 0 { flags |= Platform.openReadSync }
        if fdflags & WASIConst.fdNonblock != 0 { flags |= O_NONBLOCK }

        let r = try PathResolver.resolve(root: d.host, path: path, followFinal: follow)
        defer { r.close() }
        let host = try openWithoutBlocking(r.directory, r.name, flags, mode: 0o666)
        guard host >= 0 else {
            let e = errno
            // O_NOFOLLOW on a symlink (the guest did not ask to follow it): ELOOP on Linux and Darwin, EMLINK on
            // FreeBSD, ENOTDIR with O_DIRECTORY on some.
            if e == ELOOP || ((e == EMLINK || (e == ENOTDIR && oflags & WASIConst.oDirectory != 0))
                              && PathResolver.isSymlink(r.directory, r.name)) {
                throw Errno.loop
            }
            throw Errno.fromHost(e)
        }
        var st = stat()
        guard fstat(host, &st) == 0 else {
            let e = Errno.last
            _ = close(host)
            throw e
        }
        let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        let base = requested.intersection(d.inheriting).intersection(isDirectory ? .directory : .file)
        let inheriting = requestedInheriting.intersection(d.inheriting)
        let descriptor = Descriptor(host: host, kind: isDirectory ? .directory : .file, ownsHost: true,
                                    base: base, inheriting: inheriting,
                                    fdflags: UInt16(truncatingIfNeeded: fdflags))
        let fd: UInt32
        do { fd = try allocate(descriptor) } catch {
            _ = close(host)
            throw error
        }
        try m.storeU32(resultPointer, fd)
    }

    func fdReaddir(_ a: HostArgs) throws(Errno) {
        let d = try descriptor(a.u32(0))
        guard d.kind == .directory else { throw .notdir }
        guard d.base.contains(.fdReaddir) else { throw .notcapable }
        let m = try a.memory()
        let out = try m.buffer(a.u32(1), a.u32(2))
        let usedPointer = a.u32(4)
        _ = try m.check(usedPointer, 4)
        let cookie = a.u64(3)
        if cookie == 0 || d.entries == nil { d.entries = try Self.readDirectory(d.host) }
        let entries = d.entries ?? []
        var bytes: [UInt8] = []
        if cookie < UInt64(entries.count) {
            for index in Int(cookie)..<entries.count {
                guard bytes.count < out.count else { break }
                let e = entries[index]
                withUnsafeBytes(of: UInt64(index + 1).littleEndian) { bytes.append(contentsOf: $0) }
                withUnsafeBytes(of: e.ino.littleEndian) { bytes.append(contentsOf: $0) }
                withUnsafeBytes(of: UInt32(e.name.count).littleEndian) { bytes.append(contentsOf: $0) }
                bytes.append(e.type)
                bytes.append(contentsOf: [0, 0, 0])
                bytes.append(contentsOf: e.name)
            }
        }
        let used = min(bytes.count, out.count)
        for k in 0..<used { out[k] = bytes[k] }
        try m.storeU32(usedPointer, UInt32(used))
    }

    /// All entries of the directory open at `fd` (including "." and "..").
    static func readDirectory(_ fd: Int32) throws(Errno) -> [(ino: UInt64, type: UInt8, name: [UInt8])] {
        let copy = dup(fd)
        guard copy >= 0 else { throw Errno.last }
        guard let dir = fdopendir(copy) else {
            let e = Errno.last
            _ = close(copy)
            throw e
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var result: [(ino: UInt64, type: UInt8, name: [UInt8])] = []
        while let entry = readdir(dir) {
            let name: [UInt8] = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let n = raw.firstIndex(of: 0) ?? raw.count
                return Array(raw[0..<n])
            }
            let type: UInt8
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): type = WASIConst.fileTypeDirectory
            case Int32(DT_REG): type = WASIConst.fileTypeRegular
            case Int32(DT_LNK): type = WASIConst.fileTypeSymlink
            case Int32(DT_CHR): type = WASIConst.fileTypeCharacterDevice
            case Int32(DT_BLK): type = WASIConst.fileTypeBlockDevice
            case Int32(DT_SOCK): type = WASIConst.fileTypeSocketStream
            default: type = WASIConst.fileTypeUnknown
            }
            result.append((entry.fileNumber, type, name))
        }
        return result
    }
}
