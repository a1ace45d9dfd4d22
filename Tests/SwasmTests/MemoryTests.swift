import Testing
import Swasm

@Suite struct MemoryTests {
    @Test func createLoadStore() throws {
        let memory = try WebAssembly.Memory(initial: 1, maximum: 3)
        #expect(memory.pageCount == 1 && memory.byteCount == 65_536)
        #expect(memory.type == .init(minimum: 1, maximum: 3))
        try memory.store(UInt8(0xAB), at: 0)
        try memory.store(Int16(-2), at: 2)
        try memory.store(Int32(0x1234_5678), at: 4)
        try memory.store(Int64(-1), at: 8)
        try memory.store(Float(1.5), at: 16)
        try memory.store(Double.pi, at: 24)
        #expect(try memory.load(UInt8.self, at: 0) == 0xAB)
        #expect(try memory.load(Int16.self, at: 2) == -2)
        #expect(try memory.load(Int32.self, at: 4) == 0x1234_5678)
        #expect(try memory.read(at: 4, count: 4) == [0x78, 0x56, 0x34, 0x12])  // little-endian
        #expect(try memory.load(Int64.self, at: 8) == -1)
        #expect(try memory.load(Float.self, at: 16) == 1.5)
        #expect(try memory.load(Double.self, at: 24) == .pi)
        // Unaligned access is fine.
        try memory.store(UInt32(7), at: 33)
        #expect(try memory.load(UInt32.self, at: 33) == 7)
    }

    @Test func boundsAreChecked() throws {
        let memory = try WebAssembly.Memory(initial: 1)
        #expect(throws: WebAssembly.RangeError.self) { try memory.load(Int32.self, at: 65_533) }
        #expect(throws: WebAssembly.RangeError.self) { try memory.store(Int64(1), at: -1) }
        #expect(throws: WebAssembly.RangeError.self) { try memory.read(at: Int.max, count: 2) }
        #expect(throws: WebAssembly.RangeError.self) { try memory.write([1, 2], at: 65_535) }
        try memory.write([65, 66], at: 65_534)  // no NUL before the end
        #expect(throws: WebAssembly.RangeError.self) { try memory.readCString(at: 65_534) }
        #expect(try memory.readCString(at: 0) == "")
        _ = try memory.load(Int32.self, at: 65_532)
        #expect(throws: WebAssembly.RangeError.self) { try WebAssembly.Memory(initial: 2, maximum: 1) }
    }

    @Test func bytesAndCopies() throws {
        let memory = try WebAssembly.Memory(initial: 1)
        try memory.write([1, 2, 3, 4, 5], at: 10)
        try memory.copy(from: 10, to: 12, count: 5)
        #expect(try memory.read(at: 10, count: 7) == [1, 2, 1, 2, 3, 4, 5])
        var out = [UInt8](repeating: 0, count: 3)
        memory.withUnsafeMutableBytes { raw in
            for i in 0..<3 { out[i] = raw[10 + i] }
            raw[0] = 99
        }
        #expect(out == [1, 2, 1])
        #expect(try memory.load(UInt8.self, at: 0) == 99)
        #expect(memory.unsafeBuffer.count == memory.byteCount)
    }

    @Test func strings() throws {
        let memory = try WebAssembly.Memory(initial: 1)
        let n = try memory.writeString("héllo, wörld", at: 100)
        #expect(n == "héllo, wörld".utf8.count)
        #expect(try memory.readString(at: 100, length: n) == "héllo, wörld")
        let m = try memory.writeString("C string", at: 200, nulTerminated: true)
        #expect(m == 9)
        #expect(try memory.readCString(at: 200) == "C string")
        #expect(try memory.load(UInt8.self, at: 208) == 0)
    }

    @Test func growFromSwiftAndWasm() throws {
        let memory = try WebAssembly.Memory(initial: 1, maximum: 3)
        #expect(try memory.grow(by: 1) == 1)
        #expect(memory.pageCount == 2)
        #expect(throws: WebAssembly.RangeError.self) { try memory.grow(by: 2) }
        let instance = try WebAssembly.Instance(module: wat("""
            (module
              (import "env" "memory" (memory 1 3))
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
              (func (export "size") (result i32) (memory.size))
              (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))
            """), imports: ["env": ["memory": .memory(memory)]])
        try memory.store(UInt8(42), at: 65_536 + 5)  // in the page grown from Swift
        #expect(try instance.exports.peek(65_536 + 5) as Int32 == 42)
        #expect(try instance.exports.grow(1) as Int32 == 2)
        #expect(memory.pageCount == 3)
        #expect(try instance.exports.grow(1) as Int32 == -1)
        #expect(try instance.exports.size() as Int32 == 3)
    }
}
