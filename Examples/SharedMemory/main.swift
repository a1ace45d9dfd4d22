// Two instances share one memory created in Swift: one writes into it, the other reads what was written,
// and Swift sees the same bytes.
import Swasm

let memory = try WebAssembly.Memory(initial: 1, maximum: 4)

let writer = try WebAssembly.Instance(module: WebAssembly.Module(wat: """
    (module
      (import "shared" "memory" (memory 1))
      ;; Stores n, n+1, ..., n+count-1 as i32s from address 0.
      (func (export "fill") (param $n i32) (param $count i32)
        (local $i i32)
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
            (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.add (local.get $n) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))))
    """), imports: ["shared": ["memory": .memory(memory)]])

let reader = try WebAssembly.Instance(module: WebAssembly.Module(wat: """
    (module
      (import "shared" "memory" (memory 1))
      ;; Sums count i32s from address 0.
      (func (export "sum") (param $count i32) (result i32)
        (local $i i32) (local $total i32)
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
            (local.set $total (i32.add (local.get $total) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (local.get $total)))
    """), imports: ["shared": ["memory": .memory(memory)]])

try writer.exports.fill(1, 10)
let total: Int32 = try reader.exports.sum(10)
print("reader sums what writer wrote:", total)
print("Swift reads the third value:", try memory.load(Int32.self, at: 8))

// Swift writes, wasm reads.
try memory.store(Int32(1000), at: 0)
let after: Int32 = try reader.exports.sum(10)
print("after Swift stores 1000 at address 0:", after)

// Growing the memory is seen by both instances.
let oldPages = try memory.grow(by: 1)
print("grew from \(oldPages) to \(memory.pageCount) pages")
