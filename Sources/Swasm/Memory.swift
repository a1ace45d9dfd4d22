import WasmCore
import WasmRuntime

extension WebAssembly {
    /// A linear memory (`WebAssembly.Memory`): created from Swift or exported by an instance.
    ///
    /// Every access is bounds-checked and throws ``RangeError`` when it would leave the memory. Multi-byte
    /// values are little-endian, as wasm reads them. Strings are UTF-8.
    ///
    /// ## Lifetime of raw views
    /// ``withUnsafeMutableBytes(_:)`` and ``unsafeBuffer`` give zero-copy access to the bytes. Like a
    /// JavaScript `ArrayBuffer` that is detached when its memory grows, such a view becomes invalid as soon as
    /// the memory can move: when it grows (``grow(by:)`` or `memory.grow` in wasm) or when any wasm code runs in
    /// an instance using it. Use it only inside the closure (or, for ``unsafeBuffer``, until the next call
    /// into wasm or `grow`), and never from another thread while wasm runs.
    public final class Memory {
        let handle: MemoryInstance

        init(handle: MemoryInstance) { self.handle = handle }

        /// A new memory of `initial` pages (64 KiB each), zero-filled (`new WebAssembly.Memory({initial, maximum})`).
        ///
        /// - Parameters:
        ///   - initial: the size in pages.
        ///   - maximum: the largest size in pages it may grow to (nil: up to 4 GiB).
        /// - Throws: ``RangeError`` if `initial` exceeds `maximum` or 65,536 pages.
        public convenience init(initial: UInt64, maximum: UInt64? = nil) throws(RangeError) {
            try self.init(type: MemoryType(minimum: initial, maximum: maximum))
        }

        /// A new memory of the given type.
        public convenience init(type: MemoryType) throws(RangeError) {
            if let maximum = type.maximum, maximum < type.minimum {
                throw RangeError("the initial size \(type.minimum) exceeds the maximum \(maximum)")
            }
            guard type.pageSize == 1 || type.pageSize == 65_536 else { throw RangeError("the page size must be 1 or 65536") }
            let core = WasmCore.MemoryType(limits: WasmCore.Limits(min: type.minimum, max: type.maximum), isShared: type.isShared,
                                           addressType: type.is64Bit ? .i64 : .i32,
                                           pageSizeLog2: type.pageSize == 1 ? 0 : 16)
            do { self.init(handle: try MemoryInstance.make(type: core, limits: StoreLimits())) } catch {
                throw RangeError(error.message)
            }
        }

        /// The memory's type (its current minimum is its declared initial size).
        public var type: MemoryType { MemoryType(handle.type) }
        /// The current size in pages.
        public var pageCount: UInt64 { handle.pageCount }
        /// The current size in bytes.
        public var byteCount: Int { handle.byteCount }

        /// Grows the memory by `pages` zero-filled pages; returns the previous size in pages
        /// (`memory.grow(delta)`). Invalidates raw views of the memory.
        /// - Throws: ``RangeError`` if the memory would exceed its maximum or the store's limit.
        @discardableResult
        public func grow(by pages: UInt64) throws(RangeError) -> UInt64 {
            guard let old = handle.grow(by: pages) else {
                throw RangeError("cannot grow the memory by \(pages) page(s) from \(pageCount)")
            }
            return old
        }

        /// The byte offset of `[address, address + count)`, or a ``RangeError``.
        @inline(__always)
        func check(_ address: Int, _ count: Int) throws(RangeError) -> Int {
            guard address >= 0, count >= 0, address <= handle.byteCount, count <= handle.byteCount - address else {
                throw RangeError("access of \(count) byte(s) at \(address) is out of bounds (memory size \(handle.byteCount))")
            }
            return address
        }

        // MARK: Typed loads and stores

        /// Reads a little-endian integer at `address`.
        public func load<T: FixedWidthInteger>(_ type: T.Type = T.self, at address: Int) throws(RangeError) -> T {
            let o = try check(address, MemoryLayout<T>.size)
            return T(littleEndian: handle.base.loadUnaligned(fromByteOffset: o, as: T.self))
        }

