import WasmCore

// Memory instructions other than loads and stores (those are in LoadsAndStores.swift), and the address
// computations they share with `memoryLoad`/`memoryStore`.

extension Executor {
    /// The host address of `width` bytes at `address + offset` in a memory of `size` bytes at `base`, or a trap.
    @inline(__always)
    static func address(_ base: UnsafeMutableRawPointer?, _ size: UInt64, _ address: UInt64, _ offset: UInt64,
                        _ width: UInt64) throws(Unwind) -> UnsafeMutableRawPointer {
        guard let p = checkedAddress(base, size, address, offset, width) else { throw .trap(.outOfBoundsMemoryAccess) }
        return p
    }

    /// The host address of `width` bytes at `address + offset` in a memory of `size` bytes at `base`, or nil if
    /// they are out of bounds (64-bit arithmetic, checked).
    @inline(__always)
    static func checkedAddress(_ base: UnsafeMutableRawPointer?, _ size: UInt64, _ address: UInt64, _ offset: UInt64,
                               _ width: UInt64) -> UnsafeMutableRawPointer? {
        let (ea, overflow) = address.addingReportingOverflow(offset)
        guard !overflow, width <= size, ea <= size &- width, let base else { return nil }
        return base + Int(truncatingIfNeeded: ea)
    }

    /// Memory `index` of the current instance as (base, size); memory 0 comes from the cached state.
    @inline(__always)
    static func memory(_ index: Int, _ s: LoopState) -> (UnsafeMutableRawPointer?, UInt64) {
        if index == 0 { return (s.memoryBase, s.memorySize) }
        let m = s.context.pointee.instance.takeUnretainedValue().memories[index]
        return (m.base, UInt64(m.byteCount))
    }

    /// `memory.size` of memory `c` into `a`.
    @inline(__always) func run_memorySize(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let instance = s.context.pointee.instance.takeUnretainedValue()
        fp[w.a] = instance.memories[w.c].pageCount
        s.pc += 1
        return true
    }

    /// `memory.grow` of memory `c` by the pages in `b`: the old size, or -1, into `a`.
    @inline(__always) func run_memoryGrow(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let m = s.context.pointee.instance.takeUnretainedValue().memories[w.c]
        let old = m.grow(by: fp[w.b])
        fp[w.a] = old ?? (m.type.addressType == .i64 ? UInt64.max : 0xFFFF_FFFF)
        s.reloadMemory()
        s.pc += 1
        return true
    }

    /// `memory.fill` of memory `c`: destination in `a`, byte value in `b`, length in the slot word 1 names.
    @inline(__always) func run_memoryFill(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            let (base, size) = Self.memory(w.c, s)
            let n = fp[Int(s.pc[1])]
            let p = try Self.address(base, size, fp[w.a], 0, n)
            p.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: fp[w.b]), count: Int(n))
            s.pc += 2
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// `memory.copy`: destination in `a`, source in `b`, length in `c`; word 1 holds the destination memory
    /// (low 32 bits) and the source memory.
    @inline(__always) func run_memoryCopy(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            let x = s.pc[1]
            let (db, ds) = Self.memory(Int(x & 0xFFFF_FFFF), s)
            let (sb, ss) = Self.memory(Int(x >> 32), s)
            let n = fp[w.c]
            let d = try Self.address(db, ds, fp[w.a], 0, n)
            let src = try Self.address(sb, ss, fp[w.b], 0, n)
            d.copyMemory(from: src, byteCount: Int(n))
            s.pc += 2
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// `memory.init` (`memoryInit(_:_:_:_:)`).
    @inline(__always) func run_memoryInit(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            try memoryInit(w.word, s.pc[1], fp, s)
            s.pc += 2
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// `data.drop` of data segment hi32.
    @inline(__always) func run_dataDrop(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        s.context.pointee.instance.takeUnretainedValue().dataSegments[Int(w.hi32)] = []
        s.pc += 1
        return true
    }

    /// `memory.init` of the instruction word `w` and its second word `x` (data segment in the low 32 bits, memory
    /// in the high ones): destination in `a`, segment offset in `b`, length in `c`.
    func memoryInit(_ w: UInt64, _ x: UInt64, _ fp: UnsafeMutablePointer<UInt64>, _ s: LoopState) throws(Unwind) {
        let data = s.context.pointee.instance.takeUnretainedValue().dataSegments[Int(x & 0xFFFF_FFFF)]
        let (base, size) = Self.memory(Int(x >> 32), s)
        let n = fp[w.c], src = fp[w.b]
        let (end, o) = src.addingReportingOverflow(n)
        guard !o, end <= UInt64(data.count) else { throw .trap(.outOfBoundsMemoryAccess) }
        let d = try Self.address(base, size, fp[w.a], 0, n)
        if n > 0 {
            data.withUnsafeBytes { bytes in
                if let b = bytes.baseAddress { d.copyMemory(from: b + Int(src), byteCount: Int(n)) }
            }
        }
    }
}
