import WasmCore

/// Why the dispatch loop stopped early.
enum Unwind: Error {
    case trap(Trap)
    case exception(ExceptionInstance)
    case host(any Error)
}

/// Which limit ended the last "call stack exhausted" trap: the trap itself is the same either way (the
/// testsuite's wording), but the embedder's advice differs.
package enum StackExhaustion: Hashable, Sendable {
    /// `StoreLimits.maxCallDepth` nested calls.
    case callDepth
    /// The value stack (`StoreLimits.valueStackSlots`) filled up at `depth` nested calls, below the depth limit.
    case valueStack(depth: Int)
}

extension Store {
    /// Which limit the store's last "call stack exhausted" trap hit; nil if none trapped so.
    package var lastStackExhaustion: StackExhaustion? { executor.lastStackExhaustion }
}

/// A suspended caller: where to continue when the callee returns.
struct CallFrame {
    /// The caller's resume address; 0 marks the entry frame of an invocation from Swift. Bit 0 is set when
    /// the call stayed within one instance (`callInternal`), so the return skips the instance check.
    var returnAddress: UInt
    var fp: UnsafeMutablePointer<UInt64>
    /// The caller's instance, written only when bit 0 of `returnAddress` is clear: a call within one instance
    /// does not store it (one store less), so it is read only for frames without that bit.
    var callerContext: UnsafeMutablePointer<InstanceContext>?

    /// Where the caller resumes; nil for the entry frame.
    var returnPC: UnsafeMutablePointer<UInt64>? { UnsafeMutablePointer(bitPattern: returnAddress & ~1) }
    /// The caller's instance, given the instance of the function this frame called.
    func callerContext(calleeContext: UnsafeMutablePointer<InstanceContext>) -> UnsafeMutablePointer<InstanceContext> {
        returnAddress & 1 != 0 ? calleeContext : (callerContext ?? calleeContext)
    }
}

/// The interpreter's machine state that survives leaving and re-entering the dispatch loop.
struct Registers {
    var pc: UnsafeMutablePointer<UInt64>
    var fp: UnsafeMutablePointer<UInt64>
    /// The instance of the function at `pc`.
    var context: UnsafeMutablePointer<InstanceContext>
}

/// Runs wasm code. Wasm-to-wasm calls push a `CallFrame` on an explicit stack instead of nesting Swift
/// calls, so deep recursion is bounded by `StoreLimits`, not by the native stack.
final class Executor {
    /// unowned(unsafe): the store owns the executor and runs it (plain `unowned` costs an atomic check on
    /// every host call and checkpoint).
    unowned(unsafe) let store: Store
    let stack: UnsafeMutablePointer<UInt64>
    let stackEnd: UnsafeMutablePointer<UInt64>
    let frames: UnsafeMutablePointer<CallFrame>
    let maxDepth: Int
    var depth = 0
    /// Which limit the last "call stack exhausted" trap hit (`noteStackExhaustion`).
    var lastStackExhaustion: StackExhaustion?
    /// First free value slot: where a nested invocation (host -> wasm) puts its frame.
    var stackTop: UnsafeMutablePointer<UInt64>

    init(store: Store) {
        self.store = store
        let slots = max(store.limits.valueStackSlots, 1024)
        stack = .allocate(capacity: slots)
        stackEnd = stack + slots
        maxDepth = max(store.limits.maxCallDepth, 1)
        frames = .allocate(capacity: maxDepth + 1)
        stackTop = stack
    }

    deinit {
        stack.deallocate()
        frames.deallocate()
    }

    /// Calls `function` with argument cells; returns result cells (`ValueType.cellCount` each: two for a v128).
    func invoke(_ function: FunctionInstance, arguments: [UInt64]) throws(ExecutionError) -> [UInt64] {
        let fp = stackTop
        let header = function.header
        let needed = max(header.pointee.frameSize, arguments.count, function.type.results.cellCount)
        guard stackEnd - fp > needed, depth < maxDepth else {
            noteStackExhaustion(depth: depth)
            throw .trap(.callStackExhausted, backtrace: [])
        }
        for (i, a) in arguments.enumerated() { fp[i] = a }
        let savedTop = stackTop
        let savedDepth = depth
        defer {
            stackTop = savedTop
            depth = savedDepth
        }
        if let host = function.host {
            stackTop = fp + needed
            do { try host(HostCall(slots: fp, caller: nil, store: store)) } catch { throw Self.executionError(error) }
        } else {
            guard let code = header.pointee.code, let context = header.pointee.context else {
                throw .trap(.host("function has no code"), backtrace: [])
            }
            frames[depth] = CallFrame(returnAddress: 0, fp: fp, callerContext: nil)
            depth += 1
            initializeFrame(fp, code: code)
            var regs = Registers(pc: code, fp: fp, context: context)
            try run(&regs, entryDepth: savedDepth)
        }
        return (0..<function.type.results.cellCount).map { fp[$0] }
    }

