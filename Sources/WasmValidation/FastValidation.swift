import WasmBinary
import WasmCore

// The validator's fast path: the common instructions checked straight from the body's bytes, without decoding
// them into `Instruction`. It only ever accepts: an instruction it commits is one `validate(_:at:)` accepts,
// leaving the same state. Anything else (an unusual encoding, an immediate or operand it does not handle, any
// error) stops it at the instruction's first byte, and the caller decodes and validates that instruction the
// general way, which reports errors with their message and offset.

/// Fast-path code of an operand type: 1 to 4 for i32, i64, f32 and f64; 0 for anything else (vectors,
/// references, the unknown type of unreachable code).
@inline(__always) func numericCode(_ t: ValueType?) -> UInt8 {
    switch t {
    case .i32?: 1
    case .i64?: 2
    case .f32?: 3
    case .f64?: 4
    default: 0
    }
}

/// The value type of a non-zero `numericCode`.
@inline(__always) func numericType(_ code: UInt8) -> ValueType {
    switch code {
    case 1: .i32
    case 2: .i64
    case 3: .f32
    default: .f64
    }
}

/// The operand shapes of the instructions the fast path takes from a table: indexed by opcode for one-byte
/// opcodes, by 256 + sub-opcode for those of prefix 0xFC with a sub-opcode below 8 (0: not in the table).
///
/// Numeric instructions (`NumericOp`): `result | first << 4 | second << 8 | arity << 12` (operand codes, the
/// first one deepest; `second` is 0 for unary ones). Loads and stores (`LoadOp`, `StoreOp`):
/// `value | log2(width) << 4 | kind << 12`, kind 4 for loads and 5 for stores.
let fastOpcodeShapes: [UInt16] = {
    var shapes = [UInt16](repeating: 0, count: 256 + 8)
    for op in NumericOp.allCases {
        let index: Int
        if op.rawValue < 0x100 {
            index = Int(op.rawValue)
        } else if op.rawValue >> 8 == 0xFC, op.rawValue & 0xFF < 8 {
            index = 256 + Int(op.rawValue & 0xFF)
        } else {
            continue
        }
        let params = op.parameterTypes.map(numericCode)
        let result = numericCode(op.resultType)
        guard result != 0, !params.contains(0), params.count == 1 || params.count == 2 else { continue }
        let second = params.count == 2 ? params[1] : 0
        shapes[index] = UInt16(result) | UInt16(params[0]) << 4 | UInt16(second) << 8
            | UInt16(params.count) << 12
    }
    for op in LoadOp.allCases {
        shapes[Int(op.rawValue)] = UInt16(numericCode(op.resultType))
            | UInt16(op.byteWidth.trailingZeroBitCount) << 4 | 4 << 12
    }
    for op in StoreOp.allCases {
        shapes[Int(op.rawValue)] = UInt16(numericCode(op.valueType))
            | UInt16(op.byteWidth.trailingZeroBitCount) << 4 | 5 << 12
    }
    return shapes
}()

/// A list of types summarised for the fast path: 0 if empty, its `numericCode` if it is one numeric type,
/// 0xFF otherwise.
func fastShape(_ types: [ValueType]) -> UInt8 {
    if types.isEmpty { return 0 }
    if types.count == 1 {
        let code = numericCode(types[0])
        if code != 0 { return code }
    }
    return 0xFF
}

/// The `fastSignature` of a type that is not a function type, or not one the fast path handles.
let noFastSignature = UInt64.max

/// A function type summarised for the fast path: its parameter count in bits 0-3, its result count in bits 4-7,
/// then the `numericCode` of each parameter (deepest first) and result, 3 bits each from bit 8.
/// `noFastSignature` unless every type is numeric and there are at most 18 in all.
func fastSignature(_ type: FunctionType?) -> UInt64 {
    guard let type else { return noFastSignature }
    let all = type.parameters + type.results
    guard type.parameters.count < 15, type.results.count < 15, all.count <= 18 else { return noFastSignature }
    var signature = UInt64(type.parameters.count) | UInt64(type.results.count) << 4
    var shift: UInt64 = 8
    for t in all {
        let code = numericCode(t)
        guard code != 0 else { return noFastSignature }
        signature |= UInt64(code) << shift
        shift += 3
    }
    return signature
}

