import Testing
@testable import WasmText
import WasmCore

private let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

private func wat(_ s: String) throws(TextError) -> [UInt8] { try WAT.encode(s) }

private func f32Bits(_ s: String) -> UInt32? {
    if case .ok(let v) = Literals.float(s, bits: 32) { return UInt32(v) }
    return nil
}
private func f64Bits(_ s: String) -> UInt64? {
    if case .ok(let v) = Literals.float(s, bits: 64) { return v }
    return nil
}

/// Splits a binary module into (section id, payload) pairs.
private func sections(_ b: [UInt8]) -> [(UInt8, [UInt8])] {
    var out: [(UInt8, [UInt8])] = []
    var i = 8
    while i < b.count {
        let id = b[i]; i += 1
        var n = 0, shift = 0
        while true {
            let x = b[i]; i += 1
            n |= Int(x & 0x7F) << shift
            shift += 7
            if x < 0x80 { break }
        }
        out.append((id, Array(b[i..<(i + n)])))
        i += n
    }
    return out
}

@Suite struct LiteralTests {
    @Test func integers() {
        func i32(_ s: String) -> UInt64? { if case .ok(let v) = Literals.int(s, bits: 32) { v } else { nil } }
        func i64(_ s: String) -> UInt64? { if case .ok(let v) = Literals.int(s, bits: 64) { v } else { nil } }
        #expect(i32("0") == 0)
        #expect(i32("1_000") == 1000)
        #expect(i32("0xFFFF_FFFF") == 0xFFFF_FFFF)
        #expect(i32("-1") == 0xFFFF_FFFF)
        #expect(i32("-0x8000_0000") == 0x8000_0000)
        #expect(i32("+0x7fffffff") == 0x7FFF_FFFF)
        #expect(i32("4294967296") == nil)
        #expect(i32("-2147483649") == nil)
        #expect(i32("+2147483648") == nil)
        #expect(i32("1__0") == nil)
        #expect(i32("_1") == nil)
        #expect(i32("1_") == nil)
        #expect(i32("0x") == nil)
        #expect(i64("18446744073709551615") == UInt64.max)
        #expect(i64("18446744073709551616") == nil)
        #expect(i64("-9223372036854775808") == 0x8000_0000_0000_0000)
        #expect(i64("-9223372036854775809") == nil)
    }

    @Test func floats() {
        #expect(f32Bits("0") == 0)
        #expect(f32Bits("-0") == 0x8000_0000)
        #expect(f32Bits("1.5") == 0x3FC0_0000)
        #expect(f32Bits("0x1.8p1") == 0x4040_0000)
        #expect(f32Bits("0x1p-149") == 1)
        #expect(f32Bits("0x1p-150") == 0)  // ties to even
        #expect(f32Bits("0x1.000002p-149") == 1)
        #expect(f32Bits("0x1.fffffep127") == 0x7F7F_FFFF)
        #expect(f32Bits("0x1.ffffffp127") == nil)  // rounds to infinity: out of range
        #expect(f32Bits("1e39") == nil)
        #expect(f32Bits("inf") == 0x7F80_0000)
        #expect(f32Bits("-inf") == 0xFF80_0000)
        #expect(f32Bits("nan") == 0x7FC0_0000)
        #expect(f32Bits("-nan:0x1") == 0xFF80_0001)
        #expect(f32Bits("nan:0x80_0000") == nil)
        #expect(f32Bits("nan:0x0") == nil)
        #expect(f32Bits("1.") == 0x3F80_0000)
        #expect(f32Bits("1_0.5e1") == f32Bits("105"))
        #expect(f32Bits(".5") == nil)
        #expect(f32Bits("1e") == nil)
        #expect(f32Bits("0x1.p0") == 0x3F80_0000)
        // Correct single rounding (not via double): 1 + 2^-24 + 2^-60 rounds up in f32.
        #expect(f32Bits("0x1.000001000000001p0") == 0x3F80_0001)
        #expect(f32Bits("1.00000005960464477539062500001") == 0x3F80_0001)
        #expect(f64Bits("0x1p-1074") == 1)
        #expect(f64Bits("1.7976931348623157e308") == 0x7FEF_FFFF_FFFF_FFFF)
        #expect(f64Bits("1.8e308") == nil)
        #expect(f64Bits("nan:0xf_ffff_ffff_ffff") == 0x7FFF_FFFF_FFFF_FFFF)
        #expect(f64Bits("0x1.fffffffffffff8p1023") == nil)
    }
}

