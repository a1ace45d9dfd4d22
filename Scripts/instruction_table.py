"""Reads Instructions/wasm.txt, the instruction table (its header comment describes the columns).

Used by Scripts/generate.py, which writes the Swift code for every row, and by Scripts/gen-numerics.py, which
takes the numeric instructions from it. Python 3 standard library only."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, 'Instructions', 'wasm.txt')

# Immediate kinds whose binary form is a u32 index and whose text form is an index or `$id`.
INDEX_KINDS = ('label', 'func', 'type', 'table', 'memory', 'global', 'local', 'tag', 'elem', 'data')
KINDS = INDEX_KINDS + ('typeuse', 'blocktype', 'memarg', 'i32', 'i64', 'f32', 'f64', 'heaptype', 'valtype', 'catch',
                       'v128', 'lane', 'shuffle')
# Kinds that take a number in the table: memarg(N), N the access width; lane(N), N the lane count.
SIZED_KINDS = ('memarg', 'lane')
# Kinds a row with a regular type may have: the validator's generated code looks up or checks each.
REGULAR_KINDS = ('memory', 'table', 'memarg', 'data', 'elem', 'i32', 'i64', 'f32', 'f64', 'v128', 'lane', 'shuffle')
# Types the `type` column may name: value types, and the memory's/table's types of the row's immediate.
VALUE_TYPES = ('i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref', 'exnref', 'anyref', 'eqref')
TYPE_VARIABLES = ('addr', 'elem')
SYNTAXES = ('plain', 'block', 'clause', 'end')


class TableError(Exception):
    pass


class Immediate:
    """One immediate: its kind, Swift argument label, and markers."""

    def __init__(self, text, where):
        m = re.fullmatch(r'(?:(\w+):)?([a-z0-9]+)(?:\((\d+)\))?([*?]?)', text)
        if not m:
            raise TableError(f'{where}: malformed immediate {text!r}')
        self.label, self.kind, width, marker = m.group(1), m.group(2), m.group(3), m.group(4)
        if self.kind not in KINDS:
            raise TableError(f'{where}: unknown immediate kind {self.kind!r}')
        if (self.kind in SIZED_KINDS) != (width is not None):
            raise TableError(f'{where}: memarg and lane take a number, memarg(N) and lane(N), and only they')
        # memarg(N): the access width in bytes; lane(N): the number of lanes (the index is checked < N).
        self.width = int(width) if width else None
        if self.kind == 'memarg' and self.width not in (1, 2, 4, 8, 16):
            raise TableError(f'{where}: memarg width {self.width} is not a power of two up to 16')
        if self.kind == 'lane' and self.width not in (2, 4, 8, 16):
            raise TableError(f'{where}: lane count {self.width} is not 2, 4, 8 or 16')
        self.is_vector = marker == '*'
        self.is_optional = marker == '?'
        if self.is_optional and self.kind not in INDEX_KINDS:
            raise TableError(f'{where}: only indices can be optional in text ({text!r})')

    @property
    def is_index(self):
        """Written as one index token in text."""
        return self.kind in INDEX_KINDS and not self.is_vector

    def shape(self):
        """The immediate without its label and number (rows of one group share shapes)."""
        return (self.kind, self.is_vector, self.is_optional)

    def __repr__(self):
        s = (self.label + ':' if self.label else '') + self.kind
        if self.width is not None:
            s += f'({self.width})'
        return s + ('*' if self.is_vector else '?' if self.is_optional else '')


class Case:
    """The `Instruction` case a row builds."""

    def __init__(self, text, name, where):
        m = re.fullmatch(r'(-|\w+)(\?|\((\w+)\))?', text)
        if not m:
            raise TableError(f'{where}: malformed case {text!r}')
        self.name = camel(name) if m.group(1) == '-' else m.group(1)
        self.is_optional = m.group(2) == '?'
        self.group = m.group(3)  # the op enum, e.g. NumericOp


class Row:
    """One instruction encoding."""

    def __init__(self, fields, line):
        where = f'Instructions/wasm.txt:{line}'
        if len(fields) != 6:
            raise TableError(f'{where}: expected 6 columns, found {len(fields)}')
        opcode, self.name, immediates, signature, self.syntax, case = fields
        self.line = line
        m = re.fullmatch(r'0x([0-9A-F]{2})(?::(\d+))?', opcode)
        if not m:
            raise TableError(f'{where}: malformed opcode {opcode!r} (0xNN or 0xNN:sub, hex digits in upper case)')
        if m.group(2) is None:
            self.prefix, self.code = None, int(m.group(1), 16)
        else:
            self.prefix, self.code = int(m.group(1), 16), int(m.group(2))
            if self.code > 0xFFFF_FFFF:
                raise TableError(f'{where}: sub-opcode {self.code} does not fit a u32')
        self.immediates = [] if immediates == '-' else [Immediate(t, where) for t in immediates.split(',')]
        self.signature = None if signature == 'special' else parse_signature(signature, where)
        if self.syntax not in SYNTAXES:
            raise TableError(f'{where}: unknown syntax {self.syntax!r}')
        self.case = Case(case, self.name, where)
        if self.signature is not None:
            uses = {t for t in self.signature[0] + self.signature[1] if t in TYPE_VARIABLES}
            resources = [i for i in self.immediates if i.kind in ('memory', 'table', 'memarg')]
            if uses and len(resources) != 1:
                raise TableError(f'{where}: addr/elem need exactly one memory, memarg or table immediate')
            if 'elem' in uses and resources[0].kind != 'table':
                raise TableError(f'{where}: elem is the element type of a table immediate')
            for i in self.immediates:
                if i.kind not in REGULAR_KINDS:
                    raise TableError(f'{where}: a row with a regular type cannot have a {i.kind} immediate '
                                     '(the validator would need to look it up): make it special')

    @property
    def opcode_text(self):
        return f'0x{self.code:02X}' if self.prefix is None else f'0x{self.prefix:02X} {self.code}'

    @property
    def text_order(self):
        """The immediates in text order: the optional ones first, each group in binary order."""
        return [i for i in self.immediates if i.is_optional] + [i for i in self.immediates if not i.is_optional]


def parse_signature(text, where):
    m = re.fullmatch(r'([\w,]*)->([\w,]*)', text)
    if not m:
        raise TableError(f'{where}: malformed type {text!r} (params->results, or special)')
    params = [t for t in m.group(1).split(',') if t]
    results = [t for t in m.group(2).split(',') if t]
    for t in params + results:
        if t not in VALUE_TYPES + TYPE_VARIABLES:
            raise TableError(f'{where}: unknown type {t!r}')
    return params, results


class Unsupported:
    """A prefix whose instructions are not supported yet (`@unsupported`)."""

    def __init__(self, fields, line):
        if len(fields) < 3 or not re.fullmatch(r'0x[0-9A-F]{2}', fields[0]):
            raise TableError(f'Instructions/wasm.txt:{line}: expected @unsupported 0xNN what text-prefixes...')
        self.prefix = int(fields[0], 16)
        self.what = fields[1]
        self.text_prefixes = fields[2:]


class Table:
    def __init__(self, path=TABLE):
        self.rows = []
        self.unsupported = []
        with open(path) as f:
            for line, text in enumerate(f, 1):
                text = text.split('#', 1)[0].strip()
                if not text:
                    continue
                fields = text.split()
                if fields[0] == '@unsupported':
                    self.unsupported.append(Unsupported(fields[1:], line))
                elif fields[0].startswith('@'):
                    raise TableError(f'Instructions/wasm.txt:{line}: unknown directive {fields[0]}')
                else:
                    self.rows.append(Row(fields, line))
        self.check()

    def check(self):
        seen = {}
        for r in self.rows:
            key = (r.prefix, r.code)
            if key in seen:
                raise TableError(f'Instructions/wasm.txt:{r.line}: opcode {r.opcode_text} already used on line {seen[key]}')
            seen[key] = r.line
        prefixes = {r.prefix for r in self.rows if r.prefix is not None}
        for u in self.unsupported:
            if u.prefix in prefixes:
                raise TableError(f'prefix 0x{u.prefix:02X} is declared unsupported but has rows')
            if any(r.prefix is None and r.code == u.prefix for r in self.rows):
                raise TableError(f'0x{u.prefix:02X} is an opcode and an unsupported prefix')
        for p in prefixes:
            if any(r.prefix is None and r.code == p for r in self.rows):
                raise TableError(f'0x{p:02X} is both an opcode and a prefix')
        for name, rows in self.cases().items():
            first = rows[0]
            for r in rows:
                if r.case.group != first.case.group or r.case.is_optional != first.case.is_optional:
                    raise TableError(f'Instructions/wasm.txt:{r.line}: rows of case {name} disagree on its form')
            if first.case.group:
                shapes = {tuple(i.shape() for i in r.immediates) for r in rows}
                if len(shapes) != 1:
                    raise TableError(f'rows of group {first.case.group} must have the same immediates')
                for r in rows:
                    if r.syntax != 'plain':
                        raise TableError(f'Instructions/wasm.txt:{r.line}: group rows have plain syntax')
            elif first.case.is_optional:
                full = [r for r in rows if r.immediates]
                if len(rows) != 2 or len(full) != 1 or len(full[0].immediates) != 1:
                    raise TableError(f'case {name}?: one row without immediates and one with a single one')
            elif len(rows) != 1:
                raise TableError(f'case {name} is built by several rows: make it a group or optional')
        for name, rows in self.names().items():
            if len(rows) > 1:
                if len(rows) != 2 or sum(1 for r in rows if not r.immediates) != 1:
                    raise TableError(f'rows named {name}: two, one of them without immediates')
                if any(r.syntax != 'plain' for r in rows):
                    raise TableError(f'rows named {name} must have plain syntax')
        for r in self.rows:
            for k, i in enumerate(r.immediates):
                if i.is_vector and k + 1 < len(r.immediates) and r.immediates[k + 1].kind == i.kind \
                        and not r.immediates[k + 1].is_vector and i.kind not in INDEX_KINDS:
                    raise TableError(f'Instructions/wasm.txt:{r.line}: a vector followed by its element '
                                     'is only supported for indices')

    def cases(self):
        """`Instruction` case name -> its rows, in table order."""
        out = {}
        for r in self.rows:
            out.setdefault(r.case.name, []).append(r)
        return out

    def names(self):
        """Text name -> its rows, in table order."""
        out = {}
        for r in self.rows:
            out.setdefault(r.name, []).append(r)
        return out

    def groups(self):
        """Op enum name -> its rows, in table order."""
        out = {}
        for r in self.rows:
            if r.case.group:
                out.setdefault(r.case.group, []).append(r)
        return out


def camel(name):
    """`i32.trunc_sat_f32_s` -> `i32TruncSatF32S`, `local.get` -> `localGet`, `br_if` -> `brIf`."""
    parts = re.split(r'[._]', name)
    return parts[0] + ''.join(p[:1].upper() + p[1:] for p in parts[1:])


def group_raw_value(row, rows):
    """The raw value of a row's op-enum case: the opcode byte, or `prefix << 8 | sub` (`<< 16` for larger subs)."""
    if all(r.prefix is None for r in rows):
        return row.code
    shift = 8 if all(r.code < 256 for r in rows) else 16
    return row.code if row.prefix is None else (row.prefix << shift) | row.code


def numeric_cases(table=None):
    """(case name, raw value) of every `NumericOp`, in table order (what Scripts/gen-numerics.py consumes)."""
    table = table or Table()
    rows = table.groups().get('NumericOp', [])
    return [(camel(r.name), group_raw_value(r, rows)) for r in rows]
