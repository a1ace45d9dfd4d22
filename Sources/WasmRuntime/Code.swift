import WasmCore
import WasmPlatform
import WasmValidation

// The internal code format.
//
// A function's code is an array of 64-bit words. Each instruction starts with a word holding the
// opcode in bits 0-15 (in finished code: its handler, see `HandlerSet`) and up to three 16-bit operands
// `a` (bits 16-31), `b` (32-47) and `c` (48-63), or one operand `a` and a 32-bit immediate `hi32` (bits 32-63).
// Operands name frame slots: slot `i` is `fp[i]`, where the frame holds parameters, then locals, then one slot
// per operand-stack position.
// Some instructions take one extra word (a 64-bit offset, a second slot, a pair of indices).
// Branch immediates are word offsets relative to the branching instruction. The word before a function's
// code describes its frame template, which precedes that word (see `CompiledFunction.prefix`).
//
// Operand layouts (see Translator for how they are produced):
//   numeric           c = a op b              (unary: c = op a)
//   copy              fp[a] = fp[b]
//   const32/const64   fp[a] = hi32 / next word
//   br                pc += hi32
//   brIf/brIfNot      if fp[a] (!= 0 / == 0) { pc += hi32 }
//   brIfNull/NotNull  if fp[a] (== 0 / != 0) { pc += hi32 }
//   brIf<cmp>         brIfI32Eq...brIfI32GeU, brIfI32And(Zero), brIf[Not]F32/F64<cmp>: if fp[a] <cmp> fp[b]
//                     { pc += 1 + word1 } (word1: offset from the second word), else pc += 2
//   brTable           index a, hi32 = n; n + 1 words of offsets follow (the last is the default)
//   returnValue       fp[0] = fp[a], then return (a function with one result)
//   call/callInternal args at fp[a...], hi32 = function index; results at fp[a...] (callInternal: a function
//                     the module defines, so no host or instance-switch checks; word1 = its code address
//                     << 16 | its frame size, written by `link`)
//   callIndirect      args at fp[a...], index b, table c; word1 = type index
//   callRef           args at fp[a...], reference b; word1 = type index
//   returnCall*       args already at fp[0...]; hi32 = function / b, c as above
//   select            fp[a] = fp[c] != 0 ? fp[word1] : fp[b]  (i32 condition)
//   select64          the same with an i64 condition (`select` on `i64.eqz x`, operands swapped, c = x)
//   globalGet/Set     slot a, hi32 = global index
//   load              fp[a] = mem0[fp[b] + word1]      (memory 0 with 32-bit addresses)
//   store             mem0[fp[b] + word1] = fp[a]
//   i32AddImmBrIf<cmp> fp[c] = fp[a] + imm b; then as brIfI32<cmp> on (fp[c], fp[word1 & 0xFFFF]), offset in
//                     word1's high half from word1; not taken: pc += 3 (the third word is left from fusion)
//   <t><op>Imm        fp[c] = fp[a] op imm b (a signed 16-bit immediate, sign-extended to the type): the
//                     integer comparisons, and and/or/xor/shifts/mul where the function's constant slots ran out
//   brIf<T><cmp>Imm   as brIf<cmp> with the immediate b as the right operand
//   i32AddImmBrIf<cmp>Imm as i32AddImmBrIf<cmp> with the immediate in word1's low 16 bits
//   <t><op1><op2>     fused pair: t = fp[a] op1 fp[b]; fp[c] = t op2 fp[z] (or fp[z] op2 t when bit 16 of
//                     word1 is set), z = word1 & 0xFFFF
//   <load/store>Indexed fp[a] = mem0[fp[b] + fp[c] + word1] / mem0[fp[b] + fp[c] + word1] = fp[a]
//                     (i32/i64/f32/f64 load and store, i32 load8_u and store8: an i32.add folded into the address)
//   <load/store>PlusImm as above with address fp[b] + c (c: a signed 16-bit immediate); 3 words, the third unused
//   memoryLoad/Store  as load/store on memory c (any memory); word2 = the fast load/store opcode
//   memorySize/Grow   a = result, b = delta, c = memory
//   memoryFill        dest a, value b, memory c; word1 = length slot
//   memoryCopy/Init   dest a, source b, length c; word1 = (memory/data index) | (memory index << 32)
//   table*            analogous to memory*; tableGrow: result a, value b, table c, word1 = delta slot
//   throw             payload at fp[a...], hi32 = tag index;  throwRef/rethrow: reference in slot a

