import WasmCore

/// The kind of a control frame.
public enum ControlKind: Sendable {
    case function, block, loop, `if`, `else`, tryTable, `try`, `catch`, catchAll
}

/// One entry of the control stack.
public struct ControlFrame: Sendable {
    public var kind: ControlKind
    /// Block parameters (for a legacy `catch` frame: the tag's payload).
    public var startTypes: [ValueType]
    /// Block results.
    public var endTypes: [ValueType]
    /// Operand stack height at block entry, below its parameters.
    public var height: Int
    /// True once the rest of the block is unreachable (the operand stack is polymorphic).
    public var isUnreachable: Bool
    /// Height of the local-initialisation log at block entry.
    var initHeight: Int

    /// The types a branch to this frame's label carries.
    public var labelTypes: [ValueType] { kind == .loop ? startTypes : endTypes }
}

/// Validates one function body, one instruction at a time (spec validation algorithm).
///
/// Feed every instruction of the body, including the final `end`, to `validate(_:at:)`, then call
/// `finish(at:)`. Between calls the operand and control stacks can be inspected.
public struct FunctionValidator {
    /// The module-level context (boxed so the validator itself stays small and cheap to access).
    private let box: ContextBox
    /// The module-level context.
    public var context: ValidationContext { box.context }
    /// Parameters, then declared locals.
    public let locals: [ValueType]
    /// The function's type.
    public let type: FunctionType

    /// Operand types; nil is an unknown (bottom) type from unreachable code.
    private var values: [ValueType?] = []
    private var frames: [ControlFrame] = []
    /// Initialisation state of each local (only consulted for non-defaultable locals).
    private var initialized: [Bool]
    /// Locals initialised since the start of each open block (reset when the block ends).
    private var initLog: [Int] = []
    /// Offset of the instruction being validated (for errors).
    private var offset: Int = 0

    /// Prepares validation of defined function `definedFunctionIndex` (0 = first non-imported function).
    public init(context: ValidationContext, definedFunctionIndex: Int) throws(ValidationError) {
        let module = context.module
        guard definedFunctionIndex >= 0, definedFunctionIndex < module.functions.count,
              definedFunctionIndex < module.bodies.count
        else { throw ValidationError("unknown function \(definedFunctionIndex)") }
        let body = module.bodies[definedFunctionIndex]
        guard let ft = context.functionType(atTypeIndex: module.functions[definedFunctionIndex]) else {
            throw ValidationError("unknown type \(module.functions[definedFunctionIndex])", offset: body.codeOffset)
        }
        guard let total = body.localCount(parameterCount: ft.parameters.count) else {
            throw ValidationError("too many locals", offset: body.codeOffset)
        }
        var locals = ft.parameters
        locals.reserveCapacity(total)
        var initialized = [Bool](repeating: true, count: total)
        for d in body.locals {
            do { try context.typeTable.check(d.type) } catch { throw ValidationError(error.message, offset: body.codeOffset) }
            let defaultable = d.type.isDefaultable
            for _ in 0 ..< d.count {
                if !defaultable { initialized[locals.count] = false }
                locals.append(d.type)
            }
        }
        self.box = ContextBox(context)
        self.type = ft
        self.locals = locals
        self.initialized = initialized
        self.offset = body.codeOffset
        values.reserveCapacity(64)
        frames.reserveCapacity(16)
        frames.append(ControlFrame(kind: .function, startTypes: [], endTypes: ft.results, height: 0,
                                   isUnreachable: false, initHeight: 0))
    }

    // MARK: State

    /// Current operand stack height.
    public var operandCount: Int { values.count }

    /// The type of the operand `depth` entries below the top; nil if unknown (unreachable code) or absent.
    public func operandType(fromTop depth: Int) -> ValueType? {
        guard depth >= 0, depth < values.count else { return nil }
        if let frame = frames.last, frame.isUnreachable, depth >= values.count - frame.height { return nil }
        return values[values.count - 1 - depth]
    }

