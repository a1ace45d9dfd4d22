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

/// What the validator consults of a control frame on most instructions, without its type lists: reading it
/// copies no array (the frame stack keeps one for each `ControlFrame`).
struct FrameState {
    var kind: ControlKind
    var height: Int
    var isUnreachable: Bool
    var initHeight: Int
    /// `startTypes` and `endTypes` summarised for the fast path (`fastShape`).
    var startShape: UInt8
    var endShape: UInt8

    init(_ frame: ControlFrame) {
        kind = frame.kind
        height = frame.height
        isUnreachable = frame.isUnreachable
        initHeight = frame.initHeight
        startShape = fastShape(frame.startTypes)
        endShape = fastShape(frame.endTypes)
    }

    /// `labelTypes` summarised for the fast path.
    var labelShape: UInt8 { kind == .loop ? startShape : endShape }
}

/// Validates one function body, one instruction at a time (spec validation algorithm).
///
/// Feed every instruction of the body, including the final `end`, to `validate(_:at:)`, then call
/// `finish(at:)`. Between calls the operand and control stacks can be inspected.
public struct FunctionValidator {
    /// The module-level context.
    public let context: ValidationContext
    /// Parameters, then declared locals.
    public let locals: [ValueType]
    /// The function's type.
    public let type: FunctionType

    /// Operand types; nil is an unknown (bottom) type from unreachable code.
    var values: [ValueType?] = []
    /// The control stack. Change it only through `appendFrame`, `removeLastFrame` and `setUnreachable`, which
    /// keep `states` in step.
    private(set) var frames: [ControlFrame] = []
    /// `FrameState(frames[i])` for each frame.
    var states: [FrameState] = []
    /// Initialisation state of each local (only consulted for non-defaultable locals); empty when every local
    /// is defaultable, so always initialised.
    var initialized: [Bool]
    /// Locals initialised since the start of each open block (reset when the block ends).
    var initLog: [Int] = []
    /// Offset of the instruction being validated (for errors).
    private var offset: Int = 0