extension UInt64 {
    @inline(__always) var a: Int { Int(truncatingIfNeeded: (self &>> 16) & 0xFFFF) }
    @inline(__always) var b: Int { Int(truncatingIfNeeded: (self &>> 32) & 0xFFFF) }
    @inline(__always) var c: Int { Int(truncatingIfNeeded: self &>> 48) }
    @inline(__always) var hi32: UInt32 { UInt32(truncatingIfNeeded: self &>> 32) }
    @inline(__always) var offset: Int { Int(Int32(bitPattern: UInt32(truncatingIfNeeded: self &>> 32))) }
    @inline(__always) var low32: UInt32 { UInt32(truncatingIfNeeded: self) }
}

/// The instruction at `pc`, its fields read straight from memory: each is one narrow load, where
/// extracting them from a loaded word takes shifts and masks (the handlers' operand decoding).
struct InstructionWord {
    let p: UnsafeRawPointer
    @inline(__always) init(_ pc: UnsafeMutablePointer<UInt64>) { p = UnsafeRawPointer(pc) }
    @inline(__always) var a: Int { Int(p.load(fromByteOffset: 2, as: UInt16.self)) }
    @inline(__always) var b: Int { Int(p.load(fromByteOffset: 4, as: UInt16.self)) }
    @inline(__always) var c: Int { Int(p.load(fromByteOffset: 6, as: UInt16.self)) }
    @inline(__always) var hi32: UInt32 { p.load(fromByteOffset: 4, as: UInt32.self) }
    @inline(__always) var offset: Int { Int(p.load(fromByteOffset: 4, as: Int32.self)) }
    @inline(__always) var word: UInt64 { p.load(as: UInt64.self) }
}

@inline(__always) func word(_ op: Opcode, a: Int = 0, b: Int = 0, c: Int = 0) -> UInt64 {
    UInt64(op.rawValue) | UInt64(UInt16(truncatingIfNeeded: a)) << 16
        | UInt64(UInt16(truncatingIfNeeded: b)) << 32 | UInt64(UInt16(truncatingIfNeeded: c)) << 48
}

@inline(__always) func word(_ op: Opcode, a: Int = 0, hi: UInt32) -> UInt64 {
    UInt64(op.rawValue) | UInt64(UInt16(truncatingIfNeeded: a)) << 16 | UInt64(hi) << 32
}

/// Where a caught exception lands.
struct CatchTarget {
    /// Tag index in the module's tag space; nil catches everything.
    var tag: UInt32?
    /// Also deliver the exception reference (after the payload for try_table, in `exceptionSlot` for legacy catch).
    var capturesReference: Bool
    /// Code index to continue at.
    var target: Int
    /// First slot of the payload.
    var slot: Int
    /// Legacy `catch`: the hidden slot that keeps the exception for `rethrow`.
    var exceptionSlot: Int?
}

/// An exception handler covering a range of code.
struct ExceptionHandler {
    enum Kind {
        case `catch`([CatchTarget])
        /// Legacy `delegate`: continue the search with handlers at control depth <= target.
        case delegate(targetDepth: Int)
    }
    var start: Int
    var end: Int
    /// Control depth of the try block (the function body is depth 0).
    var depth: Int
    var kind: Kind
}

