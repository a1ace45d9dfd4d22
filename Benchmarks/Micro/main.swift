// swasm-micro: embedding-API micro benchmarks for Swasm, printed as ns per operation.
// Benchmarks/WasmKitRunner/Micro/main.swift is the same program for WasmKit 0.4.2 (same module, same keys);
// Benchmarks/harness.py --micro runs both and tabulates them.
//
//   swift build -c release --product swasm-micro && .build/release/swasm-micro [--calls N] [--instances N] [--rounds N]
//   .build/release/swasm-micro --module FILE.wasm [--instances N] [--rounds N]
//
// `--module` times a given module instead (not in WasmKit's program, not run by the harness): one compile, then
// instantiating it N times (each a new store, dropped at once: teardown included), per instantiation and per
// defined function. The module must need no imports.
//
// Each line: `KEY: X ns/op (N ops, best of R rounds): what`. Every timed loop's result is checked, so a
// wrong answer fails the program instead of printing a time.
import Swasm

import WasmPlatform

/// The module under test: an exported (i32) -> i32 function, two imported host functions and loops that call
/// an import or a wasm function `n` times. A page of memory, a table and segments make instantiation non-trivial.
let wat = """
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (import "env" "host_fast" (func $host_fast (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 1 funcref)
  (global $counter (mut i32) (i32.const 0))
  (data (i32.const 16) "micro benchmark")
  (elem (i32.const 0) $inc)
  (func $inc (export "inc") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  \(loop("call_host", "$host"))
  \(loop("call_host_fast", "$host_fast"))
  \(loop("call_wasm", "$inc")))
"""

/// `(func (export NAME) (param $n i32) (result i32))`: the sum of `callee(i)` for i in 0..<n.
func loop(_ name: String, _ callee: String) -> String {
    """
    (func (export "\(name)") (param $n i32) (result i32) (local $i i32) (local $acc i32)
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $acc (i32.add (local.get $acc) (call \(callee) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (local.get $acc))
    """
}

/// sum of (i + 1) for i in 0..<n, wrapping like i32.add.
func expectedSum(_ n: Int) -> Int32 {
    var s: Int32 = 0
    for i in 0..<n { s = s &+ Int32(truncatingIfNeeded: i) &+ 1 }
    return s
}

var calls = 1_000_000
var instances = 10_000
var rounds = 3
var modulePath: String?
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    if a == "--module", let path = args.popFirst() {
        modulePath = path
        continue
    }
    guard ["--calls", "--instances", "--rounds"].contains(a), let v = args.popFirst().flatMap({ Int($0) }), v > 0 else {
        print("usage: swasm-micro [--calls N] [--instances N] [--rounds N] | --module FILE [--instances N] [--rounds N]")
        exit(a == "--help" || a == "-h" ? 0 : 2)
    }
    switch a {
    case "--calls": calls = v
    case "--instances": instances = v
    default: rounds = v
    }
}

struct WrongResult: Error { let what: String }

/// The bytes of the file at `path`, or nil.
func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return bytes
}

