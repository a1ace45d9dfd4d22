#!/usr/bin/env python3
"""Generates the interpreter's glue from one description:
- Sources/WasmRuntime/Generated/Handlers.swift: the bodies of the family instructions (numeric, load/store,
  compare-branch, fused-pair and immediate forms, and their accumulator variants), `Executor.run_<opcode>`, each
  a one-line call of its family's generic body (Sources/WasmRuntime/Handlers/Numeric.swift,
  LoadsAndStores.swift, CompareBranches.swift) with its operation, operand sources and result accumulator;
- Sources/WasmRuntime/Generated/OpcodeTables.swift: the `Opcode` enum (numeric instructions, the rest, and the
  fused instructions), `NumericOp.isBinary`/`.opcode`, layouts, lengths, fusion and accumulator tables;
- Sources/WasmRuntime/Generated/InstructionLayouts.swift: a typed view per operand layout;
- Sources/WasmRuntime/Generated/DispatchLoop.swift: the glue: the bodies made of others (sequences, accumulator
  variants of the hand-written instructions), and for every opcode the `swasm_op_*` function its C handler inlines;
- Sources/WasmRuntimeDispatch/include/WasmRuntimeDispatch.h: the C handlers that inline those and tail-call each
  other, and the handler tables (SWASM_OPCODE_CAPACITY entries).
The hand-written bodies are Swift methods in Sources/WasmRuntime/Handlers/, declared with the operand layouts in
Instructions/internal.txt; the numeric semantics are NumericSemantics there (NumericSemantics.swift), one function
per numeric instruction. Cells are UInt64; i32 values are kept zero-extended, floats as their bit patterns. Run
it after editing this script or Instructions/internal.txt."""
import os, re, sys
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import instruction_table  # Scripts/instruction_table.py: the numeric instructions of Instructions/wasm.txt
cases = [(n, f'{code:X}') for n, code in instruction_table.numeric_cases()]

# The numeric semantics are hand-written: one function per numeric instruction in NumericSemantics
# (Sources/WasmRuntime/Handlers/NumericSemantics.swift), named as its case, taking its operands (UInt64 cells) and,
# if it may trap, `_ trap: inout TrapCode`. Checked here against the table's signatures; whether it traps is read
# from its parameters.
SEMANTICS_PATH = 'Sources/WasmRuntime/Handlers/NumericSemantics.swift'
semantics = {m.group(1): m.group(2) for m in re.finditer(r'static func (\w+)\(([^)]*)\) -> UInt64',
                                                         open(os.path.join(root, SEMANTICS_PATH)).read())}
arity = {instruction_table.camel(r.name): len(r.signature[0])
         for r in instruction_table.Table().groups().get('NumericOp', [])}
binary_names, trapping_names = set(), set()
for n, code in cases:
    params = semantics.get(n)
    if params is None: sys.exit(f'no NumericSemantics.{n} in {SEMANTICS_PATH}')
    operands = [x for x in params.split(',') if x.strip()]
    trapping = operands[-1].strip() == '_ trap: inout TrapCode'
    if trapping: operands.pop()
    assert all(x.strip().endswith(': UInt64') for x in operands) and len(operands) == arity[n], (n, params)
    if len(operands) == 2: binary_names.add(n)
    if trapping: trapping_names.add(n)
# The integer comparisons (the names of NumericSemantics' i32/i64 ones, of their compare-branches, ...).
INT_COMPARES = ['Eq', 'Ne', 'LtS', 'LtU', 'GtS', 'GtU', 'LeS', 'LeU', 'GeS', 'GeU']
out = ['extension NumericOp {']
out.append('    /// True if the instruction takes two operands.')
out.append('    var isBinary: Bool {\n        switch self {')
bl = [n for n, _ in cases if n in binary_names]
out.append('        case ' + ', '.join('.' + x for x in bl) + ': true')
out.append('        default: false\n        }\n    }')
out.append('    /// The interpreter opcode that implements this instruction.')
out.append('    var opcode: Opcode {\n        switch self {')
for n, _ in cases: out.append(f'        case .{n}: .{n}')
out.append('        }\n    }\n}')
out.append('')
# The hand-written instructions and the operand layouts are declared in Instructions/internal.txt: each body is
# a Swift method `run_<name>` on `Executor` in Sources/WasmRuntime/Handlers/<family>.swift; its layout gives its
# length in words (`Opcode.length`; `brTable` without its offset table); `produces` names the accumulator class
# and result field if the translator may keep the value it produces in an accumulator (the body then also sets
# that accumulator); `reads` the operand fields it reads from slots. An accumulator variant replaces such a field:
# the body takes an `IntegerSource` argument labelled with the field (`run_brIf(&s, a: FromAccumulator())`).
import internal_table  # Scripts/internal_table.py
LAYOUTS, HAND_WRITTEN_ROWS = internal_table.load()
class HandWritten:
    def __init__(self, row):
        self.family, self.layout, self.reads, self.produces = row.family, row.layout, row.reads, row.produces
        self.length = LAYOUTS[row.layout].words
HAND_WRITTEN = {n: HandWritten(row) for n, row in HAND_WRITTEN_ROWS.items()}
for n, h in HAND_WRITTEN.items():
    path = os.path.join(root, f'Sources/WasmRuntime/Handlers/{h.family}.swift')
    assert re.search(rf'\bfunc run_{n}\b', open(path).read()), f'no run_{n} in {path}'
# The opcodes after the numeric instructions: the hand-written ones in their file's order, then the families.
OTHER = list(HAND_WRITTEN) + """i32Load i64Load f32Load f64Load i32Load8S i32Load8U i32Load16S i32Load16U i64Load8S i64Load8U i64Load16S i64Load16U i64Load32S i64Load32U
i32Store i64Store f32Store f64Store i32Store8 i32Store16 i64Store8 i64Store16 i64Store32
i32LoadIndexed i32Load8UIndexed i32StoreIndexed i32Store8Indexed
brIfI32Eq brIfI32Ne brIfI32LtS brIfI32LtU brIfI32GtS brIfI32GtU brIfI32LeS brIfI32LeU brIfI32GeS brIfI32GeU brIfI32And brIfI32AndZero i32AddImm i64AddImm
brIfI64Eq brIfI64Ne brIfI64LtS brIfI64LtU brIfI64GtS brIfI64GtU brIfI64LeS brIfI64LeU brIfI64GeS brIfI64GeU
brIfF32Eq brIfNotF32Eq brIfF32Ne brIfNotF32Ne brIfF32Lt brIfNotF32Lt brIfF32Gt brIfNotF32Gt brIfF32Le brIfNotF32Le brIfF32Ge brIfNotF32Ge brIfF64Eq brIfNotF64Eq brIfF64Ne brIfNotF64Ne brIfF64Lt brIfNotF64Lt brIfF64Gt brIfNotF64Gt brIfF64Le brIfNotF64Le brIfF64Ge brIfNotF64Ge""".split()
# SIMD (Sources/WasmRuntime/Handlers/Vector.swift): one instruction per SIMD instruction of the table (the groups
# SIMDOp, SIMDLane, SIMDLoadOp, SIMDMemoryLaneOp and the cases v128.store and i8x16.shuffle; v128.const is
# `vectorConst` or constant slots), named as its case; loads and v128.store also have an `...AnyMemory` form for
# other memories and 64-bit addresses. The semantics are C functions, `swasm_simd_<mnemonic>` in
# Sources/WasmRuntimeDispatch/include/SIMDSemantics.h; the body passes one, in a closure, to the family body its
# signature selects (SIMD_FAMILY).
TABLE = instruction_table.Table()
SIMD_ROWS = {g: TABLE.groups().get(g, []) for g in ('SIMDOp', 'SIMDLaneOp', 'SIMDLoadOp', 'SIMDMemoryLaneOp')}
SIMD_ROWS['v128Store'] = [r for r in TABLE.rows if r.name == 'v128.store']
SIMD_ROWS['i8x16Shuffle'] = [r for r in TABLE.rows if r.name == 'i8x16.shuffle']
def c_semantics(row): return 'swasm_simd_' + row.name.replace('.', '_')
def memory_width(row): return next(i.width for i in row.immediates if i.kind == 'memarg')
SIMD = {}  # opcode name -> (family body call, layout)
def simd_instruction(row):
    """The opcode names, family body calls and layouts of the interpreter instructions for a SIMD row."""
    n, f = instruction_table.camel(row.name), c_semantics(row)
    params, results = row.signature
    def closure(arguments): return '{{ ' + arguments.format(f=f) + ' }}'
    if row.name == 'v128.store':
        call = lambda mode: f'runVectorStore(&s, width: 16, {mode}) ' + closure('{f}($0, $1)')
        return [(n, call('anyMemory: false'), 'store'), (n + 'AnyMemory', call('anyMemory: true'), 'vectorMemoryStore'),
                (n + 'Indexed', call('anyMemory: false, indexed: true'), 'storeIndexed')]
    if row.name == 'i8x16.shuffle':
        return [(n, 'runVectorShuffle(&s) ' + closure('{f}($0, $1, $2, $3)'), 'shuffle')]
    if row.case.group == 'SIMDLoadOp':
        call = lambda mode: f'runVectorLoad(&s, width: {memory_width(row)}, {mode}) ' + closure('{f}($0, $1)')
        forms = [(n, call('anyMemory: false'), 'load'), (n + 'AnyMemory', call('anyMemory: true'), 'vectorMemoryLoad')]
        # v128.load of an i32.add address (the translator's `takeAddressAdd`), as the scalar loads' Indexed forms.
        if row.name == 'v128.load': forms.append((n + 'Indexed', call('anyMemory: false, indexed: true'), 'loadIndexed'))
        return forms
    if row.case.group == 'SIMDMemoryLaneOp':
        if results:
            return [(n, f'runVectorLoadLane(&s, width: {memory_width(row)}) ' + closure('{f}($0, $1, $2, $3)'), 'laneLoad')]
        return [(n, f'runVectorStoreLane(&s, width: {memory_width(row)}) ' + closure('{f}($0, $1, $2)'), 'laneStore')]
    if row.case.group == 'SIMDLaneOp':
        if results == ['v128']:
            return [(n, 'runVectorReplaceLane(&s) ' + closure('{f}($0, $1, $2, $3)'), 'laneReplace')]
        return [(n, 'runVectorExtractLane(&s) ' + closure('{f}($0, $1)'), 'laneExtract')]
    forms = {
        ('v128',): ('runVectorUnary', '{f}($0, $1)', 'unary'),
        ('v128', 'v128'): ('runVectorBinary', '{f}($0, $1, $2)', 'binary'),
        ('v128', 'i32'): ('runVectorBinary', '{f}($0, $1, UInt32(truncatingIfNeeded: $2.pointee))', 'binary'),
        ('v128', 'v128', 'v128'): ('runVectorTernary', '{f}($0, $1, $2, $3)', 'ternary'),
    }
    if results == ['v128'] and tuple(params) in forms:
        body, arguments, layout = forms[tuple(params)]
    elif results == ['v128'] and len(params) == 1:  # splat of a scalar cell
        body, arguments, layout = 'runVectorUnary', '{f}($0, $1.pointee)', 'unary'
    elif params == ['v128'] and results == ['i32']:  # any_true, all_true, bitmask
        body, arguments, layout = 'runVectorUnary', '$0.pointee = UInt64({f}($1))', 'unary'
    else:
        sys.exit(f'no SIMD family for {row.name} {params}->{results}')
    return [(n, f'{body}(&s) ' + closure(arguments), layout)]
