// The immediates of `Instruction` that are structures of their own (Instructions/wasm.txt, kinds memarg and catch).

/// The immediate of a memory access: alignment exponent, memory index and static offset.
public struct MemArg: Hashable, Sendable {
    /// log2 of the alignment hint.
    public var alignLog2: UInt32
    /// The memory accessed (0 unless multi-memory).
    public var memoryIndex: UInt32
    /// The static offset added to the dynamic address.
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
