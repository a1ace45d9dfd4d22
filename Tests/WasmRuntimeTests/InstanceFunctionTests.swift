import Testing
import WasmCore
import WasmText
@testable import WasmRuntime

/// An instance's defined functions are headers in one buffer; their `FunctionInstance` objects are made when
/// something asks for one, once each (`ModuleInstance.function(_:)`, `FunctionInstance.from(cell:)`).
@Suite struct InstanceFunctionTests {
    /// The object of the function `instance` exports as `name`.
    func export(_ instance: ModuleInstance, _ name: String) throws -> FunctionInstance {
        guard case .function(let f)? = instance.export(name) else { throw LinkError("no function export \(name)") }
        return f
    }

    @Test func anExportLookedUpTwiceIsTheSameObject() throws {
        let (_, instance) = try instantiate("""
            (module (func $a (export "a") (export "alias") (result i32) (i32.const 1))
                    (func $b (export "b") (result i32) (i32.const 2)))
            """)
        #expect(instance.materializedFunctionCount == 0)
        let a = try export(instance, "a")
        #expect(instance.materializedFunctionCount == 1)
        #expect(try export(instance, "a") === a)
        #expect(try export(instance, "alias") === a)
        #expect(instance.function(0) === a)
        #expect(instance.materializedFunctionCount == 1)
        #expect(try export(instance, "b") !== a)
        #expect(instance.materializedFunctionCount == 2)
        #expect(instance.function(2) == nil && instance.function(-1) == nil)
    }

    /// Instantiating makes no function object: not for calls between functions, nor for table elements,
    /// nor for `ref.func` in globals, nor for catching an exception; each object that is asked for is made once.
    @Test func noFunctionObjectExistsUntilOneIsAskedFor() throws {
        var wat = "(module (table 4 funcref) (elem (i32.const 0) $f0 $f1 $f2)"
        wat += " (global (export \"g\") funcref (ref.func $f3))"
        for i in 0..<1000 {
            wat += " (func $f\(i) (param i32) (result i32) (i32.add (local.get 0) (i32.const \(i))))"
        }
        wat += " (func (export \"run\") (param i32) (result i32) (call $f999 (call_indirect (param i32) (result i32) (local.get 0) (i32.const 2))))"
        wat += " (func $trapper (unreachable)) (func (export \"fail\") (call $trapper))"
        wat += " (tag $e (param i32)) (func $thrower (param i32) (throw $e (local.get 0)))"
        wat += " (func $catcher (param i32) (result i32) (block $h (result i32)"
        wat += "   (try_table (catch $e $h) (call $thrower (local.get 0))) (i32.const -1)))"
        wat += " (func (export \"catching\") (param i32) (result i32) (call $catcher (local.get 0))))"
        let (store, instance) = try instantiate(wat)
        #expect(instance.functionCount == 1006)
        #expect(instance.materializedFunctionCount == 0)

        #expect(try call(store, instance, "run", [5]) == [5 + 2 + 999])
        #expect(instance.materializedFunctionCount == 1)  // "run": the export lookup
        #expect(try call(store, instance, "catching", [9]) == [9])
        #expect(instance.materializedFunctionCount == 2)  // "catching"

        // A backtrace names its functions: their objects are made then ("fail" was looked up as an export).
        do {
            _ = try call(store, instance, "fail")
            Issue.record("expected a trap")
        } catch let ExecutionError.trap(_, backtrace) {
            #expect(backtrace == ["trapper (func 1001)", "func 1002"])
        }
        #expect(instance.materializedFunctionCount == 4)

        // A funcref read back from a table or a global gives the object of its function.
        let cell = instance.tables[0].elements[1]
        let f1 = try #require(FunctionInstance.from(cell: cell))
        #expect(f1.functionIndex == 1 && f1.definingInstance === instance)
        #expect(f1.referenceCell == cell)
        #expect(FunctionInstance.from(cell: cell) === f1)
        #expect(instance.function(1) === f1)
        guard case .global(let g)? = instance.export("g") else { throw LinkError("no global g") }
        #expect(FunctionInstance.from(cell: g.value) === instance.function(3))
        #expect(instance.materializedFunctionCount == 6)
    }

    @Test func aFuncrefInATableIsTheExportedObject() throws {
        let (_, instance) = try instantiate("""
            (module (table 2 funcref) (elem (i32.const 0) $f $g)
                    (func $f (export "f")) (func $g (export "g")))
            """)
        // Through the cell first, then the export, and the other way round.
        let f = try #require(FunctionInstance.from(cell: instance.tables[0].elements[0]))
        #expect(try export(instance, "f") === f)
        let g = try export(instance, "g")
        #expect(FunctionInstance.from(cell: instance.tables[0].elements[1]) === g)
        #expect(g.referenceCell == instance.tables[0].elements[1])
    }

    /// A funcref of instance A stored in instance B's table: B calls it (in A's context), and reading it back
    /// gives A's object of the function.
    @Test func aFuncrefCrossesInstances() throws {
        let store = Store()
        let a = try store.instantiate(try compileModule(try WAT.encode("""
            (module (global $n (mut i32) (i32.const 40))
                    (func $hidden (result i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n))
                    (elem declare func $hidden)
                    (func (export "get") (result funcref) (ref.func $hidden)))
            """))) { _, _ in nil }
        let b = try store.instantiate(try compileModule(try WAT.encode("""
            (module (table 1 funcref) (global $n (mut i32) (i32.const 0))
                    (func (export "put") (param funcref) (table.set (i32.const 0) (local.get 0)))
                    (func (export "callIt") (result i32) (call_indirect (result i32) (i32.const 0))))
            """))) { _, _ in nil }
        let cell = try call(store, a, "get")[0]
        #expect(a.materializedFunctionCount == 1)  // "get"
        _ = try call(store, b, "put", [cell])
        #expect(b.tables[0].elements[0] == cell)
        #expect(try call(store, b, "callIt") == [41])
        #expect(try call(store, b, "callIt") == [42])
        let hidden = try #require(FunctionInstance.from(cell: b.tables[0].elements[0]))
        #expect(hidden.definingInstance === a && hidden.functionIndex == 0)
        #expect(a.function(0) === hidden)
        #expect(try store.invoke(hidden, arguments: []) == [43])
    }

    /// An instance, its headers and the function objects made for it go with its store.
    @Test func theInstanceAndItsFunctionsAreFreedWithTheStore() throws {
        weak var weakInstance: ModuleInstance?
        weak var weakFunction: FunctionInstance?
        weak var weakStore: Store?
        do {
            let (store, instance) = try instantiate("""
                (module (table 1 funcref) (elem (i32.const 0) $f)
                        (func $f (export "f") (result i32) (i32.const 7)) (func (export "unused")))
                """)
            let f = try export(instance, "f")
            #expect(try store.invoke(f, arguments: []) == [7])
            weakInstance = instance
            weakFunction = f
            weakStore = store
        }
        #expect(weakStore == nil)
        #expect(weakInstance == nil)
        #expect(weakFunction == nil)
    }
}