    /// Prepares validation of defined function `definedFunctionIndex` (0 = first non-imported function).
    @inline(__always)
    public init(context: ValidationContext, definedFunctionIndex: Int) throws(ValidationError) {
        // The module's arrays read where they are, without copying the module.
        let functions = context.storage.module.functions
        let bodies = context.storage.module.bodies
        guard definedFunctionIndex >= 0, definedFunctionIndex < functions.count, definedFunctionIndex < bodies.count
        else { throw ValidationError("unknown function \(definedFunctionIndex)") }
        let body = bodies[definedFunctionIndex]
        guard let ft = context.functionType(atTypeIndex: functions[definedFunctionIndex]) else {
            throw ValidationError("unknown type \(functions[definedFunctionIndex])", offset: body.codeOffset)
        }
        guard let total = body.localCount(parameterCount: ft.parameters.count) else {
            throw ValidationError("too many locals", offset: body.codeOffset)
        }
        var locals = ft.parameters
        if !body.locals.isEmpty { locals.reserveCapacity(total) }
        var initialized: [Bool] = []
        for d in body.locals {
            if d.type.isReference {
                do { try context.typeTable.check(d.type) } catch { throw ValidationError(error.message, offset: body.codeOffset) }
            }
            let defaultable = d.type.isDefaultable
            for _ in 0 ..< d.count {
                if !defaultable {
                    if initialized.isEmpty { initialized = [Bool](repeating: true, count: total) }
                    initialized[locals.count] = false
                }
                locals.append(d.type)
            }
        }
        self.context = context
        self.type = ft
        self.locals = locals
        self.initialized = initialized
        self.offset = body.codeOffset
        values.reserveCapacity(64)
        frames.reserveCapacity(16)
        states.reserveCapacity(16)
        appendFrame(ControlFrame(kind: .function, startTypes: [], endTypes: ft.results, height: 0,
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

    func error(_ message: String) -> ValidationError {
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

    @inline(__always) mutating func push(_ t: ValueType?) {
        values.append(t)
    }

    @inline(__always) mutating func push(_ ts: [ValueType]) {
        for t in ts { values.append(t) }
    }

    /// Pops any operand (nil if unknown).
    @inline(__always) mutating func pop() throws(ValidationError) -> ValueType? {
        let top = frames.count - 1
        if values.count == states[top].height {
            if states[top].isUnreachable { return nil }
            throw error("type mismatch: instruction requires an operand but stack is empty")
        }
        return values.removeLast()
    }

    /// Pops an operand that must match `expected`.
    @inline(__always) @discardableResult
    mutating func pop(_ expected: ValueType) throws(ValidationError) -> ValueType? {
        let top = frames.count - 1
        if values.count == states[top].height {
            if states[top].isUnreachable { return nil }
            throw mismatch(requires: expected)
        }
        let actual = values[values.count - 1]
        if let a = actual, a != expected, !context.typeTable.isSubtype(a, of: expected) {
            throw mismatch(requires: expected)
        }
        values.removeLast()
        return actual
    }

    /// Pops operands matching `types` (last type on top).
    private mutating func pop(_ types: [ValueType]) throws(ValidationError) {
        if types.isEmpty { return }
        let top = frames.count - 1
        let available = values.count - states[top].height
        let n = types.count
        if available < n && !states[top].isUnreachable { throw mismatch(requires: types) }
        for i in 0 ..< n {
            let depth = n - 1 - i
            guard depth < available else { continue }
            if let a = values[values.count - 1 - depth], a != types[i], !context.typeTable.isSubtype(a, of: types[i]) {
                throw mismatch(requires: types)
            }
        }
        values.removeLast(Swift.min(n, available))
    }

    /// Pops a reference operand (nil if unknown).
    private mutating func popReference() throws(ValidationError) -> RefType? {
        let top = frames.count - 1
        if values.count == states[top].height {
            if states[top].isUnreachable { return nil }
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
        appendFrame(ControlFrame(kind: kind, startTypes: start, endTypes: end, height: values.count,
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
        removeLastFrame()
        while initLog.count > frame.initHeight {
            initialized[initLog.removeLast()] = false
        }
        return frame
    }

    mutating func setUnreachable() {
        let i = states.count - 1
        dropOperands(downTo: states[i].height)
        frames[i].isUnreachable = true
        states[i].isUnreachable = true
    }

    /// Pops operands until `height` remain (one at a time: cheaper than a range removal for the few there are).
    @inline(__always) mutating func dropOperands(downTo height: Int) {
        while values.count > height { values.removeLast() }
    }

    /// Pushes a control frame.
    mutating func appendFrame(_ frame: ControlFrame) {
        frames.append(frame)
        states.append(FrameState(frame))
    }

    /// Pops the innermost control frame.
    mutating func removeLastFrame() {
        frames.removeLast()
        states.removeLast()
    }

    /// Turns the innermost frame, an `if`, into its `else` (the fast path's `else`, which keeps its height).
    mutating func turnIfIntoElse() {
        let i = states.count - 1
        frames[i].kind = .else
        frames[i].isUnreachable = false
        states[i].kind = .else
        states[i].isUnreachable = false
    }

    private func labelTypes(_ depth: UInt32) throws(ValidationError) -> [ValueType] {
        guard Int(depth) < frames.count else { throw error("unknown label \(depth)") }
        return frames[frames.count - 1 - Int(depth)].labelTypes
    }

    // MARK: Lookups

    private func functionType(ofTypeIndex i: UInt32) throws(ValidationError) -> FunctionType {
        guard let f = context.functionType(atTypeIndex: i) else {
            throw error(Int(i) < context.typeTable.types.count ? "type mismatch: type \(i) is not a function type" : "unknown type \(i)")
        }
        return f
    }

    private func blockSignature(_ bt: BlockType) throws(ValidationError) -> FunctionType {
        do { return try context.blockSignature(bt) } catch { throw self.error(error.message) }
    }

    func table(_ i: UInt32) throws(ValidationError) -> TableType {
        guard Int(i) < context.tables.count else { throw error("unknown table \(i)") }
        return context.tables[Int(i)]
    }

    func memory(_ i: UInt32) throws(ValidationError) -> MemoryType {
        guard Int(i) < context.memories.count else { throw error("unknown memory \(i)") }
        return context.memories[Int(i)]
    }

    private func tagType(_ i: UInt32) throws(ValidationError) -> FunctionType {
        guard Int(i) < context.tags.count else { throw error("unknown tag \(i)") }
        return try functionType(ofTypeIndex: context.tags[Int(i)].typeIndex)
    }

    func checkElementSegment(_ i: UInt32) throws(ValidationError) -> RefType {
        guard Int(i) < context.elementTypes.count else { throw error("unknown elem segment \(i)") }
        return context.elementTypes[Int(i)]
    }

    func checkDataSegment(_ i: UInt32) throws(ValidationError) {
        guard let n = context.module.dataCount else { throw error("data count section required") }
        guard i < n else { throw error("unknown data segment \(i)") }
    }

    func checkMemArg(_ m: MemArg, width: Int) throws(ValidationError) -> ValueType {
        let mem = try memory(m.memoryIndex)
        if m.alignLog2 > UInt32(width.trailingZeroBitCount) {
            throw error("alignment must not be larger than natural")
        }
        if mem.addressType == .i32 && m.offset > UInt64(UInt32.max) {
            throw error("offset out of range")
        }
        return mem.addressType.valueType
    }

    /// Checks a lane index against the number of lanes of the instruction's shape.
    func checkLane(_ lane: UInt8, count: Int) throws(ValidationError) {
        if Int(lane) >= count { throw error("invalid lane index \(lane): the shape has \(count) lanes") }
    }

    /// Checks the 16 lane indices of `i8x16.shuffle`: each selects one of the 32 bytes of its two operands.
    func checkShuffle(_ lanes: V128) throws(ValidationError) {
        if let bad = lanes.bytes.first(where: { $0 >= 32 }) {
            throw error("invalid lane index \(bad): i8x16.shuffle selects among 32 lanes")
        }
    }

    /// Checks that `callee` results can be returned as the caller's results (tail calls).
    private func checkTailCallResults(_ callee: FunctionType) throws(ValidationError) {
        let mine = type.results
        guard callee.results.count == mine.count else {
            throw error("type mismatch: tail call results \(describeTypes(callee.results)) do not match function results \(describeTypes(mine))")
        }
        for (a, b) in zip(callee.results, mine) where !context.typeTable.isSubtype(a, of: b) {
            throw error("type mismatch: tail call results \(describeTypes(callee.results)) do not match function results \(describeTypes(mine))")
        }
    }

    private func checkMatches(_ types: [ValueType], label: [ValueType], what: String) throws(ValidationError) {
        guard types.count == label.count else {
            throw error("type mismatch: \(what) \(describeTypes(types)) does not match label \(describeTypes(label))")
        }
        for (a, b) in zip(types, label) where !context.typeTable.isSubtype(a, of: b) {
            throw error("type mismatch: \(what) \(describeTypes(types)) does not match label \(describeTypes(label))")
        }
    }

    private static let nonNullExn = ValueType.ref(RefType(nullable: false, .exn))

    // MARK: Instructions

    /// Validates one instruction at absolute byte `offset`.
    public mutating func validate(_ instruction: Instruction, at offset: Int) throws(ValidationError) {
        self.offset = offset
        guard !frames.isEmpty else { throw error("section size mismatch: instructions after the end of the function") }
        try validateInstruction(instruction)
    }

    // The instructions with a regular type (a `params->results` row in Instructions/wasm.txt) are checked by
    // the generated `validateInstruction`, with these two for its common shapes; the others by the
    // `validate<Case>` methods below, which it calls.

    /// Pops `operand` and pushes `result` (in place when the operand is known to be exactly `operand`).
    @inline(__always)
    mutating func pop(_ operand: ValueType, push result: ValueType) throws(ValidationError) {
        let n = values.count
        if n > states[states.count - 1].height, values[n - 1] == operand {
            values[n - 1] = result
            return
        }
        try pop(operand)
        push(result)
    }

    /// Pops `second` then `first`, and pushes `result` (in place when both are known to be exactly those).
    @inline(__always)
    mutating func pop(_ first: ValueType, _ second: ValueType, push result: ValueType) throws(ValidationError) {
        let n = values.count
        if n - states[states.count - 1].height >= 2, values[n - 1] == second, values[n - 2] == first {
            values.removeLast()
            values[n - 2] = result
            return
        }
        try pop(second)
        try pop(first)
        push(result)
    }

    mutating func validateUnreachable() throws(ValidationError) {
        setUnreachable()
    }

    mutating func validateDrop() throws(ValidationError) {
        _ = try pop()
    }

    mutating func validateSelect(_ types: [ValueType]?) throws(ValidationError) {
        if let types {
            guard types.count == 1 else { throw error("invalid result arity") }
            let t = types[0]
            do { try context.typeTable.check(t) } catch { throw self.error(error.message) }
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
    }

    mutating func validateLocalGet(_ x: UInt32) throws(ValidationError) {
        let i = Int(x)
        guard i < locals.count else { throw error("unknown local \(x)") }
        guard initialized.isEmpty || initialized[i] else { throw error("uninitialized local \(x)") }
        push(locals[i])
    }

    mutating func validateLocalSet(_ x: UInt32) throws(ValidationError) {
        let i = Int(x)
        guard i < locals.count else { throw error("unknown local \(x)") }
        try pop(locals[i])
        markInitialized(i)
    }

    mutating func validateLocalTee(_ x: UInt32) throws(ValidationError) {
        let i = Int(x)
        guard i < locals.count else { throw error("unknown local \(x)") }
        try pop(locals[i])
        markInitialized(i)
        push(locals[i])
    }

    mutating func validateGlobalGet(_ x: UInt32) throws(ValidationError) {
        guard Int(x) < context.globals.count else { throw error("unknown global \(x)") }
        push(context.globals[Int(x)].valueType)
    }

    mutating func validateGlobalSet(_ x: UInt32) throws(ValidationError) {
        guard Int(x) < context.globals.count else { throw error("unknown global \(x)") }
        let g = context.globals[Int(x)]
        guard g.isMutable else { throw error("immutable global \(x): global is immutable") }
        try pop(g.valueType)
    }

    mutating func validateBlock(_ bt: BlockType) throws(ValidationError) {
        let sig = try blockSignature(bt)
        try pop(sig.parameters)
        pushFrame(.block, start: sig.parameters, end: sig.results)
    }

    mutating func validateLoop(_ bt: BlockType) throws(ValidationError) {
        let sig = try blockSignature(bt)
        try pop(sig.parameters)
        pushFrame(.loop, start: sig.parameters, end: sig.results)
    }

    mutating func validateIf(_ bt: BlockType) throws(ValidationError) {
        let sig = try blockSignature(bt)
        try pop(.i32)
        try pop(sig.parameters)
        pushFrame(.if, start: sig.parameters, end: sig.results)
    }

    mutating func validateElse() throws(ValidationError) {
        guard let top = frames.last, top.kind == .if else { throw error("else found outside an if block") }
        let frame = try popFrame()
        pushFrame(.else, start: frame.startTypes, end: frame.endTypes)
    }

    mutating func validateEnd() throws(ValidationError) {
        let frame = try popFrame()
        if frame.kind == .if {
            // An `if` without `else` behaves like an empty else: parameters must match results.
            try checkMatches(frame.startTypes, label: frame.endTypes, what: "if without else: parameters")
        }
        push(frame.endTypes)
    }

    mutating func validateBr(_ l: UInt32) throws(ValidationError) {
        try pop(labelTypes(l))
        setUnreachable()
    }

    mutating func validateBrIf(_ l: UInt32) throws(ValidationError) {
        let types = try labelTypes(l)
        try pop(.i32)
        try pop(types)
        push(types)
    }

    mutating func validateBrTable(_ labels: [UInt32], default defaultLabel: UInt32) throws(ValidationError) {
        try pop(.i32)
        let defaultTypes = try labelTypes(defaultLabel)
        let arity = defaultTypes.count
        let top = frames.count - 1
        let available = values.count - states[top].height
        let unreachable = states[top].isUnreachable
        for l in labels {
            let types = try labelTypes(l)
            guard types.count == arity else {
                throw error("type mismatch: br_table targets have different arities (\(types.count) vs \(arity))")
            }
            if !unreachable && available < arity { throw mismatch(requires: types) }
            for i in 0 ..< arity {
                let depth = arity - 1 - i
                guard depth < available else { continue }
                if let a = values[values.count - 1 - depth], !context.typeTable.isSubtype(a, of: types[i]) {
                    throw mismatch(requires: types)
                }
            }
        }
        try pop(defaultTypes)
        setUnreachable()
    }

    mutating func validateReturn() throws(ValidationError) {
        try pop(type.results)
        setUnreachable()
    }

    mutating func validateCall(_ f: UInt32) throws(ValidationError) {
        guard let ft = context.functionType(ofFunction: f) else { throw error("unknown function \(f)") }
        try pop(ft.parameters)
        push(ft.results)
    }

    mutating func validateReturnCall(_ f: UInt32) throws(ValidationError) {
        guard let ft = context.functionType(ofFunction: f) else { throw error("unknown function \(f)") }
        try checkTailCallResults(ft)
        try pop(ft.parameters)
        setUnreachable()
    }

    mutating func validateCallIndirect(typeIndex ti: UInt32, tableIndex tab: UInt32) throws(ValidationError) {
        let ft = try callIndirectType(typeIndex: ti, table: tab)
        try pop(context.tables[Int(tab)].addressType.valueType)
        try pop(ft.parameters)
        push(ft.results)
    }

    mutating func validateReturnCallIndirect(typeIndex ti: UInt32, tableIndex tab: UInt32) throws(ValidationError) {
        let ft = try callIndirectType(typeIndex: ti, table: tab)
        try checkTailCallResults(ft)
        try pop(context.tables[Int(tab)].addressType.valueType)
        try pop(ft.parameters)
        setUnreachable()
    }

    mutating func validateCallRef(typeIndex ti: UInt32) throws(ValidationError) {
        let ft = try functionType(ofTypeIndex: ti)
        try pop(.ref(RefType(nullable: true, .concrete(ti))))
        try pop(ft.parameters)
        push(ft.results)
    }

    mutating func validateReturnCallRef(typeIndex ti: UInt32) throws(ValidationError) {
        let ft = try functionType(ofTypeIndex: ti)
        try checkTailCallResults(ft)
        try pop(.ref(RefType(nullable: true, .concrete(ti))))
        try pop(ft.parameters)
        setUnreachable()
    }

    mutating func validateTryTable(_ bt: BlockType, _ clauses: [CatchClause]) throws(ValidationError) {
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
    }

    mutating func validateThrow(tagIndex tag: UInt32) throws(ValidationError) {
        let tt = try tagType(tag)
        try pop(tt.parameters)
        setUnreachable()
    }

    mutating func validateThrowRef() throws(ValidationError) {
        try pop(.exnref)
        setUnreachable()
    }

    mutating func validateTry(_ bt: BlockType) throws(ValidationError) {
        let sig = try blockSignature(bt)
        try pop(sig.parameters)
        pushFrame(.try, start: sig.parameters, end: sig.results)
    }

    mutating func validateCatch(tagIndex tag: UInt32) throws(ValidationError) {
        guard let top = frames.last, top.kind == .try || top.kind == .catch else {
            throw error(frames.last?.kind == .catchAll ? "catch after catch_all" : "catch found outside a try block")
        }
        let tt = try tagType(tag)
        let frame = try popFrame()
        appendFrame(ControlFrame(kind: .catch, startTypes: tt.parameters, endTypes: frame.endTypes,
                                 height: values.count, isUnreachable: false, initHeight: initLog.count))
        push(tt.parameters)
    }

    mutating func validateCatchAll() throws(ValidationError) {
        guard let top = frames.last, top.kind == .try || top.kind == .catch else {
            throw error(frames.last?.kind == .catchAll ? "catch_all after catch_all" : "catch_all found outside a try block")
        }
        let frame = try popFrame()
        pushFrame(.catchAll, start: [], end: frame.endTypes)
    }

    mutating func validateDelegate(_ l: UInt32) throws(ValidationError) {
        guard let top = frames.last, top.kind == .try else { throw error("delegate found outside a try block") }
        let frame = try popFrame()
        guard Int(l) < frames.count else { throw error("unknown label \(l)") }
        push(frame.endTypes)
    }

    mutating func validateRethrow(_ l: UInt32) throws(ValidationError) {
        guard Int(l) < frames.count else { throw error("unknown label \(l)") }
        let k = frames[frames.count - 1 - Int(l)].kind
        guard k == .catch || k == .catchAll else { throw error("invalid rethrow label \(l)") }
        setUnreachable()
    }

    mutating func validateTableCopy(destination d: UInt32, source s: UInt32) throws(ValidationError) {
        let dt = try table(d)
        let st = try table(s)
        guard context.typeTable.isSubtype(st.elementType, of: dt.elementType) else {
            throw error("type mismatch: table.copy from \(ValueType.ref(st.elementType).validationDescription) to \(ValueType.ref(dt.elementType).validationDescription)")
        }
        let n: ValueType = (dt.addressType == .i64 && st.addressType == .i64) ? .i64 : .i32
        try pop(n)
        try pop(st.addressType.valueType)
        try pop(dt.addressType.valueType)
    }

    mutating func validateTableInit(elementIndex e: UInt32, tableIndex x: UInt32) throws(ValidationError) {
        let t = try table(x)
        let et = try checkElementSegment(e)
        guard context.typeTable.isSubtype(et, of: t.elementType) else {
            throw error("type mismatch: table.init of \(ValueType.ref(et).validationDescription) into table of \(ValueType.ref(t.elementType).validationDescription)")
        }
        try pop(.i32)
        try pop(.i32)
        try pop(t.addressType.valueType)
    }

    mutating func validateMemoryCopy(destination d: UInt32, source s: UInt32) throws(ValidationError) {
        let dm = try memory(d)
        let sm = try memory(s)
        let n: ValueType = (dm.addressType == .i64 && sm.addressType == .i64) ? .i64 : .i32
        try pop(n)
        try pop(sm.addressType.valueType)
        try pop(dm.addressType.valueType)
    }

    mutating func validateRefNull(_ h: HeapType) throws(ValidationError) {
        do { try context.typeTable.check(h) } catch { throw self.error(error.message) }
        push(.ref(RefType(nullable: true, h)))
    }

    mutating func validateRefIsNull() throws(ValidationError) {
        _ = try popReference()
        push(.i32)
    }

    mutating func validateRefFunc(_ f: UInt32) throws(ValidationError) {
        guard Int(f) < context.functionTypeIndices.count else { throw error("unknown function \(f)") }
        guard context.isDeclaredFunctionReference(f) else { throw error("undeclared function reference \(f)") }
        push(.ref(RefType(nullable: false, .concrete(context.functionTypeIndices[Int(f)]))))
    }

    mutating func validateRefAsNonNull() throws(ValidationError) {
        if let r = try popReference() {
            push(.ref(RefType(nullable: false, r.heapType)))
        } else {
            push(nil)
        }
    }

    mutating func validateBrOnNull(_ l: UInt32) throws(ValidationError) {
        let r = try popReference()
        let types = try labelTypes(l)
        try pop(types)
        push(types)
        if let r { push(.ref(RefType(nullable: false, r.heapType))) } else { push(nil) }
    }

    mutating func validateBrOnNonNull(_ l: UInt32) throws(ValidationError) {
        let types = try labelTypes(l)
        guard let last = types.last, case .ref = last else {
            throw error("type mismatch: br_on_non_null target \(describeTypes(types)) must end in a reference type")
        }
        let r = try popReference()
        if let r, !context.typeTable.isSubtype(.ref(RefType(nullable: false, r.heapType)), of: last) {
            throw error("type mismatch: br_on_non_null operand \(ValueType.ref(r).validationDescription) does not match label \(describeTypes(types))")
        }
        let rest = Array(types.dropLast())
        try pop(rest)
        push(rest)
    }

    private func callIndirectType(typeIndex ti: UInt32, table tab: UInt32) throws(ValidationError) -> FunctionType {
        let t = try table(tab)
        guard context.typeTable.isSubtype(t.elementType, of: .funcref) else {
            throw error("type mismatch: call_indirect on table of \(ValueType.ref(t.elementType).validationDescription)")
        }
        let ft = try functionType(ofTypeIndex: ti)
        return ft
    }

    @inline(__always) mutating func markInitialized(_ i: Int) {
        if !initialized.isEmpty && !initialized[i] {
            initialized[i] = true
            initLog.append(i)
        }
    }
}
