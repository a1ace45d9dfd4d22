import WasmCore

/// A WebAssembly trap: execution stopped, the embedder gets this value.
package enum Trap: Error, Hashable, Sendable, CustomStringConvertible {
    case unreachable
    case integerDivideByZero
    case integerOverflow
    case invalidConversionToInteger
    case outOfBoundsMemoryAccess
    case outOfBoundsTableAccess
    /// A table index out of bounds in `call_indirect`.
    case undefinedElement(UInt64)
    /// A null table entry in `call_indirect`.
    case uninitializedElement(UInt64)
    case indirectCallTypeMismatch
    case nullFunctionReference
    case nullReference
    case nullExceptionReference
    case callStackExhausted
    case outOfFuel
    /// Stopped by the store's interrupt handle.
    case interrupted
    /// Stopped because the store's deadline passed.
    case deadlineExceeded
    /// A trap raised by a host function or the embedding, with its message.
    case host(String)

    /// The message, as the spec testsuite spells it.
    package var description: String {
        switch self {
        case .unreachable: "unreachable"
        case .integerDivideByZero: "integer divide by zero"
        case .integerOverflow: "integer overflow"
        case .invalidConversionToInteger: "invalid conversion to integer"
        case .outOfBoundsMemoryAccess: "out of bounds memory access"
        case .outOfBoundsTableAccess: "out of bounds table access"
        case .undefinedElement(let i): "undefined element \(i)"
        case .uninitializedElement(let i): "uninitialized element \(i)"
        case .indirectCallTypeMismatch: "indirect call type mismatch"
        case .nullFunctionReference: "null function reference"
        case .nullReference: "null reference"
        case .nullExceptionReference: "null exception reference"
        case .callStackExhausted: "call stack exhausted"
        case .outOfFuel: "all fuel consumed"
        case .interrupted: "interrupted"
        case .deadlineExceeded: "deadline exceeded"
        case .host(let m): m
        }
    }
}

/// The traps without a payload, one byte each: the interpreter's handlers report them with a plain store.
enum TrapCode: UInt8 {
    case none
    case unreachable
    case integerDivideByZero
    case integerOverflow
    case invalidConversionToInteger
    case outOfBoundsMemoryAccess
    case nullReference
    case callStackExhausted

    /// The trap, or nil for `.none`.
    var trap: Trap? {
        switch self {
        case .none: nil
        case .unreachable: .unreachable
        case .integerDivideByZero: .integerDivideByZero
        case .integerOverflow: .integerOverflow
        case .invalidConversionToInteger: .invalidConversionToInteger
        case .outOfBoundsMemoryAccess: .outOfBoundsMemoryAccess
        case .nullReference: .nullReference
        case .callStackExhausted: .callStackExhausted
        }
    }
}

/// Why running wasm code stopped abnormally.
package enum ExecutionError: Error, CustomStringConvertible {
    /// A trap, with the wasm backtrace (innermost first) as function indices and names.
    case trap(Trap, backtrace: [String])
    /// An uncaught WebAssembly exception.
    case exception(ExceptionInstance)
    /// A Swift error thrown by a host function, passed through unchanged.
    case host(any Error)

    package var description: String {
        switch self {
        case .trap(let t, let bt): bt.isEmpty ? t.description : "\(t)\n" + bt.map { "  at \($0)" }.joined(separator: "\n")
        case .exception: "uncaught wasm exception"
        case .host(let e): "\(e)"
        }
    }
}

/// Why instantiation failed before running any code.
package struct LinkError: Error, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Backtrace lines, innermost first: runs of the same function are folded into one line ("at f (func 3)  (19998
/// nested calls)"), and a stack of more than 30 such lines shows its innermost 20 and outermost 5.
package func backtraceLines(_ frames: [String]) -> [String] {
    var groups: [(name: String, count: Int)] = []
    for f in frames {
        if let last = groups.last, last.name == f { groups[groups.count - 1].count += 1 } else { groups.append((f, 1)) }
    }
    var lines = groups.map { $0.count == 1 ? "at \($0.name)" : "at \($0.name)  (\($0.count) nested calls)" }
    if lines.count > 30 {
        let hidden = lines.count - 25
        lines = Array(lines.prefix(20)) + ["... \(hidden) more frames ..."] + Array(lines.suffix(5))
    }
    return lines
}