/// Reads a LEB128 unsigned integer of at most 4 bytes (so always within 32 bits) at `code[p]`; nil, with `p`
/// unchanged, if it is longer or runs past the end.
@inline(__always) func fastU32(_ code: [UInt8], _ p: inout Int) -> UInt32? {
    guard p < code.count else { return nil }
    let b0 = code[p]
    if b0 < 0x80 {
        p &+= 1
        return UInt32(b0)
    }
    var result = UInt32(b0 & 0x7F)
    var i = p &+ 1
    var shift: UInt32 = 7
    while i < code.count, shift < 28 {
        let b = code[i]
        result |= UInt32(b & 0x7F) &<< shift
        i &+= 1
        if b < 0x80 {
            p = i
            return result
        }
        shift &+= 7
    }
    return nil
}

/// Skips a LEB128 integer of at most `maxBytes` bytes at `code[p]` (few enough that any value fits the
/// immediate's type); false, with `p` unchanged, if it is longer or runs past the end.
@inline(__always) func fastSkipLEB(_ code: [UInt8], _ p: inout Int, maxBytes: Int) -> Bool {
    var i = p
    let limit = Swift.min(code.count, p &+ maxBytes)
    while i < limit {
        let b = code[i]
        i &+= 1
        if b < 0x80 {
            p = i
            return true
        }
    }
    return false
}

extension FunctionValidator {
    /// The `numericCode` of the operand `depth` entries below the top if it lies above the current frame's base,
    /// else 0.
    @inline(__always) private func codeBelowTop(_ depth: Int) -> UInt8 {
        let i = values.count &- 1 &- depth
        guard i >= states[states.count &- 1].height else { return 0 }
        return numericCode(values[i])
    }

    /// Whether the operands from `depth` entries below the top lie above the current frame's base and are
    /// exactly the types of `shape` (`fastShape`): a branch to a label of that shape can take them.
    @inline(__always) private func fits(_ shape: UInt8, below depth: Int) -> Bool {
        if shape == 0 { return true }
        return shape != 0xFF && codeBelowTop(depth) == shape
    }

    /// Applies a call of `signature` (`fastSignature`) whose arguments lie `depth` entries below the top (the
    /// `depth` operands above them are popped too): false, changing nothing, unless the arguments lie above the
    /// current frame's base and are exactly the parameters.
    @inline(__always) private mutating func applyCall(_ signature: UInt64, below depth: Int) -> Bool {
        guard signature != noFastSignature else { return false }
        let parameterCount = Int(signature & 0xF)
        let n = values.count &- depth
        guard n &- states[states.count &- 1].height >= parameterCount else { return false }
        var codes = signature >> 8
        var k = n &- parameterCount
        while k < n {
            guard numericCode(values[k]) == UInt8(codes & 7) else { return false }
            codes >>= 3
            k &+= 1
        }
        dropOperands(downTo: values.count &- parameterCount &- depth)
        for _ in 0 ..< (signature >> 4) & 0xF {
            values.append(numericType(UInt8(codes & 7)))
            codes >>= 3
        }
        return true
    }

