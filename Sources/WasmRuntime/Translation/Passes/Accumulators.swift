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
                let slot = field.slot(of: w)
                forget(slot)
                held[cls.rawValue] = slot
            case .writes(let field):
                forget(field.slot(of: w))
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
                      holds(operands.field.slot(of: w), cls) else { continue }
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
                if firstVariant == first, heldBefore >= 0, heldBefore != w.c, op2.layout == .select,
                   i + first.length + 1 < code.count {
                    let select = SelectInstruction(code, at: i + first.length)
                    if select.condition == w.c,
                       let firstValue = heldBefore == select.ifTrue ? true : heldBefore == select.ifFalse ? false : nil,
                       let keeping = Opcode.selectKeepingAccumulator(first, op2, firstValue: firstValue) {
                        code[i] = w.withOpcode(keeping)
                        insideSequence = true
                        continue
                    }
                }
                let secondVariant = variantReadingAccumulator(op2, second) ?? op2
                if let sequence = Opcode.sequence(firstVariant, secondVariant) {
                    code[i] = w.withOpcode(sequence)
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
               let (v, cls) = mirrored.accumulatorVariant(.a), holds(w.b, cls), let swapped = Self.swappingOperands(w) {
                // b is in the accumulator and the instruction is a comparison (or commutative integer
                // operation) with an A variant: swap the operands.
                w = swapped
                variant = v
            }
            if let variant { code[i] = w.withOpcode(variant) }
            apply(Opcode(unchecked: code[i]), code[i])
        }
    }

    /// Word 0 of an instruction with two operands (`lhs` and `rhs`) with those swapped.
    static func swappingOperands(_ w: UInt64) -> UInt64? {
        guard let view = Opcode(unchecked: w).layout.twoOperandView else { return nil }
        var instruction = view.init(words: InstructionWords(w))
        (instruction.lhs, instruction.rhs) = (instruction.rhs, instruction.lhs)
        return instruction.words.w0
    }

    /// The same instruction with operands a and b swapped: a mirrored comparison, or a commutative integer
    /// operation or pair (float addition and multiplication are not swapped: with two NaN operands the
    /// result's payload follows the operand order).
    static func swappedOperands(_ op: Opcode) -> Opcode? {
        op.isCommutativeInteger ? op : op.mirroredComparison
    }
}
