import WasmRuntimeDispatch

// Calls and tail calls (the frame machinery is in Sources/WasmRuntime/Interpreter/Frames.swift). The callee's
// frame starts at slot `a`, where the arguments are.

extension Executor {
    /// `call` of function hi32 (an import, or a call between instances).
    @inline(__always) func run_call(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        if !call(s.functions[Int(w.hi32)], fp + w.a, length: 1, &s) { return false }
        return true
    }

    /// `call` of a function of the same module.
    @inline(__always) func run_callInternal(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        guard s.countTick() else { return false }
        // Word 1 is the callee's code (the module's own) and frame size (see `link`), so the
        // call loads neither the function table nor the callee's header. Another thread may patch it
        // (`Executor.enterTranslated`): an atomic load, a plain one on x86-64 and AArch64.
        let link = swasm_load_link(s.pc + 1)
        // No accumulator survives a call: zeroing the integer one frees its register for the call.
        s.iacc = 0
        let code = UnsafeMutablePointer<UInt64>(bitPattern: UInt(truncatingIfNeeded: link >> 16)).unsafelyUnwrapped
        if !pushFrame(fp + w.a, returnTo: s.pc + 2, sameInstance: true, code: code,
                      frameSize: Int(truncatingIfNeeded: link & 0xFFFF), &s) { return false }
        return true
    }

    /// `call_indirect` through table `c` at the index in `b`, with the type index in word 1.
    @inline(__always) func run_callIndirect(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            let callee = try indirectCallee(table: w.c, index: fp[w.b], typeIndex: s.pc[1], s)
            if !call(callee, fp + w.a, length: 2, &s) { return false }
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// `call_ref` of the function reference in `b`.
    @inline(__always) func run_callRef(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            guard let callee = UnsafeMutablePointer<FunctionHeader>(bitPattern: UInt(fp[w.b])) else {
                throw .trap(.nullFunctionReference)
            }
            if !call(callee, fp + w.a, length: 2, &s) { return false }
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// `return_call` of function hi32.
    @inline(__always) func run_returnCall(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        do throws(Unwind) {
            guard s.countTick() else { return false }
            if try !tailCall(s.functions[Int(w.hi32)], &s) { return false }
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// `return_call_indirect`: as `callIndirect`.
    @inline(__always) func run_returnCallIndirect(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            guard s.countTick() else { return false }
            let callee = try indirectCallee(table: w.c, index: fp[w.b], typeIndex: s.pc[1], s)
            if try !tailCall(callee, &s) { return false }
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// `return_call_ref`: as `callRef`.
    @inline(__always) func run_returnCallRef(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            guard s.countTick() else { return false }
            guard let callee = UnsafeMutablePointer<FunctionHeader>(bitPattern: UInt(fp[w.b])) else {
                throw .trap(.nullFunctionReference)
            }
            if try !tailCall(callee, &s) { return false }
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }
}
