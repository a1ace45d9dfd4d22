import WasmCore

/// A read position in a list of nodes.
struct Cursor {
    var nodes: [Node]
    var i: Int
    /// Offset used for errors at the end of the list.
    var endOffset: Int

    init(_ nodes: [Node], from i: Int = 0, endOffset: Int) {
        self.nodes = nodes
        self.i = i
        self.endOffset = endOffset
    }
    var atEnd: Bool { i >= nodes.count }
    var peek: Node? { i < nodes.count ? nodes[i] : nil }
    var peekHead: String? { peek?.head }
    var peekOffset: Int { peek?.offset ?? endOffset }
    mutating func next() -> Node? {
        guard i < nodes.count else { return nil }
        defer { i += 1 }
        return nodes[i]
    }
    /// Consumes an `$id` atom if present.
    mutating func optionalId() -> String? {
        if let n = peek, let t = n.token, t.kind == .id { i += 1; return t.text }
        return nil
    }
    /// True when the next atom is an index (`$id` or a natural number).
    var peekIsIndex: Bool {
        guard let t = peek?.token else { return false }
        if t.kind == .id { return true }
        if t.kind == .keyword, let f = t.text.utf8.first, f >= 48, f <= 57 { return true }
        return false
    }
}

/// One index space: names and the number of entries.
struct IndexSpace {
    var names: [String: UInt32] = [:]
    var count: UInt32 = 0
}

/// The per-function context for name resolution of locals and labels.
struct FuncContext {
    var locals: [String: UInt32] = [:]
    var labels: [String?] = []
}

/// Where an `@custom` section is placed.
struct CustomPlacement {
    var before: Bool
    /// Position in canonical section order: 0 = before everything, 1...13 = type...data, 14 = after everything.
    var slot: Int
}

/// Parses one WAT module (a list of module fields) and encodes it to the binary format.
final class WatModuleParser {
    let map: SourceMap

    var types = IndexSpace(), funcs = IndexSpace(), tables = IndexSpace(), mems = IndexSpace()
    var globals = IndexSpace(), tags = IndexSpace(), elems = IndexSpace(), datas = IndexSpace()

    /// All type definitions (explicit, then implicit).
    var typeDefs: [SubType] = []
    /// Recursion groups as [start, count].
    var recGroups: [(start: Int, count: Int)] = []
    var groupOfType: [Int] = []

    var importEntries: [[UInt8]] = []
    var funcTypeIndices: [UInt32] = []
    var tableEntries: [[UInt8]] = []
    var memEntries: [[UInt8]] = []
    var tagEntries: [[UInt8]] = []
    var globalEntries: [[UInt8]] = []
    var exportEntries: [[UInt8]] = []
    var startFunc: UInt32?
    var elemEntries: [[UInt8]] = []
    var dataEntries: [[UInt8]] = []
    var codeEntries: [[UInt8]] = []
    var customs: [(place: CustomPlacement, name: [UInt8], bytes: [UInt8])] = []
    var usesDataCount = false


    init(map: SourceMap) { self.map = map }

    func err(_ msg: String, _ offset: Int) -> TextError { TextError(msg, at: map.location(offset)) }

    /// The error for an unexpected node: reserved tokens are reported as unknown operators (like the reference).
    func unexpected(_ n: Node?, _ fallback: Int) -> TextError {
        if let t = n?.token, t.kind == .reserved { return err("unknown operator", t.offset) }
        return err("unexpected token", n?.offset ?? fallback)
    }

    // MARK: - Entry

    /// Encodes the given module fields.
    func encode(fields: [Node], endOffset: Int) throws(TextError) -> [UInt8] {
        try assignIndices(fields)
        try parseTypes(fields)
        var nf: UInt32 = 0, nt: UInt32 = 0, nm: UInt32 = 0, ng: UInt32 = 0, ntag: UInt32 = 0, ne: UInt32 = 0, nd: UInt32 = 0
        for f in fields {
            guard case .list(let ch, let off) = f, let h = f.head else { throw err(f.children.first?.token != nil ? "unknown operator" : "unexpected token", f.offset) }
            var c = Cursor(ch, from: 1, endOffset: off)
            switch h {
            case "type", "rec": continue
            case "func": try parseFunc(&c, index: nf, at: off); nf += 1
            case "table":
                let hadElem = try parseTable(&c, index: nt, elemIndex: ne, at: off)
                nt += 1
                if hadElem { ne += 1 }
            case "memory":
                let hadData = try parseMemory(&c, index: nm, at: off)
                nm += 1
                if hadData { nd += 1 }
            case "global": try parseGlobal(&c, index: ng, at: off); ng += 1
            case "tag": try parseTag(&c, index: ntag, at: off); ntag += 1
            case "import":
                let kind = try parseImport(&c, at: off)
                switch kind {
                case .function: nf += 1
                case .table: nt += 1
                case .memory: nm += 1
                case .global: ng += 1
                case .tag: ntag += 1
                }
            case "export": try parseExport(&c, at: off)
            case "start":
                guard startFunc == nil else { throw err("multiple start sections", off) }
                startFunc = try index(&c, funcs, "function")
                try expectEnd(c)
            case "elem": try parseElem(&c, at: off); ne += 1
            case "data": try parseData(&c, at: off); nd += 1
            case "@custom": try parseCustom(&c, at: off)
            default: throw err("unexpected token", off)
            }
        }
        return assemble()
    }

    // MARK: - Phase 1: names

    func declare(_ space: inout IndexSpace, _ name: String?, _ kind: String, _ offset: Int) throws(TextError) {
        if let name {
            if space.names[name] != nil { throw err("duplicate \(kind) $\(name)", offset) }
            space.names[name] = space.count
        }
        space.count += 1
    }

