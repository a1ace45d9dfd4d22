import WasmCore

/// Instruction parsing and encoding (flat and folded forms).
extension WatModuleParser {
    static let numericOps: [String: NumericOp] = {
        var d: [String: NumericOp] = [:]
        for op in NumericOp.allCases { d[op.name] = op }
        return d
    }()
    static let loadOps: [String: LoadOp] = {
        var d: [String: LoadOp] = [:]
        for op in LoadOp.allCases { d[op.name] = op }
        return d
    }()
    static let storeOps: [String: StoreOp] = {
        var d: [String: StoreOp] = [:]
        for op in StoreOp.allCases { d[op.name] = op }
        return d
    }()
    static let nonInstructionHeads: Set<String> = ["param", "result", "type", "local", "then", "else", "do", "catch", "catch_all", "delegate", "export", "import"]
    static let terminators: Set<String> = ["end", "else", "catch", "catch_all", "delegate"]
    static let unsupportedPrefixes = [
        "struct.", "array.", "i31.", "ref.i31", "ref.test", "ref.cast", "br_on_cast", "any.convert_extern",
        "extern.convert_any", "v128.", "i8x16.", "i16x8.", "i32x4.", "i64x2.", "f32x4.", "f64x2.",
    ]

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
    func catchClauses(_ c: inout Cursor, _ ctx: FuncContext) throws(TextError) -> [UInt8] {
        var w = ByteWriter()
        var count: UInt32 = 0
        while let h = c.peekHead, h == "catch" || h == "catch_ref" || h == "catch_all" || h == "catch_all_ref", let n = c.next() {
            var cc = Cursor(n.children, from: 1, endOffset: n.offset)
            switch h {
            case "catch": w.byte(0); w.u32(try index(&cc, tags, "tag")); w.u32(try label(&cc, ctx))
            case "catch_ref": w.byte(1); w.u32(try index(&cc, tags, "tag")); w.u32(try label(&cc, ctx))
            case "catch_all": w.byte(2); w.u32(try label(&cc, ctx))
            default: w.byte(3); w.u32(try label(&cc, ctx))
            }
            try expectEnd(cc)
            count += 1
        }
        var out = ByteWriter()
        out.u32(count)
        out.append(w.bytes)
        return out.bytes
    }

