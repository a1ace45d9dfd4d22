import WasmBinary
import WasmCore
import WasmValidation

/// Errors raised while compiling a module: malformed bytes, or a module that does not validate.
package enum CompileError: Error, CustomStringConvertible {
    case malformed(DecodeError)
    case invalid(ValidationError)
    /// The module is valid but exceeds an implementation limit of the interpreter.
    case unsupported(String)

    package var message: String {
        switch self {
        case .malformed(let e): e.message
        case .invalid(let e): e.message
        case .unsupported(let m): m
        }
    }

    package var description: String {
        switch self {
        case .malformed(let e): e.description
        case .invalid(let e): e.description
        case .unsupported(let m): m
        }
    }
}

/// When a module's function bodies are translated to internal code.
package enum Translation: Sendable {
    /// Each body on its first call (every body is still validated by `compileModule`).
    case lazy
    /// Every body while compiling the module.
    case eager
}

/// Decodes, validates and translates a module for the handlers `handlers`.
package func compileModule(_ bytes: [UInt8], handlers: HandlerSet = .native,
                           translation: Translation = .lazy) throws(CompileError) -> CompiledModule {
    let module: Module
    do { module = try ModuleDecoder.decode(bytes) } catch { throw .malformed(error) }
    return try compileModule(module, handlers: handlers, translation: translation)
}

/// Validates a decoded module and translates its function bodies (now, or each on its first call).
package func compileModule(_ module: Module, handlers: HandlerSet = .native,
                           translation: Translation = .lazy) throws(CompileError) -> CompiledModule {
    let context: ValidationContext
    do { context = try ValidationContext(module: module) } catch { throw .invalid(error) }
    let compiled = CompiledModule(module: module, context: context, handlers: handlers)
    switch translation {
    case .eager:
        try compiled.translateAll()
    case .lazy:
        for i in module.bodies.indices {
            let shape: (localCount: Int, maxOperandHeight: Int)
            do { shape = try validateFunctionBody(context: context, definedFunctionIndex: i) } catch { throw .invalid(error) }
            // A frame is locals, constant slots, operand positions and a few hidden slots: a function that may
            // need more slots than the interpreter has is translated now, so that the module is refused here.
            if shape.localCount + shape.maxOperandHeight + Translator.maxConstantSlots + 1_024 > Translator.maxFrameSlots {
                _ = try compiled.translated(i)
            }
        }
    }
    return compiled
}

/// Translates defined function `definedIndex` of a validated module (before `link`).
func translateFunction(context: ValidationContext, definedIndex: Int) throws(CompileError) -> CompiledFunction {
    var translator = try Translator(context: context, definedFunctionIndex: definedIndex)
    let function = try translator.translate()
    guard translator.refusedInLoop else { return function }
    // More constants than slots, and a loop materialises one on every iteration: translate again with the slots
    // given to the constants used most deeply in loops.
    var second = try Translator(context: context, definedFunctionIndex: definedIndex)
    second.slotConstants = translator.preferredConstants()
    return try second.translate()
}

/// Word 1 of a `callInternal` of code `code` with a frame of `frameSize` slots: the code address shifted left
/// 16 bits (user-space addresses fit 48 bits on every 64-bit platform Swift runs on) and the frame size (below
/// 65536, see `translate`) in the low 16.
func internalCallLink(code: UnsafeMutablePointer<UInt64>, frameSize: Int) -> UInt64 {
    let address = UInt64(UInt(bitPattern: code))
    precondition(address >> 48 == 0 && frameSize <= 0xFFFF, "code address beyond 48 bits or frame size beyond 16 bits")
    return address << 16 | UInt64(frameSize)
}

/// The last step of translating a function. Writes each callee's current code address and frame size into word
/// 1 of every `callInternal` (the translator leaves it 0; `target` gives the link of a defined function: its
/// code, or its stub until it is translated), and replaces each instruction's opcode with its handler's
/// reference in `handlers` (see `HandlerSet`), which is what the handlers dispatch on; the code is finished
/// after this.
func link(_ f: CompiledFunction, importedFunctionCount: Int, handlers: HandlerSet, target: (Int) -> UInt64?) {
    var i = 0
    while i < f.codeCount {
        let w = f.code[i]
        let op = Opcode(unchecked: w)
        if op == .callInternal, i + 1 < f.codeCount, let link = target(Int(w.hi32) - importedFunctionCount) {
            f.code[i + 1] = link
        }
        f.code[i] = w & ~0xFFFF | UInt64(handlers.reference(op))
        i += op.words(w)
    }
}