# Relaxed SIMD: the instruction computes what is fastest on the host (SIMDSemantics.h says what, per CPU); its
# `...Deterministic` form, chosen when a module is compiled for the spec's deterministic profile, calls
# `swasm_simd_<mnemonic>_deterministic`.
RELAXED = [r for r in SIMD_ROWS['SIMDOp'] if '.relaxed_' in r.name]
for rows in SIMD_ROWS.values():
    for row in rows:
        for n, call, layout in simd_instruction(row): SIMD[n] = (call, layout)
for row in RELAXED:
    n = instruction_table.camel(row.name)
    call, layout = SIMD[n]
    SIMD[n + 'Deterministic'] = (call.replace(c_semantics(row) + '(', c_semantics(row) + '_deterministic('), layout)
simd_header = open(os.path.join(root, 'Sources/WasmRuntimeDispatch/include/SIMDSemantics.h')).read() \
    if os.path.exists(os.path.join(root, 'Sources/WasmRuntimeDispatch/include/SIMDSemantics.h')) else ''
# (Most are defined by macros taking the name without its `swasm_simd_` prefix.)
for rows in SIMD_ROWS.values():
    for row in rows:
        assert re.search(rf'\b({c_semantics(row)}|{row.name.replace(".", "_")})\b', simd_header), \
            f'no {c_semantics(row)} in SIMDSemantics.h'
OTHER += list(SIMD)
for group in ('SIMDOp', 'SIMDLaneOp', 'SIMDLoadOp', 'SIMDMemoryLaneOp'):
    if not SIMD_ROWS[group]: continue
    names = [instruction_table.camel(r.name) for r in SIMD_ROWS[group]]
    out += [f'extension {group} {{', '    /// The interpreter opcode that implements this instruction (memory 0 with 32-bit addresses, for loads).',
            '    var opcode: Opcode {', '        switch self {'] + [f'        case .{n}: .{n}' for n in names] + ['        }', '    }']
    if group == 'SIMDOp':
        out += ['', '    /// The opcode of a relaxed instruction\'s deterministic form (the spec\'s deterministic profile); nil for',
                '    /// the other instructions.', '    var deterministicOpcode: Opcode? {', '        switch self {'] + \
               [f'        case .{instruction_table.camel(r.name)}: .{instruction_table.camel(r.name)}Deterministic' for r in RELAXED] + \
               ['        default: nil', '        }', '    }']
    if group == 'SIMDLoadOp':
        out += ['', '    /// The interpreter opcode for other memories and 64-bit addresses.', '    var anyMemoryOpcode: Opcode {',
                '        switch self {'] + [f'        case .{n}: .{n}AnyMemory' for n in names] + ['        }', '    }']
    out += ['}', '']
# Families whose instructions may jump (or stop): never the first half of a sequence.
JUMPING_FAMILIES = ('Control', 'Calls', 'Exceptions')
# Fused adjacent pairs (Translator.fuseAdjacentPairs): i32.add-immediate then a compare-branch on its result,
# and two binary operations where the second consumes the first's result.
ADDIMM_BRANCHES = ['Eq', 'Ne', 'LtS', 'LtU', 'GtS', 'GtU', 'LeS', 'LeU', 'GeS', 'GeU']
PAIRS = [(t, a, b) for t in ('f64', 'f32') for a in ('Add', 'Sub', 'Mul') for b in ('Add', 'Sub', 'Mul')] + [
    ('i32', 'Shl', 'Add'), ('i32', 'Add', 'Add'), ('i32', 'Mul', 'Add'), ('i32', 'Xor', 'Mul'), ('i32', 'Mul', 'Xor'),
    ('i32', 'And', 'Add'), ('i32', 'Sub', 'Add'), ('i32', 'Add', 'Shl'), ('i32', 'ShrU', 'And'), ('i32', 'Shl', 'Or'),
    ('i64', 'Xor', 'Mul'), ('i64', 'Mul', 'Xor'), ('i64', 'Mul', 'Add'), ('i64', 'Add', 'Add'), ('i64', 'Shl', 'Or'),
    ('i64', 'ShrU', 'Xor'), ('i64', 'Xor', 'Rotl'), ('i64', 'And', 'Add')]
COMMUTATIVE = {'Add', 'Mul', 'And', 'Or', 'Xor'}
INDEXED_LOADS = ['i32Load', 'i64Load', 'f32Load', 'f64Load', 'i32Load8U', 'i32Load8S', 'i32Load16U', 'i64Load8U', 'i64Load32U']
INDEXED_STORES = ['i32Store', 'i64Store', 'f32Store', 'f64Store', 'i32Store8']
OTHER += ['i32AddImmBrIf' + c for c in ADDIMM_BRANCHES] + [t + a + b for t, a, b in PAIRS]
OTHER += [n + 'Indexed' for n in INDEXED_LOADS + INDEXED_STORES if n + 'Indexed' not in OTHER]
OTHER += [n + 'PlusImm' for n in INDEXED_LOADS + INDEXED_STORES]
# Sequences: two adjacent instructions run by one handler (one dispatch instead of two); the code keeps both
# instructions' words, only the first opcode changes. The first is a simple instruction, load or store; the
# second may also branch. The set is
# the commonest adjacent pairs of simple instructions in the dynamic pair counts of Benchmarks/ programs
# (each seen in at least three of them, or a generic counterpart of one that is).
SEQUENCES = [('i32AddImm', 'i32AddImm'), ('i32Shl', 'i32AddImm'), ('i32AddImm', 'i32Add'), ('copy', 'copy'),
             ('i32AddImm', 'copy'), ('const32', 'i32And'), ('i32Add', 'i32AddImm'), ('i32AddImm', 'i32And'),
             ('i64ExtendI32U', 'i64Add'), ('i32Add', 'i32Add'), ('i32And', 'const32'), ('i32AddImm', 'i32Shl'),
             ('const32', 'i32Add'), ('const32', 'const32'), ('const32', 'i32Mul'), ('copy', 'i32LtS'),
             ('copy', 'i32AddImm'), ('i32And', 'i32AddImm'), ('copy', 'i32Shl'), ('i32Xor', 'const32'),
             ('i64AddImm', 'i64AddImm'), ('copy', 'const32'), ('const32', 'copy'),
             # with a load, store or branch: the commonest such pairs seen in at least three programs
             ('i32Add', 'i32Load'), ('i32Load', 'i32Load8U'), ('i32Store', 'br'), ('i32Shl', 'i32LoadIndexed'),
             ('i32Load', 'i32Load'), ('i32Store', 'i32Store'), ('i32AddImm', 'brIf'), ('i32LtU', 'select'),
             ('i32Store', 'i32AddImm'), ('i32AddImm', 'br'), ('i32Load', 'i32ShrU'), ('i32AddImm', 'i32Load'),
             ('i32Add', 'i32Load8U'), ('i32Load', 'brIf'), ('const32', 'brIfI32Ne'), ('i32Store', 'i32Load'),
             ('i32Shl', 'i32StoreIndexed'), ('i32Load', 'brIfNot'), ('i32Add', 'i32Store'),
             # 3x + 1 style: a multiplication by a constant, then an add-immediate
             ('i32Mul', 'i32AddImm'), ('i64Mul', 'i64AddImm'),
             # numeric loops: loads feeding arithmetic, arithmetic feeding stores, byte-wise scans (each the
             # commonest remaining pair in two of the benchmarks; none is in three)
             ('f64Load', 'f64Load'), ('f64Load', 'f64Add'), ('f64Load', 'f64Mul'), ('f64Add', 'f64Store'),
             ('f64Store', 'f64Load'), ('f32Load', 'f32Add'), ('f32Load', 'f32Mul'), ('f32Add', 'f32Store'),
             ('i32Load8UIndexed', 'i32Load8UIndexed'), ('i64Load8UIndexed', 'i64Load8UIndexed'),
             # calls and returns: an argument computed right before the call, a result right before the return
             ('i32AddImm', 'callInternal'), ('copy', 'callInternal'), ('i32Add', 'return'), ('i32AddImm', 'return'),
             ('copy', 'return'), ('i32Add', 'returnValue'), ('i32Load', 'returnValue'),
             # bytecode dispatch: a loaded opcode indexing br_table
             ('i32Load8U', 'brTable'), ('i32Load', 'brTable'),
             # the commonest remaining pair of single benchmarks (sieve's Collatz step, sort, nbody, matmul, bintrees)
             ('i32AddImm', 'i64ShrU'), ('i64And', 'select64'), ('i32Shl', 'i64LoadIndexed'), ('f64Store', 'i32AddImm'),
             ('f32Store', 'i32AddImm'), ('i32AddImm', 'globalSet')]
