// wasmkit-micro: the embedding-API micro benchmarks of Benchmarks/Micro/main.swift (swasm-micro), written
// against WasmKit 0.4.2's public API: the same module, the same keys and the same output format, so that
// Benchmarks/harness.py --micro can put the two side by side.
//
//   swift build -c release --product wasmkit-micro --scratch-path .build && .build/release/wasmkit-micro
//
// Each line: `KEY: X ns/op (N ops, best of R rounds): what`. Every timed loop's result is checked.
import WAT
import WasmKit

import Foundation  // exit

/// The module under test (kept identical to the one in Benchmarks/Micro/main.swift).
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
func expectedSum(_ n: Int) -> UInt32 {
    var s: UInt32 = 0
    for i in 0..<n { s = s &+ UInt32(truncatingIfNeeded: i) &+ 1 }
    return s
}

var calls = 1_000_000
var instances = 10_000
var rounds = 3
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    guard ["--calls", "--instances", "--rounds"].contains(a), let v = args.popFirst().flatMap({ Int($0) }), v > 0 else {
        print("usage: wasmkit-micro [--calls N] [--instances N] [--rounds N]")
        exit(a == "--help" || a == "-h" ? 0 : 2)
    }
    switch a {
    case "--calls": calls = v
    case "--instances": instances = v
    default: rounds = v
    }
}

struct WrongResult: Error { let what: String }

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

/// The host functions, made in `store` (WasmKit binds a host function to one store).
func imports(_ store: Store) -> Imports {
    [
        "env": [
            "host": Function(store: store, parameters: [.i32], results: [.i32]) { _, args in
                [.i32(args[0].i32 &+ 1)]
            },
            "host_fast": Function(store: store, parameters: [.i32], results: [.i32], raw: { _, args, results in
                results[0] = .i32(args[0].i32 &+ 1)
            }),
        ],
    ]
}

let engine = Engine()  // default configuration: lazy compilation, as `wasmkit-cli run`
let module = try parseWasm(bytes: try wat2wasm(wat))

try measure("instantiate", ops: instances, "instantiate the small module (new store, imports linked, memory, segments)") {
    for _ in 0..<instances {
        let store = Store(engine: engine)
        _ = try module.instantiate(store: store, imports: imports(store))
    }
}

let store = Store(engine: engine)
let instance = try module.instantiate(store: store, imports: imports(store))
guard let inc = instance.exports[function: "inc"], let callHost = instance.exports[function: "call_host"],
      let callHostFast = instance.exports[function: "call_host_fast"], let callWasm = instance.exports[function: "call_wasm"]
else { throw WrongResult(what: "missing export") }

try measure("call", ops: calls, "Swift -> wasm (i32) -> i32 with [Value] arguments: Function.invoke([.i32(i)])") {
    var s: UInt32 = 0
    for i in 0..<calls { s = s &+ (try inc.invoke([.i32(UInt32(truncatingIfNeeded: i))]))[0].i32 }
    if s != expectedSum(calls) { throw WrongResult(what: "call") }
}

var stack = ExecutionStack(engine: engine)
try measure("call-alt", ops: calls, "Swift -> wasm (i32) -> i32 through invoke(_:on:) with a reused ExecutionStack") {
    var s: UInt32 = 0
    for i in 0..<calls { s = s &+ (try inc.invoke([.i32(UInt32(truncatingIfNeeded: i))], on: &stack))[0].i32 }
    if s != expectedSum(calls) { throw WrongResult(what: "call-alt") }
}

let n = UInt32(calls)
try measure("host-call", ops: calls, "wasm -> Swift (i32) -> i32, [Value] host function (Function(store:parameters:results:) { _, args in })") {
    guard try callHost.invoke([.i32(n)])[0].i32 == expectedSum(calls) else { throw WrongResult(what: "host-call") }
}
try measure("host-call-alt", ops: calls, "wasm -> Swift (i32) -> i32, raw host function, buffers instead of arrays (Function(store:parameters:results:raw:))") {
    guard try callHostFast.invoke([.i32(n)])[0].i32 == expectedSum(calls) else { throw WrongResult(what: "host-call-alt") }
}
try measure("wasm-call", ops: calls, "wasm -> wasm call in the same loop (reference for the host-call rows)") {
    guard try callWasm.invoke([.i32(n)])[0].i32 == expectedSum(calls) else { throw WrongResult(what: "wasm-call") }
}
