// swasm-difftest: the Swasm side of the differential tester (Scripts/difftest.py, Scripts/README-difftest.md).
//
// Reads one JSON request per line on standard input and writes one JSON response per line on standard output,
// so that one process runs many modules. A request names a module file (binary, or text when the name ends in
// ".wat") and a call plan; the response tells how instantiation ended, and for each call its results or trap,
// followed by the observable state (every exported memory, global and table, in export order).
//
// Request:
//   {"path": "m.wasm", "fuel": 1000000, "maxMemoryBytes": 16777216, "maxTableElements": 100000,
//    "maxCallDepth": 20000, "timeout": 10, "resetGlobal": 7, "resetValue": "0x3e8",
//    "calls": [{"export": 0, "args": ["0x0", "0x7fc00000", "null"]}], "tables": true}
//   `export` and `resetGlobal` are indices into the instance's exports in declaration order. Arguments are raw
//   cells in hex (the bits of a float), or "null" for a null reference. `resetGlobal`, when present, is set to
//   `resetValue` before every call (wasm-smith's --ensure-termination fuel counter, exported by the script).
//   `fuel`/`timeout` are per call; running out makes the call "inconclusive" for the script.
// Response:
//   {"instantiate": "ok"} or {"instantiate": "trap", "kind": ..., "msg": ...} (also "compile", "link",
//   "exception"), then "state": [...] and "calls": [{"results": [...], "state": [...]} or
//   {"trap": KIND, "msg": ..., "state": [...]}], and, with "tables", "tables": [...] (null-map hashes).
// Values print as "i32:%08x", "i64:%016x", "f32:%08x", "f64:%016x", "ref:null", "ref:nonnull"; memories as
// "mem:BYTES:CRC32"; tables as "table:SIZE". The script builds the same strings from wasmtime.
//
// A crash of this process (the runtime corrupting memory, a Swift runtime error) is itself a finding: the script
// records the module that was running and starts a new process.

import WasmPlatform
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WasmCore
import WasmRuntime
import WasmText

struct Request: Decodable {
    struct Call: Decodable {
        var export: Int
        var args: [String]
    }
    var path: String
    var fuel: UInt64?
    var maxMemoryBytes: UInt64?
    var maxTableElements: UInt64?
    var maxCallDepth: Int?
    var timeout: Double?
    var resetGlobal: Int?
    var resetValue: String?
    var calls: [Call]
    var tables: Bool?
}

// MARK: - JSON output

func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

func jsonArray(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

func hex(_ v: UInt64, digits: Int) -> String {
    let h = String(v, radix: 16)
    return h.count >= digits ? h : String(repeating: "0", count: digits - h.count) + h
}

// MARK: - Values and state

func format(_ cell: UInt64, _ type: ValueType) -> String {
    switch type {
    case .i32: "i32:" + hex(cell & 0xffff_ffff, digits: 8)
    case .i64: "i64:" + hex(cell, digits: 16)
    case .f32: "f32:" + hex(cell & 0xffff_ffff, digits: 8)
    case .f64: "f64:" + hex(cell, digits: 16)
    case .v128: "v128:?"
    case .ref: cell == 0 ? "ref:null" : "ref:nonnull"
    }
}

/// CRC-32 (the zlib polynomial, as Python's `zlib.crc32`), slicing by 8.
enum CRC32 {
    static let tables: [[UInt32]] = {
        var t = Array(repeating: Array(repeating: UInt32(0), count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xff)] }
        }
        return t
    }()
    static let flat: [UInt32] = tables.flatMap { $0 }

    static func checksum(_ p: UnsafeRawPointer, _ count: Int) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        var i = 0
        flat.withUnsafeBufferPointer { t in
            while i + 8 <= count {
                let lo = p.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian ^ c
                let hi = p.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self).littleEndian
                c = t[7 * 256 + Int(lo & 0xff)] ^ t[6 * 256 + Int((lo >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xff)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xff)] ^ t[2 * 256 + Int((hi >> 8) & 0xff)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xff)] ^ t[0 * 256 + Int(hi >> 24)]
                i += 8
            }
            while i < count {
                c = t[Int((c ^ UInt32(p.load(fromByteOffset: i, as: UInt8.self))) & 0xff)] ^ (c >> 8)
                i += 1
            }
        }
        return c ^ 0xffff_ffff
    }
}

func state(of instance: ModuleInstance) -> [String] {
    var out: [String] = []
    for (_, value) in instance.exports {
        switch value {
        case .memory(let m):
            out.append("mem:\(m.byteCount):" + hex(UInt64(CRC32.checksum(m.base, m.byteCount)), digits: 8))
        case .global(let g):
            out.append(format(g.value, g.type.valueType))
        case .table(let t):
            out.append("table:\(t.elements.count)")
        case .function, .tag:
            break
        }
    }
    return out
}

/// For each exported table: its size and the CRC-32 of its first 4096 elements' null map ("0"/"1" bytes).
func tableMaps(of instance: ModuleInstance) -> [String] {
    var out: [String] = []
    for (_, value) in instance.exports {
        guard case .table(let t) = value else { continue }
        let bytes: [UInt8] = t.elements.prefix(4096).map { $0 == 0 ? 0x30 : 0x31 }
        let crc = bytes.withUnsafeBytes { CRC32.checksum($0.baseAddress!, $0.count) }
        out.append("table:\(t.elements.count):" + hex(UInt64(crc), digits: 8))
    }
    return out
}