@Suite struct LexerTests {
    @Test func stringEscapes() throws {
        var lx = Lexer(#"(data "a\n\t\\\'\"\00\ff\u{41}\u{1F600}")"#)
        let nodes = try lx.parseAll()
        let s = try #require(nodes.first?.children.last?.token)
        #expect(s.kind == .string)
        #expect(s.bytes == [0x61, 0x0A, 0x09, 0x5C, 0x27, 0x22, 0x00, 0xFF, 0x41, 0xF0, 0x9F, 0x98, 0x80])
    }

    @Test func commentsAndAnnotations() throws {
        var lx = Lexer("(a ;; line\n (; block (; nested ;) ;) b (@x (y) \"z\") c)")
        let nodes = try lx.parseAll()
        #expect(nodes.count == 1)
        #expect(nodes[0].children.compactMap(\.keyword) == ["a", "b", "c"])
    }

    @Test func lexicalErrors() {
        #expect(throws: TextError.self) { _ = try wat("(module \"unterminated)") }
        #expect(throws: TextError.self) { _ = try wat("(module") }
        #expect(throws: TextError.self) { _ = try wat("(module))") }
        #expect(throws: TextError.self) { _ = try wat("(module (; unclosed") }
        #expect(throws: TextError.self) { _ = try wat("(module (@))") }
        #expect(throws: TextError.self) { _ = try wat(#"(module (import "\ff" "x" (func)))"#) }
        #expect(throws: TextError.self) { _ = try wat("(module (func $))") }
    }

    @Test func errorLocation() {
        do {
            _ = try wat("(module\n  (func (i32.foo)))")
            Issue.record("expected an error")
        } catch {
            #expect(error.location == TextLocation(line: 2, column: 9))
            #expect(error.message == "unknown operator")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(block ", count: 5000) + String(repeating: ")", count: 5000)
        #expect(throws: TextError.self) { _ = try wat("(module (func \(deep)))") }
        let flat = String(repeating: "block ", count: 5000) + String(repeating: "end ", count: 5000)
        #expect(throws: TextError.self) { _ = try wat("(module (func \(flat)))") }
        let ok = String(repeating: "(block ", count: 500) + String(repeating: ")", count: 500)
        #expect((try? wat("(module (func \(ok)))")) != nil)
    }
}

@Suite struct EncoderTests {
    @Test func emptyModule() throws {
        #expect(try wat("(module)") == header)
        #expect(try wat("") == header)
        #expect(try wat("(module $m)") == header)
    }

    @Test func simpleFunction() throws {
        let b = try wat("(module (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))")
        #expect(b == header + [
            0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,
            0x03, 0x02, 0x01, 0x00,
            0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
            0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B,
        ])
    }

    @Test func flatAndFoldedAreEqual() throws {
        let a = try wat("(func $f (param $x i32) (result i32) (if (result i32) (local.get $x) (then (i32.const 1)) (else (i32.const 2))))")
        let b = try wat("(func $f (param $x i32) (result i32) local.get $x if (result i32) i32.const 1 else i32.const 2 end)")
        #expect(a == b)
    }

    @Test func implicitTypesAreAppendedAndReused() throws {
        let b = try wat("""
        (module
          (func $a (result f64) (f64.const 0))
          (type $t (func (param i32)))
          (func $b (param i32))
          (func $c (result f64) (f64.const 1))
          (func (block (param i32) (result i32 i32) (unreachable)) (unreachable)))
        """)
        let types = try #require(sections(b).first { $0.0 == 1 }).1
        // $t, then (result f64), then (func) and the block type (param i32)(result i32 i32), in order of appearance.
        #expect(types == [0x04, 0x60, 0x01, 0x7F, 0x00, 0x60, 0x00, 0x01, 0x7C, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7F, 0x02, 0x7F, 0x7F])
        let funcs = try #require(sections(b).first { $0.0 == 3 }).1
        #expect(funcs == [0x04, 0x01, 0x00, 0x01, 0x02])
    }

