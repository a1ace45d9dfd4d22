import WasmCore

/// Instruction parsing and encoding (flat and folded forms).
extension WatModuleParser {
    static let nonInstructionHeads: Set<String> = ["param", "result", "type", "local", "then", "else", "do", "catch", "catch_all", "delegate", "export", "import"]
    static let terminators: Set<String> = ["end", "else", "catch", "catch_all", "delegate"]

    /// Parses instructions until the end of the cursor or a block terminator keyword (not consumed).
    func instrSeq(_ c: inout Cursor, _ ctx: inout FuncContext, _ w: inout ByteWriter) throws(TextError) {
        if ctx.labels.count > Lexer.maxDepth { throw err("nesting too deep", c.peekOffset) }
        while let n = c.peek {
            switch n {
            case .list:
                c.i += 1
                try foldedInstr(n, &ctx, &w)
            case .atom(let t):
                guard t.kind == .keyword else { throw unexpected(n, t.offset) }
                if WatModuleParser.terminators.contains(t.text) { return }
                c.i += 1
                try flatInstr(t, &c, &ctx, &w)
            }
        }
    }

    func optionalLabel(_ c: inout Cursor) -> String? { c.optionalId() }

    /// After `end`/`else`: an optional label that must match the block's.
    func checkEndLabel(_ c: inout Cursor, _ label: String?) throws(TextError) {
        if let t = c.peek?.token, t.kind == .id {
            c.i += 1
            if t.text != label { throw err("mismatching label", t.offset) }
        }
    }

    func expectTerminator(_ c: inout Cursor) throws(TextError) -> String {
        guard let t = c.next()?.token, t.kind == .keyword, WatModuleParser.terminators.contains(t.text) else {
            throw err("unexpected token", c.endOffset)
        }
        return t.text
    }

    func blockType(_ c: inout Cursor) throws(TextError) -> BlockType {
        let o = c.peekOffset
        let u = try parseTypeUse(&c, allowNames: false)
        if u.index == nil, u.params.isEmpty {
            if u.results.isEmpty { return .empty }
            if u.results.count == 1 { return .value(u.results[0]) }
        }
        return .typeIndex(try resolveTypeUse(u, at: o).0)
    }

    func writeBlockType(_ bt: BlockType, _ w: inout ByteWriter) {
        switch bt {
        case .empty: w.byte(0x40)
        case .value(let v): writeValType(v, &w)
        case .typeIndex(let i): w.s64(Int64(i))
        }
    }

    func label(_ c: inout Cursor, _ ctx: FuncContext) throws(TextError) -> UInt32 {
        guard let n = c.next(), let t = n.token else { throw err("unexpected token", c.peekOffset) }
        if t.kind == .id {
            var k = ctx.labels.count - 1
            while k >= 0 {
                if ctx.labels[k] == t.text { return UInt32(ctx.labels.count - 1 - k) }
                k -= 1
            }
            throw err("unknown label $\(t.text)", t.offset)
        }
        guard t.kind == .keyword, let f = t.text.utf8.first, f >= 48, f <= 57 else { throw unexpected(n, t.offset) }
        guard let v = Literals.u32(t.text) else { throw err(Literals.parseNat(Substring(t.text)) == nil ? "unknown operator" : "constant out of range", t.offset) }
        return v
    }

    func localIndex(_ c: inout Cursor, _ ctx: FuncContext) throws(TextError) -> UInt32 {
        var space = IndexSpace()
        space.names = ctx.locals
        return try index(&c, space, "local")
    }

    /// Parses `catch`/`catch_ref`/`catch_all`/`catch_all_ref` clauses of `try_table`.
    func catchClauses(_ c: inout Cursor, _ ctx: FuncContext) throws(TextError) -> [CatchClause] {
        var clauses: [CatchClause] = []
        while let h = c.peekHead, h == "catch" || h == "catch_ref" || h == "catch_all" || h == "catch_all_ref", let n = c.next() {
            var cc = Cursor(n.children, from: 1, endOffset: n.offset)
            switch h {
            case "catch": clauses.append(.catch(tag: try index(&cc, tags, "tag"), label: try label(&cc, ctx)))
            case "catch_ref": clauses.append(.catchRef(tag: try index(&cc, tags, "tag"), label: try label(&cc, ctx)))
            case "catch_all": clauses.append(.catchAll(label: try label(&cc, ctx)))
            default: clauses.append(.catchAllRef(label: try label(&cc, ctx)))
            }
            try expectEnd(cc)
        }
        return clauses
    }

