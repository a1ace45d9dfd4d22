import WasmRuntimeDispatch

// SIMD. A v128 operand or result occupies two adjacent frame slots (bytes 0-7, then 8-15); an instruction's field
// names the first. What each instruction computes is a C function of
// Sources/WasmRuntimeDispatch/include/SIMDSemantics.h (`swasm_simd_<mnemonic>`, clang vector extensions: SSE on
// x86-64, NEON on arm64) taking pointers to the slots; its generated body (Generated/Handlers.swift) passes it, in
// a closure, to one of these family bodies, which read the instruction's fields. Swift inlines the closure and
// clang the C function into the handler.

/// A v128 result: two writable slots.
typealias VectorResult = UnsafeMutablePointer<UInt64>
/// A v128 operand: two slots.
typealias VectorOperand = UnsafePointer<UInt64>

/// Writes a v128 to two slots (or a global's cell) with one 16-byte store: the next instruction reads it with a
/// 16-byte load, which waits much longer for two 8-byte stores (no store-to-load forwarding).
@inline(__always) func storeVector(_ cells: UnsafeMutablePointer<UInt64>, _ value: SIMD2<UInt64>) {
    UnsafeMutableRawPointer(cells).storeBytes(of: value, as: SIMD2<UInt64>.self)
}

extension Executor {
    /// v128 -> v128, a scalar -> v128 (splats read the cell in `a`), v128 -> i32: fp[c] = op(fp[a]).
    @inline(__always) func runVectorUnary(_ s: inout LoopState, _ operation: (VectorResult, VectorOperand) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        operation(fp + w.c, fp + w.a)
        s.pc += 1
        return true
    }

    /// (v128, v128) -> v128, and shifts (v128, i32) -> v128: fp[c] = op(fp[a], fp[b]).
    @inline(__always) func runVectorBinary(_ s: inout LoopState,
                                           _ operation: (VectorResult, VectorOperand, VectorOperand) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        operation(fp + w.c, fp + w.a, fp + w.b)
        s.pc += 1
        return true
    }

    /// (v128, v128, v128) -> v128: fp[a] = op(fp[b], fp[c], fp[word 1]).
    @inline(__always) func runVectorTernary(
        _ s: inout LoopState, _ operation: (VectorResult, VectorOperand, VectorOperand, VectorOperand) -> Void
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        operation(fp + w.a, fp + w.b, fp + w.c, fp + Int(truncatingIfNeeded: UInt16(truncatingIfNeeded: s.pc[1])))
        s.pc += 2
        return true
    }

