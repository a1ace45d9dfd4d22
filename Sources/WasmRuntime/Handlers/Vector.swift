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
    // MARK: Moving v128 values (hand-written: Instructions/internal.txt, family Vector)

    /// `select` of a v128: fp[a...a+1] = the i32 in `c` != 0 ? first : second (two slots each).
    @inline(__always) func run_selectVector(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let first = fp + Int(truncatingIfNeeded: s.pc[1]), second = fp + w.b
        let chosen = fp[w.c] & 0xFFFF_FFFF != 0 ? first : second
        storeVector(fp + w.a, UnsafeRawPointer(chosen).loadUnaligned(as: SIMD2<UInt64>.self))
        s.pc += 2
        return true
    }

    /// `global.get` of the v128 global hi32 into `a`, `a + 1`.
    @inline(__always) func run_globalGetVector(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let cell = s.context.pointee.globals[Int(w.hi32)]
        storeVector(fp + w.a, UnsafeRawPointer(cell).loadUnaligned(as: SIMD2<UInt64>.self))
        s.pc += 1
        return true
    }

    /// `global.set` of the v128 global hi32 from `a`, `a + 1`.
    @inline(__always) func run_globalSetVector(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let cell = s.context.pointee.globals[Int(w.hi32)]
        storeVector(cell, UnsafeRawPointer(fp + w.a).loadUnaligned(as: SIMD2<UInt64>.self))
        s.pc += 1
        return true
    }

    /// fp[a] = word 1, fp[a + 1] = word 2: a v128 constant.
    @inline(__always) func run_vectorConst(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        storeVector(fp + w.a, UnsafeRawPointer(s.pc + 1).loadUnaligned(as: SIMD2<UInt64>.self))
        s.pc += 3
        return true
    }

    // MARK: Families of the SIMD instructions

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

    /// The host address of `width` bytes at fp[b] + word 1 (with `indexed`, at the i32 sum fp[b] + fp[c] + word 1),
    /// or nil if they are out of bounds: in memory 0 with a 32-bit address when `memory` is nil (the cell is
    /// zero-extended and the offset below 2^32, so one comparison checks it), else in memory `memory` (any address
    /// type, checked in 64 bits).
    @inline(__always) func vectorAddress(_ s: borrowing LoopState, memory: Int?, width: UInt64,
                                         indexed: Bool = false) -> UnsafeMutableRawPointer? {
        let w = InstructionWord(s.pc)
        let address = indexed ? (s.fp[w.b] &+ s.fp[w.c]) & 0xFFFF_FFFF : s.fp[w.b], offset = s.pc[1]
        guard let memory else {
            let ea = address &+ offset
            guard ea &+ width <= s.memorySize else { return nil }
            return s.memoryBase.unsafelyUnwrapped + Int(bitPattern: UInt(ea))
        }
        let (base, size) = Self.memory(memory, s)
        return Self.checkedAddress(base, size, address, offset, width)
    }

    /// A load of `width` bytes at fp[b] + word 1 (memory 0 with a 32-bit address, or with `anyMemory` memory c;
    /// `indexed`: memory 0 at fp[b] + fp[c] + word 1): fp[a] = op(bytes).
    @inline(__always) func runVectorLoad(_ s: inout LoopState, width: UInt64, anyMemory: Bool, indexed: Bool = false,
                                         _ operation: (VectorResult, UnsafeRawPointer) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        guard let p = vectorAddress(s, memory: anyMemory ? w.c : nil, width: width, indexed: indexed) else {
            return s.stop(.outOfBoundsMemoryAccess)
        }
        operation(s.fp + w.a, p)
        s.pc += 2
        return true
    }

    /// `v128.store` of fp[a] at fp[b] + word 1 (memory 0 with a 32-bit address, or with `anyMemory` memory c;
    /// `indexed`: memory 0 at fp[b] + fp[c] + word 1).
    @inline(__always) func runVectorStore(_ s: inout LoopState, width: UInt64, anyMemory: Bool, indexed: Bool = false,
                                          _ operation: (UnsafeMutableRawPointer, VectorOperand) -> Void) -> Bool {
        let w = InstructionWord(s.pc)
        guard let p = vectorAddress(s, memory: anyMemory ? w.c : nil, width: width, indexed: indexed) else {
            return s.stop(.outOfBoundsMemoryAccess)
        }
        operation(p, s.fp + w.a)
        s.pc += 2
        return true
    }

    /// `v128.loadN_lane` from memory (word 2's high half) at fp[b] + word 1: fp[a] = fp[c] with lane (word 2's low
    /// 16 bits) loaded.
    @inline(__always) func runVectorLoadLane(
        _ s: inout LoopState, width: UInt64, _ operation: (VectorResult, VectorOperand, UnsafeRawPointer, UInt32) -> Void
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let extra = s.pc[2]
        guard let p = vectorAddress(s, memory: Int(truncatingIfNeeded: extra >> 32), width: width) else {
            return s.stop(.outOfBoundsMemoryAccess)
        }
        operation(s.fp + w.a, s.fp + w.c, p, UInt32(truncatingIfNeeded: UInt16(truncatingIfNeeded: extra)))
        s.pc += 3
        return true
    }

    /// `v128.storeN_lane` of lane (word 2's low 16 bits) of fp[a] to memory (word 2's high half) at fp[b] + word 1.
    @inline(__always) func runVectorStoreLane(
        _ s: inout LoopState, width: UInt64, _ operation: (UnsafeMutableRawPointer, VectorOperand, UInt32) -> Void
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let extra = s.pc[2]
        guard let p = vectorAddress(s, memory: Int(truncatingIfNeeded: extra >> 32), width: width) else {
            return s.stop(.outOfBoundsMemoryAccess)
        }
        operation(p, s.fp + w.a, UInt32(truncatingIfNeeded: UInt16(truncatingIfNeeded: extra)))
        s.pc += 3
        return true
    }
}
