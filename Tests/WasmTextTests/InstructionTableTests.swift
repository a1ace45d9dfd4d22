import Testing
import WasmBinary
import WasmCore
@testable import WasmText

/// A sample of one row of Instructions/wasm.txt (generated into Generated/InstructionSamples.swift).
struct InstructionSample: Sendable, CustomTestStringConvertible {
    var name: String
    var opcode: String
    /// Flat text, inside a function body (a clause or `end` comes with the block it belongs to).
    var text: String
    /// The instruction bytes the text encodes to, as Scripts/generate.py computes them.
    var bytes: [UInt8]

    var testDescription: String { "\(name) (\(opcode))" }
}

/// Every row of the instruction table: the text parser writes the bytes the table says, the decoder reads them
/// back and the printer prints text that encodes to the same bytes.
@Suite struct InstructionTableTests {
    /// Three of everything an instruction may name, so the samples' indices 1 and 2 exist.
    static let prelude = """
        (type (func)) (type (func)) (type (func))
        (memory 1) (memory 1) (memory 1)
        (table 1 funcref) (table 1 funcref) (table 1 funcref)
        (global (mut i32) (i32.const 0)) (global (mut i32) (i32.const 0)) (global (mut i32) (i32.const 0))
        (tag) (tag) (tag)
        (elem func) (elem func) (elem func)
        (data "") (data "") (data "")
        """

    /// The code of the one function of a module around `instructions` (the instructions, then the final `end`).
    func code(_ instructions: String) throws -> FunctionBody {
        let module = try ModuleDecoder.decode(try WAT.encode("(module \(Self.prelude) (func (local i32 i32 i32)\n\(instructions)\n))"))
        return try #require(module.bodies.first)
    }

    @Test(arguments: instructionSamples)
    func roundTrip(_ sample: InstructionSample) throws {
        let body = try code(sample.text)
        #expect(body.code == sample.bytes + [Opcode.end.code].map(UInt8.init))

        var reader = InstructionReader(body: body)
        var printed: [String] = []
        while !reader.isAtEnd { printed.append(Printer.instruction(try reader.read())) }
        #expect(printed.last == "end")
        printed.removeLast()
        #expect(printed.contains { $0 == sample.name || $0.hasPrefix(sample.name + " ") })

        #expect(try code(printed.joined(separator: "\n")).code == body.code)
    }

    @Test func everyRowHasASample() {
        #expect(instructionSamples.count == Set(instructionSamples.map(\.opcode)).count)
        #expect(Set(instructionSamples.map(\.name)).isSuperset(of: NumericOp.allCases.map(\.name)))
        #expect(Set(instructionSamples.map(\.name)).isSuperset(of: LoadOp.allCases.map(\.name) + StoreOp.allCases.map(\.name)))
        #expect(Set(instructionSamples.map(\.name)).isSuperset(of: SIMDOp.allCases.map(\.name) + SIMDLoadOp.allCases.map(\.name)
            + SIMDLaneOp.allCases.map(\.name) + SIMDMemoryLaneOp.allCases.map(\.name)))
    }

    @Test func foldedFormWritesOperandsFirst() throws {
        let body = try code("(memory.init 2 1 (i32.const 0) (i32.const 1) (i32.const 2))")
        #expect(body.code == [0x41, 0x00, 0x41, 0x01, 0x41, 0x02, 0xFC, 0x08, 0x01, 0x02, 0x0B])
    }

    @Test func optionalIndicesComeFirstInText() throws {
        // One index: the data segment, memory 0; two: the memory, then the data segment.
        #expect(try code("memory.init 1").code == [0xFC, 0x08, 0x01, 0x00, 0x0B])
        #expect(try code("memory.init 2 1").code == [0xFC, 0x08, 0x01, 0x02, 0x0B])
        #expect(try code("table.init 1").code == [0xFC, 0x0C, 0x01, 0x00, 0x0B])
        #expect(try code("table.copy").code == [0xFC, 0x0E, 0x00, 0x00, 0x0B])
        #expect(try code("call_indirect (type 1)").code == [0x11, 0x01, 0x00, 0x0B])
    }

    @Test func unsupportedAndUnknownInstructions() {
        func message(_ text: String) -> String? {
            do { _ = try WAT.encode("(module (func \(text)))") } catch { return error.message }
            return nil
        }
        #expect(message("struct.new 0") == "unsupported instruction: struct.new")
        #expect(message("i32.frobnicate") == "unknown operator")
        #expect(message("i32x4.frobnicate") == "unknown operator")
        #expect(message("(br_table)") == "unexpected token")
    }
}
