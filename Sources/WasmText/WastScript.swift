import WasmCore

/// A position in a text file (1-based line and column).
public struct TextLocation: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// An error in WAT or WAST text, with where it happened.
public struct TextError: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: TextLocation
    public var message: String
    public init(_ message: String, at location: TextLocation) {
        self.message = message
        self.location = location
    }
    public var description: String { "\(location): \(message)" }
}

/// A module as written in a WAST script.
public enum WastModuleSource: Hashable, Sendable {
    /// A module in binary form: `(module binary "...")`, or an inline text module already encoded to binary.
    case binary([UInt8])
    /// `(module quote "...")`: text that must be parsed when the command runs (it may be malformed on purpose).
    case quote(String)
    /// An inline text module that failed to encode; running it reports this error.
    case textError(TextError)
}

/// A module command: `(module $id? ...)`, `(module definition $id? ...)`.
public struct WastModule: Hashable, Sendable {
    /// The `$id`, if any.
    public var name: String?
    public var source: WastModuleSource
    /// True for `(module definition ...)`: compile only, instantiate later with `(module instance ...)`.
    public var isDefinition: Bool
    public var location: TextLocation

    public init(name: String?, source: WastModuleSource, isDefinition: Bool = false, location: TextLocation) {
        self.name = name
        self.source = source
        self.isDefinition = isDefinition
        self.location = location
    }
}

/// A concrete value written in a script (arguments and exact expected results).
public enum WastValue: Hashable, Sendable {
    case i32(UInt32)
    case i64(UInt64)
    /// IEEE-754 bit pattern.
    case f32(UInt32)
    /// IEEE-754 bit pattern.
    case f64(UInt64)
    /// 16 bytes, little-endian lane order.
    case v128([UInt8])
    /// `ref.null ht`.
    case refNull(HeapType)
    /// `ref.extern N`: a host reference with identity N (an `externref`).
    case refExtern(UInt32)
    /// `ref.host N`: a host reference with identity N (an `anyref` host value).
    case refHost(UInt32)
}

/// What a NaN result must be.
public enum NaNKind: Hashable, Sendable {
    /// `nan:canonical`: the canonical NaN (either sign).
    case canonical
    /// `nan:arithmetic`: any NaN with the quiet bit set (either sign).
    case arithmetic
}

/// A pattern for one lane of an expected v128 result.
public enum WastLanePattern: Hashable, Sendable {
    /// An exact lane value (bits, zero-extended).
    case bits(UInt64)
    case nan(NaNKind)
}

/// An expected result in `assert_return`.
public indirect enum WastExpected: Hashable, Sendable {
    /// Exactly this value (floats compared bit for bit).
    case value(WastValue)
    case f32NaN(NaNKind)
    case f64NaN(NaNKind)
    /// A v128 result by shape (`i8`, `i16`, `i32`, `i64`, `f32`, `f64`) and lane patterns.
    case v128(shape: String, lanes: [WastLanePattern])
    /// `(ref.null)` with no heap type: any null reference.
    case anyNull
    /// `(ref.extern)` with no number: any non-null extern reference.
    case anyExtern
    /// `(ref.func)` with no index: any non-null function reference.
    case anyFunc
    /// `(ref.struct)`, `(ref.array)`, `(ref.i31)`, `(ref.eq)`, `(ref.any)`, `(ref.exn)`: any non-null reference of that kind.
    case anyRef(AbstractHeapType)
    /// `(either r1 r2 ...)`: one of these.
    case either([WastExpected])
}

/// A script action.
public enum WastAction: Hashable, Sendable {
    /// `(invoke $module? "name" args...)`.
    case invoke(module: String?, name: String, arguments: [WastValue])
    /// `(get $module? "name")`.
    case get(module: String?, name: String)
}

/// One command of a WAST script.
public enum WastCommand: Hashable, Sendable {
    /// Define (and, unless a definition, instantiate) a module.
    case module(WastModule)
    /// `(module instance $instance? $definition?)`.
    case moduleInstance(instance: String?, definition: String?, location: TextLocation)
    /// `(register "name" $module?)`.
    case register(name: String, module: String?, location: TextLocation)
    /// A bare action.
    case action(WastAction, location: TextLocation)
    case assertReturn(WastAction, [WastExpected], location: TextLocation)
    /// `(assert_trap action "message")`.
    case assertTrap(WastAction, message: String, location: TextLocation)
    /// `(assert_trap (module ...) "message")`: instantiation traps (e.g. in the start function).
    case assertModuleTrap(WastModule, message: String, location: TextLocation)
    case assertExhaustion(WastAction, message: String, location: TextLocation)
    /// `(assert_exception action)`: the action throws an uncaught WebAssembly exception.
    case assertException(WastAction, location: TextLocation)
    case assertMalformed(WastModule, message: String, location: TextLocation)
    case assertInvalid(WastModule, message: String, location: TextLocation)
    case assertUnlinkable(WastModule, message: String, location: TextLocation)
    case assertUninstantiable(WastModule, message: String, location: TextLocation)
    /// `(assert_malformed_custom module "message")`: a custom annotation or section is malformed.
    case assertMalformedCustom(WastModule, message: String, location: TextLocation)
    /// `(assert_invalid_custom module "message")`: a custom annotation or section is invalid.
    case assertInvalidCustom(WastModule, message: String, location: TextLocation)

    /// Where the command starts in the script.
    public var location: TextLocation {
        switch self {
        case .module(let m): m.location
        case .moduleInstance(_, _, let l), .register(_, _, let l), .action(_, let l), .assertReturn(_, _, let l),
             .assertTrap(_, _, let l), .assertModuleTrap(_, _, let l), .assertExhaustion(_, _, let l),
             .assertException(_, let l), .assertMalformed(_, _, let l), .assertInvalid(_, _, let l),
             .assertUnlinkable(_, _, let l), .assertUninstantiable(_, _, let l),
             .assertMalformedCustom(_, _, let l), .assertInvalidCustom(_, _, let l): l
        }
    }
}

/// A parsed WAST script.
public struct WastScript: Hashable, Sendable {
    public var commands: [WastCommand]
    public init(commands: [WastCommand]) { self.commands = commands }
}
