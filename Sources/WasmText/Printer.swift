import WasmBinary
import WasmCore

/// Prints a decoded `Module` as WebAssembly text that `WAT.encode` (and `wat2wasm`) read back to the same module.
///
/// Every reference is printed as a numeric index, so the output does not depend on names; function names from
/// the `name` section are printed as `$ids` for readability (and come back as a `name` section). Instructions are
/// printed flat (not folded), one per line, indented by block depth (up to `Printer.maxIndentDepth`, so the text
/// stays linear in the size of the code). Floats are printed as exact hexadecimal literals, so NaN payloads
/// survive. Custom sections are listed as comments.
public enum WATPrinter {
    /// The module as WAT text. A function with more than `FunctionBody.maxLocals` locals is printed with a
    /// comment in place of its locals (see `checkedPrint`).
    public static func print(_ module: Module) -> String {
        var p = Printer(module: module)
        p.printModule()
        return p.out
    }

    /// The module as WAT text, or the error the validator gives for a function with more than
    /// `FunctionBody.maxLocals` locals (the binary format allows 2^32 - 1, whose text would take gigabytes).
    public static func checkedPrint(_ module: Module) throws(PrintError) -> String {
        var p = Printer(module: module)
        p.printModule()
        if let error = p.error { throw error }
        return p.out
    }
}

/// Why `WATPrinter.checkedPrint` refused a module.
public struct PrintError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Absolute byte offset in the module binary (of the function body's code, where the validator reports it).
    public var offset: Int
    /// The reason, in the validator's wording.
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// "invalid module at byte 0x…: message", as the validator says it.
    public var description: String { "invalid module at byte 0x\(String(offset, radix: 16)): \(message)" }
}

