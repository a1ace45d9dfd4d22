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
// Each instruction's operand layout (which fields name slots, immediates, branch offsets) is declared in
// Instructions/internal.txt; `Opcode.layout` gives it, and `<Layout>Instruction` (Generated/InstructionLayouts.swift)
// reads and writes its fields by name. Handlers read fields through `InstructionWord` (one narrow load each).

extension UInt64 {
    @inline(__always) var a: Int { Int(truncatingIfNeeded: (self &>> 16) & 0xFFFF) }
    @inline(__always) var b: Int { Int(truncatingIfNeeded: (self &>> 32) & 0xFFFF) }
    @inline(__always) var c: Int { Int(truncatingIfNeeded: self &>> 48) }
    @inline(__always) var hi32: UInt32 { UInt32(truncatingIfNeeded: self &>> 32) }
    @inline(__always) var offset: Int { Int(Int32(bitPattern: UInt32(truncatingIfNeeded: self &>> 32))) }
    @inline(__always) var low32: UInt32 { UInt32(truncatingIfNeeded: self) }

    /// This instruction word with opcode `op` (same operand fields).
    func withOpcode(_ op: Opcode) -> UInt64 { self & ~0xFFFF | UInt64(op.rawValue) }
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

/// The words of one instruction (up to three), which a typed view (`InstructionView`) reads and writes.
struct InstructionWords {
    var w0: UInt64
    var w1: UInt64 = 0
    var w2: UInt64 = 0

    /// An instruction of opcode `opcode` with every field zero.
    init(_ opcode: Opcode) { w0 = UInt64(opcode.rawValue) }

    init(_ w0: UInt64, _ w1: UInt64 = 0, _ w2: UInt64 = 0) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
    }

    subscript(word: Int) -> UInt64 {
        get { word == 0 ? w0 : word == 1 ? w1 : w2 }
        set {
            switch word {
            case 0: w0 = newValue
            case 1: w1 = newValue
            default: w2 = newValue
            }
        }
    }

    /// Bits `shift..<shift + width` of word `word`.
    func bits(_ word: Int, _ shift: Int, _ width: Int) -> UInt64 {
        let mask: UInt64 = width == 64 ? ~0 : (1 &<< UInt64(width)) &- 1
        return (self[word] &>> UInt64(shift)) & mask
    }

    /// Sets bits `shift..<shift + width` of word `word` to the low bits of `value`.
    mutating func setBits(_ word: Int, _ shift: Int, _ width: Int, _ value: UInt64) {
        let mask: UInt64 = width == 64 ? ~0 : (1 &<< UInt64(width)) &- 1
        self[word] = self[word] & ~(mask &<< UInt64(shift)) | (value & mask) &<< UInt64(shift)
    }
}

/// A typed view of an instruction of one layout (Instructions/internal.txt): its fields by name. The translator's
/// passes read and rewrite instructions through these; `Generated/InstructionLayouts.swift` has one per layout.
protocol InstructionView {
    /// Words an instruction of the layout occupies.
    static var wordCount: Int { get }
    var words: InstructionWords { get set }
    init(words: InstructionWords)
}

/// A view of a layout with two operand slots, `lhs` and `rhs` (binary operations, comparisons, compare-branches).
protocol TwoOperandInstruction: InstructionView {
    var lhs: Int { get set }
    var rhs: Int { get set }
}

extension InstructionView {
    /// The instruction at `code[index]` (the caller has checked that its words are within `code`).
    init(_ code: [UInt64], at index: Int) {
        self.init(words: InstructionWords(code[index], Self.wordCount > 1 ? code[index + 1] : 0,
                                          Self.wordCount > 2 ? code[index + 2] : 0))
    }

    /// The instruction at `code` (finished code: its opcode bits name a handler, see `HandlerSet`).
    init(_ code: UnsafePointer<UInt64>) {
        self.init(words: InstructionWords(code[0], Self.wordCount > 1 ? code[1] : 0, Self.wordCount > 2 ? code[2] : 0))
    }

