import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WasmBinary
import WasmCore
import WasmPlatform
import WasmText
import WasmValidation

/// read(2), under a name `ModuleFile.read` cannot hide.
private func readFile(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }

/// A failure reported to the user as one `error:` line (plus, for traps, the backtrace) and an exit code.
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32 = 1
    var description: String { message }
}

/// Reads a module file given on the command line: a binary module, or a text module (`.wat`, or any file whose
/// first non-blank character is `(` or `;`), which is encoded to binary first.
struct ModuleFile {
    let path: String
    /// The binary module (encoded from the text when the file is text).
    let bytes: [UInt8]
    let isText: Bool

    init(_ path: String) throws(CLIFailure) {
        self.path = path
        let raw = try Self.read(path)
        if Self.looksLikeText(raw) || (path.hasSuffix(".wat") && !Self.hasWasmMagic(raw)) {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw CLIFailure(message: "\(path): the text module is not valid UTF-8")
            }
            do { bytes = try WAT.encode(text) } catch {
                throw CLIFailure(message: "\(path):\(error.location): \(error.message)")
            }
            isText = true
        } else {
            bytes = raw
            isText = false
        }
    }

    /// The file's bytes, or a one-line failure naming the file and the reason.
    static func read(_ path: String) throws(CLIFailure) -> [UInt8] {
        let kind = fileKind(path)
        guard kind.exists else {
            throw CLIFailure(message: "\(path): no such file")
        }
        guard !kind.isDirectory else { throw CLIFailure(message: "\(path): is a directory, not a module") }
        guard let bytes = contents(path) else {
            throw CLIFailure(message: "\(path): cannot read the file (permission denied?)")
        }
        return bytes
    }

    /// The bytes of a regular file, read straight into the array (a module can be large: no intermediate copy),
    /// or nil if it is not a regular file or cannot be opened or read.
    static func contents(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Platform.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Swift.max(Int(info.st_size), 0)
        var failed = false
        // As many bytes as the file has, then whatever follows (a file that grew, or one whose size is not known).
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            guard let base = buffer.baseAddress else { return }
            while count < size {
                let n = readFile(fd, base + count, size - count)
                if n > 0 {
                    count += n
                } else if n == 0 {
                    return
                } else if errno != EINTR {
                    failed = true
                    return
                }
            }
        }
        guard !failed else { return nil }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { readFile(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0 ..< n])
            } else if n == 0 {
                return bytes
            } else if errno != EINTR {
                return nil
            }
        }
    }

    static func hasWasmMagic(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x00 && bytes[1] == 0x61 && bytes[2] == 0x73 && bytes[3] == 0x6D
    }

    /// True if the file starts (after white space) with "(" or ";": a text module.
    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        for b in bytes {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "("), UInt8(ascii: ";"): return true
            default: return false
            }
        }
        return false
    }

    /// The decoded module, or a failure with the byte offset of the malformation.
    func decode() throws(CLIFailure) -> Module {
        do { return try ModuleDecoder.decode(bytes) } catch {
            throw CLIFailure(message: "\(path): \(error)" + (isText ? " (in the binary encoded from the text)" : ""))
        }
    }

    /// Decodes and validates.
    func validate() throws(CLIFailure) -> Module {
        let module = try decode()
        do { try validateModule(module) } catch {
            throw CLIFailure(message: "\(path): \(error)")
        }
        return module
    }
}

/// A command whose output goes to the given streams (so tests can run it in-process) and whose failures are
/// `CLIFailure`s: one `error:` line on stderr and the failure's exit code.
protocol StreamingCommand: ParsableCommand {
    func execute(_ io: StandardStreams) throws(CLIFailure)
}

extension StreamingCommand {
    func run() throws {
        let code = exitCode(StandardStreams())
        if code != 0 { throw ExitCode(code) }
    }

    /// Runs the command; returns the exit code.
    func exitCode(_ io: StandardStreams) -> Int32 {
        do {
            try execute(io)
            return 0
        } catch {
            if !error.message.isEmpty { io.error(error.message) }
            return error.code
        }
    }
}

/// Writes `bytes` to `path`, or fails with one line.
func writeFile(_ path: String, _ bytes: [UInt8]) throws(CLIFailure) {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
        throw CLIFailure(message: "\(path): cannot write the file")
    }
}

/// Whether `path` exists, and whether it is a directory.
func fileKind(_ path: String) -> (exists: Bool, isDirectory: Bool) {
#if canImport(FoundationEssentials)
    var isDirectory = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    return (exists, isDirectory)
#else
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    return (exists, isDirectory.boolValue)
#endif
}