/// A function translated to internal code. Shared by every instance of its module.
package final class CompiledFunction: @unchecked Sendable {
    let code: UnsafeMutablePointer<UInt64>
    let codeCount: Int
    /// Slots the frame needs (locals, operand positions, hidden slots).
    let frameSize: Int
    let handlers: [ExceptionHandler]
    /// Index in the function index space.
    let functionIndex: Int

    /// Length of the frame template: what the call prologue copies to slots `paramCount...`, zeros for the
    /// declared locals, then the constant operands (slots `localCount...`), padded to an even length. The
    /// template sits right before the code (see `prefix`).
    let frameInitCount: Int

    init(code: [UInt64], paramCount: Int, localCount: Int, constants: [UInt64] = [], frameSize: Int,
         handlers: [ExceptionHandler], functionIndex: Int) {
        var initial = [UInt64](repeating: 0, count: localCount - paramCount) + constants
        // An even length: the prologue copies two words at a time. The extra zero lands in a temp slot.
        if initial.count % 2 == 1 { initial.append(0) }
        // One buffer: the template, the prefix word, the code (see `prefix`).
        let base = UnsafeMutablePointer<UInt64>.allocate(capacity: initial.count + 1 + max(code.count, 1))
        base.initialize(from: initial, count: initial.count)
        (base + initial.count).initialize(to: UInt64(paramCount) | UInt64(initial.count) << 32)
        let p = base + initial.count + 1
        p.initialize(from: code, count: code.count)
        self.code = p
        self.codeCount = code.count
        self.frameInitCount = initial.count
        self.frameSize = max(frameSize, paramCount + initial.count)
        self.handlers = handlers
        self.functionIndex = functionIndex
    }

    /// The word before `code`: the parameter count in the low 32 bits, the template's length in the high
    /// 32; the template ends right before it. `callInternal` reads the template through the code address in
    /// its instruction, so the copy waits for no function-table or header load.
    static func prefix(ofCode code: UnsafeMutablePointer<UInt64>) -> (paramCount: Int, template: UnsafeMutablePointer<UInt64>, count: Int) {
        let word = code[-1]
        let count = Int(truncatingIfNeeded: word &>> 32)
        return (Int(truncatingIfNeeded: word & 0xFFFF_FFFF), code - 1 - count, count)
    }

    /// The translated code, one instruction per line: index, opcode, operand fields and extra words, after a
    /// line with the frame's size and its template (what every call copies: zeroed locals, then constants).
    package var disassembly: String {
        let prefix = Self.prefix(ofCode: code)
        let template = (0..<prefix.count).map { String(Int64(bitPattern: prefix.template[$0])) }
        var lines = ["frame: \(frameSize) slots, \(prefix.paramCount) parameters, template of \(prefix.count) words: ["
                     + template.joined(separator: ", ") + "]"]
        var i = 0
        while i < codeCount {
            let w = code[i]
            guard let op = HandlerSet.opcode(of: w) else {
                lines.append("\(i): ??? \(w)")
                i += 1
                continue
            }
            let n = op.words(w)
            let extra = (1..<n).compactMap { i + $0 < codeCount ? String(Int64(bitPattern: code[i + $0])) : nil }
            lines.append("\(i): \(op) a=\(w.a) b=\(w.b) c=\(w.c) hi=\(Int32(bitPattern: w.hi32))"
                         + (extra.isEmpty ? "" : " [" + extra.joined(separator: ", ") + "]"))
            i += n
        }
        return lines.joined(separator: "\n")
    }

    deinit {
        (code - 1 - frameInitCount).deallocate()
    }
}

