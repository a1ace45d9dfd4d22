import Foundation
import Swasm

/// Paths the tests use.
enum Paths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let programs = testsDirectory.appendingPathComponent("Programs")
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let examples = packageRoot.appendingPathComponent("Examples")
}

/// Compiles a module from WAT.
func wat(_ text: String) throws -> WebAssembly.Module { try WebAssembly.Module(wat: text) }

/// A Swift class whose identity the externref tests check.
final class Token: CustomStringConvertible {
    let name: String
    init(_ name: String) { self.name = name }
    var description: String { "Token(\(name))" }
}

struct HostFailure: Error, Equatable { let code: Int }

/// Whether `a` is the identical object `b` (a function, so `#expect` does not expand `===` itself).
func same(_ a: AnyObject?, _ b: AnyObject) -> Bool { a === b }
