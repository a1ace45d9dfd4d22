// Template for Sources/WasmRuntime/Generated/DispatchLoop.swift and the C handlers in
// Sources/WasmRuntimeDispatch/include/WasmRuntimeDispatch.h. Scripts/gen-numerics.py adds the numeric,
// load, store and fused-branch cases (at @GENERATED_CASES@) and turns every case between the HANDLERS
// markers into one instruction handler. Edit this file, then run the script.

import WasmCore

/// What every instruction handler receives in machine registers: the program counter, the frame, the
/// cached memory 0, a pointer to the rest of the machine state, the accumulators, the top of the call-frame
/// stack and the tick counter. The layout is shared with `swasm_regs` in
/// Sources/WasmRuntimeDispatch/include/WasmRuntimeDispatch.h (nine 8-byte fields and a float).
struct LoopState {
    var pc: UnsafeMutablePointer<UInt64>
    var fp: UnsafeMutablePointer<UInt64>
    var memoryBase: UnsafeMutableRawPointer?
    var memorySize: UInt64
    let machine: UnsafeMutablePointer<MachineState>
    /// The integer accumulator: the last i32/i64 result (as its cell), for the next instructions to read
    /// without a load. Only the translator's bookkeeping says which slot it mirrors (`useAccumulators`).
    var iacc: UInt64 = 0
    /// The float accumulator: the last f64 result.
    var facc: Double = 0
    /// The next free call frame (`frames + depth`): a register, so calls and returns do not update memory.
    var frame: UnsafeMutablePointer<CallFrame>
    /// Instructions (backward branches and calls) left before the next fuel/interrupt checkpoint.
    var ticks: Int
    /// The float32 accumulator: the last f32 result.
    var sacc: Float = 0

    /// The registers for running from `pc` with frame `fp`; `machine` gives the rest.
    @inline(__always) init(pc: UnsafeMutablePointer<UInt64>, fp: UnsafeMutablePointer<UInt64>,
                           machine: UnsafeMutablePointer<MachineState>) {
        self.pc = pc
        self.fp = fp
        memoryBase = nil
        memorySize = 0
        self.machine = machine
        frame = machine.pointee.frameTop
        ticks = machine.pointee.ticks
        reloadMemory()
    }

    /// Writes the register state the machine keeps (the frame top, ticks, where it stopped) back to it.
    @inline(__always) func save() {
        machine.pointee.frameTop = frame
        machine.pointee.ticks = ticks
        machine.pointee.exitPC = pc
        machine.pointee.exitFP = fp
    }

    @inline(__always) var context: UnsafeMutablePointer<InstanceContext> {
        get { machine.pointee.context }
        nonmutating set {
            machine.pointee.context = newValue
            machine.pointee.functions = newValue.pointee.functions
        }
    }
    /// The current instance's functions (`context.pointee.functions`, one load less for a call).
    @inline(__always) var functions: UnsafeMutablePointer<UnsafeMutablePointer<FunctionHeader>> {
        machine.pointee.functions
    }
    @inline(__always) var depth: Int { frame - machine.pointee.frames }

    /// Stops the machine with a trap that has no payload. A plain store, so a handler's fast path
    /// keeps no call (and no saved registers) for its trap path.
    @inline(__always) func stop(_ trap: TrapCode) -> Bool {
        machine.pointee.trap = trap
        return false
    }

    /// Counts a tick: a taken backward branch (with `pc` already at its target) or a call (before it is
    /// made, with `pc` still at the call). False when the budget is used up: the machine then stops, and
    /// `Executor.loop` runs the checkpoint and resumes at `pc` (so a call is executed again). No call here
    /// keeps the branch and call handlers free of saved registers.
    @inline(__always) mutating func countTick() -> Bool {
        ticks &-= 1
        if ticks > 0 { return true }
        machine.pointee.checkpointDue = true
        return false
    }

    @inline(__always) mutating func reloadMemory() {
        if let m = context.pointee.memory0 {
            memoryBase = m.pointee.base
            memorySize = m.pointee.size
        } else {
            memoryBase = nil
            memorySize = 0
        }
    }
}