/// A decoded and validated module, ready to instantiate any number of times, with the internal code of its
/// function bodies: each is translated on its first call (or all of them up front: `Translation.eager`).
///
/// Until a function is translated its code is a stub of one instruction (`enterLazily`), so calls, function
/// references and exports need no check on their path: the stub stops the handlers, `Executor` translates the
/// function (`translated(_:)`), points the calling `callInternal` and the instance's function header at the
/// new code, and continues there. A module may be shared by stores on several threads: translation and the
/// table of translated functions are guarded by a lock, and a call site is patched with one atomic store of its
/// link word (the other threads see the stub or the code, both correct).
package final class CompiledModule: @unchecked Sendable {
    package let module: Module
    /// What translation needs of the validated module.
    let context: ValidationContext
    /// The handler copy the code names (see `HandlerSet`).
    let handlers: HandlerSet
    /// The function type of each type index (nil for struct/array types).
    let typeFunctions: [FunctionType?]
    /// Type index of every function in the function index space.
    let functionTypeIndices: [UInt32]
    /// Number of defined functions.
    let definedCount: Int
    /// Two words per defined function: the prefix word (its parameter count, an empty frame template), then the
    /// `enterLazily` instruction naming it.
    private let stubs: UnsafeMutablePointer<UInt64>
    /// Guards `translations`.
    private let lock = Lock()
    /// The translated functions, by defined index, and their code ranges sorted by address (for
    /// `function(containing:)`). Read and written only while holding `lock`.
    private var translations: Translations

    private struct Translations {
        var functions: [CompiledFunction?]
        /// Code address ranges (start, end) of the translated functions with their defined index, by start.
        var byCode: [(start: UInt, end: UInt, index: Int)] = []
        var byCodeIsCurrent = true
    }

    init(module: Module, context: ValidationContext, handlers: HandlerSet) {
        self.module = module
        self.context = context
        self.handlers = handlers
        self.typeFunctions = module.types.map(\.functionType)
        self.functionTypeIndices = module.functionTypeIndices
        definedCount = module.bodies.count
        stubs = .allocate(capacity: 2 * max(definedCount, 1))
        for i in 0..<definedCount {
            let typeIndex = module.functions[i]
            let paramCount = Int(typeIndex) < typeFunctions.count ? typeFunctions[Int(typeIndex)]?.parameters.count ?? 0 : 0
            (stubs + 2 * i).initialize(to: UInt64(paramCount))
            (stubs + 2 * i + 1).initialize(to: word(.enterLazily, hi: UInt32(i)) & ~0xFFFF
                                                | UInt64(handlers.reference(.enterLazily)))
        }
        translations = Translations(functions: Array(repeating: nil, count: definedCount))
    }

    deinit { stubs.deallocate() }

    /// The stub code of defined function `index` (see the type's description).
    func stub(_ index: Int) -> UnsafeMutablePointer<UInt64> { stubs + 2 * index + 1 }

    /// The code a call of defined function `index` enters now, and the frame size to check before entering it.
    func entry(_ index: Int) -> (code: UnsafeMutablePointer<UInt64>, frameSize: Int) {
        if let f = lock.withLock({ translations.functions[index] }) { return (f.code, f.frameSize) }
        return stubEntry(index)
    }

    /// The stub of defined function `index` and the frame it checks for: the parameters only.
    private func stubEntry(_ index: Int) -> (code: UnsafeMutablePointer<UInt64>, frameSize: Int) {
        (stub(index), Int(truncatingIfNeeded: stubs[2 * index] & 0xFFFF_FFFF))
    }

    /// The `callInternal` link word of the stub of defined function `index`.
    func stubLink(_ index: Int) -> UInt64 {
        let e = stubEntry(index)
        return internalCallLink(code: e.code, frameSize: e.frameSize)
    }

    /// Defined function `index`, translated now if it was not yet.
    func translated(_ index: Int) throws(CompileError) -> CompiledFunction {
        try lock.withLock { () throws(CompileError) -> CompiledFunction in
            if let f = translations.functions[index] { return f }
            let f = try translateFunction(context: context, definedIndex: index)
            translations.functions[index] = f
            linkCalls(in: f, to: translations.functions)
            translations.byCodeIsCurrent = false
            return f
        }
    }

    /// Defined function `index` if it has been translated.
    func translatedIfAvailable(_ index: Int) -> CompiledFunction? {
        lock.withLock { translations.functions[index] }
    }

    /// Translates every function not translated yet (all or none of them: a failure leaves the module as it
    /// was), then links each of them to the final code of its callees (`compileModule`'s eager mode;
    /// `disassembly`).
    func translateAll() throws(CompileError) {
        try lock.withLock { () throws(CompileError) in
            var fresh: [(index: Int, function: CompiledFunction)] = []
            for i in 0..<definedCount where translations.functions[i] == nil {
                fresh.append((i, try translateFunction(context: context, definedIndex: i)))
            }
            for (i, f) in fresh { translations.functions[i] = f }
            for (_, f) in fresh { linkCalls(in: f, to: translations.functions) }
            translations.byCodeIsCurrent = false
        }
    }

    /// `link`s freshly translated `f`: each `callInternal` enters its callee's code if `functions` has it,
    /// else the callee's stub.
    private func linkCalls(in f: CompiledFunction, to functions: [CompiledFunction?]) {
        link(f, importedFunctionCount: context.importedFunctionCount, handlers: handlers) { callee in
            guard callee >= 0 && callee < definedCount else { return nil }
            guard let g = functions[callee] else { return stubLink(callee) }
            return internalCallLink(code: g.code, frameSize: g.frameSize)
        }
    }

    /// The defined function whose code (or stub) contains `pc`.
    func definedIndex(containing pc: UnsafeMutablePointer<UInt64>) -> Int? {
        if pc >= stubs && pc < stubs + 2 * definedCount { return (pc - stubs) / 2 }
        let address = UInt(bitPattern: pc)
        return lock.withLock { () -> Int? in
            if !translations.byCodeIsCurrent {
                translations.byCode = translations.functions.enumerated().compactMap { i, f in
                    f.map { (start: UInt(bitPattern: $0.code), end: UInt(bitPattern: $0.code + $0.codeCount), index: i) }
                }.sorted { $0.start < $1.start }
                translations.byCodeIsCurrent = true
            }
            var low = 0, high = translations.byCode.count
            while low < high {
                let mid = (low + high) / 2
                if translations.byCode[mid].start <= address { low = mid + 1 } else { high = mid }
            }
            guard low > 0, address < translations.byCode[low - 1].end else { return nil }
            return translations.byCode[low - 1].index
        }
    }

    /// The translated functions, every one translated first (for inspection and tests).
    package var functions: [CompiledFunction] {
        try? translateAll()
        return lock.withLock { translations.functions.compactMap { $0 } }
    }

    /// Total size of translated code in bytes so far: instruction words plus each function's frame template
    /// (its constant operands and local zeros) and the prefix word before its code.
    package var codeByteCount: Int {
        lock.withLock { translations.functions.reduce(0) { $0 + ($1.map { ($0.codeCount + 1 + $0.frameInitCount) * 8 } ?? 0) } }
    }

    /// The translated code of each defined function (index in the function index space, disassembly), every
    /// function translated first.
    package var disassembly: [(functionIndex: Int, code: String)] {
        functions.map { ($0.functionIndex, $0.disassembly) }
    }

    func functionType(ofTypeIndex i: UInt32) -> FunctionType {
        let i = Int(i)
        guard i < typeFunctions.count, let t = typeFunctions[i] else { return FunctionType(parameters: [], results: []) }
        return t
    }
}

