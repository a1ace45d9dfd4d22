// Host functions: typed Swift closures imported by a wasm module, one reading the caller's memory,
// one returning two values, an untyped one, and one that throws a Swift error back to the caller.
import Swasm

struct Overheated: Error { let degrees: Int32 }

let module = try WebAssembly.Module(wat: """
    (module
      (import "env" "print" (func $print (param i32 i32)))
      (import "env" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
      (import "env" "scale" (func $scale (param f64) (result f64)))
      (import "env" "check" (func $check (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "Hello from wasm!")
      (func (export "greet") (call $print (i32.const 16) (i32.const 16)))
      (func (export "quotientPlusRemainder") (param i32 i32) (result i32)
        (call $divmod (local.get 0) (local.get 1))
        (i32.add))
      (func (export "double") (param f64) (result f64) (call $scale (local.get 0)))
      (func (export "heat") (param i32) (call $check (local.get 0))))
    """)

let instance = try WebAssembly.Instance(module: module, imports: [
    "env": [
        // functionWithCaller: the first parameter is the Caller, which gives access to the calling instance's memory.
        "print": .functionWithCaller { (caller: WebAssembly.Caller, pointer: Int32, length: Int32) in
            guard let memory = caller.memory else { return }
            print(try memory.readString(at: Int(pointer), length: Int(length)))
        },
        // Several results are a tuple.
        "divmod": .function { (a: Int32, b: Int32) in (a / b, a % b) },
        // The untyped form: an explicit type, value arrays in and out.
        "scale": .function(type: .init(parameters: [.f64], results: [.f64])) { _, args in
            guard case .f64(let x) = args[0] else { return [.f64(.nan)] }
            return [.f64(x * 2)]
        },
        // Errors thrown by a host function reach the Swift caller of the export unchanged.
        "check": .function { (degrees: Int32) in
            if degrees > 100 { throw Overheated(degrees: degrees) }
        },
    ],
])

try instance.exports.greet()
let sum: Int32 = try instance.exports.quotientPlusRemainder(17, 5)
print("17 / 5 + 17 % 5 =", sum)
print("double(1.25) =", try instance.exports.double(1.25))
try instance.exports.heat(20)
do {
    try instance.exports.heat(120)
} catch let error as Overheated {
    print("caught Overheated(\(error.degrees)) thrown by the host function")
}
