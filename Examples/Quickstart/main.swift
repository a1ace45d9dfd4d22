import Foundation
import Swasm

let bytes = try Data(contentsOf: URL(fileURLWithPath: "my-module.wasm"))
let (module, instance) = try await WebAssembly.instantiate(bytes, imports: [
    "env": ["log": .function { (x: Int32) in print(x) }],
])
print(module.exports.map(\.name))
print(try instance.exports.myFunction(10))
let sum: Int32 = try instance.exports.add(2, 3)
print(sum)
