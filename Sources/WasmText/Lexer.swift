import WasmCore

/// A lexical token of the text format.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        /// An identifier-character token that does not start with `$` (keywords, numbers).
        case keyword
        /// `$name` or `$"name"`; `text` is the name without the `$`.
        case id
        /// A string literal; `bytes` holds its contents.
        case string
        /// Anything else (not valid where a token is expected).
        case reserved
    }
    var kind: Kind
    var text: String
    var bytes: [UInt8]
    var offset: Int
}

/// An s-expression node: an atom or a parenthesised list.
indirect enum Node: Sendable {
    case atom(Token)
    case list([Node], offset: Int)

    var offset: Int {
        switch self {
        case .atom(let t): t.offset
        case .list(_, let o): o
        }
    }
    /// For a list, the keyword at its head.
    var head: String? {
        if case .list(let c, _) = self, let f = c.first, case .atom(let t) = f, t.kind == .keyword { return t.text }
        return nil
    }
    var children: [Node] {
        if case .list(let c, _) = self { return c }
        return []
    }
    var isList: Bool {
        if case .list = self { return true }
        return false
    }
    var token: Token? {
        if case .atom(let t) = self { return t }
        return nil
    }
    var keyword: String? {
        if case .atom(let t) = self, t.kind == .keyword { return t.text }
        return nil
    }
}

/// Maps byte offsets to line:column positions.
struct SourceMap: Sendable {
    var lineStarts: [Int]
    init(_ bytes: [UInt8]) {
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }
    func location(_ offset: Int) -> TextLocation {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return TextLocation(line: lo + 1, column: offset - lineStarts[lo] + 1)
    }
}

/// Validates UTF-8; returns false when malformed.
func isValidUTF8(_ bytes: [UInt8]) -> Bool {
    var i = 0
    let n = bytes.count
    while i < n {
        let b = bytes[i]
        if b < 0x80 { i += 1; continue }
        var need = 0
        var minValue: UInt32 = 0
        var value: UInt32 = 0
        if b & 0xE0 == 0xC0 { need = 1; minValue = 0x80; value = UInt32(b & 0x1F) }
        else if b & 0xF0 == 0xE0 { need = 2; minValue = 0x800; value = UInt32(b & 0x0F) }
        else if b & 0xF8 == 0xF0 { need = 3; minValue = 0x10000; value = UInt32(b & 0x07) }
        else { return false }
        if i + need >= n { return false }
        for k in 1...need {
            let c = bytes[i + k]
            if c & 0xC0 != 0x80 { return false }
            value = (value << 6) | UInt32(c & 0x3F)
        }
        if value < minValue || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) { return false }
        i += need + 1
    }
    return true
}

/// Length of the UTF-8 sequence at `i` if valid, else nil.
private func utf8SequenceLength(_ bytes: [UInt8], _ i: Int) -> Int? {
    let b = bytes[i]
    let need: Int
    if b & 0xE0 == 0xC0 { need = 1 } else if b & 0xF0 == 0xE0 { need = 2 } else if b & 0xF8 == 0xF0 { need = 3 } else { return nil }
    guard i + need < bytes.count else { return nil }
    return isValidUTF8(Array(bytes[i...(i + need)])) ? need + 1 : nil
}

/// Turns source text into a list of top-level s-expression nodes.
struct Lexer {
    let src: [UInt8]
    let map: SourceMap
    var i = 0

    /// Maximum parenthesis nesting (keeps the recursive parser's stack use bounded).
    static let maxDepth = 1000

    init(_ text: String) {
        src = Array(text.utf8)
        map = SourceMap(src)
    }

    func error(_ msg: String, _ offset: Int) -> TextError {
        TextError(msg, at: map.location(offset))
    }

