import WasmCore
import WasmRuntime

/// One engine store and the bookkeeping the Swift API keeps next to it.
///
/// Every ``WebAssembly/Instance`` has one; instances linked by store-bound imports share one. Used from one
/// thread at a time (see the threading model on ``WebAssembly``).
@usableFromInline
final class StoreContext {
    let store: Store
    /// One extern object per Swift object, so an object passed in twice is the same reference in wasm.
    private var externObjects: [ObjectIdentifier: ExternObject] = [:]

    init(limits: WebAssembly.Limits) {
        store = Store(limits: limits.storeLimits)
    }

    // MARK: Values <-> cells

    /// The raw cell for `value`, which must have `type` (see ``WebAssembly/Value/wasmValue(as:)``).
    @usableFromInline
    func cell(_ value: WebAssembly.Value, _ type: WebAssembly.ValueType) throws -> UInt64 {
        let v = try value.wasmValue(as: type)
        switch v {
        case .i32(let x): return UInt64(UInt32(bitPattern: x))
        case .i64(let x): return UInt64(bitPattern: x)
        case .f32(let x): return UInt64(x.bitPattern)
        case .f64(let x): return x.bitPattern
        case .funcref(let f):
            guard let f else { return 0 }
            guard f.context === self else {
                throw WebAssembly.TypeError("the function belongs to another store; link the instances to share functions")
            }
            return f.handle.referenceCell
        case .externref(let o):
            guard let o else { return 0 }
            if case .ref(let r) = type, r.heapType.family == .gc {
                throw WebAssembly.TypeError("GC references (\(type)) are not supported by the Swift API yet")
            }
            return externObject(for: o).cellValue
        case .exnref(let e):
            guard let e else { return 0 }
            return try e.materialize(in: self).referenceCell
        }
    }

    /// The value of a raw cell of `type`.
    @usableFromInline
    func value(_ cell: UInt64, _ type: WebAssembly.ValueType) -> WebAssembly.Value {
        switch type {
        case .i32: return .i32(Int32(truncatingIfNeeded: cell))
        case .i64: return .i64(Int64(bitPattern: cell))
        case .f32: return .f32(Float(bitPattern: UInt32(truncatingIfNeeded: cell)))
        case .f64: return .f64(Double(bitPattern: cell))
        case .v128: return .i64(Int64(bitPattern: cell))
        case .ref(let r):
            switch r.heapType.family {
            case .function:
                return .funcref(FunctionInstance.fromReferenceCell(cell).map { WebAssembly.Function(handle: $0, context: self) })
            case .exception:
                return .exnref(ExceptionInstance.fromReferenceCell(cell).map { WebAssembly.Exception(instance: $0, context: self) })
            case .extern:
                return .externref(ExternObject.fromReferenceCell(cell).map { $0.value as AnyObject })
            case .gc:
                // GC references are not host objects; the API does not expose them yet.
                return .externref(nil)
            }
        }
    }

    func value(_ cell: UInt64, _ type: WasmCore.ValueType) -> WebAssembly.Value {
        value(cell, WebAssembly.ValueType(type))
    }

    func externObject(for object: AnyObject) -> ExternObject {
        let id = ObjectIdentifier(object)
        if let e = externObjects[id] { return e }
        let e = store.makeExternObject(object)
        externObjects[id] = e
        return e
    }

    // MARK: Calls

    /// Calls `function` with argument cells; maps engine errors to the API's errors.
    func invoke(_ function: FunctionInstance, _ arguments: [UInt64]) throws -> [UInt64] {
        do {
            return try store.invoke(function, arguments: arguments)
        } catch {
            throw translate(error)
        }
    }

    /// Calls `function` with values, checking them against its type.
    func call(_ function: FunctionInstance, _ arguments: [WebAssembly.Value]) throws -> [WebAssembly.Value] {
        let type = function.type
        guard arguments.count == type.parameters.count else {
            throw WebAssembly.TypeError("\(describe(function)) takes \(type.parameters.count) argument(s), got \(arguments.count)")
        }
        var cells: [UInt64] = []
        cells.reserveCapacity(arguments.count)
        for (a, t) in zip(arguments, type.parameters) { cells.append(try cell(a, WebAssembly.ValueType(t))) }
        let results = try invoke(function, cells)
        return zip(results, type.results).map { value($0, $1) }
    }

    func describe(_ f: FunctionInstance) -> String { f.name.map { "function \"\($0)\"" } ?? "the function" }

    /// Maps an engine execution error: traps become ``WebAssembly/RuntimeError``, wasm exceptions
    /// ``WebAssembly/Exception``, and a host function's error comes back unchanged.
    func translate(_ error: ExecutionError) -> any Error {
        switch error {
        case .trap(let t, let backtrace): WebAssembly.RuntimeError(t, backtrace: backtrace)
        case .exception(let e): WebAssembly.Exception(instance: e, context: self)
        case .host(let e): e
        }
    }
}