def sequence_name(a, b): return a + 'Then' + b[0].upper() + b[1:]
OTHER += [sequence_name(a, b) for a, b in SEQUENCES]
# Integer comparisons with a constant right operand that fits a signed 16-bit immediate (in field b, sign-extended
# to the operand type): the comparison, its compare-branch, and the i32.add-immediate + compare-branch (the
# immediate in word 1's low 16 bits). The constant then needs no frame slot, so the call prologue copies a
# shorter template and the comparison waits for no store of it.
IMM_COMPARES = [t + c + 'Imm' for t in ('i32', 'i64') for c in ADDIMM_BRANCHES]
# Bit and multiply operations with such an immediate, used when the constant gets no frame slot (the function has
# more constants than slots), where the constant would otherwise be stored to a slot right before it is read.
IMM_OPERATIONS = [t + op + 'Imm' for t in ('i32', 'i64') for op in ('And', 'Or', 'Xor', 'Shl', 'ShrS', 'ShrU', 'Mul')]
def compare_branch(n): return 'brIf' + n[0].upper() + n[1:]  # i32LtUImm -> brIfI32LtUImm
OTHER += IMM_OPERATIONS + IMM_COMPARES + [compare_branch(n) for n in IMM_COMPARES] + ['i32AddImmBrIf' + c + 'Imm' for c in ADDIMM_BRANCHES]

# Accumulators. Besides writing its result slot, a producer leaves the result in a machine register: i32 and
# i64 results in the integer accumulator (the zero-extended cell), f64 results in the float accumulator, f32
# results in the float32 accumulator. A consumer variant (`...AccA`, `...AccB`, `...AccC`, `...AccAB`) reads
# operand a, b, c or both a and b from the accumulator instead of the frame, so a value flowing to the next
# instructions skips the store-to-load round trip through memory (about 5 cycles on the critical path of
# dependent arithmetic). Translator.useAccumulators picks the variants.
NUMERIC = {n for n, _ in cases}
FLOAT_COMPARES = {'Eq', 'Ne', 'Lt', 'Gt', 'Le', 'Ge'}
def result_class(n):
    """'int', 'float' (f64) or 'float32' for the value a numeric instruction produces."""
    t = n[:3]
    if t in ('f32', 'f64') and n[3:] in FLOAT_COMPARES: return 'int'
    return TYPE_CLASS[t]
TYPE_CLASS = {'i32': 'int', 'i64': 'int', 'f64': 'float', 'f32': 'float32'}
ACC_LOADS = ['i32Load', 'i64Load', 'f64Load', 'f32Load', 'i32Load8S', 'i32Load8U', 'i32Load16S', 'i32Load16U', 'i64Load8S',
             'i64Load8U', 'i64Load16S', 'i64Load16U', 'i64Load32S', 'i64Load32U']
def load_class(n): return TYPE_CLASS[n[:3]]
PRODUCERS = {}  # name -> (class, result field)
for n in NUMERIC:
    if result_class(n): PRODUCERS[n] = (result_class(n), 'c')
for n in ACC_LOADS:
    PRODUCERS[n] = (load_class(n), 'a')
    for form in ('Indexed', 'PlusImm'):
        if n in INDEXED_LOADS: PRODUCERS[n + form] = (load_class(n), 'a')
for t, a, b in PAIRS: PRODUCERS[t + a + b] = (TYPE_CLASS[t], 'c')
PRODUCERS['i32AddImm'] = PRODUCERS['i64AddImm'] = ('int', 'c')
for n in IMM_COMPARES + IMM_OPERATIONS: PRODUCERS[n] = ('int', 'c')
INT_BINARY = ['Add', 'Sub', 'Mul', 'And', 'Or', 'Xor', 'Shl', 'ShrS', 'ShrU', 'Rotl', 'Rotr'] + INT_COMPARES
ACC_CONSUMERS = []  # (base, operand(s), class)
for t in ('i32', 'i64'):
    for op in INT_BINARY: ACC_CONSUMERS.append((t + op, 'A', 'int'))
    for op in ('Sub', 'Shl', 'ShrS', 'ShrU', 'Rotl', 'Rotr'): ACC_CONSUMERS.append((t + op, 'B', 'int'))
    for op in ('Eqz', 'Clz', 'Ctz', 'Popcnt'): ACC_CONSUMERS.append((t + op, 'A', 'int'))
    ACC_CONSUMERS.append((t + 'Mul', 'AB', 'int'))
    ACC_CONSUMERS.append((t + 'AddImm', 'A', 'int'))
for t in ('f64', 'f32'):
    for op in ('Add', 'Sub', 'Mul', 'Div', 'Min', 'Max', 'Sqrt', 'Neg', 'Abs') + tuple(sorted(FLOAT_COMPARES)):
        ACC_CONSUMERS.append((t + op, 'A', TYPE_CLASS[t]))
    for op in ('Add', 'Sub', 'Mul', 'Div'): ACC_CONSUMERS.append((t + op, 'B', TYPE_CLASS[t]))
    for op in ('Add', 'Mul'): ACC_CONSUMERS.append((t + op, 'AB', TYPE_CLASS[t]))
ACC_CONSUMERS.append(('f64PromoteF32', 'A', 'float32'))
ACC_CONSUMERS.append(('f32DemoteF64', 'A', 'float'))
for n in ('i64ExtendI32S', 'i64ExtendI32U', 'i32WrapI64', 'f64ConvertI32S', 'f64ConvertI32U', 'f64ConvertI64S', 'f64ConvertI64U'):
    ACC_CONSUMERS.append((n, 'A', 'int'))
for n in ('brIf', 'brIfNot', 'brTable'): ACC_CONSUMERS.append((n, 'A', 'int'))
for c in INT_COMPARES + ['And', 'AndZero']: ACC_CONSUMERS.append(('brIfI32' + c, 'A', 'int'))
for c in INT_COMPARES: ACC_CONSUMERS.append(('brIfI64' + c, 'A', 'int'))
for n in IMM_OPERATIONS: ACC_CONSUMERS.append((n, 'A', 'int'))
for n in IMM_COMPARES:
    ACC_CONSUMERS.append((n, 'A', 'int'))
    ACC_CONSUMERS.append((compare_branch(n), 'A', 'int'))
for c in sorted(FLOAT_COMPARES):
    for neg in ('', 'Not'):
        ACC_CONSUMERS.append((f'brIf{neg}F64{c}', 'A', 'float'))
        ACC_CONSUMERS.append((f'brIf{neg}F32{c}', 'A', 'float32'))
for n in ACC_LOADS: ACC_CONSUMERS.append((n, 'B', 'int'))
for n in INDEXED_LOADS: ACC_CONSUMERS.append((n + 'PlusImm', 'B', 'int'))
# The index of an indexed access (typically `i << k` computed just before, often in the same sequence handler,
# whose second half would otherwise reload the index from the slot the first half has just written).
for n in INDEXED_LOADS + INDEXED_STORES: ACC_CONSUMERS.append((n + 'Indexed', 'C', 'int'))
for n in ('i32Store', 'i64Store', 'f64Store', 'f32Store', 'i32Store8', 'i32Store16'):
    ACC_CONSUMERS.append((n, 'A', TYPE_CLASS[n[:3]]))
for n in ('i32Store', 'i64Store', 'f64Store', 'f32Store', 'i32Store8'): ACC_CONSUMERS.append((n, 'B', 'int'))
for t, a, b in PAIRS: ACC_CONSUMERS.append((t + a + b, 'A', TYPE_CLASS[t]))
for n, h in HAND_WRITTEN.items():
    if h.produces: PRODUCERS[n] = h.produces
ACC_CONSUMERS.append(('select', 'C', 'int'))
ACC_CONSUMERS.append(('select64', 'C', 'int'))
# Integer operations (and fused pairs) whose operands a and b may be swapped.
COMMUTATIVE_INT = [t + op for t in ('i32', 'i64') for op in ('Add', 'Mul', 'And', 'Or', 'Xor')] + \
    [t + a + b for t, a, b in PAIRS if t != 'f32' and t != 'f64' and a in COMMUTATIVE]
def acc_variant_name(base, which): return base + 'Acc' + which
for base, which, cls in ACC_CONSUMERS:
    if base in PRODUCERS: PRODUCERS[acc_variant_name(base, which)] = PRODUCERS[base]
OTHER += [acc_variant_name(base, which) for base, which, _ in ACC_CONSUMERS]
# Sequences of accumulator variants: the first instruction may read an operand from an accumulator, and the
# second may read the first one's result from its accumulator (the first body sets it), so the handler needs
# no store-to-load round trip between or before its two halves.
def variants_of(n, cls=None):
    return [acc_variant_name(n, w) for b, w, c in ACC_CONSUMERS if b == n and (cls is None or c == cls)]
ACC_SEQUENCES = [(a1, b1) for a, b in SEQUENCES
                 for a1 in [a] + variants_of(a)
                 for b1 in [b] + (variants_of(b, PRODUCERS[a][0]) if a in PRODUCERS else [])
                 if (a1, b1) != (a, b)]
OTHER += [sequence_name(a, b) for a, b in ACC_SEQUENCES]
# Selects that take one arm from the accumulator as it was before the sequence. For a branch-free `c ? x : y`
# clang computes both arms, then the condition, then the select: the arm computed last was in the accumulator
# until the condition replaced it. In these handlers the condition stays in a register (its slot is still
# written, the accumulator is not), and the select reads that arm from the accumulator.
KEEP_SELECTS = [(a, b, arm) for a, b in (('i32LtU', 'select'), ('i64And', 'select64')) for arm in ('First', 'Second')]
def keep_select_name(a, b, arm): return sequence_name(a, b) + 'Keeping' + arm
OTHER += [keep_select_name(a, b, arm) for a, b, arm in KEEP_SELECTS]
out.append('/// The interpreter\'s opcodes: every numeric instruction, then the rest (operand layouts: Instructions/internal.txt).')
out.append('/// Between 257 and 4096 cases (`SWASM_OPCODE_CAPACITY`): an opcode is two bytes whose raw value fits 12 bits')
out.append('/// (`Opcode(unchecked:)` relies on it).')
out.append('enum Opcode: UInt16 {')
for n, _ in cases: out.append(f'    case {n}')
for n in OTHER: out.append(f'    case `{n}`' if n in ('return', 'throw', 'rethrow') else f'    case {n}')
out.append('}')
out.append('')
out.append('extension Opcode {')
out.append('    /// The number of opcodes (raw values 0..<caseCount).')
out.append(f'    static let caseCount = {len(cases) + len(OTHER)}')
out.append('}')

