import WasmCore
import WasmRuntimeDispatch

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
    /// Fuel, deadline and interrupt checks, run when the tick budget is used up; returns the next budget.
    func checkpoint() throws(Unwind) -> Int {
        if store.interruptHandle.isInterrupted { throw .trap(.interrupted) }
        if let deadline = store.deadline, ContinuousClock.now >= deadline { throw .trap(.deadlineExceeded) }
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

    /// Runs from `regs` until the entry frame returns, or throws. Each instruction is a handler in
    /// Sources/WasmRuntimeDispatch that runs the instruction's body (a `run_*` method: Sources/WasmRuntime/Handlers/,
    /// or a generated call of a family body there, Sources/WasmRuntime/Generated/) and tail-calls the next
    /// instruction's handler.
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
        // sequence handler too: the call keeps its own words). Other threads may run that code: one atomic
        // store (`swasm_store_link`), after which they enter the code directly, and until which the stub.
        if machine.frameTop > machine.frames, let returnPC = machine.frameTop[-1].returnPC,
           HandlerSet.opcode(of: returnPC[-2]) == .callInternal, swasm_load_link(returnPC - 1) == module.stubLink(index) {
            swasm_store_link(returnPC - 1, internalCallLink(code: function.code, frameSize: function.frameSize))
        }
        if let header = instance.definedHeader(index) {
            header.pointee.code = function.code
            header.pointee.frameSize = function.frameSize
        }
        guard fp + function.frameSize < stackEnd else {
            noteStackExhaustion(depth: machine.depth)
            throw .trap(.callStackExhausted)
        }
        initializeFrame(fp, code: function.code)
        return function.code
    }
}
