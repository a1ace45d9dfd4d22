// Reference instructions (`br_on_null` and `br_on_non_null` are with the branches, Control.swift).

extension Executor {
    /// `ref.is_null`: fp[a] = fp[b] == null.
    @inline(__always) func run_refIsNull(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        fp[w.a] = fp[w.b] == 0 ? 1 : 0
        s.pc += 1
        return true
    }

    /// `ref.func` of function hi32 (its header's address) into `a`.
    @inline(__always) func run_refFunc(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        fp[w.a] = UInt64(UInt(bitPattern: s.functions[Int(w.hi32)]))
        s.pc += 1
        return true
    }

    /// `ref.as_non_null`: fp[a] = fp[b], trapping on null.
    @inline(__always) func run_refAsNonNull(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        guard fp[w.b] != 0 else { return s.stop(.nullReference) }
        fp[w.a] = fp[w.b]
        s.pc += 1
        return true
    }
}
