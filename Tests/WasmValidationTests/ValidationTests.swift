import Testing
import WasmCore
@testable import WasmValidation

// MARK: - Helpers

private let i32Ref = ValueType.i32

private func fn(_ params: [ValueType] = [], _ results: [ValueType] = []) -> SubType {
    SubType(composite: .function(FunctionType(parameters: params, results: results)))
}

/// A module with the given types and one defined function per `(typeIndex, locals, code)`.
private func module(
    types: [SubType] = [fn()],
    functions: [(UInt32, [LocalDeclaration], [UInt8])],
    configure: (inout Module) -> Void = { _ in }
) -> Module {
    var m = Module()
    m.types = types
    m.recursionGroups = types.indices.map { $0 ..< $0 + 1 }
    var offset = 100
    for (t, locals, code) in functions {
        m.functions.append(t)
        m.bodies.append(FunctionBody(locals: locals, code: code, codeOffset: offset))
        offset += code.count + 10
    }
    configure(&m)
    return m
}

/// The validation error message for `m`, or nil if it validates.
private func errorMessage(_ m: Module) -> String? {
    do {
        try validateModule(m)
        return nil
    } catch {
        return error.message
    }
}

private func expectValid(_ m: Module, sourceLocation: SourceLocation = #_sourceLocation) {
    let message = errorMessage(m)
    #expect(message == nil, "unexpected error: \(message ?? "")", sourceLocation: sourceLocation)
}

private func expectInvalid(_ m: Module, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let message = errorMessage(m)
    #expect(message?.contains(text) == true, "expected '\(text)', got \(message ?? "no error")", sourceLocation: sourceLocation)
}

private let end: UInt8 = 0x0B

// MARK: - Numeric and stack typing

@Test func acceptsSimpleArithmetic() {
    // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    expectValid(module(types: [fn([.i32, .i32], [.i32])], functions: [(0, [], [0x20, 0, 0x20, 1, 0x6A, end])]))
}

@Test func rejectsOperandTypeMismatch() {
    // i64.const 1 i32.const 2 i32.add
    let m = module(types: [fn([], [.i32])], functions: [(0, [], [0x42, 1, 0x41, 2, 0x6A, end])])
    expectInvalid(m, "type mismatch")
}

@Test func rejectsMissingAndExtraResults() {
    expectInvalid(module(types: [fn([], [.i32])], functions: [(0, [], [end])]), "type mismatch")
    expectInvalid(module(types: [fn()], functions: [(0, [], [0x41, 0, end])]), "type mismatch")
}

@Test func unreachableCodeIsPolymorphic() {
    // (func (result i32) unreachable i32.add)
    expectValid(module(types: [fn([], [.i32])], functions: [(0, [], [0x00, 0x6A, end])]))
    // unreachable (i64.const 0) i32.add -> still a mismatch
    expectInvalid(module(types: [fn([], [.i32])], functions: [(0, [], [0x00, 0x42, 0, 0x6A, end])]), "type mismatch")
}

@Test func reportsBodyWithoutFinalEnd() {
    expectInvalid(module(functions: [(0, [], [0x01])]), "END opcode expected")
    expectInvalid(module(functions: [(0, [], [end, 0x01])]), "section size mismatch")
}

// MARK: - Locals

@Test func unknownLocal() {
    expectInvalid(module(functions: [(0, [], [0x20, 3, 0x1A, end])]), "unknown local")
}

@Test func nonDefaultableLocalsMustBeInitialised() {
    let refFunc = ValueType.ref(RefType(nullable: false, .func))
    let locals = [LocalDeclaration(count: 1, type: refFunc)]
    // local.get 0 before any set.
    expectInvalid(module(functions: [(0, locals, [0x20, 0, 0x1A, end])]), "uninitialized local")
    // Set inside a block, read after it: the initialisation is forgotten at the block's end.
    let fnRef: [UInt8] = [0xD2, 0]  // ref.func 0
    let setInBlock: [UInt8] = [0x02, 0x40] + fnRef + [0x21, 0, end, 0x20, 0, 0x1A, end]
    expectInvalid(module(functions: [(0, locals, setInBlock)]) { $0.exports = [Export(name: "f", kind: .function, index: 0)] },
                  "uninitialized local")
    // Set then get in the same block is fine.
    let ok: [UInt8] = fnRef + [0x21, 0, 0x20, 0, 0x1A, end]
    expectValid(module(functions: [(0, locals, ok)]) { $0.exports = [Export(name: "f", kind: .function, index: 0)] })
}

