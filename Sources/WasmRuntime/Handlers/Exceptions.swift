import WasmCore

// Throwing exceptions. An exception stops the handlers with `MachineState.unwind` set; `Executor.loop` throws
// it, and `Executor.run` looks for its catch (`findHandler`) and resumes there.

extension Executor {
    /// `throw` of tag hi32 with its payload in the slots from `a`.
    @inline(__always) func run_throw(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            throw .exception(makeException(tag: Int(w.hi32), payload: fp + w.a, s))
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
    }

    /// `throw_ref` of the exception reference in `a`.
    @inline(__always) func run_throwRef(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            guard let exn = ExceptionInstance.from(cell: fp[w.a]) else { throw .trap(.nullExceptionReference) }
            throw .exception(exn)
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
    }

    /// Legacy `rethrow`: `throwRef` of the exception its `catch` kept in slot `a`.
    @inline(__always) func run_rethrow(_ s: inout LoopState) -> Bool {
        run_throwRef(&s)
    }

    /// A new exception of tag `index` of the current instance, with the tag's payload read from `payload`.
    func makeException(tag index: Int, payload: UnsafeMutablePointer<UInt64>, _ s: LoopState) -> ExceptionInstance {
        let tag = s.context.pointee.instance.takeUnretainedValue().tags[index]
        let values = (0..<tag.type.parameters.cellCount).map { payload[$0] }
        return store.makeException(tag: tag, payload: values)
    }
}