    /// Number of open control frames (0 after the function's final `end`).
    public var controlDepth: Int { frames.count }

    /// The control frame `depth` levels out (0 = innermost). `depth` must be below `controlDepth`.
    public func controlFrame(fromTop depth: Int) -> ControlFrame {
        frames[frames.count - 1 - depth]
    }

    /// Checks that the body is complete: every block, including the function's, was closed.
    public func finish(at offset: Int) throws(ValidationError) {
        guard frames.isEmpty else { throw ValidationError("END opcode expected", offset: offset) }
    }

    // MARK: Errors

    private func error(_ message: String) -> ValidationError {
        ValidationError(message, offset: offset)
    }

    /// The operand types of the current frame's top `count` entries, for messages.
    private func stackDescription(top count: Int) -> String {
        let h = frames.last?.height ?? 0
        let available = values.count - h
        let n = Swift.max(0, Swift.min(count, available))
        return describeTypes(values[(values.count - n)...])
    }

    private func mismatch(requires types: [ValueType]) -> ValidationError {
        error("type mismatch: instruction requires \(describeTypes(types)) but stack has \(stackDescription(top: types.count))")
    }

    private func mismatch(requires type: ValueType) -> ValidationError {
        error("type mismatch: instruction requires [\(type.validationDescription)] but stack has \(stackDescription(top: 1))")
    }

    // MARK: Operand stack

    @inline(__always) private mutating func push(_ t: ValueType?) {
        values.append(t)
    }

    @inline(__always) private mutating func push(_ ts: [ValueType]) {
        for t in ts { values.append(t) }
    }

    /// Pops any operand (nil if unknown).
    @inline(__always) private mutating func pop() throws(ValidationError) -> ValueType? {
        let top = frames.count - 1
        if values.count == frames[top].height {
            if frames[top].isUnreachable { return nil }
            throw error("type mismatch: instruction requires an operand but stack is empty")
        }
        return values.removeLast()
    }

    /// Pops an operand that must match `expected`.
    @inline(__always) @discardableResult
    private mutating func pop(_ expected: ValueType) throws(ValidationError) -> ValueType? {
        let top = frames.count - 1
        if values.count == frames[top].height {
            if frames[top].isUnreachable { return nil }
            throw mismatch(requires: expected)
        }
        let actual = values[values.count - 1]
        if let a = actual, a != expected, !box.context.typeTable.isSubtype(a, of: expected) {
            throw mismatch(requires: expected)
        }
        values.removeLast()
        return actual
    }

    /// Pops operands matching `types` (last type on top).
    private mutating func pop(_ types: [ValueType]) throws(ValidationError) {
        if types.isEmpty { return }
        let top = frames.count - 1
        let available = values.count - frames[top].height
        let n = types.count
        if available < n && !frames[top].isUnreachable { throw mismatch(requires: types) }
        for i in 0 ..< n {
            let depth = n - 1 - i
            guard depth < available else { continue }
            if let a = values[values.count - 1 - depth], a != types[i], !box.context.typeTable.isSubtype(a, of: types[i]) {
                throw mismatch(requires: types)
            }
        }
        values.removeLast(Swift.min(n, available))
    }

    /// Pops a reference operand (nil if unknown).
    private mutating func popReference() throws(ValidationError) -> RefType? {
        let top = frames.count - 1
        if values.count == frames[top].height {
            if frames[top].isUnreachable { return nil }
            throw error("type mismatch: instruction requires a reference but stack is empty")
        }
        guard let t = values[values.count - 1] else {
            values.removeLast()
            return nil
        }
        guard case .ref(let r) = t else {
            throw error("type mismatch: instruction requires a reference but stack has [\(t.validationDescription)]")
        }
        values.removeLast()
        return r
    }

    // MARK: Control stack

    private mutating func pushFrame(_ kind: ControlKind, start: [ValueType], end: [ValueType]) {
        frames.append(ControlFrame(kind: kind, startTypes: start, endTypes: end, height: values.count,
                                   isUnreachable: false, initHeight: initLog.count))
        push(start)
    }