    static func executionError(_ error: any Error) -> ExecutionError {
        if let e = error as? ExecutionError { return e }
        if let t = error as? Trap { return .trap(t, backtrace: []) }
        return .host(error)
    }

    /// Runs until the entry frame returns, handling exceptions and turning traps into errors with a backtrace.
    func run(_ regs: inout Registers, entryDepth: Int) throws(ExecutionError) {
        while true {
            do {
                try loop(&regs)
                return
            } catch {
                switch error {
                case .exception(let exn):
                    if findHandler(exn, &regs) { continue }
                    throw .exception(exn)
                case .trap(let t):
                    throw .trap(t, backtrace: backtrace(regs, entryDepth: entryDepth))
                case .host(let e):
                    throw Self.executionError(e)
                }
            }
        }
    }

    /// Records which stack ran out where a "call stack exhausted" trap starts (not where a host function passes
    /// on one from a nested invocation), from the call depth reached: the call handlers check both stacks with
    /// one `stop`, so the hot path does not tell them apart.
    func noteStackExhaustion(depth: Int) {
        lastStackExhaustion = depth >= maxDepth ? .callDepth : .valueStack(depth: depth)
    }

    /// Names of the active wasm functions, innermost first.
    func backtrace(_ regs: Registers, entryDepth: Int) -> [String] {
        var names = [Self.describe(Self.function(at: regs.pc, in: regs.context))]
        var context = regs.context
        var d = depth - 1
        while d > entryDepth, let returnPC = frames[d].returnPC {
            context = frames[d].callerContext(calleeContext: context)
            names.append(Self.describe(Self.function(at: returnPC - 1, in: context)))
            d -= 1
        }
        return names
    }

    /// The function of instance `context` whose code contains `pc`.
    static func function(at pc: UnsafeMutablePointer<UInt64>, in context: UnsafeMutablePointer<InstanceContext>) -> FunctionInstance? {
        context.pointee.instance.takeUnretainedValue().function(containing: pc)
    }

    static func describe(_ f: FunctionInstance?) -> String {
        guard let f else { return "unknown function" }
        let index = f.functionIndex
        if let name = f.name { return index.map { "\(name) (func \($0))" } ?? name }
        return index.map { "func \($0)" } ?? "host function"
    }

    /// Unwinds frames looking for a handler of `exn`; on success `regs` points at the handler.
    func findHandler(_ exn: ExceptionInstance, _ regs: inout Registers) -> Bool {
        while true {
            // The function's translated code and handler table, found from `pc` (no function object is needed).
            let instance = regs.context.pointee.instance.takeUnretainedValue()
            if let index = instance.module.definedIndex(containing: regs.pc), let compiled = instance.module.translatedIfAvailable(index),
               let target = Self.deliver(exn, at: compiled.code.distance(to: regs.pc), in: compiled, instance: instance, fp: regs.fp) {
                regs.pc = compiled.code + target
                return true
            }
            let frame = frames[depth - 1]
            guard let returnPC = frame.returnPC else { return false }
            depth -= 1
            regs = Registers(pc: returnPC - 1, fp: frame.fp, context: frame.callerContext(calleeContext: regs.context))
        }
    }

    /// Finds the handler for `exn` at code index `pc`, writes the payload into the frame, returns the target.
    static func deliver(_ exn: ExceptionInstance, at pc: Int, in compiled: CompiledFunction, instance: ModuleInstance,
                        fp: UnsafeMutablePointer<UInt64>) -> Int? {
        if compiled.handlers.isEmpty { return nil }
        let candidates = compiled.handlers.filter { $0.start <= pc && pc < $0.end }.sorted { $0.depth > $1.depth }
        var limit = Int.max
        for h in candidates where h.depth <= limit {
            switch h.kind {
            case .delegate(let target):
                limit = target
            case .catch(let targets):
                for t in targets {
                    if let tag = t.tag {
                        guard Int(tag) < instance.tags.count, instance.tags[Int(tag)] === exn.tag else { continue }
                    }
                    var slot = t.slot
                    if t.tag != nil {
                        for v in exn.payload {
                            fp[slot] = v
                            slot += 1
                        }
                    }
                    if t.capturesReference { fp[t.exceptionSlot ?? slot] = exn.cell }
                    return t.target
                }
                limit = h.depth - 1
            }
        }
        return nil
    }
}
