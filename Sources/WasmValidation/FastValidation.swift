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
/// first one deepest; `second` is 0 for unary ones). Loads and stores (`LoadOp`, `StoreOp`): `value | log2(width)
/// << 4 | kind << 12`, kind 4 for loads and 5 for stores.
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
        values.removeLast(parameterCount &+ depth)
        for _ in 0 ..< (signature >> 4) & 0xF {
            values.append(numericType(UInt8(codes & 7)))
            codes >>= 3
        }
        return true
    }

    /// Validates the instructions of `code` (read also by `reader`, which must be at its start) up to the
    /// function's final `end`; leaves `reader` after it. Returns the greatest operand stack height reached.
    mutating func validateBody(_ code: [UInt8], reader: inout InstructionReader) throws(ValidationError) -> Int {
        let shapes = fastOpcodeShapes
        let globals = context.globals
        let functionSignatures = context.fastFunctionSignatures
        let typeSignatures = context.fastTypeSignatures
        let memory0: ValueType? = context.memories.isEmpty ? nil : context.memories[0].addressType.valueType
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
            let top = states.count &- 1
            fast: do {
            switch op {
            case 0x45 ... 0xC4, 0xFC:
                var index = Int(op)
                if op == 0xFC {
                    guard q < code.count, code[q] < 8 else { break fast }
                    index = 256 &+ Int(code[q])
                    q &+= 1
                }
                let shape = shapes[index]
                guard shape != 0 else { break fast }
                let n = values.count
                let first = UInt8((shape >> 4) & 0xF)
                if shape >> 12 == 1 {
                    guard codeBelowTop(0) == first else { break fast }
                    values[n &- 1] = numericType(UInt8(shape & 0xF))
                } else {
                    guard codeBelowTop(0) == UInt8((shape >> 8) & 0xF), codeBelowTop(1) == first else { break fast }
                    values.removeLast()
                    values[n &- 2] = numericType(UInt8(shape & 0xF))
                }
            case 0x28 ... 0x3E:
                // Loads and stores of memory 0, with a one-byte alignment and an offset below 2^28.
                guard let address = memory0, q < code.count else { break fast }
                let align = code[q]
                let shape = shapes[Int(op)]
                guard align <= UInt8((shape >> 4) & 0xF) else { break fast }
                q &+= 1
                guard fastSkipLEB(code, &q, maxBytes: 4) else { break fast }
                let value = UInt8(shape & 0xF)
                let n = values.count
                if shape >> 12 == 4 {
                    guard n > states[top].height, let a = values[n &- 1], a == address else { break fast }
                    values[n &- 1] = numericType(value)
                } else {
                    guard codeBelowTop(0) == value, codeBelowTop(1) != 0, let a = values[n &- 2], a == address else {
                        break fast
                    }
                    values.removeLast(2)
                }
            case 0x20:  // local.get
                guard let x = fastU32(code, &q) else { break fast }
                let i = Int(x)
                guard i < locals.count, initialized[i] else { break fast }
                values.append(locals[i])
            case 0x21, 0x22:  // local.set, local.tee
                guard let x = fastU32(code, &q) else { break fast }
                let i = Int(x)
                let n = values.count
                guard i < locals.count, n > states[top].height, let v = values[n &- 1], v == locals[i] else { break fast }
                if op == 0x21 { values.removeLast() }
                markInitialized(i)
            case 0x23:  // global.get
                guard let x = fastU32(code, &q), Int(x) < globals.count else { break fast }
                values.append(globals[Int(x)].valueType)
            case 0x24:  // global.set
                guard let x = fastU32(code, &q), Int(x) < globals.count else { break fast }
                let g = globals[Int(x)]
                let n = values.count
                guard g.isMutable, n > states[top].height, let v = values[n &- 1], v == g.valueType else { break fast }
                values.removeLast()
            case 0x41:  // i32.const
                guard fastSkipLEB(code, &q, maxBytes: 4) else { break fast }
                values.append(.i32)
            case 0x42:  // i64.const
                guard fastSkipLEB(code, &q, maxBytes: 9) else { break fast }
                values.append(.i64)
            case 0x43:  // f32.const
                guard code.count &- q >= 4 else { break fast }
                q &+= 4
                values.append(.f32)
            case 0x44:  // f64.const
                guard code.count &- q >= 8 else { break fast }
                q &+= 8
                values.append(.f64)
            case 0x02, 0x03, 0x04:  // block, loop, if with an empty or one-value block type
                guard q < code.count else { break fast }
                let results: [ValueType]
                switch code[q] {
                case 0x40: results = []
                case 0x7F: results = ValidationContext.i32List
                case 0x7E: results = ValidationContext.i64List
                case 0x7D: results = ValidationContext.f32List
                case 0x7C: results = ValidationContext.f64List
                default: break fast
                }
                q &+= 1
                let kind: ControlKind
                if op == 0x04 {
                    guard codeBelowTop(0) == 1 else { break fast }
                    values.removeLast()
                    kind = .if
                } else {
                    kind = op == 0x02 ? .block : .loop
                }
                appendFrame(ControlFrame(kind: kind, startTypes: [], endTypes: results, height: values.count,
                                         isUnreachable: false, initHeight: initLog.count))
            case 0x05:  // else of an `if` without parameters, its results on the stack
                let shape = states[top].endShape
                guard states[top].kind == .if, states[top].startShape == 0,
                      values.count &- states[top].height == (shape == 0 ? 0 : 1), fits(shape, below: 0) else {
                    break fast
                }
                if shape != 0 { values.removeLast() }
                resetInitialized(downTo: states[top].initHeight)
                turnIfIntoElse()
            case 0x0B:  // end, the block's results on the stack
                let shape = states[top].endShape
                guard values.count &- states[top].height == (shape == 0 ? 0 : 1), fits(shape, below: 0),
                      states[top].kind != .if || (shape == 0 && states[top].startShape == 0) else { break fast }
                let initHeight = states[top].initHeight
                removeLastFrame()
                resetInitialized(downTo: initHeight)
            case 0x0C:  // br
                guard let l = fastU32(code, &q), Int(l) < states.count,
                      fits(states[top &- Int(l)].labelShape, below: 0) else { break fast }
                setUnreachable()
            case 0x0D:  // br_if
                guard let l = fastU32(code, &q), Int(l) < states.count, codeBelowTop(0) == 1,
                      fits(states[top &- Int(l)].labelShape, below: 1) else { break fast }
                values.removeLast()
            case 0x0E:  // br_table whose targets all take no operands
                guard let count = fastU32(code, &q), Int(count) < code.count &- q, codeBelowTop(0) == 1 else {
                    break fast
                }
                for _ in 0 ... count {
                    guard let l = fastU32(code, &q), Int(l) < states.count, states[top &- Int(l)].labelShape == 0 else {
                        break fast
                    }
                }
                values.removeLast()
                setUnreachable()
            case 0x0F:  // return
                guard fits(states[0].endShape, below: 0) else { break fast }
                setUnreachable()
            case 0x10:  // call
                guard let f = fastU32(code, &q), Int(f) < functionSignatures.count,
                      applyCall(functionSignatures[Int(f)], below: 0) else { break fast }
            case 0x11:  // call_indirect through a funcref table of 32-bit addresses
                guard let ti = fastU32(code, &q), let tab = fastU32(code, &q), Int(tab) < context.tables.count,
                      Int(ti) < typeSignatures.count else { break fast }
                let table = context.tables[Int(tab)]
                guard table.elementType == .funcref, table.addressType == .i32, codeBelowTop(0) == 1,
                      applyCall(typeSignatures[Int(ti)], below: 1) else { break fast }
            case 0x1A:  // drop
                guard values.count > states[top].height else { break fast }
                values.removeLast()
            case 0x1B:  // select of two numeric operands of the same type
                let t = codeBelowTop(1)
                guard codeBelowTop(0) == 1, t != 0, codeBelowTop(2) == t else { break fast }
                values.removeLast(2)
            case 0x00:  // unreachable
                setUnreachable()
            case 0x01:  // nop
                break
            default:
                break fast
            }
            p = q
            if values.count > maxOperandHeight { maxOperandHeight = values.count }
            continue
            }
            // Any other instruction, or an unusual form: decoded and validated the general way.
            p = try validateGeneral(at: p, reader: &reader)
            if values.count > maxOperandHeight { maxOperandHeight = values.count }
        }
        return maxOperandHeight
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
