import Testing
import Swasm

/// Dropping the last instance of a store frees the store (its instances, functions and interpreter stack),
/// also when its host functions capture objects that belong to it. (LeakSanitizer found stores kept alive by
/// a cycle: store → host function → closure → captured tag → store.)
@Suite struct StoreLifetimeTests {
    /// Runs `body` with a token that it passes into the store it makes (an externref argument, which the store
    /// keeps alive); returns whether the token is gone after `body`, that is whether the store was freed.
    func storeIsFreed(_ body: (Token) throws -> Void) throws -> Bool {
        weak var weakToken: Token?
        do {
            let token = Token("kept by the store")
            weakToken = token
            try body(token)
        }
        return weakToken == nil
    }

    static let thrower = """
        (module
          (import "env" "tag" (tag $t (param i32)))
          (import "env" "risky" (func $risky (param i32)))
          (func (export "keep") (param externref))
          (func (export "safe") (param i32) (result i32)
            (block $caught (result i32)
              (try_table (catch $t $caught)
                (call $risky (local.get 0)))
              (i32.const -1))))
        """

    @Test func instanceWithoutImports() throws {
        let module = try wat(#"(module (func (export "keep") (param externref)))"#)
        let freed = try storeIsFreed { token in
            let instance = try WebAssembly.Instance(module: module)
            try instance.exports.keep(WebAssembly.ExternRef(token))
        }
        #expect(freed)
    }

    @Test func hostFunctionImports() throws {
        let module = try wat("""
            (module
              (import "env" "inc" (func $inc (param i32) (result i32)))
              (import "env" "peek" (func $peek (param i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "keep") (param externref))
              (func (export "run") (param i32) (result i32) (call $peek (call $inc (local.get 0)))))
            """)
        let freed = try storeIsFreed { token in
            let instance = try WebAssembly.Instance(module: module, imports: ["env": [
                "inc": .function { (x: Int32) in x + 1 },
                "peek": .functionWithCaller { (caller: WebAssembly.Caller, x: Int32) in x + Int32(caller.memory?.pageCount ?? 0) },
            ]])
            try instance.exports.keep(WebAssembly.ExternRef(token))
            #expect(try instance.exports.run(1) as Int32 == 3)
        }
        #expect(freed)
    }

    @Test func wasiImports() throws {
        let module = try wat("""
            (module
              (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "keep") (param externref))
              (func (export "count") (result i32)
                (drop (call $sizes (i32.const 0) (i32.const 4)))
                (i32.load (i32.const 0))))
            """)
        let freed = try storeIsFreed { token in
            let wasi = try WebAssembly.WASI(args: ["a", "b"])
            let instance = try WebAssembly.Instance(module: module, imports: wasi.importObject)
            try instance.exports.keep(WebAssembly.ExternRef(token))
            #expect(try instance.exports.count() as Int32 == 2)
        }
        #expect(freed)
    }

    @Test func hostFunctionCapturingItsTag() throws {
        let module = try wat(Self.thrower)
        let tag = WebAssembly.Tag(parameters: [.i32])
        func instantiate() throws -> WebAssembly.Instance {
            try WebAssembly.Instance(module: module, imports: ["env": [
                "tag": .tag(tag),
                "risky": .function { (x: Int32) in
                    if x > 10 { throw try WebAssembly.Exception(tag, [.i32(x * 2)]) }
                },
            ]])
        }
        let freed = try storeIsFreed { token in
            let instance = try instantiate()
            try instance.exports.keep(WebAssembly.ExternRef(token))
            #expect(try instance.exports.safe(50) as Int32 == 100)
        }
        #expect(freed)
        // The tag outlives its first store and works in the next one.
        let again = try instantiate()
        #expect(try again.exports.safe(5) as Int32 == -1)
        #expect(try again.exports.safe(60) as Int32 == 120)
    }

    @Test func hostFunctionCapturingAnExportedTag() throws {
        let definer = try wat(#"(module (tag (export "t") (param i32)) (func (export "keep") (param externref)))"#)
        let module = try wat(Self.thrower)
        let freed = try storeIsFreed { token in
            let inner = try WebAssembly.Instance(module: definer)
            try inner.exports.keep(WebAssembly.ExternRef(token))
            let tag = try #require(inner.exports.t.tag)
            // Importing the tag puts the host function into the tag's store.
            let outer = try WebAssembly.Instance(module: module, imports: ["env": [
                "tag": .tag(tag),
                "risky": .function { (x: Int32) in
                    if x > 10 { throw try WebAssembly.Exception(tag, [.i32(x + 1)]) }
                },
            ]])
            #expect(try outer.exports.safe(41) as Int32 == 42)
        }
        #expect(freed)
    }

    @Test func exportedFunctionKeepsItsStore() throws {
        // The other direction: what a caller still holds keeps the store alive.
        let module = try wat(#"(module (func (export "id") (param externref) (result externref) (local.get 0)))"#)
        weak var weakToken: Token?
        var id: WebAssembly.Function?
        do {
            let token = Token("kept")
            weakToken = token
            let instance = try WebAssembly.Instance(module: module)
            let exported = try #require(instance.exports.id.function)
            id = exported
            let back: WebAssembly.ExternRef = try instance.exports.id(WebAssembly.ExternRef(token))
            #expect(same(back.object, token))
        }
        #expect(weakToken != nil)
        do {
            let f = try #require(id)
            let again: WebAssembly.ExternRef = try f(WebAssembly.ExternRef(nil))
            #expect(again.object == nil)
        }
        id = nil
        #expect(weakToken == nil)
    }
}
