import WasmCore

extension Translator {
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
            let t = s + JumpInstruction(code, at: s).offset
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
        for (p, o) in origins {
            let targets = jumpTargets(at: o)
            if !targets.isEmpty { Self.setJumpTargets(targets.map { moved[$0] }, in: &copied, at: p) }
        }
        code = copied
    }

    /// The end of the block from `start` through its first unconditional transfer, if it is at most
    /// `duplicatedBlockLimit` words long.
    func terminatedBlock(from start: Int) -> Int? {
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
}
