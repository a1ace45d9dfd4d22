import WasmCore

extension Translator {
    // MARK: SIMD

    /// Emits a SIMD instruction. A v128 takes two stack positions; an instruction reads it from two adjacent slots
    /// (`useVector`) and writes its v128 result to the two slots of its positions.
    mutating func emitVector(_ instruction: Instruction) {
        switch instruction {
        case .v128Const(let v):
            push(.const(v.low))
            push(.const(v.high))
        case .simd(let op) where stack.last.map(\.isConstant) == true && Self.splatPattern(op) != nil:
            // A splat of a constant is a v128 constant: no instruction, and it may get constant slots.
            guard case .const(let v) = stack.removeLast(), let pattern = Self.splatPattern(op) else { return }
            let lane = pattern.mask & v, word = lane &* pattern.repeat
            push(.const(word))
            push(.const(word))
        case .simd(let op):
            let operands = takeOperands(op.parameterTypes)
            let result = pushResult(op.resultType)
            let opcode = relaxedSIMD == .deterministic ? op.deterministicOpcode ?? op.opcode : op.opcode
            switch operands.count {
            case 1: emitProducer(UnaryInstruction(opcode, operand: operands[0], result: result), cells: op.resultType.cellCount)
            case 2: emitProducer(BinaryInstruction(opcode, lhs: operands[0], rhs: operands[1], result: result),
                                 cells: op.resultType.cellCount)
            default: emitProducer(TernaryInstruction(opcode, result: result, first: operands[0], second: operands[1],
                                                     third: operands[2]), cells: 2)
            }
        case .simdLane(let op, let lane):
            let operands = takeOperands(op.parameterTypes)
            let result = pushResult(op.resultType)
            if operands.count == 1 {
                emitProducer(LaneExtractInstruction(op.opcode, result: result, vector: operands[0], lane: Int(lane)))
            } else {
                emitProducer(LaneReplaceInstruction(op.opcode, result: result, vector: operands[0], scalar: operands[1],
                                                    lane: Int(lane)), cells: 2)
            }
        case .i8x16Shuffle(let lanes):
            let operands = takeOperands([.v128, .v128])
            let result = pushResult(.v128)
            emitProducer(ShuffleInstruction(.i8x16Shuffle, result: result, first: operands[0], second: operands[1],
                                            lanesLow: lanes.low, lanesHigh: lanes.high), cells: 2)
        case .simdLoad(let op, let memarg):
            // v128.load of an i32.add address: the indexed form adds (as the scalar loads' Indexed forms).
            if op == .v128Load, isFastMemory(memarg), let (x, y) = takeAddressAdd(at: stack.count - 1) {
                pop()
                emitProducer(LoadIndexedInstruction(.v128LoadIndexed, result: pushResult(.v128), base: x, index: y,
                                                    offset: memarg.offset), cells: 2)
                return
            }
            let address = takeOperands([context.memories[Int(memarg.memoryIndex)].addressType.valueType])[0]
            let result = pushResult(.v128)
            if isFastMemory(memarg) {
                emitProducer(LoadInstruction(op.opcode, result: result, address: address, offset: memarg.offset), cells: 2)
            } else {
                emitProducer(VectorMemoryLoadInstruction(op.anyMemoryOpcode, result: result, address: address,
                                                         memory: Int(memarg.memoryIndex), offset: memarg.offset), cells: 2)
            }
        case .v128Store(let memarg):
            if isFastMemory(memarg) {
                // The value's slots first: materialising it emits code, which ends any chance of fusing the add.
                let value = useVector(stack.count - 2)
                if let (x, y) = takeAddressAdd(at: stack.count - 3) {
                    pop(3)
                    append(StoreIndexedInstruction(.v128StoreIndexed, value: value, base: x, index: y, offset: memarg.offset))
                    return
                }
            }
            let operands = takeOperands([context.memories[Int(memarg.memoryIndex)].addressType.valueType, .v128])
            if isFastMemory(memarg) {
                append(StoreInstruction(.v128Store, value: operands[1], address: operands[0], offset: memarg.offset))
            } else {
                append(VectorMemoryStoreInstruction(.v128StoreAnyMemory, value: operands[1], address: operands[0],
                                                    memory: Int(memarg.memoryIndex), offset: memarg.offset))
            }
        case .simdMemoryLane(let op, let memarg, let lane):
            let operands = takeOperands([context.memories[Int(memarg.memoryIndex)].addressType.valueType, .v128])
            if op.resultTypes.isEmpty {
                append(LaneStoreInstruction(op.opcode, value: operands[1], address: operands[0], offset: memarg.offset,
                                            lane: Int(lane), memory: memarg.memoryIndex))
            } else {
                let result = pushResult(.v128)
                emitProducer(LaneLoadInstruction(op.opcode, result: result, address: operands[0], vector: operands[1],
                                                 offset: memarg.offset, lane: Int(lane), memory: memarg.memoryIndex), cells: 2)
            }
        default:
            break
        }
    }

    /// For a splat, the mask of its lane's bits in the scalar cell, and the multiplier that repeats the lane
    /// across 64 bits; nil for other instructions.
    static func splatPattern(_ op: SIMDOp) -> (mask: UInt64, repeat: UInt64)? {
        switch op {
        case .i8x16Splat: (0xFF, 0x0101_0101_0101_0101)
        case .i16x8Splat: (0xFFFF, 0x0001_0001_0001_0001)
        case .i32x4Splat, .f32x4Splat: (0xFFFF_FFFF, 0x0000_0001_0000_0001)
        case .i64x2Splat, .f64x2Splat: (.max, 1)
        default: nil
        }
    }

    /// Pops operands of `types` (deepest first) and returns their slots: a v128's first of two adjacent slots.
    mutating func takeOperands(_ types: [ValueType]) -> [Int] {
        var position = stack.count - types.cellCount
        var slots: [Int] = []
        for t in types {
            slots.append(t == .v128 ? useVector(position) : use(position))
            position += t.cellCount
        }
        pop(types.cellCount)
        return slots
    }

    /// Pushes a temp result of type `t` and returns its (first) slot.
    mutating func pushResult(_ t: ValueType) -> Int {
        for _ in 0..<t.cellCount { push() }
        return slot(stack.count - t.cellCount)
    }
}