# The bodies of the generated instructions: each a call of a family body, a generic Swift function in
# Sources/WasmRuntime/Handlers/ (Numeric.swift, LoadsAndStores.swift, CompareBranches.swift) that takes the operation
# (a NumericSemantics or LoadSemantics function, or the stored type), where each operand comes from (an
# `OperandSource`) and which accumulator also receives the result (a `ResultAccumulator`).
class Body:
    """The call `call` with a placeholder for each operand field in `fields` that the instruction reads from a slot
    (`{a}`, `{b}`, `{c}`: `sources` names where, the slot unless an accumulator variant says otherwise) and for the
    accumulator of its result (`{result}`, from PRODUCERS); `jumps` if it may branch (its layout, hence its length,
    is set by family below)."""
    def __init__(self, call, fields, jumps=False, sources=None):
        self.call, self.fields, self.jumps = call, fields, jumps
        self.sources = sources or {f: 'FromSlot' for f in fields}
    def variant(self, fields, source):
        """The body reading `fields` from `source` instead."""
        assert set(fields) <= set(self.fields), (self.call, fields)
        return Body(self.call, self.fields, self.jumps, {**self.sources, **{f: source for f in fields}})
    def text(self, name):
        assert ('{result}' in self.call) == (name in PRODUCERS), name
        result = {'int': 'IntoIntAccumulator', 'float': 'IntoFloatAccumulator', 'float32': 'IntoFloat32Accumulator'}[
            PRODUCERS[name][0]] + '()' if name in PRODUCERS else None
        return self.call.format(result=result, **{f: self.sources[f] + '()' for f in self.fields})
bodies = {}
for n, _ in cases:
    family = ('runTrapping' if n in trapping_names else 'run') + ('Binary' if n in binary_names else 'Unary')
    operands = 'a: {a}, b: {b}' if n in binary_names else 'a: {a}'
    bodies[n] = Body(f'{family}(&s, NumericSemantics.{n}, {operands}, result: {{result}})',
                     'ab' if n in binary_names else 'a')
# Loads and stores of memory 0 with 32-bit addresses (LoadsAndStores.swift): a load's LoadSemantics function gives
# its width and what it makes of the value; a store's is the type it stores. Other memories and 64-bit addresses
# take `memoryLoad`/`memoryStore` (hand-written), which name the access in a third word.
LOADS = ['i32Load', 'i64Load', 'f32Load', 'f64Load', 'i32Load8S', 'i32Load8U', 'i32Load16S', 'i32Load16U', 'i64Load8S',
         'i64Load8U', 'i64Load16S', 'i64Load16U', 'i64Load32S', 'i64Load32U']
stores = [(['i32Store', 'f32Store', 'i64Store32'], 'UInt32'), (['i64Store', 'f64Store'], 'UInt64'),
          (['i32Store8', 'i64Store8'], 'UInt8'), (['i32Store16', 'i64Store16'], 'UInt16')]
store_type = {n: T for names, T in stores for n in names}
loads_text = open(os.path.join(root, 'Sources/WasmRuntime/Handlers/LoadsAndStores.swift')).read()
for n in LOADS: assert re.search(rf'\bstatic func {n}\(', loads_text), f'no LoadSemantics.{n}'
# The address forms: a slot; Indexed, an i32.add of two slots; PlusImm, an i32.add of a slot and the signed 16-bit
# immediate in c.
ADDRESSES = {'': ('SlotAddress(b: {b})', 'b'), 'Indexed': ('IndexedAddress(b: {b}, c: {c})', 'bc'),
             'PlusImm': ('PlusImmediateAddress(b: {b})', 'b')}
def load_body(n, form):
    address, fields = ADDRESSES[form]
    return Body(f'runLoad(&s, LoadSemantics.{n}, address: {address}, result: {{result}})', fields)
def store_body(n, form):
    address, fields = ADDRESSES[form]
    return Body(f'runStore(&s, {store_type[n]}.self, a: {{a}}, address: {address})', 'a' + fields)
for n in LOADS: bodies[n] = load_body(n, '')
for names, _ in stores:
    for n in names: bodies[n] = store_body(n, '')
for n in INDEXED_LOADS:
    for form in ('Indexed', 'PlusImm'): bodies[n + form] = load_body(n, form)
for n in INDEXED_STORES:
    for form in ('Indexed', 'PlusImm'): bodies[n + form] = store_body(n, form)
# Operations with an immediate operand b (sign-extended 16 bits), including i32.add/i64.add-immediate.
IMMEDIATE = {'i32': 'FromImmediateI32()', 'i64': 'FromImmediateI64()'}
for n in IMM_COMPARES + IMM_OPERATIONS + ['i32AddImm', 'i64AddImm']:
    t, op = n[:3], n[3:-3]
    bodies[n] = Body(f'runBinary(&s, NumericSemantics.{t}{op}, a: {{a}}, b: {IMMEDIATE[t]}, result: {{result}})', 'a')
for ty, op1, op2 in PAIRS:
    bodies[ty + op1 + op2] = Body(f'runFusedPair(&s, NumericSemantics.{ty}{op1}, NumericSemantics.{ty}{op2}, '
                                  f'secondCommutes: {"true" if op2 in COMMUTATIVE else "false"}, a: {{a}}, b: {{b}}, '
                                  'result: {result})', 'ab')
# Compare-branches (CompareBranches.swift): on two operands or an operand and an immediate, and the
# i32.add-immediate before one, on a slot or an immediate in word 1.
for c in ADDIMM_BRANCHES:
    for suffix, right in (('', 'FromSlot()'), ('Imm', 'FromImmediateI32()')):
        bodies[f'i32AddImmBrIf{c}{suffix}'] = Body(
            f'runAddImmediateCompareBranch(&s, NumericSemantics.i32{c}, a: {{a}}, right: {right})', 'a', jumps=True)
def compare_branch_body(comparison, negated, right=None):
    b = right or '{b}'
    return Body(f'runCompareBranch(&s, NumericSemantics.{comparison}, negated: {"true" if negated else "false"}, '
                f'a: {{a}}, b: {b})', 'a' if right else 'ab', jumps=True)
for t in ('i32', 'i64'):
    T = t.upper()
    for c in INT_COMPARES:
        bodies[f'brIf{T}{c}'] = compare_branch_body(t + c, False)
        bodies[f'brIf{T}{c}Imm'] = compare_branch_body(t + c, False, IMMEDIATE[t])
bodies['brIfI32And'] = compare_branch_body('i32And', False)
bodies['brIfI32AndZero'] = compare_branch_body('i32And', True)
FLOAT_TYPE = {'f32': 'Float', 'f64': 'Double'}
for t in ('f32', 'f64'):
    for c, op in (('Eq', '=='), ('Ne', '!='), ('Lt', '<'), ('Gt', '>'), ('Le', '<='), ('Ge', '>=')):
        for neg in ('', 'Not'):
            bodies[f'brIf{neg}{t.upper()}{c}'] = Body(
                f'runFloatCompareBranch(&s, {FLOAT_TYPE[t]}.self, {op}, negated: {"true" if neg else "false"}, '
                'a: {a}, b: {b})', 'ab', jumps=True)
for n, (call, _) in SIMD.items(): bodies[n] = Body(call, '')
assert not (set(bodies) & set(HAND_WRITTEN))
# Handlers made of other handlers' bodies (`glue`, their Swift bodies: calls of the `run_*` methods of their
# `parts`): the accumulator variants of hand-written instructions, the sequences and the selects that keep the
# accumulator. The variants of generated instructions are their bases' calls with other operand sources.
ACC_SOURCE = {'int': 'FromAccumulator', 'float': 'FromFloatAccumulator', 'float32': 'FromFloat32Accumulator'}
glue, parts = {}, {}
for base, which, cls in ACC_CONSUMERS:
    name = acc_variant_name(base, which)
    if base in HAND_WRITTEN:
        # The body reads the field through an `IntegerSource` argument; only the integer accumulator has one.
        assert cls == 'int' and set(which.lower()) <= set(HAND_WRITTEN[base].reads), (base, which, cls)
        arguments = ', '.join(f'{field}: FromAccumulator()' for field in which.lower())
        glue[name], parts[name] = [f'        run_{base}(&s, {arguments})'], [base]
        continue
    bodies[name] = bodies[base].variant(which.lower(), ACC_SOURCE[cls])
# The selects that keep the accumulator: the first instruction leaves its result (the condition) in the
# integer accumulator, and the select reads the value the accumulator held before from `kept`.
for a, b, arm in KEEP_SELECTS:
    assert PRODUCERS[a] == ('int', 'c') and HAND_WRITTEN[b].reads == 'bc', (a, b)
    operand = {'First': 'first', 'Second': 'b'}[arm]
    name = keep_select_name(a, b, arm)
    glue[name] = ['        let kept = s.iacc', f'        guard run_{a}(&s) else {{ return false }}',
                  f'        return run_{b}(&s, c: FromAccumulator(), {operand}: FromValue(kept))']
    parts[name] = [a, b]
# Sequences: the first body (which advances pc past the first instruction), then the second, exactly as if the
# second handler had been dispatched.
base_of = {acc_variant_name(base, which): base for base, which, _ in ACC_CONSUMERS}
def goes_on_in_order(n):
    """Whether instruction `n` always goes on with the instruction after it (or traps), as a sequence's first
    half must: its second half is the instruction after it."""
    n = base_of.get(n, n)
    if n in HAND_WRITTEN: return HAND_WRITTEN[n].family not in JUMPING_FAMILIES
    return not bodies[n].jumps