/// Where a branch instruction keeps its offset (see `Opcode.branchOffset`).
enum BranchOffset {
    /// In bits 32-63 of the instruction word, relative to the instruction.
    case word0
    /// In bits 32-63 of the second word, relative to that word.
    case word1
    /// brTable: one offset word per entry, relative to the instruction.
    case table
}

extension Opcode {
    /// The opcode in the low 12 bits of an instruction word that the translator is still working on (finished
    /// code names handlers instead: `HandlerSet.opcode(of:)`). Code words are produced by the translator only,
    /// so the bits always name a case (a test checks that `Opcode` is two bytes with fewer cases than
    /// `SWASM_OPCODE_CAPACITY`, 4096).
    @inline(__always) init(unchecked w: UInt64) {
        self = unsafeBitCast(UInt16(truncatingIfNeeded: w) & 0xFFF, to: Opcode.self)
    }

    /// Whether the instruction is a `br_table` (its length depends on the table size in hi32).
    var isBranchTable: Bool { self == .brTable || self == .brTableAccA }

    /// Words the instruction starting with word `w` occupies, a branch table's entries included (`w` has the
    /// opcode, not yet its handler).
    @inline(__always) static func words(_ w: UInt64) -> Int { Opcode(unchecked: w).words(w) }

    /// Words the instruction of this opcode starting with word `w` occupies, a branch table's entries included.
    @inline(__always) func words(_ w: UInt64) -> Int { isBranchTable ? 2 + Int(w.hi32) : length }

    /// Whether the instruction is followed by an operand word (table instructions).
    var hasExtraWord: Bool {
        switch self {
        case .tableGrow, .tableFill, .tableCopy, .tableInit: true
        default: false
        }
    }
}

/// Which accumulator register a value lives in: i32/i64 cells, f64 values, or f32 values.
enum AccumulatorClass: Int { case int, float, float32 }

/// An operand field of an instruction word.
enum OperandField { case a, c }

/// The operands an accumulator variant reads from the accumulator instead of the frame.
enum AccumulatorOperands { case a, b, c, ab }

/// What an instruction does to the accumulators, for `Translator.useAccumulators`.
enum AccumulatorEffect {
    /// Writes the slot named by the field and leaves the same value in the accumulator of the class.
    case sets(AccumulatorClass, OperandField)
    /// Writes only the slot named by the field.
    case writes(OperandField)
    /// Writes no slot (stores; compare-branches, whose taken side is a branch target).
    case none
    /// May write other slots or leave the handler chain (calls, returns, host calls): nothing is known after it.
    case clobbers
}
