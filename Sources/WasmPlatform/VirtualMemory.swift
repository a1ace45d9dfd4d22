#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
import WinSDK
#endif

/// Address space reserved without backing memory, then made accessible page by page.
///
/// Linear memories live in such reservations: reserving costs no physical memory, and pages made
/// accessible (committed) are supplied by the kernel as zero pages on first touch, so growing a memory is a
/// protection change whose cost does not depend on the number of pages, and pages never touched cost nothing.
package enum VirtualMemory {
    /// The operating system's page size: the granularity of ``reserve(_:)`` and ``commit(_:_:)``.
    package static let pageSize: Int = {
        #if os(Windows)
        var info = SYSTEM_INFO()
        GetSystemInfo(&info)
        return Int(info.dwAllocationGranularity)
        #else
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? Int(size) : 4096
        #endif
    }()

    /// `bytes` rounded up to a whole number of pages, or nil if that does not fit in an `Int`.
    package static func roundedToPages(_ bytes: UInt64) -> Int? {
        let mask = UInt64(pageSize - 1)
        let (sum, overflow) = bytes.addingReportingOverflow(mask)
        guard !overflow else { return nil }
        let rounded = sum & ~mask
        return rounded <= UInt64(Int.max) ? Int(rounded) : nil
    }

    /// Reserves `bytes` (a multiple of ``pageSize``, not 0) of address space that no access may touch yet.
    /// Returns nil if the system refuses (no address space left, or a limit such as `RLIMIT_AS`).
    package static func reserve(_ bytes: Int) -> UnsafeMutableRawPointer? {
        guard bytes > 0, bytes % pageSize == 0 else { return nil }
        #if os(Windows)
        return VirtualAlloc(nil, SIZE_T(bytes), DWORD(MEM_RESERVE), DWORD(PAGE_NOACCESS))
        #else
        #if os(Linux) || os(Android)
        // No swap is accounted for the range: only pages actually touched use memory.
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        #else
        // Darwin and the BSDs: `MAP_ANON` (FreeBSD removed `MAP_NORESERVE`; neither reserves swap for it).
        let flags = MAP_PRIVATE | MAP_ANON
        #endif
        let p = mmap(nil, bytes, PROT_NONE, flags, -1, 0)
        guard let p, p != MAP_FAILED else { return nil }
        return p
        #endif
    }

    /// Makes `[start, start + bytes)`, whole pages inside a reservation, readable and writable.
    /// Pages never written read as zero. Returns false if the system refuses.
    package static func commit(_ start: UnsafeMutableRawPointer, _ bytes: Int) -> Bool {
        if bytes == 0 { return true }
        #if os(Windows)
        return VirtualAlloc(start, SIZE_T(bytes), DWORD(MEM_COMMIT), DWORD(PAGE_READWRITE)) != nil
        #else
        return mprotect(start, bytes, PROT_READ | PROT_WRITE) == 0
        #endif
    }

    /// Returns a whole reservation made by ``reserve(_:)`` to the system.
    package static func release(_ start: UnsafeMutableRawPointer, _ bytes: Int) {
        #if os(Windows)
        _ = VirtualFree(start, 0, DWORD(MEM_RELEASE))
        #else
        _ = munmap(start, bytes)
        #endif
    }

    /// How many pages of `[start, start + bytes)` (whole pages of one reservation) are in physical memory,
    /// or nil where the system cannot tell. For tests and diagnostics.
    package static func residentPageCount(_ start: UnsafeMutableRawPointer, _ bytes: Int) -> Int? {
        #if os(Windows)
        return nil
        #else
        let pages = (bytes + pageSize - 1) / pageSize
        #if os(Linux) || os(Android)
        var flags = [UInt8](repeating: 0, count: pages)  // unsigned char *vec
        #else
        var flags = [CChar](repeating: 0, count: pages)  // char *vec (Darwin, the BSDs)
        #endif
        guard mincore(start, bytes, &flags) == 0 else { return nil }
        return flags.reduce(0) { $0 + Int($1 & 1) }
        #endif
    }
}
