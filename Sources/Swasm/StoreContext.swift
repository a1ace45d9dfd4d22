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
    //
    // A value takes `type.cellCount` cells: one, or two for a v128 (bytes 0-7, then 8-15), in frames, call
    // arguments and results, host-call slots, exception payloads and globals alike.

    /// Writes the cells of `value`, which must have `type` (see ``WebAssembly/Value/wasmValue(as:)``), to
    /// `slots`: `type.cellCount` of them.
    @usableFromInline
    func write(_ value: WebAssembly.Value, _ type: WebAssembly.ValueType, to slots: UnsafeMutablePointer<UInt64>) throws {
        let v = try value.wasmValue(as: type)
        if case .v128(let x) = v {
            slots[0] = x.low
            slots[1] = x.high
        } else {
            slots[0] = try singleCell(v, type)
        }
    }

    /// Appends the cells of `value`, which must have `type`, to `cells`.
    func append(_ value: WebAssembly.Value, _ type: WebAssembly.ValueType, to cells: inout [UInt64]) throws {
        let v = try value.wasmValue(as: type)
        if case .v128(let x) = v {
            cells.append(x.low)
            cells.append(x.high)
        } else {
            cells.append(try singleCell(v, type))
        }
    }

    /// The cells of `values` of `types` (one for one), one after another.
    func cells(_ values: [WebAssembly.Value], _ types: [WebAssembly.ValueType]) throws -> [UInt64] {
        var cells: [UInt64] = []
        cells.reserveCapacity(types.reduce(0) { $0 + $1.cellCount })
        for (v, t) in zip(values, types) { try append(v, t, to: &cells) }
        return cells
    }

    /// The one cell of `value` of a type that takes one cell (a table element: a reference).
    func cell(_ value: WebAssembly.Value, _ type: WebAssembly.ValueType) throws -> UInt64 {
        guard type.cellCount == 1 else { throw WebAssembly.TypeError("a \(type) takes two cells, not one") }
        return try singleCell(value.wasmValue(as: type), type)
    }

    /// The cell of `v`, already converted to `type`, which is not `v128`.
    private func singleCell(_ v: WebAssembly.Value, _ type: WebAssembly.ValueType) throws -> UInt64 {
        switch v {
        case .i32(let x): return UInt64(UInt32(bitPattern: x))
        case .i64(let x): return UInt64(bitPattern: x)
        case .f32(let x): return UInt64(x.bitPattern)
        case .f64(let x): return x.bitPattern
        case .v128:
            throw WebAssembly.TypeError("a v128 cannot be passed as \(type)")
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

    /// The value of `type` whose cells are at `slots` (`type.cellCount` of them).
    @usableFromInline
    func value(at slots: UnsafePointer<UInt64>, _ type: WebAssembly.ValueType) -> WebAssembly.Value {
        type == .v128 ? .v128(WebAssembly.V128(low: slots[0], high: slots[1])) : value(slots[0], type)
    }

    /// The values of `types` read one after another from `cells`; cells missing at the end read as 0.
    func values(_ cells: [UInt64], _ types: [WebAssembly.ValueType]) -> [WebAssembly.Value] {
        var offset = 0
        return types.map { t in
            defer { offset += t.cellCount }
            return value(cells, at: offset, t)
        }
    }

    func values(_ cells: [UInt64], _ types: [WasmCore.ValueType]) -> [WebAssembly.Value] {
        values(cells, types.map(WebAssembly.ValueType.init))
    }

    /// The value of `type` whose cells start at `cells[offset]`; cells past the end read as 0.
    func value(_ cells: [UInt64], at offset: Int, _ type: WebAssembly.ValueType) -> WebAssembly.Value {
        let first = offset >= 0 && offset < cells.count ? cells[offset] : 0
        guard type == .v128 else { return value(first, type) }
        let second = offset >= 0 && offset + 1 < cells.count ? cells[offset + 1] : 0
        return .v128(WebAssembly.V128(low: first, high: second))
    }

    /// The value of a raw cell of a one-cell `type` (for `v128`, the vector whose low half is `cell`).
    func value(_ cell: UInt64, _ type: WebAssembly.ValueType) -> WebAssembly.Value {
        switch type {
        case .i32: return .i32(Int32(truncatingIfNeeded: cell))
        case .i64: return .i64(Int64(bitPattern: cell))
        case .f32: return .f32(Float(bitPattern: UInt32(truncatingIfNeeded: cell)))
        case .f64: return .f64(Double(bitPattern: cell))
        case .v128: return .v128(WebAssembly.V128(low: cell, high: 0))
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
        let cells = try cells(arguments, type.parameters.map(WebAssembly.ValueType.init))
        return values(try invoke(function, cells), type.results)
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
