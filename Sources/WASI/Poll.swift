import WasmPlatform
import WasmRuntime

extension WASI {
    /// One decoded `subscription`.
    struct Subscription {
        enum Kind {
            /// Fires once `deadline` (CLOCK_MONOTONIC nanoseconds) has passed.
            case clock(deadline: UInt64)
            case read(Descriptor)
            case write(Descriptor)
            /// Fails at once with this error (bad fd, unknown clock).
            case failed(Errno, type: UInt8)
        }
        var userdata: UInt64
        var kind: Kind
    }

    static func monotonicNow() -> UInt64 {
        var ts = timespec()
        _ = clock_gettime(CLOCK_MONOTONIC, &ts)
        return nanoseconds(ts)
    }

    /// `poll_oneoff(in, out, nsubscriptions, nevents_out)`: waits for clocks and for descriptors to become
    /// readable or writable. Regular files are always ready; stdin and pipes are polled on the host. The wait
    /// is `wait(_:until:)` (Blocking.swift): reaching the run's deadline (or an interrupt) stops the guest with
    /// the `interrupted` trap.
    func pollOneoff(_ a: HostArgs) throws -> Errno {
        let m: GuestMemory
        do { m = try a.memory() } catch { return error }
        let input = a.u32(0), output = a.u32(1), count = a.u32(2), neventsPointer = a.u32(3)
        guard count > 0 else { return .inval }
        do {
            _ = try m.check(input, UInt64(count) * 48)
            _ = try m.check(output, UInt64(count) * 32)
            _ = try m.check(neventsPointer, 4)
        } catch { return error }

        var subscriptions: [Subscription] = []
        let now = Self.monotonicNow()
        do {
            for k in 0..<count {
                let p = input + k * 48
                let userdata = try m.loadU64(p)
                let tag = try m.loadU8(p + 8)
                switch tag {
                case 0:
                    let id = try m.loadU32(p + 16)
                    let timeout = try m.loadU64(p + 24)
                    let absolute = try m.loadU32(p + 40) & 1 != 0
                    guard let clock = try? Self.clock(id) else {
                        subscriptions.append(Subscription(userdata: userdata, kind: .failed(.inval, type: 0)))
                        continue
                    }
                    var delay = timeout
                    if absolute {
                        var ts = timespec()
                        _ = clock_gettime(clock, &ts)
                        let current = Self.nanoseconds(ts)
                        delay = timeout > current ? timeout - current : 0
                    }
                    let (deadline, overflow) = now.addingReportingOverflow(delay)
                    subscriptions.append(Subscription(userdata: userdata, kind: .clock(deadline: overflow ? UInt64.max : deadline)))
                case 1, 2:
                    let fd = try m.loadU32(p + 16)
                    guard let d = fds[fd], d.host >= 0 else {
                        subscriptions.append(Subscription(userdata: userdata, kind: .failed(.badf, type: tag)))
                        continue
                    }
                    let right: Rights = tag == 1 ? .fdRead : .fdWrite
                    guard d.base.contains(right) || d.base.contains(.pollFdReadwrite) else {
                        subscriptions.append(Subscription(userdata: userdata, kind: .failed(.notcapable, type: tag)))
                        continue
                    }
                    subscriptions.append(Subscription(userdata: userdata, kind: tag == 1 ? .read(d) : .write(d)))
                default:
                    return .inval
                }
            }
        } catch { return error }

        // Events ready without waiting: failures and regular files.
        var events: [(userdata: UInt64, error: Errno, type: UInt8, nbytes: UInt64, hangup: Bool)] = []
        var polled: [(index: Int, pollIndex: Int)] = []
        var pollfds: [pollfd] = []
        var earliest: UInt64?
        for (index, s) in subscriptions.enumerated() {
            switch s.kind {
            case .failed(let e, let type):
                events.append((s.userdata, e, type, 0, false))
            case .clock(let deadline):
                earliest = min(earliest ?? deadline, deadline)
            case .read(let d), .write(let d):
                let isRead: Bool
                if case .read = s.kind { isRead = true } else { isRead = false }
                var st = stat()
                if fstat(d.host, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
                    var available: UInt64 = 0
                    if isRead {
                        let position = lseek(d.host, 0, SEEK_CUR)
                        if position >= 0, st.st_size > position { available = UInt64(st.st_size - position) }
                    }
                    events.append((s.userdata, .success, isRead ? 1 : 2, available, false))
                } else {
                    polled.append((index, pollfds.count))
                    pollfds.append(pollfd(fd: d.host, events: Int16(isRead ? POLLIN : POLLOUT), revents: 0))
                }
            }
        }

        // Wait (in slices, so an interrupt or the run's deadline is noticed) unless something is ready.
        var waitUntil: UInt64? = events.isEmpty ? earliest : now
        if events.isEmpty && pollfds.isEmpty && earliest == nil { waitUntil = now }
        let outcome = try pollfds.withUnsafeMutableBufferPointer { fds throws(Trap) in try wait(fds, until: waitUntil) }
        if case .failed(let e) = outcome { return e }

        let end = Self.monotonicNow()
        for (index, pollIndex) in polled {
            let s = subscriptions[index]
            let revents = Int32(pollfds[pollIndex].revents)
            guard revents != 0 else { continue }
            let isRead: Bool
            if case .read = s.kind { isRead = true } else { isRead = false }
            if revents & Int32(POLLNVAL) != 0 {
                events.append((s.userdata, .badf, isRead ? 1 : 2, 0, false))
                continue
            }
            let available = isRead ? Platform.bytesReadable(pollfds[pollIndex].fd) : 0
            events.append((s.userdata, .success, isRead ? 1 : 2, UInt64(available), revents & Int32(POLLHUP) != 0))
        }
        for s in subscriptions {
            if case .clock(let deadline) = s.kind, end >= deadline {
                events.append((s.userdata, .success, 0, 0, false))
            }
        }
        do {
            for (k, e) in events.prefix(Int(count)).enumerated() {
                let p = output + UInt32(k) * 32
                try m.write(p, repeatElement(UInt8(0), count: 32))
                try m.storeU64(p, e.userdata)
                try m.storeU16(p + 8, e.error.rawValue)
                try m.storeU8(p + 10, e.type)
                if e.type != 0 {
                    try m.storeU64(p + 16, e.nbytes)
                    try m.storeU16(p + 24, e.hangup ? 1 : 0)
                }
            }
            try m.storeU32(neventsPointer, UInt32(min(events.count, Int(count))))
        } catch { return error }
        return .success
    }
}