/// The entry count of the binary's function section (its defined functions), or nil if it has none.
func definedFunctionCount(_ bytes: [UInt8]) -> Int? {
    var i = 8
    func leb() -> Int? {
        var result = 0, shift = 0
        while i < bytes.count, shift < 35 {
            let b = bytes[i]
            i += 1
            result |= Int(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }
    while i < bytes.count {
        let id = bytes[i]
        i += 1
        guard let size = leb() else { return nil }
        if id == 3 { return leb() }
        i += size
    }
    return nil
}

/// Runs `body` `rounds` times; prints the best round's time per operation.
@MainActor func measure(_ key: String, ops: Int, _ what: String, _ body: () throws -> Void) throws {
    var best = Duration.seconds(1_000_000)
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        let start = clock.now
        try body()
        best = min(best, clock.now - start)
    }
    let ns = Double(best.components.seconds) * 1e9 + Double(best.components.attoseconds) / 1e9
    let perOp = ns / Double(ops)
    let text = perOp >= 100 ? String(Int(perOp.rounded())) : String(Double(Int(perOp * 10 + 0.5)) / 10)
    print("\(key): \(text) ns/op (\(ops) ops, best of \(rounds) rounds): \(what)")
}

let imports: WebAssembly.Imports = [
    "env": [
        "host": .function(type: .init(parameters: [.i32], results: [.i32])) { _, args in
            guard case .i32(let x) = args[0] else { return [.i32(0)] }
            return [.i32(x &+ 1)]
        },
        "host_fast": .function { (x: Int32) -> Int32 in x &+ 1 },
    ],
]
if let modulePath {
    guard let bytes = readFile(modulePath) else { throw WrongResult(what: "cannot read \(modulePath)") }
    let functions = definedFunctionCount(bytes) ?? 0
    let clock = ContinuousClock()
    let start = clock.now
    let big = try WebAssembly.Module(bytes: bytes)
    print("compile: \(clock.now - start) (\(bytes.count) bytes, \(functions) defined functions)")
    var best = Duration.seconds(1_000_000)
    for _ in 0..<rounds {
        let t0 = clock.now
        for _ in 0..<instances { _ = try WebAssembly.Instance(module: big) }
        best = min(best, clock.now - t0)
    }
    let ns = (Double(best.components.seconds) * 1e9 + Double(best.components.attoseconds) / 1e9) / Double(instances)
    let perFunction = functions > 0 ? ns / Double(functions) : 0
    print("instantiate-module: \(Double(Int(ns / 100 + 0.5)) / 10) us/instantiation, "
          + "\(Double(Int(perFunction * 10 + 0.5)) / 10) ns/defined function (\(instances) instantiations, best of \(rounds) rounds)")
    exit(0)
}

let module = try WebAssembly.Module(wat: wat)

try measure("instantiate", ops: instances, "instantiate the small module (new store, imports linked, memory, segments)") {
    for _ in 0..<instances { _ = try WebAssembly.Instance(module: module, imports: imports) }
}

let instance = try WebAssembly.Instance(module: module, imports: imports)
guard let inc = instance.exports.inc.function, let callHost = instance.exports.call_host.function,
      let callHostFast = instance.exports.call_host_fast.function, let callWasm = instance.exports.call_wasm.function
else { throw WrongResult(what: "missing export") }

try measure("call", ops: calls, "Swift -> wasm (i32) -> i32 with [Value] arguments: Function.call([.i32(i)])") {
    var s: Int32 = 0
    for i in 0..<calls {
        guard case .i32(let r) = try inc.call([.i32(Int32(truncatingIfNeeded: i))]).first else { throw WrongResult(what: "call") }
        s = s &+ r
    }
    if s != expectedSum(calls) { throw WrongResult(what: "call") }
}

let incTyped: (Int32) throws -> Int32 = try inc.typed()
try measure("call-alt", ops: calls, "Swift -> wasm (i32) -> i32 through a typed() closure (checked once, no [Value])") {
    var s: Int32 = 0
    for i in 0..<calls { s = s &+ (try incTyped(Int32(truncatingIfNeeded: i))) }
    if s != expectedSum(calls) { throw WrongResult(what: "call-alt") }
}

let n = Int32(calls)
try measure("host-call", ops: calls, "wasm -> Swift (i32) -> i32, [Value] host function (.function(type:) { _, args in })") {
    guard case .i32(let r) = try callHost.call([.i32(n)]).first, r == expectedSum(calls) else { throw WrongResult(what: "host-call") }
}
try measure("host-call-alt", ops: calls, "wasm -> Swift (i32) -> i32, typed closure host function (.function { (x: Int32) in })") {
    guard case .i32(let r) = try callHostFast.call([.i32(n)]).first, r == expectedSum(calls) else { throw WrongResult(what: "host-call-alt") }
}
try measure("wasm-call", ops: calls, "wasm -> wasm call in the same loop (reference for the host-call rows)") {
    guard case .i32(let r) = try callWasm.call([.i32(n)]).first, r == expectedSum(calls) else { throw WrongResult(what: "wasm-call") }
}
