import WasmCore

/// The WebAssembly text format (WAT) encoder.
public enum WAT {
    /// Parses one text module (`(module $id? ...)` or a bare sequence of module fields) and returns its binary encoding.
    public static func encode(_ text: String) throws(TextError) -> [UInt8] {
        var lexer = Lexer(text)
        let nodes = try lexer.parseAll()
        if let e = lexer.annotationErrors.first { throw e.error }
        if nodes.count == 1, nodes[0].head == "module" {
            return try encodeModule(nodes[0], map: lexer.map)
        }
        let p = WatModuleParser(map: lexer.map)
        return try p.encode(fields: nodes, endOffset: lexer.src.count)
    }

    /// Encodes an already lexed `(module $id? field*)` node (also used by the WAST parser).
    static func encodeModule(_ node: Node, map: SourceMap) throws(TextError) -> [UInt8] {
        var c = Cursor(node.children, from: 1, endOffset: node.offset)
        _ = c.optionalId()
        if let t = c.peek?.token, t.kind == .keyword, t.text == "binary" || t.text == "quote" {
            // `(module binary "...")` yields its bytes; `(module quote "...")` is parsed as text.
            c.i += 1
            var bytes: [UInt8] = []
            var parts: [String] = []
            while let n = c.next() {
                guard let s = n.token, s.kind == .string else { throw TextError("unexpected token", at: map.location(n.offset)) }
                if t.text == "binary" { bytes += s.bytes } else { parts.append(String(decoding: s.bytes, as: UTF8.self)) }
            }
            return t.text == "binary" ? bytes : try encode(parts.joined(separator: " "))
        }
        let p = WatModuleParser(map: map)
        return try p.encode(fields: Array(c.nodes[c.i...]), endOffset: node.offset)
    }
}

/// The WAST script parser.
public enum Wast {
    /// Parses a WAST script. Inline text modules are encoded now; a module that fails to encode becomes
    /// `.textError` (the script still parses). Script-level syntax errors throw.
    public static func parse(_ text: String) throws(TextError) -> WastScript {
        var lexer = Lexer(text)
        let nodes = try lexer.parseAll()
        let p = WastParser(map: lexer.map, annotationErrors: lexer.annotationErrors)
        if let h = nodes.first?.head, WastParser.moduleFieldKeywords.contains(h) {
            // A script consisting of bare module fields is one module.
            let m = WatModuleParser(map: lexer.map)
            let source: WastModuleSource
            do { source = .binary(try m.encode(fields: nodes, endOffset: lexer.src.count)) } catch { source = .textError(error) }
            return WastScript(commands: [.module(WastModule(name: nil, source: source, location: lexer.map.location(0)))])
        }
        var commands: [WastCommand] = []
        for n in nodes {
            if let cmd = try p.command(n) { commands.append(cmd) }
        }
        return WastScript(commands: commands)
    }
}

struct WastParser {
    let map: SourceMap
    /// Annotation placement errors of the whole script; each fails the inline module that contains it.
    var annotationErrors: [(offset: Int, error: TextError)] = []

    /// The offset just past the last atom of a node.
    static func endOffset(_ n: Node) -> Int {
        switch n {
        case .atom(let t): return t.offset + 1
        case .list(let children, let offset): return children.map(endOffset).max() ?? offset + 1
        }
    }
    static let moduleFieldKeywords: Set<String> = [
        "type", "rec", "func", "table", "memory", "global", "tag", "import", "export", "start", "elem", "data", "@custom",
    ]

    func err(_ msg: String, _ offset: Int) -> TextError { TextError(msg, at: map.location(offset)) }
    func loc(_ n: Node) -> TextLocation { map.location(n.offset) }

    func command(_ n: Node) throws(TextError) -> WastCommand? {
        guard let h = n.head else { throw err("unexpected token", n.offset) }
        var c = Cursor(n.children, from: 1, endOffset: n.offset)
        let l = loc(n)
        switch h {
        case "module":
            if c.peek?.keyword == "instance" {
                c.i += 1
                let i = c.optionalId().map { "$" + $0 }
                let d = c.optionalId().map { "$" + $0 }
                try expectEnd(c)
                return .moduleInstance(instance: i, definition: d, location: l)
            }
            return .module(try module(n))
        case "register":
            let name = try string(&c)
            let m = c.optionalId().map { "$" + $0 }
            try expectEnd(c)
            return .register(name: String(decoding: name, as: UTF8.self), module: m, location: l)
        case "invoke", "get":
            return .action(try action(n), location: l)
        case "assert_return":
            let a = try action(try next(&c))
            var results: [WastExpected] = []
            while let r = c.next() { results.append(try expected(r)) }
            return .assertReturn(a, results, location: l)
        case "assert_trap":
            let target = try next(&c)
            let msg = try message(&c)
            if target.head == "module" { return .assertModuleTrap(try module(target), message: msg, location: l) }
            return .assertTrap(try action(target), message: msg, location: l)
        case "assert_exhaustion":
            let a = try action(try next(&c))
            return .assertExhaustion(a, message: try message(&c), location: l)
        case "assert_exception":
            let a = try action(try next(&c))
            try expectEnd(c)
            return .assertException(a, location: l)
        case "assert_malformed", "assert_invalid", "assert_unlinkable", "assert_uninstantiable":
            let m = try module(try next(&c))
            let msg = try message(&c)
            switch h {
            case "assert_malformed": return .assertMalformed(m, message: msg, location: l)
            case "assert_invalid": return .assertInvalid(m, message: msg, location: l)
            case "assert_unlinkable": return .assertUnlinkable(m, message: msg, location: l)
            default: return .assertUninstantiable(m, message: msg, location: l)
            }
        case "assert_malformed_custom", "assert_invalid_custom":
            let m = try module(try next(&c))
            let msg = try message(&c)
            return h == "assert_malformed_custom" ? .assertMalformedCustom(m, message: msg, location: l)
                : .assertInvalidCustom(m, message: msg, location: l)
        default:
            throw err("unknown command \(h)", n.offset)
        }
    }

