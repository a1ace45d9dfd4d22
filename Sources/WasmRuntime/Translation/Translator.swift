import WasmBinary
import WasmCore
import WasmValidation

/// Translates one function body to internal code while validating it.
///
/// Register allocation: every operand-stack position `p` has its own frame slot `localCount + p`. A v128 value
/// takes two adjacent positions (and slots): its low 8 bytes, then its high 8 bytes; each half moves like any
/// other cell, and an instruction reading a v128 gets the first of two adjacent slots (`useVector`). Locals
/// are numbered by slot too (`localSlots`).
/// `local.get` and constants are not copied: the stack entry remembers the local or the constant
/// and the consuming instruction reads the local's slot directly (constants are materialised into
/// their position slot when consumed). A `local.set` right after the instruction producing its value
/// rewrites that instruction's destination to the local.
struct Translator {
    enum Operand: Equatable {
        /// The value is in its position's slot.
        case temp
        /// The value is local `i` (not copied yet).
        case local(Int)
        /// A constant cell (not materialised yet).
        case const(UInt64)

        /// Whether the value is a constant not materialised yet.
        var isConstant: Bool {
            if case .const = self { return true }
            return false
        }
    }

    enum FrameKind { case function, block, loop, `if`, `else`, tryTable, `try`, `catch`, dead }

    struct Frame {
        var kind: FrameKind
        /// Stack position where the block's parameters start (operands below belong to outer blocks).
        var height: Int
        /// Cells (stack positions) of the block's parameters and results: a v128 counts two.
        var paramCount: Int
        var resultCount: Int
        /// Code index of the loop header.
        var loopStart: Int = 0
        /// Code indices of branch words whose hi32 must point to the end of this block.
        var forwardBranches: [Int] = []
        /// `if`: the conditional branch to patch to the `else` branch or the end.
        var elseBranch: Int? = nil
        /// br_table entries (entry index, br_table index) to patch to the end of this block.
        var tableEntries: [(Int, Int)] = []
        /// Handlers (index into `handlers`, catch index) whose target is the end of this block.
        var handlerTargets: [(Int, Int)] = []
        /// try / try_table: where the protected code starts, and the handler being built.
        var tryStart: Int = 0
        var handlerIndex: Int? = nil
        /// Whether the code after the block can be reached (false for blocks opened in dead code).
        var enteredReachable: Bool = true
        var labelArity: Int { kind == .loop ? paramCount : resultCount }
    }

    let context: ValidationContext
    let module: Module
    var validator: FunctionValidator
    let body: FunctionBody
    let functionIndex: Int
    /// Frame slots of the parameters and declared locals (a v128 local takes two).
    let localCount: Int
    /// The first slot of each local, by local index.
    let localSlots: [Int]
    /// The type of each local, by local index.
    let localTypes: [ValueType]
    /// Slots of the function's results.
    let resultCount: Int

    var code: [UInt64] = []
    var stack: [Operand] = []
    var maxHeight = 0
    var frames: [Frame] = []
    var reachable = true
    var handlers: [ExceptionHandler] = []
    /// An instruction that wrote a fresh temp at stack `position` (through its layout's `resultField`); `index`
    /// is its code index, `end` the code length after it.
    typealias Producer = (index: Int, position: Int, end: Int)
    /// The last instruction, if it produced a temp. A following local.set may redirect it (`redirect`).
    var lastProducer: Producer? = nil
    /// By slot: for each (non-vector) local set once and read only later in the same straight-line code, its
    /// number of reads (`deferrableLocals`).
    let deferrable: [Int?]
    /// Deferred writes: `local.set` of such a local to a constant or another local emits nothing, and its reads
    /// take the value itself. Dropped at the end of the straight-line run; written out only when the local
    /// they copy changes first.
    var deferred: [Int: Operand] = [:]
    /// A deferred `local.set` of a temp to a local read once: the instruction that computed the value still
    /// writes its position's slot. The read, if it comes before any code is emitted, takes the temp (with its
    /// producer, for fusion) and the local is never written; otherwise the producer is redirected to the
    /// local first (`commitPendingSet`).
    var pendingSet: (local: Int, producer: Producer)? = nil