    /// Validates the instructions of `code` (read also by `reader`, which must be at its start) up to the
    /// function's final `end`; leaves `reader` after it. Returns the greatest operand stack height reached.
    ///
    /// Each fast-path step is a small function of its own (the whole would be too large for the compiler to
    /// inline the array operations; only the smallest and most frequent, `local.get`, is inlined here); each
    /// returns false, changing nothing, for what it does not handle.
    mutating func validateBody(_ code: [UInt8], reader: inout InstructionReader) throws(ValidationError) -> Int {
        let shapes = fastOpcodeShapes
        let memory0 = context.memories.isEmpty ? 0 : numericCode(context.memories[0].addressType.valueType)
        var maxOperandHeight = 0
        var p = 0
        defer { reader.position = p }
        while !states.isEmpty {
            guard p < code.count else {
                reader.position = p
                throw ValidationError("END opcode expected", offset: reader.offset)
            }
            let op = code[p]
            var q = p &+ 1
            let handled: Bool
            switch op {
            case 0x45 ... 0xC4, 0xFC: handled = fastNumeric(op, code, &q, shapes)
            case 0x28 ... 0x3E: handled = fastMemoryAccess(op, code, &q, shapes, memory0)
            case 0x20: handled = fastLocalGet(code, &q)
            case 0x21, 0x22: handled = fastLocalSet(op, code, &q)
            case 0x23, 0x24: handled = fastGlobal(op, code, &q)
            case 0x41 ... 0x44: handled = fastConstant(op, code, &q)
            case 0x02, 0x03, 0x04: handled = fastBlock(op, code, &q)
            case 0x05, 0x0B: handled = fastElseOrEnd(op)
            case 0x0C, 0x0D, 0x0E, 0x0F: handled = fastBranch(op, code, &q)
            case 0x10, 0x11: handled = fastCall(op, code, &q)
            case 0x00, 0x01, 0x1A, 0x1B: handled = fastParametric(op)
            default: handled = false
            }
            if handled {
                p = q
            } else {
                // Any other instruction, or an unusual form: decoded and validated the general way.
                p = try validateGeneral(at: p, reader: &reader)
            }
            if values.count > maxOperandHeight { maxOperandHeight = values.count }
        }
        return maxOperandHeight
    }

    /// Numeric instructions (the table's), with their operands exactly typed on the stack.
    @inline(never)
    private mutating func fastNumeric(_ op: UInt8, _ code: [UInt8], _ q: inout Int, _ shapes: [UInt16]) -> Bool {
        var index = Int(op)
        var next = q
        if op == 0xFC {
            guard next < code.count, code[next] < 8 else { return false }
            index = 256 &+ Int(code[next])
            next &+= 1
        }
        let shape = shapes[index]
        guard shape != 0 else { return false }
        let n = values.count
        let first = UInt8((shape >> 4) & 0xF)
        if shape >> 12 == 1 {
            guard codeBelowTop(0) == first else { return false }
            values[n &- 1] = numericType(UInt8(shape & 0xF))
        } else {
            guard codeBelowTop(0) == UInt8((shape >> 8) & 0xF), codeBelowTop(1) == first else { return false }
            values.removeLast()
            values[n &- 2] = numericType(UInt8(shape & 0xF))
        }
        q = next
        return true
    }

    /// Loads and stores of memory 0 (`address`: the `numericCode` of its address type, 0 if there is none), with a
    /// one-byte alignment and an offset below 2^28.
    @inline(never)
    private mutating func fastMemoryAccess(_ op: UInt8, _ code: [UInt8], _ q: inout Int, _ shapes: [UInt16],
                                           _ address: UInt8) -> Bool {
        guard address != 0, q < code.count else { return false }
        let shape = shapes[Int(op)]
        guard code[q] <= UInt8((shape >> 4) & 0xF) else { return false }
        var next = q &+ 1
        guard fastSkipLEB(code, &next, maxBytes: 4) else { return false }
        let value = UInt8(shape & 0xF)
        if shape >> 12 == 4 {
            guard codeBelowTop(0) == address else { return false }
            values[values.count &- 1] = numericType(value)
        } else {
            guard codeBelowTop(0) == value, codeBelowTop(1) == address else { return false }
            values.removeLast()
            values.removeLast()
        }
        q = next
        return true
    }