// MARK: - Globals and constant expressions

@Test func globals() {
    let setImmutable = module(functions: [(0, [], [0x41, 1, 0x24, 0, end])]) {
        $0.globals = [GlobalDefinition(type: GlobalType(valueType: .i32, isMutable: false), initializer: ConstantExpression([.i32Const(0)]))]
    }
    expectInvalid(setImmutable, "immutable global")
    expectInvalid(module(functions: [(0, [], [0x23, 0, 0x1A, end])]), "unknown global")

    var m = Module()
    m.globals = [
        GlobalDefinition(type: GlobalType(valueType: .i32, isMutable: false), initializer: ConstantExpression([.globalGet(1)])),
        GlobalDefinition(type: GlobalType(valueType: .i32, isMutable: false), initializer: ConstantExpression([.i32Const(0)])),
    ]
    expectInvalid(m, "unknown global")
    m.globals.swapAt(0, 1)
    m.globals[1].initializer = ConstantExpression([.globalGet(0), .i32Const(2), .numeric(.i32Mul)])
    expectValid(m)
    m.globals[0].type.isMutable = true
    expectInvalid(m, "constant expression required")
    m.globals[0].type.isMutable = false
    m.globals[1].initializer = ConstantExpression([.i32Const(0), .numeric(.i32DivS)])
    expectInvalid(m, "constant expression required")
    m.globals[1].initializer = ConstantExpression([.i64Const(0)])
    expectInvalid(m, "type mismatch")
}

// MARK: - Select

@Test func selectTyping() {
    let body: [UInt8] = [0x41, 1, 0x41, 2, 0x41, 0, 0x1B, 0x1A, end]
    expectValid(module(functions: [(0, [], body)]))
    // untyped select on references
    let refs: [UInt8] = [0xD0, 0x70, 0xD0, 0x70, 0x41, 0, 0x1B, 0x1A, end]
    expectInvalid(module(functions: [(0, [], refs)]), "type mismatch")
    // select with two result types
    let arity: [UInt8] = [0x41, 1, 0x41, 2, 0x41, 0, 0x1C, 2, 0x7F, 0x7F, 0x1A, end]
    expectInvalid(module(functions: [(0, [], arity)]), "invalid result arity")
    // typed select on references
    let typed: [UInt8] = [0xD0, 0x70, 0xD0, 0x70, 0x41, 0, 0x1C, 1, 0x70, 0x1A, end]
    expectValid(module(functions: [(0, [], typed)]))
}

// MARK: - Control

@Test func labelsAndBranches() {
    expectInvalid(module(functions: [(0, [], [0x0C, 1, end])]), "unknown label")
    // block (result i32) i32.const 1 br 0 end drop
    expectValid(module(functions: [(0, [], [0x02, 0x7F, 0x41, 1, 0x0C, 0, end, 0x1A, end])]))
    // br_table with targets of different arity
    let table: [UInt8] = [0x02, 0x7F, 0x41, 1, 0x41, 0, 0x0E, 1, 0, 1, end, 0x1A, end]
    expectInvalid(module(functions: [(0, [], table)]), "type mismatch")
    // if (result i32) without else
    expectInvalid(module(functions: [(0, [], [0x41, 0, 0x04, 0x7F, 0x41, 1, end, 0x1A, end])]), "type mismatch")
}