/// A host function call that a call instruction's handler left for `Executor.loop`.
struct PendingHostCall {
    var callee: UnsafeMutablePointer<FunctionHeader>
    /// Arguments in, results out.
    var slots: UnsafeMutablePointer<UInt64>
    /// The instruction after the call.
    var resumePC: UnsafeMutablePointer<UInt64>
}

/// The machine state handlers reach through memory: it changes on calls and returns only. One lives on
/// the Swift stack for each activation of `Executor.loop`.
struct MachineState {
    /// The current instance. Nothing tracks the current function: a trap or an exception finds it from its
    /// code address (`Executor.function(at:in:)`), so calls and returns skip that bookkeeping.
    var context: UnsafeMutablePointer<InstanceContext>
    /// `context.pointee.functions`, kept with `context`.
    var functions: UnsafeMutablePointer<UnsafeMutablePointer<FunctionHeader>>
    /// The next free call frame (`LoopState.frame`) when the handlers start and when they stop: kept as the
    /// pointer, since the depth would take a division by the frame size in every handler's stop path (30 bytes
    /// of code each); `depth` derives it.
    var frameTop: UnsafeMutablePointer<CallFrame>
    var depth: Int { frameTop - frames }
    var ticks: Int
    let executor: Unmanaged<Executor>
    /// The executor's call-frame stack and its end (`frames + maxDepth`), here to save the call handlers a load.
    let frames: UnsafeMutablePointer<CallFrame>
    let framesEnd: UnsafeMutablePointer<CallFrame>
    let stackEnd: UnsafeMutablePointer<UInt64>
    /// Why the handlers stopped, or nil (and `trap == .none`) when the entry frame returned.
    var unwind: Unwind?
    var trap: TrapCode
    /// The tick budget ran out at a backward branch: run the checkpoint, then resume.
    var checkpointDue: Bool
    /// A call of a host function, made by `Executor.loop` when the handlers stop for it.
    var hostCall: PendingHostCall?
    /// A function not translated yet was entered (its stub's `enterLazily`): its defined index, else -1.
    var lazyFunction = -1
    /// Where the handlers stopped (the trapping or returning instruction).
    var exitPC: UnsafeMutablePointer<UInt64>
    var exitFP: UnsafeMutablePointer<UInt64>
}

extension Executor {
    /// The host address of `width` bytes at `address + offset` in a memory of `size` bytes at `base`, or a trap.
    @inline(__always)
    static func address(_ base: UnsafeMutableRawPointer?, _ size: UInt64, _ address: UInt64, _ offset: UInt64,
                        _ width: UInt64) throws(Unwind) -> UnsafeMutableRawPointer {
        let (ea, overflow) = address.addingReportingOverflow(offset)
        guard !overflow, width <= size, ea <= size &- width, let base else { throw .trap(.outOfBoundsMemoryAccess) }
        return base + Int(truncatingIfNeeded: ea)
    }

    /// Memory `index` of the current instance as (base, size); memory 0 comes from the cached state.
    @inline(__always)
    static func memory(_ index: Int, _ s: LoopState) -> (UnsafeMutableRawPointer?, UInt64) {
        if index == 0 { return (s.memoryBase, s.memorySize) }
        let m = s.context.pointee.instance.takeUnretainedValue().memories[index]
        return (m.base, UInt64(m.byteCount))
    }

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
        let function = callee.pointee.object.takeUnretainedValue()
        guard let host = function.host else { throw .trap(.host("function has no code")) }
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

    /// Fuel, deadline and interrupt checks, run when the tick budget is used up; returns the next budget.
    func checkpoint() throws(Unwind) -> Int {
        if store.interruptHandle.isInterrupted { throw .trap(.interrupted) }
        if let deadline = store.deadline, ContinuousClock.now >= deadline { throw .trap(.interrupted) }
        let chunk = 10_000
        if let fuel = store.fuel {
            // Ticks used since the last refill were already charged when handed out.
            if fuel == 0 { throw .trap(.outOfFuel) }
            let grant = Int(min(fuel, UInt64(chunk)))
            store.fuel = fuel - UInt64(grant)
            return grant
        }
        return chunk
    }

