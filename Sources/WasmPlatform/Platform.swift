// What differs between POSIX hosts, behind one name each. The rest of Swasm calls the C library re-exported by
// CLibrary.swift directly where POSIX.1-2008 gives every host the same call (openat, fstatat, readlinkat, ...),
// and goes through here where it does not. Each branch names the hosts it is for; the Linux branches are built
// and tested on this machine, the others are written against the hosts' headers (ARCHITECTURE.md,
// "Platform layer").
//
// Windows: only VirtualMemory has a Windows branch; WASI and the command line need a POSIX host.
#if !os(Windows)

// Top-level forwarders: inside `Platform` its own `close`/`write` would hide the C functions.
private func cClose(_ fd: Int32) -> Int32 { close(fd) }
private func cWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }

/// Host calls and constants that are spelled differently, or missing, on some POSIX hosts.
package enum Platform {
    /// close(2), under a name a type's own `close()` method cannot hide.
    @discardableResult
    package static func close(_ fd: Int32) -> Int32 { cClose(fd) }

    /// write(2), under a name a type's own `write` method cannot hide.
    package static func write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        cWrite(fd, buffer, count)
    }

    /// `UTIME_NOW` and `UTIME_OMIT`, the `tv_nsec` values that tell futimens/utimensat to set a time to now or
    /// to leave it. Linux (glibc, musl, bionic) defines them as `((1l << 30) - 1l)`, a macro Swift does not
    /// import, so the kernel ABI values are spelled here; Darwin and the BSDs define them as -1 and -2, which
    /// Swift imports.
    #if os(Linux) || os(Android)
    package static let utimeNow = (1 << 30) - 1
    package static let utimeOmit = (1 << 30) - 2
    #else
    package static let utimeNow = Int(UTIME_NOW)
    package static let utimeOmit = Int(UTIME_OMIT)
    #endif

    /// The `FIONREAD` ioctl request (bytes ready to read). Linux defines it as a number; Darwin and the BSDs
    /// as `_IOR('f', 127, int)`, a macro Swift does not import: IOC_OUT | sizeof(int) << 16 | 'f' << 8 | 127.
    #if os(Linux) || os(Android)
    package static let fionread = UInt(FIONREAD)
    #else
    package static let fionread: UInt = 0x4000_0000 | (4 << 16) | (0x66 << 8) | 127
    #endif

    /// How many bytes can be read from `fd` without blocking (a pipe, FIFO, socket or tty), or 0 if the host
    /// cannot tell.
    package static func bytesReadable(_ fd: Int32) -> Int {
        var available: Int32 = 0
        guard ioctl(fd, fionread, &available) == 0 else { return 0 }
        return Int(max(available, 0))
    }

    /// The open(2) flag for synchronised reads (`O_RSYNC`). Only Linux has it; elsewhere `O_SYNC`, which
    /// synchronises at least as much.
    #if os(Linux) || os(Android)
    package static let openReadSync = O_RSYNC
    #else
    package static let openReadSync = O_SYNC
    #endif

    /// fdatasync(2). Darwin does not declare it: there the data reaches the device with `F_FULLFSYNC` (as
    /// Rust's standard library does), or with fsync(2) on file systems that refuse it.
    package static func dataSync(_ fd: Int32) -> Int32 {
        #if canImport(Darwin)
        if fcntl(fd, F_FULLFSYNC) == 0 { return 0 }
        return fsync(fd)
        #else
        return fdatasync(fd)
        #endif
    }

    /// posix_fallocate(3): makes `[offset, offset + length)` of `fd` allocated, growing the file if needed.
    /// Returns 0 or an errno value (it does not set `errno`). Darwin has no posix_fallocate: there the file is
    /// grown with ftruncate(2), so the size is right but blocks are allocated on write.
    package static func allocate(_ fd: Int32, offset: Int64, length: Int64) -> Int32 {
        #if canImport(Darwin)
        guard offset >= 0, length > 0 else { return EINVAL }
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow else { return EFBIG }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return errno }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return (st.st_mode & S_IFMT) == S_IFIFO ? ESPIPE : ENODEV }
        if Int64(st.st_size) < end, ftruncate(fd, off_t(end)) != 0 { return errno }
        return 0
        #else
        return posix_fallocate(fd, off_t(offset), off_t(length))
        #endif
    }
}

extension stat {
    /// Last access, modification and status change times. Darwin names these fields `st_atimespec`...; Linux,
    /// the BSDs and POSIX.1-2008 `st_atim`...
    #if canImport(Darwin)
    package var accessTime: timespec { st_atimespec }
    package var modificationTime: timespec { st_mtimespec }
    package var statusChangeTime: timespec { st_ctimespec }
    #else
    package var accessTime: timespec { st_atim }
    package var modificationTime: timespec { st_mtim }
    package var statusChangeTime: timespec { st_ctim }
    #endif
}

extension UnsafeMutablePointer where Pointee == dirent {
    /// The inode number of the entry `readdir` returned: `d_ino` on Linux and Darwin, `d_fileno` on FreeBSD and
    /// OpenBSD (where `d_ino` is a macro Swift does not import). A property of the pointer, not of `dirent`:
    /// the kernel's record is shorter than `sizeof(struct dirent)` (the name has its own length), so the entry
    /// must be read in place, never copied whole.
    package var fileNumber: UInt64 {
        #if os(FreeBSD) || os(OpenBSD)
        UInt64(truncatingIfNeeded: pointee.d_fileno)
        #else
        UInt64(truncatingIfNeeded: pointee.d_ino)
        #endif
    }
}
#endif