    /// Checks the top frame's results, pops it and resets locals initialised inside it.
    private mutating func popFrame() throws(ValidationError) -> ControlFrame {
        guard let frame = frames.last else { throw error("unexpected end of function") }
        try pop(frame.endTypes)
        if values.count != frame.height {
            let extra = describeTypes(values[frame.height...])
            throw error("type mismatch: block requires \(describeTypes(frame.endTypes)) but stack has \(extra)")
        }
        frames.removeLast()
        while initLog.count > frame.initHeight {
            initialized[initLog.removeLast()] = false
        }
        return frame
    }

    private mutating func setUnreachable() {
        let i = frames.count - 1
        values.removeLast(values.count - frames[i].height)
        frames[i].isUnreachable = true
    }

    private func labelTypes(_ depth: UInt32) throws(ValidationError) -> [ValueType] {
        guard Int(depth) < frames.count else { throw error("unknown label \(depth)") }
        return frames[frames.count - 1 - Int(depth)].labelTypes
    }

    // MARK: Lookups

    private func functionType(ofTypeIndex i: UInt32) throws(ValidationError) -> FunctionType {
        guard let f = box.context.functionType(atTypeIndex: i) else {
            throw error(Int(i) < box.context.typeTable.types.count ? "type mismatch: type \(i) is not a function type" : "unknown type \(i)")
        }
        return f
    }

    private func blockSignature(_ bt: BlockType) throws(ValidationError) -> FunctionType {
        do { return try box.context.blockSignature(bt) } catch { throw self.error(error.message) }
    }

    private func table(_ i: UInt32) throws(ValidationError) -> TableType {
        guard Int(i) < box.context.tables.count else { throw error("unknown table \(i)") }
        return box.context.tables[Int(i)]
    }

    private func memory(_ i: UInt32) throws(ValidationError) -> MemoryType {
        guard Int(i) < box.context.memories.count else { throw error("unknown memory \(i)") }
        return box.context.memories[Int(i)]
    }

    private func tagType(_ i: UInt32) throws(ValidationError) -> FunctionType {
        guard Int(i) < box.context.tags.count else { throw error("unknown tag \(i)") }
        return try functionType(ofTypeIndex: box.context.tags[Int(i)].typeIndex)
    }

    private func checkElementSegment(_ i: UInt32) throws(ValidationError) -> RefType {
        guard Int(i) < box.context.elementTypes.count else { throw error("unknown elem segment \(i)") }
        return box.context.elementTypes[Int(i)]
    }

    private func checkDataSegment(_ i: UInt32) throws(ValidationError) {
        guard let n = box.context.module.dataCount else { throw error("data count section required") }
        guard i < n else { throw error("unknown data segment \(i)") }
    }

    private func checkMemArg(_ m: MemArg, width: Int) throws(ValidationError) -> ValueType {
        let mem = try memory(m.memoryIndex)
        if m.alignLog2 > UInt32(width.trailingZeroBitCount) {
            throw error("alignment must not be larger than natural")
        }
        if mem.addressType == .i32 && m.offset > UInt64(UInt32.max) {
            throw error("offset out of range")
        }
        return mem.addressType.valueType
    }

    /// Checks that `callee` results can be returned as the caller's results (tail calls).
    private func checkTailCallResults(_ callee: FunctionType) throws(ValidationError) {
        let mine = type.results
        guard callee.results.count == mine.count else {
            throw error("type mismatch: tail call results \(describeTypes(callee.results)) do not match function results \(describeTypes(mine))")
        }
        for (a, b) in zip(callee.results, mine) where !box.context.typeTable.isSubtype(a, of: b) {
            throw error("type mismatch: tail call results \(describeTypes(callee.results)) do not match function results \(describeTypes(mine))")
        }
    }

    private func checkMatches(_ types: [ValueType], label: [ValueType], what: String) throws(ValidationError) {
        guard types.count == label.count else {
            throw error("type mismatch: \(what) \(describeTypes(types)) does not match label \(describeTypes(label))")
        }
        for (a, b) in zip(types, label) where !box.context.typeTable.isSubtype(a, of: b) {
            throw error("type mismatch: \(what) \(describeTypes(types)) does not match label \(describeTypes(label))")
        }
    }