for a, b in SEQUENCES + ACC_SEQUENCES:
    assert goes_on_in_order(a), a
    name = sequence_name(a, b)
    glue[name] = [f'        guard run_{a}(&s) else {{ return false }}', f'        return run_{b}(&s)']
    parts[name] = [a, b]
opcodes = [n for n, _ in cases] + OTHER
handler_of = {}
for n in list(bodies) + list(HAND_WRITTEN) + list(glue):
    assert n in opcodes and n not in handler_of, n
    handler_of[n] = n
missing = [n for n in opcodes if n not in handler_of]
if missing: sys.exit('no handler for ' + ', '.join(missing))
# The generated bodies as Swift methods.
body_text = {n: body.text(n) for n, body in bodies.items()}
generated_bodies = [f'    @inline(__always) func run_{n}(_ s: inout LoopState) -> Bool {{\n        {text}\n    }}\n'
                    for n, text in body_text.items()]
# The layout of every instruction (Instructions/internal.txt): declared for the hand-written ones; by family for
# the generated ones; a variant's is its base's, a sequence's its first instruction's (the second keeps its own
# words). The length in words is the layout's.
layout_of = {n: h.layout for n, h in HAND_WRITTEN.items()}
for n in NUMERIC: layout_of[n] = 'binary' if n in binary_names else 'unary'
for n in LOADS: layout_of[n] = 'load'
for names, _ in stores:
    for n in names: layout_of[n] = 'store'
for n in INDEXED_LOADS: layout_of[n + 'Indexed'], layout_of[n + 'PlusImm'] = 'loadIndexed', 'loadPlusImmediate'
for n in INDEXED_STORES: layout_of[n + 'Indexed'], layout_of[n + 'PlusImm'] = 'storeIndexed', 'storePlusImmediate'
for t in ('I32', 'I64'):
    for c in INT_COMPARES: layout_of[f'brIf{t}{c}'] = 'compareJump'
layout_of['brIfI32And'] = layout_of['brIfI32AndZero'] = 'compareJump'
for t in ('F32', 'F64'):
    for c in FLOAT_COMPARES: layout_of[f'brIf{t}{c}'] = layout_of[f'brIfNot{t}{c}'] = 'compareJump'
for n in IMM_COMPARES: layout_of[compare_branch(n)] = 'compareImmediateJump'
for c in ADDIMM_BRANCHES:
    layout_of['i32AddImmBrIf' + c], layout_of['i32AddImmBrIf' + c + 'Imm'] = 'addImmediateCompareJump', 'addImmediateCompareImmediateJump'
for n in ['i32AddImm', 'i64AddImm'] + IMM_COMPARES + IMM_OPERATIONS: layout_of[n] = 'binaryImmediate'
for t, a, b in PAIRS: layout_of[t + a + b] = 'fusedPair'
for base, which, _ in ACC_CONSUMERS: layout_of[acc_variant_name(base, which)] = layout_of[base]
for a, b in SEQUENCES + ACC_SEQUENCES: layout_of[sequence_name(a, b)] = layout_of[a]
for a, b, arm in KEEP_SELECTS: layout_of[keep_select_name(a, b, arm)] = layout_of[a]
for n, (_, layout) in SIMD.items(): layout_of[n] = layout
assert set(layout_of) == set(opcodes) and set(layout_of.values()) <= set(LAYOUTS), set(opcodes) ^ set(layout_of)
length_of = {n: LAYOUTS[layout].words for n, layout in layout_of.items()}
def offset_place(n):
    """Where instruction `n` keeps its branch offset: 'hi', 'w1hi', 'table' or None."""
    if layout_of[n] == 'jumpTable': return 'table'
    return next((f.place for f in LAYOUTS[layout_of[n]].fields if f.kind == 'offset'), None)
OPCODE_CAPACITY = 4096  # SWASM_OPCODE_CAPACITY: handler table entries, and 12 bits of an opcode
assert 256 < len(opcodes) <= OPCODE_CAPACITY, len(opcodes)
lengths = ['extension Opcode {',
           '    /// Words the instruction occupies (`brTable`: without its offset table).',
           '    var length: Int {', '        switch self {']
for n in opcodes:
    if length_of[n] != 1: lengths.append(f'        case .{n}: {length_of[n]}' if n not in ('return', 'throw', 'rethrow') else f'        case .`{n}`: {length_of[n]}')
lengths += ['        default: 1', '        }', '    }', '']
lengths += ['    /// Where a branch keeps its offset: `.word0` (hi32, from the instruction), `.word1` (from the',
            '    /// second word), `.table` (brTable), or nil for instructions that do not branch.',
            '    var branchOffset: BranchOffset? {', '        switch self {']
w0 = [n for n in opcodes if offset_place(n) == 'hi']
w1 = [n for n in opcodes if offset_place(n) == 'w1hi']
lengths.append('        case ' + ', '.join('.' + n for n in w0) + ': .word0')
lengths.append('        case ' + ', '.join('.' + n for n in w1) + ': .word1')
lengths.append('        case ' + ', '.join('.' + n for n in opcodes if offset_place(n) == 'table') + ': .table')
lengths += ['        default: nil', '        }', '    }', '}', '']
def switch_function(doc, signature, subject, cases):
    """A generated Swift function (or property) that switches on `subject`: one value per case, nil otherwise."""
    return ([f'    /// {line}' for line in doc] + [f'    {signature} {{', f'        switch {subject} {{']
            + [f'        case {k}: {v}' for k, v in cases] + ['        default: nil', '        }', '    }', ''])
lengths += ['extension Opcode {']
lengths += switch_function(["The fused opcode for `first` followed by `second` when `second` consumes `first`'s result."],
                           'static func fusedPair(_ first: Opcode, _ second: Opcode) -> Opcode?', '(first, second)',
                           [(f'(.{ty}{op1}, .{ty}{op2})', f'.{ty}{op1}{op2}') for ty, op1, op2 in PAIRS])
lengths += switch_function(['The fused i32.add-immediate + compare-branch for a compare-branch opcode.'],
                           'var addImmediateBranch: Opcode?', 'self',
                           [case for c in ADDIMM_BRANCHES for case in ((f'.brIfI32{c}', f'.i32AddImmBrIf{c}'),
                                                                       (f'.brIfI32{c}Imm', f'.i32AddImmBrIf{c}Imm'))])
lengths += switch_function(['The form of an integer comparison, bit operation or multiplication whose right operand is the',
                            '16-bit immediate in b, and whether its operands are i64.'],
                           'var immediateForm: (opcode: Opcode, is64: Bool)?', 'self',
                           [(f'.{n[:-3]}', f'(.{n}, {"true" if n.startswith("i64") else "false"})') for n in IMM_COMPARES + IMM_OPERATIONS])
# The integer comparison with the opposite result (also for `negatedComparison` below).
NEGATED = {'Eq': 'Ne', 'Ne': 'Eq', 'LtS': 'GeS', 'GeS': 'LtS', 'LtU': 'GeU', 'GeU': 'LtU', 'GtS': 'LeS', 'LeS': 'GtS',
           'GtU': 'LeU', 'LeU': 'GtU'}
lengths += switch_function(['The compare-branch with an immediate taken exactly when this one is not.'],
                           'var invertedImmediateBranch: Opcode?', 'self',
                           [(f'.{compare_branch(n)}', f'.{compare_branch(n[:3] + NEGATED[n[3:-3]] + "Imm")}') for n in IMM_COMPARES])
lengths += switch_function(['The compare-branch of a comparison with an immediate.'], 'var immediateCompareBranch: Opcode?', 'self',
                           [(f'.{n}', f'.{compare_branch(n)}') for n in IMM_COMPARES])
lengths += switch_function(['The sequence handler that runs `first` then `second` (both one-word instructions).'],
                           'static func sequence(_ first: Opcode, _ second: Opcode) -> Opcode?', '(first, second)',
                           [(f'(.{a}, .{b})', f'.{sequence_name(a, b)}') for a, b in SEQUENCES + ACC_SEQUENCES])
lengths += switch_function(['The first instruction of a sequence (the second keeps its own word, opcode included).'],
                           'var sequenceFirst: Opcode?', 'self',
                           [(f'.{sequence_name(a, b)}', f'.{a}') for a, b in SEQUENCES + ACC_SEQUENCES]
                           + [(f'.{keep_select_name(a, b, arm)}', f'.{a}') for a, b, arm in KEEP_SELECTS])
lengths += switch_function(["The sequence of `first` and a select on its result that reads the select's first (or second) value",
                            'from the integer accumulator as it was before `first` (see KEEP_SELECTS in Scripts/gen-numerics.py).'],
                           'static func selectKeepingAccumulator(_ first: Opcode, _ select: Opcode, firstValue: Bool) -> Opcode?',
                           '(first, select, firstValue)',
                           [(f'(.{a}, .{b}, {"true" if arm == "First" else "false"})', f'.{keep_select_name(a, b, arm)}')
                            for a, b, arm in KEEP_SELECTS])
# What each instruction does to the accumulators (Translator.useAccumulators): producers set one from a
# result field; `writes` instructions only overwrite one slot; neutral ones touch no slot (stores, and
# compare-branches: their taken side is a branch target, where no accumulator is assumed); any other
# instruction may clobber them.
store_names = [n for names, _ in stores for n in names] + [n + f for n in INDEXED_STORES for f in ('Indexed', 'PlusImm')]
WRITES = {'copy': 'a', 'const32': 'a', 'const64': 'a', 'globalGet': 'a'}
WRITES.update({'i32AddImmBrIf' + c + imm: 'c' for c in ADDIMM_BRANCHES for imm in ('', 'Imm')})
NEUTRAL = [n for n in opcodes if n in store_names or re.fullmatch(r'brIf(Not)?(I32|I64|F32|F64)?[A-Z]\w*|brIf(Not)?', n)
           and not n.startswith('brIfNull') and not n.startswith('brIfNotNull')]
