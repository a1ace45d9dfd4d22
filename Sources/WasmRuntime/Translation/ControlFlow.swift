import WasmBinary
import WasmCore
import WasmValidation

extension Translator {
    // MARK: Branches

    /// Emits copies that move the top `arity` values to the label's positions starting at `height`.
    mutating func moveTop(_ arity: Int, toHeight height: Int) {
        let from = stack.count - arity
        guard from != height || stack[from..<stack.count].contains(where: { $0 != .temp }) else { return }
        for i in 0..<arity {
            let dst = slot(height + i)
            switch stack[from + i] {
            case .temp: if from != height { append(CopyInstruction(.copy, destination: dst, source: slot(from + i))) }
            case .local(let l): append(CopyInstruction(.copy, destination: dst, source: l))
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
            append(w)
            patch(index, to: frames[frameIndex].loopStart)
        } else {
            append(w)
            frames[frameIndex].forwardBranches.append(index)
        }
    }

    /// Points the offset in bits 32-63 of `code[index]` at `target`, relative to `index`.
    mutating func patch(_ index: Int, to target: Int) {
        Self.setOffset(in: &code, at: index, from: index, to: target)
    }

    /// Writes `target - base` into bits 32-63 of `code[index]` (a branch offset), keeping the low half.
    static func setOffset(in code: inout [UInt64], at index: Int, from base: Int, to target: Int) {
        code[index] = code[index] & 0xFFFF_FFFF | UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: target - base))) << 32
    }

    /// The code indices the instruction at `code[i]` may jump to (its branch offsets, `Opcode.branchOffset`).
    func jumpTargets(at i: Int) -> [Int] {
        let w = code[i]
        switch Opcode(unchecked: w).branchOffset {
        case .word0: return [i + w.offset]
        case .word1: return [i + 1 + code[i + 1].offset]
        case .table: return (1...Int(w.hi32) + 1).map { i + code[i + $0].offset }
        case nil: return []
        }
    }

    /// Points the branch offsets of the instruction at `code[i]` at `targets` (as many as `jumpTargets` gives).
    static func setJumpTargets(_ targets: [Int], in code: inout [UInt64], at i: Int) {
        switch Opcode(unchecked: code[i]).branchOffset {
        case .word0: setOffset(in: &code, at: i, from: i, to: targets[0])
        case .word1: setOffset(in: &code, at: i + 1, from: i + 1, to: targets[0])
        case .table: for (k, t) in targets.enumerated() { setOffset(in: &code, at: i + 1 + k, from: i, to: t) }
        case nil: break
        }
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
        let comparison = BinaryInstruction(words: InstructionWords(w))
        return (fused, comparison.lhs, comparison.rhs)
    }

    /// If the condition on top of the stack was just computed by `i32.eqz x` or `i64.eqz x`, removes that
    /// instruction and returns the slot of `x` and the branches that test `x` for zero and non-zero
    /// (32 or 64 bits wide).
    mutating func takeEqz() -> (slot: Int, ifZero: Opcode, ifNonZero: Opcode)? {
        guard let w = takeProducer(at: stack.count - 1, { $0 == .i32Eqz || $0 == .i64Eqz }) else { return nil }
        let x = UnaryInstruction(words: InstructionWords(w)).operand
        return Opcode(unchecked: w) == .i32Eqz ? (x, .brIfNot, .brIf) : (x, .brIfNull, .brIfNotNull)
    }

    /// If the address at stack `position` was just computed by `i32.add x y`, removes that instruction and
    /// returns the slots of `x` and `y` (an indexed load or store adds them itself).
    mutating func takeAddressAdd(at position: Int) -> (Int, Int)? {
        takeProducer(at: position, { $0 == .i32Add }).map {
            let add = BinaryInstruction(words: InstructionWords($0))
            return (add.lhs, add.rhs)
        }
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
            var f = Frame(kind: .dead, height: stack.count, paramCount: sig.parameters.cellCount,
                          resultCount: sig.results.cellCount)
            f.enteredReachable = false
            frames.append(f)
            return
        }
        materializeAll()
        lastProducer = nil
        var f = Frame(kind: kind, height: stack.count - sig.parameters.cellCount,
                      paramCount: sig.parameters.cellCount, resultCount: sig.results.cellCount)
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
}