    /// Constants read by instructions live in frame slots right after the locals, written by the call
    /// prologue, so a constant operand costs nothing at run time. At most `constantCapacity` of them;
    /// further constants are materialised into their position's slot when consumed.
    var constantCapacity = 0
    var constantSlots: [UInt64: Int] = [:]
    var constants: [UInt64] = []
    /// The constants allowed a slot, when a first translation ran out of slots inside a loop
    /// (`preferredConstants`); nil: first come, first served.
    var slotConstants: Set<UInt64>? = nil
    /// Every constant that asked for a slot, with the loop nesting depth of the request.
    var slotRequests: [(value: UInt64, loopDepth: Int)] = []
    /// What relaxed SIMD instructions compute: their fastest or their deterministic forms.
    var relaxedSIMD = RelaxedSIMD.fastest
    /// The cells of the value the current `drop` removes (2 for a v128).
    var droppedCells = 1
    /// v128 constants that have two adjacent constant slots: the first slot, by value.
    var vectorConstantSlots: [SIMD2<UInt64>: Int] = [:]
    /// Whether a constant used inside a loop got no slot (it is then materialised on every iteration).
    var refusedInLoop = false

    /// The most slots a frame may have: below 65536 with the template's padding word (the frame size travels in
    /// 16 bits, see `internalCallLink`).
    static let maxFrameSlots = 0xFFFE
    /// The most constants a function keeps in frame slots (the rest are materialised or immediates).
    static let maxConstantSlots = 64

    init(context: ValidationContext, definedFunctionIndex: Int) throws(CompileError) {
        self.context = context
        self.module = context.module
        do {
            validator = try FunctionValidator(context: context, definedFunctionIndex: definedFunctionIndex)
        } catch { throw .invalid(error) }
        body = module.bodies[definedFunctionIndex]
        functionIndex = context.importedFunctionCount + definedFunctionIndex
        localTypes = validator.locals
        var slots: [Int] = [], next = 0
        slots.reserveCapacity(localTypes.count)
        for t in localTypes {
            slots.append(next)
            next += t.cellCount
        }
        localSlots = slots
        localCount = next
        resultCount = validator.type.results.cellCount
        // Every constant instruction takes at least two bytes; small bodies need few constant slots.
        constantCapacity = min(body.code.count / 2, Self.maxConstantSlots)
        var bySlot = [Int?](repeating: nil, count: next)
        for (i, reads) in Self.deferrableLocals(body, localCount: localTypes.count).enumerated() where localTypes[i] != .v128 {
            bySlot[slots[i]] = reads
        }
        deferrable = bySlot
        frames.append(Frame(kind: .function, height: 0, paramCount: 0, resultCount: resultCount))
    }

    mutating func translate() throws(CompileError) -> CompiledFunction {
        var reader = InstructionReader(body: body)
        while validator.controlDepth > 0 {
            if reader.isAtEnd { throw .invalid(ValidationError("END opcode expected", offset: reader.offset)) }
            let offset = reader.offset
            let instruction: Instruction
            do { instruction = try reader.read() } catch { throw .malformed(error) }
            let labelFrames = resolveHandlerLabels(instruction)
            // `drop` does not name its operand's type: take it from the validator before it pops it.
            if case .drop = instruction { droppedCells = validator.operandType(fromTop: 0)?.cellCount ?? 1 }
            do { try validator.validate(instruction, at: offset) } catch { throw .invalid(error) }
            // Deferred locals are dead once their straight-line run ends (`deferrableLocals`).
            if Self.endsStraightLineCode(instruction) {
                deferred.removeAll(keepingCapacity: true)
                commitPendingSet()
            }
            try emit(instruction, labelFrames: labelFrames)
        }
        if !reader.isAtEnd {
            throw .invalid(ValidationError("section size mismatch: bytes after the function's final end", offset: reader.offset))
        }
        do { try validator.finish(at: reader.offset) } catch { throw .invalid(error) }
        duplicateJumpTargets()
        fuseAdjacentPairs()
        let frameSize = max(localCount + constantCapacity + maxHeight, resultCount, 1)
        guard frameSize <= Self.maxFrameSlots else {
            throw .unsupported("function \(functionIndex) needs \(frameSize) value slots; the interpreter supports at most \(Self.maxFrameSlots)")
        }
        return CompiledFunction(code: code, paramCount: validator.type.parameters.cellCount, localCount: localCount,
                                constants: constants, frameSize: frameSize,
                                handlers: handlers, functionIndex: functionIndex)
    }

    /// try_table catch labels are relative to the block enclosing the try_table: resolve them before it opens.
    func resolveHandlerLabels(_ instruction: Instruction) -> [Int] {
        if case .tryTable(_, let clauses) = instruction {
            return clauses.map { frames.count - 1 - Int($0.label) }
        }
        return []
    }
}