    func nodeId(_ ch: [Node], _ at: Int) -> String? {
        guard at < ch.count, let t = ch[at].token, t.kind == .id else { return nil }
        return t.text
    }

    func assignIndices(_ fields: [Node]) throws(TextError) {
        var definedKind: String?
        for f in fields {
            guard case .list(let ch, let off) = f, let h = f.head else { throw err(f.children.first?.token != nil ? "unknown operator" : "unexpected token", f.offset) }
            switch h {
            case "type": try declare(&types, nodeId(ch, 1), "type", off)
            case "rec":
                for t in ch.dropFirst() {
                    guard t.head == "type" else { throw err("unexpected token", t.offset) }
                    try declare(&types, nodeId(t.children, 1), "type", t.offset)
                }
            case "import":
                if let d = definedKind { throw err("import after \(d)", off) }
                guard ch.count >= 4 else { throw err("unexpected token", off) }
                let desc = ch[3]
                let id = nodeId(desc.children, 1)
                switch desc.head {
                case "func": try declare(&funcs, id, "func", off)
                case "table": try declare(&tables, id, "table", off)
                case "memory": try declare(&mems, id, "memory", off)
                case "global": try declare(&globals, id, "global", off)
                case "tag": try declare(&tags, id, "tag", off)
                default: throw err("unexpected token", desc.offset)
                }
            case "func", "table", "memory", "global", "tag":
                let id = nodeId(ch, 1)
                var k = id == nil ? 1 : 2
                while k < ch.count, ch[k].head == "export" { k += 1 }
                let isImport = k < ch.count && ch[k].head == "import"
                let kindName = h == "func" ? "function" : h
                if isImport {
                    if let d = definedKind { throw err("import after \(d)", off) }
                } else if definedKind == nil {
                    definedKind = kindName
                }
                switch h {
                case "func": try declare(&funcs, id, "func", off)
                case "table":
                    try declare(&tables, id, "table", off)
                    if !isImport, ch.contains(where: { $0.head == "elem" }) { elems.count += 1 }
                case "memory":
                    try declare(&mems, id, "memory", off)
                    if !isImport, ch.contains(where: { $0.head == "data" }) { datas.count += 1 }
                case "global": try declare(&globals, id, "global", off)
                default: try declare(&tags, id, "tag", off)
                }
            case "elem": try declare(&elems, nodeId(ch, 1), "elem", off)
            case "data": try declare(&datas, nodeId(ch, 1), "data", off)
            case "export", "start", "@custom": break
            default: throw err("unexpected token", off)
            }
        }
    }

    // MARK: - Types

    func parseTypes(_ fields: [Node]) throws(TextError) {
        for f in fields {
            switch f.head {
            case "type":
                let st = try parseTypeDef(f)
                recGroups.append((typeDefs.count, 1))
                groupOfType.append(recGroups.count - 1)
                typeDefs.append(st)
            case "rec":
                let start = typeDefs.count
                recGroups.append((start, 0))
                for t in f.children.dropFirst() {
                    typeDefs.append(try parseTypeDef(t))
                    groupOfType.append(recGroups.count - 1)
                }
                recGroups[recGroups.count - 1].count = typeDefs.count - start
            default: continue
            }
        }
    }

    func parseTypeDef(_ node: Node) throws(TextError) -> SubType {
        var c = Cursor(node.children, from: 1, endOffset: node.offset)
        _ = c.optionalId()
        guard let def = c.next(), def.isList else { throw err("unexpected token", c.peekOffset) }
        try expectEnd(c)
        if def.head == "sub" {
            var s = Cursor(def.children, from: 1, endOffset: def.offset)
            var final = false
            if s.peek?.keyword == "final" { final = true; s.i += 1 }
            var supers: [UInt32] = []
            while s.peekIsIndex { supers.append(try index(&s, types, "type")) }
            guard let comp = s.next() else { throw err("unexpected token", s.peekOffset) }
            try expectEnd(s)
            return SubType(isFinal: final, supertypes: supers, composite: try parseCompositeType(comp))
        }
        return SubType(isFinal: true, supertypes: [], composite: try parseCompositeType(def))
    }

    func parseCompositeType(_ node: Node) throws(TextError) -> CompositeType {
        var c = Cursor(node.children, from: 1, endOffset: node.offset)
        switch node.head {
        case "func":
            let u = try parseParamsResults(&c, allowNames: true)
            try expectEnd(c)
            return .function(FunctionType(parameters: u.params, results: u.results))
        case "struct":
            var fields: [FieldType] = []
            var names: Set<String> = []
            while let f = c.next() {
                guard f.head == "field" else { throw err("unexpected token", f.offset) }
                var fc = Cursor(f.children, from: 1, endOffset: f.offset)
                if let id = fc.optionalId() {
                    if names.contains(id) { throw err("duplicate field $\(id)", f.offset) }
                    names.insert(id)
                    fields.append(try fieldType(&fc))
                    try expectEnd(fc)
                } else {
                    while !fc.atEnd { fields.append(try fieldType(&fc)) }
                }
            }
            return .structure(fields)
        case "array":
            let ft = try fieldType(&c)
            try expectEnd(c)
            return .array(ft)
        default:
            throw err("unexpected token", node.offset)
        }
    }

    func fieldType(_ c: inout Cursor) throws(TextError) -> FieldType {
        guard let n = c.next() else { throw err("unexpected token", c.peekOffset) }
        if n.head == "mut" {
            var m = Cursor(n.children, from: 1, endOffset: n.offset)
            guard let s = m.next() else { throw err("unexpected token", n.offset) }
            try expectEnd(m)
            return FieldType(storage: try storageType(s), isMutable: true)
        }
        return FieldType(storage: try storageType(n), isMutable: false)
    }

