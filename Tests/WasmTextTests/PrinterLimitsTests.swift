import Testing
import WasmBinary
import WasmCore
@testable import WasmText

/// A binary module with one function of type `[params] -> []`, the given local declarations (entry count and
/// entries already encoded) and instruction bytes (the final `end` included).
func oneFunctionModule(params: Int = 0, locals: [UInt8] = [0x00], code: [UInt8]) -> [UInt8] {
    func leb(_ value: UInt64) -> [UInt8] { LEB128.unsigned(value) }
    func section(_ id: UInt8, _ body: [UInt8]) -> [UInt8] { [id] + leb(UInt64(body.count)) + body }
    let body = locals + code
    return [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        + section(1, [0x01, 0x60] + leb(UInt64(params)) + Array(repeating: 0x7F, count: params) + [0x00])
        + section(3, [0x01, 0x00])
        + section(10, [0x01] + leb(UInt64(body.count)) + body)
}

/// `depth` nested empty blocks: 2 * depth + 1 instructions.
func nestedBlocksModule(depth: Int) -> [UInt8] {
    oneFunctionModule(code: Array([[UInt8]](repeating: [0x02, 0x40], count: depth).joined())
        + Array(repeating: 0x0B, count: depth + 1))
}

@Suite struct PrinterLimitsTests {
    /// 100,000 nested blocks made `swasm print` allocate 34 GB (indentation grew with the depth).
    @Test func deeplyNestedBlocksPrintInLinearSize() throws {
        let depth = 10_000
        let text = WATPrinter.print(try ModuleDecoder.decode(nestedBlocksModule(depth: depth)))
        #expect(text.utf8.count < 100 * (2 * depth + 1))
        #expect(text.contains(String(repeating: " ", count: 2 * Printer.maxIndentDepth) + "block\n"))
        #expect(!text.contains(String(repeating: " ", count: 2 * Printer.maxIndentDepth + 1)))
    }

    /// Capping the indentation changes nothing but white space: the text reads back to the same bytes (900
    /// levels: the WAT parser takes at most 1,000).
    @Test func deeplyNestedBlocksRoundTrip() throws {
        let depth = 900
        let bytes = nestedBlocksModule(depth: depth)
        let original = try ModuleDecoder.decode(bytes)
        let text = WATPrinter.print(original)
        #expect(text.utf8.count < 100 * (2 * depth + 1))
        let again = try WAT.encode(text)
        #expect(try NormalizedModule(original) == NormalizedModule(ModuleDecoder.decode(again)))
        #expect(again == bytes)
    }

    /// A 30-byte module declaring 2^32 - 1 locals made the printer run away; the validator's limit stops it.
    @Test func tooManyLocalsIsTheValidatorsError() throws {
        // One entry: 0xFFFFFFFF locals of type i32.
        let bytes = oneFunctionModule(locals: [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F], code: [0x0B])
        let module = try ModuleDecoder.decode(bytes)
        #expect(throws: PrintError(offset: module.bodies[0].codeOffset, message: "too many locals")) {
            try WATPrinter.checkedPrint(module)
        }
        #expect("\(PrintError(offset: 0x1d, message: "too many locals"))" == "invalid module at byte 0x1d: too many locals")
        // The lenient printer says so in a comment, in a few lines.
        let text = WATPrinter.print(module)
        #expect(text.contains(";; invalid module at byte 0x"))
        #expect(text.utf8.count < 1_000)
    }

    /// The limit counts parameters, as the validator does: 1 + 49,999 locals print, 1 + 50,000 do not.
    @Test func localLimitIncludesParameters() throws {
        func module(locals: UInt32) throws -> Module {
            var declaration: [UInt8] = [0x01]
            var v = locals
            repeat {
                let byte = UInt8(v & 0x7F)
                v >>= 7
                declaration.append(v == 0 ? byte : byte | 0x80)
            } while v != 0
            return try ModuleDecoder.decode(oneFunctionModule(params: 1, locals: declaration + [0x7E], code: [0x0B]))
        }
        let limit = UInt32(FunctionBody.maxLocals)
        let text = try WATPrinter.checkedPrint(try module(locals: limit - 1))
        #expect(text.contains("(local (;49001;) i64"))
        #expect(throws: PrintError.self) { try WATPrinter.checkedPrint(try module(locals: limit)) }
    }
}