@Test func legacyExceptions() {
    let tagType = fn([.i32])
    func withTag(_ m: inout Module) { m.tags = [TagType(typeIndex: 1)] }
    // try (do) (catch 0 (drop)) end
    expectValid(module(types: [fn(), tagType], functions: [(0, [], [0x06, 0x40, 0x07, 0, 0x1A, end, end])], configure: withTag))
    // catch body leaves a value: block requires [] but stack has [i32]
    expectInvalid(module(types: [fn(), tagType], functions: [(0, [], [0x06, 0x40, 0x19, 0x41, 42, end, end])], configure: withTag),
                  "type mismatch: block requires [] but stack has [i32]")
    // try (result i32) (do) end: instruction requires [i32] but stack has []
    expectInvalid(module(types: [fn([], [.i32])], functions: [(0, [], [0x06, 0x7F, end, end])]),
                  "type mismatch: instruction requires [i32] but stack has []")
    expectInvalid(module(functions: [(0, [], [0x09, 0, end])]), "invalid rethrow label")
    expectInvalid(module(functions: [(0, [], [0x02, 0x40, 0x09, 0, end, end])]), "invalid rethrow label")
    // try catch_all rethrow 0
    expectValid(module(functions: [(0, [], [0x06, 0x40, 0x19, 0x09, 0, end, end])]))
    // try (do) (delegate 1): unknown label
    expectInvalid(module(functions: [(0, [], [0x06, 0x40, 0x18, 1, end])]), "unknown label")
    expectValid(module(functions: [(0, [], [0x06, 0x40, 0x18, 0, end])]))
    // throw with a missing payload
    expectInvalid(module(types: [fn(), tagType], functions: [(0, [], [0x08, 0, end])], configure: withTag),
                  "type mismatch: instruction requires [i32] but stack has []")
    expectInvalid(module(types: [fn(), tagType], functions: [(0, [], [0x42, 5, 0x08, 0, end])], configure: withTag),
                  "type mismatch: instruction requires [i32] but stack has [i64]")
    expectInvalid(module(functions: [(0, [], [0x08, 0, end])]), "unknown tag 0")
}

@Test func tryTableCatchClauses() {
    let tagType = fn([.i32])
    func withTag(_ m: inout Module) { m.tags = [TagType(typeIndex: 1)] }
    // block (result i32) try_table (catch 0 0) end unreachable end drop
    let ok: [UInt8] = [0x02, 0x7F, 0x1F, 0x40, 1, 0x00, 0, 0, end, 0x00, end, 0x1A, end]
    expectValid(module(types: [fn(), tagType], functions: [(0, [], ok)], configure: withTag))
    // catch label expects nothing but the tag has an i32 payload
    let bad: [UInt8] = [0x02, 0x40, 0x1F, 0x40, 1, 0x00, 0, 0, end, end, end]
    expectInvalid(module(types: [fn(), tagType], functions: [(0, [], bad)], configure: withTag), "type mismatch")
    // catch_all_ref to a label of type (ref exn)
    let allRef: [UInt8] = [0x02, 0x64, 0x69, 0x1F, 0x40, 1, 0x03, 0, end, 0x00, end, 0x1A, end]
    expectValid(module(functions: [(0, [], allRef)]))
}

// MARK: - Functions, references, calls

@Test func refFuncNeedsDeclaration() {
    let body: [UInt8] = [0xD2, 0, 0x1A, end]
    expectInvalid(module(functions: [(0, [], body)]), "undeclared function reference")
    expectValid(module(functions: [(0, [], body)]) {
        $0.elements = [ElementSegment(type: .funcref, mode: .declarative, items: [ConstantExpression([.refFunc(0)])])]
    })
}