    func storageType(_ n: Node) throws(TextError) -> StorageType {
        switch n.keyword {
        case "i8": return .i8
        case "i16": return .i16
        default: return .value(try valueType(n))
        }
    }

    static let abstractNames: [String: AbstractHeapType] = {
        var d: [String: AbstractHeapType] = [:]
        for a in AbstractHeapType.allCases { d[a.name] = a }
        return d
    }()

    static let refShorthands: [String: AbstractHeapType] = [
        "funcref": .func, "externref": .extern, "anyref": .any, "eqref": .eq, "i31ref": .i31,
        "structref": .struct, "arrayref": .array, "nullref": .none, "nullfuncref": .nofunc,
        "nullexternref": .noextern, "exnref": .exn, "nullexnref": .noexn,
    ]

    func valueType(_ n: Node) throws(TextError) -> ValueType {
        if let k = n.keyword {
            switch k {
            case "i32": return .i32
            case "i64": return .i64
            case "f32": return .f32
            case "f64": return .f64
            case "v128": return .v128
            default:
                if let a = WatModuleParser.refShorthands[k] { return .ref(RefType(nullable: true, .abstract(a))) }
                throw err("unknown type", n.offset)
            }
        }
        return .ref(try refType(n))
    }

    func refType(_ n: Node) throws(TextError) -> RefType {
        if let k = n.keyword, let a = WatModuleParser.refShorthands[k] { return RefType(nullable: true, .abstract(a)) }
        guard n.head == "ref" else { throw err(n.isList ? "unexpected token" : "unknown type", n.offset) }
        var c = Cursor(n.children, from: 1, endOffset: n.offset)
        var nullable = false
        if c.peek?.keyword == "null" { nullable = true; c.i += 1 }
        guard let h = c.next() else { throw err("unexpected token", n.offset) }
        try expectEnd(c)
        return RefType(nullable: nullable, try heapType(h))
    }

    func heapType(_ n: Node) throws(TextError) -> HeapType {
        if let t = n.token {
            if t.kind == .keyword, let a = WatModuleParser.abstractNames[t.text] { return .abstract(a) }
            var c = Cursor([n], endOffset: n.offset)
            if c.peekIsIndex { return .concrete(try index(&c, types, "type")) }
        }
        throw err("unexpected token", n.offset)
    }

    struct TypeUse {
        var index: UInt32?
        var params: [ValueType] = []
        var paramNames: [String?] = []
        var results: [ValueType] = []
        var hasInline: Bool { !params.isEmpty || !results.isEmpty }
    }

    func parseParamsResults(_ c: inout Cursor, allowNames: Bool) throws(TextError) -> TypeUse {
        var u = TypeUse()
        while c.peekHead == "param" {
            guard let p = c.next() else { break }
            var pc = Cursor(p.children, from: 1, endOffset: p.offset)
            if let id = pc.optionalId() {
                guard allowNames else { throw err("unexpected token", p.offset) }
                guard let t = pc.next() else { throw err("unexpected token", p.offset) }
                try expectEnd(pc)
                u.params.append(try valueType(t))
                u.paramNames.append(id)
            } else {
                while let t = pc.next() {
                    u.params.append(try valueType(t))
                    u.paramNames.append(nil)
                }
            }
        }
        while c.peekHead == "result" {
            guard let r = c.next() else { break }
            for t in r.children.dropFirst() { u.results.append(try valueType(t)) }
        }
        if c.peekHead == "param" || c.peekHead == "type" { throw err("unexpected token", c.peekOffset) }
        return u
    }

    func parseTypeUse(_ c: inout Cursor, allowNames: Bool) throws(TextError) -> TypeUse {
        var idx: UInt32?
        if c.peekHead == "type", let t = c.next() {
            var tc = Cursor(t.children, from: 1, endOffset: t.offset)
            idx = try index(&tc, types, "type")
            try expectEnd(tc)
        }
        var u = try parseParamsResults(&c, allowNames: allowNames)
        u.index = idx
        return u
    }

    /// Resolves a type use to a type index, creating an implicit type when needed.
    func resolveTypeUse(_ u: TypeUse, at offset: Int) throws(TextError) -> (UInt32, FunctionType) {
        if let x = u.index {
            guard Int(x) < typeDefs.count else {
                if u.hasInline { throw err("unknown type", offset) }
                return (x, FunctionType(parameters: [], results: []))
            }
            guard case .function(let ft) = typeDefs[Int(x)].composite else {
                if u.hasInline { throw err("inline function type", offset) }
                return (x, FunctionType(parameters: [], results: []))
            }
            if u.hasInline, ft.parameters != u.params || ft.results != u.results { throw err("inline function type", offset) }
            return (x, ft)
        }
        let ft = FunctionType(parameters: u.params, results: u.results)
        return (implicitType(ft), ft)
    }

    func implicitType(_ ft: FunctionType) -> UInt32 {
        let st = SubType(isFinal: true, supertypes: [], composite: .function(ft))
        for (k, t) in typeDefs.enumerated() where t == st && recGroups[groupOfType[k]].count == 1 {
            return UInt32(k)
        }
        recGroups.append((typeDefs.count, 1))
        groupOfType.append(recGroups.count - 1)
        typeDefs.append(st)
        return UInt32(typeDefs.count - 1)
    }

    // MARK: - Indices and helpers