NEUTRAL += [acc_variant_name(b, w) for b, w, _ in ACC_CONSUMERS if b in NEUTRAL]
assert not (set(NEUTRAL) & set(PRODUCERS)) and not (set(WRITES) & set(PRODUCERS)), 'overlapping accumulator effects'
lengths += ['    /// The operand layout (Instructions/internal.txt).', '    var layout: InstructionLayout {', '        switch self {']
for name in LAYOUTS:
    ns = [n for n in opcodes if layout_of[n] == name]
    if ns: lengths.append('        case ' + ', '.join('.`' + n + '`' if n in ('return', 'throw', 'rethrow') else '.' + n for n in ns) + f': .{name}')
lengths += ['        }', '    }', '']
lengths += ['    /// What the instruction does to the accumulators (see Scripts/gen-numerics.py).',
            '    var accumulatorEffect: AccumulatorEffect {', '        switch self {']
for cls in ('int', 'float', 'float32'):
    for field in ('a', 'c'):
        ns = [n for n in opcodes if n in PRODUCERS and PRODUCERS[n] == (cls, field)]
        if ns: lengths.append('        case ' + ', '.join('.' + n for n in ns) + f': .sets(.{cls}, .{field})')
for field in ('a', 'c'):
    ns = [n for n in opcodes if WRITES.get(n) == field]
    lengths.append('        case ' + ', '.join('.' + n for n in ns) + f': .writes(.{field})')
lengths.append('        case ' + ', '.join('.' + n for n in opcodes if n in NEUTRAL) + ': .none')
lengths += ['        default: .clobbers', '        }', '    }', '']
lengths += switch_function(['The variant reading `operands` from the accumulator of the returned class.'],
                           'func accumulatorVariant(_ operands: AccumulatorOperands) -> (Opcode, AccumulatorClass)?', '(self, operands)',
                           [(f'(.{base}, .{which.lower()})', f'(.{acc_variant_name(base, which)}, .{cls})') for base, which, cls in ACC_CONSUMERS])
lengths += ['    /// Integer operations (and fused pairs) whose operands a and b may be swapped.',
            '    var isCommutativeInteger: Bool {', '        switch self {',
            '        case ' + ', '.join('.' + n for n in COMMUTATIVE_INT) + ': true',
            '        default: false', '        }', '    }', '',
            '    /// The instruction an accumulator variant was made from (itself for others): same operands, and',
            '    /// the same effect, since producers also write their slot.',
            '    var accumulatorBase: Opcode {', '        switch self {']
for base, which, cls in ACC_CONSUMERS:
    lengths.append(f'        case .{acc_variant_name(base, which)}: .{base}')
lengths += ['        default: self', '        }', '    }', '']
swap = {'Lt': 'Gt', 'Gt': 'Lt', 'Le': 'Ge', 'Ge': 'Le', 'LtS': 'GtS', 'GtS': 'LtS', 'LtU': 'GtU', 'GtU': 'LtU',
        'LeS': 'GeS', 'GeS': 'LeS', 'LeU': 'GeU', 'GeU': 'LeU', 'Eq': 'Eq', 'Ne': 'Ne', 'And': 'And', 'AndZero': 'AndZero'}
mirrored = [(n, m.group(1) + swap[m.group(2)]) for n in opcodes
            for m in [re.fullmatch(r'(i32|i64|f32|f64|brIfI32|brIfI64|brIfF32|brIfNotF32|brIfF64|brIfNotF64)([A-Z][A-Za-z]*)', n)]
            if m and m.group(2) in swap and (m.group(1).startswith('brIf') or m.group(2) not in ('And', 'AndZero'))]
lengths += switch_function(['The comparison (or compare-branch) with its operands swapped: `a < b` is `b > a`.'],
                           'var mirroredComparison: Opcode?', 'self', [(f'.{n}', f'.{m}') for n, m in mirrored])
negated = [(n, m.group(1) + NEGATED[m.group(2)] + (m.group(3) or '')) for n in opcodes
           for m in [re.fullmatch(r'(i32|i64)(Eq|Ne|LtS|LtU|GtS|GtU|LeS|LeU|GeS|GeU)(Imm)?', n)] if m]
lengths += switch_function(['The integer comparison that gives the opposite result: `eqz(a < b)` is `a >= b` (not for floats,',
                            'where both are false with a NaN).'],
                           'var negatedComparison: Opcode?', 'self', [(f'.{n}', f'.{m}') for n, m in negated])
lengths += switch_function(['The indexed form of a load or store (address = fp[b] + fp[c]).'], 'var indexed: Opcode?', 'self',
                           [(f'.{n}', f'.{n}Indexed') for n in INDEXED_LOADS + INDEXED_STORES])
lengths += switch_function(['The form of a load or store whose address is fp[b] plus the 16-bit immediate in c.'],
                           'var plusImmediate: Opcode?', 'self', [(f'.{n}', f'.{n}PlusImm') for n in INDEXED_LOADS + INDEXED_STORES])
lengths[-1:] = ['}', '']
def write(path, text): open(os.path.join(root, path), 'w').write(text)
write('Sources/WasmRuntime/Generated/Handlers.swift',
      '// Generated by Scripts/gen-numerics.py. DO NOT EDIT.\n'
      '//\n'
      '// The bodies of the instructions of the handler families (numeric, loads and stores, compare-branches, fused\n'
      '// pairs, operations with an immediate, and their accumulator variants): `Executor` methods `run_<opcode>` as\n'
      '// the hand-written ones, each a call of its family\'s generic body (Sources/WasmRuntime/Handlers/), which their\n'
      '// C handlers inline (Generated/DispatchLoop.swift). The SIMD ones pass their C semantics (SIMDSemantics.h).\n\n'
      'import WasmRuntimeDispatch\n\n'
      'extension Executor {\n' + '\n'.join(generated_bodies) + '}\n')
write('Sources/WasmRuntime/Generated/InstructionLayouts.swift', internal_table.layouts_swift(LAYOUTS))
write('Sources/WasmRuntime/Generated/OpcodeTables.swift',
      '// Generated by Scripts/gen-numerics.py. DO NOT EDIT.\n\nimport WasmCore\n\n' + '\n'.join(out + [''] + lengths))
# The glue: the C handler tables, the bodies made of other bodies, and one `swasm_op_<opcode>` per opcode for its
# C handler to inline. Only this file imports the C handlers' tables, so clang emits the handlers here, and the
# `swasm_op_*` functions must be here too for LLVM to inline them; the `run_*` bodies they call may be in any
# file, since the optimizer inlines them across the module (it is compiled as a whole) before LLVM sees it.
composed = [f'    @inline(__always) func run_{h}(_ s: inout LoopState) -> Bool {{\n' + '\n'.join(glue[h]) + '\n    }\n'
            for h in sorted(glue, key=opcodes.index)]
entry_points = [f"""@_silgen_name("swasm_op_{h}") @inline(__always)
func swasm_op_{h}(_ s: UnsafeMutablePointer<LoopState>) -> UInt {{
    if s.pointee.machine.pointee.executor._withUnsafeGuaranteedRef({{ $0.run_{h}(&s.pointee) }}) {{ return 1 }}
    s.pointee.save()
    return 0
}}
""" for h in sorted(set(handler_of.values()), key=opcodes.index)]
write('Sources/WasmRuntime/Generated/DispatchLoop.swift', '''// Generated by Scripts/gen-numerics.py. DO NOT EDIT.
//
// The Swift side of the instruction handlers: for every opcode a function `swasm_op_<opcode>` that runs its body
// (`Executor.run_<opcode>`: hand-written in Sources/WasmRuntime/Handlers/, a call of a family body there in
// Generated/Handlers.swift, or below for handlers made of other handlers' bodies), which the opcode's C handler
// in Sources/WasmRuntimeDispatch/include/WasmRuntimeDispatch.h inlines.

import WasmRuntimeDispatch

extension Executor {
    /// The C handler tables of `HandlerSet.native` and `.portable`. Read here, not in HandlerSet.swift: with
    /// several LLVM threads, each source file of the module is compiled on its own, and the C handlers (and the
    /// tables that reference them) are emitted into the file that uses them, which must be the one defining the
    /// `swasm_op_*` functions they inline. (The `run_*` bodies those call may be anywhere in the module: the
    /// optimizer, which sees the whole module, inlines them first.)
    nonisolated(unsafe) static let handlerTables = (native: swasm_handler_table(), portable: swasm_portable_handler_table())
    /// log2 of the unit in which handler references count (`SWASM_HANDLER_UNIT_LOG2`: 3, or 6 in debug and
    /// sanitizer builds).
    static let handlerUnitLog2 = UInt(SWASM_HANDLER_UNIT_LOG2)
    /// The number of entries of a handler table (`SWASM_OPCODE_CAPACITY`).
    static let opcodeCapacity = Int(SWASM_OPCODE_CAPACITY)
    /// The dispatch the C handlers were compiled for (`SWASM_DISPATCH_IS_PORTABLE`, `SWASM_DISPATCH_IS_LOOP`):
    /// `HandlerSet` checks that it is the one Swift was compiled for.
    static let handlerDispatch = (portable: SWASM_DISPATCH_IS_PORTABLE != 0, loop: SWASM_DISPATCH_IS_LOOP != 0)
}

// MARK: - Handlers made of other handlers' bodies: accumulator variants of hand-written instructions (an
// `IntegerSource` argument), sequences (the first body, then the second) and selects keeping the accumulator

extension Executor {
''' + '\n'.join(composed) + '''}

// MARK: - The entry points the C handlers inline

''' + '\n'.join(entry_points))