    /// `local.get` of an initialised local.
    @inline(__always)
    private mutating func fastLocalGet(_ code: [UInt8], _ q: inout Int) -> Bool {
        var next = q
        guard let x = fastU32(code, &next) else { return false }
        let i = Int(x)
        guard i < locals.count, initialized.isEmpty || initialized[i] else { return false }
        values.append(locals[i])
        q = next
        return true
    }

    /// `local.set` and `local.tee` of a numeric local, with an operand of exactly its type.
    @inline(never)
    private mutating func fastLocalSet(_ op: UInt8, _ code: [UInt8], _ q: inout Int) -> Bool {
        var next = q
        guard let x = fastU32(code, &next) else { return false }
        let i = Int(x)
        guard i < locals.count else { return false }
        let type = numericCode(locals[i])
        guard type != 0, codeBelowTop(0) == type else { return false }
        if op == 0x21 { values.removeLast() }
        markInitialized(i)
        q = next
        return true
    }

    /// `global.get`, and `global.set` of a mutable numeric global with an operand of exactly its type.
    @inline(never)
    private mutating func fastGlobal(_ op: UInt8, _ code: [UInt8], _ q: inout Int) -> Bool {
        var next = q
        let globals = context.globals
        guard let x = fastU32(code, &next), Int(x) < globals.count else { return false }
        let g = globals[Int(x)]
        if op == 0x23 {
            values.append(g.valueType)
        } else {
            let type = numericCode(g.valueType)
            guard g.isMutable, type != 0, codeBelowTop(0) == type else { return false }
            values.removeLast()
        }
        q = next
        return true
    }

    /// The constants, integers in a LEB128 short enough to be in range.
    @inline(never)
    private mutating func fastConstant(_ op: UInt8, _ code: [UInt8], _ q: inout Int) -> Bool {
        var next = q
        switch op {
        case 0x41:
            guard fastSkipLEB(code, &next, maxBytes: 4) else { return false }
            values.append(.i32)
        case 0x42:
            guard fastSkipLEB(code, &next, maxBytes: 9) else { return false }
            values.append(.i64)
        case 0x43:
            guard code.count &- next >= 4 else { return false }
            next &+= 4
            values.append(.f32)
        default:
            guard code.count &- next >= 8 else { return false }
            next &+= 8
            values.append(.f64)
        }
        q = next
        return true
    }

    /// `block`, `loop` and `if` with an empty or one-value block type.
    @inline(never)
    private mutating func fastBlock(_ op: UInt8, _ code: [UInt8], _ q: inout Int) -> Bool {
        guard q < code.count else { return false }
        let results: [ValueType]
        switch code[q] {
        case 0x40: results = []
        case 0x7F: results = ValidationContext.i32List
        case 0x7E: results = ValidationContext.i64List
        case 0x7D: results = ValidationContext.f32List
        case 0x7C: results = ValidationContext.f64List
        default: return false
        }
        let kind: ControlKind
        if op == 0x04 {
            guard codeBelowTop(0) == 1 else { return false }
            values.removeLast()
            kind = .if
        } else {
            kind = op == 0x02 ? .block : .loop
        }
        appendFrame(ControlFrame(kind: kind, startTypes: [], endTypes: results, height: values.count,
                                 isUnreachable: false, initHeight: initLog.count))
        q &+= 1
        return true
    }

    /// `else` of an `if` without parameters, and `end`, with the block's results exactly on the stack.
    @inline(never)
    private mutating func fastElseOrEnd(_ op: UInt8) -> Bool {
        let top = states.count &- 1
        let state = states[top]
        let shape = state.endShape
        guard values.count &- state.height == (shape == 0 ? 0 : 1), fits(shape, below: 0) else { return false }
        if op == 0x05 {
            guard state.kind == .if, state.startShape == 0 else { return false }
            if shape != 0 { values.removeLast() }
            resetInitialized(downTo: state.initHeight)
            turnIfIntoElse()
        } else {
            guard state.kind != .if || (shape == 0 && state.startShape == 0) else { return false }
            removeLastFrame()
            resetInitialized(downTo: state.initHeight)
        }
        return true
    }