    func index(_ c: inout Cursor, _ space: IndexSpace, _ kind: String) throws(TextError) -> UInt32 {
        guard let n = c.next(), let t = n.token else { throw unexpected(nil, c.i > 0 && c.i <= c.nodes.count ? c.nodes[c.i - 1].offset : c.endOffset) }
        switch t.kind {
        case .id:
            guard let v = space.names[t.text] else { throw err("unknown \(kind) $\(t.text)", t.offset) }
            return v
        case .keyword:
            guard let f = t.text.utf8.first, f >= 48, f <= 57 else { throw err("unexpected token", t.offset) }
            guard let v = Literals.u32(t.text) else { throw err(Literals.parseNat(Substring(t.text)) == nil ? "unknown operator" : "constant out of range", t.offset) }
            return v
        default:
            throw unexpected(n, t.offset)
        }
    }

    func expectEnd(_ c: Cursor) throws(TextError) {
        if let n = c.peek { throw unexpected(n, n.offset) }
    }

    func string(_ c: inout Cursor) throws(TextError) -> [UInt8] {
        let n = c.peek
        guard let t = c.next()?.token, t.kind == .string else { throw unexpected(n, c.endOffset) }
        return t.bytes
    }

    func name(_ c: inout Cursor) throws(TextError) -> [UInt8] {
        let off = c.peekOffset
        let b = try string(&c)
        guard isValidUTF8(b) else { throw err("malformed UTF-8 encoding", off) }
        return b
    }

    func addExport(_ name: [UInt8], _ kind: ExternalKind, _ index: UInt32) {
        var w = ByteWriter()
        w.name(name)
        w.byte(kind.rawValue)
        w.u32(index)
        exportEntries.append(w.bytes)
    }

    /// Parses inline `(export "n")*` and an optional `(import "m" "n")`.
    func inlineExportsImport(_ c: inout Cursor, kind: ExternalKind, index: UInt32) throws(TextError) -> (module: [UInt8], name: [UInt8])? {
        while c.peekHead == "export", let e = c.next() {
            var ec = Cursor(e.children, from: 1, endOffset: e.offset)
            addExport(try name(&ec), kind, index)
            try expectEnd(ec)
        }
        if c.peekHead == "import", let i = c.next() {
            var ic = Cursor(i.children, from: 1, endOffset: i.offset)
            let m = try name(&ic)
            let n = try name(&ic)
            try expectEnd(ic)
            return (m, n)
        }
        return nil
    }

    func addImport(_ m: [UInt8], _ n: [UInt8], _ desc: [UInt8]) {
        var w = ByteWriter()
        w.name(m)
        w.name(n)
        w.append(desc)
        importEntries.append(w.bytes)
    }

    // MARK: - Encoding of types

    func writeValType(_ t: ValueType, _ w: inout ByteWriter) {
        switch t {
        case .i32: w.byte(0x7F)
        case .i64: w.byte(0x7E)
        case .f32: w.byte(0x7D)
        case .f64: w.byte(0x7C)
        case .v128: w.byte(0x7B)
        case .ref(let r): writeRefType(r, &w)
        }
    }

    func writeRefType(_ r: RefType, _ w: inout ByteWriter) {
        if r.isNullable, case .abstract(let a) = r.heapType { w.byte(a.rawValue); return }
        w.byte(r.isNullable ? 0x63 : 0x64)
        writeHeapType(r.heapType, &w)
    }

    func writeHeapType(_ h: HeapType, _ w: inout ByteWriter) {
        switch h {
        case .abstract(let a): w.byte(a.rawValue)
        case .concrete(let i): w.s64(Int64(i))
        }
    }

    func writeStorage(_ f: FieldType, _ w: inout ByteWriter) {
        switch f.storage {
        case .i8: w.byte(0x78)
        case .i16: w.byte(0x77)
        case .value(let v): writeValType(v, &w)
        }
        w.byte(f.isMutable ? 1 : 0)
    }

    func writeSubType(_ st: SubType, _ w: inout ByteWriter) {
        if !st.isFinal || !st.supertypes.isEmpty {
            w.byte(st.isFinal ? 0x4F : 0x50)
            w.u32(UInt32(st.supertypes.count))
            for s in st.supertypes { w.u32(s) }
        }
        switch st.composite {
        case .function(let ft):
            w.byte(0x60)
            w.u32(UInt32(ft.parameters.count))
            for p in ft.parameters { writeValType(p, &w) }
            w.u32(UInt32(ft.results.count))
            for r in ft.results { writeValType(r, &w) }
        case .structure(let fs):
            w.byte(0x5F)
            w.u32(UInt32(fs.count))
            for f in fs { writeStorage(f, &w) }
        case .array(let f):
            w.byte(0x5E)
            writeStorage(f, &w)
        }
    }

    // MARK: - Module fields

    func parseFunc(_ c: inout Cursor, index: UInt32, at off: Int) throws(TextError) {
        _ = c.optionalId()
        let imp = try inlineExportsImport(&c, kind: .function, index: index)
        let useOffset = c.peekOffset
        let u = try parseTypeUse(&c, allowNames: true)
        let (ti, ft) = try resolveTypeUse(u, at: useOffset)
        if let imp {
            try expectEnd(c)
            var w = ByteWriter()
            w.byte(0)
            w.u32(ti)
            addImport(imp.module, imp.name, w.bytes)
            return
        }
        funcTypeIndices.append(ti)
        var ctx = FuncContext()
        // Parameter names (only when given inline).
        for (k, n) in u.paramNames.enumerated() {
            if let n {
                if ctx.locals[n] != nil { throw err("duplicate local $\(n)", off) }
                ctx.locals[n] = UInt32(k)
            }
        }
        codeEntries.append(try encodeBody(&c, ctx: ctx, paramCount: ft.parameters.count))
    }