    /// A `try_table` clause: its kind byte, then a tag index (for `catch` and `catch_ref`) and a label.
    func writeCatchClause(_ clause: CatchClause, _ w: inout ByteWriter) {
        switch clause {
        case .catch(let tag, let label): w.byte(0x00); w.u32(tag); w.u32(label)
        case .catchRef(let tag, let label): w.byte(0x01); w.u32(tag); w.u32(label)
        case .catchAll(let label): w.byte(0x02); w.u32(label)
        case .catchAllRef(let label): w.byte(0x03); w.u32(label)
        }
    }

    /// The clauses of `try_table` as a vector.
    func writeCatchClauses(_ clauses: [CatchClause], _ w: inout ByteWriter) {
        w.u32(UInt32(clauses.count))
        for clause in clauses { writeCatchClause(clause, &w) }
    }

    func flatInstr(_ t: Token, _ c: inout Cursor, _ ctx: inout FuncContext, _ w: inout ByteWriter) throws(TextError) {
        switch t.text {
        case "block", "loop", "if":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            w.opcode(t.text == "block" ? .block : t.text == "loop" ? .loop : .if)
            writeBlockType(bt, &w)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            var term = try expectTerminator(&c)
            if t.text == "if", term == "else" {
                try checkEndLabel(&c, lbl)
                w.opcode(.else)
                try instrSeq(&c, &ctx, &w)
                term = try expectTerminator(&c)
            }
            guard term == "end" else { throw err("unexpected token", c.endOffset) }
            try checkEndLabel(&c, lbl)
            ctx.labels.removeLast()
            w.opcode(.end)
        case "try_table":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            let clauses = try catchClauses(&c, ctx)
            w.opcode(.tryTable)
            writeBlockType(bt, &w)
            writeCatchClauses(clauses, &w)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            guard try expectTerminator(&c) == "end" else { throw err("unexpected token", c.endOffset) }
            try checkEndLabel(&c, lbl)
            ctx.labels.removeLast()
            w.opcode(.end)
        case "try":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            w.opcode(.try)
            writeBlockType(bt, &w)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            var sawCatch = false, sawCatchAll = false
            while true {
                let termOffset = c.peekOffset
                let term = try expectTerminator(&c)
                if (sawCatchAll && term != "end") || (sawCatch && term == "delegate") { throw err("unexpected token", termOffset) }
                if term == "catch" || term == "catch_all" { sawCatch = true }
                if term == "catch_all" { sawCatchAll = true }
                switch term {
                case "catch":
                    w.opcode(.catch)
                    w.u32(try index(&c, tags, "tag"))
                    try instrSeq(&c, &ctx, &w)
                case "catch_all":
                    w.opcode(.catchAll)
                    try instrSeq(&c, &ctx, &w)
                case "delegate":
                    ctx.labels.removeLast()
                    w.opcode(.delegate)
                    w.u32(try label(&c, ctx))
                    return
                case "end":
                    try checkEndLabel(&c, lbl)
                    ctx.labels.removeLast()
                    w.opcode(.end)
                    return
                default:
                    throw err("unexpected token", c.endOffset)
                }
            }
        default:
            try plainInstr(t.text, t.offset, &c, ctx, &w)
        }
    }

