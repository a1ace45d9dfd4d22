import WasmBinary
import WasmRuntime
import WasmValidation

extension WebAssembly {
    /// The bytes are not a valid module (`WebAssembly.CompileError`): malformed, invalid, or beyond an
    /// implementation limit.
    public struct CompileError: Error, Hashable, Sendable, CustomStringConvertible {
        /// Why compilation failed.
        public enum Reason: Hashable, Sendable {
            /// The binary is malformed (it does not decode).
            case malformed
            /// The module decodes but does not validate.
            case invalid
            /// The module is valid but exceeds a limit of this implementation.
            case unsupported
        }

        /// Why compilation failed.
        public var reason: Reason
        /// The reason, in the WebAssembly testsuite's wording (for example "type mismatch").
        public var message: String
        /// The absolute byte offset in the module binary where the problem is, when known.
        public var offset: Int?

        /// Creates a compile error.
        public init(reason: Reason, message: String, offset: Int? = nil) {
            self.reason = reason
            self.message = message
            self.offset = offset
        }

        /// Like "invalid module at byte 0x2a: type mismatch".
        public var description: String {
            let what: String
            switch reason {
            case .malformed: what = "malformed module"
            case .invalid: what = "invalid module"
            case .unsupported: what = "unsupported module"
            }
            return offset.map { "\(what) at byte 0x\(String($0, radix: 16)): \(message)" } ?? "\(what): \(message)"
        }

        init(_ e: WasmRuntime.CompileError) {
            switch e {
            case .malformed(let d): self.init(reason: .malformed, message: d.message, offset: d.offset)
            case .invalid(let v): self.init(reason: .invalid, message: v.message, offset: v.offset)
            case .unsupported(let m): self.init(reason: .unsupported, message: m)
            }
        }

        init(_ e: DecodeError) {
            self.init(reason: .malformed, message: e.message, offset: e.offset)
        }
    }

    /// The imports do not fit the module (`WebAssembly.LinkError`): one is missing or has the wrong type, or
    /// a memory or table would exceed the store's limits.
    public struct LinkError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The import's module name, when the error is about an import.
        public var module: String?
        /// The import's field name, when the error is about an import.
        public var name: String?
        /// What is wrong, naming the import (for example
        /// `incompatible import type for "env" "log": function type mismatch`).
        public var message: String

        /// Creates a link error.
        public init(module: String? = nil, name: String? = nil, message: String) {
            self.module = module
            self.name = name
            self.message = message
        }