    func encodeBody(_ c: inout Cursor, ctx: FuncContext, paramCount: Int) throws(TextError) -> [UInt8] {
        var ctx = ctx
        var localTypes: [ValueType] = []
        while c.peekHead == "local", let l = c.next() {
            var lc = Cursor(l.children, from: 1, endOffset: l.offset)
            if let id = lc.optionalId() {
                guard let t = lc.next() else { throw err("unexpected token", l.offset) }
                try expectEnd(lc)
                if ctx.locals[id] != nil { throw err("duplicate local $\(id)", l.offset) }
                ctx.locals[id] = UInt32(paramCount + localTypes.count)
                localTypes.append(try valueType(t))
            } else {
                while let t = lc.next() { localTypes.append(try valueType(t)) }
            }
        }
        var w = ByteWriter()
        // Compress runs of equal types.
        var runs: [(UInt32, ValueType)] = []
        for t in localTypes {
            if let last = runs.last, last.1 == t { runs[runs.count - 1].0 += 1 } else { runs.append((1, t)) }
        }
        w.u32(UInt32(runs.count))
        for (n, t) in runs {
            w.u32(n)
            writeValType(t, &w)
        }
        try instrSeq(&c, &ctx, &w)
        if let n = c.peek { throw err("unexpected token", n.offset) }
        w.opcode(.end)
        var out = ByteWriter()
        out.u32(UInt32(w.bytes.count))
        out.append(w.bytes)
        return out.bytes
    }

    func addressType(_ c: inout Cursor) -> AddressType {
        if c.peek?.keyword == "i64" { c.i += 1; return .i64 }
        if c.peek?.keyword == "i32" { c.i += 1 }
        return .i32
    }

    func limits(_ c: inout Cursor, is64: Bool) throws(TextError) -> Limits {
        func num(_ c: inout Cursor) throws(TextError) -> UInt64 {
            guard let n = c.next(), let t = n.token, t.kind == .keyword, let f = t.text.utf8.first, f >= 48, f <= 57 else {
                throw err("unexpected token", c.peekOffset)
            }
            guard let v = Literals.u64(t.text) else { throw err("constant out of range", t.offset) }
            return v
        }
        let mn = try num(&c)
        var mx: UInt64?
        if let t = c.peek?.token, t.kind == .keyword, let f = t.text.utf8.first, f >= 48, f <= 57 { mx = try num(&c) }
        return Limits(min: mn, max: mx)
    }

    func writeLimits(_ l: Limits, flags: UInt8, _ w: inout ByteWriter) {
        w.byte(flags | (l.max != nil ? 1 : 0))
        w.u64(l.min)
        if let m = l.max { w.u64(m) }
    }

    func tableType(_ c: inout Cursor) throws(TextError) -> [UInt8] {
        let at = addressType(&c)
        let l = try limits(&c, is64: at == .i64)
        guard let rt = c.next() else { throw err("unexpected token", c.peekOffset) }
        var w = ByteWriter()
        writeRefType(try refType(rt), &w)
        writeLimits(l, flags: at == .i64 ? 4 : 0, &w)
        return w.bytes
    }

    func memoryType(_ c: inout Cursor) throws(TextError) -> [UInt8] {
        let at = addressType(&c)
        let l = try limits(&c, is64: at == .i64)
        var flags: UInt8 = at == .i64 ? 4 : 0
        if c.peek?.keyword == "shared" { c.i += 1; flags |= 2 }
        var pageLog: UInt32?
        if c.peekHead == "pagesize", let p = c.next() {
            guard p.children.count == 2, let t = p.children[1].token, let v = Literals.u32(t.text), v != 0, v & (v - 1) == 0 else {
                throw err("invalid custom page size", p.offset)
            }
            pageLog = UInt32(v.trailingZeroBitCount)
            flags |= 8
        }
        var w = ByteWriter()
        writeLimits(l, flags: flags, &w)
        if let pageLog { w.u32(pageLog) }
        return w.bytes
    }

    func globalType(_ c: inout Cursor) throws(TextError) -> [UInt8] {
        guard let n = c.next() else { throw err("unexpected token", c.peekOffset) }
        var w = ByteWriter()
        if n.head == "mut" {
            var m = Cursor(n.children, from: 1, endOffset: n.offset)
            guard let t = m.next() else { throw err("unexpected token", n.offset) }
            try expectEnd(m)
            writeValType(try valueType(t), &w)
            w.byte(1)
        } else {
            writeValType(try valueType(n), &w)
            w.byte(0)
        }
        return w.bytes
    }

    func parseTable(_ c: inout Cursor, index: UInt32, elemIndex: UInt32, at off: Int) throws(TextError) -> Bool {
        _ = c.optionalId()
        if let imp = try inlineExportsImport(&c, kind: .table, index: index) {
            var w = ByteWriter()
            w.byte(1)
            w.append(try tableType(&c))
            try expectEnd(c)
            addImport(imp.module, imp.name, w.bytes)
            return false
        }
        // Abbreviation: at? reftype (elem ...)
        var probe = c
        let at = addressType(&probe)
        if let rtNode = probe.peek, !(rtNode.token.map { $0.kind == .keyword && ($0.text.first?.isNumber ?? false) } ?? false),
           probe.i + 1 < probe.nodes.count, probe.nodes[probe.i + 1].head == "elem" {
            probe.i += 1
            let rt = try refType(rtNode)
            guard let e = probe.next() else { throw err("unexpected token", off) }
            try expectEnd(probe)
            var ec = Cursor(e.children, from: 1, endOffset: e.offset)
            var items: [[UInt8]] = []
            let functionIndices = ec.peekIsIndex
            if functionIndices {
                while !ec.atEnd {
                    var w = ByteWriter()
                    w.opcode(.refFunc)
                    w.u32(try self.index(&ec, funcs, "function"))
                    w.opcode(.end)
                    items.append(w.bytes)
                }
            } else {
                while let item = ec.next() {
                    items.append(try elemItem(item).0)
                }
            }
            let n = UInt64(items.count)
            var tw = ByteWriter()
            writeRefType(rt, &tw)
            writeLimits(Limits(min: n, max: n), flags: at == .i64 ? 4 : 0, &tw)
            tableEntries.append(tw.bytes)
            var offset = ByteWriter()
            offset.opcode(at == .i64 ? .i64Const : .i32Const)
            offset.byte(0)
            offset.opcode(.end)
            elemEntries.append(encodeElem(type: rt, mode: .active(index, offset.bytes), items: items,
                                          functionIndices: functionIndices && rt.heapType == .func))
            return true
        }
        let tt = try tableType(&c)
        if c.atEnd {
            tableEntries.append(tt)
        } else {
            var w = ByteWriter()
            w.byte(0x40)
            w.byte(0x00)
            w.append(tt)
            var ctx = FuncContext()
            try instrSeq(&c, &ctx, &w)
            try expectEnd(c)
            w.opcode(.end)
            tableEntries.append(w.bytes)
        }
        return false
    }

