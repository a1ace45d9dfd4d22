import WasmCore

extension Translator {
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
            let n = Opcode.words(code[i])
            guard i + n <= code.count else { return }
            for t in jumpTargets(at: i) { mark(t) }
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
    mutating func fuseAdjacent(_ starts: [Int], _ isTarget: [Bool]) {
        let firstTemp = localCount + constantCapacity
        var k = 1
        while k < starts.count {
            let p = starts[k - 1], i = starts[k]
            guard !isTarget[i] else { k += 1; continue }
            let first = Opcode(unchecked: code[p])
            let fused = first == .i32AddImm && (fuseAddImmediateBranch(p, i) || fuseAddressImmediate(p, i, firstTemp))
                || fuseBinaryPair(p, i, firstTemp)
                || useSequence(p, i, nextBinaryPair: k + 1 < starts.count && !isTarget[starts[k + 1]]
                                                       && isBinaryPair(i, starts[k + 1], firstTemp))
            k += fused ? 2 : 1
        }
    }

    /// [i32.add-immediate][compare-branch on its sum] -> [add + compare-branch], three words (the third is left
    /// unused); when the sum is the comparison's right operand, the mirrored comparison puts it on the left.
    mutating func fuseAddImmediateBranch(_ p: Int, _ i: Int) -> Bool {
        let add = BinaryImmediateInstruction(code, at: p), op = Opcode(unchecked: code[i])
        switch op.layout {
        case .compareJump:
            let branch = CompareJumpInstruction(code, at: i)
            let sumOnLeft = branch.lhs == add.result
            guard sumOnLeft || branch.rhs == add.result,
                  let fused = (sumOnLeft ? op : op.mirroredComparison)?.addImmediateBranch else { return false }
            // The offset counts from word 1 of the fused instruction, the branch's first word.
            AddImmediateCompareJumpInstruction(fused, operand: add.operand, immediate: add.immediate, sum: add.result,
                                               other: sumOnLeft ? branch.rhs : branch.lhs, offset: branch.offset + 1)
                .write(to: &code, at: p)
        case .compareImmediateJump:
            let branch = CompareImmediateJumpInstruction(code, at: i)
            guard branch.lhs == add.result, let fused = op.addImmediateBranch else { return false }
            AddImmediateCompareImmediateJumpInstruction(fused, operand: add.operand, immediate: add.immediate, sum: add.result,
                                                        bound: branch.immediate, offset: branch.offset + 1)
                .write(to: &code, at: p)
        default:
            return false
        }
        return true
    }

    /// [i32.add-immediate][load or store at its sum] -> [access at fp[x] + immediate], three words (the third is
    /// left unused), when the sum is a temp (no one else reads it). A store whose value is the address itself
    /// would read the temp this leaves unwritten, so it is not fused.
    mutating func fuseAddressImmediate(_ p: Int, _ i: Int, _ firstTemp: Int) -> Bool {
        let add = BinaryImmediateInstruction(code, at: p), op = Opcode(unchecked: code[i])
        guard add.result >= firstTemp, let fused = op.plusImmediate else { return false }
        switch op.layout {
        case .load:
            let load = LoadInstruction(code, at: i)
            guard load.address == add.result else { return false }
            LoadPlusImmediateInstruction(fused, result: load.result, base: add.operand, immediate: add.immediate,
                                         offset: load.offset).write(to: &code, at: p)
        case .store:
            let store = StoreInstruction(code, at: i)
            guard store.address == add.result, store.value != add.result else { return false }
            StorePlusImmediateInstruction(fused, value: store.value, base: add.operand, immediate: add.immediate,
                                          offset: store.offset).write(to: &code, at: p)
        default:
            return false
        }
        return true
    }

    /// [x = a op1 b][y = x op2 z] -> [y = (a op1 b) op2 z], two words, when x is a temp read only there.
    mutating func fuseBinaryPair(_ p: Int, _ i: Int, _ firstTemp: Int) -> Bool {
        guard isBinaryPair(p, i, firstTemp),
              let pair = Opcode.fusedPair(Opcode(unchecked: code[p]), Opcode(unchecked: code[i])) else { return false }
        let x = BinaryInstruction(code, at: p), y = BinaryInstruction(code, at: i)
        let onRight = y.rhs == x.result
        FusedPairInstruction(pair, lhs: x.lhs, rhs: x.rhs, result: y.result, other: onRight ? y.lhs : y.rhs,
                             intermediateOnRight: onRight).write(to: &code, at: p)
        return true
    }

    /// [first][second] -> [sequence with first's fields][second] (`Opcode.sequence`); not when the second
    /// instruction fuses with the third into a binary pair, whose intermediate never goes through memory.
    mutating func useSequence(_ p: Int, _ i: Int, nextBinaryPair: Bool) -> Bool {
        guard !nextBinaryPair, let sequence = Opcode.sequence(Opcode(unchecked: code[p]), Opcode(unchecked: code[i])) else {
            return false
        }
        code[p] = code[p].withOpcode(sequence)
        return true
    }

    /// Whether the instructions at `p` and `i` fuse into one binary-op pair: the second consumes the first's
    /// temp once.
    func isBinaryPair(_ p: Int, _ i: Int, _ firstTemp: Int) -> Bool {
        guard Opcode.fusedPair(Opcode(unchecked: code[p]), Opcode(unchecked: code[i])) != nil else { return false }
        let x = BinaryInstruction(code, at: p), y = BinaryInstruction(code, at: i)
        return x.result >= firstTemp && (y.lhs == x.result) != (y.rhs == x.result)
    }
}
