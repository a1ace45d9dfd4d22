import Testing
import WasmBinary
import WasmCore

let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

func uleb(_ v: UInt64) -> [UInt8] {
    var v = v
    var out: [UInt8] = []
    repeat {
        var b = UInt8(v & 0x7F)
        v >>= 7
        if v != 0 { b |= 0x80 }
        out.append(b)
    } while v != 0
    return out
}

func section(_ id: UInt8, _ payload: [UInt8]) -> [UInt8] {
    [id] + uleb(UInt64(payload.count)) + payload
}

func name(_ s: String) -> [UInt8] { uleb(UInt64(s.utf8.count)) + Array(s.utf8) }

func module(_ sections: [UInt8]...) -> [UInt8] { header + sections.flatMap { $0 } }

func decodeMessage(_ bytes: [UInt8]) -> String? {
    do { _ = try ModuleDecoder.decode(bytes); return nil } catch { return error.message }
}

@Suite struct ModuleDecoderTests {
    @Test func headerChecks() {
        #expect(decodeMessage([]) == "unexpected end")
        #expect(decodeMessage([0x00, 0x61, 0x73]) == "unexpected end")
        #expect(decodeMessage([0x00, 0x61, 0x73, 0x6E, 1, 0, 0, 0]) == "magic header not detected")
        #expect(decodeMessage([0x00, 0x61, 0x73, 0x6D, 1, 0]) == "unexpected end")
        #expect(decodeMessage([0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0]) == "unknown binary version")
        #expect(decodeMessage(header) == nil)
    }