        /// The message.
        public var description: String { message }
    }

    /// WebAssembly code trapped (`WebAssembly.RuntimeError`).
    ///
    /// Carries the trap's ``kind`` and the wasm call stack at the trap, innermost first, with function names
    /// from the module's name section where it has them (for example `["divide (func 1)", "main (func 2)"]`).
    public struct RuntimeError: Error, Hashable, Sendable, CustomStringConvertible {
        /// What went wrong.
        public enum Kind: Hashable, Sendable, CustomStringConvertible {
            /// The `unreachable` instruction ran.
            case unreachable
            /// Integer division or remainder by zero.
            case integerDivideByZero
            /// Signed division overflow (`INT_MIN / -1`).
            case integerOverflow
            /// A float-to-integer truncation of NaN or an out-of-range value.
            case invalidConversionToInteger
            /// A load, store or bulk memory operation outside the memory.
            case outOfBoundsMemoryAccess
            /// A table access outside the table.
            case outOfBoundsTableAccess
            /// `call_indirect` with an index past the end of the table.
            case undefinedElement
            /// `call_indirect` through a null table entry.
            case uninitializedElement
            /// `call_indirect` to a function of another type.
            case indirectCallTypeMismatch
            /// `call_ref` or `return_call_ref` with a null reference.
            case nullFunctionReference
            /// An operation on a null reference that needs a non-null one (`ref.as_non_null`, ...).
            case nullReference
            /// `throw_ref` with a null exception reference.
            case nullExceptionReference
            /// Too many nested calls (``Limits/maxCallDepth``).
            case callStackExhausted
            /// The fuel budget is used up (``Limits/fuel``).
            case outOfFuel
            /// Stopped by an ``InterruptHandle``.
            case interrupted
            /// Stopped because the deadline passed (``Instance/deadline``).
            case deadlineExceeded
            /// Any other trap, with its message.
            case other(String)

            /// The trap message, in the testsuite's wording.
            public var description: String {
                switch self {
                case .unreachable: "unreachable"
                case .integerDivideByZero: "integer divide by zero"
                case .integerOverflow: "integer overflow"
                case .invalidConversionToInteger: "invalid conversion to integer"
                case .outOfBoundsMemoryAccess: "out of bounds memory access"
                case .outOfBoundsTableAccess: "out of bounds table access"
                case .undefinedElement: "undefined element"
                case .uninitializedElement: "uninitialized element"
                case .indirectCallTypeMismatch: "indirect call type mismatch"
                case .nullFunctionReference: "null function reference"
                case .nullReference: "null reference"
                case .nullExceptionReference: "null exception reference"
                case .callStackExhausted: "call stack exhausted"
                case .outOfFuel: "all fuel consumed"
                case .interrupted: "interrupted"
                case .deadlineExceeded: "deadline exceeded"
                case .other(let m): m
                }
            }
        }

        /// What went wrong.
        public var kind: Kind
        /// The full trap message.
        public var message: String
        /// The active wasm functions at the trap, innermost first (name-section names where known).
        public var backtrace: [String]

        /// Creates a runtime error.
        public init(kind: Kind, message: String? = nil, backtrace: [String] = []) {
            self.kind = kind
            self.message = message ?? kind.description
            self.backtrace = backtrace
        }

        /// The message, then the backtrace, one "  at function" line per frame; runs of the same function (deep
        /// recursion) are folded into one line, and a very deep stack shows its innermost and outermost frames.
        public var description: String {
            ([message] + backtraceLines(backtrace).map { "  \($0)" }).joined(separator: "\n")
        }

        init(_ trap: Trap, backtrace: [String]) {
            let kind: Kind
            switch trap {
            case .unreachable: kind = .unreachable
            case .integerDivideByZero: kind = .integerDivideByZero
            case .integerOverflow: kind = .integerOverflow
            case .invalidConversionToInteger: kind = .invalidConversionToInteger
            case .outOfBoundsMemoryAccess: kind = .outOfBoundsMemoryAccess
            case .outOfBoundsTableAccess: kind = .outOfBoundsTableAccess
            case .undefinedElement: kind = .undefinedElement
            case .uninitializedElement: kind = .uninitializedElement
            case .indirectCallTypeMismatch: kind = .indirectCallTypeMismatch
            case .nullFunctionReference: kind = .nullFunctionReference
            case .nullReference: kind = .nullReference
            case .nullExceptionReference: kind = .nullExceptionReference
            case .callStackExhausted: kind = .callStackExhausted
            case .outOfFuel: kind = .outOfFuel
            case .interrupted: kind = .interrupted
            case .deadlineExceeded: kind = .deadlineExceeded
            default: kind = .other(trap.description)
            }
            self.init(kind: kind, message: trap.description, backtrace: backtrace)
        }
    }

    /// A value does not have the type the API needs (like JavaScript's `TypeError`): a wrong argument count or
    /// type, a missing export, or setting an immutable global.
    public struct TypeError: Error, Hashable, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// Creates a type error.
        public init(_ message: String) { self.message = message }
        /// The message.
        public var description: String { message }
    }

    /// An index or size is out of range (like JavaScript's `RangeError`): a memory access past the end, or a
    /// `grow` beyond the maximum.
    public struct RangeError: Error, Hashable, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// Creates a range error.
        public init(_ message: String) { self.message = message }
        /// The message.
        public var description: String { message }
    }
}