        /// Reads a little-endian `Float` at `address`.
        public func load(_ type: Float.Type, at address: Int) throws(RangeError) -> Float {
            Float(bitPattern: try load(UInt32.self, at: address))
        }

        /// Reads a little-endian `Double` at `address`.
        public func load(_ type: Double.Type, at address: Int) throws(RangeError) -> Double {
            Double(bitPattern: try load(UInt64.self, at: address))
        }

        /// Writes a little-endian integer at `address`.
        public func store<T: FixedWidthInteger>(_ value: T, at address: Int) throws(RangeError) {
            let o = try check(address, MemoryLayout<T>.size)
            handle.base.storeBytes(of: value.littleEndian, toByteOffset: o, as: T.self)
        }

        /// Writes a little-endian `Float` at `address`.
        public func store(_ value: Float, at address: Int) throws(RangeError) {
            try store(value.bitPattern, at: address)
        }

        /// Writes a little-endian `Double` at `address`.
        public func store(_ value: Double, at address: Int) throws(RangeError) {
            try store(value.bitPattern, at: address)
        }

        // MARK: Bytes

        /// Copies `count` bytes out of the memory, starting at `address`.
        public func read(at address: Int, count: Int) throws(RangeError) -> [UInt8] {
            let o = try check(address, count)
            return Array(UnsafeRawBufferPointer(start: handle.base + o, count: count))
        }

        /// Copies `bytes` into the memory at `address`.
        public func write(_ bytes: some Collection<UInt8>, at address: Int) throws(RangeError) {
            let o = try check(address, bytes.count)
            let destination = UnsafeMutableRawBufferPointer(start: handle.base + o, count: bytes.count)
            destination.copyBytes(from: bytes)
        }

        /// Copies `count` bytes within the memory from `source` to `destination` (the ranges may overlap).
        public func copy(from source: Int, to destination: Int, count: Int) throws(RangeError) {
            let s = try check(source, count), d = try check(destination, count)
            (handle.base + d).copyMemory(from: handle.base + s, byteCount: count)
        }

        // MARK: Strings

        /// Decodes `length` bytes at `address` as UTF-8 (invalid sequences become U+FFFD).
        public func readString(at address: Int, length: Int) throws(RangeError) -> String {
            let o = try check(address, length)
            return String(decoding: UnsafeRawBufferPointer(start: handle.base + o, count: length), as: UTF8.self)
        }

        /// Decodes the NUL-terminated UTF-8 string at `address` (a C string).
        /// - Throws: ``RangeError`` if there is no NUL byte before the end of memory.
        public func readCString(at address: Int) throws(RangeError) -> String {
            let o = try check(address, 0)
            let bytes = UnsafeRawBufferPointer(start: handle.base + o, count: handle.byteCount - o)
            guard let end = bytes.firstIndex(of: 0) else {
                throw RangeError("no NUL terminator after \(address) before the end of memory")
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        }

        /// Writes `string` as UTF-8 at `address`, optionally followed by a NUL byte.
        /// - Returns: the number of bytes written (including the NUL).
        @discardableResult
        public func writeString(_ string: String, at address: Int, nulTerminated: Bool = false) throws(RangeError) -> Int {
            var bytes = Array(string.utf8)
            if nulTerminated { bytes.append(0) }
            try write(bytes, at: address)
            return bytes.count
        }

        // MARK: Raw access

        /// Calls `body` with the memory's bytes, for zero-copy work.
        ///
        /// The buffer is valid only inside `body`, and only while nothing grows the memory or runs wasm code
        /// (see "Lifetime of raw views" above).
        public func withUnsafeMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
            try body(UnsafeMutableRawBufferPointer(start: handle.base, count: handle.byteCount))
        }

        /// The memory's bytes, without copying.
        ///
        /// Valid until the memory grows or wasm code runs in an instance using it (like a JavaScript
        /// `ArrayBuffer` detached by `grow`); after that, get it again. Prefer ``withUnsafeMutableBytes(_:)``.
        public var unsafeBuffer: UnsafeMutableRawBufferPointer {
            UnsafeMutableRawBufferPointer(start: handle.base, count: handle.byteCount)
        }

        /// Whether `other` is the same memory.
        public func isSame(as other: Memory) -> Bool { handle === other.handle }
    }
}