hs = sorted(set(handler_of.values()), key=opcodes.index)
# The handler parameters (see the comment on swasm_handler). `handlers` is the lowest handler address: an
# instruction word's low 16 bits are its handler's distance from there in 8-byte units (Translator's `link`).
HANDLER_PARAMETERS = ('void *machine, void *frame, void *mem, uint64_t msize, uint64_t *pc, uint64_t *fp, double facc, uint64_t iacc, uint64_t spare, int64_t ticks, float sacc, const char *handlers')
c = ['// Generated by Scripts/gen-numerics.py. DO NOT EDIT.',
     '//',
     '// The interpreter\'s instruction handlers. Each one runs the body of one instruction (a Swift function,',
     '// `swasm_op_*` in Sources/WasmRuntime/Generated/DispatchLoop.swift, inlined here because Swift compiles',
     '// this header into the WasmRuntime module) and then tail-calls the handler of the next instruction, so',
     '// every instruction ends in its own indirect jump (better predicted than one shared `switch` jump) and',
     '// the machine registers stay in CPU registers from one instruction to the next.',
     '#ifndef WASM_RUNTIME_DISPATCH_H', '#define WASM_RUNTIME_DISPATCH_H', '', '#include <stdint.h>', '', '// What each SIMD instruction computes (hand-written; called by the SIMD handlers, Handlers/Vector.swift).', '#include "SIMDSemantics.h"', '',
     '/// The portable dispatch (ARCHITECTURE.md, "Direct threading"): no inline assembly, no CPU-specific handler',
     '/// copies, no assumption on where the linker puts the handlers (an instruction word names its handler by its',
     '/// index in `swasm_handlers`), preserve_none only where clang has it. Chosen on every CPU but x86-64, and on',
     '/// x86-64 by `SWASM_PORTABLE_DISPATCH=1 swift build` (Package.swift defines the macro for C and Swift alike;',
     '/// Swift tests `!arch(x86_64) || SWASM_PORTABLE_DISPATCH` and checks it agrees with SWASM_DISPATCH_IS_PORTABLE).',
     '#if !defined(__x86_64__) && !defined(SWASM_PORTABLE_DISPATCH)',
     '#define SWASM_PORTABLE_DISPATCH 1',
     '#endif',
     '/// Its loop form, SWASM_DISPATCH_LOOP, for CPUs where clang cannot always make the tail calls (those other than',
     '/// x86-64 and AArch64: on RISC-V arguments passed on the stack, on PowerPC any indirect call, fail `musttail`):',
     '/// each handler returns to `swasm_run`, which calls the next one (a switch-like loop, slower, but plain C).',
     '/// `SWASM_PORTABLE_DISPATCH=loop swift build` forces it.',
     '#if defined(SWASM_PORTABLE_DISPATCH) && !defined(SWASM_DISPATCH_LOOP) && !defined(__x86_64__) && !defined(__aarch64__)',
     '#define SWASM_DISPATCH_LOOP 1',
     '#endif',
     '#if defined(SWASM_DISPATCH_LOOP) && !defined(SWASM_PORTABLE_DISPATCH)',
     '#define SWASM_PORTABLE_DISPATCH 1',
     '#endif',
     '#if defined(SWASM_PORTABLE_DISPATCH)',
     '#define SWASM_DISPATCH_IS_PORTABLE 1',
     '#else',
     '#define SWASM_DISPATCH_IS_PORTABLE 0',
     '#endif',
     '#if defined(SWASM_DISPATCH_LOOP)',
     '#define SWASM_DISPATCH_IS_LOOP 1',
     '#else',
     '#define SWASM_DISPATCH_IS_LOOP 0',
     '#endif',
     '',
     '// Assumptions of both dispatches: 64-bit pointers (code words hold addresses), and a little-endian host (the',
     '// handlers load and store linear memory, which is little-endian, in the host\'s byte order).',
     '#if UINTPTR_MAX != UINT64_MAX',
     '#error "the interpreter needs a 64-bit host"',
     '#endif',
     '#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__',
     '#error "the interpreter needs a little-endian host"',
     '#endif',
     '',
     '#if defined(SWASM_PORTABLE_DISPATCH)',
     '#if !defined(__clang__) || !__has_attribute(swiftcall) || (!defined(SWASM_DISPATCH_LOOP) && !__has_attribute(musttail))',
     '#error "the interpreter needs clang with swiftcall (and musttail, unless SWASM_DISPATCH_LOOP)"',
     '#endif',
     '/// The handlers\' calling convention: preserve_none (every argument in a register, no callee-saved register to',
     '/// save) where clang has it for the target (x86-64, AArch64), the C convention elsewhere.',
     '#if __has_attribute(preserve_none)',
     '#define SWASM_CC __attribute__((preserve_none))',
     '#else',
     '#define SWASM_CC',
     '#endif',
     '#else',
     '#if !defined(__clang__) || !__has_attribute(musttail) || !__has_attribute(swiftcall) || !__has_attribute(preserve_none)',
     '#error "the interpreter needs clang with musttail, swiftcall and preserve_none"', '#endif',
     '#define SWASM_CC __attribute__((preserve_none))',
     '#endif', '',
     '/// The square root of `x` as one instruction: clang\'s elementwise builtin never sets errno, where',
     '/// `__builtin_sqrt` (and Swift\'s `squareRoot()`, which uses it) must call libm for a negative `x` when',
     '/// math functions set errno, as they do by default on Linux.',
     '#if __has_builtin(__builtin_elementwise_sqrt)',
     'static inline __attribute__((always_inline)) double swasm_sqrt_f64(double x) { return __builtin_elementwise_sqrt(x); }',
     'static inline __attribute__((always_inline)) float swasm_sqrt_f32(float x) { return __builtin_elementwise_sqrt(x); }',
     '#else',
     'static inline __attribute__((always_inline)) double swasm_sqrt_f64(double x) { return __builtin_sqrt(x); }',
     'static inline __attribute__((always_inline)) float swasm_sqrt_f32(float x) { return __builtin_sqrtf(x); }',
     '#endif',
     '',
     '/// A `callInternal`\'s link word, which `Executor.enterTranslated` may patch while other threads run the code:',
     '/// written with a release store (the callee\'s code, translated before, is visible to a thread that loads the',
     '/// new link) and read with a relaxed load, which is a plain load on x86-64 and AArch64 (the reads of the',
     '/// callee\'s code depend on the loaded address, which orders them after it).',
     'static inline __attribute__((always_inline)) void swasm_store_link(uint64_t *address, uint64_t value) {',
     '    __atomic_store_n(address, value, __ATOMIC_RELEASE);',
     '}',
     'static inline __attribute__((always_inline)) uint64_t swasm_load_link(const uint64_t *address) {',
     '    return __atomic_load_n(address, __ATOMIC_RELAXED);',
     '}',
     '',
     '/// `condition ? first : second` for values already in registers: the empty asm statements keep the',
     '/// optimizer from turning the choice into a conditional move of an address followed by one load, which',
     '/// would put that load after the condition on the critical path. (The portable dispatch has no asm: it only',
     '/// tells clang the condition is unpredictable, which asks for a conditional move.)',
     '#if defined(SWASM_PORTABLE_DISPATCH)',
     'static inline __attribute__((always_inline)) uint64_t swasm_choose(_Bool condition, uint64_t first, uint64_t second) {',
     '#if __has_builtin(__builtin_unpredictable)',
     '    return __builtin_unpredictable(condition) ? first : second;',
     '#else',
     '    return condition ? first : second;',
     '#endif',
     '}',
     '#else',
     'static inline __attribute__((always_inline)) uint64_t swasm_choose(_Bool condition, uint64_t first, uint64_t second) {',
     '    __asm__("" : "+r"(first));', '    __asm__("" : "+r"(second));', '    return condition ? first : second;', '}',
     '#endif', '',
     '/// The machine registers; layout-compatible with `LoopState` in Swift.',
     'typedef struct swasm_regs {', '    uint64_t *pc;', '    uint64_t *fp;', '    void *mem;', '    uint64_t msize;',
     '    void *machine;', '    uint64_t iacc;', '    double facc;', '    void *frame;', '    int64_t ticks;', '    float sacc;', '} swasm_regs;', '',
     '/// The handler parameters, in the order preserve_none assigns integer registers on x86-64 (r12, r13, r14, r15,',
     '/// rdi, rsi, rdx, rcx, r8, r9): the program counter, the frame pointer and the integer accumulator get rdi, rsi',
     '/// and rdx, because as an address base r12 costs a SIB byte and r13 a displacement byte (and r8-r15 a REX',
     '/// prefix in 32-bit operations). That made handlers 8 bytes shorter (median; f64SubAdd 68 -> 50) and the',
     '/// interpreter faster (docs/performance-log.md). `spare` must stay the eighth, in rcx (see SWASM_SPARE).',
     '#if defined(SWASM_DISPATCH_LOOP)',
     '/// The loop form: a handler runs its instruction on the registers in memory and returns 0 if it stopped.',
     'typedef uintptr_t (*swasm_handler)(swasm_regs *r);',
     '#define SWASM_HANDLER(name) static inline uintptr_t swasm_h_##name(swasm_regs *r)',
     '#else',
     'typedef SWASM_CC void (*swasm_handler)(' + HANDLER_PARAMETERS + ');', '',
     '#define SWASM_HANDLER(name) static inline SWASM_CC void swasm_h_##name(' + HANDLER_PARAMETERS + ')',
     '#endif',
     '']
for h in hs: c.append(f'SWASM_HANDLER({h});')
c.append('')
c.append('/// The number of entries of a handler table: opcodes are below it (12 bits; `Opcode(unchecked:)`).')
c.append(f'#define SWASM_OPCODE_CAPACITY {OPCODE_CAPACITY}')
c.append('')
c.append('/// Handler of each opcode (checked by this script and by a test). The native dispatch does')
c.append('/// not read this table: the translator reads it once to turn each instruction\'s opcode into its handler\'s')
c.append('/// address (`HandlerSet` in Swift, SWASM_NEXT here); the portable dispatch loads the next handler from it.')
c.append('/// Unused opcodes trap.')
def handler_table(name, handler_name):
    """A handler table: opcode i's handler (`handler_name` of its handler group), unused ones trap."""
    c.append(f'static const swasm_handler {name}[SWASM_OPCODE_CAPACITY] = {{')
    for i in range(OPCODE_CAPACITY):
        c.append(f'    swasm_h_{handler_name(handler_of[opcodes[i] if i < len(opcodes) else "unreachable"])},')
    c.append('};')
