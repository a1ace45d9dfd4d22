import WasmRuntime

/// A bounds-checked view of the caller's linear memory 0 for the duration of one host call.
///
/// The base pointer and size are read when the view is made; a view must not be kept across anything that can
/// run wasm code (which could grow, and so move, the memory). Every access checks `address + length` against the
/// current size with 64-bit arithmetic; a bad pointer becomes `Errno.fault`, never a crash.
package struct GuestMemory {
    package let base: UnsafeMutableRawPointer
    package let byteCount: Int

    package init(base: UnsafeMutableRawPointer, byteCount: Int) {
        self.base = base
        self.byteCount = byteCount
    }

    /// Memory 0 of `instance`, or EFAULT if it has none.
    package init(_ instance: ModuleInstance?) throws(Errno) {
        guard let m = instance?.memories.first else { throw .fault }
        self.init(base: m.base, byteCount: m.byteCount)
    }

    /// Checks that `[address, address + length)` is inside memory; returns the offset.
    @inline(__always)
    func check(_ address: UInt32, _ length: UInt64) throws(Errno) -> Int {
        let end = UInt64(address) + length
        guard end <= UInt64(byteCount) else { throw .fault }
        return Int(address)
    }

    /// The guest bytes `[address, address + length)` (valid until wasm code runs again).
    package func buffer(_ address: UInt32, _ length: UInt32) throws(Errno) -> UnsafeMutableRawBufferPointer {
        let o = try check(address, UInt64(length))
        return UnsafeMutableRawBufferPointer(start: base + o, count: Int(length))
    }

    package func loadU8(_ a: UInt32) throws(Errno) -> UInt8 { base.load(fromByteOffset: try check(a, 1), as: UInt8.self) }
    package func loadU32(_ a: UInt32) throws(Errno) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: try check(a, 4), as: UInt32.self))
    }
    package func loadU64(_ a: UInt32) throws(Errno) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: try check(a, 8), as: UInt64.self))
    }
    package func storeU8(_ a: UInt32, _ v: UInt8) throws(Errno) {
        base.storeBytes(of: v, toByteOffset: try check(a, 1), as: UInt8.self)
    }
    package func storeU16(_ a: UInt32, _ v: UInt16) throws(Errno) {
        base.storeBytes(of: v.littleEndian, toByteOffset: try check(a, 2), as: UInt16.self)
    }
    package func storeU32(_ a: UInt32, _ v: UInt32) throws(Errno) {
        base.storeBytes(of: v.littleEndian, toByteOffset: try check(a, 4), as: UInt32.self)
    }
    package func storeU64(_ a: UInt32, _ v: UInt64) throws(Errno) {
        base.storeBytes(of: v.littleEndian, toByteOffset: try check(a, 8), as: UInt64.self)
    }

    /// Copies `bytes` to `address`.
    package func write(_ a: UInt32, _ bytes: some Collection<UInt8>) throws(Errno) {
        let o = try check(a, UInt64(bytes.count))
        var p = base + o
        for b in bytes {
            p.storeBytes(of: b, as: UInt8.self)
            p += 1
        }
    }

    /// A copy of the guest bytes at `[address, address + length)`.
    package func bytes(_ a: UInt32, _ length: UInt32) throws(Errno) -> [UInt8] {
        let buf = try buffer(a, length)
        return Array(buf)
    }

    /// A guest string (UTF-8, no NUL inside): EILSEQ if it is not valid UTF-8, EINVAL if it contains NUL.
    package func string(_ a: UInt32, _ length: UInt32) throws(Errno) -> String {
        let b = try bytes(a, length)
        guard !b.contains(0) else { throw .inval }
        guard let s = String(validating: b, as: UTF8.self) else { throw .ilseq }
        return s
    }

    /// The (pointer, length) pairs of an iovec/ciovec array, each checked to lie inside memory.
    package func iovecs(_ a: UInt32, _ count: UInt32) throws(Errno) -> [UnsafeMutableRawBufferPointer] {
        _ = try check(a, UInt64(count) * 8)
        var result: [UnsafeMutableRawBufferPointer] = []
        result.reserveCapacity(Int(min(count, 1024)))
        for i in 0..<count {
            let ptr = try loadU32(a + i * 8)
            let len = try loadU32(a + i * 8 + 4)
            result.append(try buffer(ptr, len))
        }
        return result
    }
}
