/// A malformed binary: the byte offset where decoding failed and a spec-style message.
public struct DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Absolute byte offset in the module binary.
    public var offset: Int
    /// The reason, using the WebAssembly testsuite's wording (e.g. "unexpected end").
    public var message: String

    /// Creates an error at an absolute byte offset.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// "malformed module at byte 0x…: message".
    public var description: String {
        "malformed module at byte 0x\(String(offset, radix: 16)): \(message)"
    }
}