// MARK: - Traps

/// The small set of trap kinds both engines are mapped to (the script maps wasmtime's trap codes the same way).
func kind(of trap: Trap) -> String {
    switch trap {
    case .unreachable: "unreachable"
    case .integerDivideByZero: "int_div_zero"
    case .integerOverflow: "int_overflow"
    case .invalidConversionToInteger: "bad_conversion"
    case .outOfBoundsMemoryAccess: "oob_memory"
    case .outOfBoundsTableAccess, .undefinedElement: "oob_table"
    case .uninitializedElement: "indirect_null"
    case .indirectCallTypeMismatch: "bad_signature"
    case .nullFunctionReference, .nullReference, .nullExceptionReference: "null_reference"
    case .callStackExhausted: "stack_exhausted"
    case .outOfFuel: "out_of_fuel"
    case .interrupted, .deadlineExceeded: "timeout"
    case .host: "host"
    }
}

func describe(_ e: ExecutionError) -> (kind: String, msg: String) {
    switch e {
    case .trap(let t, _): (kind(of: t), t.description)
    case .exception: ("exception", "uncaught wasm exception")
    case .host(let inner):
        if let t = inner as? Trap { (kind(of: t), t.description) } else { ("host", "\(inner)") }
    }
}

// MARK: - Running one request

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return bytes
}

func parseCell(_ text: String) -> UInt64? {
    if text == "null" { return 0 }
    if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
    return UInt64(text)
}

func run(_ request: Request) -> String {
    var fields: [String] = []
    func finish() -> String { "{" + fields.joined(separator: ",") + "}" }

    guard let raw = readFile(request.path) else {
        fields.append("\"instantiate\":\"io\",\"msg\":" + jsonString("cannot read \(request.path)"))
        return finish()
    }
    var bytes = raw
    if request.path.hasSuffix(".wat") {
        do { bytes = try WAT.encode(String(decoding: raw, as: UTF8.self)) } catch {
            fields.append("\"instantiate\":\"compile\",\"msg\":" + jsonString("text: \(error)"))
            return finish()
        }
    }
    let compiled: CompiledModule
    do { compiled = try compileModule(bytes) } catch {
        fields.append("\"instantiate\":\"compile\",\"msg\":" + jsonString(error.description))
        return finish()
    }

    var limits = StoreLimits()
    if let m = request.maxMemoryBytes { limits.maxMemoryBytes = m }
    if let t = request.maxTableElements { limits.maxTableElements = t }
    if let d = request.maxCallDepth { limits.maxCallDepth = d }
    limits.fuel = request.fuel
    let store = Store(limits: limits)
    let timeout = request.timeout ?? 10
    store.deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(timeout * 1000)))

    let instance: ModuleInstance
    do {
        instance = try store.instantiate(compiled) { _, _ in nil }
    } catch {
        switch error {
        case .link(let e):
            fields.append("\"instantiate\":\"link\",\"msg\":" + jsonString(e.message))
        case .execution(let e):
            let (k, msg) = describe(e)
            fields.append("\"instantiate\":\"trap\",\"kind\":\"\(k)\",\"msg\":" + jsonString(msg))
        }
        return finish()
    }
    fields.append("\"instantiate\":\"ok\"")
    fields.append("\"state\":" + jsonArray(state(of: instance).map(jsonString)))

    let exports = instance.exports
    var resetCell: GlobalInstance?
    if let i = request.resetGlobal, i >= 0, i < exports.count, case .global(let g) = exports[i].value {
        resetCell = g
    }
    let resetValue = request.resetValue.flatMap(parseCell) ?? 0

    var calls: [String] = []
    for call in request.calls {
        guard call.export >= 0, call.export < exports.count, case .function(let f) = exports[call.export].value else {
            calls.append("{\"error\":\"no such function export\"}")
            continue
        }
        var args: [UInt64] = []
        for a in call.args { args.append(parseCell(a) ?? 0) }
        guard args.count == f.type.parameters.count else {
            calls.append("{\"error\":\"argument count\"}")
            continue
        }
        resetCell?.value = resetValue
        store.fuel = request.fuel
        store.deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(timeout * 1000)))
        var entry: String
        do {
            let results = try store.invoke(f, arguments: args)
            entry = "{\"results\":" + jsonArray(zip(results, f.type.results).map { jsonString(format($0, $1)) })
        } catch {
            let (k, msg) = describe(error)
            entry = "{\"trap\":\"\(k)\",\"msg\":" + jsonString(msg)
        }
        entry += ",\"state\":" + jsonArray(state(of: instance).map(jsonString)) + "}"
        calls.append(entry)
    }
    fields.append("\"calls\":" + jsonArray(calls))
    if request.tables == true {
        fields.append("\"tables\":" + jsonArray(tableMaps(of: instance).map(jsonString)))
    }
    return finish()
}

// MARK: - Main loop

/// Writes all of `text` to standard output (fd 1) without buffering: each response is one write.
func emit(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { exit(1) }
        bytes = bytes.dropFirst(n)
    }
}

let decoder = JSONDecoder()
while let line = readLine(strippingNewline: true) {
    if line.isEmpty { continue }
    let response: String
    do {
        let request = try decoder.decode(Request.self, from: Data(line.utf8))
        response = run(request)
    } catch {
        response = "{\"instantiate\":\"bad-request\",\"msg\":" + jsonString("\(error)") + "}"
    }
    emit(response + "\n")
}
