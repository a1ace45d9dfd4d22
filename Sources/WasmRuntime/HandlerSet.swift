/// Which copy of the instruction handlers a module's code runs on.
///
/// Finished code does not name an instruction by its opcode but by its handler: the low 16 bits of an
/// instruction word are the handler's distance from the lowest handler address (`first`) in 8-byte units
/// (64-byte units in sanitizer builds), so
/// a dispatch computes the next handler's address from the word it has just loaded (a shift and an add)
/// instead of loading it from a table. `link` writes these references when a module is compiled, which is
/// why the choice between the handler copies is made then.
package enum HandlerSet: Sendable {
    /// The handlers for this CPU (`swasm_handler_table`: on x86-64, bit counts use POPCNT, LZCNT and BMI1
    /// where the CPU has them).
    case native
    /// The handlers every CPU of the architecture can run (`swasm_portable_handler_table`): lets tests cover
    /// the handlers other machines run.
    case portable

    /// The lowest handler address, from which instruction words count their handler's distance.
    static var first: UnsafePointer<CChar> { HandlerLayout.shared.first }

    /// The handler reference that instruction words of opcode `op` carry in their low 16 bits.
    @inline(__always) func reference(_ op: Opcode) -> UInt16 {
        let layout = HandlerLayout.shared
        return (self == .native ? layout.native : layout.portable)[Int(op.rawValue)]
    }

    /// The opcode whose handler (in either set) the low 16 bits of `word` name; nil if they name none.
    static func opcode(of word: UInt64) -> Opcode? {
        HandlerLayout.shared.opcodes[UInt16(truncatingIfNeeded: word)]
    }
}

/// The handlers' addresses as instruction words name them, computed once from the C handler tables.
private struct HandlerLayout: @unchecked Sendable {
    let first: UnsafePointer<CChar>
    /// Each opcode's handler reference (index: the opcode's raw value) in the native and portable sets.
    let native: [UInt16]
    let portable: [UInt16]
    /// The opcode of each handler reference of both sets.
    let opcodes: [UInt16: Opcode]

    static let shared = HandlerLayout()

    private init() {
        let tables = [Executor.handlerTables.native, Executor.handlerTables.portable].map {
            UnsafeRawPointer($0!).assumingMemoryBound(to: UInt.self)
        }
        let count = Opcode.caseCount
        let lowest = tables.map { t in (0..<1024).map { t[$0] }.min()! }.min()!
        // The handlers are 64-byte aligned (`aligned(64)`) and lie together (Package.swift keeps LLVM from moving
        // cold ones to `.text.unlikely`); a 16-bit count of 8-byte units (64-byte units in sanitizer builds:
        // SWASM_HANDLER_UNIT_LOG2) reaches 512 KiB from the first. A build where that fails could run no code
        // at all, so it stops here, at the first compile.
        let unitLog2 = Executor.handlerUnitLog2
        func references(_ table: UnsafePointer<UInt>) -> [UInt16] {
            (0..<count).map { op in
                let distance = table[op] - lowest
                precondition(distance & ((1 << unitLog2) - 1) == 0 && distance >> unitLog2 <= UInt(UInt16.max),
                             "instruction handler \(op) lies \(distance) bytes from the first: outside what a 16-bit reference reaches")
                return UInt16(distance >> unitLog2)
            }
        }
        first = UnsafePointer(bitPattern: lowest)!
        native = references(tables[0])
        portable = references(tables[1])
        var opcodes: [UInt16: Opcode] = [:]
        for op in 0..<count {
            let opcode = Opcode(rawValue: UInt16(op))!
            opcodes[native[op]] = opcode
            opcodes[portable[op]] = opcode
        }
        self.opcodes = opcodes
    }
}