    @Test func typeSection() throws {
        let types: [UInt8] = [0x03,
            0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D,                   // (func (param i32 i64) (result f32))
            0x4E, 0x02,                                           // rec group of 2
              0x50, 0x00, 0x5F, 0x02, 0x78, 0x01, 0x63, 0x6E, 0x00, // sub (struct (mut i8) (ref null any))
              0x4F, 0x01, 0x01, 0x5E, 0x77, 0x00,                 // sub final 1 (array i16)
            0x5E, 0x7C, 0x01]                                     // (array (mut f64))
        let m = try ModuleDecoder.decode(module(section(1, types)))
        #expect(m.types.count == 4)
        #expect(m.recursionGroups == [0..<1, 1..<3, 3..<4])
        #expect(m.types[0] == SubType(composite: .function(FunctionType(parameters: [.i32, .i64], results: [.f32]))))
        #expect(m.types[1] == SubType(isFinal: false, supertypes: [], composite: .structure([
            FieldType(storage: .i8, isMutable: true),
            FieldType(storage: .value(.ref(RefType(nullable: true, .abstract(.any)))), isMutable: false)])))
        #expect(m.types[2] == SubType(isFinal: true, supertypes: [1], composite: .array(FieldType(storage: .i16, isMutable: false))))
        #expect(m.types[3].isFinal && m.types[3].supertypes.isEmpty)
        #expect(decodeMessage(module(section(1, [0x01, 0x5E, 0x7F, 0x02]))) == "malformed mutability")
    }

    @Test func importsAndExports() throws {
        let imports: [UInt8] = [0x05]
            + name("m") + name("f") + [0x00, 0x00]
            + name("m") + name("t") + [0x01, 0x70, 0x01, 0x01, 0x02]
            + name("m") + name("mem") + [0x02, 0x07, 0x01, 0x02]
            + name("m") + name("g") + [0x03, 0x7F, 0x01]
            + name("m") + name("e") + [0x04, 0x00, 0x00]
        let exports: [UInt8] = [0x02] + name("f") + [0x00, 0x00] + name("x") + [0x04, 0x00]
        let m = try ModuleDecoder.decode(module(section(1, [0x01, 0x60, 0x00, 0x00]), section(2, imports), section(7, exports)))
        #expect(m.imports.map(\.descriptor) == [
            .function(typeIndex: 0),
            .table(TableType(elementType: .funcref, limits: Limits(min: 1, max: 2))),
            .memory(MemoryType(limits: Limits(min: 1, max: 2), isShared: true, addressType: .i64)),
            .global(GlobalType(valueType: .i32, isMutable: true)),
            .tag(TagType(typeIndex: 0)),
        ])
        #expect(m.exports == [Export(name: "f", kind: .function, index: 0), Export(name: "x", kind: .tag, index: 0)])
        #expect(decodeMessage(module(section(2, [0x01] + name("m") + name("f") + [0x05, 0x00]))) == "malformed import kind")
        #expect(decodeMessage(module(section(2, [0x01, 0x01, 0xFF, 0x00, 0x00, 0x00]))) == "malformed UTF-8 encoding")
    }

    @Test func functionsTablesMemoriesGlobals() throws {
        let m = try ModuleDecoder.decode(module(
            section(1, [0x01, 0x60, 0x00, 0x00]),
            section(3, [0x01, 0x00]),
            section(4, [0x02, 0x6F, 0x00, 0x05, 0x40, 0x00, 0x64, 0x70, 0x00, 0x01, 0xD2, 0x00, 0x0B]),
            section(5, [0x02, 0x00, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
            section(6, [0x01, 0x7E, 0x00, 0x42, 0x2A, 0x0B]),
            section(10, [0x01, 0x02, 0x00, 0x0B])))
        #expect(m.functions == [0])
        #expect(m.tables == [
            TableDefinition(type: TableType(elementType: .externref, limits: Limits(min: 5))),
            TableDefinition(type: TableType(elementType: RefType(nullable: false, .func), limits: Limits(min: 1)),
                            initializer: ConstantExpression([.refFunc(0)], offset: 30)),
        ])
        #expect(m.memories == [MemoryType(limits: Limits(min: 1)), MemoryType(limits: Limits(min: 1 << 35), addressType: .i64)])
        #expect(m.globals.first?.initializer.instructions == [.i64Const(42)])
        #expect(m.bodies.first?.code == [0x0B])
        #expect(decodeMessage(module(section(5, [0x01, 0x08, 0x00]))) == "malformed limits flags")
        #expect(decodeMessage(module(section(6, [0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B]))) == "malformed mutability")
        #expect(decodeMessage(module(section(4, [0x01, 0x7F, 0x00, 0x00]))) == "malformed reference type")
    }

    @Test func elementEncodings() throws {
        let elems: [UInt8] = [0x08,
            0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,
            0x01, 0x00, 0x01, 0x00,
            0x02, 0x00, 0x41, 0x01, 0x0B, 0x00, 0x01, 0x00,
            0x03, 0x00, 0x01, 0x00,
            0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0x0B,
            0x05, 0x70, 0x01, 0xD0, 0x70, 0x0B,
            0x06, 0x00, 0x41, 0x00, 0x0B, 0x70, 0x00,
            0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B]
        let m = try ModuleDecoder.decode(module(
            section(1, [0x01, 0x60, 0x00, 0x00]), section(3, [0x01, 0x00]),
            section(4, [0x01, 0x70, 0x00, 0x01]), section(9, elems), section(10, [0x01, 0x02, 0x00, 0x0B])))
        #expect(m.elements.count == 8)
        let modes = m.elements.map { seg -> String in
            switch seg.mode { case .passive: "p"; case .declarative: "d"; case .active(let t, _): "a\(t)" }
        }
        #expect(modes == ["a0", "p", "a0", "d", "a0", "p", "a0", "d"])
        #expect(m.elements[0].items.map(\.instructions) == [[.refFunc(0)]])
        #expect(m.elements[5].items.map(\.instructions) == [[.refNull(.func)]])
        #expect(m.elements[6].items.isEmpty)
        #expect(decodeMessage(module(section(9, [0x01, 0x08]))) != nil)
    }

    @Test func dataAndDataCount() throws {
        let m = try ModuleDecoder.decode(module(
            section(5, [0x01, 0x00, 0x01]),
            section(12, [0x03]),
            section(11, [0x03, 0x00, 0x41, 0x00, 0x0B, 0x02, 0xAA, 0xBB, 0x01, 0x00, 0x02, 0x00, 0x41, 0x08, 0x0B, 0x01, 0xCC])))
        #expect(m.dataCount == 3)
        #expect(m.data.map(\.bytes) == [[0xAA, 0xBB], [], [0xCC]])
        #expect(m.data[1].mode == .passive)
        #expect(decodeMessage(module(section(12, [0x02]), section(11, [0x01, 0x01, 0x00])))
                == "data count and data section have inconsistent lengths")
        #expect(decodeMessage(module(section(12, [0x01]))) == "data count and data section have inconsistent lengths")
    }

    @Test func codeSection() throws {
        let body: [UInt8] = [0x02, 0x01, 0x7F, 0x02, 0x7E, 0x20, 0x00, 0x1A, 0x0B]
        let bytes = module(section(1, [0x01, 0x60, 0x00, 0x00]), section(3, [0x01, 0x00]),
                           section(10, [0x01] + uleb(UInt64(body.count)) + body))
        let m = try ModuleDecoder.decode(bytes)
        let b = try #require(m.bodies.first)
        #expect(b.locals == [LocalDeclaration(count: 1, type: .i32), LocalDeclaration(count: 2, type: .i64)])
        #expect(b.code == [0x20, 0x00, 0x1A, 0x0B])
        #expect(Array(bytes[b.codeOffset..<(b.codeOffset + b.code.count)]) == b.code)
        // Function and code counts must agree.
        #expect(decodeMessage(module(section(1, [0x01, 0x60, 0x00, 0x00]), section(3, [0x01, 0x00])))
                == "function and code section have inconsistent lengths")
        // Too many locals.
        let many: [UInt8] = [0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x01, 0x7F, 0x0B]
        #expect(decodeMessage(module(section(1, [0x01, 0x60, 0x00, 0x00]), section(3, [0x01, 0x00]),
                                     section(10, [0x01] + uleb(UInt64(many.count)) + many))) == "too many locals")
        // memory.init without a data count section.
        let mi: [UInt8] = [0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B]
        #expect(decodeMessage(module(section(1, [0x01, 0x60, 0x00, 0x00]), section(3, [0x01, 0x00]),
                                     section(5, [0x01, 0x00, 0x01]),
                                     section(10, [0x01] + uleb(UInt64(mi.count)) + mi),
                                     section(11, [0x01, 0x01, 0x00]))) == "data count section required")
        // Bodies with unsupported (GC) instructions still decode (they are read lazily).
        let gc: [UInt8] = [0x00, 0xFB, 0x00, 0x00, 0x1A, 0x0B]
        #expect(decodeMessage(module(section(1, [0x01, 0x60, 0x00, 0x00]), section(3, [0x01, 0x00]),
                                     section(10, [0x01] + uleb(UInt64(gc.count)) + gc))) == nil)
    }

    @Test func tagsStartAndOrdering() throws {
        let m = try ModuleDecoder.decode(module(
            section(1, [0x01, 0x60, 0x01, 0x7F, 0x00]), section(3, [0x01, 0x00]),
            section(5, [0x00]), section(13, [0x01, 0x00, 0x00]), section(6, [0x00]),
            section(8, [0x00]), section(10, [0x01, 0x02, 0x00, 0x0B])))
        #expect(m.tags == [TagType(typeIndex: 0)])
        #expect(m.start == 0)
        #expect(decodeMessage(module(section(3, [0x00]), section(1, [0x00]))) == "unexpected content after last section")
        #expect(decodeMessage(module(section(1, [0x00]), section(1, [0x00]))) == "unexpected content after last section")
        #expect(decodeMessage(module(section(6, [0x00]), section(13, [0x00]))) == "unexpected content after last section")
        #expect(decodeMessage(module(section(14, []))) == "malformed section id")
        #expect(decodeMessage(module(section(13, [0x01, 0x01, 0x00]))) != nil)
        #expect(decodeMessage(module(section(1, [0x00, 0x00]))) == "section size mismatch")
        #expect(decodeMessage(header + [0x01, 0x05, 0x00]) == "length out of bounds")
    }

    @Test func customAndNameSections() throws {
        let names: [UInt8] = section(0, name("mod")) + section(1, [0x01, 0x00] + name("main"))
            + section(2, [0x01, 0x00, 0x01, 0x00] + name("x"))
        let m = try ModuleDecoder.decode(module(
            section(0, name("hello") + [1, 2, 3]),
            section(1, [0x01, 0x60, 0x00, 0x00]),
            section(0, name("name") + names)))
        #expect(m.customSections.map(\.name) == ["hello", "name"])
        #expect(m.customSections[0].bytes == [1, 2, 3])
        #expect(m.names == NameMap(moduleName: "mod", functionNames: [0: "main"], localNames: [0: [0: "x"]]))
        // A malformed name section is ignored.
        let bad = try ModuleDecoder.decode(module(section(0, name("name") + [0x01, 0x09, 0x00])))
        #expect(bad.names == nil && bad.customSections.count == 1)
        // The custom section's own name must be valid UTF-8 and fit in the section.
        #expect(decodeMessage(module(section(0, [0x02, 0xC0, 0x80]))) == "malformed UTF-8 encoding")
        #expect(decodeMessage(module(section(0, [0x05, 0x61]))) == "unexpected end of section or function")
        #expect(decodeMessage(header + [0x00]) == "unexpected end of section or function")
    }

    @Test func utf8Validation() {
        func check(_ bytes: [UInt8]) -> String? { decodeMessage(module(section(0, uleb(UInt64(bytes.count)) + bytes))) }
        #expect(check(Array("héllo wörld ✓ 𝄞".utf8)) == nil)
        #expect(check([0xC1, 0xBF]) == "malformed UTF-8 encoding")          // overlong
        #expect(check([0xE0, 0x80, 0x80]) == "malformed UTF-8 encoding")    // overlong
        #expect(check([0xED, 0xA0, 0x80]) == "malformed UTF-8 encoding")    // surrogate
        #expect(check([0xF4, 0x90, 0x80, 0x80]) == "malformed UTF-8 encoding") // > U+10FFFF
        #expect(check([0xF8, 0x88, 0x80, 0x80, 0x80]) == "malformed UTF-8 encoding")
        #expect(check([0xE2, 0x82]) == "malformed UTF-8 encoding")          // truncated
        #expect(check([0x80]) == "malformed UTF-8 encoding")
    }

    @Test func errorDescription() {
        let e = DecodeError(offset: 0x1f, message: "unexpected end")
        #expect(e.description == "malformed module at byte 0x1f: unexpected end")
    }
}

