/// The immediate of a memory access: alignment exponent, memory index and static offset.
public struct MemArg: Hashable, Sendable {
    /// log2 of the alignment hint.
    public var alignLog2: UInt32
    public var memoryIndex: UInt32
    public var offset: UInt64

    public init(alignLog2: UInt32, memoryIndex: UInt32 = 0, offset: UInt64) {
        self.alignLog2 = alignLog2
        self.memoryIndex = memoryIndex
        self.offset = offset
    }
}

/// A clause of `try_table`.
public enum CatchClause: Hashable, Sendable {
    /// `catch tag label`: push the payload, branch.
    case `catch`(tag: UInt32, label: UInt32)
    /// `catch_ref tag label`: push the payload and the exnref, branch.
    case catchRef(tag: UInt32, label: UInt32)
    /// `catch_all label`: branch.
    case catchAll(label: UInt32)
    /// `catch_all_ref label`: push the exnref, branch.
    case catchAllRef(label: UInt32)

    /// The label index the clause branches to.
    public var label: UInt32 {
        switch self {
        case .catch(_, let l), .catchRef(_, let l), .catchAll(let l), .catchAllRef(let l): l
        }
    }
}

/// Memory load instructions (opcode is the binary opcode byte).
public enum LoadOp: UInt8, Hashable, Sendable, CaseIterable {
    case i32Load = 0x28, i64Load = 0x29, f32Load = 0x2A, f64Load = 0x2B
    case i32Load8S = 0x2C, i32Load8U = 0x2D, i32Load16S = 0x2E, i32Load16U = 0x2F
    case i64Load8S = 0x30, i64Load8U = 0x31, i64Load16S = 0x32, i64Load16U = 0x33
    case i64Load32S = 0x34, i64Load32U = 0x35

    /// Number of bytes read.
    public var byteWidth: Int {
        switch self {
        case .i32Load8S, .i32Load8U, .i64Load8S, .i64Load8U: 1
        case .i32Load16S, .i32Load16U, .i64Load16S, .i64Load16U: 2
        case .i32Load, .f32Load, .i64Load32S, .i64Load32U: 4
        case .i64Load, .f64Load: 8
        }
    }

    /// The type of the loaded value.
    public var resultType: ValueType {
        switch self {
        case .i32Load, .i32Load8S, .i32Load8U, .i32Load16S, .i32Load16U: .i32
        case .i64Load, .i64Load8S, .i64Load8U, .i64Load16S, .i64Load16U, .i64Load32S, .i64Load32U: .i64
        case .f32Load: .f32
        case .f64Load: .f64
        }
    }

    /// The text-format mnemonic.
    public var name: String {
        switch self {
        case .i32Load: "i32.load"
        case .i64Load: "i64.load"
        case .f32Load: "f32.load"
        case .f64Load: "f64.load"
        case .i32Load8S: "i32.load8_s"
        case .i32Load8U: "i32.load8_u"
        case .i32Load16S: "i32.load16_s"
        case .i32Load16U: "i32.load16_u"
        case .i64Load8S: "i64.load8_s"
        case .i64Load8U: "i64.load8_u"
        case .i64Load16S: "i64.load16_s"
        case .i64Load16U: "i64.load16_u"
        case .i64Load32S: "i64.load32_s"
        case .i64Load32U: "i64.load32_u"
        }
    }
}

/// Memory store instructions (opcode is the binary opcode byte).
public enum StoreOp: UInt8, Hashable, Sendable, CaseIterable {
    case i32Store = 0x36, i64Store = 0x37, f32Store = 0x38, f64Store = 0x39
    case i32Store8 = 0x3A, i32Store16 = 0x3B
    case i64Store8 = 0x3C, i64Store16 = 0x3D, i64Store32 = 0x3E

    /// Number of bytes written.
    public var byteWidth: Int {
        switch self {
        case .i32Store8, .i64Store8: 1
        case .i32Store16, .i64Store16: 2
        case .i32Store, .f32Store, .i64Store32: 4
        case .i64Store, .f64Store: 8
        }
    }

    /// The type of the stored operand.
    public var valueType: ValueType {
        switch self {
        case .i32Store, .i32Store8, .i32Store16: .i32
        case .i64Store, .i64Store8, .i64Store16, .i64Store32: .i64
        case .f32Store: .f32
        case .f64Store: .f64
        }
    }

    /// The text-format mnemonic.
    public var name: String {
        switch self {
        case .i32Store: "i32.store"
        case .i64Store: "i64.store"
        case .f32Store: "f32.store"
        case .f64Store: "f64.store"
        case .i32Store8: "i32.store8"
        case .i32Store16: "i32.store16"
        case .i64Store8: "i64.store8"
        case .i64Store16: "i64.store16"
        case .i64Store32: "i64.store32"
        }
    }
}

/// One WebAssembly instruction, as decoded from a function body or a constant expression.
///
/// GC (struct/array/i31/cast) and SIMD (v128) instructions are not represented yet; the decoder
/// reports them as unsupported.
public enum Instruction: Hashable, Sendable {
    // Control
    case unreachable
    case nop
    case block(BlockType)
    case loop(BlockType)
    case `if`(BlockType)
    case `else`
    case end
    case br(UInt32)
    case brIf(UInt32)
    case brTable([UInt32], default: UInt32)
    case `return`
    case call(UInt32)
    case callIndirect(typeIndex: UInt32, tableIndex: UInt32)
    case returnCall(UInt32)
    case returnCallIndirect(typeIndex: UInt32, tableIndex: UInt32)
    case callRef(typeIndex: UInt32)
    case returnCallRef(typeIndex: UInt32)

    // Exceptions
    case tryTable(BlockType, [CatchClause])
    case `throw`(tagIndex: UInt32)
    case throwRef
    // Legacy exception handling
    case `try`(BlockType)
    case `catch`(tagIndex: UInt32)
    case catchAll
    case delegate(UInt32)
    case rethrow(UInt32)

    // Parametric
    case drop
    /// `select` with an optional explicit result type list (`select (result t)`).
    case select([ValueType]?)

    // Variables
    case localGet(UInt32)
    case localSet(UInt32)
    case localTee(UInt32)
    case globalGet(UInt32)
    case globalSet(UInt32)

    // Tables
    case tableGet(UInt32)
    case tableSet(UInt32)
    case tableSize(UInt32)
    case tableGrow(UInt32)
    case tableFill(UInt32)
    case tableCopy(destination: UInt32, source: UInt32)
    case tableInit(elementIndex: UInt32, tableIndex: UInt32)
    case elemDrop(UInt32)

    // Memory
    case load(LoadOp, MemArg)
    case store(StoreOp, MemArg)
    case memorySize(UInt32)
    case memoryGrow(UInt32)
    case memoryFill(UInt32)
    case memoryCopy(destination: UInt32, source: UInt32)
    case memoryInit(dataIndex: UInt32, memoryIndex: UInt32)
    case dataDrop(UInt32)

    // Numeric
    case i32Const(Int32)
    case i64Const(Int64)
    /// An f32 constant, as its IEEE-754 bit pattern (NaN payloads are preserved).
    case f32Const(UInt32)
    /// An f64 constant, as its IEEE-754 bit pattern (NaN payloads are preserved).
    case f64Const(UInt64)
    case numeric(NumericOp)

    // References
    case refNull(HeapType)
    case refIsNull
    case refFunc(UInt32)
    case refAsNonNull
    case refEq
    case brOnNull(UInt32)
    case brOnNonNull(UInt32)
}