    func parseMemory(_ c: inout Cursor, index: UInt32, at off: Int) throws(TextError) -> Bool {
        _ = c.optionalId()
        if let imp = try inlineExportsImport(&c, kind: .memory, index: index) {
            var w = ByteWriter()
            w.byte(2)
            w.append(try memoryType(&c))
            try expectEnd(c)
            addImport(imp.module, imp.name, w.bytes)
            return false
        }
        var probe = c
        let at = addressType(&probe)
        if probe.peekHead == "data", let d = probe.next() {
            try expectEnd(probe)
            var bytes: [UInt8] = []
            var dc = Cursor(d.children, from: 1, endOffset: d.offset)
            while !dc.atEnd { bytes += try string(&dc) }
            let pages = (UInt64(bytes.count) + 0xFFFF) / 0x10000
            var mw = ByteWriter()
            writeLimits(Limits(min: pages, max: pages), flags: at == .i64 ? 4 : 0, &mw)
            memEntries.append(mw.bytes)
            var w = ByteWriter()
            if index == 0 { w.byte(0) } else { w.byte(2); w.u32(index) }
            w.opcode(at == .i64 ? .i64Const : .i32Const)
            w.byte(0)
            w.opcode(.end)
            w.name(bytes)
            dataEntries.append(w.bytes)
            return true
        }
        memEntries.append(try memoryType(&c))
        try expectEnd(c)
        return false
    }

    func parseGlobal(_ c: inout Cursor, index: UInt32, at off: Int) throws(TextError) {
        _ = c.optionalId()
        let imp = try inlineExportsImport(&c, kind: .global, index: index)
        let gt = try globalType(&c)
        if let imp {
            try expectEnd(c)
            addImport(imp.module, imp.name, [3] + gt)
            return
        }
        var w = ByteWriter()
        w.append(gt)
        var ctx = FuncContext()
        try instrSeq(&c, &ctx, &w)
        try expectEnd(c)
        w.opcode(.end)
        globalEntries.append(w.bytes)
    }

    func parseTag(_ c: inout Cursor, index: UInt32, at off: Int) throws(TextError) {
        _ = c.optionalId()
        let imp = try inlineExportsImport(&c, kind: .tag, index: index)
        let o = c.peekOffset
        let u = try parseTypeUse(&c, allowNames: true)
        let (ti, _) = try resolveTypeUse(u, at: o)
        try expectEnd(c)
        var w = ByteWriter()
        w.byte(0)
        w.u32(ti)
        if let imp { addImport(imp.module, imp.name, [4] + w.bytes) } else { tagEntries.append(w.bytes) }
    }

    func parseImport(_ c: inout Cursor, at off: Int) throws(TextError) -> ExternalKind {
        let m = try name(&c)
        let n = try name(&c)
        guard let d = c.next(), d.isList else { throw err("unexpected token", c.peekOffset) }
        try expectEnd(c)
        var dc = Cursor(d.children, from: 1, endOffset: d.offset)
        _ = dc.optionalId()
        var w = ByteWriter()
        let kind: ExternalKind
        switch d.head {
        case "func":
            let o = dc.peekOffset
            let u = try parseTypeUse(&dc, allowNames: true)
            let (ti, _) = try resolveTypeUse(u, at: o)
            w.byte(0)
            w.u32(ti)
            kind = .function
        case "table":
            w.byte(1)
            w.append(try tableType(&dc))
            kind = .table
        case "memory":
            w.byte(2)
            w.append(try memoryType(&dc))
            kind = .memory
        case "global":
            w.byte(3)
            w.append(try globalType(&dc))
            kind = .global
        case "tag":
            let o = dc.peekOffset
            let u = try parseTypeUse(&dc, allowNames: true)
            let (ti, _) = try resolveTypeUse(u, at: o)
            w.byte(4)
            w.byte(0)
            w.u32(ti)
            kind = .tag
        default:
            throw err("unexpected token", d.offset)
        }
        try expectEnd(dc)
        addImport(m, n, w.bytes)
        return kind
    }

    func parseExport(_ c: inout Cursor, at off: Int) throws(TextError) {
        let n = try name(&c)
        guard let d = c.next(), d.isList else { throw err("unexpected token", c.peekOffset) }
        try expectEnd(c)
        var dc = Cursor(d.children, from: 1, endOffset: d.offset)
        let kind: ExternalKind
        let idx: UInt32
        switch d.head {
        case "func": kind = .function; idx = try index(&dc, funcs, "function")
        case "table": kind = .table; idx = try index(&dc, tables, "table")
        case "memory": kind = .memory; idx = try index(&dc, mems, "memory")
        case "global": kind = .global; idx = try index(&dc, globals, "global")
        case "tag": kind = .tag; idx = try index(&dc, tags, "tag")
        default: throw err("unexpected token", d.offset)
        }
        try expectEnd(dc)
        addExport(n, kind, idx)
    }