    private static let nonNullExn = ValueType.ref(RefType(nullable: false, .exn))
    private static let eqref = ValueType.ref(RefType(nullable: true, .abstract(.eq)))

    // MARK: Instructions

    /// Validates one instruction at absolute byte `offset`.
    public mutating func validate(_ instruction: Instruction, at offset: Int) throws(ValidationError) {
        self.offset = offset
        guard !frames.isEmpty else { throw error("section size mismatch: instructions after the end of the function") }
        switch instruction {
        case .numeric(let op):
            let sig = NumericSignature.of(op)
            let h = frames[frames.count - 1].height
            let n = values.count
            if sig.isBinary {
                if n - h >= 2, values[n - 1] == sig.operand, values[n - 2] == sig.operand {
                    values.removeLast()
                    values[n - 2] = sig.result
                    return
                }
                try pop(sig.operand)
                try pop(sig.operand)
            } else {
                if n - h >= 1, values[n - 1] == sig.operand {
                    values[n - 1] = sig.result
                    return
                }
                try pop(sig.operand)
            }
            push(sig.result)

        case .i32Const: push(.i32)
        case .i64Const: push(.i64)
        case .f32Const: push(.f32)
        case .f64Const: push(.f64)

        case .localGet(let x):
            let i = Int(x)
            guard i < locals.count else { throw error("unknown local \(x)") }
            guard initialized[i] else { throw error("uninitialized local \(x)") }
            push(locals[i])
        case .localSet(let x):
            let i = Int(x)
            guard i < locals.count else { throw error("unknown local \(x)") }
            try pop(locals[i])
            markInitialized(i)
        case .localTee(let x):
            let i = Int(x)
            guard i < locals.count else { throw error("unknown local \(x)") }
            try pop(locals[i])
            markInitialized(i)
            push(locals[i])
        case .globalGet(let x):
            guard Int(x) < box.context.globals.count else { throw error("unknown global \(x)") }
            push(box.context.globals[Int(x)].valueType)
        case .globalSet(let x):
            guard Int(x) < box.context.globals.count else { throw error("unknown global \(x)") }
            let g = box.context.globals[Int(x)]
            guard g.isMutable else { throw error("immutable global \(x): global is immutable") }
            try pop(g.valueType)

        case .load(let op, let m):
            let at = try checkMemArg(m, width: op.byteWidth)
            try pop(at)
            push(op.resultType)
        case .store(let op, let m):
            let at = try checkMemArg(m, width: op.byteWidth)
            try pop(op.valueType)
            try pop(at)

        case .unreachable:
            setUnreachable()
        case .nop:
            break
        case .drop:
            _ = try pop()
        case .select(let types):
            if let types {
                guard types.count == 1 else { throw error("invalid result arity") }
                let t = types[0]
                do { try box.context.typeTable.check(t) } catch { throw self.error(error.message) }
                try pop(.i32)
                try pop(t)
                try pop(t)
                push(t)
            } else {
                try pop(.i32)
                let t1 = try pop()
                let t2 = try pop()
                if let t1, !t1.isNumericOrVector { throw error("type mismatch: select without type requires numeric operands, found \(t1.validationDescription)") }
                if let t2, !t2.isNumericOrVector { throw error("type mismatch: select without type requires numeric operands, found \(t2.validationDescription)") }
                if let t1, let t2, t1 != t2 {
                    throw error("type mismatch: select operands \(t2.validationDescription) and \(t1.validationDescription) differ")
                }
                push(t1 ?? t2)
            }

        case .block(let bt):
            let sig = try blockSignature(bt)
            try pop(sig.parameters)
            pushFrame(.block, start: sig.parameters, end: sig.results)
        case .loop(let bt):
            let sig = try blockSignature(bt)
            try pop(sig.parameters)
            pushFrame(.loop, start: sig.parameters, end: sig.results)
        case .if(let bt):
            let sig = try blockSignature(bt)
            try pop(.i32)
            try pop(sig.parameters)
            pushFrame(.if, start: sig.parameters, end: sig.results)
        case .else:
            guard let top = frames.last, top.kind == .if else { throw error("else found outside an if block") }
            let frame = try popFrame()
            pushFrame(.else, start: frame.startTypes, end: frame.endTypes)
        case .end:
            let frame = try popFrame()
            if frame.kind == .if {
                // An `if` without `else` behaves like an empty else: parameters must match results.
                try checkMatches(frame.startTypes, label: frame.endTypes, what: "if without else: parameters")
            }
            push(frame.endTypes)

        case .br(let l):
            try pop(labelTypes(l))
            setUnreachable()
        case .brIf(let l):
            let types = try labelTypes(l)
            try pop(.i32)
            try pop(types)
            push(types)
        case .brTable(let labels, let defaultLabel):
            try pop(.i32)
            let defaultTypes = try labelTypes(defaultLabel)
            let arity = defaultTypes.count
            let top = frames.count - 1
            let available = values.count - frames[top].height
            let unreachable = frames[top].isUnreachable
            for l in labels {
                let types = try labelTypes(l)
                guard types.count == arity else {
                    throw error("type mismatch: br_table targets have different arities (\(types.count) vs \(arity))")
                }
                if !unreachable && available < arity { throw mismatch(requires: types) }
                for i in 0 ..< arity {
                    let depth = arity - 1 - i
                    guard depth < available else { continue }
                    if let a = values[values.count - 1 - depth], !box.context.typeTable.isSubtype(a, of: types[i]) {
                        throw mismatch(requires: types)
                    }
                }
            }
            try pop(defaultTypes)
            setUnreachable()
        case .return:
            try pop(type.results)
            setUnreachable()

        case .call(let f):
            guard let ft = box.context.functionType(ofFunction: f) else { throw error("unknown function \(f)") }
            try pop(ft.parameters)
            push(ft.results)
        case .returnCall(let f):
            guard let ft = box.context.functionType(ofFunction: f) else { throw error("unknown function \(f)") }
            try checkTailCallResults(ft)
            try pop(ft.parameters)
            setUnreachable()
        case .callIndirect(let ti, let tab):
            let ft = try callIndirectType(typeIndex: ti, table: tab)
            try pop(box.context.tables[Int(tab)].addressType.valueType)
            try pop(ft.parameters)
            push(ft.results)
        case .returnCallIndirect(let ti, let tab):
            let ft = try callIndirectType(typeIndex: ti, table: tab)
            try checkTailCallResults(ft)
            try pop(box.context.tables[Int(tab)].addressType.valueType)
            try pop(ft.parameters)
            setUnreachable()
        case .callRef(let ti):
            let ft = try functionType(ofTypeIndex: ti)
            try pop(.ref(RefType(nullable: true, .concrete(ti))))
            try pop(ft.parameters)
            push(ft.results)
        case .returnCallRef(let ti):
            let ft = try functionType(ofTypeIndex: ti)
            try checkTailCallResults(ft)
            try pop(.ref(RefType(nullable: true, .concrete(ti))))
            try pop(ft.parameters)
            setUnreachable()

        case .tryTable(let bt, let clauses):
            let sig = try blockSignature(bt)
            try pop(sig.parameters)
            for clause in clauses {
                switch clause {
                case .catch(let tag, let l):
                    let tt = try tagType(tag)
                    try checkMatches(tt.parameters, label: labelTypes(l), what: "catch payload")
                case .catchRef(let tag, let l):
                    let tt = try tagType(tag)
                    try checkMatches(tt.parameters + [Self.nonNullExn], label: labelTypes(l), what: "catch_ref payload")
                case .catchAll(let l):
                    try checkMatches([], label: labelTypes(l), what: "catch_all payload")
                case .catchAllRef(let l):
                    try checkMatches([Self.nonNullExn], label: labelTypes(l), what: "catch_all_ref payload")
                }
            }
            pushFrame(.tryTable, start: sig.parameters, end: sig.results)
        case .throw(let tag):
            let tt = try tagType(tag)
            try pop(tt.parameters)
            setUnreachable()
        case .throwRef:
            try pop(.exnref)
            setUnreachable()
        case .try(let bt):
            let sig = try blockSignature(bt)
            try pop(sig.parameters)
            pushFrame(.try, start: sig.parameters, end: sig.results)
        case .catch(let tag):
            guard let top = frames.last, top.kind == .try || top.kind == .catch else {
                throw error(frames.last?.kind == .catchAll ? "catch after catch_all" : "catch found outside a try block")
            }
            let tt = try tagType(tag)
            let frame = try popFrame()
            frames.append(ControlFrame(kind: .catch, startTypes: tt.parameters, endTypes: frame.endTypes,
                                       height: values.count, isUnreachable: false, initHeight: initLog.count))
            push(tt.parameters)
        case .catchAll:
            guard let top = frames.last, top.kind == .try || top.kind == .catch else {
                throw error(frames.last?.kind == .catchAll ? "catch_all after catch_all" : "catch_all found outside a try block")
            }
            let frame = try popFrame()
            pushFrame(.catchAll, start: [], end: frame.endTypes)
        case .delegate(let l):
            guard let top = frames.last, top.kind == .try else { throw error("delegate found outside a try block") }
            let frame = try popFrame()
            guard Int(l) < frames.count else { throw error("unknown label \(l)") }
            push(frame.endTypes)
        case .rethrow(let l):
            guard Int(l) < frames.count else { throw error("unknown label \(l)") }
            let k = frames[frames.count - 1 - Int(l)].kind
            guard k == .catch || k == .catchAll else { throw error("invalid rethrow label \(l)") }
            setUnreachable()

        case .tableGet(let x):
            let t = try table(x)
            try pop(t.addressType.valueType)
            push(.ref(t.elementType))
        case .tableSet(let x):
            let t = try table(x)
            try pop(.ref(t.elementType))
            try pop(t.addressType.valueType)
        case .tableSize(let x):
            let t = try table(x)
            push(t.addressType.valueType)
        case .tableGrow(let x):
            let t = try table(x)
            try pop(t.addressType.valueType)
            try pop(.ref(t.elementType))
            push(t.addressType.valueType)
        case .tableFill(let x):
            let t = try table(x)
            try pop(t.addressType.valueType)
            try pop(.ref(t.elementType))
            try pop(t.addressType.valueType)
        case .tableCopy(let d, let s):
            let dt = try table(d)
            let st = try table(s)
            guard box.context.typeTable.isSubtype(st.elementType, of: dt.elementType) else {
                throw error("type mismatch: table.copy from \(ValueType.ref(st.elementType).validationDescription) to \(ValueType.ref(dt.elementType).validationDescription)")
            }
            let n: ValueType = (dt.addressType == .i64 && st.addressType == .i64) ? .i64 : .i32
            try pop(n)
            try pop(st.addressType.valueType)
            try pop(dt.addressType.valueType)
        case .tableInit(let e, let x):
            let t = try table(x)
            let et = try checkElementSegment(e)
            guard box.context.typeTable.isSubtype(et, of: t.elementType) else {
                throw error("type mismatch: table.init of \(ValueType.ref(et).validationDescription) into table of \(ValueType.ref(t.elementType).validationDescription)")
            }
            try pop(.i32)
            try pop(.i32)
            try pop(t.addressType.valueType)
        case .elemDrop(let e):
            _ = try checkElementSegment(e)

        case .memorySize(let m):
            push(try memory(m).addressType.valueType)
        case .memoryGrow(let m):
            let at = try memory(m).addressType.valueType
            try pop(at)
            push(at)
        case .memoryFill(let m):
            let at = try memory(m).addressType.valueType
            try pop(at)
            try pop(.i32)
            try pop(at)
        case .memoryCopy(let d, let s):
            let dm = try memory(d)
            let sm = try memory(s)
            let n: ValueType = (dm.addressType == .i64 && sm.addressType == .i64) ? .i64 : .i32
            try pop(n)
            try pop(sm.addressType.valueType)
            try pop(dm.addressType.valueType)
        case .memoryInit(let x, let m):
            let at = try memory(m).addressType.valueType
            try checkDataSegment(x)
            try pop(.i32)
            try pop(.i32)
            try pop(at)
        case .dataDrop(let x):
            try checkDataSegment(x)

        case .refNull(let h):
            do { try box.context.typeTable.check(h) } catch { throw self.error(error.message) }
            push(.ref(RefType(nullable: true, h)))
        case .refIsNull:
            _ = try popReference()
            push(.i32)
        case .refFunc(let f):
            guard Int(f) < box.context.functionTypeIndices.count else { throw error("unknown function \(f)") }
            guard box.context.isDeclaredFunctionReference(f) else { throw error("undeclared function reference \(f)") }
            push(.ref(RefType(nullable: false, .concrete(box.context.functionTypeIndices[Int(f)]))))
        case .refAsNonNull:
            if let r = try popReference() {
                push(.ref(RefType(nullable: false, r.heapType)))
            } else {
                push(nil)
            }
        case .refEq:
            try pop(Self.eqref)
            try pop(Self.eqref)
            push(.i32)
        case .brOnNull(let l):
            let r = try popReference()
            let types = try labelTypes(l)
            try pop(types)
            push(types)
            if let r { push(.ref(RefType(nullable: false, r.heapType))) } else { push(nil) }
        case .brOnNonNull(let l):
            let types = try labelTypes(l)
            guard let last = types.last, case .ref = last else {
                throw error("type mismatch: br_on_non_null target \(describeTypes(types)) must end in a reference type")
            }
            let r = try popReference()
            if let r, !box.context.typeTable.isSubtype(.ref(RefType(nullable: false, r.heapType)), of: last) {
                throw error("type mismatch: br_on_non_null operand \(ValueType.ref(r).validationDescription) does not match label \(describeTypes(types))")
            }
            let rest = Array(types.dropLast())
            try pop(rest)
            push(rest)
        }
    }