@Test func callRefAndNullChecks() {
    let types = [fn([], [.i32]), fn([.i32], [.i32])]
    // local 0 : (ref null 0); call_ref 0 accepts the nullable reference
    let nullable = ValueType.ref(RefType(nullable: true, .concrete(0)))
    let body: [UInt8] = [0x20, 0, 0x14, 0, end]
    expectValid(module(types: types, functions: [(0, [LocalDeclaration(count: 1, type: nullable)], body)]))
    // call_ref with the wrong type index
    let wrong: [UInt8] = [0x41, 1, 0x20, 0, 0x14, 1, end]
    expectInvalid(module(types: types, functions: [(0, [LocalDeclaration(count: 1, type: nullable)], wrong)]), "type mismatch")
    // i32.const 7, local.get 0, br_on_null 0 (carries the i32), leaves (ref 0) on top
    let brOnNull: [UInt8] = [0x41, 7, 0x20, 0, 0xD5, 0, 0x1A, end]
    expectValid(module(types: types, functions: [(0, [LocalDeclaration(count: 1, type: nullable)], brOnNull)]))
    // br_on_non_null 0 needs a label ending in a reference
    let brOnNonNull: [UInt8] = [0x20, 0, 0xD6, 0, 0x41, 0, end]
    expectInvalid(module(types: types, functions: [(0, [LocalDeclaration(count: 1, type: nullable)], brOnNonNull)]), "type mismatch")
}

@Test func tailCallResultsMustMatch() {
    let types = [fn([], [.i32]), fn([], [.i64])]
    expectInvalid(module(types: types, functions: [(0, [], [0x12, 1, end]), (1, [], [0x42, 0, end])]), "type mismatch")
    expectValid(module(types: types, functions: [(0, [], [0x12, 0, end])]))
}

@Test func unknownFunctionAndTable() {
    expectInvalid(module(functions: [(0, [], [0x10, 5, end])]), "unknown function")
    expectInvalid(module(functions: [(0, [], [0x41, 0, 0x11, 0, 0, end])]), "unknown table")
}

// MARK: - Memories

@Test func memoryInstructions() {
    func withMemory(_ m: inout Module) { m.memories = [MemoryType(limits: Limits(min: 1))] }
    expectInvalid(module(functions: [(0, [], [0x41, 0, 0x28, 2, 0, 0x1A, end])]), "unknown memory")
    expectValid(module(functions: [(0, [], [0x41, 0, 0x28, 2, 0, 0x1A, end])], configure: withMemory))
    expectInvalid(module(functions: [(0, [], [0x41, 0, 0x28, 3, 0, 0x1A, end])], configure: withMemory),
                  "alignment must not be larger than natural")
    // memory.init without a data count section
    let initBody: [UInt8] = [0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 8, 0, 0, end]
    expectInvalid(module(functions: [(0, [], initBody)]) {
        withMemory(&$0)
        $0.data = [DataSegment(mode: .passive, bytes: [])]
    }, "data count section required")
    expectValid(module(functions: [(0, [], initBody)]) {
        withMemory(&$0)
        $0.data = [DataSegment(mode: .passive, bytes: [])]
        $0.dataCount = 1
    })
}

