import Testing
@testable import WasmRuntime

/// The typed views of Instructions/internal.txt's layouts: each field lands in the bits its place names, reads
/// back what was written (signed fields keep their sign), and leaves the other fields alone.
@Suite struct InstructionLayoutTests {
    @Test func fieldsOfWordZeroLandInTheirSixteenBitPlaces() {
        let add = BinaryInstruction(.i32Add, lhs: 1, rhs: 2, result: 3)
        #expect(add.words.w0 == 0x0003_0002_0001_0000 | UInt64(Opcode.i32Add.rawValue))
        #expect(add.opcode == .i32Add && add.lhs == 1 && add.rhs == 2 && add.result == 3)
        #expect(add.words.w1 == 0 && add.words.w2 == 0)
    }

    @Test func signedImmediatesAndOffsetsKeepTheirSign() {
        var branch = AddImmediateCompareImmediateJumpInstruction(
            .i32AddImmBrIfLtSImm, operand: 7, immediate: -1, sum: 9, bound: -32768, offset: -5)
        #expect(branch.immediate == -1 && branch.bound == -32768 && branch.offset == -5)
        #expect(branch.words.w0 >> 32 & 0xFFFF == 0xFFFF)  // b
        #expect(branch.words.w1 == 0xFFFF_FFFB_0000_8000)  // offset in bits 32-63, bound in bits 0-15
        branch.offset = 1 << 20
        #expect(branch.offset == 1 << 20 && branch.bound == -32768 && branch.sum == 9)
    }

    @Test func wordOneFieldsShareTheirWordWithoutOverlap() {
        var pair = FusedPairInstruction(.i32ShlAdd, lhs: 1, rhs: 2, result: 3, other: 0xFFFF, intermediateOnRight: true)
        #expect(pair.words.w1 == 0x1_FFFF)
        pair.intermediateOnRight = false
        #expect(pair.words.w1 == 0xFFFF && pair.other == 0xFFFF)
        let copy = MemoryCopyInstruction(.memoryCopy, destination: 1, source: 2, length: 3,
                                         destinationMemory: 0xFFFF_FFFF, sourceMemory: 5)
        #expect(copy.words.w1 == 0x5_FFFF_FFFF)
        #expect(copy.destinationMemory == 0xFFFF_FFFF && copy.sourceMemory == 5)
    }

    @Test func wholeWordFieldsAndOpcodes() {
        let load = MemoryLoadInstruction(.memoryLoad, result: 4, address: 5, memory: 1, offset: UInt64.max, access: .i64Load8S)
        #expect(load.offset == UInt64.max && load.access == .i64Load8S && load.memory == 1)
        #expect(load.words.w2 == UInt64(Opcode.i64Load8S.rawValue))
        let select = SelectInstruction(.select, result: 1, ifFalse: 2, condition: 3, ifTrue: 40000)
        #expect(select.words.w1 == 40000 && select.ifTrue == 40000)
    }

    @Test func aViewReadsAndWritesItsWordsInCode() {
        var code: [UInt64] = [0, 0, 0, 0]
        LoadPlusImmediateInstruction(.i32LoadPlusImm, result: 1, base: 2, immediate: -8, offset: 100).write(to: &code, at: 1)
        #expect(code[0] == 0)
        let load = LoadPlusImmediateInstruction(code, at: 1)
        #expect(load.opcode == .i32LoadPlusImm && load.result == 1 && load.base == 2 && load.immediate == -8 && load.offset == 100)
        #expect(code[2] == 100 && code[3] == 0)
    }

    @Test func everyOpcodeHasALayoutOfItsLength() {
        // `Opcode.length` and `Opcode.layout` come from the same declaration; the disassembler and the passes
        // rely on them agreeing, and on jumps keeping their offset where their layout says.
        for raw in 0..<UInt16(Opcode.caseCount) {
            guard let op = Opcode(rawValue: raw) else { Issue.record("no opcode \(raw)"); continue }
            #expect(op.length == op.layout.wordCount, "\(op)")
            switch op.branchOffset {
            case .word0: #expect([.jump, .conditionalJump].contains(op.layout), "\(op)")
            case .word1: #expect([.compareJump, .compareImmediateJump, .addImmediateCompareJump,
                                  .addImmediateCompareImmediateJump].contains(op.layout), "\(op)")
            case .table: #expect(op.layout == .jumpTable, "\(op)")
            case nil: break
            }
        }
    }
}
