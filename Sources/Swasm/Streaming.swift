import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import WasmBinary

extension WebAssembly {
    /// Compiles a module from a URL while its bytes arrive (`WebAssembly.compileStreaming(fetch(url))`).
    ///
    /// `file:` URLs are read in chunks; `http:`/`https:` URLs are downloaded with `URLSession`, and each chunk
    /// is decoded as soon as it arrives: sections are decoded (and malformed bytes reported) while the rest
    /// is still downloading; validation and translation run when the last byte has arrived.
    /// - Throws: ``CompileError``; ``TypeError`` for an HTTP error status; `URLError` or a file error when
    ///   the bytes cannot be read.
    nonisolated(nonsending)
    public static func compileStreaming(_ url: URL) async throws -> Module {
        if url.isFileURL {
            return try await compileStreaming(FileChunks(url: url))
        }
        return try await compileStreaming(HTTPChunks(url: url))
    }

    /// Compiles a module from chunks of bytes delivered by an async sequence, decoding each chunk as it
    /// arrives.
    nonisolated(nonsending)
    public static func compileStreaming<S: AsyncSequence>(_ chunks: S) async throws -> Module
    where S.Element: Collection<UInt8> {
        var decoder = ModuleDecoder()
        for try await chunk in chunks {
            do { try decoder.append(chunk) } catch { throw CompileError(error) }
        }
        let decoded: WasmCore_Module
        do { decoded = try decoder.finish() } catch { throw CompileError(error) }
        return try Module(decoded: decoded)
    }

    /// Compiles and instantiates a module from a URL while its bytes arrive
    /// (`WebAssembly.instantiateStreaming(fetch(url), importObject)`).
    nonisolated(nonsending)
    public static func instantiateStreaming(_ url: URL, imports: Imports = [:],
                                            limits: Limits = Limits()) async throws -> (module: Module, instance: Instance) {
        let module = try await compileStreaming(url)
        return (module, try Instance(module: module, imports: imports, limits: limits))
    }
}

import WasmCore
typealias WasmCore_Module = WasmCore.Module

/// A file's bytes, 64 KiB at a time.
struct FileChunks: AsyncSequence {
    let url: URL
    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        let error: (any Error)?
        var done = false
        mutating func next() async throws -> Data? {
            if let error { throw error }
            guard !done, let handle else { return nil }
            let data = try handle.read(upToCount: 65_536) ?? Data()
            if data.isEmpty {
                done = true
                try? handle.close()
                return nil
            }
            return data
        }
    }
    func makeAsyncIterator() -> AsyncIterator {
        do { return AsyncIterator(handle: try FileHandle(forReadingFrom: url), error: nil) } catch {
            return AsyncIterator(handle: nil, error: error)
        }
    }
}

/// An HTTP(S) response body, chunk by chunk as `URLSession` delivers it.
struct HTTPChunks: AsyncSequence {
    let url: URL
    func makeAsyncIterator() -> AsyncThrowingStream<Data, any Error>.AsyncIterator {
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        let delegate = StreamingDelegate(url: url, continuation: continuation)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        let task = session.dataTask(with: url)
        continuation.onTermination = { _ in
            task.cancel()
            session.finishTasksAndInvalidate()
        }
        task.resume()
        return stream.makeAsyncIterator()
    }
}

/// Forwards `URLSession` callbacks into an async stream.
final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let url: URL
    let continuation: AsyncThrowingStream<Data, any Error>.Continuation

    init(url: URL, continuation: AsyncThrowingStream<Data, any Error>.Continuation) {
        self.url = url
        self.continuation = continuation
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            continuation.finish(throwing: WebAssembly.TypeError("HTTP status \(http.statusCode) for \(url)"))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        continuation.yield(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error { continuation.finish(throwing: error) } else { continuation.finish() }
    }
}
