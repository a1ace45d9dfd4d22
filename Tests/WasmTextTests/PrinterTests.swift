import Foundation
import Testing
import WasmBinary
import WasmCore
@testable import WasmText

/// A module reduced to what the printer must preserve: no byte offsets, custom sections, names or data count;
/// bodies as decoded instructions with locals expanded one per entry.
struct NormalizedModule: Equatable {
    var module: Module
    var bodies: [[ValueType]: [[Instruction]]] = [:]
    var code: [([ValueType], [Instruction])] = []

    static func == (a: NormalizedModule, b: NormalizedModule) -> Bool {
        a.module == b.module && a.code.count == b.code.count
            && zip(a.code, b.code).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    init(_ m: Module) throws {
        var m = m
        for (k, body) in m.bodies.enumerated() {
            var reader = InstructionReader(body: body)
            var instructions: [Instruction] = []
            while !reader.isAtEnd { instructions.append(try reader.read()) }
            code.append((body.locals.flatMap { Array(repeating: $0.type, count: Int($0.count)) }, instructions))
            m.bodies[k] = FunctionBody(locals: [], code: [], codeOffset: 0)
        }
        func strip(_ e: ConstantExpression) -> ConstantExpression { ConstantExpression(e.instructions, offset: 0) }
        m.globals = m.globals.map { GlobalDefinition(type: $0.type, initializer: strip($0.initializer)) }
        m.tables = m.tables.map { TableDefinition(type: $0.type, initializer: $0.initializer.map(strip)) }
        m.elements = m.elements.map { e in
            var e = e
            e.items = e.items.map(strip)
            if case .active(let t, let o) = e.mode { e.mode = .active(tableIndex: t, offset: strip(o)) }
            return e
        }
        m.data = m.data.map { d in
            var d = d
            if case .active(let i, let o) = d.mode { d.mode = .active(memoryIndex: i, offset: strip(o)) }
            return d
        }
        m.customSections = []
        m.names = nil
        m.dataCount = nil
        module = m
    }
}

@Suite struct PrinterTests {
    func roundTrip(_ wat: String) throws -> (String, Module) {
        let original = try ModuleDecoder.decode(try WAT.encode(wat))
        let text = WATPrinter.print(original)
        let again = try ModuleDecoder.decode(try WAT.encode(text))
        #expect(try NormalizedModule(original) == NormalizedModule(again), "\(text)")
        return (text, again)
    }

    @Test func printsAndRoundTripsASmallModule() throws {
        let (text, again) = try roundTrip("""
        (module $m
          (type $t (func (param i32) (result i32)))
          (import "env" "f" (func $imported (type $t)))
          (memory 1 2)
          (table 2 funcref)
          (global $g (mut i64) (i64.const -5))
          (func $fac (export "fac") (param i64) (result i64) (local f32 f64)
            (if (result i64) (i64.eqz (local.get 0))
              (then (i64.const 1))
              (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
          (func (result f32) (f32.const nan:0x123) drop (f32.const -0x1.8p-3) drop (f32.const 0x1p-149))
          (func (result f64) (f64.const -inf) drop (f64.const 0x1.fffffffffffffp+1023))
          (elem (i32.const 0) $fac 1)
          (data (i32.const 8) "hi\\00\\ff\\"")
          (func $loads (param i32) (result i32)
            (i32.load offset=4 align=1 (local.get 0))
            (block (result i32) (br_table 0 0 (i32.const 1) (i32.const 0)))
            i32.add))
        """)
        #expect(text.contains("(func $fac (;1;) (type"))
        #expect(text.contains("i32.load offset=4 align=1"))
        #expect(again.names?.functionNames[1] == "fac")
    }

    @Test func exactFloatLiterals() {
        #expect(Printer.float(UInt64(Float(1.5).bitPattern), exponentBits: 8, fractionBits: 23) == "0x1.8p+0")
        #expect(Printer.float(UInt64(Float(-0.0).bitPattern), exponentBits: 8, fractionBits: 23) == "-0x0p+0")
        #expect(Printer.float(Double(0.1).bitPattern, exponentBits: 11, fractionBits: 52) == "0x1.999999999999ap-4")
        #expect(Printer.float(0x7FF8_0000_0000_0001, exponentBits: 11, fractionBits: 52) == "nan:0x8000000000001")
    }

    /// Every module of the testsuite that decodes (GC ones do not yet) prints to text that encodes
    /// and decodes back to an equal module.
    @Test func roundTripsTheTestsuite() throws {
        guard let root = testsuiteDirectory() else { return }
        var checked = 0
        var problems: [String] = []
        for path in wastFiles(root) {
            let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            if isExpectedTextErrorFile(base) { continue }
            guard let data = FileManager.default.contents(atPath: path),
                  let script = try? Wast.parse(String(decoding: data, as: UTF8.self)) else { continue }
            for cmd in script.commands {
                guard case .module(let m) = cmd, case .binary(let bytes) = m.source,
                      let original = try? ModuleDecoder.decode(bytes),
                      let normalized = try? NormalizedModule(original) else { continue }
                let text = WATPrinter.print(original)
                do {
                    let again = try ModuleDecoder.decode(try WAT.encode(text))
                    if try NormalizedModule(again) != normalized {
                        problems.append("\(base):\(m.location): printed module differs")
                    }
                } catch {
                    problems.append("\(base):\(m.location): \(error)")
                }
                checked += 1
            }
        }
        for p in problems.prefix(30) { print(p) }
        print("printer round trip: \(checked) modules, \(problems.count) problems")
        #expect(checked > 500)
        #expect(problems.isEmpty)
    }
}