    func next(_ c: inout Cursor) throws(TextError) -> Node {
        guard let n = c.next() else { throw err("unexpected token", c.endOffset) }
        return n
    }

    func expectEnd(_ c: Cursor) throws(TextError) {
        if let n = c.peek { throw err("unexpected token", n.offset) }
    }

    func string(_ c: inout Cursor) throws(TextError) -> [UInt8] {
        guard let t = c.next()?.token, t.kind == .string else { throw err("unexpected token", c.peekOffset) }
        return t.bytes
    }

    func message(_ c: inout Cursor) throws(TextError) -> String {
        let s = try string(&c)
        try expectEnd(c)
        return String(decoding: s, as: UTF8.self)
    }

    func module(_ n: Node) throws(TextError) -> WastModule {
        guard n.head == "module" else { throw err("unexpected token", n.offset) }
        var c = Cursor(n.children, from: 1, endOffset: n.offset)
        var isDefinition = false
        if c.peek?.keyword == "definition" { isDefinition = true; c.i += 1 }
        let name = c.optionalId().map { "$" + $0 }
        let l = loc(n)
        if let k = c.peek?.keyword, k == "binary" || k == "quote" {
            c.i += 1
            var bytes: [UInt8] = []
            var parts: [String] = []
            while let t = c.next()?.token {
                guard t.kind == .string else { throw err("unexpected token", t.offset) }
                if k == "binary" { bytes += t.bytes } else { parts.append(String(decoding: t.bytes, as: UTF8.self)) }
            }
            if let p = c.peek { throw err("unexpected token", p.offset) }
            let source: WastModuleSource = k == "binary" ? .binary(bytes) : .quote(parts.joined(separator: " "))
            return WastModule(name: name, source: source, isDefinition: isDefinition, location: l)
        }
        let source: WastModuleSource
        let end = Self.endOffset(n)
        if let e = annotationErrors.first(where: { $0.offset >= n.offset && $0.offset < end }) {
            source = .textError(e.error)
        } else {
            do {
                let p = WatModuleParser(map: map)
                source = .binary(try p.encode(fields: Array(c.nodes[c.i...]), endOffset: n.offset))
            } catch {
                source = .textError(error)
            }
        }
        return WastModule(name: name, source: source, isDefinition: isDefinition, location: l)
    }

    func action(_ n: Node) throws(TextError) -> WastAction {
        var c = Cursor(n.children, from: 1, endOffset: n.offset)
        switch n.head {
        case "invoke":
            let m = c.optionalId().map { "$" + $0 }
            let name = try string(&c)
            var args: [WastValue] = []
            while let a = c.next() { args.append(try value(a)) }
            return .invoke(module: m, name: String(decoding: name, as: UTF8.self), arguments: args)
        case "get":
            let m = c.optionalId().map { "$" + $0 }
            let name = try string(&c)
            try expectEnd(c)
            return .get(module: m, name: String(decoding: name, as: UTF8.self))
        default:
            throw err("unexpected token", n.offset)
        }
    }

    func int(_ t: Token, bits: Int) throws(TextError) -> UInt64 {
        switch Literals.int(t.text, bits: bits) {
        case .ok(let v): return v
        case .malformed: throw err("unexpected token", t.offset)
        case .outOfRange: throw err("constant out of range", t.offset)
        }
    }

    func float(_ t: Token, bits: Int) throws(TextError) -> UInt64 {
        switch Literals.float(t.text, bits: bits) {
        case .ok(let v): return v
        case .malformed: throw err("unexpected token", t.offset)
        case .outOfRange: throw err("constant out of range", t.offset)
        }
    }

    func atom(_ c: inout Cursor) throws(TextError) -> Token {
        guard let t = c.next()?.token, t.kind == .keyword else { throw err("unexpected token", c.peekOffset) }
        return t
    }