    /// Writes the instruction's words to `code[index...]`.
    func write(to code: inout [UInt64], at index: Int) {
        for k in 0..<Self.wordCount { code[index + k] = words[k] }
    }

    /// The opcode (of an instruction the translator is still working on).
    var opcode: Opcode {
        get { Opcode(unchecked: words.w0) }
        set { words.w0 = words.w0.withOpcode(newValue) }
    }
}

/// Word 0 of a branch or call by its raw fields: the translator emits those before it knows their offsets or
/// argument slots, which it patches in place (`patch`, `emitCall`); every other instruction is built through its
/// typed view.
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

    /// The translated code, one instruction per line: index, opcode and operand fields by name (its layout's),
    /// after a line with the frame's size and its template (what every call copies: zeroed locals, then constants).
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
            guard i + n <= codeCount else {
                lines.append("\(i): \(op) (truncated)")
                break
            }
            var text = "\(i): \(op)"
            let operands = op.layout.describe(code, at: i)
            if !operands.isEmpty { text += " " + operands }
            if op.branchOffset == .table {
                text += " targets=[" + (1..<n).map { "@\(i + code[i + $0].offset)" }.joined(separator: ", ") + "]"
            }
            lines.append(text)
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
    /// What the relaxed SIMD instructions compute.
    let relaxedSIMD: RelaxedSIMD
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

    init(module: Module, context: ValidationContext, handlers: HandlerSet, relaxedSIMD: RelaxedSIMD) {
        self.module = module
        self.context = context
        self.handlers = handlers
        self.relaxedSIMD = relaxedSIMD
        self.typeFunctions = module.types.map(\.functionType)
        self.functionTypeIndices = module.functionTypeIndices
        definedCount = module.bodies.count
        stubs = .allocate(capacity: 2 * max(definedCount, 1))
        for i in 0..<definedCount {
            let typeIndex = module.functions[i]
            let paramCount = Int(typeIndex) < typeFunctions.count ? typeFunctions[Int(typeIndex)]?.parameters.cellCount ?? 0 : 0
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

    /// `entry(_:)` of every defined function, in index order, under one hold of the lock (instantiation fills
    /// all of an instance's headers in one pass; inlined there, so that `body` is no call per function).
    @inline(__always)
    func forEachEntry(_ body: (_ index: Int, _ code: UnsafeMutablePointer<UInt64>, _ frameSize: Int) -> Void) {
        lock.withLock {
            let functions = translations.functions
            for i in 0..<min(definedCount, functions.count) {
                if let f = functions[i] {
                    body(i, f.code, f.frameSize)
                } else {
                    let e = stubEntry(i)
                    body(i, e.code, e.frameSize)
                }
            }
        }
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
            let f = try translateFunction(context: context, definedIndex: index, relaxedSIMD: relaxedSIMD)
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
                fresh.append((i, try translateFunction(context: context, definedIndex: i, relaxedSIMD: relaxedSIMD)))
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

/// An operand field of word 0 (places a, b, c of Instructions/internal.txt), by which the accumulator pass names
/// the slots an instruction reads and writes whatever its layout.
enum OperandField {
    case a, b, c

    /// The slot the field of `word` names.
    func slot(of word: UInt64) -> Int {
        switch self {
        case .a: word.a
        case .b: word.b
        case .c: word.c
        }
    }

    /// `word` with the field naming `slot`.
    func setting(_ slot: Int, in word: UInt64) -> UInt64 {
        let shift: UInt64 = switch self {
        case .a: 16
        case .b: 32
        case .c: 48
        }
        return word & ~(0xFFFF << shift) | UInt64(UInt16(truncatingIfNeeded: slot)) << shift
    }
}

/// The operands an accumulator variant reads from the accumulator instead of the frame.
enum AccumulatorOperands {
    case a, b, c, ab

    /// The field read from the accumulator (`ab`: both a and b name the same slot, that of a).
    var field: OperandField {
        switch self {
        case .a, .ab: .a
        case .b: .b
        case .c: .c
        }
    }
}

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
