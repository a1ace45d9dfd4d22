"""Instructions/internal.txt: the interpreter's operand layouts and hand-written instructions.

`load()` parses and checks the file; `layouts_swift(layouts)` is the Swift source of
Sources/WasmRuntime/Generated/InstructionLayouts.swift (the typed view of each layout). Scripts/gen-numerics.py
uses both, and assigns a layout to each instruction it generates."""
import os, re, sys
from collections import namedtuple

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = os.path.join(root, 'Instructions', 'internal.txt')

# place -> (word, shift, width)
PLACES = {'a': (0, 16, 16), 'b': (0, 32, 16), 'c': (0, 48, 16), 'hi': (0, 32, 32), 'w1': (1, 0, 64), 'w2': (2, 0, 64),
          'w1lo16': (1, 0, 16), 'w1lo32': (1, 0, 32), 'w1hi': (1, 32, 32), 'w1bit16': (1, 16, 1),
          'w2lo16': (2, 0, 16), 'w2hi': (2, 32, 32)}
KINDS = {'slot', 'out', 'imm16', 'index', 'u32', 'u64', 'offset', 'flag', 'opcode', 'link'}
# The Swift type of a field of each kind.
SWIFT_TYPE = {'slot': 'Int', 'out': 'Int', 'imm16': 'Int', 'index': 'Int', 'u32': 'UInt32', 'u64': 'UInt64', 'offset': 'Int',
              'flag': 'Bool', 'opcode': 'Opcode', 'link': 'UInt64'}
FAMILIES = {'Control', 'Calls', 'Variables', 'Parametric', 'Memory', 'LoadsAndStores', 'Tables', 'References',
            'Exceptions', 'Vector'}

Field = namedtuple('Field', 'name place kind')
Layout = namedtuple('Layout', 'name words fields')
HandWritten = namedtuple('HandWritten', 'name family layout reads produces')


def fail(line_number, message):
    sys.exit(f'{PATH}:{line_number}: {message}')


def load():
    """(layouts by name, hand-written instructions by name), both in file order."""
    layouts, hand_written = {}, {}
    for number, raw in enumerate(open(PATH), 1):
        line = raw.split('#', 1)[0].split()
        if not line:
            continue
        if line[0] == 'layout':
            if len(line) < 3 or not line[2].isdigit():
                fail(number, 'expected: layout <name> <words> <field>=<place>:<kind> ...')
            name, words, fields = line[1], int(line[2]), []
            if name in layouts: fail(number, f'layout {name} declared twice')
            if not 1 <= words <= 3: fail(number, 'an instruction has 1 to 3 words')
            used = set()
            for item in line[3:]:
                m = re.fullmatch(r'(\w+)=(\w+):(\w+)', item)
                if not m: fail(number, f'bad field {item!r}')
                field = Field(*m.groups())
                if field.place not in PLACES: fail(number, f'unknown place {field.place}')
                if field.kind not in KINDS: fail(number, f'unknown kind {field.kind}')
                word, shift, width = PLACES[field.place]
                if word >= words: fail(number, f'{field.name} is in word {word} of a {words}-word layout')
                bits = {(word, shift + k) for k in range(width)}
                if bits & used: fail(number, f'{field.name} overlaps another field')
                used |= bits
                if field.name in ('opcode', 'words') or any(f.name == field.name for f in fields):
                    fail(number, f'field name {field.name} taken')
                fields.append(field)
            layouts[name] = Layout(name, words, fields)
            continue
        name, family, layout, *options = line
        if name in hand_written: fail(number, f'{name} declared twice')
        if family not in FAMILIES: fail(number, f'unknown family {family}')
        if layout not in layouts: fail(number, f'unknown layout {layout}')
        reads, produces = '', None
        for option in options:
            key, _, value = option.partition('=')
            if key == 'reads' and re.fullmatch(r'[abc]+', value): reads = value
            elif key == 'produces' and re.fullmatch(r'(int|float|float32):[ac]', value): produces = tuple(value.split(':'))
            else: fail(number, f'bad option {option!r}')
        hand_written[name] = HandWritten(name, family, layout, reads, produces)
    return layouts, hand_written


def two_operands(layout):
    """Whether the layout has slots `lhs` and `rhs` (a binary operation or comparison)."""
    return {('lhs', 'slot'), ('rhs', 'slot')} <= {(f.name, f.kind) for f in layout.fields}


def result_field(layout):
    """The place (a or c) of the slot the layout's instruction writes in word 0, if any."""
    places = [f.place for f in layout.fields if f.kind == 'out']
    assert len(places) <= 1 and set(places) <= {'a', 'c'}, layout
    return places[0] if places else None


def type_name(layout):
    """The Swift view type of a layout: `binary` -> `BinaryInstruction`."""
    return layout[0].upper() + layout[1:] + 'Instruction'


