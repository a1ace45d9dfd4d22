import WasmCore

// Entering and leaving functions, for the call and return handlers: the call-frame stack, frame templates,
// host calls and the callees of indirect calls.

extension Executor {
    /// Switches to wasm function `callee` whose frame starts at `newFP`; pushes a return frame unless tail-calling.
    /// (`callInternal` takes `pushFrame` directly: same instance, frame size from its instruction.)
    @inline(__always)
    func enter(_ callee: UnsafeMutablePointer<FunctionHeader>, _ newFP: UnsafeMutablePointer<UInt64>,
               returnTo: UnsafeMutablePointer<UInt64>?, code: UnsafeMutablePointer<UInt64>, _ s: inout LoopState) -> Bool {
        let h = callee.pointee
        guard pushFrame(newFP, returnTo: returnTo, sameInstance: false, code: code, frameSize: h.frameSize, &s) else {
            return false
        }
        if let context = h.context, context != s.context {
            // A tail call into another instance: the frame below may mark a call within the caller's instance,
            // and its return must now switch back to that instance (the tail caller's).
            if returnTo == nil && s.frame[-1].returnAddress & 1 != 0 {
                s.frame[-1].returnAddress &= ~1
                s.frame[-1].callerContext = s.context
            }
            s.context = context
            s.reloadMemory()
        }
        return true
    }

    /// Copies the frame template of the function whose code starts at `code` (found through the word before
    /// it, `CompiledFunction.prefix`, so no header load) to the new frame's slots after the parameters. Two
    /// words at a time (the template has an even length): most frames need a handful, cheaper inline than a
    /// memcpy call (the handlers are compiled with no_builtin so that this stays a loop). The first two words
    /// come before the loop: most templates have just those.
    @inline(__always)
    func initializeFrame(_ newFP: UnsafeMutablePointer<UInt64>, code: UnsafeMutablePointer<UInt64>) {
        let prefix = CompiledFunction.prefix(ofCode: code)
        guard prefix.count != 0 else { return }
        let destination = UnsafeMutableRawPointer(newFP + prefix.paramCount)
        let source = UnsafeRawPointer(prefix.template)
        destination.storeBytes(of: source.loadUnaligned(as: SIMD2<UInt64>.self), as: SIMD2<UInt64>.self)
        var offset = 16
        let end = prefix.count &* 8
        while offset < end {
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: SIMD2<UInt64>.self),
                                   toByteOffset: offset, as: SIMD2<UInt64>.self)
            offset &+= 16
        }
    }

    /// Checks both stacks, pushes a return frame (none for a tail call: `returnTo` nil; `sameInstance` marks it for
    /// `returnFromFunction`, and only a call into another instance records the caller's), copies the frame
    /// template of the function at `code` and continues there.
    @inline(__always)
    func pushFrame(_ newFP: UnsafeMutablePointer<UInt64>, returnTo: UnsafeMutablePointer<UInt64>?, sameInstance: Bool,
                   code: UnsafeMutablePointer<UInt64>, frameSize: Int, _ s: inout LoopState) -> Bool {
        guard s.frame < s.machine.pointee.framesEnd, newFP + frameSize < s.machine.pointee.stackEnd else {
            return s.stop(.callStackExhausted)
        }
        if let returnTo {
            s.frame.pointee.returnAddress = UInt(bitPattern: returnTo) | (sameInstance ? 1 : 0)
            s.frame.pointee.fp = s.fp
            if !sameInstance { s.frame.pointee.callerContext = s.context }
            s.frame += 1
        }
        initializeFrame(newFP, code: code)
        s.fp = newFP
        s.pc = code
        return true
    }

    /// Calls `callee` with arguments at `newFP` from the `length`-word call instruction at `s.pc`; false
    /// when the machine stops: a trap, the tick budget, or a host callee, which `loop` calls (so no call
    /// instruction's handler contains a call into Swift).
    @inline(__always)
    func call(_ callee: UnsafeMutablePointer<FunctionHeader>, _ newFP: UnsafeMutablePointer<UInt64>,
              length: Int, _ s: inout LoopState) -> Bool {
        guard s.countTick() else { return false }
        guard let code = callee.pointee.code else {
            s.machine.pointee.hostCall = PendingHostCall(callee: callee, slots: newFP, resumePC: s.pc + length)
            return false
        }
        return enter(callee, newFP, returnTo: s.pc + length, code: code, &s)
    }

    /// Pops the current frame; false when the entry frame of this invocation is reached.
    @inline(__always)
    func returnFromFunction(_ s: inout LoopState) -> Bool {
        s.frame -= 1
        let frame = s.frame
        guard let next = frame.pointee.returnPC else { return false }
        s.pc = next
        s.fp = frame.pointee.fp
        // Within one instance the cached memory is current (memory.grow refreshes it); only a change of
        // instance needs a reload (a shared memory may have grown elsewhere). A call within the instance
        // marked its frame, so its return skips the check (and the load of `callerContext`).
        if frame.pointee.returnAddress & 1 == 0, let context = frame.pointee.callerContext, context != s.context {
            s.context = context
            s.reloadMemory()
        }
        return true
    }

    /// Tail-calls `callee` with its arguments already at fp[0...]; false when that returns to Swift.
    @inline(__always)
    func tailCall(_ callee: UnsafeMutablePointer<FunctionHeader>, _ s: inout LoopState) throws(Unwind) -> Bool {
        guard let code = callee.pointee.code else {
            try callHost(callee, s.fp, depth: s.depth, caller: s.context)
            return returnFromFunction(&s)
        }
        return enter(callee, s.fp, returnTo: nil, code: code, &s)
    }

    /// Runs a host function with its arguments and results at `slots`.
    func callHost(_ callee: UnsafeMutablePointer<FunctionHeader>, _ slots: UnsafeMutablePointer<UInt64>, depth callDepth: Int,
                  caller: UnsafeMutablePointer<InstanceContext>) throws(Unwind) {
        guard let host = callee.pointee.object?.takeUnretainedValue().host else { throw .trap(.host("function has no code")) }
        guard stackEnd - slots > callee.pointee.frameSize else {
            noteStackExhaustion(depth: callDepth)
            throw .trap(.callStackExhausted)
        }
        let savedTop = stackTop
        let savedDepth = depth
        stackTop = slots + callee.pointee.frameSize
        depth = callDepth
        defer {
            stackTop = savedTop
            depth = savedDepth
        }
        do {
            try host(HostCall(slots: slots, caller: caller.pointee.instance.takeUnretainedValue(), store: store))
        } catch {
            switch Self.executionError(error) {
            case .exception(let e): throw .exception(e)
            case .trap(let t, _): throw .trap(t)
            case .host(let e): throw .host(e)
            }
        }
    }

    /// The callee of `call_indirect`: checks bounds, null and the signature.
    @inline(__always)
    func indirectCallee(table: Int, index: UInt64, typeIndex: UInt64, _ s: LoopState) throws(Unwind) -> UnsafeMutablePointer<FunctionHeader> {
        let t = s.context.pointee.instance.takeUnretainedValue().tables[table]
        guard index < UInt64(t.elements.count) else { throw .trap(.undefinedElement(index)) }
        guard let callee = UnsafeMutablePointer<FunctionHeader>(bitPattern: UInt(t.elements[Int(index)])) else {
            throw .trap(.uninitializedElement(index))
        }
        let expected = s.context.pointee.typeIDs[Int(typeIndex)]
        let actual = callee.pointee.typeID
        guard actual == expected || store.types.isSubtype(actual, of: expected) else {
            throw .trap(.indirectCallTypeMismatch)
        }
        return callee
    }
}
