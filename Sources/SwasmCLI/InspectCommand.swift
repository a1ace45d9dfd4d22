import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WasmBinary
import WasmCore
import WasmRuntime
import WasmText

/// `swasm inspect`: a readable summary of a module's structure (like `wasm-objdump -h -x`).
struct InspectCommand: StreamingCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a module's sections, imports, exports, types, memories and tables.",
        discussion: """
        Lists every section with its byte offset and size, then the module's contents by kind. Works on
        modules that decode, valid or not; a malformed module is reported with the byte offset of the problem.

        Examples:
          swasm inspect program.wasm
          swasm inspect module.wat
          swasm inspect --disassemble program.wasm   (the interpreter's translated code)
        """
    )

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Flag(help: "Print the interpreter's translated code of every defined function instead (the module must be valid).")
    var disassemble = false

    func execute(_ io: StandardStreams) throws(CLIFailure) {
        let input = try ModuleFile(file)
        let module = try input.decode()
        if disassemble {
            let compiled: CompiledModule
            do { compiled = try compileModule(module) } catch { throw CLIFailure(message: "\(file): \(error)") }
            for (index, code) in compiled.disassembly {
                let name = module.names?.functionNames[UInt32(index)].map { " $\($0)" } ?? ""
                io.write(io.stdout, "func \(index)\(name):\n\(code)\n\n")
            }
            return
        }
        io.write(io.stdout, Self.report(bytes: input.bytes, module: module, name: file, fromText: input.isText))
    }

    /// A section's placement in the binary.
    struct SectionInfo {
        var id: UInt8
        /// Offset of the section id byte.
        var start: Int
        /// Offset and size of the contents (after the size field).
        var contentStart: Int
        var size: Int
        /// The custom section's name.
        var customName: String?
        /// The number of entries of a vector section.
        var count: UInt32?
    }

    static let sectionNames: [UInt8: String] = [
        0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export",
        8: "start", 9: "elem", 10: "code", 11: "data", 12: "datacount", 13: "tag",
    ]

    /// Reads an unsigned LEB128 (at most 5 bytes); nil if it runs past the end.
    static func leb(_ b: [UInt8], _ i: inout Int) -> UInt32? {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while i < b.count, shift < 35 {
            let byte = b[i]
            i += 1
            result |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }

    /// The size in bytes of the code section of a binary that has already decoded (0 without one).
    static func codeSectionSize(_ b: [UInt8]) -> Int {
        sections(b).first { $0.id == 10 }?.size ?? 0
    }

    /// The sections of a binary that has already decoded (so sizes are consistent).
    static func sections(_ b: [UInt8]) -> [SectionInfo] {
        var out: [SectionInfo] = []
        var i = 8
        while i < b.count {
            let start = i
            let id = b[i]
            i += 1
            guard let size = leb(b, &i), i + Int(size) <= b.count else { break }
            var info = SectionInfo(id: id, start: start, contentStart: i, size: Int(size))
            var j = i
            if id == 0 {
                if let n = leb(b, &j), j + Int(n) <= i + Int(size) {
                    info.customName = String(decoding: b[j..<(j + Int(n))], as: UTF8.self)
                }
            } else if id != 8 && id != 12 {
                info.count = leb(b, &j)
            } else if id == 12 {
                info.count = leb(b, &j)
            }
            out.append(info)
            i += Int(size)
        }
        return out
    }

    static func hex(_ v: Int) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func padLeft(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

    static func functionType(_ module: Module, _ index: UInt32) -> String {
        guard Int(index) < module.types.count else { return "(type \(index))" }
        if case .function(let f) = module.types[Int(index)].composite {
            return "(func" + Printer.signature(f) + ")"
        }
        return "(type \(index))"
    }

    static func limits(_ l: Limits, unit: String) -> String {
        "min \(l.min) \(unit)" + (l.max.map { ", max \($0)" } ?? ", no max")
    }

    static func memory(_ m: MemoryType) -> String {
        let pageSize = UInt64(1) << UInt64(m.pageSizeLog2)
        var text = limits(m.limits, unit: pageSize == 65536 ? "pages (64 KiB)" : "pages of \(pageSize) bytes")
        if m.addressType == .i64 { text += ", 64-bit" }
        if m.isShared { text += ", shared" }
        return text
    }

    static func table(_ t: TableType) -> String {
        Printer.refType(t.elementType) + ", " + limits(t.limits, unit: "elements") + (t.addressType == .i64 ? ", 64-bit" : "")
    }

    static func report(bytes: [UInt8], module: Module, name: String, fromText: Bool) -> String {
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("\(name): \(fromText ? "text module, encoded to" : "binary module,") \(bytes.count) bytes, version 1")
        line()
        line("Sections:")
        line("  " + pad("section", 12) + padLeft("start", 12) + padLeft("size", 10) + "  contents")
        for s in sections(bytes) {
            var what = ""
            if let n = s.customName { what = "\"\(n)\"" } else if let c = s.count {
                switch s.id {
                case 8: what = "function \(c)"
                case 12: what = "count \(c)"
                default: what = "\(c) \(c == 1 ? "entry" : "entries")"
                }
            }
            line("  " + pad(sectionNames[s.id] ?? "id \(s.id)", 12) + padLeft(hex(s.contentStart), 12) + padLeft("\(s.size)", 10) + "  " + what)
        }

        let importedFunctions = module.importCount(.function)
        line()
        line("Types: \(module.types.count)" + (module.recursionGroups.count != module.types.count ? " in \(module.recursionGroups.count) recursion groups" : ""))
        for (k, t) in module.types.enumerated() { line("  type[\(k)] \(Printer(module: module).subType(t))") }
        line()
        line("Imports: \(module.imports.count)")
        var counters: [ExternalKind: Int] = [:]
        for imp in module.imports {
            let k = imp.descriptor.kind
            let index = counters[k, default: 0]
            counters[k] = index + 1
            let what: String
            switch imp.descriptor {
            case .function(let t): what = functionType(module, t)
            case .table(let t): what = table(t)
            case .memory(let m): what = memory(m)
            case .global(let g): what = Printer.globalType(g)
            case .tag(let t): what = functionType(module, t.typeIndex)
            }
            line("  \(k.name)[\(index)] \(imp.module).\(imp.name): \(what)")
        }
        line()
        line("Functions: \(importedFunctions + module.functions.count) (\(importedFunctions) imported, \(module.functions.count) defined)")
        let names = module.names?.functionNames ?? [:]
        let codeBytes = module.bodies.reduce(0) { $0 + $1.code.count }
        line("  code: \(codeBytes) bytes of instructions" + (names.isEmpty ? ", no function names" : ", \(names.count) named"))
        line()
        line("Tables: \(module.tableTypes.count)")
        for (k, t) in module.tableTypes.enumerated() { line("  table[\(k)] \(table(t))") }
        line("Memories: \(module.memoryTypes.count)")
        for (k, m) in module.memoryTypes.enumerated() { line("  memory[\(k)] \(memory(m))") }
        line("Globals: \(module.globalTypes.count)")
        let importedGlobals = module.importCount(.global)
        for (k, g) in module.globals.enumerated() {
            let value = g.initializer.instructions.map { Printer.instruction($0) }.joined(separator: " ")
            line("  global[\(importedGlobals + k)] \(Printer.globalType(g.type)) = \(value)")
        }
        if !module.tagTypes.isEmpty {
            line("Tags: \(module.tagTypes.count)")
        }
        line()
        line("Exports: \(module.exports.count)")
        for e in module.exports {
            var suffix = ""
            if e.kind == .function {
                let types = module.functionTypeIndices
                if Int(e.index) < types.count { suffix = " " + functionType(module, types[Int(e.index)]) }
                if let n = names[e.index], n != e.name { suffix += " <\(n)>" }
            }
            line("  \"\(e.name)\" -> \(e.kind.name)[\(e.index)]\(suffix)")
        }
        if let s = module.start { line("Start: func[\(s)]" + (names[s].map { " <\($0)>" } ?? "")) }
        line()
        let dataBytes = module.data.reduce(0) { $0 + $1.bytes.count }
        line("Element segments: \(module.elements.count)")
        line("Data segments: \(module.data.count) (\(dataBytes) bytes)")
        line()
        line("Custom sections: \(module.customSections.count)")
        for c in module.customSections {
            var detail = ""
            if c.name == "name", let n = module.names {
                detail = " (\(n.functionNames.count) function names" + (n.moduleName.map { ", module \"\($0)\"" } ?? "") + ")"
            }
            line("  \"\(c.name)\": \(c.bytes.count) bytes\(detail)")
        }
        return out
    }
}