def getter(field):
    word, shift, width = PLACES[field.place]
    raw = f'words.bits({word}, {shift}, {width})'
    return {'slot': f'Int(truncatingIfNeeded: {raw})', 'out': f'Int(truncatingIfNeeded: {raw})', 'index': f'Int(truncatingIfNeeded: {raw})',
            'imm16': f'Int(Int16(truncatingIfNeeded: {raw}))', 'u32': f'UInt32(truncatingIfNeeded: {raw})',
            'u64': raw, 'link': raw, 'offset': f'Int(Int32(bitPattern: UInt32(truncatingIfNeeded: {raw})))',
            'flag': f'{raw} != 0', 'opcode': f'Opcode(unchecked: {raw})'}[field.kind]


def setter(field):
    word, shift, width = PLACES[field.place]
    value = {'slot': 'UInt64(truncatingIfNeeded: newValue)', 'out': 'UInt64(truncatingIfNeeded: newValue)', 'index': 'UInt64(truncatingIfNeeded: newValue)',
             'imm16': 'UInt64(UInt16(truncatingIfNeeded: newValue))', 'u32': 'UInt64(newValue)', 'u64': 'newValue', 'link': 'newValue',
             'offset': 'UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: newValue)))',
             'flag': '(newValue ? 1 : 0)', 'opcode': 'UInt64(newValue.rawValue)'}[field.kind]
    return f'words.setBits({word}, {shift}, {width}, {value})'


def describe(field):
    """A Swift expression describing the field of view `v` for the disassembler (`index`: the instruction's)."""
    return {'slot': f'"s\\(v.{field.name})"', 'out': f'"s\\(v.{field.name})"', 'index': f'"\\(v.{field.name})"', 'imm16': f'"#\\(v.{field.name})"',
            'u32': f'"\\(v.{field.name})"', 'u64': f'"\\(v.{field.name})"', 'flag': f'"\\(v.{field.name})"',
            'opcode': f'"\\(v.{field.name})"',
            'link': f'(v.{field.name} == 0 ? "none" : "frame \\(v.{field.name} & 0xFFFF)")',
            'offset': f'"@\\(index + {PLACES[field.place][0]} + v.{field.name})"'}[field.kind]


def layouts_swift(layouts):
    out = ['// Generated by Scripts/gen-numerics.py from Instructions/internal.txt. DO NOT EDIT.', '',
           '/// The operand layouts of the internal instructions (Instructions/internal.txt); `Opcode.layout` gives an',
           "/// instruction's.",
           'enum InstructionLayout: CaseIterable {']
    out += [f'    case {name}' for name in layouts]
    out += ['', '    /// Words an instruction of this layout occupies (`jumpTable`: without its offset table).',
            '    var wordCount: Int {', '        switch self {']
    out += [f'        case .{name}: {l.words}' for name, l in layouts.items()]
    out += ['        }', '    }', '}', '']
    for name, l in layouts.items():
        names = ', '.join(f.name for f in l.fields) or 'no operands'
        out += [f'/// An instruction of layout `{name}` ({l.words} word{"s" if l.words > 1 else ""}): {names}.',
                f'struct {type_name(name)}: {"TwoOperandInstruction" if two_operands(l) else "InstructionView"} {{',
                f'    static let wordCount = {l.words}',
                '    var words: InstructionWords',
                '    init(words: InstructionWords) { self.words = words }']
        params = ''.join(f', {f.name}: {SWIFT_TYPE[f.kind]}' for f in l.fields)
        out += [f'    init(_ opcode: Opcode{params}) {{', '        words = InstructionWords(opcode)']
        out += [f'        self.{f.name} = {f.name}' for f in l.fields]
        out += ['    }']
        for f in l.fields:
            out += [f'    var {f.name}: {SWIFT_TYPE[f.kind]} {{',
                    f'        get {{ {getter(f)} }}',
                    f'        set {{ {setter(f)} }}', '    }']
        out += ['}', '']
    out += ['extension InstructionLayout {',
            '    /// The field of word 0 naming the slot an instruction of this layout writes (kind `out`), if any.',
            '    var resultField: OperandField? {', '        switch self {']
    out += [f'        case .{name}: .{result_field(l)}' for name, l in layouts.items() if result_field(l)]
    out += ['        default: nil', '        }', '    }', '',
            '    /// The view of this layout if it has two operand slots `lhs` and `rhs`.',
            '    var twoOperandView: (any TwoOperandInstruction.Type)? {', '        switch self {']
    out += [f'        case .{name}: {type_name(name)}.self' for name, l in layouts.items() if two_operands(l)]
    out += ['        default: nil', '        }', '    }', '',
            '    /// The operand fields of the instruction at `code[index]` by name, as the disassembler prints them: slots',
            '    /// as `s<n>`, immediates as `#<n>`, branch offsets as `@<target index>`.',
            '    func describe(_ code: UnsafePointer<UInt64>, at index: Int) -> String {',
            '        switch self {']
    for name, l in layouts.items():
        if not l.fields:
            out.append(f'        case .{name}: return ""')
            continue
        out.append(f'        case .{name}:')
        out.append(f'            let v = {type_name(name)}(code + index)')
        parts = ' + " " + '.join(f'"{f.name}=" + {describe(f)}' for f in l.fields)
        out.append(f'            return {parts}')
    out += ['        }', '    }', '}', '']
    return '\n'.join(out)