    @Test func inlineTypeMismatch() {
        #expect(throws: TextError.self) { _ = try wat("(type $t (func (param i32))) (func (type $t) (param i64))") }
    }

    @Test func labelsAndLocals() throws {
        let b = try wat("(func (local $x i32) (block $out (loop $in (br_if $out (local.get $x)) (br $in))))")
        let code = try #require(sections(b).first { $0.0 == 10 }).1
        #expect(code == [0x01, 0x10, 0x01, 0x01, 0x7F, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x0D, 0x01, 0x0C, 0x00, 0x0B, 0x0B, 0x0B])
        #expect(throws: TextError.self) { _ = try wat("(func (br $nope))") }
        #expect(throws: TextError.self) { _ = try wat("(func block $a end $b)") }
        #expect(throws: TextError.self) { _ = try wat("(func (local.get $nope))") }
    }

    @Test func functionIdsBecomeANameSection() throws {
        let b = try wat("(module (func $first) (func) (func $third))")
        let names = try #require(sections(b).last { $0.0 == 0 }).1
        // "name", subsection 1 (function names): 2 entries, 0 -> "first", 2 -> "third".
        #expect(names == [4] + Array("name".utf8) + [1, 15, 2, 0, 5] + Array("first".utf8) + [2, 5] + Array("third".utf8))
        let explicit = try wat("(module (func $f) (@custom \"name\" \"\"))")
        #expect(sections(explicit).filter { $0.0 == 0 }.count == 1)
    }

    @Test func inlineImportExportAndAbbreviations() throws {
        let b = try wat("""
        (module
          (func $imp (import "m" "f") (param i32))
          (memory (export "mem") (data "hi"))
          (table $t funcref (elem $imp $imp))
          (global $g (mut i32) (i32.const 7)))
        """)
        let ids = sections(b).map(\.0)
        // The last section is the `name` section for `$imp`.
        #expect(ids == [1, 2, 4, 5, 6, 7, 9, 12, 11, 0])
        let elem = try #require(sections(b).first { $0.0 == 9 }).1
        #expect(elem == [0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x00])
        let mem = try #require(sections(b).first { $0.0 == 5 }).1
        #expect(mem == [0x01, 0x01, 0x01, 0x01])
        let data = try #require(sections(b).first { $0.0 == 11 }).1
        #expect(data == [0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x68, 0x69])
    }

    @Test func importAfterDefinitionIsMalformed() {
        #expect(throws: TextError.self) { _ = try wat("(func) (import \"m\" \"f\" (func))") }
        #expect(throws: TextError.self) { _ = try wat("(global i32 (i32.const 0)) (func (import \"m\" \"f\"))") }
    }

    @Test func tableInitializerAndElemEncodings() throws {
        let b = try wat("""
        (module
          (func $f)
          (table 10 funcref (ref.func $f))
          (elem declare func $f)
          (elem funcref (ref.null func))
          (elem (table 0) (i32.const 1) func $f))
        """)
        let table = try #require(sections(b).first { $0.0 == 4 }).1
        #expect(table == [0x01, 0x40, 0x00, 0x70, 0x00, 0x0A, 0xD2, 0x00, 0x0B])
        let elem = try #require(sections(b).first { $0.0 == 9 }).1
        #expect(elem == [0x03, 0x03, 0x00, 0x01, 0x00, 0x05, 0x70, 0x01, 0xD0, 0x70, 0x0B, 0x00, 0x41, 0x01, 0x0B, 0x01, 0x00])
    }

    @Test func memory64AndMultiMemory() throws {
        let b = try wat("(module (memory $a i64 1) (memory $b 2 3) (func (drop (i64.load $b offset=0x1_0000_0000 align=4 (i32.const 0)))))")
        let mem = try #require(sections(b).first { $0.0 == 5 }).1
        #expect(mem == [0x02, 0x04, 0x01, 0x01, 0x02, 0x03])
        let code = try #require(sections(b).first { $0.0 == 10 }).1
        #expect(Array(code.suffix(12)) == [0x41, 0x00, 0x29, 0x42, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A, 0x0B])
        #expect(throws: TextError.self) { _ = try wat("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))") }
    }

