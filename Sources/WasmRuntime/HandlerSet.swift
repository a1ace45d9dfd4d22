/// Which copy of the instruction handlers a module's code runs on.
///
/// Finished code does not name an instruction by its opcode but by its handler: the low 16 bits of an
/// instruction word are the handler's distance from the lowest handler address (`first`) in 8-byte units
/// (64-byte units in sanitizer builds), so
/// a dispatch computes the next handler's address from the word it has just loaded (a shift and an add)
/// instead of loading it from a table. `link` writes these references when a module is compiled, which is
/// why the choice between the handler copies is made then.
///
/// In the portable dispatch (`HandlerSet.isPortable`: every CPU but x86-64, or `SWASM_PORTABLE_DISPATCH=1` at
/// build time, see Package.swift) the low 16 bits are the handler's index in the C table `swasm_handlers`,
/// which is the opcode, `first` is that table, and both cases name the same handlers (there are no
/// CPU-specific copies).
package enum HandlerSet: Sendable {
    /// The handlers for this CPU (`swasm_handler_table`: on x86-64, bit counts use POPCNT, LZCNT and BMI1
    /// where the CPU has them).
    case native
    /// The handlers every CPU of the architecture can run (`swasm_portable_handler_table`): lets tests cover
    /// the handlers other machines run.
    case portable

    /// Which dispatch this build runs (the portable one on every CPU but x86-64, and on x86-64 when built with
    /// `SWASM_PORTABLE_DISPATCH=1` or `=loop` in the environment). The Swift and C sides decide separately
    /// (`arch`, the macro); the first use of `HandlerSet` stops if they disagree.
    package enum Dispatch: String, Sendable {
        /// Direct threading on x86-64: handler addresses computed from 16-bit distances, tail calls.
        case native
        /// Tail calls through the handler table; assumes nothing of the CPU or the linker.
        case portable
        /// The portable dispatch without tail calls: handlers return to a loop (`SWASM_DISPATCH_LOOP`; the
        /// default on CPUs other than x86-64 and AArch64, where clang cannot always make the tail calls).
        case portableLoop = "portable-loop"
    }

    #if !arch(x86_64) || SWASM_PORTABLE_DISPATCH
    /// Whether instruction words name handlers by table index (the portable dispatch) rather than by distance.
    package static let isPortable = true
    #else
    package static let isPortable = false
    #endif

    /// The dispatch of this build (see `Dispatch`).
    package static var dispatch: Dispatch {
        HandlerLayout.shared.dispatch
    }

    /// The number of entries of a handler table, and the bound on opcodes (12 bits: `Opcode(unchecked:)`).
    static var opcodeCapacity: Int { Executor.opcodeCapacity }

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
    let dispatch: HandlerSet.Dispatch
    /// Each opcode's handler reference (index: the opcode's raw value) in the native and portable sets.
    let native: [UInt16]
    let portable: [UInt16]
    /// The opcode of each handler reference of both sets.
    let opcodes: [UInt16: Opcode]

    static let shared = HandlerLayout()

    private init() {
        let c = Executor.handlerDispatch
        precondition(c.portable == HandlerSet.isPortable,
                     "the C handlers were compiled for the \(c.portable ? "portable" : "native") dispatch and Swift for the other: define SWASM_PORTABLE_DISPATCH for both (Package.swift)")
        let count = Opcode.caseCount
        if HandlerSet.isPortable {
            // An instruction word names its handler by its index in the C table, the opcode itself: nothing is
            // assumed about where the handlers lie. `first` is the table, which SWASM_NEXT indexes.
            let table = UnsafeRawPointer(Executor.handlerTables.native!)
            precondition(UnsafeRawPointer(Executor.handlerTables.portable!) == table)
            dispatch = c.loop ? .portableLoop : .portable
            first = table.assumingMemoryBound(to: CChar.self)
            native = (0..<count).map { UInt16($0) }
            portable = native
            var opcodes: [UInt16: Opcode] = [:]
            for op in 0..<count { opcodes[UInt16(op)] = Opcode(rawValue: UInt16(op))! }
            self.opcodes = opcodes
            return
        }
        dispatch = .native
        let tables = [Executor.handlerTables.native, Executor.handlerTables.portable].map {
            UnsafeRawPointer($0!).assumingMemoryBound(to: UInt.self)
        }
        let lowest = tables.map { t in (0..<HandlerSet.opcodeCapacity).map { t[$0] }.min()! }.min()!
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