    /// `extract_lane`: fp[a] = op(fp[b], lane c), a cell.
    @inline(__always) func runVectorExtractLane(_ s: inout LoopState, _ operation: (VectorOperand, UInt32) -> UInt64) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        fp[w.a] = operation(fp + w.b, UInt32(truncatingIfNeeded: w.c))
        s.pc += 1
        return true
    }

    /// `replace_lane`: fp[a] = op(fp[b], the cell in c, the lane in word 1).
    @inline(__always) func runVectorReplaceLane(_ s: inout LoopState,
                                                _ operation: (VectorResult, VectorOperand, UInt64, UInt32) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        operation(fp + w.a, fp + w.b, fp[w.c], UInt32(truncatingIfNeeded: UInt16(truncatingIfNeeded: s.pc[1])))
        s.pc += 2
        return true
    }

    /// `i8x16.shuffle`: fp[a] = op(fp[b], fp[c], the 16 lane indices in words 1 and 2).
    @inline(__always) func runVectorShuffle(
        _ s: inout LoopState, _ operation: (VectorResult, VectorOperand, VectorOperand, VectorOperand) -> Void
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        operation(fp + w.a, fp + w.b, fp + w.c, UnsafePointer(s.pc + 1))
        s.pc += 3
        return true
    }

    // MARK: Memory

    /// A load of `width` bytes from memory 0 (32-bit addresses) at fp[b] + word 1: fp[a] = op(bytes).
    @inline(__always) func runVectorLoad(_ s: inout LoopState, width: UInt64,
                                         _ operation: (VectorResult, UnsafeRawPointer) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let ea = fp[w.b] &+ s.pc[1]
        guard ea &+ width <= s.memorySize else { return s.stop(.outOfBoundsMemoryAccess) }
        operation(fp + w.a, s.memoryBase.unsafelyUnwrapped + Int(bitPattern: UInt(ea)))
        s.pc += 2
        return true
    }

    /// A load of `width` bytes from memory c (any address type) at fp[b] + word 1: fp[a] = op(bytes).
    @inline(__always) func runVectorMemoryLoad(_ s: inout LoopState, width: UInt64,
                                               _ operation: (VectorResult, UnsafeRawPointer) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let (base, size) = Self.memory(w.c, s)
        guard let p = Self.checkedAddress(base, size, fp[w.b], s.pc[1], width) else {
            return s.stop(.outOfBoundsMemoryAccess)
        }
        operation(fp + w.a, p)
        s.pc += 2
        return true
    }

    /// `v128.store` to memory 0 (32-bit addresses) at fp[b] + word 1 of fp[a].
    @inline(__always) func runVectorStore(_ s: inout LoopState, width: UInt64,
                                          _ operation: (UnsafeMutableRawPointer, VectorOperand) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let ea = fp[w.b] &+ s.pc[1]
        guard ea &+ width <= s.memorySize else { return s.stop(.outOfBoundsMemoryAccess) }
        operation(s.memoryBase.unsafelyUnwrapped + Int(bitPattern: UInt(ea)), fp + w.a)
        s.pc += 2
        return true
    }

    /// `v128.store` to memory c (any address type) at fp[b] + word 1 of fp[a].
    @inline(__always) func runVectorMemoryStore(_ s: inout LoopState, width: UInt64,
                                                _ operation: (UnsafeMutableRawPointer, VectorOperand) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let (base, size) = Self.memory(w.c, s)
        guard let p = Self.checkedAddress(base, size, fp[w.b], s.pc[1], width) else {
            return s.stop(.outOfBoundsMemoryAccess)
        }
        operation(p, fp + w.a)
        s.pc += 2
        return true
    }

    /// `v128.loadN_lane` from memory (word 2's high half) at fp[b] + word 1: fp[a] = fp[c] with lane (word 2's low
    /// 16 bits) loaded.
    @inline(__always) func runVectorLoadLane(
        _ s: inout LoopState, width: UInt64, _ operation: (VectorResult, VectorOperand, UnsafeRawPointer, UInt32) -> Void
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let extra = s.pc[2]
        let (base, size) = Self.memory(Int(truncatingIfNeeded: extra >> 32), s)
        guard let p = Self.checkedAddress(base, size, fp[w.b], s.pc[1], width) else {
            return s.stop(.outOfBoundsMemoryAccess)
        }
        operation(fp + w.a, fp + w.c, p, UInt32(truncatingIfNeeded: UInt16(truncatingIfNeeded: extra)))
        s.pc += 3
        return true
    }

    /// `v128.storeN_lane` of lane (word 2's low 16 bits) of fp[a] to memory (word 2's high half) at fp[b] + word 1.
    @inline(__always) func runVectorStoreLane(
        _ s: inout LoopState, width: UInt64, _ operation: (UnsafeMutableRawPointer, VectorOperand, UInt32) -> Void
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let extra = s.pc[2]
        let (base, size) = Self.memory(Int(truncatingIfNeeded: extra >> 32), s)
        guard let p = Self.checkedAddress(base, size, fp[w.b], s.pc[1], width) else {
            return s.stop(.outOfBoundsMemoryAccess)
        }
        operation(p, fp + w.a, UInt32(truncatingIfNeeded: UInt16(truncatingIfNeeded: extra)))
        s.pc += 3
        return true
    }
}
