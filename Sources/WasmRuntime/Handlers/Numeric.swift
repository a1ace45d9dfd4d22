// Numeric instructions: unary and binary operations (trapping or not), their forms with an immediate operand, and
// the fused pairs, each body parameterised by the operation (a `NumericSemantics` function), its operand sources
// and the accumulator that receives its result. Every such instruction and variant is a one-line
// `run_<opcode>` calling one of these (Generated/Handlers.swift, from Scripts/gen-numerics.py).

extension Executor {
    /// A unary operation: `operation` of the operand `a`, into slot `c` and `result`.
    @inline(__always) func runUnary<A: OperandSource, R: ResultAccumulator>(
        _ s: inout LoopState, _ operation: (UInt64) -> UInt64, a: A, result: R
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let value = operation(a.read(fp, w.a, s))
        fp[w.c] = value
        result.keep(value, &s)
        s.pc += 1
        return true
    }

    /// A binary operation: `operation` of the operands `a` and `b` (an immediate for the `...Imm` forms), into slot
    /// `c` and `result`.
    @inline(__always) func runBinary<A: OperandSource, B: OperandSource, R: ResultAccumulator>(
        _ s: inout LoopState, _ operation: (UInt64, UInt64) -> UInt64, a: A, b: B, result: R
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let value = operation(a.read(fp, w.a, s), b.read(fp, w.b, s))
        fp[w.c] = value
        result.keep(value, &s)
        s.pc += 1
        return true
    }

    /// A unary operation that may trap (a float-to-integer truncation): as `runUnary`, or the trap.
    @inline(__always) func runTrappingUnary<A: OperandSource, R: ResultAccumulator>(
        _ s: inout LoopState, _ operation: (UInt64, inout TrapCode) -> UInt64, a: A, result: R
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        var trap = TrapCode.none
        let value = operation(a.read(fp, w.a, s), &trap)
        if trap != .none { return s.stop(trap) }
        fp[w.c] = value
        result.keep(value, &s)
        s.pc += 1
        return true
    }

    /// A binary operation that may trap (an integer division or remainder): as `runBinary`, or the trap.
    @inline(__always) func runTrappingBinary<A: OperandSource, B: OperandSource, R: ResultAccumulator>(
        _ s: inout LoopState, _ operation: (UInt64, UInt64, inout TrapCode) -> UInt64, a: A, b: B, result: R
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        var trap = TrapCode.none
        let value = operation(a.read(fp, w.a, s), b.read(fp, w.b, s), &trap)
        if trap != .none { return s.stop(trap) }
        fp[w.c] = value
        result.keep(value, &s)
        s.pc += 1
        return true
    }

    /// A fused pair (`Translator.fuseAdjacentPairs`), two words: `first` of `a` and `b`, then `second` of that and
    /// the slot in word 1's low 16 bits, into slot `c` and `result`. A `second` that does not commute takes them
    /// in the other order when word 1's bit 16 is set (the first result was its right operand).
    @inline(__always) func runFusedPair<A: OperandSource, B: OperandSource, R: ResultAccumulator>(
        _ s: inout LoopState, _ first: (UInt64, UInt64) -> UInt64, _ second: (UInt64, UInt64) -> UInt64,
        secondCommutes: Bool, a: A, b: B, result: R
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let t = first(a.read(fp, w.a, s), b.read(fp, w.b, s))
        let value = secondCommutes || s.pc[1] & 0x1_0000 == 0
            ? second(t, fp[Int(s.pc[1] & 0xFFFF)]) : second(fp[Int(s.pc[1] & 0xFFFF)], t)
        fp[w.c] = value
        result.keep(value, &s)
        s.pc += 2
        return true
    }
}