    func u32(_ c: inout Cursor) throws(TextError) -> UInt32 {
        let t = try atom(&c)
        guard let v = Literals.u32(t.text) else { throw err("unexpected token", t.offset) }
        return v
    }

    func heapType(_ c: inout Cursor) throws(TextError) -> HeapType {
        let t = try atom(&c)
        guard let a = WatModuleParser.abstractNames[t.text] else { throw err("unknown type", t.offset) }
        return .abstract(a)
    }

    /// A concrete argument value.
    func value(_ n: Node) throws(TextError) -> WastValue {
        var c = Cursor(n.children, from: 1, endOffset: n.offset)
        let v: WastValue
        switch n.head {
        case "i32.const": v = .i32(UInt32(truncatingIfNeeded: try int(try atom(&c), bits: 32)))
        case "i64.const": v = .i64(try int(try atom(&c), bits: 64))
        case "f32.const": v = .f32(UInt32(truncatingIfNeeded: try float(try atom(&c), bits: 32)))
        case "f64.const": v = .f64(try float(try atom(&c), bits: 64))
        case "v128.const":
            let (shape, lanes) = try v128Lanes(&c)
            var bytes: [UInt8] = []
            let width = 16 / lanes.count
            for l in lanes {
                guard case .bits(let b) = l else { throw err("unexpected token", n.offset) }
                for k in 0..<width { bytes.append(UInt8((b >> UInt64(8 * k)) & 0xFF)) }
            }
            _ = shape
            v = .v128(bytes)
        case "ref.null": v = .refNull(try heapType(&c))
        case "ref.extern": v = .refExtern(try u32(&c))
        case "ref.host": v = .refHost(try u32(&c))
        default: throw err("unknown operator", n.offset)
        }
        try expectEnd(c)
        return v
    }

    /// Parses `shape lane*` of a `v128.const`.
    func v128Lanes(_ c: inout Cursor) throws(TextError) -> (String, [WastLanePattern]) {
        let shapeTok = try atom(&c)
        let (count, bits, isFloat): (Int, Int, Bool)
        switch shapeTok.text {
        case "i8x16": (count, bits, isFloat) = (16, 8, false)
        case "i16x8": (count, bits, isFloat) = (8, 16, false)
        case "i32x4": (count, bits, isFloat) = (4, 32, false)
        case "i64x2": (count, bits, isFloat) = (2, 64, false)
        case "f32x4": (count, bits, isFloat) = (4, 32, true)
        case "f64x2": (count, bits, isFloat) = (2, 64, true)
        default: throw err("unexpected token", shapeTok.offset)
        }
        var lanes: [WastLanePattern] = []
        for _ in 0..<count {
            let t = try atom(&c)
            if isFloat {
                if t.text == "nan:canonical" { lanes.append(.nan(.canonical)); continue }
                if t.text == "nan:arithmetic" { lanes.append(.nan(.arithmetic)); continue }
                lanes.append(.bits(try float(t, bits: bits)))
            } else {
                lanes.append(.bits(try int(t, bits: bits)))
            }
        }
        try expectEnd(c)
        return (String(shapeTok.text.prefix(while: { $0 != "x" })), lanes)
    }

    /// An expected result pattern.
    func expected(_ n: Node) throws(TextError) -> WastExpected {
        var c = Cursor(n.children, from: 1, endOffset: n.offset)
        switch n.head {
        case "f32.const", "f64.const":
            if let t = c.peek?.token, t.kind == .keyword, t.text == "nan:canonical" || t.text == "nan:arithmetic" {
                c.i += 1
                try expectEnd(c)
                let k: NaNKind = t.text == "nan:canonical" ? .canonical : .arithmetic
                return n.head == "f32.const" ? .f32NaN(k) : .f64NaN(k)
            }
            return .value(try value(n))
        case "v128.const":
            let (shape, lanes) = try v128Lanes(&c)
            if lanes.contains(where: { if case .nan = $0 { true } else { false } }) {
                return .v128(shape: shape, lanes: lanes)
            }
            return .value(try value(n))
        case "ref.null":
            if c.atEnd { return .anyNull }
            return .value(try value(n))
        case "ref.extern":
            if c.atEnd { return .anyExtern }
            return .value(try value(n))
        case "ref.func":
            return .anyFunc
        case "ref.struct", "ref.array", "ref.i31", "ref.eq", "ref.any", "ref.exn":
            try expectEnd(c)
            let name = String((n.head ?? "").dropFirst(4))
            guard let a = WatModuleParser.abstractNames[name] else { throw err("unexpected token", n.offset) }
            return .anyRef(a)
        case "either":
            var alts: [WastExpected] = []
            while let a = c.next() { alts.append(try expected(a)) }
            return .either(alts)
        default:
            return .value(try value(n))
        }
    }
}
