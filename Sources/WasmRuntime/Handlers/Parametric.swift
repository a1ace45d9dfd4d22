import WasmRuntimeDispatch

// `select`. Its operands: the condition in slot `c`, the first value in the slot word 1 names, the second in
// slot `b`; the result goes to slot `a` and the integer accumulator (it moves a cell of any type: a float
// consumer never reads the integer accumulator). The variants read an operand elsewhere (`IntegerSource`).

extension Executor {
    /// `select`: fp[a] = the i32 in `c` != 0 ? first : second.
    @inline(__always) func run_select<C: IntegerSource, First: IntegerSource, B: IntegerSource>(
        _ s: inout LoopState, c condition: C = FromSlot(), first firstValue: First = FromSlot(), b secondValue: B = FromSlot()
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        // Branch-free: a branch on the condition would be mispredicted whenever it follows the data.
        // Both operands are loaded before the condition is known (see `swasm_choose`).
        let first = firstValue.read(fp, Int(truncatingIfNeeded: s.pc[1]), s), second = secondValue.read(fp, w.b, s)
        let result = swasm_choose(condition.read(fp, w.c, s) & 0xFFFF_FFFF != 0, first, second)
        fp[w.a] = result
        s.iacc = result
        s.pc += 2
        return true
    }

    /// `select` on an i64.eqz condition, with the operands swapped: tests all 64 bits of the condition.
    @inline(__always) func run_select64<C: IntegerSource, First: IntegerSource, B: IntegerSource>(
        _ s: inout LoopState, c condition: C = FromSlot(), first firstValue: First = FromSlot(), b secondValue: B = FromSlot()
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let first = firstValue.read(fp, Int(truncatingIfNeeded: s.pc[1]), s), second = secondValue.read(fp, w.b, s)
        let result = swasm_choose(condition.read(fp, w.c, s) != 0, first, second)
        fp[w.a] = result
        s.iacc = result
        s.pc += 2
        return true
    }
}