    func foldedInstr(_ n: Node, _ ctx: inout FuncContext, _ w: inout ByteWriter) throws(TextError) {
        guard let op = n.head else { throw err(n.children.isEmpty ? "unexpected token" : "unknown operator", n.offset) }
        var c = Cursor(n.children, from: 1, endOffset: n.offset)
        if WatModuleParser.nonInstructionHeads.contains(op) { throw err("unexpected token", n.offset) }
        switch op {
        case "block", "loop":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            w.opcode(op == "block" ? .block : .loop)
            writeBlockType(bt, &w)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            try expectEnd(c)
            ctx.labels.removeLast()
            w.opcode(.end)
        case "if":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            while let p = c.peek, p.isList, p.head != "then", p.head != "else" {
                c.i += 1
                try foldedInstr(p, &ctx, &w)
            }
            w.opcode(.if)
            writeBlockType(bt, &w)
            ctx.labels.append(lbl)
            guard c.peekHead == "then", let th = c.next() else { throw err("unexpected token", c.peekOffset) }
            var tc = Cursor(th.children, from: 1, endOffset: th.offset)
            try instrSeq(&tc, &ctx, &w)
            try expectEnd(tc)
            if c.peekHead == "else", let el = c.next() {
                w.opcode(.else)
                var ec = Cursor(el.children, from: 1, endOffset: el.offset)
                try instrSeq(&ec, &ctx, &w)
                try expectEnd(ec)
            }
            try expectEnd(c)
            ctx.labels.removeLast()
            w.opcode(.end)
        case "try_table":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            let clauses = try catchClauses(&c, ctx)
            w.opcode(.tryTable)
            writeBlockType(bt, &w)
            writeCatchClauses(clauses, &w)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            try expectEnd(c)
            ctx.labels.removeLast()
            w.opcode(.end)
        case "try":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            w.opcode(.try)
            writeBlockType(bt, &w)
            ctx.labels.append(lbl)
            guard c.peekHead == "do", let d = c.next() else { throw err("unexpected token", c.peekOffset) }
            var dc = Cursor(d.children, from: 1, endOffset: d.offset)
            try instrSeq(&dc, &ctx, &w)
            try expectEnd(dc)
            var sawCatchAll = false
            var sawCatch = false
            while let h = c.peekHead, let cl = c.next() {
                if sawCatchAll || (h == "delegate" && sawCatch) { throw err("unexpected token", cl.offset) }
                if h == "catch_all" { sawCatchAll = true }
                sawCatch = true
                var cc = Cursor(cl.children, from: 1, endOffset: cl.offset)
                switch h {
                case "catch":
                    w.opcode(.catch)
                    w.u32(try index(&cc, tags, "tag"))
                    try instrSeq(&cc, &ctx, &w)
                    try expectEnd(cc)
                case "catch_all":
                    w.opcode(.catchAll)
                    try instrSeq(&cc, &ctx, &w)
                    try expectEnd(cc)
                case "delegate":
                    ctx.labels.removeLast()
                    w.opcode(.delegate)
                    w.u32(try label(&cc, ctx))
                    try expectEnd(cc)
                    try expectEnd(c)
                    return
                default:
                    throw err("unexpected token", cl.offset)
                }
            }
            try expectEnd(c)
            ctx.labels.removeLast()
            w.opcode(.end)
        default:
            var imm = ByteWriter()
            try plainInstr(op, n.offset, &c, ctx, &imm)
            while let m = c.next() {
                guard m.isList else { throw err("unexpected token", m.offset) }
                try foldedInstr(m, &ctx, &w)
            }
            w.append(imm.bytes)
        }
    }

    /// A memarg: `memidx? offset=n? align=n?`, with `natural` as the default alignment. When a lane index
    /// follows (`v128.load8_lane memidx? offset=n? align=n? lane`), a number is the memory only if another
    /// number, `offset=` or `align=` comes after it.
    func memArg(_ c: inout Cursor, natural: Int, laneFollows: Bool = false) throws(TextError) -> MemArg {
        var mem: UInt32 = 0
        if c.peekIsIndex && (!laneFollows || c.peek?.token?.kind == .id || Self.memargOrIndexFollows(c)) {
            mem = try index(&c, mems, "memory")
        }
        var offset: UInt64 = 0
        var align = UInt64(natural)
        if let t = c.peek?.token, t.kind == .keyword, t.text.hasPrefix("offset=") {
            c.i += 1
            guard let v = Literals.parseNat(t.text.dropFirst(7)) else { throw err("unknown operator", t.offset) }
            if v.overflow { throw err("offset out of range", t.offset) }
            offset = v.value
        }
        if let t = c.peek?.token, t.kind == .keyword, t.text.hasPrefix("align=") {
            c.i += 1
            guard let v = Literals.parseNat(t.text.dropFirst(6)) else { throw err("unknown operator", t.offset) }
            if v.overflow || v.value == 0 || v.value & (v.value - 1) != 0 { throw err("alignment must be a power of two", t.offset) }
            align = v.value
        }
        return MemArg(alignLog2: UInt32(align.trailingZeroBitCount), memoryIndex: mem, offset: offset)
    }

