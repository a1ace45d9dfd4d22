// Compare-branches: a `br_if` fused with the comparison it tests (`brIfI32LtS`, `brIfNotF64Lt`, with an immediate
// `brIfI32LtSImm`), and with an i32.add-immediate before it (`i32AddImmBrIfLtS`). Each body is parameterised by
// the comparison (a `NumericSemantics` function, or for floats the IEEE comparison operator) and its operand
// sources; each instruction and variant is a one-line `run_<opcode>` calling one (Generated/Handlers.swift).

extension Executor {
    /// Ends a compare-branch whose offset is in word 1: taken, it jumps by that offset from word 1 (a backward jump
    /// counts a tick; false: the budget ran out); not taken, it goes on after the instruction's `length` words.
    /// Written as if/else, not a select of the pc increment: as a conditional move the next instruction's address
    /// waited for the comparison; as a branch it is predicted.
    @inline(__always) func branchByWord1(_ s: inout LoopState, if taken: Bool, length: Int) -> Bool {
        if taken {
            let d = 1 + s.pc[1].offset
            s.pc += d
            if d <= 0 && !s.countTick() { return false }
        } else {
            s.pc += length
        }
        return true
    }

    /// `br_if` on the integer comparison `compare` (`i32And` for a bit test) of the operands `a` and `b` (an
    /// immediate for the `...Imm` forms), two words: branches if it is nonzero, or with `negated`, if it is zero
    /// (`brIfI32AndZero`).
    @inline(__always) func runCompareBranch<A: OperandSource, B: OperandSource>(
        _ s: inout LoopState, _ compare: (UInt64, UInt64) -> UInt64, negated: Bool, a: A, b: B
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let holds = compare(a.read(fp, w.a, s), b.read(fp, w.b, s)) != 0
        return branchByWord1(&s, if: holds != negated, length: 2)
    }

    /// `br_if` on the float comparison `compare` (an IEEE comparison operator of `F`) of the operands `a` and `b`,
    /// two words: branches if it is true, or with `negated`, if it is false (`brIfNot...`: a float comparison is
    /// not inverted by the opposite one when an operand is NaN). Each operand becomes an `F` as it is read, so the
    /// first is converted before the second is loaded: the handlers' instruction schedule depends on that order,
    /// which comparing the cells with a `NumericSemantics` function (both loaded first) would change.
    @inline(__always) func runFloatCompareBranch<F: FloatCell, A: OperandSource, B: OperandSource>(
        _ s: inout LoopState, _: F.Type, _ compare: (F, F) -> Bool, negated: Bool, a: A, b: B
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let x = F(cell: a.read(fp, w.a, s))
        let y = F(cell: b.read(fp, w.b, s))
        return branchByWord1(&s, if: negated ? !compare(x, y) : compare(x, y), length: 2)
    }

    /// An i32.add of the signed 16-bit immediate in b to the operand `a`, into slot `c`, then a `br_if` on
    /// `compare` of that sum and the operand `right` from word 1's low 16 bits (a slot, or an immediate); three
    /// words.
    @inline(__always) func runAddImmediateCompareBranch<A: OperandSource, Right: OperandSource>(
        _ s: inout LoopState, _ compare: (UInt64, UInt64) -> UInt64, a: A, right: Right
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let x = NumericSemantics.i32Add(a.read(fp, w.a, s), FromImmediateI32().read(fp, w.b, s))
        fp[w.c] = x
        let y = right.read(fp, Int(s.pc[1] & 0xFFFF), s)
        return branchByWord1(&s, if: compare(x, y) != 0, length: 3)
    }
}

/// A float type whose values a cell holds as their bit pattern (an f32 in the low 32 bits).
protocol FloatCell: BinaryFloatingPoint {
    /// The float whose bits `cell` holds.
    init(cell: UInt64)
}

extension Float: FloatCell {
    @inline(__always) init(cell: UInt64) { self.init(bitPattern: UInt32(truncatingIfNeeded: cell)) }
}

extension Double: FloatCell {
    @inline(__always) init(cell: UInt64) { self.init(bitPattern: cell) }
}