handler_table('swasm_handlers', lambda h: h)
c.append('')
# Handlers of bit counts (popcnt, clz, ctz, their variants and sequences) get a second copy compiled for
# x86-64 CPUs with POPCNT, LZCNT and BMI1 (one instruction each instead of a bit-twiddling sequence or a bsr/bsf
# with a zero fix-up), in a second table that `swasm_handler_table` picks at run time with cpuid.
BIT_COUNTS = {t + op for t in ('i32', 'i64') for op in ('Popcnt', 'Clz', 'Ctz')}
def counts_bits(h):
    """Whether handler `h` runs a popcnt, clz or ctz body (the instruction, a variant, or a sequence of one)."""
    if h in glue: return any(counts_bits(p) for p in parts[h])
    return base_of.get(h, h) in BIT_COUNTS
bit_handlers = [h for h in hs if counts_bits(h)]
assert bit_handlers
c.append('#if defined(__x86_64__) && !defined(SWASM_PORTABLE_DISPATCH)')
for h in bit_handlers: c.append(f'SWASM_HANDLER({h}_bits);')
c.append('')
c.append('/// `swasm_handlers` with the bit-count handlers compiled for POPCNT, LZCNT and BMI1.')
handler_table('swasm_handlers_bits', lambda h: h + '_bits' if h in bit_handlers else h)
c.append('#endif')
c.append('')
c.append('/// The `spare` argument is a scratch register: each handler passes on an unspecified value (an empty asm')
c.append('/// output, no instruction), so a handler that needs the register (x86 shifts need rcx) saves nothing.')
c.append('/// The portable dispatch passes a value the compiler may choose (no instruction where it can), or 0.')
c.append('#if defined(SWASM_PORTABLE_DISPATCH)')
c.append('#if __has_builtin(__builtin_nondeterministic_value)')
c.append('#define SWASM_SPARE(v) uint64_t v = __builtin_nondeterministic_value((uint64_t)0);')
c.append('#else')
c.append('#define SWASM_SPARE(v) uint64_t v = 0;')
c.append('#endif')
c.append('#elif defined(__x86_64__)')
c.append('#define SWASM_SPARE(v) register uint64_t v __asm__("rcx"); __asm__("" : "=r"(v));')
c.append('#else')
c.append('#define SWASM_SPARE(v) uint64_t v; __asm__("" : "=r"(v));')
c.append('#endif')
c.append('')
c.append('/// Called when a handler stops the machine (a trap, a host call, the tick budget): marking that path cold')
c.append('/// lays out every handler with its common path straight through and the stop path out of line.')
c.append('/// (It must not be empty, or the call would be dropped: the portable dispatch writes a volatile local byte')
c.append('/// instead of an asm statement.)')
c.append('#if defined(SWASM_PORTABLE_DISPATCH)')
c.append('__attribute__((cold, noinline)) static void swasm_stopped(void) { volatile char stopped = 1; (void)stopped; }')
c.append('#else')
c.append('__attribute__((cold, noinline)) static void swasm_stopped(void) { __asm__ volatile(""); }')
c.append('#endif')
c.append('')
c.append('/// log2 of the unit in which handler references count: 8 bytes (the largest `lea` scale), so the handlers')
c.append('/// must lie within 512 KiB. Sanitizer builds, whose instrumented handlers need more room, count 64-byte units')
c.append('/// (handlers are 64-byte aligned): 4 MiB; so do debug builds (Package.swift defines SWASM_WIDE_HANDLER_UNITS).')
c.append('/// Swift reads this macro too (HandlerSet).')
c.append('#if defined(SWASM_WIDE_HANDLER_UNITS)')
c.append('#define SWASM_HANDLER_UNIT_LOG2 6')
c.append('#endif')
c.append('#if defined(__has_feature) && !defined(SWASM_HANDLER_UNIT_LOG2)')
c.append('#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)')
c.append('#define SWASM_HANDLER_UNIT_LOG2 6')
c.append('#endif')
c.append('#endif')
c.append('#ifndef SWASM_HANDLER_UNIT_LOG2')
c.append('#define SWASM_HANDLER_UNIT_LOG2 3')
c.append('#endif')
c.append('')
c.append('/// The handler of the instruction at `pc`: its word\'s low 16 bits are the handler\'s distance from the first')
c.append('/// handler (`handlers`) in units of 2^SWASM_HANDLER_UNIT_LOG2 bytes (HandlerSet checks that all are within')
c.append('/// reach). An address computation (`lea`) instead of a table load takes a load off every dispatch')
c.append('/// (ARCHITECTURE.md, "Direct threading"). In the portable dispatch the low 16 bits are an index into')
c.append('/// `swasm_handlers`, which `handlers` then points to: the handlers may lie anywhere (one load more per')
c.append('/// dispatch), and the 16 bits are taken from the 64-bit word, whatever the byte order.')
c.append('#if defined(SWASM_PORTABLE_DISPATCH)')
c.append('#define SWASM_NEXT(pc) (((const swasm_handler *)(const void *)handlers)[(uint16_t)*(const uint64_t *)(pc)])')
c.append('#else')
c.append('#define SWASM_NEXT(pc) ((swasm_handler)(handlers + ((uintptr_t)*(const uint16_t *)(pc) << SWASM_HANDLER_UNIT_LOG2)))')
c.append('#endif')
c.append('')
c.append('#if defined(SWASM_DISPATCH_LOOP)')
c.append('#define SWASM_BODY(name) \\')
c.append('    __attribute__((swiftcall)) uintptr_t swasm_op_##name(swasm_regs *); \\')
c.append('    uintptr_t go; \\')
c.append('    [[clang::always_inline]] go = swasm_op_##name(r); \\')
c.append('    return go;')
c.append('#else')
c.append('#define SWASM_BODY(name) \\')
c.append('    __attribute__((swiftcall)) uintptr_t swasm_op_##name(swasm_regs *); \\')
c.append('    swasm_regs r = {pc, fp, mem, msize, machine, iacc, facc, frame, ticks, sacc}; \\')
c.append('    uintptr_t go; \\')
c.append('    [[clang::always_inline]] go = swasm_op_##name(&r); \\')
c.append('    if (!go) { swasm_stopped(); return; } \\')
c.append('    SWASM_SPARE(spare_) \\')
c.append('    __attribute__((musttail)) return SWASM_NEXT(r.pc)(r.machine, r.frame, r.mem, r.msize, r.pc, r.fp, r.facc, r.iacc, spare_, r.ticks, r.sacc, handlers);')
c.append('#endif')
c.append('')
c.append('// `hot` keeps every handler in one section: LLVM would otherwise put handlers that always stop (unreachable,')
c.append('// throw) into .text.unlikely, out of the reach of handler references (see SWASM_NEXT).')
c.append('// no_builtin keeps short copy loops (the call prologue) inline instead of calls to memcpy (only the memory')
c.append('// functions: a plain no_builtin would also turn sqrt into a libm call).')
c.append('/// Makes every handler distinct for LLVM: Swift\'s merge-functions pass would fold handlers that differ only')
c.append('/// in constants into one function with extra parameters, which breaks their guaranteed tail calls. An asm')
c.append('/// statement holding only a comment with the handler\'s name emits nothing, and functions whose asm differs are')
c.append('/// never equal.')
c.append('#define SWASM_DISTINCT(name) __asm__("/* swasm_h_" #name " */");')
def handler_definition(h, suffix='', attributes=''):
    c.append(f'__attribute__((no_builtin("memcpy", "memmove", "memset"), aligned(64), hot{attributes})) SWASM_HANDLER({h}{suffix}) {{ SWASM_DISTINCT({h}{suffix}) SWASM_BODY({h}) }}')
for h in hs: handler_definition(h)
c.append('#if defined(__x86_64__) && !defined(SWASM_PORTABLE_DISPATCH)')
for h in bit_handlers: handler_definition(h, '_bits', ', target("popcnt,lzcnt,bmi")')
c.append('')
c.append('#include <cpuid.h>')
c.append('')
c.append('/// The handler table for this CPU: `swasm_handlers_bits` if it has POPCNT, LZCNT and BMI1 (TZCNT).')
c.append('static inline const void *swasm_handler_table(void) {')
c.append('    unsigned a, b, c, d;')
c.append('    int popcnt = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 23));')
c.append('    int lzcnt = __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 5));')
c.append('    int bmi = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 3));')
c.append('    return popcnt && lzcnt && bmi ? (const void *)swasm_handlers_bits : (const void *)swasm_handlers;')
c.append('}')
c.append('#else')
c.append('/// The handler table for this CPU.')
c.append('static inline const void *swasm_handler_table(void) { return swasm_handlers; }')
c.append('#endif')
c.append('')
c.append('/// The handler table that needs no optional CPU feature (for tests of the handlers other CPUs run).')
c.append('static inline const void *swasm_portable_handler_table(void) { return swasm_handlers; }')
c.append('')
c.append('/// Runs instructions from `regs->pc` until a handler stops (the entry frame returned, or an unwind).')
c.append('/// `handlers` is the lowest handler address (`HandlerSet.first` in Swift), or `swasm_handlers` in the portable')
c.append('/// dispatch.')
c.append('static inline void swasm_run(void *regs, const char *handlers) {')
c.append('    swasm_regs *r = (swasm_regs *)regs;')
c.append('#if defined(SWASM_DISPATCH_LOOP)')
c.append('    while (SWASM_NEXT(r->pc)(r)) {}')
c.append('#else')
c.append('    SWASM_NEXT(r->pc)(r->machine, r->frame, r->mem, r->msize, r->pc, r->fp, r->facc, r->iacc, 0, r->ticks, r->sacc, handlers);')
c.append('#endif')
c.append('}')
c.append('')
c.append('#endif')
os.makedirs(os.path.join(root, 'Sources/WasmRuntimeDispatch/include'), exist_ok=True)
open(os.path.join(root, 'Sources/WasmRuntimeDispatch/include/WasmRuntimeDispatch.h'), 'w').write('\n'.join(c) + '\n')
print('ok', len(cases), 'numeric;', len(opcodes), 'opcodes;', len(hs), 'handlers')