    /// The C handler tables of `HandlerSet.native` and `.portable`. Read here, not in HandlerSet.swift: with
    /// several LLVM threads, each source file of the module is compiled on its own, and the C handlers (and the
    /// tables that reference them) are emitted into the file that uses them, which must be the one defining the
    /// Swift bodies they inline.
    nonisolated(unsafe) static let handlerTables = (native: swasm_handler_table(), portable: swasm_portable_handler_table())
    /// log2 of the unit in which handler references count (`SWASM_HANDLER_UNIT_LOG2`: 3, or 6 in debug and
    /// sanitizer builds).
    static let handlerUnitLog2 = UInt(SWASM_HANDLER_UNIT_LOG2)
    /// The number of entries of a handler table (`SWASM_OPCODE_CAPACITY`).
    static let opcodeCapacity = Int(SWASM_OPCODE_CAPACITY)
    /// The dispatch the C handlers were compiled for (`SWASM_DISPATCH_IS_PORTABLE`, `SWASM_DISPATCH_IS_LOOP`):
    /// `HandlerSet` checks that it is the one Swift was compiled for.
    static let handlerDispatch = (portable: SWASM_DISPATCH_IS_PORTABLE != 0, loop: SWASM_DISPATCH_IS_LOOP != 0)

    /// Runs from `regs` until the entry frame returns, or throws. Each instruction is a handler in
    /// Sources/WasmRuntimeDispatch that runs the instruction's body (generated below from the cases of
    /// Scripts/templates/DispatchLoop.swift) and tail-calls the next instruction's handler.
    func loop(_ regs: inout Registers) throws(Unwind) {
        let context = regs.context
        var machine = MachineState(context: context, functions: context.pointee.functions, frameTop: frames + depth, ticks: 0,
                                   executor: .passUnretained(self), frames: frames, framesEnd: frames + maxDepth, stackEnd: stackEnd, unwind: nil, trap: .none, checkpointDue: false, hostCall: nil, exitPC: regs.pc, exitFP: regs.fp)
        machine.ticks = try checkpoint()
        var pc = regs.pc, fp = regs.fp
        let handlers = HandlerSet.first
        while true {
            withUnsafeMutablePointer(to: &machine) { m in
                var s = LoopState(pc: pc, fp: fp, machine: m)
                withUnsafeMutablePointer(to: &s) { swasm_run(UnsafeMutableRawPointer($0), handlers) }
            }
            pc = machine.exitPC
            fp = machine.exitFP
            do throws(Unwind) {
                if machine.checkpointDue {
                    machine.checkpointDue = false
                    machine.ticks = try checkpoint()
                } else if machine.lazyFunction >= 0 {
                    let index = machine.lazyFunction
                    machine.lazyFunction = -1
                    pc = try enterTranslated(index, fp: fp, &machine)
                } else if let call = machine.hostCall {
                    try callHost(call.callee, call.slots, depth: machine.depth, caller: machine.context)
                    machine.hostCall = nil
                    pc = call.resumePC
                } else {
                    break
                }
            } catch {
                machine.unwind = error
                break
            }
        }
        regs.pc = machine.exitPC
        regs.fp = machine.exitFP
        regs.context = machine.context
        depth = machine.depth
        if let fuel = store.fuel, machine.ticks > 0 { store.fuel = fuel + UInt64(machine.ticks) }
        if let unwind = machine.unwind { throw unwind }
        if let trap = machine.trap.trap {
            if machine.trap == .callStackExhausted { noteStackExhaustion(depth: depth) }
            throw .trap(trap)
        }
    }

    /// Translates defined function `index` of the current instance's module, whose stub stopped the handlers
    /// with the function's frame at `fp`; points the `callInternal` that entered the stub (if one did) and the
    /// instance's function header at the code; returns the code's start, with the frame initialised.
    func enterTranslated(_ index: Int, fp: UnsafeMutablePointer<UInt64>,
                         _ machine: inout MachineState) throws(Unwind) -> UnsafeMutablePointer<UInt64> {
        let instance = machine.context.pointee.instance.takeUnretainedValue()
        let module = instance.module
        let function: CompiledFunction
        do { function = try module.translated(index) } catch { throw .host(error) }
        // A `callInternal` keeps its callee's link in its second word, right before the return address (in a
        // sequence handler too: the call keeps its own words). Other threads may run that code: one aligned
        // 64-bit store, after which they enter the code directly, and until which they enter the stub.
        if machine.frameTop > machine.frames, let returnPC = machine.frameTop[-1].returnPC,
           HandlerSet.opcode(of: returnPC[-2]) == .callInternal, returnPC[-1] == module.stubLink(index) {
            swasm_store_relaxed(returnPC - 1, internalCallLink(code: function.code, frameSize: function.frameSize))
        }
        let header = instance.functions[module.context.importedFunctionCount + index].header
        header.pointee.code = function.code
        header.pointee.frameSize = function.frameSize
        guard fp + function.frameSize < stackEnd else {
            noteStackExhaustion(depth: machine.depth)
            throw .trap(.callStackExhausted)
        }
        initializeFrame(fp, code: function.code)
        return function.code
    }

