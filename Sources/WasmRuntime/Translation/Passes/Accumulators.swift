import WasmCore

extension Translator {
    /// Pass 2 of `fuseAdjacentPairs`: an instruction reading a slot whose value the accumulator of its class
    /// still holds (set by an earlier instruction on the same straight-line path, and not overwritten since)
    /// becomes the variant that reads the accumulator. Nothing is assumed at a jump target or after an
    /// instruction that may leave the handler chain (a call, a host call), where the register is not kept.
    /// A sequence runs the plain bodies of its two instructions: they are followed, never rewritten.
    mutating func useAccumulators(_ isTarget: [Bool]) {
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
}
