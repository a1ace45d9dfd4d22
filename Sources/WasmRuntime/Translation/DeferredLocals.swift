import WasmBinary
import WasmCore
import WasmValidation

extension Translator {
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
        guard let field = Opcode(unchecked: code[p.index]).layout.resultField else { return }
        code[p.index] = field.setting(destination, in: code[p.index])
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
            case .local(let source): append(CopyInstruction(.copy, destination: l, source: source))
            case .const(let v): emitConst(v, to: l)
            case .temp: break
            }
        }
    }

    /// `local.set`/`local.tee` of a v128 local whose first slot is `l`: store the top two cells into `l`, `l + 1`
    /// (the instruction that just computed the value writes them directly, if no stack entry still reads them).
    mutating func setVectorLocal(_ l: Int) {
        let top = stack.count - 2
        let aliased = stack[0..<top].contains { $0 == .local(l) || $0 == .local(l + 1) }
        if !aliased, stack[top] == .temp, stack[top + 1] == .temp, let p = lastProducer, p.position == top,
           p.end == code.count {
            redirect(p, to: l)
            lastProducer = nil
            return
        }
        if !aliased, case .const(let low) = stack[top], case .const(let high) = stack[top + 1] {
            append(VectorConstInstruction(.vectorConst, destination: l, low: low, high: high))
            return
        }
        // Each half is a cell: the scalar path moves it (materialising readers of the old value first). The
        // producer of a temp writes both halves: it is not redirected to one.
        lastProducer = nil
        let high = stack.removeLast()
        setLocal(l)
        stack.append(high)
        setLocal(l + 1)
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
        case .temp: append(CopyInstruction(.copy, destination: i, source: slot(top)))
        case .local(let l): if l != i { append(CopyInstruction(.copy, destination: i, source: l)) }
        case .const(let v): emitConst(v, to: i)
        }
    }
}