    @Test func exceptionHandling() throws {
        let b = try wat("""
        (module
          (tag $e (param i32))
          (func (result i32)
            (block $h (result i32)
              (try_table (catch $e $h) (throw $e (i32.const 1)))
              (i32.const 0))))
        """)
        let ids = sections(b).map(\.0)
        #expect(ids == [1, 3, 13, 10])
        let code = try #require(sections(b).first { $0.0 == 10 }).1
        #expect(code == [0x01, 0x12, 0x00, 0x02, 0x7F, 0x1F, 0x40, 0x01, 0x00, 0x00, 0x00, 0x41, 0x01, 0x08, 0x00, 0x0B, 0x41, 0x00, 0x0B, 0x0B])
        _ = try wat("(tag $e) (func try catch $e rethrow 0 catch_all end)")
        _ = try wat("(tag $e) (func (try $l (do (nop)) (delegate 0)))")
    }

    @Test func recursiveAndSubtypes() throws {
        let b = try wat("""
        (rec (type $a (struct (field $x (mut i8)) (field i64 f32))) (type $b (sub $a (struct))))
        (type $arr (sub final (array (ref null $arr))))
        (func (param (ref $a) i31ref nullexnref v128))
        """)
        let types = try #require(sections(b).first { $0.0 == 1 }).1
        #expect(types.starts(with: [0x03, 0x4E, 0x02, 0x5F, 0x03, 0x78, 0x01, 0x7E, 0x00, 0x7D, 0x00, 0x50, 0x01, 0x00, 0x5F, 0x00]))
        #expect(types.contains(0x4F) == false)  // `sub final` without supertypes is the plain form
    }

    @Test func unsupportedInstructions() {
        do {
            _ = try wat("(type $s (struct)) (func (drop (struct.new $s)))")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "unsupported instruction: struct.new")
        }
    }

    @Test func customSections() throws {
        let b = try wat("""
        (module (@custom "first" (before first) "a") (func) (@custom "afterfunc" (after func) "b") (@custom "end" "c"))
        """)
        let s = sections(b)
        #expect(s.map(\.0) == [0, 1, 3, 0, 10, 0])
        #expect(s[0].1 == [0x05] + Array("first".utf8) + [0x61])
        #expect(s[3].1 == [0x09] + Array("afterfunc".utf8) + [0x62])
    }
}