/// Translates one function body to internal code while validating it.
///
/// Register allocation: every operand-stack position `p` has its own frame slot `localCount + p`.
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
    }

    enum FrameKind { case function, block, loop, `if`, `else`, tryTable, `try`, `catch`, dead }

    struct Frame {
        var kind: FrameKind
        /// Stack position where the block's parameters start (operands below belong to outer blocks).
        var height: Int
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
    let localCount: Int
    let resultCount: Int

    var code: [UInt64] = []
    var stack: [Operand] = []
    var maxHeight = 0
    var frames: [Frame] = []
    var reachable = true
    var handlers: [ExceptionHandler] = []
    /// An instruction that wrote a fresh temp at stack `position` through the field at `fieldShift` (a or c);
    /// `index` is its code index, `end` the code length after it.
    typealias Producer = (index: Int, position: Int, fieldShift: UInt64, end: Int)
    /// The last instruction, if it produced a temp. A following local.set may redirect it (`redirect`).
    var lastProducer: Producer? = nil
    /// For each local set once and read only later in the same straight-line code, its number of reads
    /// (`deferrableLocals`).
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
        localCount = validator.locals.count
        resultCount = validator.type.results.count
        // Every constant instruction takes at least two bytes; small bodies need few constant slots.
        constantCapacity = min(body.code.count / 2, Self.maxConstantSlots)
        deferrable = Self.deferrableLocals(body, localCount: localCount)
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
        return CompiledFunction(code: code, paramCount: validator.type.parameters.count, localCount: localCount,
                                constants: constants, frameSize: frameSize,
                                handlers: handlers, functionIndex: functionIndex)
    }

    /// try_table catch labels are relative to the block enclosing the try_table: resolve them before it opens.
    private func resolveHandlerLabels(_ instruction: Instruction) -> [Int] {
        if case .tryTable(_, let clauses) = instruction {
            return clauses.map { frames.count - 1 - Int($0.label) }
        }
        return []
    }

    // MARK: Duplicating jump targets

    /// Longest block (in words) that `duplicateJumpTargets` copies in place of a jump.
    static let duplicatedBlockLimit = 48

    /// Tail duplication, before fusion: a `br` to a short block that ends in `br_table`, a return or
    /// `unreachable` is replaced by a copy of that block, so the jump's dispatch is gone and the copy fuses with
    /// the code before it; a copied `br_table` (an interpreter's dispatch loop) gets one prediction site per
    /// copy. A `br` to a `br` becomes a copy of that `br` (a jump to the final target). Blocks ending in a `br`
    /// (loop rotation) are not copied: measured slower (ARCHITECTURE.md). Every backward jump still counts a tick, and a cycle of code positions
    /// needs one, so loops through copies are still polled. Functions with exception handlers are left alone
    /// (their try ranges would need splitting); a function at most doubles.
    mutating func duplicateJumpTargets() {
        guard handlers.isEmpty else { return }
        var starts: [Int] = []
        var i = 0
        while i < code.count {
            starts.append(i)
            i += Opcode.words(code[i])
        }
        guard i == code.count else { return }
        var blocks: [Int: Range<Int>] = [:]
        var added = 0
        for s in starts where Opcode(unchecked: code[s]) == .br {
            let t = s + code[s].offset
            guard t != s, let end = terminatedBlock(from: t), added + (end - t) - 1 <= code.count else { continue }
            blocks[s] = t..<end
            added += end - t - 1
        }
        guard !blocks.isEmpty else { return }
        // The new code, with the position of every old instruction (`moved`) and the old instruction each
        // new one copies (`origins`), then every branch offset recomputed from its old target.
        var copied: [UInt64] = []
        copied.reserveCapacity(code.count + added)
        var moved = [Int](repeating: 0, count: code.count + 1)
        var origins: [(new: Int, old: Int)] = []
        func copy(_ old: Int) {
            let n = Opcode.words(code[old])
            origins.append((copied.count, old))
            copied.append(contentsOf: code[old..<old + n])
        }
        for s in starts {
            moved[s] = copied.count
            guard let block = blocks[s] else { copy(s); continue }
            var k = block.lowerBound
            while k < block.upperBound {
                copy(k)
                k += Opcode.words(code[k])
            }
        }
        moved[code.count] = copied.count
        func relocated(_ w: UInt64, to target: Int, from p: Int) -> UInt64 {
            (w & 0xFFFF_FFFF) | UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: moved[target] - p))) << 32
        }
        for (p, o) in origins {
            let w = code[o]
            switch Opcode(unchecked: w).branchOffset {
            case .word0: copied[p] = relocated(w, to: o + w.offset, from: p)
            case .word1: copied[p + 1] = relocated(code[o + 1], to: o + 1 + code[o + 1].offset, from: p + 1)
            case .table:
                for k in 1...Int(w.hi32) + 1 { copied[p + k] = relocated(code[o + k], to: o + code[o + k].offset, from: p) }
            case nil: break
            }
        }
        code = copied
    }

    /// The end of the block from `start` through its first unconditional transfer, if it is at most
    /// `duplicatedBlockLimit` words long.
    private func terminatedBlock(from start: Int) -> Int? {
        var k = start
        while k < code.count && k - start < Self.duplicatedBlockLimit {
            let op = Opcode(unchecked: code[k])
            k += Opcode.words(code[k])
            switch op {
            case .br where k - start == 1:
                return k
            case .brTable, .return, .returnValue, .unreachable:
                return k <= code.count && k - start <= Self.duplicatedBlockLimit ? k : nil
            case .br:
                return nil
            default: continue
            }
        }
        return nil
    }

    // MARK: Fusing adjacent instructions

    /// Rewrites finished code, when every jump target is known, in two passes that keep every position and
    /// offset (a fused instruction takes its pair's words):
    /// 1. left to right, where the second instruction is not a jump target, fused pairs (an i32.add-immediate
    ///    followed by a compare-branch on its result, an i32.add-immediate address folded into a load or
    ///    store, two binary operations where the second consumes the first's temp, which is then never
    ///    written), else sequences: common pairs of instructions run by one handler (`Opcode.sequence`);
    /// 2. accumulator variants (`useAccumulators`).
    mutating func fuseAdjacentPairs() {
        var isTarget = [Bool](repeating: false, count: code.count + 1)
        func mark(_ t: Int) { if t >= 0 && t < isTarget.count { isTarget[t] = true } }
        var starts: [Int] = []
        var i = 0
        while i < code.count {
            let w = code[i]
            let op = Opcode(unchecked: w)
            let n = Opcode.words(w)
            guard i + n <= code.count else { return }
            switch op.branchOffset {
            case .word0: mark(i + w.offset)
            case .word1: mark(i + 1 + code[i + 1].offset)
            case .table: for k in 0...Int(w.hi32) { mark(i + code[i + 1 + k].offset) }
            case nil: break
            }
            starts.append(i)
            i += n
        }
        for h in handlers {
            // Range boundaries too, so no fused instruction straddles a try block's edge.
            mark(h.start)
            mark(h.end)
            if case .catch(let targets) = h.kind { for c in targets { mark(c.target) } }
        }
        fuseAdjacent(starts, isTarget)
        useAccumulators(isTarget)
    }

    /// Pass 1 of `fuseAdjacentPairs`, left to right: a fused pair where one applies, else a sequence.
    private mutating func fuseAdjacent(_ starts: [Int], _ isTarget: [Bool]) {
        let firstTemp = localCount + constantCapacity
        var k = 1
        while k < starts.count {
            let p = starts[k - 1], i = starts[k]
            guard !isTarget[i] else { k += 1; continue }
            let first = code[p], second = code[i]
            let op1 = Opcode(unchecked: first), op2 = Opcode(unchecked: second)
            var fused = true
            if op1 == .i32AddImm, second.a == first.c || second.b == first.c,
               let branch = (second.a == first.c ? op2 : op2.mirroredComparison)?.addImmediateBranch {
                // [add][branch][offset] -> [add+branch][other slot | offset from the second word][unused]; when
                // the sum is the comparison's right operand, the mirrored comparison puts it on the left.
                let offset = UInt32(bitPattern: Int32(truncatingIfNeeded: code[i + 1].offset + 1))
                let other = second.a == first.c ? second.b : second.a
                code[p] = word(branch, a: first.a, b: first.b, c: first.c)
                code[p + 1] = UInt64(other) | UInt64(offset) << 32
            } else if op1 == .i32AddImm, first.c >= firstTemp, let fusedAccess = op2.plusImmediate,
                      second.b == first.c, second.a != first.c || Self.loadOpcodes.contains(op2) {
                // [add][access][offset] -> [access at fp[x] + imm][offset][unused]; a store whose value is the
                // address itself would read the temp this leaves unwritten, so it is not fused.
                code[p] = word(fusedAccess, a: second.a, b: first.a, c: first.b)
                code[p + 1] = code[i + 1]
            } else if isBinaryPair(first, second, firstTemp) {
                let tRight = second.b == first.c
                code[p] = word(Opcode.fusedPair(op1, op2).unsafelyUnwrapped, a: first.a, b: first.b, c: second.c)
                code[i] = UInt64(tRight ? second.a : second.b) | (tRight ? 0x1_0000 : 0)
            } else if let sequence = Opcode.sequence(op1, op2),
                      k + 1 >= starts.count || isTarget[starts[k + 1]]
                        || !isBinaryPair(second, code[starts[k + 1]], firstTemp) {
                // [first][second] -> [sequence with first's fields][second's word]; not when the second
                // instruction can fuse with the third into a binary pair, whose intermediate never goes
                // through memory.
                code[p] = (first & ~0xFFFF) | UInt64(sequence.rawValue)
            } else {
                fused = false
            }
            k += fused ? 2 : 1
        }
    }

    /// Whether `first` and `second` fuse into one binary-op pair: the second consumes the first's temp once.
    private func isBinaryPair(_ first: UInt64, _ second: UInt64, _ firstTemp: Int) -> Bool {
        first.c >= firstTemp && Opcode.fusedPair(Opcode(unchecked: first), Opcode(unchecked: second)) != nil
            && (second.a == first.c) != (second.b == first.c)
    }

    /// Pass 2 of `fuseAdjacentPairs`: an instruction reading a slot whose value the accumulator of its class
    /// still holds (set by an earlier instruction on the same straight-line path, and not overwritten since)
    /// becomes the variant that reads the accumulator. Nothing is assumed at a jump target or after an
    /// instruction that may leave the handler chain (a call, a host call), where the register is not kept.
    /// A sequence runs the plain bodies of its two instructions: they are followed, never rewritten.
    private mutating func useAccumulators(_ isTarget: [Bool]) {
        // The slot whose value each accumulator holds (by `AccumulatorClass` raw value), or -1.
        var held = [-1, -1, -1]
        func holds(_ slot: Int, _ cls: AccumulatorClass) -> Bool { held[cls.rawValue] == slot }
        func forget(_ slot: Int) { for k in held.indices where held[k] == slot { held[k] = -1 } }
        func apply(_ op: Opcode, _ w: UInt64) {
            switch op.accumulatorEffect {
            case .sets(let cls, let field):
                let slot = field == .a ? w.a : w.c
                forget(slot)
                held[cls.rawValue] = slot
            case .writes(let field):
                forget(field == .a ? w.a : w.c)
            case .none:
                break
            case .clobbers:
                held = [-1, -1, -1]
            }
        }
        // The variant of `op` (same operand order) that reads a held operand, if any.
        func variantReadingAccumulator(_ op: Opcode, _ w: UInt64) -> Opcode? {
            for operands in [AccumulatorOperands.ab, .a, .b, .c] {
                guard operands != .ab || w.a == w.b, let (v, cls) = op.accumulatorVariant(operands),
                      holds(operands == .b ? w.b : operands == .c ? w.c : w.a, cls) else { continue }
                return v
            }
            return nil
        }
        var insideSequence = false
        var i = 0
        while i < code.count {
            if isTarget[i] { held = [-1, -1, -1] }
            var w = code[i]
            let op = Opcode(unchecked: w)
            defer { i += Opcode.words(w) }
            if let first = op.sequenceFirst {
                // Each half reads an accumulator where its operand is held (the sequence of the two variants
                // exists for every combination); the second sees the state after the first.
                let heldBefore = held[AccumulatorClass.int.rawValue]
                let firstVariant = variantReadingAccumulator(first, w) ?? first
                apply(firstVariant, w)
                let second = code[i + first.length], op2 = Opcode(unchecked: second)
                // A select on the first half's result whose other operand (an arm) was in the accumulator
                // before the first half: the handler keeps that value for the select.
                if firstVariant == first, heldBefore >= 0, heldBefore != w.c, op2 == .select || op2 == .select64,
                   second.c == w.c, i + first.length + 1 < code.count,
                   let firstValue = heldBefore == Int(truncatingIfNeeded: code[i + first.length + 1]) ? true
                                    : heldBefore == second.b ? false : nil,
                   let keeping = Opcode.selectKeepingAccumulator(first, op2, firstValue: firstValue) {
                    code[i] = (w & ~0xFFFF) | UInt64(keeping.rawValue)
                    insideSequence = true
                    continue
                }
                let secondVariant = variantReadingAccumulator(op2, second) ?? op2
                if let sequence = Opcode.sequence(firstVariant, secondVariant) {
                    code[i] = (w & ~0xFFFF) | UInt64(sequence.rawValue)
                }
                insideSequence = true
                continue
            }
            if insideSequence {
                insideSequence = false
                apply(op, w)
                continue
            }
            var variant = variantReadingAccumulator(op, w)
            if variant == nil, let mirrored = Self.swappedOperands(op),
               let (v, cls) = mirrored.accumulatorVariant(.a), holds(w.b, cls) {
                // b is in the accumulator and the instruction is a comparison (or commutative integer
                // operation) with an A variant: swap the operands.
                w = (w & ~0xFFFF_FFFF_0000) | UInt64(w.b) << 16 | UInt64(w.a) << 32
                variant = v
            }
            if let variant { code[i] = (w & ~0xFFFF) | UInt64(variant.rawValue) }
            apply(Opcode(unchecked: code[i]), code[i])
        }
    }

    /// The same instruction with operands a and b swapped: a mirrored comparison, or a commutative integer
    /// operation or pair (float addition and multiplication are not swapped: with two NaN operands the
    /// result's payload follows the operand order).
    static func swappedOperands(_ op: Opcode) -> Opcode? {
        op.isCommutativeInteger ? op : op.mirroredComparison
    }

    // MARK: Operands

    @inline(__always) func slot(_ position: Int) -> Int { localCount + constantCapacity + position }

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
    /// Whether a constant used inside a loop got no slot (it is then materialised on every iteration).
    var refusedInLoop = false

    /// Whether constant `v` has or may still get a slot.
    func mayHaveSlot(_ v: UInt64) -> Bool {
        if constantSlots[v] != nil { return true }
        return slotConstants.map { $0.contains(v) } ?? (constants.count < constantCapacity)
    }

    /// The constants to give slots on a second translation: the most deeply nested in loops first, then in order
    /// of first use (what the first translation did), at most `constantCapacity`.
    func preferredConstants() -> Set<UInt64> {
        var rank: [UInt64: (depth: Int, first: Int)] = [:]
        for (i, r) in slotRequests.enumerated() {
            let old = rank[r.value] ?? (r.loopDepth, i)
            rank[r.value] = (max(old.depth, r.loopDepth), old.first)
        }
        let ordered = rank.sorted { $0.value.depth != $1.value.depth ? $0.value.depth > $1.value.depth : $0.value.first < $1.value.first }
        return Set(ordered.prefix(constantCapacity).map(\.key))
    }

    /// The slot holding constant `v`, if it has (or can get) one.
    mutating func constantSlot(_ v: UInt64) -> Int? {
        if let s = constantSlots[v] { return s }
        let depth = frames.reduce(0) { $0 + ($1.kind == .loop ? 1 : 0) }
        slotRequests.append((v, depth))
        guard mayHaveSlot(v), constants.count < constantCapacity else {
            if depth > 0 { refusedInLoop = true }
            return nil
        }
        let s = localCount + constants.count
        constants.append(v)
        constantSlots[v] = s
        return s
    }

    /// A load or store of memory 0 at a constant address (C's global variables, without PIC): the address goes
    /// into the offset word and the base is the constant 0's slot, so distinct globals take no constant slots
    /// (shorter frame templates). The sum cannot wrap: the handler adds in 64 bits and bounds-checks the result.
    mutating func constantAddress(at position: Int, _ memarg: MemArg) -> (zero: Int, offset: UInt64)? {
        guard case .const(let address) = stack[position], let zero = constantSlot(0) else { return nil }
        return (zero, address + memarg.offset)
    }

    mutating func push(_ operand: Operand = .temp) {
        stack.append(operand)
        if stack.count > maxHeight { maxHeight = stack.count }
    }

    /// Returns a slot holding the value at `position`, materialising a constant.
    mutating func use(_ position: Int) -> Int {
        switch stack[position] {
        case .temp: return slot(position)
        case .local(let i): return i
        case .const(let v):
            if let s = constantSlot(v) { return s }
            emitConst(v, to: slot(position))
            stack[position] = .temp
            return slot(position)
        }
    }

    /// Slot of the top-of-stack value minus `depth`.
    mutating func useTop(_ depth: Int = 0) -> Int { use(stack.count - 1 - depth) }

    /// Moves the value at `position` into its own slot.
    mutating func materialize(_ position: Int) {
        switch stack[position] {
        case .temp: return
        case .local(let i): append(word(.copy, a: slot(position), b: i))
        case .const(let v): emitConst(v, to: slot(position))
        }
        stack[position] = .temp
    }

    mutating func materializeAll() {
        for p in stack.indices { materialize(p) }
    }

    mutating func materializeTop(_ count: Int) {
        for p in max(0, stack.count - count)..<stack.count { materialize(p) }
    }

    mutating func pop(_ count: Int = 1) {
        stack.removeLast(min(count, stack.count))
    }

    mutating func emitConst(_ v: UInt64, to dst: Int) {
        if v <= UInt64(UInt32.max) {
            append(word(.const32, a: dst, hi: UInt32(v)))
        } else {
            append(word(.const64, a: dst))
            append(v)
        }
    }

    mutating func append(_ w: UInt64) {
        commitPendingSet()
        code.append(w)
        lastProducer = nil
    }

    /// Emits an instruction that writes a fresh temp at the (already pushed) top position.
    mutating func emitProducer(_ w: UInt64, fieldShift: UInt64, extra: [UInt64] = []) {
        commitPendingSet()
        let index = code.count
        code.append(w)
        code.append(contentsOf: extra)
        lastProducer = (index, stack.count - 1, fieldShift, code.count)
    }

    // MARK: Branches

    /// Emits copies that move the top `arity` values to the label's positions starting at `height`.
    mutating func moveTop(_ arity: Int, toHeight height: Int) {
        let from = stack.count - arity
        guard from != height || stack[from..<stack.count].contains(where: { $0 != .temp }) else { return }
        for i in 0..<arity {
            let dst = slot(height + i)
            switch stack[from + i] {
            case .temp: if from != height { append(word(.copy, a: dst, b: slot(from + i))) }
            case .local(let l): append(word(.copy, a: dst, b: l))
            case .const(let v): emitConst(v, to: dst)
            }
        }
    }

    func needsMove(_ arity: Int, toHeight height: Int) -> Bool {
        let from = stack.count - arity
        return from != height || stack[from..<stack.count].contains(where: { $0 != .temp })
    }

    /// Emits a branch word to the label of frame `frameIndex` (relative offset patched later for forward labels).
    mutating func emitBranch(_ w: UInt64, toFrame frameIndex: Int) {
        let index = code.count
        if frames[frameIndex].kind == .loop {
            let rel = frames[frameIndex].loopStart - index
            append(w | UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: rel))) << 32)
        } else {
            append(w)
            frames[frameIndex].forwardBranches.append(index)
        }
    }

    mutating func patch(_ index: Int, to target: Int) {
        let rel = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: target - index)))
        code[index] = (code[index] & 0xFFFF_FFFF) | rel << 32
    }

    /// Branch to label `depth` with its values on top of the stack (unconditionally).
    mutating func branch(toDepth depth: UInt32) {
        let f = frames.count - 1 - Int(depth)
        if f == 0 { emitReturn(); return }
        moveTop(frames[f].labelArity, toHeight: frames[f].height)
        emitBranch(word(.br), toFrame: f)
    }

    /// Conditional branch on slot `cond`; `op` branches when taken, `inverse` skips when not.
    mutating func conditionalBranch(toDepth depth: UInt32, cond: Int, op: Opcode, inverse: Opcode) {
        let f = frames.count - 1 - Int(depth)
        let arity = frames[f].labelArity
        if f == 0 || needsMove(arity, toHeight: frames[f].height) {
            let skip = code.count
            append(word(inverse, a: cond))
            if f == 0 {
                emitReturn()
            } else {
                moveTop(arity, toHeight: frames[f].height)
                emitBranch(word(.br), toFrame: f)
            }
            patch(skip, to: code.count)
        } else {
            emitBranch(word(op, a: cond), toFrame: f)
        }
    }

    /// If the value at stack `position` is a temp the last instruction computed and `accept` takes that
    /// instruction's opcode, removes the instruction and returns its word (for fusing it into a consumer).
    mutating func takeProducer(at position: Int, _ accept: (Opcode) -> Bool) -> UInt64? {
        guard let p = lastProducer, p.position == position, p.end == code.count, p.index == code.count - 1,
              case .temp = stack[position], accept(Opcode(unchecked: code[p.index])) else {
            return nil
        }
        lastProducer = nil
        return code.removeLast()
    }

    /// If the condition on top of the stack was just computed by a comparison (or `i32.and`), removes that
    /// instruction and returns its fused branch opcode and operand slots (compare+branch fusion).
    mutating func takeFusableComparison() -> (Opcode, Int, Int)? {
        guard let w = takeProducer(at: stack.count - 1, { Self.fusedBranch($0) != nil }),
              let fused = Self.fusedBranch(Opcode(unchecked: w)) else { return nil }
        return (fused, w.a, w.b)
    }

    /// If the condition on top of the stack was just computed by `i32.eqz x` or `i64.eqz x`, removes that
    /// instruction and returns the slot of `x` and the branches that test `x` for zero and non-zero
    /// (32 or 64 bits wide).
    mutating func takeEqz() -> (slot: Int, ifZero: Opcode, ifNonZero: Opcode)? {
        guard let w = takeProducer(at: stack.count - 1, { $0 == .i32Eqz || $0 == .i64Eqz }) else { return nil }
        return Opcode(unchecked: w) == .i32Eqz ? (w.a, .brIfNot, .brIf) : (w.a, .brIfNull, .brIfNotNull)
    }

    /// If the address at stack `position` was just computed by `i32.add x y`, removes that instruction and
    /// returns the slots of `x` and `y` (an indexed load or store adds them itself).
    mutating func takeAddressAdd(at position: Int) -> (Int, Int)? {
        takeProducer(at: position, { $0 == .i32Add }).map { ($0.a, $0.b) }
    }

    /// The compare-and-branch opcode for an i32, i64, f32 or f64 comparison (or `i32.and`).
    static func fusedBranch(_ op: Opcode) -> Opcode? {
        switch op {
        case .i32Eq: .brIfI32Eq
        case .i32Ne: .brIfI32Ne
        case .i32LtS: .brIfI32LtS
        case .i32LtU: .brIfI32LtU
        case .i32GtS: .brIfI32GtS
        case .i32GtU: .brIfI32GtU
        case .i32LeS: .brIfI32LeS
        case .i32LeU: .brIfI32LeU
        case .i32GeS: .brIfI32GeS
        case .i32GeU: .brIfI32GeU
        case .i32And: .brIfI32And
        case .i64Eq: .brIfI64Eq
        case .i64Ne: .brIfI64Ne
        case .i64LtS: .brIfI64LtS
        case .i64LtU: .brIfI64LtU
        case .i64GtS: .brIfI64GtS
        case .i64GtU: .brIfI64GtU
        case .i64LeS: .brIfI64LeS
        case .i64LeU: .brIfI64LeU
        case .i64GeS: .brIfI64GeS
        case .i64GeU: .brIfI64GeU
        case .f32Eq: .brIfF32Eq
        case .f32Ne: .brIfF32Ne
        case .f32Lt: .brIfF32Lt
        case .f32Gt: .brIfF32Gt
        case .f32Le: .brIfF32Le
        case .f32Ge: .brIfF32Ge
        case .f64Eq: .brIfF64Eq
        case .f64Ne: .brIfF64Ne
        case .f64Lt: .brIfF64Lt
        case .f64Gt: .brIfF64Gt
        case .f64Le: .brIfF64Le
        case .f64Ge: .brIfF64Ge
        default: op.immediateCompareBranch
        }
    }

    /// The fused branch taken exactly when `op` is not. Float comparisons have explicit negated forms,
    /// because with NaN operands `!(a < b)` is not `a >= b`.
    static func invertedBranch(_ op: Opcode) -> Opcode {
        switch op {
        case .brIfF32Eq: .brIfNotF32Eq
        case .brIfF32Ne: .brIfNotF32Ne
        case .brIfF32Lt: .brIfNotF32Lt
        case .brIfF32Gt: .brIfNotF32Gt
        case .brIfF32Le: .brIfNotF32Le
        case .brIfF32Ge: .brIfNotF32Ge
        case .brIfF64Eq: .brIfNotF64Eq
        case .brIfF64Ne: .brIfNotF64Ne
        case .brIfF64Lt: .brIfNotF64Lt
        case .brIfF64Gt: .brIfNotF64Gt
        case .brIfF64Le: .brIfNotF64Le
        case .brIfF64Ge: .brIfNotF64Ge
        case .brIfI32Eq: .brIfI32Ne
        case .brIfI32Ne: .brIfI32Eq
        case .brIfI32LtS: .brIfI32GeS
        case .brIfI32LtU: .brIfI32GeU
        case .brIfI32GtS: .brIfI32LeS
        case .brIfI32GtU: .brIfI32LeU
        case .brIfI32LeS: .brIfI32GtS
        case .brIfI32LeU: .brIfI32GtU
        case .brIfI32GeS: .brIfI32LtS
        case .brIfI32GeU: .brIfI32LtU
        case .brIfI32And: .brIfI32AndZero
        case .brIfI64Eq: .brIfI64Ne
        case .brIfI64Ne: .brIfI64Eq
        case .brIfI64LtS: .brIfI64GeS
        case .brIfI64LtU: .brIfI64GeU
        case .brIfI64GtS: .brIfI64LeS
        case .brIfI64GtU: .brIfI64LeU
        case .brIfI64LeS: .brIfI64GtS
        case .brIfI64LeU: .brIfI64GtU
        case .brIfI64GeS: .brIfI64LtS
        case .brIfI64GeU: .brIfI64LtU
        // .brIfI32AndZero; every opcode fusedBranch returns is listed above or has an immediate inverse
        default: op.invertedImmediateBranch ?? .brIfI32And
        }
    }

    /// `br_if` on a fused comparison: word 0 holds the opcode and operand slots, word 1 the offset.
    mutating func compareAndBranch(toDepth depth: UInt32, op: Opcode, a: Int, b: Int) {
        let f = frames.count - 1 - Int(depth)
        let arity = frames[f].labelArity
        if f == 0 || needsMove(arity, toHeight: frames[f].height) {
            append(word(Self.invertedBranch(op), a: a, b: b))
            let skip = code.count
            append(0)
            if f == 0 {
                emitReturn()
            } else {
                moveTop(arity, toHeight: frames[f].height)
                emitBranch(word(.br), toFrame: f)
            }
            patch(skip, to: code.count)
        } else {
            append(word(op, a: a, b: b))
            emitBranch(0, toFrame: f)
        }
    }

    mutating func markUnreachable() {
        reachable = false
        stack.removeLast(stack.count - frames[frames.count - 1].height)
    }

    // MARK: Blocks

    mutating func blockSignature(_ bt: BlockType) throws(CompileError) -> FunctionType {
        do { return try context.blockSignature(bt) } catch { throw .invalid(error) }
    }

    mutating func openBlock(_ kind: FrameKind, _ bt: BlockType) throws(CompileError) {
        let sig = try blockSignature(bt)
        if !reachable {
            var f = Frame(kind: .dead, height: stack.count, paramCount: sig.parameters.count, resultCount: sig.results.count)
            f.enteredReachable = false
            frames.append(f)
            return
        }
        materializeAll()
        lastProducer = nil
        var f = Frame(kind: kind, height: stack.count - sig.parameters.count,
                      paramCount: sig.parameters.count, resultCount: sig.results.count)
        f.loopStart = code.count
        f.tryStart = code.count
        frames.append(f)
    }

    /// Ends the current block: its results land in their positions, pending branches are patched.
    mutating func closeBlock() {
        var f = frames.removeLast()
        if reachable {
            moveTop(f.resultCount, toHeight: f.height)
        }
        let end = code.count
        if let e = f.elseBranch { patch(e, to: end); f.elseBranch = nil }
        for b in f.forwardBranches { patch(b, to: end) }
        for (entry, table) in f.tableEntries { code[entry] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: end - table))) << 32 }
        for (h, i) in f.handlerTargets { setHandlerTarget(h, i, end) }
        lastProducer = nil
        stack.removeLast(max(0, stack.count - f.height))
        for _ in 0..<f.resultCount { push() }
        reachable = f.enteredReachable
    }

    mutating func setHandlerTarget(_ handler: Int, _ clause: Int, _ target: Int) {
        if case .catch(var targets) = handlers[handler].kind {
            targets[clause].target = target
            handlers[handler].kind = .catch(targets)
        }
    }

    // MARK: Instructions

    mutating func emit(_ instruction: Instruction, labelFrames: [Int]) throws(CompileError) {
        // Control structure is tracked even in dead code.
        switch instruction {
        case .block(let bt): try openBlock(.block, bt); return
        case .loop(let bt): try openBlock(.loop, bt); return
        case .if(let bt):
            if reachable, let (op, a, b) = takeFusableComparison() {
                // Jump to the else branch when the comparison fails.
                pop()
                try openBlock(.if, bt)
                append(word(Self.invertedBranch(op), a: a, b: b))
                frames[frames.count - 1].elseBranch = code.count
                append(0)
            } else if reachable, let (a, _, ifNonZero) = takeEqz() {
                pop()
                try openBlock(.if, bt)
                frames[frames.count - 1].elseBranch = code.count
                append(word(ifNonZero, a: a))
            } else if reachable {
                let cond = useTop()
                pop()
                try openBlock(.if, bt)
                frames[frames.count - 1].elseBranch = code.count
                append(word(.brIfNot, a: cond))
            } else {
                try openBlock(.if, bt)
            }
            return
        case .else:
            var f = frames[frames.count - 1]
            if f.kind == .dead { return }
            if reachable {
                moveTop(f.resultCount, toHeight: f.height)
                f.forwardBranches.append(code.count)
                append(word(.br))
            }
            if let e = f.elseBranch { patch(e, to: code.count) }
            f.elseBranch = nil
            f.kind = .else
            frames[frames.count - 1] = f
            lastProducer = nil
            stack.removeLast(max(0, stack.count - f.height))
            for _ in 0..<f.paramCount { push() }
            reachable = f.enteredReachable
            return
        case .end:
            if frames.count == 1 {
                if reachable { emitReturn() }
                // Handlers that branch to the function's label land here with the results at positions 0...
                let landing = frames[0].handlerTargets
                if !landing.isEmpty {
                    for (h, i) in landing { setHandlerTarget(h, i, code.count) }
                    stack = Array(repeating: .temp, count: resultCount)
                    maxHeight = max(maxHeight, resultCount)
                    emitReturn()
                }
                frames.removeLast()
                return
            }
            finishTryIfNeeded()
            closeBlock()
            return
        case .tryTable(let bt, let clauses):
            try openBlock(.tryTable, bt)
            guard reachable else { return }
            let depth = frames.count - 1
            var targets: [CatchTarget] = []
            let handlerIndex = handlers.count
            for (i, clause) in clauses.enumerated() {
                let target = labelFrames[i]
                var t = CatchTarget(tag: nil, capturesReference: false, target: 0, slot: slot(frames[target].height))
                switch clause {
                case .catch(let tag, _): t.tag = tag
                case .catchRef(let tag, _): t.tag = tag; t.capturesReference = true
                case .catchAll: break
                case .catchAllRef: t.capturesReference = true
                }
                if frames[target].kind == .loop {
                    t.target = frames[target].loopStart
                } else {
                    frames[target].handlerTargets.append((handlerIndex, i))
                }
                targets.append(t)
            }
            handlers.append(ExceptionHandler(start: code.count, end: code.count, depth: depth, kind: .catch(targets)))
            frames[depth].handlerIndex = handlerIndex
            return
        case .try(let bt):
            try openBlock(.try, bt)
            guard reachable else { return }
            let depth = frames.count - 1
            frames[depth].handlerIndex = handlers.count
            handlers.append(ExceptionHandler(start: code.count, end: code.count, depth: depth, kind: .catch([])))
            return
        case .catch(let tag):
            legacyCatch(tag: tag)
            return
        case .catchAll:
            legacyCatch(tag: nil)
            return
        case .delegate(let label):
            let f = frames[frames.count - 1]
            if f.kind != .dead, let h = f.handlerIndex {
                handlers[h].end = code.count
                handlers[h].kind = .delegate(targetDepth: frames.count - 2 - Int(label))
                frames[frames.count - 1].handlerIndex = nil
            }
            closeBlock()
            return
        default:
            break
        }
        guard reachable else { return }
        try emitPlain(instruction)
    }

    /// Closes the protected range of a try/try_table at its `end` (legacy try without catch included).
    mutating func finishTryIfNeeded() {
        let f = frames[frames.count - 1]
        guard let h = f.handlerIndex else { return }
        if f.kind == .tryTable || f.kind == .try {
            handlers[h].end = code.count
        }
    }

    /// Legacy `catch`/`catch_all`: ends the try body (or the previous catch) and starts a handler block.
    /// The caught exception is kept in a hidden slot at the try's height, the payload above it.
    mutating func legacyCatch(tag: UInt32?) {
        var f = frames[frames.count - 1]
        if f.kind == .dead { return }
        if reachable {
            moveTop(f.resultCount, toHeight: f.height)
            f.forwardBranches.append(code.count)
            append(word(.br))
        }
        guard let h = f.handlerIndex else { return }
        if f.kind == .try { handlers[h].end = code.count }
        f.kind = .catch
        let payloadCount = tag.map { tagType($0).parameters.count } ?? 0
        stack.removeLast(max(0, stack.count - f.height))
        let hidden = slot(f.height)
        push()  // the hidden exception slot
        let target = CatchTarget(tag: tag, capturesReference: true, target: code.count, slot: slot(f.height + 1), exceptionSlot: hidden)
        if case .catch(var targets) = handlers[h].kind {
            targets.append(target)
            handlers[h].kind = .catch(targets)
        }
        for _ in 0..<payloadCount { push() }
        // Inside the catch body, block results land above the hidden slot; closeBlock moves them down.
        frames[frames.count - 1] = f
        lastProducer = nil
        reachable = f.enteredReachable
    }

    func tagType(_ index: UInt32) -> FunctionType {
        let tags = module.tagTypes
        guard Int(index) < tags.count else { return FunctionType(parameters: [], results: []) }
        return context.functionType(atTypeIndex: tags[Int(index)].typeIndex) ?? FunctionType(parameters: [], results: [])
    }

    /// Copies the results to slots 0..<n and returns. Leaves the operand stack description unchanged,
    /// because it is also used on the taken side of conditional branches.
    mutating func emitReturn() {
        let n = resultCount
        let from = stack.count - n
        if n == 1 {
            // One result: the instruction that computed it writes slot 0 directly, or `returnValue` copies it.
            if stack[from] == .temp, let p = lastProducer, p.position == from, p.end == code.count {
                redirect(p, to: 0)
                append(word(.return))
                return
            }
            switch stack[from] {
            case .temp where slot(from) != 0: append(word(.returnValue, a: slot(from))); return
            case .local(let l) where l != 0: append(word(.returnValue, a: l)); return
            default: break
            }
        }
        var sources = Array(stack[from...])
        // A local among the first n slots would be overwritten before it is read: copy it aside first.
        for i in 0..<n {
            if case .local(let l) = sources[i], l < n, l != i {
                append(word(.copy, a: slot(from + i), b: l))
                sources[i] = .temp
            }
        }
        for i in 0..<n {
            switch sources[i] {
            case .temp: if slot(from + i) != i { append(word(.copy, a: i, b: slot(from + i))) }
            case .local(let l): if l != i { append(word(.copy, a: i, b: l)) }
            case .const(let v): emitConst(v, to: i)
            }
        }
        append(word(.return))
    }

    /// Moves the top `count` values into slots 0..<count for a tail call.
    mutating func moveArgumentsToFrameBase(_ count: Int) {
        materializeTop(count)
        let from = stack.count - count
        for i in 0..<count where slot(from + i) != i {
            append(word(.copy, a: i, b: slot(from + i)))
        }
    }

    mutating func emitPlain(_ instruction: Instruction) throws(CompileError) {
        switch instruction {
        case .unreachable:
            append(word(.unreachable))
            markUnreachable()
        case .nop:
            break
        case .br(let l):
            branch(toDepth: l)
            markUnreachable()
        case .brIf(let l):
            if let (op, a, b) = takeFusableComparison() {
                pop()
                compareAndBranch(toDepth: l, op: op, a: a, b: b)
            } else if let (a, ifZero, ifNonZero) = takeEqz() {
                pop()
                conditionalBranch(toDepth: l, cond: a, op: ifZero, inverse: ifNonZero)
            } else {
                let cond = useTop()
                pop()
                conditionalBranch(toDepth: l, cond: cond, op: .brIf, inverse: .brIfNot)
            }
        case .brTable(let labels, let defaultLabel):
            let index = useTop()
            pop()
            let all = labels + [defaultLabel]
            let table = code.count
            append(word(.brTable, a: index, hi: UInt32(all.count - 1)))
            let entries = code.count
            for _ in all { append(0) }
            for (i, l) in all.enumerated() {
                let f = frames.count - 1 - Int(l)
                let entry = entries + i
                if f != 0 && needsMove(frames[f].labelArity, toHeight: frames[f].height) {
                    code[entry] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: code.count - table))) << 32
                    moveTop(frames[f].labelArity, toHeight: frames[f].height)
                    emitBranch(word(.br), toFrame: f)
                } else if frames[f].kind == .loop {
                    code[entry] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: frames[f].loopStart - table))) << 32
                } else if f == 0 {
                    code[entry] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: code.count - table))) << 32
                    emitReturn()
                } else {
                    frames[f].tableEntries.append((entry, table))
                }
            }
            markUnreachable()
        case .return:
            emitReturn()
            markUnreachable()
        case .call(let f):
            let type = functionType(f)
            // A function the module defines runs wasm code in this instance: its call skips the host and
            // instance-switch checks.
            let op: Opcode = Int(f) >= context.importedFunctionCount ? .callInternal : .call
            emitCall(word(op, a: 0, hi: f), argumentCount: type.parameters.count, resultCount: type.results.count,
                     extra: op == .callInternal ? 0 : nil)
        case .callIndirect(let typeIndex, let table):
            let type = typeFunction(typeIndex)
            let index = stack.count - 1
            materialize(index)
            pop()
            emitCall(word(.callIndirect, a: 0, b: slot(index), c: Int(table)), argumentCount: type.parameters.count,
                     resultCount: type.results.count, extra: UInt64(typeIndex))
        case .callRef(let typeIndex):
            let type = typeFunction(typeIndex)
            let ref = stack.count - 1
            materialize(ref)
            pop()
            emitCall(word(.callRef, a: 0, b: slot(ref)), argumentCount: type.parameters.count,
                     resultCount: type.results.count, extra: UInt64(typeIndex))
        case .returnCall(let f):
            let type = functionType(f)
            moveArgumentsToFrameBase(type.parameters.count)
            append(word(.returnCall, a: 0, hi: f))
            markUnreachable()
        case .returnCallIndirect(let typeIndex, let table):
            let type = typeFunction(typeIndex)
            let index = stack.count - 1
            materialize(index)
            pop()
            moveArgumentsToFrameBase(type.parameters.count)
            append(word(.returnCallIndirect, a: 0, b: slot(index), c: Int(table)))
            append(UInt64(typeIndex))
            markUnreachable()
        case .returnCallRef(let typeIndex):
            let type = typeFunction(typeIndex)
            let ref = stack.count - 1
            materialize(ref)
            pop()
            moveArgumentsToFrameBase(type.parameters.count)
            append(word(.returnCallRef, a: 0, b: slot(ref)))
            append(UInt64(typeIndex))
            markUnreachable()
        case .throw(let tag):
            let n = tagType(tag).parameters.count
            materializeTop(n)
            append(word(.throw, a: slot(stack.count - n), hi: tag))
            markUnreachable()
        case .throwRef:
            let r = useTop()
            append(word(.throwRef, a: r))
            markUnreachable()
        case .rethrow(let l):
            let f = frames[frames.count - 1 - Int(l)]
            append(word(.rethrow, a: slot(f.height)))
            markUnreachable()
        case .drop:
            pop()
        case .select:
            // select(a, b, eqz(x)) is select(b, a, x): the eqz just computed is dropped (x tested on 32 bits for
            // i32.eqz, on 64 bits for i64.eqz).
            if let eqz = takeProducer(at: stack.count - 1, { $0 == .i32Eqz || $0 == .i64Eqz }) {
                let b = useTop(1), a = useTop(2)
                pop(3)
                push()
                let op: Opcode = Opcode(unchecked: eqz) == .i32Eqz ? .select : .select64
                emitProducer(word(op, a: slot(stack.count - 1), b: a, c: eqz.a), fieldShift: 16, extra: [UInt64(b)])
            } else {
                let cond = useTop(0), b = useTop(1), a = useTop(2)
                pop(3)
                push()
                emitProducer(word(.select, a: slot(stack.count - 1), b: b, c: cond), fieldShift: 16, extra: [UInt64(a)])
            }
        case .localGet(let i):
            let l = Int(i)
            if let pending = pendingSet, pending.local == l {
                if stack.count == pending.producer.position && code.count == pending.producer.end {
                    // Nothing was emitted since the set: the temp is still in its slot.
                    pendingSet = nil
                    push()
                    lastProducer = pending.producer
                    return
                }
                commitPendingSet()
            }
            push(deferred[l] ?? .local(l))
        case .localSet(let i):
            let l = Int(i)
            writeDeferred { $0 == .local(l) }
            if let reads = deferrable[l], let value = stack.last, value != .temp, reads <= 1 || !needsMaterializing(value) {
                deferred[l] = value
            } else if deferrable[l] == 1, stack.last == .temp, let p = lastProducer, p.position == stack.count - 1,
                      p.end == code.count {
                commitPendingSet()
                pendingSet = (l, p)
                lastProducer = nil
            } else {
                setLocal(l)
            }
            pop()
        case .localTee(let i):
            writeDeferred { $0 == .local(Int(i)) }
            setLocal(Int(i))
            stack[stack.count - 1] = .local(Int(i))
        case .globalGet(let g):
            push()
            emitProducer(word(.globalGet, a: slot(stack.count - 1), hi: g), fieldShift: 16)
        case .globalSet(let g):
            let v = useTop()
            pop()
            append(word(.globalSet, a: v, hi: g))
        case .tableGet(let t):
            let i = useTop()
            pop()
            push()
            emitProducer(word(.tableGet, a: slot(stack.count - 1), b: i, c: Int(t)), fieldShift: 16)
        case .tableSet(let t):
            let v = useTop(0), i = useTop(1)
            pop(2)
            append(word(.tableSet, a: i, b: v, c: Int(t)))
        case .tableSize(let t):
            push()
            emitProducer(word(.tableSize, a: slot(stack.count - 1), c: Int(t)), fieldShift: 16)
        case .tableGrow(let t):
            let n = useTop(0), v = useTop(1)
            pop(2)
            push()
            append(word(.tableGrow, a: slot(stack.count - 1), b: v, c: Int(t)))
            append(UInt64(n))
        case .tableFill(let t):
            emitFill(.tableFill, t)
        case .tableCopy(let dst, let src):
            emitBulkTransfer(.tableCopy, dst, src)
        case .tableInit(let elem, let t):
            emitBulkTransfer(.tableInit, elem, t)
        case .elemDrop(let e):
            append(word(.elemDrop, hi: e))
        case .load(let op, let memarg):
            if isFastMemory(memarg), let indexed = Self.loadOpcode(op).indexed,
               let (x, y) = takeAddressAdd(at: stack.count - 1) {
                pop()
                push()
                emitProducer(word(indexed, a: slot(stack.count - 1), b: x, c: y), fieldShift: 16, extra: [memarg.offset])
                return
            }
            if isFastMemory(memarg), let (zero, offset) = constantAddress(at: stack.count - 1, memarg) {
                pop()
                push()
                emitProducer(word(Self.loadOpcode(op), a: slot(stack.count - 1), b: zero), fieldShift: 16, extra: [offset])
                return
            }
            let addr = useTop()
            pop()
            push()
            let dst = slot(stack.count - 1), m = Int(memarg.memoryIndex)
            if isFastMemory(memarg) {
                emitProducer(word(Self.loadOpcode(op), a: dst, b: addr), fieldShift: 16, extra: [memarg.offset])
            } else {
                emitProducer(word(.memoryLoad, a: dst, b: addr, c: m), fieldShift: 16,
                             extra: [memarg.offset, UInt64(Self.loadOpcode(op).rawValue)])
            }
        case .store(let op, let memarg):
            // The value's slot first: materialising it emits code, which ends any chance of fusing the add.
            let v = useTop(0)
            if isFastMemory(memarg), let indexed = storeOpcode(op).indexed,
               let (x, y) = takeAddressAdd(at: stack.count - 2) {
                pop(2)
                append(word(indexed, a: v, b: x, c: y))
                append(memarg.offset)
                return
            }
            if isFastMemory(memarg), let (zero, offset) = constantAddress(at: stack.count - 2, memarg) {
                pop(2)
                append(word(storeOpcode(op), a: v, b: zero))
                append(offset)
                return
            }
            let addr = useTop(1)
            pop(2)
            if isFastMemory(memarg) {
                append(word(storeOpcode(op), a: v, b: addr))
                append(memarg.offset)
            } else {
                append(word(.memoryStore, a: v, b: addr, c: Int(memarg.memoryIndex)))
                append(memarg.offset)
                append(UInt64(storeOpcode(op).rawValue))
            }
        case .memorySize(let m):
            push()
            emitProducer(word(.memorySize, a: slot(stack.count - 1), c: Int(m)), fieldShift: 16)
        case .memoryGrow(let m):
            let d = useTop()
            pop()
            push()
            emitProducer(word(.memoryGrow, a: slot(stack.count - 1), b: d, c: Int(m)), fieldShift: 16)
        case .memoryFill(let m):
            emitFill(.memoryFill, m)
        case .memoryCopy(let dst, let src):
            emitBulkTransfer(.memoryCopy, dst, src)
        case .memoryInit(let data, let m):
            emitBulkTransfer(.memoryInit, data, m)
        case .dataDrop(let d):
            append(word(.dataDrop, hi: d))
        case .i32Const(let v):
            push(.const(UInt64(UInt32(bitPattern: v))))
        case .i64Const(let v):
            push(.const(UInt64(bitPattern: v)))
        case .f32Const(let bits):
            push(.const(UInt64(bits)))
        case .f64Const(let bits):
            push(.const(bits))
        case .numeric(let op):
            if op == .i32And, stack.last == .const(1), freshBoolean(at: stack.count - 2) != nil {
                // A comparison's result is 0 or 1 already (clang -O0 masks every one).
                pop()
            } else if op == .i32Eqz, let p = freshBoolean(at: stack.count - 1),
                      let negated = Opcode(unchecked: code[p]).negatedComparison {
                code[p] = (code[p] & ~0xFFFF) | UInt64(negated.rawValue)
            } else if let (form, imm) = addImmediate(op) ?? immediateForm(op) {
                pop()
                let a = useTop()
                pop()
                push()
                emitProducer(word(form, a: a, b: Int(UInt16(bitPattern: imm)), c: slot(stack.count - 1)), fieldShift: 48)
            } else if op.isBinary {
                let b = useTop(0), a = useTop(1)
                pop(2)
                push()
                emitProducer(word(op.opcode, a: a, b: b, c: slot(stack.count - 1)), fieldShift: 48)
            } else {
                let a = useTop()
                pop()
                push()
                emitProducer(word(op.opcode, a: a, c: slot(stack.count - 1)), fieldShift: 48)
            }
        case .refNull:
            push(.const(0))
        case .refIsNull:
            let a = useTop()
            pop()
            push()
            emitProducer(word(.refIsNull, a: slot(stack.count - 1), b: a), fieldShift: 16)
        case .refFunc(let f):
            push()
            emitProducer(word(.refFunc, a: slot(stack.count - 1), hi: f), fieldShift: 16)
        case .refAsNonNull:
            let a = useTop()
            pop()
            push()
            emitProducer(word(.refAsNonNull, a: slot(stack.count - 1), b: a), fieldShift: 16)
        case .refEq:
            let b = useTop(0), a = useTop(1)
            pop(2)
            push()
            emitProducer(word(.i64Eq, a: a, b: b, c: slot(stack.count - 1)), fieldShift: 48)
        case .brOnNull(let l):
            let r = useTop()
            let ref = stack.removeLast()
            conditionalBranch(toDepth: l, cond: r, op: .brIfNull, inverse: .brIfNotNull)
            stack.append(ref)
        case .brOnNonNull(let l):
            let r = useTop()
            conditionalBranch(toDepth: l, cond: r, op: .brIfNotNull, inverse: .brIfNull)
            pop()
        case .block, .loop, .if, .else, .end, .tryTable, .try, .catch, .catchAll, .delegate:
            break  // handled in emit
        }
    }

    mutating func emitCall(_ w: UInt64, argumentCount: Int, resultCount: Int, extra: UInt64? = nil) {
        materializeTop(argumentCount)
        let base = stack.count - argumentCount
        append(w | UInt64(UInt16(truncatingIfNeeded: slot(base))) << 16)
        if let extra { append(extra) }
        pop(argumentCount)
        for _ in 0..<resultCount { push() }
    }

    /// table/memory copy and init: destination, source and length come from the stack; word 1 holds the
    /// two immediates (destination and source index, or segment and target index).
    mutating func emitBulkTransfer(_ op: Opcode, _ first: UInt32, _ second: UInt32) {
        let n = useTop(0), s = useTop(1), d = useTop(2)
        pop(3)
        append(word(op, a: d, b: s, c: n))
        append(UInt64(first) | UInt64(second) << 32)
    }

    /// table/memory fill: destination, value and length come from the stack; `index` names the table or memory.
    mutating func emitFill(_ op: Opcode, _ index: UInt32) {
        let n = useTop(0), v = useTop(1), d = useTop(2)
        pop(3)
        append(word(op, a: d, b: v, c: Int(index)))
        append(UInt64(n))
    }

    /// `x + c` / `x - c` with a small constant `c` on top of the stack: the add-immediate opcode and `±c`.
    func addImmediate(_ op: NumericOp) -> (Opcode, Int16)? {
        guard case .const(let v) = stack[stack.count - 1] else { return nil }
        let is64 = op == .i64Add || op == .i64Sub
        guard op == .i32Add || op == .i32Sub || is64 else { return nil }
        let value = is64 ? Int64(bitPattern: v) : Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
        let signed = (op == .i32Sub || op == .i64Sub) ? -value : value
        guard let imm = Int16(exactly: signed) else { return nil }
        return (is64 ? .i64AddImm : .i32AddImm, imm)
    }

    /// An integer operation with a constant right operand that fits a signed 16-bit immediate (as a value of
    /// the operand type): the opcode with the immediate, and the immediate. Comparisons always take it (the
    /// constant then needs no slot, and calls copy a shorter template); bit operations and multiplications
    /// only when the constant has no slot and none is left, instead of storing it right before the read
    /// (their slot forms fuse into pairs and sequences).
    func immediateForm(_ op: NumericOp) -> (Opcode, Int16)? {
        guard case .const(let v) = stack[stack.count - 1], let form = op.opcode.immediateForm else { return nil }
        let value = form.is64 ? Int64(bitPattern: v) : Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
        guard let imm = Int16(exactly: value) else { return nil }
        if form.opcode.immediateCompareBranch == nil && mayHaveSlot(v) {
            return nil
        }
        return (form.opcode, imm)
    }

    // MARK: Deferred local writes

    /// The locals whose `local.set` can be deferred: set once (no `local.tee`) and read only after the set with
    /// no control instruction between (as clang -O0 spills every temporary). Every read then follows the set in
    /// the same straight-line run, so it can take the value itself, and the local is dead after the run.
    /// None in functions with exception handlers (a handler reads the locals a throwing call left). The body is
    /// decoded once more for this; a decoding error leaves nothing deferrable (the translation reports it).
    static func deferrableLocals(_ body: FunctionBody, localCount: Int) -> [Int?] {
        var sets = [Int](repeating: 0, count: localCount), gets = sets
        var setRun = [Int](repeating: -1, count: localCount)
        var readElsewhere = [Bool](repeating: false, count: localCount)
        var run = 0
        var reader = InstructionReader(body: body)
        while !reader.isAtEnd {
            guard let instruction = try? reader.read() else { return [Int?](repeating: nil, count: localCount) }
            switch instruction {
            case .localGet(let i) where Int(i) < localCount:
                gets[Int(i)] += 1
                if sets[Int(i)] == 0 || setRun[Int(i)] != run { readElsewhere[Int(i)] = true }
            case .localSet(let i) where Int(i) < localCount:
                sets[Int(i)] += 1
                setRun[Int(i)] = run
            case .localTee(let i) where Int(i) < localCount:
                sets[Int(i)] += 2
            case .try, .tryTable, .delegate, .catch, .catchAll:
                return [Int?](repeating: nil, count: localCount)
            default:
                if endsStraightLineCode(instruction) { run += 1 }
            }
        }
        return (0..<localCount).map { sets[$0] == 1 && !readElsewhere[$0] ? gets[$0] : nil }
    }

    /// Whether straight-line code ends at the instruction: it branches, may be a branch target, or starts or
    /// ends a block.
    static func endsStraightLineCode(_ instruction: Instruction) -> Bool {
        switch instruction {
        case .unreachable, .block, .loop, .if, .else, .end, .br, .brIf, .brTable, .return, .returnCall,
             .returnCallIndirect, .returnCallRef, .tryTable, .throw, .throwRef, .try, .catch, .catchAll, .delegate,
             .rethrow, .brOnNull, .brOnNonNull:
            true
        default:
            false
        }
    }

    /// Whether reading `value` as an operand costs an instruction: a constant without a slot when none is left
    /// (a deferred local read more than once then stays a local, written once).
    func needsMaterializing(_ value: Operand) -> Bool {
        guard case .const(let v) = value else { return false }
        return !mayHaveSlot(v)
    }

    /// Redirects the pending set's producer to its local (see `pendingSet`).
    mutating func commitPendingSet() {
        guard let pending = pendingSet else { return }
        pendingSet = nil
        redirect(pending.producer, to: pending.local)
    }

    /// Makes producer `p` write slot `destination` instead of its temp.
    mutating func redirect(_ p: Producer, to destination: Int) {
        let mask: UInt64 = 0xFFFF << p.fieldShift
        code[p.index] = (code[p.index] & ~mask) | UInt64(UInt16(truncatingIfNeeded: destination)) << p.fieldShift
    }

    /// The code index of the comparison (or eqz) that the last instruction is, if it computed the temp at stack
    /// `position`: a value that is 0 or 1.
    func freshBoolean(at position: Int) -> Int? {
        guard position >= 0, stack[position] == .temp, let p = lastProducer, p.position == position,
              p.end == code.count, p.index == code.count - 1 else { return nil }
        let op = Opcode(unchecked: code[p.index])
        return op.mirroredComparison != nil || op.negatedComparison != nil || op == .i32Eqz || op == .i64Eqz ? p.index : nil
    }

    /// Writes out the deferred locals whose value satisfies `condition`.
    mutating func writeDeferred(where condition: (Operand) -> Bool) {
        guard !deferred.isEmpty else { return }
        for (l, value) in deferred.sorted(by: { $0.key < $1.key }) where condition(value) {
            deferred[l] = nil
            guard reachable else { continue }
            switch value {
            case .local(let source): append(word(.copy, a: l, b: source))
            case .const(let v): emitConst(v, to: l)
            case .temp: break
            }
        }
    }

    /// `local.set`/`local.tee`: store the top value into local `i`.
    mutating func setLocal(_ i: Int) {
        let top = stack.count - 1
        // Stack entries that still read local i must get their own copy first.
        let aliased = stack[0..<top].contains(.local(i))
        if !aliased, stack[top] == .temp, let p = lastProducer, p.position == top, p.end == code.count {
            redirect(p, to: i)
            lastProducer = nil
            return
        }
        if aliased {
            for p in 0..<top where stack[p] == .local(i) { materialize(p) }
        }
        switch stack[top] {
        case .temp: append(word(.copy, a: i, b: slot(top)))
        case .local(let l): if l != i { append(word(.copy, a: i, b: l)) }
        case .const(let v): emitConst(v, to: i)
        }
    }

    func functionType(_ index: UInt32) -> FunctionType {
        context.functionType(ofFunction: index) ?? FunctionType(parameters: [], results: [])
    }

    func typeFunction(_ index: UInt32) -> FunctionType {
        context.functionType(atTypeIndex: index) ?? FunctionType(parameters: [], results: [])
    }

    /// Whether an access can use the fast load/store opcodes: memory 0 with 32-bit addresses.
    func isFastMemory(_ memarg: MemArg) -> Bool {
        memarg.memoryIndex == 0 && context.memories.first?.addressType == .i32
    }

    /// Every load opcode (a load writes slot a, where a store reads it).
    static let loadOpcodes = Set(LoadOp.allCases.map(loadOpcode))

    static func loadOpcode(_ op: LoadOp) -> Opcode {
        switch op {
        case .i32Load: .i32Load
        case .i64Load: .i64Load
        case .f32Load: .f32Load
        case .f64Load: .f64Load
        case .i32Load8S: .i32Load8S
        case .i32Load8U: .i32Load8U
        case .i32Load16S: .i32Load16S
        case .i32Load16U: .i32Load16U
        case .i64Load8S: .i64Load8S
        case .i64Load8U: .i64Load8U
        case .i64Load16S: .i64Load16S
        case .i64Load16U: .i64Load16U
        case .i64Load32S: .i64Load32S
        case .i64Load32U: .i64Load32U
        }
    }

    func storeOpcode(_ op: StoreOp) -> Opcode {
        switch op {
        case .i32Store: .i32Store
        case .i64Store: .i64Store
        case .f32Store: .f32Store
        case .f64Store: .f64Store
        case .i32Store8: .i32Store8
        case .i32Store16: .i32Store16
        case .i64Store8: .i64Store8
        case .i64Store16: .i64Store16
        case .i64Store32: .i64Store32
        }
    }
}
