// What a handler body is parameterised by: where it reads its operands and which accumulator also receives its
// result. A body takes these as generic arguments, so every variant of an instruction (the accumulator variants
// such as `i32AddAccA` or `brIfAccA`, see `Translator.useAccumulators`; the immediate forms; the sequences'
// halves) is the same Swift body, specialized and inlined.

/// Where a handler body reads an operand (a cell) that the plain instruction reads from a frame slot: that slot,
/// an accumulator, an immediate in the operand's field, or a value the caller holds (a sequence handler's glue).
/// A body takes one as a generic argument labelled with the operand's field (`a:`, `b:`, `c:`; `first:` for
/// select's word-1 slot).
protocol OperandSource {
    /// The operand, whose field of the instruction holds `slot` (a frame slot, or the immediate's bits).
    func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64
}

/// An operand source for integer cells: the frame slot, the integer accumulator or a held value. The hand-written
/// bodies take these (defaulting to the slot).
protocol IntegerSource: OperandSource {}

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

/// The operand, an f64, is in the float accumulator (`LoopState.facc`).
struct FromFloatAccumulator: OperandSource {
    @inline(__always) func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64 {
        s.facc.bitPattern
    }
}

/// The operand, an f32, is in the float32 accumulator (`LoopState.sacc`).
struct FromFloat32Accumulator: OperandSource {
    @inline(__always) func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64 {
        UInt64(s.sacc.bitPattern)
    }
}

/// The operand, an i32, is the field's 16 bits as a signed immediate (a constant that needs no frame slot).
struct FromImmediateI32: OperandSource {
    @inline(__always) func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64 {
        UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: slot))))
    }
}

/// The operand, an i64, is the field's 16 bits as a signed immediate.
struct FromImmediateI64: OperandSource {
    @inline(__always) func read(_ fp: UnsafeMutablePointer<UInt64>, _ slot: Int, _ s: borrowing LoopState) -> UInt64 {
        UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: slot)))
    }
}

/// The accumulator that, besides its result slot, receives the value an instruction produces, for the next
/// instructions to read without a load (the class `Opcode.accumulatorEffect` names).
protocol ResultAccumulator {
    /// Keeps `value`, the result's cell, in the accumulator.
    func keep(_ value: UInt64, _ s: inout LoopState)
}

/// An i32 or i64 result (or an integer comparison's) goes to the integer accumulator.
struct IntoIntAccumulator: ResultAccumulator {
    @inline(__always) func keep(_ value: UInt64, _ s: inout LoopState) { s.iacc = value }
}

/// An f64 result goes to the float accumulator.
struct IntoFloatAccumulator: ResultAccumulator {
    @inline(__always) func keep(_ value: UInt64, _ s: inout LoopState) { s.facc = Double(bitPattern: value) }
}

/// An f32 result goes to the float32 accumulator.
struct IntoFloat32Accumulator: ResultAccumulator {
    @inline(__always) func keep(_ value: UInt64, _ s: inout LoopState) {
        s.sacc = Float(bitPattern: UInt32(truncatingIfNeeded: value))
    }
}
