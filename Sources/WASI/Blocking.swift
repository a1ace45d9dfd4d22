import WasmPlatform
import WasmRuntime

/// Waiting in host calls that can block (`poll_oneoff`, `fd_read`/`fd_write` on pipes, ttys, sockets and FIFOs,
/// `path_open` of a FIFO): every such wait goes through `WASI.wait(_:until:)`, which waits in slices and stops
/// the guest with the `interrupted` trap once the run's deadline passes or its interrupt handle fires. A host
/// call that blocked in the kernel instead would keep `--timeout` and `InterruptHandle` from stopping the guest.
extension WASI {
    /// The longest single wait: how long an interrupt may go unnoticed (the deadline itself is waited for exactly).
    static let waitSlice: UInt64 = 20_000_000

    /// Whether anything can stop the guest while it waits. Without a deadline and an interrupt handle, calls
    /// block in the kernel as they always did (nothing could end the wait earlier anyway).
    var isStoppable: Bool { stopDeadline != nil || stopHandle != nil }

    /// The deadline that applies: the configuration's, else the calling store's (`Instance.deadline`).
    var stopDeadline: ContinuousClock.Instant? { config.deadline ?? callingStore?.deadline }

    /// The interrupt handle that applies: the configuration's, else the calling store's once the embedder has
    /// asked for it (`InterruptHandle.arm()`): until then nothing can fire it, and waits need no slicing.
    var stopHandle: InterruptHandle? {
        if let handle = config.interruptHandle { return handle }
        guard let handle = callingStore?.interruptHandle, handle.isArmed else { return nil }
        return handle
    }

    enum WaitResult {
        /// At least one descriptor has events (`revents` set).
        case ready
        /// `until` passed first.
        case timedOut
        /// poll(2) failed.
        case failed(Errno)
    }

    /// The one place where WASI waits: polls `fds` (or sleeps, when there are none) until one of them has
    /// events or `until` (CLOCK_MONOTONIC nanoseconds; nil: no limit) passes. Before each slice of the wait it
    /// checks the run's deadline and interrupt handle and throws `Trap.deadlineExceeded` or `Trap.interrupted`, so a
    /// wait that is already over (`until` now, or a ready descriptor) still honours them.
    func wait(_ fds: UnsafeMutableBufferPointer<pollfd>, until: UInt64?) throws(Trap) -> WaitResult {
        let stop = WASIConfiguration.monotonicNanoseconds(at: stopDeadline)
        let handle = stopHandle
        let sliced = stop != nil || handle != nil
        while true {
            let current = Self.monotonicNow()
            if let stop, current >= stop { throw Trap.deadlineExceeded }
            if handle?.isInterrupted == true { throw Trap.interrupted }
            var remaining: UInt64? = sliced ? Self.waitSlice : nil
            if let w = until { remaining = min(remaining ?? .max, w > current ? w - current : 0) }
            if let stop { remaining = min(remaining ?? .max, stop > current ? stop - current : 0) }
            if fds.isEmpty {
                // Nothing to poll (a clock alone, or a retry later): sleep for the slice or until `until`.
                let ns = remaining ?? Self.waitSlice
                if ns > 0 {
                    var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
                    _ = nanosleep(&ts, nil)
                }
            } else {
                for k in fds.indices { fds[k].revents = 0 }
                let ms = remaining.map { Int32(clamping: $0 / 1_000_000 + ($0 % 1_000_000 > 0 ? 1 : 0)) } ?? -1
                let r = poll(fds.baseAddress, nfds_t(fds.count), ms)
                if r > 0 { return .ready }
                if r < 0 && errno != EINTR { return .failed(Errno.last) }
            }
            if let w = until, Self.monotonicNow() >= w { return .timedOut }
        }
    }

    /// Called right before a read (`events` POLLIN) or write (POLLOUT) on `d` that could block in the kernel.
    /// Returns at once for descriptors that never block (regular files, directories), for descriptors the
    /// guest made non-blocking, and when nothing can stop the guest. Otherwise it waits until the host
    /// descriptor is ready, throwing `Trap.deadlineExceeded` on the run's deadline, `Trap.interrupted` on an interrupt.
    ///
    /// With `block` false (a read or write that has already moved some bytes) it does not wait: it says whether
    /// the descriptor is ready now, so `fd_read` returns what it has instead of blocking for more, as readv does.
    func waitUntilReady(_ d: Descriptor, events: Int16, block: Bool = true) throws(Trap) -> Bool {
        guard d.mayBlock, !d.isGuestNonblocking else { return true }
        if !block {
            var p = pollfd(fd: d.host, events: events, revents: 0)
            return poll(&p, 1, 0) > 0
        }
        guard isStoppable else { return true }
        var p = pollfd(fd: d.host, events: events, revents: 0)
        // A poll error (or POLLERR, POLLHUP, POLLNVAL) is left to the read or write to report.
        _ = try withUnsafeMutablePointer(to: &p) { pointer throws(Trap) in
            try wait(UnsafeMutableBufferPointer(start: pointer, count: 1), until: nil)
        }
        return true
    }

    /// The most bytes one write(2) may move to a descriptor that can block when the run can be stopped: after
    /// POLLOUT a pipe or FIFO takes PIPE_BUF bytes without blocking, where a larger write would block once the
    /// pipe is full again (and then no deadline or interrupt could end it).
    static let nonBlockingWriteSize = Int(PIPE_BUF)

    /// Opens `name` in `directory` like openat(2), except that opening a FIFO never blocks in the kernel when the
    /// run can be stopped: the file is opened O_NONBLOCK and its blocking mode restored afterwards. Opening a
    /// FIFO for writing waits (through `wait`) until a reader appears (ENXIO until then); opening one for
    /// reading returns at once, and the first `fd_read` waits for a writer's data or its end of file.
    func openWithoutBlocking(_ directory: Int32, _ name: String, _ flags: Int32, mode: mode_t) throws(Trap) -> Int32 {
        guard isStoppable, flags & O_NONBLOCK == 0 else { return openat(directory, name, flags, mode) }
        while true {
            let fd = openat(directory, name, flags | O_NONBLOCK, mode)
            if fd >= 0 {
                let current = fcntl(fd, F_GETFL)
                if current >= 0 { _ = fcntl(fd, F_SETFL, current & ~O_NONBLOCK) }
                return fd
            }
            let e = errno
            var st = stat()
            guard e == ENXIO, fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) == 0,
                  (st.st_mode & S_IFMT) == S_IFIFO else {
                errno = e
                return -1
            }
            // A FIFO opened for writing with no reader yet: try again after one slice.
            _ = try wait(UnsafeMutableBufferPointer(start: nil, count: 0), until: Self.monotonicNow() + Self.waitSlice)
        }
    }
}

extension Descriptor {
    /// Whether the guest asked for non-blocking I/O (then a read or write returns EAGAIN instead of waiting).
    var isGuestNonblocking: Bool { fdflags & UInt16(WASIConst.fdNonblock) != 0 }

    /// Whether read(2) or write(2) on the host descriptor can wait: anything but a regular file, a directory
    /// or a block device (pipes, FIFOs, ttys and other character devices, sockets). Computed once per descriptor.
    static func hostMayBlock(_ host: Int32) -> Bool {
        var st = stat()
        guard fstat(host, &st) == 0 else { return false }
        switch st.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR, S_IFBLK: return false
        default: return true
        }
    }
}