    static func isIdChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-./:<=>?@\\^_`|~".utf8.contains(c)
        }
    }

    /// Misplaced `@name`/branch-hint annotations found by `parseAll`. They are reported per module (a WAST
    /// script with one bad inline module still parses), so they are collected rather than thrown.
    var annotationErrors: [(offset: Int, error: TextError)] = []

    /// Parses the whole input into nodes. Non-custom annotations are dropped.
    mutating func parseAll() throws(TextError) -> [Node] {
        // Frames: (children, offset, annotation id or nil, dropped?)
        var stack: [(nodes: [Node], offset: Int, annot: String?)] = [([], 0, nil)]
        // Placement-checked annotations (@name, @metadata.code.branch_hint) per open frame: (id, child index, offset).
        var marks: [[(id: String, index: Int, offset: Int)]] = [[]]
        var dropDepth = 0  // number of enclosing dropped annotations
        while true {
            try skipSpace()
            guard i < src.count else { break }
            let c = src[i]
            if c == UInt8(ascii: "(") {
                let start = i
                i += 1
                if i < src.count, src[i] == UInt8(ascii: "@") {
                    i += 1
                    // annotation id
                    var id = ""
                    if i < src.count, src[i] == UInt8(ascii: "\"") {
                        let bytes = try readString()
                        guard isValidUTF8(bytes) else { throw error("malformed UTF-8 encoding", start) }
                        id = String(decoding: bytes, as: UTF8.self)
                    } else {
                        let s = i
                        while i < src.count, Lexer.isIdChar(src[i]) { i += 1 }
                        id = String(decoding: src[s..<i], as: UTF8.self)
                    }
                    if id.isEmpty {
                        if dropDepth == 0 { throw error("empty annotation id", start) }
                        stack.append(([], start, "drop"))
                        marks.append([])
                        dropDepth += 1
                        continue
                    }
                    let keep = id == "custom" && dropDepth == 0
                    if dropDepth == 0, id == "name" || id == "metadata.code.branch_hint" {
                        if id == "metadata.code.branch_hint", !stack.contains(where: { Lexer.head($0.nodes) == "func" }) {
                            annotationErrors.append((start, error("@metadata.code.branch_hint annotation: not in a function", start)))
                        }
                        marks[marks.count - 1].append((id, stack[stack.count - 1].nodes.count, start))
                    }
                    if !keep { dropDepth += 1 }
                    stack.append((keep ? [.atom(Token(kind: .keyword, text: "@custom", bytes: [], offset: start))] : [], start, keep ? "custom" : "drop"))
                    marks.append([])
                } else {
                    stack.append(([], start, nil))
                    marks.append([])
                }
                if stack.count > Lexer.maxDepth { throw error("nesting too deep", start) }
            } else if c == UInt8(ascii: ")") {
                guard stack.count > 1, let top = stack.popLast(), let topMarks = marks.popLast() else { throw error("unexpected token", i) }
                i += 1
                if top.annot == nil {
                    do { try checkAnnotationPlacement(topMarks, in: top.nodes) } catch { annotationErrors.append((top.offset, error)) }
                }
                if top.annot == "drop" { dropDepth -= 1; continue }
                if dropDepth > 0 { continue }
                stack[stack.count - 1].nodes.append(.list(top.nodes, offset: top.offset))
            } else {
                let tok = try readToken()
                if dropDepth == 0, tok.kind == .reserved, tok.text.hasPrefix("$"), !tok.text.dropFirst().contains(where: { $0 == "\"" }) {
                    throw error(tok.text == "$" ? "empty identifier" : "unexpected token", tok.offset)
                }
                if dropDepth == 0 { stack[stack.count - 1].nodes.append(.atom(tok)) }
            }
        }
        if stack.count > 1, let top = stack.last {
            throw error(top.annot != nil ? "unclosed annotation" : "unexpected end", top.offset)
        }
        return stack[0].nodes
    }

    /// The keyword at the head of a list's children, if any.
    static func head(_ nodes: [Node]) -> String? {
        if case .atom(let t)? = nodes.first, t.kind == .keyword { return t.text }
        return nil
    }

    /// Checks where `@name` and `@metadata.code.branch_hint` annotations stand in a closed list.
    /// `@name` must directly follow the list's keyword (and its `$id`); a branch hint must directly precede
    /// an `if` or `br_if`.
    func checkAnnotationPlacement(_ marks: [(id: String, index: Int, offset: Int)], in nodes: [Node]) throws(TextError) {
        guard !marks.isEmpty else { return }
        let head = Lexer.head(nodes)
        var names = 0
        for (k, m) in marks.enumerated() {
            if m.id == "name" {
                names += 1
                if names > 1 { throw error(head == "module" ? "@name annotation: multiple module" : "@name annotation: multiple names", m.offset) }
                var expected = 1
                if nodes.count > 1, case .atom(let t) = nodes[1], t.kind == .id { expected = 2 }
                let allowed: Set<String> = ["module", "func", "param", "local", "type", "table", "memory", "global", "tag",
                                            "elem", "data", "field", "import"]
                guard let head, allowed.contains(head), m.index == expected || m.index == 1 else {
                    throw error("misplaced @name annotation", m.offset)
                }
            } else {
                if k + 1 < marks.count, marks[k + 1].id == m.id, marks[k + 1].index == m.index {
                    throw error("@metadata.code.branch_hint annotation: duplicate annotation", marks[k + 1].offset)
                }
                var target: String?
                if m.index < nodes.count {
                    switch nodes[m.index] {
                    case .atom(let t): target = t.text
                    case .list(let children, _): target = Lexer.head(children)
                    }
                }
                guard target == "if" || target == "br_if" else {
                    throw error("@metadata.code.branch_hint annotation: invalid target", m.offset)
                }
            }
        }
    }

    mutating func skipSpace() throws(TextError) {
        while i < src.count {
            let c = src[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
            if c == UInt8(ascii: ";"), i + 1 < src.count, src[i + 1] == UInt8(ascii: ";") {
                while i < src.count, src[i] != 0x0A, src[i] != 0x0D { i += 1 }
                continue
            }
            if c == UInt8(ascii: "("), i + 1 < src.count, src[i + 1] == UInt8(ascii: ";") {
                let start = i
                var depth = 1
                i += 2
                while depth > 0 {
                    guard i < src.count else { throw error("unclosed comment", start) }
                    if src[i] == UInt8(ascii: "("), i + 1 < src.count, src[i + 1] == UInt8(ascii: ";") { depth += 1; i += 2 }
                    else if src[i] == UInt8(ascii: ";"), i + 1 < src.count, src[i + 1] == UInt8(ascii: ")") { depth -= 1; i += 2 }
                    else { i += 1 }
                }
                continue
            }
            return
        }
    }

    /// Reads a string literal starting at `"`; returns its bytes.
    mutating func readString() throws(TextError) -> [UInt8] {
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < src.count else { throw error("unclosed string", start) }
            let c = src[i]
            if c == UInt8(ascii: "\"") { i += 1; return out }
            if c == 0x0A { throw error("unclosed string", start) }
            if c < 0x20 || c == 0x7F { throw error("illegal character", i) }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < src.count else { throw error("unclosed string", start) }
                let e = src[i + 1]
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A); i += 2
                case UInt8(ascii: "t"): out.append(0x09); i += 2
                case UInt8(ascii: "r"): out.append(0x0D); i += 2
                case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): out.append(e); i += 2
                case UInt8(ascii: "u"):
                    guard i + 2 < src.count, src[i + 2] == UInt8(ascii: "{") else { throw error("illegal escape", i) }
                    var j = i + 3
                    var v: UInt32 = 0
                    var digits = 0
                    var lastUnderscore = false
                    while j < src.count, src[j] != UInt8(ascii: "}") {
                        if src[j] == UInt8(ascii: "_"), digits > 0, !lastUnderscore { lastUnderscore = true; j += 1; continue }
                        guard let d = hexDigit(src[j]) else { throw error("illegal escape", i) }
                        lastUnderscore = false
                        v = v &* 16 &+ UInt32(d)
                        digits += 1
                        if v > 0x10FFFF { throw error("illegal escape", i) }
                        j += 1
                    }
                    guard j < src.count, digits > 0, !lastUnderscore, let scalar = Unicode.Scalar(v) else { throw error("illegal escape", i) }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i = j + 1
                default:
                    guard i + 2 < src.count, let h = hexDigit(e), let l = hexDigit(src[i + 2]) else { throw error("illegal escape", i) }
                    out.append(h << 4 | l)
                    i += 3
                }
                continue
            }
            if c >= 0x80 {
                guard let n = utf8SequenceLength(src, i) else { throw error("malformed UTF-8 encoding", i) }
                out.append(contentsOf: src[i..<(i + n)])
                i += n
                continue
            }
            out.append(c)
            i += 1
        }
    }

    /// Reads an atom token (anything up to whitespace, a parenthesis or a comment start).
    mutating func readToken() throws(TextError) -> Token {
        let start = i
        var onlyIdChars = true
        var strings = 0
        var stringBytes: [UInt8] = []
        var parts = 0
        while i < src.count {
            let c = src[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "(") || c == UInt8(ascii: ")") { break }
            if c == UInt8(ascii: ";"), i > start { break }
            if c == UInt8(ascii: "\"") {
                stringBytes = try readString()
                strings += 1
                parts += 1
                continue
            }
            if c < 0x20 || c == 0x7F { throw error("illegal character", i) }
            if c >= 0x80 {
                if utf8SequenceLength(src, i) == nil { throw error("malformed UTF-8 encoding", i) }
                throw error("illegal character", i)
            }
            if !Lexer.isIdChar(c) { onlyIdChars = false }
            parts += 1
            i += 1
        }
        let text = String(decoding: src[start..<i], as: UTF8.self)
        if strings == 1, parts == 1 {
            return Token(kind: .string, text: text, bytes: stringBytes, offset: start)
        }
        if strings == 1, parts == 2, src[start] == UInt8(ascii: "$") {
            guard isValidUTF8(stringBytes) else { throw error("malformed UTF-8 encoding", start) }
            if stringBytes.isEmpty { throw error("empty identifier", start) }
            return Token(kind: .id, text: String(decoding: stringBytes, as: UTF8.self), bytes: [], offset: start)
        }
        if strings == 0, onlyIdChars {
            if src[start] == UInt8(ascii: "$") {
                if i - start == 1 { return Token(kind: .reserved, text: text, bytes: [], offset: start) }
                return Token(kind: .id, text: String(text.dropFirst()), bytes: [], offset: start)
            }
            return Token(kind: .keyword, text: text, bytes: [], offset: start)
        }
        return Token(kind: .reserved, text: text, bytes: [], offset: start)
    }
}

func hexDigit(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
}