    /// `br`, `br_if` and `return` with the label's operands exactly on the stack; `br_table` whose targets all
    /// take no operands.
    @inline(never)
    private mutating func fastBranch(_ op: UInt8, _ code: [UInt8], _ q: inout Int) -> Bool {
        var next = q
        let top = states.count &- 1
        switch op {
        case 0x0C:
            guard let l = fastU32(code, &next), Int(l) < states.count, fits(states[top &- Int(l)].labelShape, below: 0)
            else { return false }
            setUnreachable()
        case 0x0D:
            guard let l = fastU32(code, &next), Int(l) < states.count, codeBelowTop(0) == 1,
                  fits(states[top &- Int(l)].labelShape, below: 1) else { return false }
            values.removeLast()
        case 0x0E:
            guard let count = fastU32(code, &next), Int(count) < code.count &- next, codeBelowTop(0) == 1 else {
                return false
            }
            for _ in 0 ... count {
                guard let l = fastU32(code, &next), Int(l) < states.count, states[top &- Int(l)].labelShape == 0 else {
                    return false
                }
            }
            values.removeLast()
            setUnreachable()
        default:
            guard fits(states[0].endShape, below: 0) else { return false }
            setUnreachable()
        }
        q = next
        return true
    }

    /// `call`, and `call_indirect` through a funcref table of 32-bit addresses, of a function type the fast path
    /// summarises, with the arguments exactly on the stack.
    @inline(never)
    private mutating func fastCall(_ op: UInt8, _ code: [UInt8], _ q: inout Int) -> Bool {
        var next = q
        if op == 0x10 {
            let signatures = context.fastFunctionSignatures
            guard let f = fastU32(code, &next), Int(f) < signatures.count, applyCall(signatures[Int(f)], below: 0)
            else { return false }
        } else {
            let signatures = context.fastTypeSignatures
            let tables = context.tables
            guard let ti = fastU32(code, &next), let tab = fastU32(code, &next), Int(tab) < tables.count,
                  Int(ti) < signatures.count else { return false }
            let table = tables[Int(tab)]
            guard table.elementType == .funcref, table.addressType == .i32, codeBelowTop(0) == 1,
                  applyCall(signatures[Int(ti)], below: 1) else { return false }
        }
        q = next
        return true
    }

    /// `unreachable`, `nop`, `drop`, and `select` of two numeric operands of the same type.
    @inline(never)
    private mutating func fastParametric(_ op: UInt8) -> Bool {
        switch op {
        case 0x00:
            setUnreachable()
        case 0x01:
            break
        case 0x1A:
            guard values.count > states[states.count &- 1].height else { return false }
            values.removeLast()
        default:
            let t = codeBelowTop(1)
            guard codeBelowTop(0) == 1, t != 0, codeBelowTop(2) == t else { return false }
            values.removeLast()
            values.removeLast()
        }
        return true
    }

    /// Decodes the instruction at `position` with `reader` and validates it; returns the position after it.
    @inline(never)
    private mutating func validateGeneral(at position: Int, reader: inout InstructionReader) throws(ValidationError) -> Int {
        reader.position = position
        let offset = reader.offset
        let instruction: Instruction
        do { instruction = try reader.read() } catch { throw ValidationError(error.message, offset: error.offset) }
        try validate(instruction, at: offset)
        return reader.position
    }

    /// Marks uninitialised again the locals initialised since the local-initialisation log had `height` entries.
    @inline(__always) private mutating func resetInitialized(downTo height: Int) {
        while initLog.count > height {
            initialized[initLog.removeLast()] = false
        }
    }
}
