// Traps become Swift errors with the trap kind and a backtrace that names wasm functions;
// the instance stays usable afterwards. Fuel and interrupts stop runaway code the same way.
import Swasm

let module = try WebAssembly.Module(wat: """
    (module
      (func $divide (export "divide") (param i32 i32) (result i32)
        (i32.div_s (local.get 0) (local.get 1)))
      (func $compute (export "compute") (param i32) (result i32)
        (call $divide (i32.const 100) (local.get 0)))
      (func (export "spin") (loop $forever (br $forever))))
    """)

let instance = try WebAssembly.Instance(module: module)
do {
    let _: Int32 = try instance.exports.compute(0)
} catch let error as WebAssembly.RuntimeError {
    print("trap:", error.kind)
    print("backtrace:", error.backtrace.joined(separator: " <- "))
}
let ok: Int32 = try instance.exports.compute(4)
print("still usable: compute(4) =", ok)

// A fuel budget stops an endless loop.
let metered = try WebAssembly.Instance(module: module, limits: WebAssembly.Limits(fuel: 10_000))
do {
    try metered.exports.spin()
} catch let error as WebAssembly.RuntimeError {
    print("metered:", error.kind)
}

// A deadline (or an interrupt from another thread) stops it too.
let timed = try WebAssembly.Instance(module: module)
timed.deadline = .now + .milliseconds(50)
do {
    try timed.exports.spin()
} catch let error as WebAssembly.RuntimeError {
    print("timed:", error.kind)
}
