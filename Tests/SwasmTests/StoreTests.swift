import Testing
import Swasm

/// Which objects may be shared between instances, and how linking picks a store.
@Suite struct StoreTests {
    static let exporter = "(module (func (export \"f\") (result i32) (i32.const 1)))"

    @Test func importsFromTwoUnlinkedStoresAreALinkError() throws {
        let a = try WebAssembly.Instance(module: wat(Self.exporter))
        let b = try WebAssembly.Instance(module: wat(Self.exporter))
        let importer = try wat("""
            (module
              (import "a" "f" (func (result i32)))
              (import "b" "f" (func (result i32))))
            """)
        do {
            _ = try WebAssembly.Instance(module: importer, imports: [
                "a": ["f": try #require(a.exports["f"])],
                "b": ["f": try #require(b.exports["f"])],
            ])
            Issue.record("expected a link error")
        } catch let e as WebAssembly.LinkError {
            #expect(e.module == "b" && e.name == "f")
            #expect(e.message.contains("different store"))
        }
    }

    @Test func functionsDoNotCrossStoresAsValues() throws {
        let a = try WebAssembly.Instance(module: wat(Self.exporter))
        let b = try WebAssembly.Instance(module: wat("""
            (module (table $t 1 funcref)
              (func (export "put") (param funcref) (table.set $t (i32.const 0) (local.get 0))))
            """))
        let f = try #require(a.exports.f.function)
        #expect(throws: WebAssembly.TypeError.self) { try b.exports.put(f) }
    }

    @Test func memoriesAreSharedAcrossStores() throws {
        let memory = try WebAssembly.Memory(initial: 1)
        let module = try wat("""
            (module (import "env" "m" (memory 1))
              (func (export "inc") (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))))
            """)
        let x = try WebAssembly.Instance(module: module, imports: ["env": ["m": .memory(memory)]])
        let y = try WebAssembly.Instance(module: module, imports: ["env": ["m": .memory(memory)]])
        try x.exports.inc()
        try y.exports.inc()
        #expect(try memory.load(Int32.self, at: 0) == 2)
    }

    @Test func limitsApplyPerInstance() throws {
        let module = try wat("(module (func (export \"spin\") (loop $l (br $l))) (func (export \"ok\") (result i32) (i32.const 1)))")
        let metered = try WebAssembly.Instance(module: module, limits: .init(fuel: 100))
        let free = try WebAssembly.Instance(module: module)
        #expect(throws: WebAssembly.RuntimeError.self) { try metered.exports.spin() }
        #expect(free.fuel == nil)
        #expect(try free.exports.ok() as Int32 == 1)
    }
}