    func flatInstr(_ t: Token, _ c: inout Cursor, _ ctx: inout FuncContext, _ w: inout ByteWriter) throws(TextError) {
        switch t.text {
        case "block", "loop", "if":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            w.byte(t.text == "block" ? 0x02 : t.text == "loop" ? 0x03 : 0x04)
            writeBlockType(bt, &w)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            var term = try expectTerminator(&c)
            if t.text == "if", term == "else" {
                try checkEndLabel(&c, lbl)
                w.byte(0x05)
                try instrSeq(&c, &ctx, &w)
                term = try expectTerminator(&c)
            }
            guard term == "end" else { throw err("unexpected token", c.endOffset) }
            try checkEndLabel(&c, lbl)
            ctx.labels.removeLast()
            w.byte(0x0B)
        case "try_table":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            let clauses = try catchClauses(&c, ctx)
            w.byte(0x1F)
            writeBlockType(bt, &w)
            w.append(clauses)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            guard try expectTerminator(&c) == "end" else { throw err("unexpected token", c.endOffset) }
            try checkEndLabel(&c, lbl)
            ctx.labels.removeLast()
            w.byte(0x0B)
        case "try":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            w.byte(0x06)
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
                    w.byte(0x07)
                    w.u32(try index(&c, tags, "tag"))
                    try instrSeq(&c, &ctx, &w)
                case "catch_all":
                    w.byte(0x19)
                    try instrSeq(&c, &ctx, &w)
                case "delegate":
                    ctx.labels.removeLast()
                    w.byte(0x18)
                    w.u32(try label(&c, ctx))
                    return
                case "end":
                    try checkEndLabel(&c, lbl)
                    ctx.labels.removeLast()
                    w.byte(0x0B)
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
            w.byte(op == "block" ? 0x02 : 0x03)
            writeBlockType(bt, &w)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            try expectEnd(c)
            ctx.labels.removeLast()
            w.byte(0x0B)
        case "if":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            while let p = c.peek, p.isList, p.head != "then", p.head != "else" {
                c.i += 1
                try foldedInstr(p, &ctx, &w)
            }
            w.byte(0x04)
            writeBlockType(bt, &w)
            ctx.labels.append(lbl)
            guard c.peekHead == "then", let th = c.next() else { throw err("unexpected token", c.peekOffset) }
            var tc = Cursor(th.children, from: 1, endOffset: th.offset)
            try instrSeq(&tc, &ctx, &w)
            try expectEnd(tc)
            if c.peekHead == "else", let el = c.next() {
                w.byte(0x05)
                var ec = Cursor(el.children, from: 1, endOffset: el.offset)
                try instrSeq(&ec, &ctx, &w)
                try expectEnd(ec)
            }
            try expectEnd(c)
            ctx.labels.removeLast()
            w.byte(0x0B)
        case "try_table":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            let clauses = try catchClauses(&c, ctx)
            w.byte(0x1F)
            writeBlockType(bt, &w)
            w.append(clauses)
            ctx.labels.append(lbl)
            try instrSeq(&c, &ctx, &w)
            try expectEnd(c)
            ctx.labels.removeLast()
            w.byte(0x0B)
        case "try":
            let lbl = optionalLabel(&c)
            let bt = try blockType(&c)
            w.byte(0x06)
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
                    w.byte(0x07)
                    w.u32(try index(&cc, tags, "tag"))
                    try instrSeq(&cc, &ctx, &w)
                    try expectEnd(cc)
                case "catch_all":
                    w.byte(0x19)
                    try instrSeq(&cc, &ctx, &w)
                    try expectEnd(cc)
                case "delegate":
                    ctx.labels.removeLast()
                    w.byte(0x18)
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
            w.byte(0x0B)
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

    func memArg(_ c: inout Cursor, natural: Int, _ w: inout ByteWriter) throws(TextError) {
        var mem: UInt32 = 0
        if c.peekIsIndex { mem = try index(&c, mems, "memory") }
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
        let log = UInt32(align.trailingZeroBitCount)
        if mem != 0 {
            w.u32(log | 0x40)
            w.u32(mem)
        } else {
            w.u32(log)
        }
        w.u64(offset)
    }

    func optionalIndex(_ c: inout Cursor, _ space: IndexSpace, _ kind: String) throws(TextError) -> UInt32 {
        c.peekIsIndex ? try index(&c, space, kind) : 0
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

    func plainInstr(_ name: String, _ offset: Int, _ c: inout Cursor, _ ctx: FuncContext, _ w: inout ByteWriter) throws(TextError) {
        if let op = WatModuleParser.numericOps[name] {
            if op.rawValue >= 0xFC00 {
                w.byte(0xFC)
                w.u32(UInt32(op.rawValue & 0xFF))
            } else {
                w.byte(UInt8(op.rawValue))
            }
            return
        }
        if let op = WatModuleParser.loadOps[name] {
            w.byte(op.rawValue)
            try memArg(&c, natural: op.byteWidth, &w)
            return
        }
        if let op = WatModuleParser.storeOps[name] {
            w.byte(op.rawValue)
            try memArg(&c, natural: op.byteWidth, &w)
            return
        }
        switch name {
        case "unreachable": w.byte(0x00)
        case "nop": w.byte(0x01)
        case "br": w.byte(0x0C); w.u32(try label(&c, ctx))
        case "br_if": w.byte(0x0D); w.u32(try label(&c, ctx))
        case "br_table":
            var ls: [UInt32] = []
            while c.peekIsIndex { ls.append(try label(&c, ctx)) }
            guard let last = ls.popLast() else { throw err("unexpected token", c.peekOffset) }
            w.byte(0x0E)
            w.u32(UInt32(ls.count))
            for l in ls { w.u32(l) }
            w.u32(last)
        case "return": w.byte(0x0F)
        case "call": w.byte(0x10); w.u32(try index(&c, funcs, "function"))
        case "return_call": w.byte(0x12); w.u32(try index(&c, funcs, "function"))
        case "call_indirect", "return_call_indirect":
            let table = try optionalIndex(&c, tables, "table")
            let o = c.peekOffset
            let u = try parseTypeUse(&c, allowNames: false)
            let (ti, _) = try resolveTypeUse(u, at: o)
            w.byte(name == "call_indirect" ? 0x11 : 0x13)
            w.u32(ti)
            w.u32(table)
        case "call_ref": w.byte(0x14); w.u32(try index(&c, types, "type"))
        case "return_call_ref": w.byte(0x15); w.u32(try index(&c, types, "type"))
        case "throw": w.byte(0x08); w.u32(try index(&c, tags, "tag"))
        case "throw_ref": w.byte(0x0A)
        case "rethrow": w.byte(0x09); w.u32(try label(&c, ctx))
        case "drop": w.byte(0x1A)
        case "select":
            if c.peekHead == "result" {
                var ts: [ValueType] = []
                while c.peekHead == "result", let r = c.next() {
                    for t in r.children.dropFirst() { ts.append(try valueType(t)) }
                }
                w.byte(0x1C)
                w.u32(UInt32(ts.count))
                for t in ts { writeValType(t, &w) }
            } else {
                w.byte(0x1B)
            }
        case "local.get": w.byte(0x20); w.u32(try localIndex(&c, ctx))
        case "local.set": w.byte(0x21); w.u32(try localIndex(&c, ctx))
        case "local.tee": w.byte(0x22); w.u32(try localIndex(&c, ctx))
        case "global.get": w.byte(0x23); w.u32(try index(&c, globals, "global"))
        case "global.set": w.byte(0x24); w.u32(try index(&c, globals, "global"))
        case "table.get": w.byte(0x25); w.u32(try optionalIndex(&c, tables, "table"))
        case "table.set": w.byte(0x26); w.u32(try optionalIndex(&c, tables, "table"))
        case "table.size": w.byte(0xFC); w.u32(16); w.u32(try optionalIndex(&c, tables, "table"))
        case "table.grow": w.byte(0xFC); w.u32(15); w.u32(try optionalIndex(&c, tables, "table"))
        case "table.fill": w.byte(0xFC); w.u32(17); w.u32(try optionalIndex(&c, tables, "table"))
        case "table.copy":
            var d: UInt32 = 0, s: UInt32 = 0
            if c.peekIsIndex {
                d = try index(&c, tables, "table")
                s = try index(&c, tables, "table")
            }
            w.byte(0xFC); w.u32(14); w.u32(d); w.u32(s)
        case "table.init":
            var t: UInt32 = 0
            var e: UInt32
            var probe = c
            probe.i += 1
            if c.peekIsIndex, probe.peekIsIndex {
                t = try index(&c, tables, "table")
                e = try index(&c, elems, "elem")
            } else {
                e = try index(&c, elems, "elem")
            }
            w.byte(0xFC); w.u32(12); w.u32(e); w.u32(t)
        case "elem.drop": w.byte(0xFC); w.u32(13); w.u32(try index(&c, elems, "elem"))
        case "memory.size": w.byte(0x3F); w.u32(try optionalIndex(&c, mems, "memory"))
        case "memory.grow": w.byte(0x40); w.u32(try optionalIndex(&c, mems, "memory"))
        case "memory.fill": w.byte(0xFC); w.u32(11); w.u32(try optionalIndex(&c, mems, "memory"))
        case "memory.copy":
            var d: UInt32 = 0, s: UInt32 = 0
            if c.peekIsIndex {
                d = try index(&c, mems, "memory")
                s = try index(&c, mems, "memory")
            }
            w.byte(0xFC); w.u32(10); w.u32(d); w.u32(s)
        case "memory.init":
            var m: UInt32 = 0
            var d: UInt32
            var probe = c
            probe.i += 1
            if c.peekIsIndex, probe.peekIsIndex {
                m = try index(&c, mems, "memory")
                d = try index(&c, datas, "data")
            } else {
                d = try index(&c, datas, "data")
            }
            usesDataCount = true
            w.byte(0xFC); w.u32(8); w.u32(d); w.u32(m)
        case "data.drop":
            usesDataCount = true
            w.byte(0xFC); w.u32(9); w.u32(try index(&c, datas, "data"))
        case "i32.const":
            let t = try literalToken(&c)
            w.byte(0x41)
            w.s32(Int32(bitPattern: UInt32(truncatingIfNeeded: try intLiteral(t, bits: 32))))
        case "i64.const":
            let t = try literalToken(&c)
            w.byte(0x42)
            w.s64(Int64(bitPattern: try intLiteral(t, bits: 64)))
        case "f32.const":
            let t = try literalToken(&c)
            w.byte(0x43)
            w.f32(UInt32(truncatingIfNeeded: try floatLiteral(t, bits: 32)))
        case "f64.const":
            let t = try literalToken(&c)
            w.byte(0x44)
            w.f64(try floatLiteral(t, bits: 64))
        case "ref.null":
            guard let h = c.next() else { throw err("unexpected token", c.peekOffset) }
            w.byte(0xD0)
            writeHeapType(try heapType(h), &w)
        case "ref.is_null": w.byte(0xD1)
        case "ref.func": w.byte(0xD2); w.u32(try index(&c, funcs, "function"))
        case "ref.eq": w.byte(0xD3)
        case "ref.as_non_null": w.byte(0xD4)
        case "br_on_null": w.byte(0xD5); w.u32(try label(&c, ctx))
        case "br_on_non_null": w.byte(0xD6); w.u32(try label(&c, ctx))
        default:
            if WatModuleParser.unsupportedPrefixes.contains(where: { name.hasPrefix($0) }) {
                throw err("unsupported instruction: \(name)", offset)
            }
            throw err("unknown operator", offset)
        }
    }
}
