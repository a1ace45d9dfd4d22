// The four fuzz entry points (Fuzz/README.md). Each takes arbitrary bytes and must return normally: a decode,
// text, validation or link error and a trap are expected outcomes; a crash, an assertion failure or a hang is a
// bug. The libFuzzer driver (`swasm-fuzz`, built with `-sanitize=fuzzer`), its replay mode and the corpus replay
// test (`FuzzTests`) all call these functions, so a reproducer behaves the same in all three.

import WasmBinary
import WasmCore
import WasmRuntime
import WasmText
import WasmValidation

/// A fuzz target: a name for the command line and corpus folder, and its entry point.
package struct FuzzTarget: Sendable {
    package let name: String
    package let run: @Sendable ([UInt8]) -> Void
    package let summary: String

    package static let all: [FuzzTarget] = [
        FuzzTarget(name: "decode", run: fuzzDecode, summary: "bytes -> ModuleDecoder (whole and chunked) + InstructionReader"),
        FuzzTarget(name: "validate", run: fuzzValidate, summary: "bytes -> decode -> validateModule"),
        FuzzTarget(name: "wat", run: fuzzWAT, summary: "UTF-8 text -> WAT.encode -> decode -> validate"),
        FuzzTarget(name: "execute", run: fuzzExecute,
                   summary: "bytes -> compile -> instantiate (dummy imports) -> call every export under fuel"),
    ]

    package static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// Fails loudly (a crash libFuzzer reports) when an oracle finds two stages disagreeing.
@inline(never)
func oracleFailure(_ message: String) -> Never {
    fatalError("fuzz oracle: \(message)")
}

// MARK: - decode

/// Decodes a module and reads every instruction of every function body. The streaming decoder, fed the same
/// bytes in chunks, must give the same module or the same error.
package func fuzzDecode(_ bytes: [UInt8]) {
    let whole: Result<Module, DecodeError>
    do throws(DecodeError) { whole = .success(try ModuleDecoder.decode(bytes)) } catch { whole = .failure(error) }
    if case .success(let module) = whole {
        for body in module.bodies {
            var reader = InstructionReader(body: body)
            while !reader.isAtEnd {
                if (try? reader.read()) == nil { break }
            }
        }
    }
    // Chunk size from the length, so the same input always splits the same way.
    let chunk = 1 + bytes.count % 13
    var decoder = ModuleDecoder()
    let streamed: Result<Module, DecodeError>
    do throws(DecodeError) {
        var i = 0
        while i < bytes.count {
            try decoder.append(bytes[i..<min(i + chunk, bytes.count)])
            i += chunk
        }
        streamed = .success(try decoder.finish())
    } catch {
        streamed = .failure(error)
    }
    if streamed != whole {
        oracleFailure("chunked decode (chunk \(chunk)) disagrees with whole decode: \(describe(streamed)) vs \(describe(whole))")
    }
}

private func describe(_ r: Result<Module, DecodeError>) -> String {
    switch r {
    case .success: "module"
    case .failure(let e): "error \(e)"
    }
}

// MARK: - validate

/// Decodes and validates a module.
package func fuzzValidate(_ bytes: [UInt8]) {
    guard let module = try? ModuleDecoder.decode(bytes) else { return }
    _ = try? validateModule(module)
}

// MARK: - wat

/// Parses the input as WAT text; if it encodes, decodes and validates the binary it produced.
package func fuzzWAT(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let binary = try? WAT.encode(text) else { return }
    fuzzValidate(binary)
}

// MARK: - execute

/// Limits for `fuzzExecute`: small enough that one input runs in milliseconds.
package enum FuzzExecuteLimits {
    package static let fuel: UInt64 = 100_000
    package static let maxMemoryBytes: UInt64 = 64 << 20
    package static let maxCallDepth = 1_000
    package static let maxTableElements: UInt64 = 1 << 20
    package static let valueStackSlots = 1 << 20
}

/// Compiles (decode, validate, translate), instantiates with dummy imports and calls every exported function
/// with zero arguments, each call with fresh fuel.
package func fuzzExecute(_ bytes: [UInt8]) {
    guard let compiled = try? compileModule(bytes) else { return }
    var limits = StoreLimits()
    limits.fuel = FuzzExecuteLimits.fuel
    limits.maxMemoryBytes = FuzzExecuteLimits.maxMemoryBytes
    limits.maxCallDepth = FuzzExecuteLimits.maxCallDepth
    limits.maxTableElements = FuzzExecuteLimits.maxTableElements
    limits.valueStackSlots = FuzzExecuteLimits.valueStackSlots
    let store = Store(limits: limits)
    let imports = compiled.module.imports
    var next = 0
    // `instantiate` resolves the imports in order; the counter pairs each call with its import.
    let instance: ModuleInstance
    do {
        instance = try store.instantiate(compiled) { module, name in
            defer { next += 1 }
            guard next < imports.count, imports[next].module == module, imports[next].name == name else { return nil }
            return dummyImport(imports[next], module: compiled.module, store: store, limits: limits)
        }
    } catch {
        return
    }
    for (_, value) in instance.exports {
        guard case .function(let f) = value else { continue }
        store.fuel = FuzzExecuteLimits.fuel
        _ = try? store.invoke(f, arguments: [UInt64](repeating: 0, count: f.type.parameters.count))
    }
}

/// A value of the import's type: a function returning zeros, a fresh memory/table of the import's limits, a
/// global holding zero, a fresh tag. Imports that zero cannot satisfy (non-nullable references, v128) stay
/// unresolved (a link error).
func dummyImport(_ imp: Import, module: Module, store: Store, limits: StoreLimits) -> ExternalValue? {
    func zeroable(_ t: ValueType) -> Bool {
        switch t {
        case .i32, .i64, .f32, .f64: true
        case .v128: false
        case .ref(let r): r.isNullable
        }
    }
    func functionType(_ index: UInt32) -> FunctionType? {
        guard Int(index) < module.types.count else { return nil }
        return module.types[Int(index)].functionType
    }
    switch imp.descriptor {
    case .function(let typeIndex):
        guard let type = functionType(typeIndex), type.results.allSatisfy(zeroable),
              !type.parameters.contains(.v128) else { return nil }
        let resultCount = type.results.count
        return .function(store.makeHostFunction(type: type, name: "fuzz.\(imp.name)") { call in
            for i in 0..<resultCount { call.slots[i] = 0 }
        })
    case .memory(let type):
        guard let memory = try? MemoryInstance.make(type: type, limits: limits) else { return nil }
        return .memory(memory)
    case .table(let type):
        guard type.elementType.isNullable, let table = try? TableInstance.make(type: type, initial: 0, limits: limits) else { return nil }
        return .table(table)
    case .global(let type):
        guard zeroable(type.valueType) else { return nil }
        return .global(GlobalInstance.make(type: type, value: 0))
    case .tag(let tag):
        guard let type = functionType(tag.typeIndex), !type.parameters.contains(.v128) else { return nil }
        return .tag(store.makeTag(type: type))
    }
}