    /// Encodes a constant expression from a node's remaining children.
    func constExpr(_ c: inout Cursor) throws(TextError) -> [UInt8] {
        var w = ByteWriter()
        var ctx = FuncContext()
        try instrSeq(&c, &ctx, &w)
        try expectEnd(c)
        w.opcode(.end)
        return w.bytes
    }

    /// An element item: `(item instr*)` or a single folded instruction. Returns its bytes and whether it is `ref.func`.
    func elemItem(_ n: Node) throws(TextError) -> ([UInt8], Bool) {
        guard n.isList else { throw err("unexpected token", n.offset) }
        var b: [UInt8]
        if n.head == "item" {
            var ic = Cursor(n.children, from: 1, endOffset: n.offset)
            b = try constExpr(&ic)
        } else {
            var ic = Cursor([n], endOffset: n.offset)
            b = try constExpr(&ic)
        }
        return (b, isRefFuncExpr(b))
    }

    func isRefFuncExpr(_ b: [UInt8]) -> Bool {
        guard b.first.map(UInt32.init) == Opcode.refFunc.code, b.last.map(UInt32.init) == Opcode.end.code else { return false }
        // ref.func, one LEB128 index, end
        var k = 1
        while k < b.count - 1, b[k] & 0x80 != 0 { k += 1 }
        return k == b.count - 2
    }

    enum ElemMode { case passive, declarative, active(UInt32, [UInt8]) }

    /// Encodes an element segment: segments written as function indices use the compact encodings 0-3
    /// (element type `(ref func)`), segments written as expressions the encodings 4-7 with their own type.
    func encodeElem(type: RefType, mode: ElemMode, items: [[UInt8]], functionIndices: Bool) -> [UInt8] {
        var w = ByteWriter()
        let isFuncref = type == .funcref
        if functionIndices {
            func funcIndices(_ w: inout ByteWriter) {
                w.u32(UInt32(items.count))
                for it in items { w.append(Array(it.dropFirst().dropLast())) }
            }
            switch mode {
            case .passive: w.byte(1); w.byte(0); funcIndices(&w)
            case .active(let t, let off) where t == 0: w.byte(0); w.append(off); funcIndices(&w)
            case .active(let t, let off): w.byte(2); w.u32(t); w.append(off); w.byte(0); funcIndices(&w)
            case .declarative: w.byte(3); w.byte(0); funcIndices(&w)
            }
        } else {
            func exprs(_ w: inout ByteWriter) {
                w.u32(UInt32(items.count))
                for it in items { w.append(it) }
            }
            switch mode {
            case .passive: w.byte(5); writeRefType(type, &w); exprs(&w)
            case .active(let t, let off) where t == 0 && isFuncref: w.byte(4); w.append(off); exprs(&w)
            case .active(let t, let off): w.byte(6); w.u32(t); w.append(off); writeRefType(type, &w); exprs(&w)
            case .declarative: w.byte(7); writeRefType(type, &w); exprs(&w)
            }
        }
        return w.bytes
    }

    func parseElem(_ c: inout Cursor, at off: Int) throws(TextError) {
        _ = c.optionalId()
        var mode: ElemMode = .passive
        if c.peek?.keyword == "declare" {
            c.i += 1
            mode = .declarative
        } else {
            var table: UInt32?
            if c.peekHead == "table", let t = c.next() {
                var tc = Cursor(t.children, from: 1, endOffset: t.offset)
                table = try index(&tc, tables, "table")
                try expectEnd(tc)
            } else if c.peekIsIndex, c.i + 1 < c.nodes.count, c.nodes[c.i + 1].isList {
                // Legacy `(elem 0 (offset ...) ...)`.
                table = try index(&c, tables, "table")
            }
            if let p = c.peek, p.isList, p.head != "item", p.head != "ref" {
                c.i += 1
                var ob: [UInt8]
                if p.head == "offset" {
                    var oc = Cursor(p.children, from: 1, endOffset: p.offset)
                    ob = try constExpr(&oc)
                } else {
                    var oc = Cursor([p], endOffset: p.offset)
                    ob = try constExpr(&oc)
                }
                mode = .active(table ?? 0, ob)
            } else if table != nil {
                throw err("unexpected token", c.peekOffset)
            }
        }
        // Element list.
        var type = RefType.funcref
        var items: [[UInt8]] = []
        let functionIndices = c.peek?.keyword == "func" || c.peekIsIndex || c.atEnd
        if functionIndices {
            type = RefType(nullable: false, .func)
            if c.peek?.keyword == "func" { c.i += 1 }
            while !c.atEnd {
                var w = ByteWriter()
                w.opcode(.refFunc)
                w.u32(try index(&c, funcs, "function"))
                w.opcode(.end)
                items.append(w.bytes)
            }
        } else {
            guard let tn = c.next() else { throw err("unexpected token", c.peekOffset) }
            type = try refType(tn)
            while let it = c.next() {
                items.append(try elemItem(it).0)
            }
        }
        elemEntries.append(encodeElem(type: type, mode: mode, items: items, functionIndices: functionIndices))
    }

