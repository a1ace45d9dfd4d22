import WasmBinary
import WasmCore
import WasmValidation

extension Translator {
    // MARK: Operands

    @inline(__always) func slot(_ position: Int) -> Int { localCount + constantCapacity + position }

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

    /// Returns the first of two adjacent slots holding the v128 at positions `position` and `position + 1`:
    /// a local's, a constant's (two constant slots), or its positions' own (materialising its halves there).
    mutating func useVector(_ position: Int) -> Int {
        switch (stack[position], stack[position + 1]) {
        case (.temp, .temp): return slot(position)
        case (.local(let l), .local(let h)) where h == l + 1: return l
        case (.const(let low), .const(let high)):
            if let s = vectorConstantSlot(SIMD2(low, high)) { return s }
            append(VectorConstInstruction(.vectorConst, destination: slot(position), low: low, high: high))
            stack[position] = .temp
            stack[position + 1] = .temp
            return slot(position)
        default: break
        }
        materialize(position)
        materialize(position + 1)
        return slot(position)
    }

    /// The first of two adjacent constant slots holding v128 constant `v` (low, high), if there is room.
    mutating func vectorConstantSlot(_ v: SIMD2<UInt64>) -> Int? {
        if let s = vectorConstantSlots[v] { return s }
        guard slotConstants == nil, constants.count + 2 <= constantCapacity else { return nil }
        let s = localCount + constants.count
        constants.append(v[0])
        constants.append(v[1])
        vectorConstantSlots[v] = s
        return s
    }

    /// The first slot of the v128 on top of the stack minus `depth` values (each taking two positions) and
    /// `scalars` scalar values above them.
    mutating func useTopVector(_ depth: Int = 0, above scalars: Int = 0) -> Int {
        useVector(stack.count - 2 - 2 * depth - scalars)
    }

    /// Slot of the top-of-stack value minus `depth`.
    mutating func useTop(_ depth: Int = 0) -> Int { use(stack.count - 1 - depth) }

    /// Moves the value at `position` into its own slot.
    mutating func materialize(_ position: Int) {
        switch stack[position] {
        case .temp: return
        case .local(let i): append(CopyInstruction(.copy, destination: slot(position), source: i))
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
            append(Const32Instruction(.const32, destination: dst, value: UInt32(v)))
        } else {
            append(Const64Instruction(.const64, destination: dst, value: v))
        }
    }

    mutating func append(_ w: UInt64) {
        commitPendingSet()
        code.append(w)
        lastProducer = nil
    }

    /// Appends the words of `instruction`.
    mutating func append<View: InstructionView>(_ instruction: View) {
        commitPendingSet()
        for k in 0..<View.wordCount { code.append(instruction.words[k]) }
        lastProducer = nil
    }

    /// Emits an instruction that writes a fresh temp at the (already pushed) top position (the top two for a
    /// v128, `cells` 2), in the field of word 0 its layout declares written (`InstructionLayout.resultField`): a
    /// following `local.set` may redirect it.
    mutating func emitProducer<View: InstructionView>(_ instruction: View, cells: Int = 1) {
        commitPendingSet()
        let index = code.count
        for k in 0..<View.wordCount { code.append(instruction.words[k]) }
        lastProducer = (index, stack.count - cells, code.count)
    }
}
