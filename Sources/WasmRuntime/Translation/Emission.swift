import WasmBinary
import WasmCore
import WasmValidation

extension Translator {
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
        let payloadCount = tag.map { tagType($0).parameters.cellCount } ?? 0
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
                append(NoOperandsInstruction(.return))
                return
            }
            switch stack[from] {
            case .temp where slot(from) != 0: append(ReturnValueInstruction(.returnValue, value: slot(from))); return
            case .local(let l) where l != 0: append(ReturnValueInstruction(.returnValue, value: l)); return
            default: break
            }
        }
        if n == 2, stack[from] == .temp, stack[from + 1] == .temp, let p = lastProducer, p.position == from,
           p.end == code.count {
            // One v128 result (a producer at `from` wrote both temps): it writes slots 0 and 1 directly.
            redirect(p, to: 0)
            append(NoOperandsInstruction(.return))
            return
        }
        var sources = Array(stack[from...])
        // A local among the first n slots would be overwritten before it is read: copy it aside first.
        for i in 0..<n {
            if case .local(let l) = sources[i], l < n, l != i {
                append(CopyInstruction(.copy, destination: slot(from + i), source: l))
                sources[i] = .temp
            }
        }
        for i in 0..<n {
            switch sources[i] {
            case .temp: if slot(from + i) != i { append(CopyInstruction(.copy, destination: i, source: slot(from + i))) }
            case .local(let l): if l != i { append(CopyInstruction(.copy, destination: i, source: l)) }
            case .const(let v): emitConst(v, to: i)
            }
        }
        append(NoOperandsInstruction(.return))
    }

    /// Moves the top `count` values into slots 0..<count for a tail call.
    mutating func moveArgumentsToFrameBase(_ count: Int) {
        materializeTop(count)
        let from = stack.count - count
        for i in 0..<count where slot(from + i) != i {
            append(CopyInstruction(.copy, destination: i, source: slot(from + i)))
        }
    }

    mutating func emitPlain(_ instruction: Instruction) throws(CompileError) {
        switch instruction {
        case .unreachable:
            append(NoOperandsInstruction(.unreachable))
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
            emitCall(word(op, a: 0, hi: f), argumentCount: type.parameters.cellCount, resultCount: type.results.cellCount,
                     extra: op == .callInternal ? 0 : nil)
        case .callIndirect(let typeIndex, let table):
            let type = typeFunction(typeIndex)
            let index = stack.count - 1
            materialize(index)
            pop()
            emitCall(word(.callIndirect, a: 0, b: slot(index), c: Int(table)), argumentCount: type.parameters.cellCount,
                     resultCount: type.results.cellCount, extra: UInt64(typeIndex))
        case .callRef(let typeIndex):
            let type = typeFunction(typeIndex)
            let ref = stack.count - 1
            materialize(ref)
            pop()
            emitCall(word(.callRef, a: 0, b: slot(ref)), argumentCount: type.parameters.cellCount,
                     resultCount: type.results.cellCount, extra: UInt64(typeIndex))
        case .returnCall(let f):
            let type = functionType(f)
            moveArgumentsToFrameBase(type.parameters.cellCount)
            append(word(.returnCall, a: 0, hi: f))
            markUnreachable()
        case .returnCallIndirect(let typeIndex, let table):
            let type = typeFunction(typeIndex)
            let index = stack.count - 1
            materialize(index)
            pop()
            moveArgumentsToFrameBase(type.parameters.cellCount)
            append(word(.returnCallIndirect, a: 0, b: slot(index), c: Int(table)))
            append(UInt64(typeIndex))
            markUnreachable()
        case .returnCallRef(let typeIndex):
            let type = typeFunction(typeIndex)
            let ref = stack.count - 1
            materialize(ref)
            pop()
            moveArgumentsToFrameBase(type.parameters.cellCount)
            append(word(.returnCallRef, a: 0, b: slot(ref)))
            append(UInt64(typeIndex))
            markUnreachable()
        case .throw(let tag):
            let n = tagType(tag).parameters.cellCount
            materializeTop(n)
            append(ThrowTagInstruction(.throw, payload: slot(stack.count - n), tag: tag))
            markUnreachable()
        case .throwRef:
            let r = useTop()
            append(ThrowReferenceInstruction(.throwRef, exception: r))
            markUnreachable()
        case .rethrow(let l):
            let f = frames[frames.count - 1 - Int(l)]
            append(ThrowReferenceInstruction(.rethrow, exception: slot(f.height)))
            markUnreachable()
        case .drop:
            pop(droppedCells)
        case .select(let types) where (types?.first ?? validator.operandType(fromTop: 0)) == .v128:
            let cond = useTop(0), b = useTopVector(0, above: 1), a = useTopVector(1, above: 1)
            pop(5)
            push()
            push()
            emitProducer(SelectInstruction(.selectVector, result: slot(stack.count - 2), ifFalse: b, condition: cond,
                                           ifTrue: a), cells: 2)
        case .select:
            // select(a, b, eqz(x)) is select(b, a, x): the eqz just computed is dropped (x tested on 32 bits for
            // i32.eqz, on 64 bits for i64.eqz).
            if let eqz = takeProducer(at: stack.count - 1, { $0 == .i32Eqz || $0 == .i64Eqz }) {
                let b = useTop(1), a = useTop(2)
                pop(3)
                push()
                let op: Opcode = Opcode(unchecked: eqz) == .i32Eqz ? .select : .select64
                emitProducer(SelectInstruction(op, result: slot(stack.count - 1), ifFalse: a,
                                               condition: UnaryInstruction(words: InstructionWords(eqz)).operand, ifTrue: b))
            } else {
                let cond = useTop(0), b = useTop(1), a = useTop(2)
                pop(3)
                push()
                emitProducer(SelectInstruction(.select, result: slot(stack.count - 1), ifFalse: b, condition: cond, ifTrue: a))
            }
        case .localGet(let i) where localTypes[Int(i)] == .v128:
            let l = localSlots[Int(i)]
            push(.local(l))
            push(.local(l + 1))
        case .localSet(let i) where localTypes[Int(i)] == .v128:
            setVectorLocal(localSlots[Int(i)])
            pop(2)
        case .localTee(let i) where localTypes[Int(i)] == .v128:
            let l = localSlots[Int(i)]
            setVectorLocal(l)
            stack[stack.count - 2] = .local(l)
            stack[stack.count - 1] = .local(l + 1)
        case .localGet(let i):
            let l = localSlots[Int(i)]
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
            let l = localSlots[Int(i)]
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
            let l = localSlots[Int(i)]
            writeDeferred { $0 == .local(l) }
            setLocal(l)
            stack[stack.count - 1] = .local(l)
        case .globalGet(let g) where context.globals[Int(g)].valueType == .v128:
            push()
            push()
            emitProducer(GlobalGetInstruction(.globalGetVector, result: slot(stack.count - 2), global: g), cells: 2)
        case .globalSet(let g) where context.globals[Int(g)].valueType == .v128:
            let v = useTopVector()
            pop(2)
            append(GlobalSetInstruction(.globalSetVector, value: v, global: g))
        case .globalGet(let g):
            push()
            emitProducer(GlobalGetInstruction(.globalGet, result: slot(stack.count - 1), global: g))
        case .globalSet(let g):
            let v = useTop()
            pop()
            append(GlobalSetInstruction(.globalSet, value: v, global: g))
        case .tableGet(let t):
            let i = useTop()
            pop()
            push()
            emitProducer(TableGetInstruction(.tableGet, result: slot(stack.count - 1), index: i, table: Int(t)))
        case .tableSet(let t):
            let v = useTop(0), i = useTop(1)
            pop(2)
            append(TableSetInstruction(.tableSet, index: i, value: v, table: Int(t)))
        case .tableSize(let t):
            push()
            emitProducer(TableSizeInstruction(.tableSize, result: slot(stack.count - 1), table: Int(t)))
        case .tableGrow(let t):
            let n = useTop(0), v = useTop(1)
            pop(2)
            push()
            append(TableGrowInstruction(.tableGrow, result: slot(stack.count - 1), value: v, table: Int(t), delta: n))
        case .tableFill(let t):
            let (d, v, n) = takeBulkOperands()
            append(TableFillInstruction(.tableFill, index: d, value: v, table: Int(t), count: n))
        case .tableCopy(let dst, let src):
            let (d, s, n) = takeBulkOperands()
            append(TableCopyInstruction(.tableCopy, destination: d, source: s, count: n, destinationTable: dst, sourceTable: src))
        case .tableInit(let elem, let t):
            let (d, s, n) = takeBulkOperands()
            append(TableInitInstruction(.tableInit, destination: d, source: s, count: n, segment: elem, table: t))
        case .elemDrop(let e):
            append(SegmentDropInstruction(.elemDrop, segment: e))
        case .load(let op, let memarg):
            if isFastMemory(memarg), let indexed = Self.loadOpcode(op).indexed,
               let (x, y) = takeAddressAdd(at: stack.count - 1) {
                pop()
                push()
                emitProducer(LoadIndexedInstruction(indexed, result: slot(stack.count - 1), base: x, index: y, offset: memarg.offset))
                return
            }
            if isFastMemory(memarg), let (zero, offset) = constantAddress(at: stack.count - 1, memarg) {
                pop()
                push()
                emitProducer(LoadInstruction(Self.loadOpcode(op), result: slot(stack.count - 1), address: zero, offset: offset))
                return
            }
            let addr = useTop()
            pop()
            push()
            let dst = slot(stack.count - 1), m = Int(memarg.memoryIndex)
            if isFastMemory(memarg) {
                emitProducer(LoadInstruction(Self.loadOpcode(op), result: dst, address: addr, offset: memarg.offset))
            } else {
                emitProducer(MemoryLoadInstruction(.memoryLoad, result: dst, address: addr, memory: m, offset: memarg.offset,
                                                   access: Self.loadOpcode(op)))
            }
        case .store(let op, let memarg):
            // The value's slot first: materialising it emits code, which ends any chance of fusing the add.
            let v = useTop(0)
            if isFastMemory(memarg), let indexed = storeOpcode(op).indexed,
               let (x, y) = takeAddressAdd(at: stack.count - 2) {
                pop(2)
                append(StoreIndexedInstruction(indexed, value: v, base: x, index: y, offset: memarg.offset))
                return
            }
            if isFastMemory(memarg), let (zero, offset) = constantAddress(at: stack.count - 2, memarg) {
                pop(2)
                append(StoreInstruction(storeOpcode(op), value: v, address: zero, offset: offset))
                return
            }
            let addr = useTop(1)
            pop(2)
            if isFastMemory(memarg) {
                append(StoreInstruction(storeOpcode(op), value: v, address: addr, offset: memarg.offset))
            } else {
                append(MemoryStoreInstruction(.memoryStore, value: v, address: addr, memory: Int(memarg.memoryIndex),
                                              offset: memarg.offset, access: storeOpcode(op)))
            }
        case .memorySize(let m):
            push()
            emitProducer(MemorySizeInstruction(.memorySize, result: slot(stack.count - 1), memory: Int(m)))
        case .memoryGrow(let m):
            let d = useTop()
            pop()
            push()
            emitProducer(MemoryGrowInstruction(.memoryGrow, result: slot(stack.count - 1), delta: d, memory: Int(m)))
        case .memoryFill(let m):
            let (d, v, n) = takeBulkOperands()
            append(MemoryFillInstruction(.memoryFill, destination: d, value: v, memory: Int(m), length: n))
        case .memoryCopy(let dst, let src):
            let (d, s, n) = takeBulkOperands()
            append(MemoryCopyInstruction(.memoryCopy, destination: d, source: s, length: n, destinationMemory: dst, sourceMemory: src))
        case .memoryInit(let data, let m):
            let (d, s, n) = takeBulkOperands()
            append(MemoryInitInstruction(.memoryInit, destination: d, source: s, length: n, segment: data, memory: m))
        case .dataDrop(let d):
            append(SegmentDropInstruction(.dataDrop, segment: d))
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
                code[p] = code[p].withOpcode(negated)
            } else if let (form, imm) = addImmediate(op) ?? immediateForm(op) {
                pop()
                let a = useTop()
                pop()
                push()
                emitProducer(BinaryImmediateInstruction(form, operand: a, immediate: Int(imm), result: slot(stack.count - 1)))
            } else if op.isBinary {
                let b = useTop(0), a = useTop(1)
                pop(2)
                push()
                emitProducer(BinaryInstruction(op.opcode, lhs: a, rhs: b, result: slot(stack.count - 1)))
            } else {
                let a = useTop()
                pop()
                push()
                emitProducer(UnaryInstruction(op.opcode, operand: a, result: slot(stack.count - 1)))
            }
        case .refNull:
            push(.const(0))
        case .refIsNull:
            let a = useTop()
            pop()
            push()
            emitProducer(ReferenceTestInstruction(.refIsNull, result: slot(stack.count - 1), reference: a))
        case .refFunc(let f):
            push()
            emitProducer(ReferenceFunctionInstruction(.refFunc, result: slot(stack.count - 1), function: f))
        case .refAsNonNull:
            let a = useTop()
            pop()
            push()
            emitProducer(ReferenceTestInstruction(.refAsNonNull, result: slot(stack.count - 1), reference: a))
        case .refEq:
            let b = useTop(0), a = useTop(1)
            pop(2)
            push()
            emitProducer(BinaryInstruction(.i64Eq, lhs: a, rhs: b, result: slot(stack.count - 1)))
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
        case .v128Const, .i8x16Shuffle, .simd, .simdLoad, .v128Store, .simdLane, .simdMemoryLane:
            emitVector(instruction)
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

    /// The three operands of a bulk memory or table instruction (fill, copy, init), deepest first, popped.
    mutating func takeBulkOperands() -> (Int, Int, Int) {
        let third = useTop(0), second = useTop(1), first = useTop(2)
        pop(3)
        return (first, second, third)
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

    // MARK: Types and opcodes

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