    // The instruction bodies. Scripts/gen-numerics.py turns each case into a handler body (an `Executor`
    // method with `s`, `w` (the instruction word) and `fp` in scope; `break dispatch` stops the machine).
    // @HANDLERS-BEGIN@
            case .unreachable:
                return s.stop(.unreachable)
            case .enterLazily:
                // The stub of a function not translated yet (`CompiledModule`): `Executor.loop` translates it.
                s.machine.pointee.lazyFunction = Int(w.hi32)
                break dispatch
            case .copy:
                fp[w.a] = fp[w.b]
                s.pc += 1
            case .const32:
                fp[w.a] = UInt64(w.hi32)
                s.pc += 1
            case .const64:
                fp[w.a] = s.pc[1]
                s.pc += 2
            case .br:
                let d = w.offset
                s.pc += d
                if d <= 0 && !s.countTick() { break dispatch }
            case .brIf:
                // A real branch, not a conditional move of the pc increment (see conditional_branch in
                // Scripts/gen-numerics.py).
                if fp[w.a] & 0xFFFF_FFFF != 0 {
                    let d = w.offset
                    s.pc += d
                    if d <= 0 && !s.countTick() { break dispatch }
                } else {
                    s.pc += 1
                }
            case .brIfNot:
                // A real branch, not a conditional move of the pc increment (see conditional_branch in
                // Scripts/gen-numerics.py).
                if fp[w.a] & 0xFFFF_FFFF == 0 {
                    let d = w.offset
                    s.pc += d
                    if d <= 0 && !s.countTick() { break dispatch }
                } else {
                    s.pc += 1
                }
            case .brIfNull:
                // A real branch, not a conditional move of the pc increment (see conditional_branch in
                // Scripts/gen-numerics.py).
                if fp[w.a] == 0 {
                    let d = w.offset
                    s.pc += d
                    if d <= 0 && !s.countTick() { break dispatch }
                } else {
                    s.pc += 1
                }
            case .brIfNotNull:
                // A real branch, not a conditional move of the pc increment (see conditional_branch in
                // Scripts/gen-numerics.py).
                if fp[w.a] != 0 {
                    let d = w.offset
                    s.pc += d
                    if d <= 0 && !s.countTick() { break dispatch }
                } else {
                    s.pc += 1
                }
            case .brTable:
                let count = UInt64(w.hi32)
                let i = min(fp[w.a] & 0xFFFF_FFFF, count)
                let d = s.pc[1 + Int(i)].offset
                s.pc += d
                if d <= 0 && !s.countTick() { break dispatch }
            case .return:
                if !returnFromFunction(&s) { break dispatch }
            case .returnValue:
                fp[0] = fp[w.a]
                if !returnFromFunction(&s) { break dispatch }
            case .call:
                if !call(s.functions[Int(w.hi32)], fp + w.a, length: 1, &s) { break dispatch }
            case .callInternal:
                guard s.countTick() else { break dispatch }
                // Word 1 is the callee's code (the module's own) and frame size (see `link`), so the
                // call loads neither the function table nor the callee's header.
                let link = s.pc[1]
                // No accumulator survives a call: zeroing the integer one frees its register for the call.
                s.iacc = 0
                let code = UnsafeMutablePointer<UInt64>(bitPattern: UInt(truncatingIfNeeded: link >> 16)).unsafelyUnwrapped
                if !pushFrame(fp + w.a, returnTo: s.pc + 2, sameInstance: true, code: code,
                              frameSize: Int(truncatingIfNeeded: link & 0xFFFF), &s) { break dispatch }
            case .callIndirect:
                let callee = try indirectCallee(table: w.c, index: fp[w.b], typeIndex: s.pc[1], s)
                if !call(callee, fp + w.a, length: 2, &s) { break dispatch }
            case .callRef:
                guard let callee = UnsafeMutablePointer<FunctionHeader>(bitPattern: UInt(fp[w.b])) else {
                    throw .trap(.nullFunctionReference)
                }
                if !call(callee, fp + w.a, length: 2, &s) { break dispatch }
            case .returnCall:
                guard s.countTick() else { break dispatch }
                if try !tailCall(s.functions[Int(w.hi32)], &s) { break dispatch }
            case .returnCallIndirect:
                guard s.countTick() else { break dispatch }
                let callee = try indirectCallee(table: w.c, index: fp[w.b], typeIndex: s.pc[1], s)
                if try !tailCall(callee, &s) { break dispatch }
            case .returnCallRef:
                guard s.countTick() else { break dispatch }
                guard let callee = UnsafeMutablePointer<FunctionHeader>(bitPattern: UInt(fp[w.b])) else {
                    throw .trap(.nullFunctionReference)
                }
                if try !tailCall(callee, &s) { break dispatch }
            case .select:
                // Branch-free: a branch on the condition would be mispredicted whenever it follows the data.
                // Both operands are loaded before the condition is known (see `swasm_choose`).
                let first = fp[Int(truncatingIfNeeded: s.pc[1])], second = fp[w.b]
                fp[w.a] = swasm_choose(fp[w.c] & 0xFFFF_FFFF != 0, first, second)
                s.pc += 2
            case .select64:
                // `select` on an i64.eqz condition, with the operands swapped: tests all 64 bits of fp[c].
                let first = fp[Int(truncatingIfNeeded: s.pc[1])], second = fp[w.b]
                fp[w.a] = swasm_choose(fp[w.c] != 0, first, second)
                s.pc += 2
            case .globalGet:
                fp[w.a] = s.context.pointee.globals[Int(w.hi32)].pointee
                s.pc += 1
            case .globalSet:
                s.context.pointee.globals[Int(w.hi32)].pointee = fp[w.a]
                s.pc += 1
            case .memorySize:
                let instance = s.context.pointee.instance.takeUnretainedValue()
                fp[w.a] = instance.memories[w.c].pageCount
                s.pc += 1
            case .memoryGrow:
                let m = s.context.pointee.instance.takeUnretainedValue().memories[w.c]
                let old = m.grow(by: fp[w.b])
                fp[w.a] = old ?? (m.type.addressType == .i64 ? UInt64.max : 0xFFFF_FFFF)
                s.reloadMemory()
                s.pc += 1
            case .memoryFill:
                let (base, size) = Self.memory(w.c, s)
                let n = fp[Int(s.pc[1])]
                let p = try Self.address(base, size, fp[w.a], 0, n)
                p.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: fp[w.b]), count: Int(n))
                s.pc += 2
            case .memoryCopy:
                let x = s.pc[1]
                let (db, ds) = Self.memory(Int(x & 0xFFFF_FFFF), s)
                let (sb, ss) = Self.memory(Int(x >> 32), s)
                let n = fp[w.c]
                let d = try Self.address(db, ds, fp[w.a], 0, n)
                let src = try Self.address(sb, ss, fp[w.b], 0, n)
                d.copyMemory(from: src, byteCount: Int(n))
                s.pc += 2
            case .memoryInit:
                try memoryInit(w, s.pc[1], fp, s)
                s.pc += 2
            case .dataDrop:
                s.context.pointee.instance.takeUnretainedValue().dataSegments[Int(w.hi32)] = []
                s.pc += 1
            case .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elemDrop:
                try tableInstruction(thisOpcode, w, s.pc[1], fp, s)
                s.pc += thisOpcode.hasExtraWord ? 2 : 1
            case .refIsNull:
                fp[w.a] = fp[w.b] == 0 ? 1 : 0
                s.pc += 1
            case .refFunc:
                fp[w.a] = UInt64(UInt(bitPattern: s.functions[Int(w.hi32)]))
                s.pc += 1
            case .refAsNonNull:
                guard fp[w.b] != 0 else { return s.stop(.nullReference) }
                fp[w.a] = fp[w.b]
                s.pc += 1
            case .throw:
                throw .exception(makeException(tag: Int(w.hi32), payload: fp + w.a, s))
            case .throwRef, .rethrow:
                guard let exn = ExceptionInstance.from(cell: fp[w.a]) else { throw .trap(.nullExceptionReference) }
                throw .exception(exn)
            // @GENERATED_CASES@
    // @HANDLERS-END@

    func makeException(tag index: Int, payload: UnsafeMutablePointer<UInt64>, _ s: LoopState) -> ExceptionInstance {
        let tag = s.context.pointee.instance.takeUnretainedValue().tags[index]
        let values = (0..<tag.type.parameters.count).map { payload[$0] }
        return store.makeException(tag: tag, payload: values)
    }

    func memoryInit(_ w: UInt64, _ x: UInt64, _ fp: UnsafeMutablePointer<UInt64>, _ s: LoopState) throws(Unwind) {
        let data = s.context.pointee.instance.takeUnretainedValue().dataSegments[Int(x & 0xFFFF_FFFF)]
        let (base, size) = Self.memory(Int(x >> 32), s)
        let n = fp[w.c], src = fp[w.b]
        let (end, o) = src.addingReportingOverflow(n)
        guard !o, end <= UInt64(data.count) else { throw .trap(.outOfBoundsMemoryAccess) }
        let d = try Self.address(base, size, fp[w.a], 0, n)
        if n > 0 {
            data.withUnsafeBytes { bytes in
                if let b = bytes.baseAddress { d.copyMemory(from: b + Int(src), byteCount: Int(n)) }
            }
        }
    }

    /// Table instructions (not on the hot path).
    func tableInstruction(_ op: Opcode, _ w: UInt64, _ x: UInt64, _ fp: UnsafeMutablePointer<UInt64>, _ s: LoopState) throws(Unwind) {
        let instance = s.context.pointee.instance.takeUnretainedValue()
        switch op {
        case .tableGet:
            let t = instance.tables[w.c]
            let i = fp[w.b]
            guard i < UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
            fp[w.a] = t.elements[Int(i)]
        case .tableSet:
            let t = instance.tables[w.c]
            let i = fp[w.a]
            guard i < UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
            t.elements[Int(i)] = fp[w.b]
        case .tableSize:
            fp[w.a] = UInt64(instance.tables[w.c].elements.count)
        case .tableGrow:
            let t = instance.tables[w.c]
            let old = t.grow(by: fp[Int(x)], value: fp[w.b])
            fp[w.a] = old ?? (t.type.addressType == .i64 ? UInt64.max : 0xFFFF_FFFF)
        case .tableFill:
            let t = instance.tables[w.c]
            let i = fp[w.a], n = fp[Int(x)], v = fp[w.b]
            let (end, o) = i.addingReportingOverflow(n)
            guard !o, end <= UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
            for k in Int(i)..<Int(end) { t.elements[k] = v }
        case .tableCopy:
            let dt = instance.tables[Int(x & 0xFFFF_FFFF)], st = instance.tables[Int(x >> 32)]
            let d = fp[w.a], src = fp[w.b], n = fp[w.c]
            let (de, o1) = d.addingReportingOverflow(n), (se, o2) = src.addingReportingOverflow(n)
            guard !o1, !o2, de <= UInt64(dt.elements.count), se <= UInt64(st.elements.count) else {
                throw .trap(.outOfBoundsTableAccess)
            }
            if n > 0 {
                let values = Array(st.elements[Int(src)..<Int(se)])
                dt.elements.replaceSubrange(Int(d)..<Int(de), with: values)
            }
        case .tableInit:
            let seg = instance.elementSegments[Int(x & 0xFFFF_FFFF)]
            let t = instance.tables[Int(x >> 32)]
            let d = fp[w.a], src = fp[w.b], n = fp[w.c]
            let (de, o1) = d.addingReportingOverflow(n), (se, o2) = src.addingReportingOverflow(n)
            guard !o1, !o2, de <= UInt64(t.elements.count), se <= UInt64(seg.count) else {
                throw .trap(.outOfBoundsTableAccess)
            }
            if n > 0 { t.elements.replaceSubrange(Int(d)..<Int(de), with: seg[Int(src)..<Int(se)]) }
        case .elemDrop:
            instance.elementSegments[Int(w.hi32)] = []
        default:
            break
        }
    }
}
