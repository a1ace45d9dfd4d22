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
    mutating func fuseAdjacent(_ starts: [Int], _ isTarget: [Bool]) {
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
    func isBinaryPair(_ first: UInt64, _ second: UInt64, _ firstTemp: Int) -> Bool {
        first.c >= firstTemp && Opcode.fusedPair(Opcode(unchecked: first), Opcode(unchecked: second)) != nil
            && (second.a == first.c) != (second.b == first.c)
    }
}