@Test func simdInstructions() {
    func withMemory(_ m: inout Module) { m.memories = [MemoryType(limits: Limits(min: 1))] }
    let v128Const: [UInt8] = [0xFD, 0x0C] + [UInt8](repeating: 0, count: 16)
    let i32Zero: [UInt8] = [0x41, 0]
    func body(_ code: [UInt8]) -> Module {
        module(types: [fn([], [.v128])], functions: [(0, [], code + [end])], configure: withMemory)
    }
    // Regular typing: i32x4.add pops two vectors; extract_lane pushes its lane's type.
    expectValid(body(v128Const + v128Const + [0xFD, 0xAE, 0x01]))
    expectInvalid(body(v128Const + i32Zero + [0xFD, 0xAE, 0x01]), "type mismatch")
    expectValid(body(v128Const + [0xFD, 0x21, 1, 0xFD, 0x14]))  // f64x2.extract_lane 1, f64x2.splat
    expectValid(body(v128Const + v128Const + v128Const + [0xFD, 0x93, 0x02]))  // i32x4.relaxed_dot_i8x16_i7x16_add_s
    // Lane indices are checked against the shape's lane count.
    expectInvalid(body(v128Const + [0xFD, 0x21, 2, 0xFD, 0x14]), "invalid lane index")
    expectValid(body(v128Const + [0xFD, 0x15, 15, 0xFD, 0x0F]))  // i8x16.extract_lane_s 15, i8x16.splat
    expectInvalid(body(v128Const + [0xFD, 0x15, 16, 0xFD, 0x0F]), "invalid lane index 16")
    expectInvalid(body(i32Zero + v128Const + [0xFD, 0x55, 0, 0, 8]), "invalid lane index")  // v128.load16_lane 8
    expectValid(body(i32Zero + v128Const + [0xFD, 0x55, 0, 0, 7]))
    // Shuffle indices select among 32 lanes.
    expectValid(body(v128Const + v128Const + [0xFD, 0x0D] + [UInt8](repeating: 31, count: 16)))
    expectInvalid(body(v128Const + v128Const + [0xFD, 0x0D] + [UInt8](repeating: 0, count: 15) + [32]), "invalid lane index 32")
    // Alignment at most natural: 16 bytes for v128.load, the lane's width for the lane accesses.
    expectValid(body(i32Zero + [0xFD, 0x00, 4, 0]))
    expectInvalid(body(i32Zero + [0xFD, 0x00, 5, 0]), "alignment must not be larger than natural")
    expectInvalid(body(i32Zero + [0xFD, 0x07, 1, 0]), "alignment must not be larger than natural")  // load8_splat
    expectInvalid(body(i32Zero + v128Const + [0xFD, 0x56, 3, 0, 0]), "alignment must not be larger than natural")
    expectInvalid(module(types: [fn([], [.v128])], functions: [(0, [], i32Zero + [0xFD, 0x00, 4, 0, end])]), "unknown memory")
    // v128.store pops the address, then the vector; store lanes push nothing.
    expectValid(module(functions: [(0, [], i32Zero + v128Const + [0xFD, 0x0B, 4, 0, end])], configure: withMemory))
    expectInvalid(module(functions: [(0, [], v128Const + i32Zero + [0xFD, 0x0B, 4, 0, end])], configure: withMemory), "type mismatch")
    expectValid(module(functions: [(0, [], i32Zero + v128Const + [0xFD, 0x5B, 3, 0, 1, end])], configure: withMemory))
    // v128.const is a constant expression.
    var m = Module()
    m.globals = [GlobalDefinition(type: GlobalType(valueType: .v128, isMutable: false), initializer: ConstantExpression([.v128Const(.zero)]))]
    expectValid(m)
    m.globals[0].initializer = ConstantExpression([.v128Const(.zero), .simd(.i32x4Add)])
    expectInvalid(m, "constant expression required")
}

@Test func memory64Addresses() {
    func withMemories(_ m: inout Module) {
        m.memories = [MemoryType(limits: Limits(min: 1)), MemoryType(limits: Limits(min: 1), addressType: .i64)]
    }
    // i64.const 0 i32.load (memory 1)
    let load: [UInt8] = [0x42, 0, 0x28, 0x42, 1, 0, 0x1A, end]
    expectValid(module(functions: [(0, [], load)], configure: withMemories))
    // memory.copy 1 0: dest i64, source i32, length i32 (the minimum)
    let copy: [UInt8] = [0x42, 0, 0x41, 0, 0x41, 0, 0xFC, 10, 1, 0, end]
    expectValid(module(functions: [(0, [], copy)], configure: withMemories))
    let badCopy: [UInt8] = [0x42, 0, 0x41, 0, 0x42, 0, 0xFC, 10, 1, 0, end]
    expectInvalid(module(functions: [(0, [], badCopy)], configure: withMemories), "type mismatch")
    // memory.size on the 64-bit memory produces i64
    expectInvalid(module(types: [fn([], [.i32])], functions: [(0, [], [0x3F, 1, end])], configure: withMemories), "type mismatch")
}