    /// True when the node after the next one is an index, `offset=...` or `align=...`.
    static func memargOrIndexFollows(_ c: Cursor) -> Bool {
        var probe = c
        probe.i += 1
        if probe.peekIsIndex { return true }
        guard let t = probe.peek?.token, t.kind == .keyword else { return false }
        return t.text.hasPrefix("offset=") || t.text.hasPrefix("align=")
    }

    /// The binary memarg: the alignment exponent, with bit 6 set and the memory index after it for a memory
    /// other than 0, then the offset.
    func writeMemArg(_ m: MemArg, _ w: inout ByteWriter) {
        if m.memoryIndex != 0 {
            w.u32(m.alignLog2 | 0x40)
            w.u32(m.memoryIndex)
        } else {
            w.u32(m.alignLog2)
        }
        w.u64(m.offset)
    }

    /// A type use (`(type x)? (param ...)* (result ...)*`), resolved to its type index.
    func typeUse(_ c: inout Cursor) throws(TextError) -> UInt32 {
        let o = c.peekOffset
        let u = try parseTypeUse(&c, allowNames: false)
        return try resolveTypeUse(u, at: o).0
    }

    /// A data segment index; the module then needs a data count section.
    func dataIndex(_ c: inout Cursor) throws(TextError) -> UInt32 {
        usesDataCount = true
        return try index(&c, datas, "data")
    }

    /// The heap type of `ref.null`.
    func heapTypeImmediate(_ c: inout Cursor) throws(TextError) -> HeapType {
        guard let h = c.next() else { throw err("unexpected token", c.peekOffset) }
        return try heapType(h)
    }

    /// `(result t*)*`: the types of a typed `select`.
    func resultTypes(_ c: inout Cursor) throws(TextError) -> [ValueType] {
        var types: [ValueType] = []
        while c.peekHead == "result", let r = c.next() {
            for t in r.children.dropFirst() { types.append(try valueType(t)) }
        }
        return types
    }

    func literalToken(_ c: inout Cursor) throws(TextError) -> Token {
        guard let t = c.next()?.token, t.kind == .keyword else { throw err("unexpected token", c.peekOffset) }
        return t
    }

    func intLiteral(_ t: Token, bits: Int) throws(TextError) -> UInt64 {
        switch Literals.int(t.text, bits: bits) {
        case .ok(let v): return v
        case .malformed: throw err(t.text.contains("nan") || t.text.contains("inf") ? "unexpected token" : "unknown operator", t.offset)
        case .outOfRange: throw err("constant out of range", t.offset)
        }
    }

    func floatLiteral(_ t: Token, bits: Int) throws(TextError) -> UInt64 {
        switch Literals.float(t.text, bits: bits) {
        case .ok(let v): return v
        case .malformed: throw err("unknown operator", t.offset)
        case .outOfRange: throw err("constant out of range", t.offset)
        }
    }

    /// An `i32.const` literal.
    func i32Literal(_ c: inout Cursor) throws(TextError) -> Int32 {
        Int32(bitPattern: UInt32(truncatingIfNeeded: try intLiteral(try literalToken(&c), bits: 32)))
    }

    /// An `i64.const` literal.
    func i64Literal(_ c: inout Cursor) throws(TextError) -> Int64 {
        Int64(bitPattern: try intLiteral(try literalToken(&c), bits: 64))
    }

    /// An `f32.const` literal, as its bit pattern.
    func f32Literal(_ c: inout Cursor) throws(TextError) -> UInt32 {
        UInt32(truncatingIfNeeded: try floatLiteral(try literalToken(&c), bits: 32))
    }

    /// An `f64.const` literal, as its bit pattern.
    func f64Literal(_ c: inout Cursor) throws(TextError) -> UInt64 {
        try floatLiteral(try literalToken(&c), bits: 64)
    }

    // MARK: Vectors

    /// The literal tokens that follow (the lanes of `v128.const`, the indices of `i8x16.shuffle`): keywords that
    /// cannot be an instruction, so that flat code after them is not taken, and malformed numbers are reported
    /// by the lane's parser rather than as a wrong lane count.
    func laneTokens(_ c: inout Cursor) -> [Token] {
        var tokens: [Token] = []
        while let t = c.peek?.token, t.kind == .keyword, Self.isLaneLiteral(t.text) {
            tokens.append(t)
            c.i += 1
        }
        return tokens
    }