    func parseData(_ c: inout Cursor, at off: Int) throws(TextError) {
        _ = c.optionalId()
        var w = ByteWriter()
        var mem: UInt32?
        if c.peekHead == "memory", let m = c.next() {
            var mc = Cursor(m.children, from: 1, endOffset: m.offset)
            mem = try index(&mc, mems, "memory")
            try expectEnd(mc)
        } else if c.peekIsIndex {
            mem = try index(&c, mems, "memory")
        }
        if let p = c.peek, p.isList {
            c.i += 1
            var ob: [UInt8]
            if p.head == "offset" {
                var oc = Cursor(p.children, from: 1, endOffset: p.offset)
                ob = try constExpr(&oc)
            } else {
                var oc = Cursor([p], endOffset: p.offset)
                ob = try constExpr(&oc)
            }
            let m = mem ?? 0
            if m == 0 { w.byte(0) } else { w.byte(2); w.u32(m) }
            w.append(ob)
        } else {
            if mem != nil { throw err("unexpected token", c.peekOffset) }
            w.byte(1)
        }
        var bytes: [UInt8] = []
        while !c.atEnd { bytes += try string(&c) }
        w.name(bytes)
        dataEntries.append(w.bytes)
    }

    static let sectionSlots: [String: Int] = [
        "type": 1, "import": 2, "func": 3, "table": 4, "memory": 5, "tag": 6, "global": 7, "export": 8,
        "start": 9, "elem": 10, "datacount": 11, "code": 12, "data": 13,
    ]

    func parseCustom(_ c: inout Cursor, at off: Int) throws(TextError) {
        guard let t = c.peek?.token, t.kind == .string else { throw err("@custom annotation: missing section name", off) }
        let nm = try name(&c)
        var place = CustomPlacement(before: false, slot: 14)
        if c.peek?.isList == true, let p = c.next() {
            let ch = p.children
            guard ch.count == 2, let where_ = ch[0].keyword, let what = ch[1].keyword else { throw err("@custom annotation: malformed placement", p.offset) }
            guard where_ == "before" || where_ == "after" else { throw err("@custom annotation: malformed placement", p.offset) }
            let before = where_ == "before"
            if what == "first" { place = CustomPlacement(before: true, slot: 0) }
            else if what == "last" { place = CustomPlacement(before: false, slot: 14) }
            else if let s = WatModuleParser.sectionSlots[what] { place = CustomPlacement(before: before, slot: s) }
            else { throw err("@custom annotation: malformed section kind", p.offset) }
        }
        var bytes: [UInt8] = []
        while !c.atEnd {
            guard let t = c.peek?.token, t.kind == .string else { throw err("@custom annotation: unexpected token", c.peekOffset) }
            bytes += try string(&c)
        }
        customs.append((place, nm, bytes))
    }

    // MARK: - Assembly

    func assemble() -> [UInt8] {
        var out = ByteWriter()
        out.append([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00])
        func section(_ id: UInt8, _ body: [UInt8]) {
            out.byte(id)
            out.u32(UInt32(body.count))
            out.append(body)
        }
        func vecSection(_ id: UInt8, _ entries: [[UInt8]]) {
            guard !entries.isEmpty else { return }
            var w = ByteWriter()
            w.u32(UInt32(entries.count))
            for e in entries { w.append(e) }
            section(id, w.bytes)
        }
        func customsAt(_ slot: Int, before: Bool) {
            for c in customs where c.place.slot == slot && c.place.before == before {
                var w = ByteWriter()
                w.name(c.name)
                w.append(c.bytes)
                section(0, w.bytes)
            }
        }
        for slot in 0...14 {
            customsAt(slot, before: true)
            switch slot {
            case 1:
                if !typeDefs.isEmpty {
                    var w = ByteWriter()
                    w.u32(UInt32(recGroups.count))
                    for g in recGroups {
                        if g.count != 1 {
                            w.byte(0x4E)
                            w.u32(UInt32(g.count))
                        }
                        for k in g.start..<(g.start + g.count) { writeSubType(typeDefs[k], &w) }
                    }
                    section(1, w.bytes)
                }
            case 2: vecSection(2, importEntries)
            case 3:
                if !funcTypeIndices.isEmpty {
                    var w = ByteWriter()
                    w.u32(UInt32(funcTypeIndices.count))
                    for t in funcTypeIndices { w.u32(t) }
                    section(3, w.bytes)
                }
            case 4: vecSection(4, tableEntries)
            case 5: vecSection(5, memEntries)
            case 6: vecSection(13, tagEntries)
            case 7: vecSection(6, globalEntries)
            case 8: vecSection(7, exportEntries)
            case 9:
                if let s = startFunc {
                    var w = ByteWriter()
                    w.u32(s)
                    section(8, w.bytes)
                }
            case 10: vecSection(9, elemEntries)
            case 11:
                if !dataEntries.isEmpty || usesDataCount {
                    var w = ByteWriter()
                    w.u32(UInt32(dataEntries.count))
                    section(12, w.bytes)
                }
            case 12: vecSection(10, codeEntries)
            case 13: vecSection(11, dataEntries)
            default: break
            }
            customsAt(slot, before: false)
        }
        // A `name` section for the functions' $ids (as wasm-tools emits), so backtraces show them; skipped when
        // the text supplies its own `name` custom section.
        if !funcs.names.isEmpty, !customs.contains(where: { $0.name == Array("name".utf8) }) {
            var functionNames = ByteWriter()
            let sorted = funcs.names.sorted { $0.value < $1.value }
            functionNames.u32(UInt32(sorted.count))
            for (name, index) in sorted {
                functionNames.u32(index)
                functionNames.name(Array(name.utf8))
            }
            var w = ByteWriter()
            w.name(Array("name".utf8))
            w.byte(1)
            w.u32(UInt32(functionNames.bytes.count))
            w.append(functionNames.bytes)
            section(0, w.bytes)
        }
        return out.bytes
    }
}
