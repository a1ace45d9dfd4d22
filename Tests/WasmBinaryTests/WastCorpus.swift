import Foundation

/// A minimal reader for the parts of `.wast` scripts the corpus test needs: s-expressions,
/// atoms and string literals (with `\hh`, `\n`, `\t`, `\\`, `\'`, `\"` and `\u{...}` escapes).
enum WastNode {
    case list([WastNode])
    case atom(String)
    case string([UInt8])

    var atom: String? { if case .atom(let a) = self { a } else { nil } }
}

struct BinaryModuleCase {
    var file: String
    var bytes: [UInt8]
    /// Set for modules inside `assert_malformed`.
    var expectedError: String?
}

enum WastCorpus {
    static let testsuite = "/work/shared/testsuite"

    static func parse(_ text: [UInt8]) -> [WastNode] {
        var i = 0
        var stack: [[WastNode]] = [[]]
        func hexVal(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ";"), i + 1 < text.count, text[i + 1] == UInt8(ascii: ";") {
                while i < text.count, text[i] != 0x0A { i += 1 }
            } else if c == UInt8(ascii: "("), i + 1 < text.count, text[i + 1] == UInt8(ascii: ";") {
                var depth = 1
                i += 2
                while i < text.count, depth > 0 {
                    if text[i] == UInt8(ascii: "("), i + 1 < text.count, text[i + 1] == UInt8(ascii: ";") { depth += 1; i += 2 }
                    else if text[i] == UInt8(ascii: ";"), i + 1 < text.count, text[i + 1] == UInt8(ascii: ")") { depth -= 1; i += 2 }
                    else { i += 1 }
                }
            } else if c == UInt8(ascii: "(") {
                stack.append([]); i += 1
            } else if c == UInt8(ascii: ")") {
                let done = stack.removeLast()
                if stack.isEmpty { return [] }
                stack[stack.count - 1].append(.list(done))
                i += 1
            } else if c == UInt8(ascii: "\"") {
                i += 1
                var out: [UInt8] = []
                while i < text.count, text[i] != UInt8(ascii: "\"") {
                    if text[i] == UInt8(ascii: "\\"), i + 1 < text.count {
                        let e = text[i + 1]
                        if let h = hexVal(e), i + 2 < text.count, let l = hexVal(text[i + 2]) {
                            out.append(h << 4 | l); i += 3
                        } else if e == UInt8(ascii: "u") {
                            var j = i + 3
                            var v: UInt32 = 0
                            while j < text.count, text[j] != UInt8(ascii: "}") {
                                if let d = hexVal(text[j]) { v = v << 4 | UInt32(d) }
                                j += 1
                            }
                            out.append(contentsOf: Array(String(Character(Unicode.Scalar(v) ?? "?")).utf8))
                            i = j + 1
                        } else {
                            switch e {
                            case UInt8(ascii: "n"): out.append(0x0A)
                            case UInt8(ascii: "t"): out.append(0x09)
                            case UInt8(ascii: "r"): out.append(0x0D)
                            default: out.append(e)
                            }
                            i += 2
                        }
                    } else {
                        out.append(text[i]); i += 1
                    }
                }
                i += 1
                stack[stack.count - 1].append(.string(out))
            } else if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D {
                i += 1
            } else {
                let s = i
                while i < text.count, ![0x20, 0x0A, 0x09, 0x0D, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\"")].contains(text[i]) { i += 1 }
                stack[stack.count - 1].append(.atom(String(decoding: text[s..<i], as: UTF8.self)))
            }
        }
        return stack.first ?? []
    }

    /// Bytes of a `(module [definition] [$id] binary "..."*)` node.
    static func binaryModule(_ items: [WastNode]) -> [UInt8]? {
        guard items.first?.atom == "module" else { return nil }
        var k = 1
        while k < items.count, let a = items[k].atom, a != "binary" { k += 1 }
        guard k < items.count, items[k].atom == "binary" else { return nil }
        var bytes: [UInt8] = []
        for item in items[(k + 1)...] { if case .string(let s) = item { bytes += s } }
        return bytes
    }

    static func collect(_ nodes: [WastNode], file: String, into out: inout [BinaryModuleCase]) {
        for node in nodes {
            guard case .list(let items) = node else { continue }
            if let bytes = binaryModule(items) {
                out.append(BinaryModuleCase(file: file, bytes: bytes, expectedError: nil))
                continue
            }
            if items.first?.atom == "assert_malformed", items.count >= 3,
               case .list(let m) = items[1], let bytes = binaryModule(m), case .string(let msg) = items[2] {
                out.append(BinaryModuleCase(file: file, bytes: bytes, expectedError: String(decoding: msg, as: UTF8.self)))
                continue
            }
            collect(items, file: file, into: &out)
        }
    }

    static func allCases() -> [BinaryModuleCase] {
        var files: [String] = []
        if let e = FileManager.default.enumerator(atPath: testsuite) {
            for case let p as String in e where p.hasSuffix(".wast") { files.append(p) }
        }
        var out: [BinaryModuleCase] = []
        for f in files.sorted() {
            guard let data = FileManager.default.contents(atPath: testsuite + "/" + f) else { continue }
            collect(parse(Array(data)), file: f, into: &out)
        }
        return out
    }
}