    /// True for a keyword that is not an instruction name: a number (well-formed or not), `inf` or `nan...`.
    static func isLaneLiteral(_ text: String) -> Bool {
        guard let f = text.utf8.first else { return false }
        if f < UInt8(ascii: "a") || f > UInt8(ascii: "z") { return true }
        return text == "inf" || text == "nan" || text.hasPrefix("nan:")
    }

    /// A `v128.const` immediate: a shape, then one literal per lane (`i8x16` 16 integers, `i16x8` 8, `i32x4` 4,
    /// `i64x2` 2, `f32x4` 4 floats, `f64x2` 2), each lane in range of its type (signed or unsigned for integers).
    func v128Literal(_ c: inout Cursor) throws(TextError) -> V128 {
        guard let s = c.peek?.token, s.kind == .keyword, let shape = VectorShape(rawValue: s.text) else {
            throw err("unexpected token", c.peekOffset)
        }
        c.i += 1
        let tokens = laneTokens(&c)
        guard tokens.count == shape.laneCount else {
            let at = tokens.count > shape.laneCount ? tokens[shape.laneCount].offset : c.peekOffset
            throw err("wrong number of lane literals", at)
        }
        let bits = 128 / shape.laneCount
        var low: UInt64 = 0, high: UInt64 = 0
        for (k, t) in tokens.enumerated() {
            let lane = shape.isFloat ? try floatLiteral(t, bits: bits) : try intLiteral(t, bits: bits)
            let shift = (k * bits) % 64
            if k * bits < 64 { low |= lane << UInt64(shift) } else { high |= lane << UInt64(shift) }
        }
        return V128(low: low, high: high)
    }

    /// A lane index: a natural number below 256 (the validator checks it against the shape's lane count).
    func laneIndex(_ c: inout Cursor) throws(TextError) -> UInt8 {
        guard let t = c.peek?.token, t.kind == .keyword, let f = t.text.utf8.first, f >= 48, f <= 57,
              let (v, overflow) = Literals.parseNat(Substring(t.text)) else {
            throw err("unexpected token", c.peekOffset)
        }
        c.i += 1
        guard !overflow, v <= 255 else { throw err("i8 constant out of range", t.offset) }
        return UInt8(v)
    }

    /// The 16 lane indices of `i8x16.shuffle`, each a natural number below 256 (the validator checks < 32).
    func shuffleLanes(_ c: inout Cursor) throws(TextError) -> V128 {
        let start = c.peekOffset
        let tokens = laneTokens(&c)
        guard tokens.count == 16 else {
            throw err("invalid lane length", tokens.count > 16 ? tokens[16].offset : start)
        }
        var bytes: [UInt8] = []
        for t in tokens {
            guard let f = t.text.utf8.first, f >= 48, f <= 57, let (v, overflow) = Literals.parseNat(Substring(t.text)),
                  !overflow, v <= 255 else {
                throw err("i8 constant out of range", t.offset)
            }
            bytes.append(UInt8(v))
        }
        return V128(bytes: bytes)
    }
}

/// The shape of a `v128.const` in text: how its lanes are written.
enum VectorShape: String {
    case i8x16, i16x8, i32x4, i64x2, f32x4, f64x2

    var laneCount: Int {
        switch self {
        case .i8x16: 16
        case .i16x8: 8
        case .i32x4, .f32x4: 4
        case .i64x2, .f64x2: 2
        }
    }

    var isFloat: Bool { self == .f32x4 || self == .f64x2 }
}

/// An instruction's binary opcode: one byte, or a prefix byte and a LEB128 sub-opcode.
struct Opcode: Hashable, Sendable {
    var prefix: UInt8?
    var code: UInt32

    init(_ code: UInt8) {
        prefix = nil
        self.code = UInt32(code)
    }

    init(prefix: UInt8, _ code: UInt32) {
        self.prefix = prefix
        self.code = code
    }
}

extension ByteWriter {
    /// Writes an opcode.
    mutating func opcode(_ op: Opcode) {
        if let prefix = op.prefix {
            byte(prefix)
            u32(op.code)
        } else {
            byte(UInt8(truncatingIfNeeded: op.code))
        }
    }
}

extension Cursor {
    /// True when the next `count` nodes are indices (`$id` atoms or natural numbers).
    func nextAreIndices(_ count: Int) -> Bool {
        var probe = self
        for _ in 0..<count {
            guard probe.peekIsIndex else { return false }
            probe.i += 1
        }
        return true
    }
}
