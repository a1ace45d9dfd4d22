import WasmCore
import WasmPlatform

/// Where a linear memory currently lives. Stable for the memory's lifetime; its fields change on grow.
struct MemoryStorage {
    var base: UnsafeMutableRawPointer
    var size: UInt64
}

/// A linear memory, kept in a range of reserved address space (see ARCHITECTURE.md, "Linear memory").
///
/// The first `size` bytes are accessible; growing commits more pages of the reservation, which the kernel
/// fills with zeros on first touch. A 32-bit memory that may reach 4 GiB gets the whole 4 GiB range plus a
/// guard region of ``guardBytes``, so its base never moves. Other memories reserve their maximum size (a
/// 64-bit memory at most ``largestInitialReservation``); when a grow goes past the reservation, the memory
/// moves to a larger one. Every size here is at most `Int.max`, so no conversion or shift of a
/// guest-controlled size can overflow.
package final class MemoryInstance {
    // The stored properties are read and written by `memory.grow`'s handler and the embedder on the thread that
    // runs the store: they skip Swift's dynamic exclusivity checks.
    package let type: MemoryType
    let storage: UnsafeMutablePointer<MemoryStorage>
    /// The largest page count this memory may grow to (its type's maximum and the store limits).
    let maxPages: UInt64
    /// The start of the reservation (the memory's base) and its usable length in bytes.
    @exclusivity(unchecked) private var reservation: (base: UnsafeMutableRawPointer, bytes: Int)
    /// Bytes at the start of the reservation that are readable and writable (whole pages).
    @exclusivity(unchecked) private var committedBytes: Int
    /// Bytes of inaccessible address space after the reservation (only for a full 32-bit range).
    @exclusivity(unchecked) package private(set) var guardBytes: Int

    /// The guard region after a full 32-bit range. With it, a base plus any 32-bit address plus an offset
    /// below 2 GiB stays inside memory this instance owns, so a compiled tier may skip bounds checks there.
    package static let fullRangeGuardBytes = 2 << 30
    /// The most address space reserved up front for one 64-bit memory; larger ones move when they grow past it.
    package static let largestInitialReservation: UInt64 = 64 << 30

    init(type: MemoryType, limits: StoreLimits) throws(LinkError) {
        self.type = type
        let log2 = UInt64(type.pageSizeLog2)
        let is64 = type.addressType == .i64
        // The type's maximum: 2^32 bytes for 32-bit memories, 2^64 for 64-bit ones (in pages).
        let specMaxPages: UInt64 = is64 ? (log2 == 0 ? UInt64.max : UInt64(1) << (64 - log2)) : (UInt64(1) << 32) >> log2
        let limitBytes = min(limits.maxMemoryBytes ?? (is64 ? StoreLimits.defaultMaxMemory64Bytes : UInt64.max), UInt64(Int.max))
        let maxPages = min(type.limits.max ?? specMaxPages, specMaxPages, limitBytes >> log2)
        self.maxPages = maxPages
        guard type.limits.min <= maxPages else {
            throw LinkError("memory of \(type.limits.min) pages exceeds the limit of \(maxPages) pages (\(maxPages << log2) bytes)")
        }
        let minBytes = type.limits.min << log2
        let maxBytes = maxPages << log2

        // Reserve the maximum, or the full 32-bit range plus a guard region; if the system refuses, just the
        // initial size (the memory then moves when it grows). A shared memory can never move.
        let fullRange = !is64 && maxBytes == UInt64(1) << 32
        let guardBytes = fullRange ? Self.fullRangeGuardBytes : 0
        let wanted = VirtualMemory.roundedToPages(max(is64 ? min(maxBytes, Self.largestInitialReservation) : maxBytes, 1)) ?? 0
        let initial = VirtualMemory.roundedToPages(max(minBytes, 1)) ?? 0
        var reserved: (UnsafeMutableRawPointer, Int)?
        if wanted > 0, let p = VirtualMemory.reserve(wanted + guardBytes) {
            reserved = (p, wanted)
            self.guardBytes = guardBytes
        } else {
            self.guardBytes = 0
            if !type.isShared, initial > 0, let p = VirtualMemory.reserve(initial) { reserved = (p, initial) }
        }
        guard let reserved else { throw LinkError("cannot reserve address space for a memory of \(maxBytes) bytes") }
        guard let committed = VirtualMemory.roundedToPages(minBytes), committed <= reserved.1,
              VirtualMemory.commit(reserved.0, committed) else {
            VirtualMemory.release(reserved.0, reserved.1 + self.guardBytes)
            throw LinkError("out of memory allocating \(minBytes) bytes")
        }
        reservation = (reserved.0, reserved.1)
        committedBytes = committed
        storage = .allocate(capacity: 1)
        storage.initialize(to: MemoryStorage(base: reserved.0, size: minBytes))
    }

    deinit {
        VirtualMemory.release(reservation.base, reservation.bytes + guardBytes)
        storage.deallocate()
    }

    /// Start of the memory's bytes. Moves only when the memory outgrows its reservation.
    package var base: UnsafeMutableRawPointer { storage.pointee.base }
    /// Current size in bytes.
    package var byteCount: Int { Int(storage.pointee.size) }
    /// The size in pages.
    package var pageCount: UInt64 { storage.pointee.size >> UInt64(type.pageSizeLog2) }
    /// Bytes of address space reserved for the memory's contents (not counting the guard region).
    package var reservedBytes: Int { reservation.bytes }

    /// Grows by `delta` pages; returns the old size in pages, or nil if it cannot grow.
    package func grow(by delta: UInt64) -> UInt64? {
        let old = pageCount
        // old <= maxPages always, and maxPages << log2 <= Int.max: nothing below overflows.
        guard delta <= maxPages - old else { return nil }
        if delta == 0 { return old }
        let newBytes = (old + delta) << UInt64(type.pageSizeLog2)
        if newBytes > UInt64(reservation.bytes) {
            guard move(toHold: newBytes) else { return nil }
        }
        guard commit(upTo: newBytes) else { return nil }
        storage.pointee.size = newBytes
        return old
    }

    /// Makes the first `bytes` bytes (at most the reservation) accessible.
    private func commit(upTo bytes: UInt64) -> Bool {
        guard let end = VirtualMemory.roundedToPages(bytes), end <= reservation.bytes else { return false }
        if end <= committedBytes { return true }
        guard VirtualMemory.commit(reservation.base + committedBytes, end - committedBytes) else { return false }
        committedBytes = end
        return true
    }

    /// Moves the contents to a new reservation of at least `bytes` (at least double the old one, at most the
    /// maximum size). Only for memories that are not shared; the caller commits the new size.
    private func move(toHold bytes: UInt64) -> Bool {
        guard !type.isShared else { return false }
        let maxBytes = maxPages << UInt64(type.pageSizeLog2)
        let doubled = UInt64(reservation.bytes).multipliedReportingOverflow(by: 2)
        let target = min(max(bytes, doubled.overflow ? maxBytes : doubled.partialValue), maxBytes)
        guard let newBytes = VirtualMemory.roundedToPages(target), let p = VirtualMemory.reserve(newBytes) else { return false }
        let size = byteCount
        guard let committed = VirtualMemory.roundedToPages(UInt64(size)), VirtualMemory.commit(p, committed) else {
            VirtualMemory.release(p, newBytes)
            return false
        }
        p.copyMemory(from: reservation.base, byteCount: size)
        VirtualMemory.release(reservation.base, reservation.bytes + guardBytes)
        reservation = (p, newBytes)
        guardBytes = 0
        committedBytes = committed
        storage.pointee.base = p
        return true
    }
}
