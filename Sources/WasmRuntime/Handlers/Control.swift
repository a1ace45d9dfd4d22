// Control instructions: traps, branches and returns.
//
// Every instruction's body is an `Executor` method `run_<opcode>` (here and in the other files of this folder;
// those of the numeric, load/store and compare-branch families are one-line calls of the family's generic body,
// generated in Sources/WasmRuntime/Generated/Handlers.swift). Its C handler inlines it through a
// `swasm_op_<opcode>` wrapper (Generated/DispatchLoop.swift). A body advances `s.pc` and returns true to go on
// with the instruction there, or returns false to stop the machine: a trap (`s.stop`), an unwind
// (`MachineState.unwind`), or a reason `Executor.loop` handles and then resumes. Its layout (hence its length in
// words) and what it reads and produces are declared in Instructions/internal.txt.

extension Executor {
    /// `unreachable`: traps.
    @inline(__always) func run_unreachable(_ s: inout LoopState) -> Bool {
        return s.stop(.unreachable)
    }

    /// The stub of a function not translated yet (`CompiledModule`): `Executor.loop` translates it.
    @inline(__always) func run_enterLazily(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        s.machine.pointee.lazyFunction = Int(w.hi32)
        return false
    }

    /// Moves `s.pc` by `d` words; a backward jump counts a tick (false: the budget ran out, the machine stops).
    @inline(__always) func jump(_ s: inout LoopState, by d: Int) -> Bool {
        s.pc += d
        return d > 0 || s.countTick()
    }

    /// A conditional branch with its offset in hi32: taken, it jumps (`jump`); not taken, it goes on with the
    /// next instruction.
    @inline(__always) func branch(_ s: inout LoopState, if taken: Bool) -> Bool {
        guard taken else {
            s.pc += 1
            return true
        }
        return jump(&s, by: InstructionWord(s.pc).offset)
    }

    /// `br`: jumps by the offset in hi32; a backward jump counts a tick.
    @inline(__always) func run_br(_ s: inout LoopState) -> Bool {
        jump(&s, by: InstructionWord(s.pc).offset)
    }

    // The conditional branches are real branches, not a conditional move of the pc increment (see
    // `branchByWord1`, CompareBranches.swift).

    /// `br_if`: branches if the i32 in `a` is not zero.
    @inline(__always) func run_brIf<A: IntegerSource>(_ s: inout LoopState, a condition: A = FromSlot()) -> Bool {
        let w = InstructionWord(s.pc)
        return branch(&s, if: condition.read(s.fp, w.a, s) & 0xFFFF_FFFF != 0)
    }

    /// `br_if` on an `i32.eqz`: branches if the i32 in `a` is zero.
    @inline(__always) func run_brIfNot<A: IntegerSource>(_ s: inout LoopState, a condition: A = FromSlot()) -> Bool {
        let w = InstructionWord(s.pc)
        return branch(&s, if: condition.read(s.fp, w.a, s) & 0xFFFF_FFFF == 0)
    }

    /// `br_on_null`: branches if the reference in `a` is null.
    @inline(__always) func run_brIfNull(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        return branch(&s, if: s.fp[w.a] == 0)
    }

    /// `br_on_non_null`: branches if the reference in `a` is not null.
    @inline(__always) func run_brIfNotNull(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        return branch(&s, if: s.fp[w.a] != 0)
    }

    /// `br_table`: jumps by the offset in the word after the instruction that the i32 in `a` selects (the last,
    /// the default, for any index from hi32 up).
    @inline(__always) func run_brTable<A: IntegerSource>(_ s: inout LoopState, a index: A = FromSlot()) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let count = UInt64(w.hi32)
        let i = min(index.read(fp, w.a, s) & 0xFFFF_FFFF, count)
        return jump(&s, by: s.pc[1 + Int(i)].offset)
    }

    /// `return` with its results already in place.
    @inline(__always) func run_return(_ s: inout LoopState) -> Bool {
        if !returnFromFunction(&s) { return false }
        return true
    }

    /// `return` of the one result in `a`.
    @inline(__always) func run_returnValue(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        fp[0] = fp[w.a]
        if !returnFromFunction(&s) { return false }
        return true
    }
}
