// Drives a C library compiled to wasm (strings.c, built by build.sh with clang --target=wasm32-wasi)
// through its exports and linear memory, the way JavaScript drives Emscripten output:
// allocate with the exported malloc, write the string, call, read the answer back, free.
import Foundation
import Swasm

let wasmURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("strings.wasm")
let module = try WebAssembly.Module(bytes: Data(contentsOf: wasmURL))
let instance = try WebAssembly.Instance(module: module)
// A WASI reactor built by clang has an _initialize export that sets up the C runtime.
if instance.exports["_initialize"] != nil { try instance.exports._initialize() }

struct MissingExport: Error {}
guard let memory: WebAssembly.Memory = instance.exports.memory else { throw MissingExport() }
let malloc: (Int32) throws -> Int32 = try instance.exports.malloc.typed()
let free: (Int32) throws -> Void = try instance.exports.free.typed()

/// Copies `text` into guest memory as a C string; returns its address (free it with `free`).
func withCString<R>(_ text: String, _ body: (Int32, Int32) throws -> R) throws -> R {
    let length = text.utf8.count
    let pointer = try malloc(Int32(length + 1))
    defer { _ = try? free(pointer) }
    try memory.writeString(text, at: Int(pointer), nulTerminated: true)
    return try body(pointer, Int32(length))
}

let shouted = try withCString("hello from swift") { pointer, _ in
    let result: Int32 = try instance.exports.shout(pointer)
    defer { _ = try? free(result) }
    return try memory.readCString(at: Int(result))
}
print("shout:", shouted)

let words: Int32 = try withCString("the quick brown fox") { pointer, length in
    try instance.exports.count_words(pointer, length)
}
print("count_words:", words)

let reversed = try withCString("stressed") { pointer, length in
    try instance.exports.reverse_in_place(pointer, length)
    return try memory.readString(at: Int(pointer), length: Int(length))
}
print("reverse_in_place:", reversed)