@Test func limits() {
    var m = Module()
    m.memories = [MemoryType(limits: Limits(min: 65537))]
    expectInvalid(m, "memory size must be at most 65536 pages (4GiB)")
    m.memories = [MemoryType(limits: Limits(min: 2, max: 1))]
    expectInvalid(m, "size minimum must not be greater than maximum")
    m.memories = [MemoryType(limits: Limits(min: 1 << 48), addressType: .i64)]
    expectValid(m)
    m.memories = [MemoryType(limits: Limits(min: (1 << 48) + 1), addressType: .i64)]
    expectInvalid(m, "memory size")
    m.memories = [MemoryType(limits: Limits(min: 1), addressType: .i32), MemoryType(limits: Limits(min: 1))]
    expectValid(m)  // multiple memories are fine in 3.0
    m.memories = []
    m.tables = [TableDefinition(type: TableType(elementType: .funcref, limits: Limits(min: 0x1_0000_0000)))]
    expectInvalid(m, "table size")
    m.tables = [TableDefinition(type: TableType(elementType: .funcref, limits: Limits(min: 0x1_0000_0000), addressType: .i64))]
    expectValid(m)
    m.tables = [TableDefinition(type: TableType(elementType: RefType(nullable: false, .func), limits: Limits(min: 1)))]
    expectInvalid(m, "type mismatch")
}

// MARK: - Module-level rules

@Test func exportsStartAndTags() {
    var m = module(functions: [(0, [], [end])])
    m.exports = [Export(name: "a", kind: .function, index: 0), Export(name: "a", kind: .function, index: 0)]
    expectInvalid(m, "duplicate export name")
    m.exports = [Export(name: "a", kind: .memory, index: 0)]
    expectInvalid(m, "unknown memory")
    m.exports = []
    m.start = 0
    expectValid(m)
    m.types = [fn([.i32])]
    m.bodies[0].code = [end]
    expectInvalid(m, "start function")
    m.start = nil
    m.types = [fn(), fn([], [.i32])]
    m.recursionGroups = [0 ..< 1, 1 ..< 2]
    m.tags = [TagType(typeIndex: 1)]
    expectInvalid(m, "non-empty tag result type")
}

@Test func elementSegmentTypes() {
    var m = module(functions: [(0, [], [end])])
    m.tables = [TableDefinition(type: TableType(elementType: .externref, limits: Limits(min: 1)))]
    m.elements = [ElementSegment(type: .funcref, mode: .active(tableIndex: 0, offset: ConstantExpression([.i32Const(0)])),
                                 items: [ConstantExpression([.refFunc(0)])])]
    expectInvalid(m, "type mismatch")
    m.tables[0].type.elementType = .funcref
    expectValid(m)
    m.elements[0].items = [ConstantExpression([.refNull(.extern)])]
    expectInvalid(m, "type mismatch")
}

// MARK: - Type system

@Test func abstractHeapSubtyping() {
    let t = try! TypeTable(types: [], recursionGroups: [])
    func sub(_ a: AbstractHeapType, _ b: AbstractHeapType) -> Bool { t.isSubtype(HeapType.abstract(a), of: .abstract(b)) }
    #expect(sub(.i31, .eq) && sub(.struct, .eq) && sub(.array, .any) && sub(.none, .i31) && sub(.eq, .any))
    #expect(sub(.nofunc, .func) && sub(.noextern, .extern) && sub(.noexn, .exn))
    #expect(!sub(.func, .any) && !sub(.extern, .any) && !sub(.any, .eq) && !sub(.none, .func) && !sub(.i31, .struct))
    #expect(t.isSubtype(ValueType.ref(RefType(nullable: false, .func)), of: .funcref))
    #expect(!t.isSubtype(ValueType.funcref, of: .ref(RefType(nullable: false, .func))))
    #expect(!t.isSubtype(ValueType.i32, of: .i64))
}