/// The printer's pieces, also used by `swasm inspect`.
package struct Printer {
    let module: Module
    var out = ""
    /// `$id` of each function index (from the name section; unique, valid identifiers only).
    var functionIds: [UInt32: String] = [:]
    /// The first function that could not be printed faithfully (its locals were left out).
    var error: PrintError?
    /// Lines are indented by at most this many levels (wasm-tools' printer caps its indentation too): deeper
    /// blocks would make the text quadratic in the code size (100,000 nested blocks took 34 GB).
    static let maxIndentDepth = 32

    package init(module: Module) {
        self.module = module
        var used: Set<String> = []
        for (index, name) in (module.names?.functionNames ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty else { continue }
            var id = Self.identifier(name)
            if used.contains(id) { id += "_\(index)" }
            guard !used.contains(id) else { continue }
            used.insert(id)
            functionIds[index] = id
        }
    }

    mutating func line(_ indent: Int, _ text: String) {
        out += String(repeating: "  ", count: min(indent, Self.maxIndentDepth)) + text + "\n"
    }

    mutating func printModule() {
        var header = "(module"
        if let name = module.names?.moduleName, !name.isEmpty { header += " " + Self.identifier(name) }
        line(0, header)
        printTypes()
        var functionIndex: UInt32 = 0, tableIndex = 0, memoryIndex = 0, globalIndex = 0, tagIndex = 0
        for imp in module.imports {
            let desc: String
            switch imp.descriptor {
            case .function(let t):
                desc = "(func\(funcId(functionIndex)) (type \(t)))"
                functionIndex += 1
            case .table(let t):
                desc = "(table (;\(tableIndex);) \(Self.tableType(t)))"
                tableIndex += 1
            case .memory(let m):
                desc = "(memory (;\(memoryIndex);) \(Self.memoryType(m)))"
                memoryIndex += 1
            case .global(let g):
                desc = "(global (;\(globalIndex);) \(Self.globalType(g)))"
                globalIndex += 1
            case .tag(let t):
                desc = "(tag (;\(tagIndex);) (type \(t.typeIndex)))"
                tagIndex += 1
            }
            line(1, "(import \(Self.string(Array(imp.module.utf8))) \(Self.string(Array(imp.name.utf8))) \(desc))")
        }
        for (k, typeIndex) in module.functions.enumerated() {
            let index = functionIndex + UInt32(k)
            printFunction(index: index, typeIndex: typeIndex, body: k < module.bodies.count ? module.bodies[k] : nil)
        }
        for t in module.tables {
            var text = "(table (;\(tableIndex);) \(Self.tableType(t.type))"
            if let initializer = t.initializer { text += " " + constant(initializer) }
            line(1, text + ")")
            tableIndex += 1
        }
        for m in module.memories {
            line(1, "(memory (;\(memoryIndex);) \(Self.memoryType(m)))")
            memoryIndex += 1
        }
        for t in module.tags {
            line(1, "(tag (;\(tagIndex);) (type \(t.typeIndex)))")
            tagIndex += 1
        }
        for g in module.globals {
            line(1, "(global (;\(globalIndex);) \(Self.globalType(g.type)) \(constant(g.initializer)))")
            globalIndex += 1
        }
        for e in module.exports {
            line(1, "(export \(Self.string(Array(e.name.utf8))) (\(e.kind.name) \(e.index)))")
        }
        if let s = module.start { line(1, "(start \(s))") }
        for (k, e) in module.elements.enumerated() {
            var text = "(elem (;\(k);)"
            switch e.mode {
            case .passive: break
            case .declarative: text += " declare"
            case .active(let table, let offset): text += " (table \(table)) (offset \(constantInstructions(offset)))"
            }
            // Function-index segments (type `(ref func)`, every item a `ref.func`) in the form every reader knows.
            let indices = e.items.compactMap { item -> UInt32? in
                if item.instructions.count == 1, case .refFunc(let f) = item.instructions[0] { return f }
                return nil
            }
            if e.type == RefType(nullable: false, .func), indices.count == e.items.count {
                text += " func" + indices.map { " \($0)" }.joined()
            } else {
                text += " " + Self.refType(e.type)
                for item in e.items { text += " (item \(constantInstructions(item)))" }
            }
            line(1, text + ")")
        }
        for (k, d) in module.data.enumerated() {
            var text = "(data (;\(k);)"
            if case .active(let memory, let offset) = d.mode {
                text += " (memory \(memory)) (offset \(constantInstructions(offset)))"
            }
            line(1, text + " " + Self.string(d.bytes) + ")")
        }
        for c in module.customSections {
            line(1, ";; custom section \(Self.string(Array(c.name.utf8))), \(c.bytes.count) bytes")
        }
        line(0, ")")
    }

    func funcId(_ index: UInt32) -> String {
        if let id = functionIds[index] { return " \(id) (;\(index);)" }
        return " (;\(index);)"
    }

    // MARK: Types

    mutating func printTypes() {
        var covered = 0
        for group in module.recursionGroups {
            // Types not covered by a group (should not happen in a decoded module) are printed alone.
            while covered < group.lowerBound, covered < module.types.count {
                line(1, "(type (;\(covered);) \(subType(module.types[covered])))")
                covered += 1
            }
            if group.count == 1, group.lowerBound < module.types.count {
                line(1, "(type (;\(group.lowerBound);) \(subType(module.types[group.lowerBound])))")
            } else {
                line(1, "(rec")
                for k in group where k < module.types.count {
                    line(2, "(type (;\(k);) \(subType(module.types[k])))")
                }
                line(1, ")")
            }
            covered = max(covered, group.upperBound)
        }
        while covered < module.types.count {
            line(1, "(type (;\(covered);) \(subType(module.types[covered])))")
            covered += 1
        }
    }

    package func subType(_ t: SubType) -> String {
        let composite = Self.compositeType(t.composite)
        if t.isFinal && t.supertypes.isEmpty { return composite }
        var text = "(sub"
        if t.isFinal { text += " final" }
        for s in t.supertypes { text += " \(s)" }
        return text + " " + composite + ")"
    }

    static func compositeType(_ c: CompositeType) -> String {
        switch c {
        case .function(let f): return "(func" + signature(f) + ")"
        case .structure(let fields): return "(struct" + fields.map { " (field \(fieldType($0)))" }.joined() + ")"
        case .array(let f): return "(array \(fieldType(f)))"
        }
    }

    package static func signature(_ f: FunctionType) -> String {
        var text = ""
        if !f.parameters.isEmpty { text += " (param " + f.parameters.map(valueType).joined(separator: " ") + ")" }
        if !f.results.isEmpty { text += " (result " + f.results.map(valueType).joined(separator: " ") + ")" }
        return text
    }

    static func fieldType(_ f: FieldType) -> String {
        let storage: String
        switch f.storage {
        case .value(let v): storage = valueType(v)
        case .i8: storage = "i8"
        case .i16: storage = "i16"
        }
        return f.isMutable ? "(mut \(storage))" : storage
    }

    package static func valueType(_ t: ValueType) -> String {
        switch t {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .ref(let r): refType(r)
        }
    }

    package static func refType(_ r: RefType) -> String {
        if r.isNullable, case .abstract(let a) = r.heapType {
            switch a {
            case .func: return "funcref"
            case .extern: return "externref"
            case .exn: return "exnref"
            default: break
            }
        }
        return "(ref " + (r.isNullable ? "null " : "") + heapType(r.heapType) + ")"
    }

    package static func heapType(_ h: HeapType) -> String {
        switch h {
        case .abstract(let a): a.name
        case .concrete(let i): "\(i)"
        }
    }

    static func limits(_ l: Limits) -> String {
        l.max.map { "\(l.min) \($0)" } ?? "\(l.min)"
    }

    package static func tableType(_ t: TableType) -> String {
        (t.addressType == .i64 ? "i64 " : "") + limits(t.limits) + " " + refType(t.elementType)
    }

    package static func memoryType(_ m: MemoryType) -> String {
        var text = (m.addressType == .i64 ? "i64 " : "") + limits(m.limits)
        if m.isShared { text += " shared" }
        if m.pageSizeLog2 != 16 { text += " (pagesize \(UInt64(1) << UInt64(m.pageSizeLog2)))" }
        return text
    }

    package static func globalType(_ g: GlobalType) -> String {
        g.isMutable ? "(mut \(valueType(g.valueType)))" : valueType(g.valueType)
    }

    // MARK: Code

    /// A constant expression, each instruction folded: `(i32.const 1) (i32.const 2) (i32.add)`.
    func constantInstructions(_ e: ConstantExpression) -> String {
        e.instructions.map { "(\(Self.instruction($0)))" }.joined(separator: " ")
    }

    /// A constant expression as a single parenthesised operand list (for tables and globals).
    func constant(_ e: ConstantExpression) -> String {
        constantInstructions(e)
    }

    mutating func printFunction(index: UInt32, typeIndex: UInt32, body: FunctionBody?) {
        line(1, "(func\(funcId(index)) (type \(typeIndex))")
        guard let body else {
            line(1, ")")
            return
        }
        var localIndex = 0
        if case .function(let f)? = typeIndex < module.types.count ? module.types[Int(typeIndex)].composite : nil {
            localIndex = f.parameters.count
        }
        // The validator's limit, so a few bytes cannot ask for billions of locals.
        if body.localCount(parameterCount: localIndex) == nil {
            let tooMany = PrintError(offset: body.codeOffset, message: "too many locals")
            if error == nil { error = tooMany }
            line(2, ";; \(tooMany) (more than \(FunctionBody.maxLocals)): locals not printed")
        } else {
            for run in body.locals where run.count > 0 {
                // Long runs are written as one `local` per 1,000 types.
                var remaining = Int(run.count)
                while remaining > 0 {
                    let n = min(remaining, 1000)
                    line(2, "(local (;\(localIndex);) " + Array(repeating: Self.valueType(run.type), count: n).joined(separator: " ") + ")")
                    localIndex += n
                    remaining -= n
                }
            }
        }
        var reader = InstructionReader(body: body)
        var depth = 0
        while !reader.isAtEnd {
            let instruction: Instruction
            do { instruction = try reader.read() } catch {
                line(2, ";; cannot decode the rest of the body: \(error)")
                line(2, "unreachable")
                break
            }
            switch instruction {
            case .end:
                if depth == 0 {
                    // The function's final `end`.
                    continue
                }
                depth -= 1
                line(2 + depth, "end")
            case .else, .catch, .catchAll:
                line(2 + max(depth - 1, 0), Self.instruction(instruction))
            case .delegate:
                depth -= 1
                line(2 + max(depth, 0), Self.instruction(instruction))
            case .block, .loop, .if, .try, .tryTable:
                line(2 + depth, Self.instruction(instruction))
                depth += 1
            default:
                line(2 + depth, Self.instruction(instruction))
            }
        }
        line(1, ")")
    }

    static func blockType(_ b: BlockType) -> String {
        switch b {
        case .empty: ""
        case .value(let t): " (result \(valueType(t)))"
        case .typeIndex(let i): " (type \(i))"
        }
    }

    static func memarg(_ m: MemArg, naturalAlignment: Int) -> String {
        var text = m.memoryIndex != 0 ? " \(m.memoryIndex)" : ""
        if m.offset != 0 { text += " offset=\(m.offset)" }
        let align = UInt64(1) << UInt64(min(m.alignLog2, 63))
        if align != UInt64(naturalAlignment) { text += " align=\(align)" }
        return text
    }

    // The immediates, by kind (Instructions/wasm.txt), each with its leading space; `instruction(_:)` is
    // generated from the table.

    static func index(_ x: UInt32) -> String { " \(x)" }

    static func typeUse(_ typeIndex: UInt32) -> String { " (type \(typeIndex))" }

    static func integer(_ v: some BinaryInteger) -> String { " \(v)" }

    static func float32(_ bits: UInt32) -> String { " " + float(UInt64(bits), exponentBits: 8, fractionBits: 23) }

    static func float64(_ bits: UInt64) -> String { " " + float(bits, exponentBits: 11, fractionBits: 52) }

    static func heapTypeImmediate(_ h: HeapType) -> String { " " + heapType(h) }

    /// A `v128.const` immediate as four 32-bit lanes in hex: ` i32x4 0x03020100 ...`.
    static func v128Constant(_ v: V128) -> String {
        let lanes = [v.low & 0xFFFF_FFFF, v.low >> 32, v.high & 0xFFFF_FFFF, v.high >> 32]
        return " i32x4" + lanes.map { " 0x" + String($0, radix: 16) }.joined()
    }

    /// The 16 lane indices of `i8x16.shuffle`.
    static func shuffleLanes(_ v: V128) -> String {
        v.bytes.map { " \($0)" }.joined()
    }

    /// The types of a typed `select`.
    static func resultTypes(_ types: [ValueType]) -> String {
        " (result" + types.map { " " + valueType($0) }.joined() + ")"
    }

    static func catchClauses(_ clauses: [CatchClause]) -> String {
        clauses.map { c in
            switch c {
            case .catch(let tag, let l): " (catch \(tag) \(l))"
            case .catchRef(let tag, let l): " (catch_ref \(tag) \(l))"
            case .catchAll(let l): " (catch_all \(l))"
            case .catchAllRef(let l): " (catch_all_ref \(l))"
            }
        }.joined()
    }

    /// An exact float literal: hexadecimal significand, `inf`, or `nan:0x…` (with the sign).
    static func float(_ bits: UInt64, exponentBits: Int, fractionBits: Int) -> String {
        let sign = bits >> UInt64(exponentBits + fractionBits) & 1 == 1 ? "-" : ""
        let exponentMask = (UInt64(1) << UInt64(exponentBits)) - 1
        let exponent = (bits >> UInt64(fractionBits)) & exponentMask
        let fraction = bits & ((UInt64(1) << UInt64(fractionBits)) - 1)
        let bias = Int(exponentMask >> 1)
        if exponent == exponentMask {
            return fraction == 0 ? sign + "inf" : sign + "nan:0x" + String(fraction, radix: 16)
        }
        if exponent == 0 && fraction == 0 { return sign + "0x0p+0" }
        // The fraction as whole hex digits (23 bits -> 24 = 6 digits; 52 bits -> 13 digits).
        let digits = (fractionBits + 3) / 4
        let shifted = fraction << UInt64(digits * 4 - fractionBits)
        var hex = String(shifted, radix: 16)
        hex = String(repeating: "0", count: max(0, digits - hex.count)) + hex
        while hex.hasSuffix("0") { hex.removeLast() }
        let lead = exponent == 0 ? "0" : "1"
        let e = exponent == 0 ? 1 - bias : Int(exponent) - bias
        let power = e >= 0 ? "+\(e)" : "\(e)"
        return sign + "0x" + lead + (hex.isEmpty ? "" : "." + hex) + "p" + power
    }

    // MARK: Names and strings

    /// A WAT string literal for `bytes`: printable ASCII as is, everything else as `\hh`.
    static func string(_ bytes: [UInt8]) -> String {
        var text = "\""
        for b in bytes {
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let hex = String(b, radix: 16)
                text += "\\" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text + "\""
    }

    /// `$name`, with every character that may not appear in an identifier replaced by `_` (quoted `$"…"`
    /// identifiers would be exact, but wabt's `wat2wasm` does not read them).
    static func identifier(_ name: String) -> String {
        let idChars = Set("!#$%&'*+-./:<=>?@\\^_`|~".utf8)
        var id = "$"
        for b in name.utf8 {
            let ok = (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
                || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || idChars.contains(b)
            id.unicodeScalars.append(ok ? Unicode.Scalar(b) : "_")
        }
        return id
    }
}