@Suite struct StreamingTests {
    static let sample: [UInt8] = module(
        section(1, [0x01, 0x60, 0x00, 0x00]), section(3, [0x01, 0x00]),
        section(0, name("c") + [9, 9]),
        section(5, [0x01, 0x00, 0x01]), section(7, [0x01] + name("f") + [0x00, 0x00]),
        section(10, [0x01, 0x05, 0x00, 0x41, 0x00, 0x1A, 0x0B]),
        section(11, [0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x7A]))

    @Test func chunkedMatchesWholeDecode() throws {
        let whole = try ModuleDecoder.decode(Self.sample)
        for chunkSize in [1, 2, 3, 7, 64] {
            var d = ModuleDecoder()
            var i = 0
            while i < Self.sample.count {
                try d.append(Self.sample[i..<min(i + chunkSize, Self.sample.count)])
                i += chunkSize
            }
            #expect(try d.finish() == whole)
        }
    }

    @Test func earlyErrorsAreReportedBeforeTheRestArrives() {
        var d = ModuleDecoder()
        #expect(throws: DecodeError.self) {
            try d.append([0x00, 0x61, 0x73, 0x6E])
        }
        var d2 = ModuleDecoder()
        do {
            try d2.append(header)
            try d2.append(section(6, [0x01, 0x7F, 0x05, 0x41, 0x00, 0x0B]))  // bad mutability
            Issue.record("expected an error before finish()")
        } catch {
            #expect(error.message == "malformed mutability")
        }
    }

    @Test func truncatedInputFailsAtFinish() throws {
        var d = ModuleDecoder()
        try d.append(Self.sample.dropLast(3))
        #expect(throws: DecodeError.self) { _ = try d.finish() }
        // The error sticks.
        #expect(throws: DecodeError.self) { _ = try d.finish() }
        #expect(throws: DecodeError.self) { try d.append([0x00]) }
    }
}