@Test func isoRecursiveCanonicalisation() throws {
    // Two identical rec groups {struct (ref 0)} and a differently shaped one.
    let selfRef = SubType(composite: .structure([FieldType(storage: .value(.ref(RefType(nullable: true, .concrete(0)))), isMutable: false)]))
    let selfRef1 = SubType(composite: .structure([FieldType(storage: .value(.ref(RefType(nullable: true, .concrete(1)))), isMutable: false)]))
    let pointsToFirst = SubType(composite: .structure([FieldType(storage: .value(.ref(RefType(nullable: true, .concrete(0)))), isMutable: false)]))
    let t = try TypeTable(types: [selfRef, selfRef1, pointsToFirst], recursionGroups: [0 ..< 1, 1 ..< 2, 2 ..< 3])
    #expect(t.canonicalIDs[0] == t.canonicalIDs[1])
    #expect(t.canonicalIDs[0] != t.canonicalIDs[2])
    #expect(t.isSubtype(HeapType.concrete(0), of: .concrete(1)))
    #expect(t.isSubtype(HeapType.concrete(2), of: .abstract(.eq)))
    #expect(!t.isSubtype(HeapType.concrete(2), of: .abstract(.func)))
    #expect(t.isSubtype(HeapType.abstract(.none), of: .concrete(2)))

    // Same shapes at different positions of a group are different types.
    let pair = try TypeTable(types: [fn([.i32]), fn(), fn(), fn([.i32])], recursionGroups: [0 ..< 2, 2 ..< 4])
    #expect(pair.canonicalIDs[0] != pair.canonicalIDs[3])
    // Forward reference outside the group.
    #expect(throws: ValidationError.self) {
        _ = try TypeTable(types: [fn([.ref(RefType(nullable: true, .concrete(1)))]), fn()], recursionGroups: [0 ..< 1, 1 ..< 2])
    }
}

@Test func declaredSubtypes() throws {
    let base = SubType(isFinal: false, composite: .function(FunctionType(parameters: [.funcref], results: [.funcref])))
    let sub = SubType(isFinal: true, supertypes: [0], composite: .function(
        FunctionType(parameters: [.funcref], results: [.ref(RefType(nullable: false, .func))])))
    let t = try TypeTable(types: [base, sub], recursionGroups: [0 ..< 1, 1 ..< 2])
    #expect(t.isSubtype(HeapType.concrete(1), of: .concrete(0)))
    #expect(!t.isSubtype(HeapType.concrete(0), of: .concrete(1)))

    var finalBase = base
    finalBase.isFinal = true
    do {
        _ = try TypeTable(types: [finalBase, sub], recursionGroups: [0 ..< 1, 1 ..< 2])
        Issue.record("final supertype accepted")
    } catch { #expect(error.message.contains("sub type")) }

    let badSub = SubType(supertypes: [0], composite: .structure([]))
    do {
        _ = try TypeTable(types: [base, badSub], recursionGroups: [0 ..< 1, 1 ..< 2])
        Issue.record("struct subtype of func accepted")
    } catch { #expect(error.message.contains("sub type")) }

    // Mutable fields are invariant, immutable ones covariant.
    let s0 = SubType(isFinal: false, composite: .structure([FieldType(storage: .value(.funcref), isMutable: true)]))
    let s1 = SubType(supertypes: [0], composite: .structure([FieldType(storage: .value(.ref(RefType(nullable: false, .func))), isMutable: true)]))
    #expect(throws: ValidationError.self) { _ = try TypeTable(types: [s0, s1], recursionGroups: [0 ..< 1, 1 ..< 2]) }
}

// MARK: - Incremental API

@Test func incrementalStateForTranslator() throws {
    let m = module(types: [fn([.i32], [.i32])], functions: [(0, [], [0x02, 0x7F, 0x20, 0, end, end])])
    let ctx = try ValidationContext(module: m)
    var v = try FunctionValidator(context: ctx, definedFunctionIndex: 0)
    #expect(v.locals == [.i32])
    #expect(v.controlDepth == 1 && v.controlFrame(fromTop: 0).kind == .function)
    try v.validate(.block(.value(.i32)), at: 100)
    #expect(v.controlDepth == 2 && v.controlFrame(fromTop: 0).labelTypes == [.i32])
    try v.validate(.localGet(0), at: 102)
    #expect(v.operandCount == 1 && v.operandType(fromTop: 0) == .i32)
    try v.validate(.end, at: 104)
    try v.validate(.unreachable, at: 105)
    #expect(v.controlFrame(fromTop: 0).isUnreachable && v.operandCount == 0)
    try v.validate(.end, at: 106)
    try v.finish(at: 107)
    #expect(ctx.functionType(ofFunction: 0) == FunctionType(parameters: [.i32], results: [.i32]))
    #expect(try ctx.blockSignature(.value(.i64)).results == [.i64])
}
