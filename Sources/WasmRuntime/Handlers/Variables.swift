// Slot copies, constants and globals (locals are frame slots: `local.get` emits nothing, and a `local.set` that
// the translator cannot fold into the producer is a `copy`).

extension Executor {
    /// fp[a] = fp[b].
    @inline(__always) func run_copy(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        fp[w.a] = fp[w.b]
        s.pc += 1
        return true
    }

    /// fp[a] = hi32, zero-extended.
    @inline(__always) func run_const32(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        fp[w.a] = UInt64(w.hi32)
        s.pc += 1
        return true
    }

    /// fp[a] = word 1.
    @inline(__always) func run_const64(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        fp[w.a] = s.pc[1]
        s.pc += 2
        return true
    }

    /// `global.get` of global hi32 into `a`.
    @inline(__always) func run_globalGet(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        fp[w.a] = s.context.pointee.globals[Int(w.hi32)].pointee
        s.pc += 1
        return true
    }

    /// `global.set` of global hi32 from `a`.
    @inline(__always) func run_globalSet(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        s.context.pointee.globals[Int(w.hi32)].pointee = fp[w.a]
        s.pc += 1
        return true
    }
}
