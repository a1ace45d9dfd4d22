import Testing
import Swasm

@Suite struct CallTests {
    static func makeModule() throws -> WebAssembly.Module {
        try wat("""
            (module
              (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
              (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
              (func (export "mulf") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
              (func (export "half") (param f64) (result f64) (f64.div (local.get 0) (f64.const 2)))
              (func (export "divmod") (param i32 i32) (result i32 i32)
                (i32.div_u (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))
              (func (export "nothing"))
              (func (export "isZero") (param i32) (result i32) (i32.eqz (local.get 0)))
              (func (export "getAdd") (result funcref) (ref.func $add))
              (elem declare func $add)
              (memory (export "memory") 1))
            """)
    }

    @Test func dynamicMemberCalls() throws {
        let instance = try WebAssembly.Instance(module: Self.makeModule())
        let sum: Int32 = try instance.exports.add(2, 3)
        #expect(sum == 5)
        let big: Int64 = try instance.exports.add64(Int64(1) << 40, 1)
        #expect(big == (1 << 40) + 1)
        let product: Float = try instance.exports.mulf(1.5, 4)
        #expect(product == 6)
        let half: Double = try instance.exports.half(5)
        #expect(half == 2.5)
        let asInt: Int = try instance.exports.add(40, 2)
        #expect(asInt == 42)
        let zero: Bool = try instance.exports.isZero(0)
        #expect(zero)
        try instance.exports.nothing()
    }

    @Test func untypedResultsAndValues() throws {
        let instance = try WebAssembly.Instance(module: Self.makeModule())
        let r = try instance.exports.add(2, 3)
        #expect(r == [.i32(5)])
        #expect(r.description == "5")
        #expect(try instance.exports.nothing().description == "()")
        #expect(try instance.exports.divmod(7, 2).description == "(3, 1)")
        let v: WebAssembly.Value = try instance.exports.half(1)
        #expect(v == .f64(0.5))
        let f = try #require(instance.exports.add.function)
        #expect(try f.call([.i32(1), .i32(2)]) == [.i32(3)])
        #expect(f.type == .init(parameters: [.i32, .i32], results: [.i32]))
        #expect(f.name == "add")
    }

    @Test func multiValueAsTuple() throws {
        let instance = try WebAssembly.Instance(module: Self.makeModule())
        let (q, r): (Int32, Int32) = try instance.exports.divmod(17, 5)
        #expect(q == 3 && r == 2)
        let divmod: (Int32, Int32) throws -> (Int32, Int32) = try instance.exports.divmod.typed()
        let (q2, r2) = try divmod(9, 4)
        #expect(q2 == 2 && r2 == 1)
    }

    @Test func subscriptAndTypedExports() throws {
        let instance = try WebAssembly.Instance(module: Self.makeModule())
        guard case .function(let add)? = instance.exports["add"] else {
            Issue.record("add is not a function")
            return
        }
        #expect(try add(1, 1) == [.i32(2)])
        let memory: WebAssembly.Memory? = instance.exports.memory
        #expect(memory?.pageCount == 1)
        #expect(instance.exports["missing"] == nil)
        #expect(instance.exports.names.contains("divmod"))
        #expect(instance.exports.all.map(\.name).count == instance.exports.names.count)
    }

    @Test func typedHandle() throws {
        let instance = try WebAssembly.Instance(module: Self.makeModule())
        let add: (Int32, Int32) throws -> Int32 = try instance.exports.add.typed()
        var total: Int32 = 0
        for i in 0..<10_000 { total = try add(total, Int32(i & 1)) }
        #expect(total == 5_000)
        let nothing: () throws -> Void = try instance.exports.nothing.typed()
        try nothing()
        // A signature that does not fit is rejected once, when the handle is made.
        #expect(throws: WebAssembly.TypeError.self) {
            let _: (Int64, Int64) throws -> Int64 = try instance.exports.add.typed()
        }
    }

    @Test func argumentErrors() throws {
        let instance = try WebAssembly.Instance(module: Self.makeModule())
        #expect(throws: WebAssembly.TypeError.self) { try instance.exports.add(1) }
        #expect(throws: WebAssembly.TypeError.self) { try instance.exports.missing() }
        #expect(throws: WebAssembly.TypeError.self) { try instance.exports.memory() }
        #expect(throws: WebAssembly.RangeError.self) { try instance.exports.add(Int64(1) << 40, 1) }
        #expect(throws: WebAssembly.TypeError.self) { let _: Float = try instance.exports.add(1, 2) }
    }

    @Test func funcrefRoundTrip() throws {
        let instance = try WebAssembly.Instance(module: Self.makeModule())
        let f: WebAssembly.Function = try instance.exports.getAdd()
        let three: Int32 = try f(1, 2)
        #expect(three == 3)
        #expect(f.isSame(as: try #require(instance.exports.add.function)))
    }

    /// A funcref read from a table is the object the export gives, whichever is asked for first.
    @Test func aTableElementIsTheExportedFunction() throws {
        let instance = try WebAssembly.Instance(module: wat("""
            (module (table (export "table") 2 funcref) (elem (i32.const 0) $f $g)
                    (func $f (export "f") (result i32) (i32.const 1)) (func $g (export "g") (result i32) (i32.const 2)))
            """))
        let table = try #require(instance.exports.table.table)
        guard case .funcref(let first?) = try table.get(0) else {
            Issue.record("expected a function")
            return
        }
        #expect(first.isSame(as: try #require(instance.exports.f.function)))
        let g = try #require(instance.exports.g.function)
        guard case .funcref(let second?) = try table.get(1) else {
            Issue.record("expected a function")
            return
        }
        #expect(second.isSame(as: g) && !second.isSame(as: first))
        #expect(try second() as Int32 == 2)
    }
}
