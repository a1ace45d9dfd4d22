import Foundation
import Synchronization
import Testing
import Swasm
import WasmText

/// A one-purpose HTTP/1.1 server on 127.0.0.1 for the streaming tests: serves `body` in small chunks with
/// pauses between them, to at most `requests` connections, then stops; it also stops after 20 seconds
/// without a connection.
final class TinyHTTPServer: Sendable {
    let port: UInt16
    private let listener: Int32
    private let done = DispatchSemaphore(value: 0)

    init(body: [UInt8], status: String = "200 OK", chunkSize: Int = 16, requests: Int = 1) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HostFailure(code: 1) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else {
            close(fd)
            throw HostFailure(code: 2)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        let done = self.done
        Thread.detachNewThread {
            defer {
                close(fd)
                done.signal()
            }
            for _ in 0..<requests {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 20_000) > 0 else { return }
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                // Read the request head (bounded).
                var request: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 1024)
                while request.count < 16_384, !request.ends(with: Array("\r\n\r\n".utf8)) {
                    let n = read(client, &buffer, buffer.count)
                    if n <= 0 { break }
                    request += buffer[0..<n]
                }
                let head = "HTTP/1.1 \(status)\r\nContent-Type: application/wasm\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
                _ = Array(head.utf8).withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                var offset = 0
                while offset < body.count {
                    let end = min(offset + chunkSize, body.count)
                    _ = body[offset..<end].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                    offset = end
                    usleep(1_000)
                }
                close(client)
            }
        }
    }

    /// Waits until the server thread has finished (bounded).
    func waitUntilStopped() -> Bool { done.wait(timeout: .now() + 30) == .success }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/module.wasm") ?? URL(fileURLWithPath: "/") }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

@Suite(.serialized) struct StreamingTests {
    static let source = """
        (module
          (import "env" "log" (func $log (param i32)))
          (func (export "answer") (result i32) (call $log (i32.const 42)) (i32.const 42))
          (func (export "pad0") (result i64) (i64.const 1234567890123))
          (func (export "pad1") (result f64) (f64.const 3.25)))
        """

    @Test func compileStreamingFromFileURL() async throws {
        let bytes = try WAT.encode(Self.source)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-stream-\(UUID().uuidString).wasm")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let module = try await WebAssembly.compileStreaming(file)
        #expect(module.exports.map(\.name) == ["answer", "pad0", "pad1"])
        let logged = Mutex<[Int32]>([])
        let (_, instance) = try await WebAssembly.instantiateStreaming(file, imports: [
            "env": ["log": .function { (x: Int32) in logged.withLock { $0.append(x) } }],
        ])
        #expect(try instance.exports.answer() as Int32 == 42)
        #expect(logged.withLock { $0 } == [42])
    }

    @Test func compileStreamingFromChunks() async throws {
        let bytes = try WAT.encode(Self.source)
        let chunks = AsyncStream<[UInt8]> { c in
            var i = 0
            while i < bytes.count {
                c.yield(Array(bytes[i..<min(i + 7, bytes.count)]))
                i += 7
            }
            c.finish()
        }
        let module = try await WebAssembly.compileStreaming(chunks)
        #expect(module.exports.count == 3)
    }

    @Test func malformedBytesFailBeforeTheStreamEnds() async throws {
        // The first chunk has a bad magic number; the error must come without waiting for the rest.
        let pulled = Mutex(0)
        let chunks = AsyncStream<[UInt8]> { () -> [UInt8]? in
            let n = pulled.withLock { $0 += 1; return $0 }
            if n > 1000 { return nil }
            return n == 1 ? [0x00, 0x61, 0x73, 0x6E, 1, 0, 0, 0] : [0, 0, 0, 0]
        }
        do {
            _ = try await WebAssembly.compileStreaming(chunks)
            Issue.record("expected a compile error")
        } catch let e as WebAssembly.CompileError {
            #expect(e.offset == 0)
            #expect(e.message == "magic header not detected")
        }
        #expect(pulled.withLock { $0 } == 1)
    }

    @Test func compileStreamingOverHTTP() async throws {
        let bytes = try WAT.encode(Self.source)
        let server = try TinyHTTPServer(body: bytes, chunkSize: 10, requests: 2)
        let module = try await WebAssembly.compileStreaming(server.url)
        #expect(module.exports.map(\.name) == ["answer", "pad0", "pad1"])
        let (_, instance) = try await WebAssembly.instantiateStreaming(server.url, imports: [
            "env": ["log": .function { (x: Int32) in _ = x }],
        ])
        #expect(try instance.exports.answer() as Int32 == 42)
        #expect(server.waitUntilStopped())
    }

    @Test func httpErrorStatus() async throws {
        let server = try TinyHTTPServer(body: Array("not here".utf8), status: "404 Not Found")
        await #expect(throws: WebAssembly.TypeError.self) { try await WebAssembly.compileStreaming(server.url) }
        #expect(server.waitUntilStopped())
    }
}
