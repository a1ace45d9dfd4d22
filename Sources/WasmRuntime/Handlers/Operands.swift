/// Where a handler body reads an integer operand (a cell) that the plain instruction reads from a frame slot:
/// that slot, the integer accumulator (the accumulator variants such as `brIfAccA`, see
/// `Translator.useAccumulators`), or a value the caller holds (a sequence handler's glue). A body takes one
/// as a generic argument labelled with the operand's field (`a:`, `c:`; `first:` for select's word-1 slot),
/// defaulting to the slot; every variant is then the same Swift body, specialized and inlined.
protocol IntegerSource {
    /// The operand, whose frame slot the instruction names `slot`.
    func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64
}

/// The operand is in its frame slot (the plain instruction).
struct FromSlot: IntegerSource {
    @inline(__always) func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64 {
        fp[slot]
    }
}

/// The operand is in the integer accumulator (`LoopState.iacc`).
struct FromAccumulator: IntegerSource {
    @inline(__always) func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64 {
        s.iacc
    }
}

/// The operand is `value`.
struct FromValue: IntegerSource {
    let value: UInt64
    @inline(__always) init(_ value: UInt64) { self.value = value }
    @inline(__always) func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64 {
        value
    }
}