@Suite struct WastTests {
    @Test func commands() throws {
        let script = try Wast.parse("""
        (module $M (func (export "f") (param i32) (result i32) (local.get 0)))
        (module binary "\\00asm" "\\01\\00\\00\\00")
        (module quote "(func" "(nop))")
        (register "m" $M)
        (assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
        (assert_return (invoke "g") (f32.const nan:canonical) (f64.const nan:arithmetic) (ref.null) (ref.extern) (ref.func) (either (i32.const 1) (i32.const 2)))
        (assert_return (invoke "h" (v128.const i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 255)) (v128.const f32x4 nan:canonical 1 2 3) (ref.extern 7) (ref.null func))
        (assert_trap (invoke "t") "unreachable")
        (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
        (assert_malformed (module quote "(func") "unexpected end")
        (assert_invalid (module (func (result i32))) "type mismatch")
        (assert_exhaustion (invoke "r") "call stack exhausted")
        (assert_exception (invoke "x"))
        (assert_unlinkable (module (import "a" "b" (func))) "unknown import")
        (module definition $D (func))
        (module instance $I $D)
        (get $M "g")
        (module (func (struct.new 0)))
        """)
        let c = script.commands
        #expect(c.count == 18)
        guard case .module(let m0) = c[0], case .binary(let b0) = m0.source else { Issue.record("module"); return }
        #expect(m0.name == "$M")
        #expect(b0.starts(with: header))
        guard case .module(let m1) = c[1], case .binary(let b1) = m1.source else { Issue.record("binary"); return }
        #expect(b1 == header)
        guard case .module(let m2) = c[2], case .quote(let q) = m2.source else { Issue.record("quote"); return }
        #expect(try WAT.encode(q).count > 8)
        #expect(c[3] == .register(name: "m", module: "$M", location: TextLocation(line: 4, column: 1)))
        guard case .assertReturn(let a4, let r4, _) = c[4] else { Issue.record("ar"); return }
        #expect(a4 == .invoke(module: "$M", name: "f", arguments: [.i32(0xFFFF_FFFF)]))
        #expect(r4 == [.value(.i32(0xFFFF_FFFF))])
        guard case .assertReturn(_, let r5, _) = c[5] else { Issue.record("ar"); return }
        #expect(r5 == [.f32NaN(.canonical), .f64NaN(.arithmetic), .anyNull, .anyExtern, .anyFunc, .either([.value(.i32(1)), .value(.i32(2))])])
        guard case .assertReturn(let a6, let r6, _) = c[6] else { Issue.record("ar"); return }
        #expect(a6 == .invoke(module: nil, name: "h", arguments: [.v128([0xFF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xFF])]))
        #expect(r6 == [.v128(shape: "f32", lanes: [.nan(.canonical), .bits(0x3F80_0000), .bits(0x4000_0000), .bits(0x4040_0000)]), .value(.refExtern(7)), .value(.refNull(.func))])
        guard case .assertModuleTrap = c[8] else { Issue.record("module trap"); return }
        guard case .assertMalformed(let mm, let msg, _) = c[9], case .quote = mm.source else { Issue.record("malformed"); return }
        #expect(msg == "unexpected end")
        guard case .module(let md) = c[14] else { Issue.record("definition"); return }
        #expect(md.isDefinition && md.name == "$D")
        #expect(c[15] == .moduleInstance(instance: "$I", definition: "$D", location: TextLocation(line: 16, column: 1)))
        guard case .module(let bad) = c[17], case .textError(let e) = bad.source else { Issue.record("text error"); return }
        #expect(e.message.hasPrefix("unsupported instruction"))
    }

    @Test func v128Values() throws {
        let script = try Wast.parse("""
        (assert_return (invoke "a" (v128.const i16x8 -1 0 1 2 3 4 5 0x8000)) (v128.const i64x2 -1 0x0102030405060708))
        (assert_return (invoke "b") (v128.const f64x2 1.5 nan:arithmetic) (v128.const f32x4 -nan nan:0x1 0 -0))
        (assert_return (invoke "c") (either (v128.const i32x4 0 0 0 -1) (v128.const f32x4 nan:canonical 0 0 0)))
        """)
        guard case .assertReturn(let a0, let r0, _) = script.commands[0],
              case .assertReturn(_, let r1, _) = script.commands[1],
              case .assertReturn(_, let r2, _) = script.commands[2] else { Issue.record("commands"); return }
        #expect(a0 == .invoke(module: nil, name: "a", arguments: [.v128([0xFF, 0xFF, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 0, 0x80])]))
        #expect(r0 == [.value(.v128([UInt8](repeating: 0xFF, count: 8) + [8, 7, 6, 5, 4, 3, 2, 1]))])
        // With a NaN pattern the lanes stay lanes (by shape); exact NaNs are exact bits.
        #expect(r1 == [.v128(shape: "f64", lanes: [.bits(0x3FF8_0000_0000_0000), .nan(.arithmetic)]),
                       .value(.v128([0, 0, 0xC0, 0xFF, 1, 0, 0x80, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0x80]))])
        #expect(r2 == [.either([.value(.v128([UInt8](repeating: 0, count: 12) + [0xFF, 0xFF, 0xFF, 0xFF])),
                                .v128(shape: "f32", lanes: [.nan(.canonical), .bits(0), .bits(0), .bits(0)])])])
        #expect(throws: TextError.self) { _ = try Wast.parse("(assert_return (invoke \"a\" (v128.const f32x4 nan:canonical 0 0 0)))") }
        #expect(throws: TextError.self) { _ = try Wast.parse("(assert_return (invoke \"a\") (v128.const i32x4 0 0 0))") }
    }

    @Test func scriptErrorsThrow() {
        #expect(throws: TextError.self) { _ = try Wast.parse("(assert_return (invoke \"f\")") }
        #expect(throws: TextError.self) { _ = try Wast.parse("(frobnicate)") }
    }
}