    private func callIndirectType(typeIndex ti: UInt32, table tab: UInt32) throws(ValidationError) -> FunctionType {
        let t = try table(tab)
        guard box.context.typeTable.isSubtype(t.elementType, of: .funcref) else {
            throw error("type mismatch: call_indirect on table of \(ValueType.ref(t.elementType).validationDescription)")
        }
        let ft = try functionType(ofTypeIndex: ti)
        return ft
    }

    @inline(__always) private mutating func markInitialized(_ i: Int) {
        if !initialized[i] {
            initialized[i] = true
            initLog.append(i)
        }
    }
}

/// Precomputed operand/result types of a numeric instruction.
struct NumericSignature: Sendable {
    var operand: ValueType
    var isBinary: Bool
    var result: ValueType

    /// Dense table index of an op: one-byte opcodes first, then 0xFC-prefixed ones.
    @inline(__always) static func slot(_ op: NumericOp) -> Int {
        let raw = Int(op.rawValue)
        return raw < 0x100 ? raw - 0x45 : 0x80 + (raw & 0xFF)
    }

    static let table: [NumericSignature] = {
        var t = [NumericSignature](repeating: NumericSignature(operand: .i32, isBinary: false, result: .i32), count: 0x90)
        for op in NumericOp.allCases {
            let params = op.parameterTypes
            t[slot(op)] = NumericSignature(operand: params[0], isBinary: params.count == 2, result: op.resultType)
        }
        return t
    }()

    @inline(__always) static func of(_ op: NumericOp) -> NumericSignature { table[slot(op)] }
}

/// Reference wrapper so that `FunctionValidator` does not copy the whole context.
final class ContextBox: Sendable {
    let context: ValidationContext
    init(_ context: ValidationContext) { self.context = context }
}
