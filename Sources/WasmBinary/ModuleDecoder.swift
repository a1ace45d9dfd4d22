import WasmCore

/// Decodes a WebAssembly binary module, either all at once (`decode(_:)`) or incrementally
/// from chunks (`append(_:)` then `finish()`), in which case each section is decoded as soon
/// as all of its bytes have arrived.
///
/// Function bodies are kept as raw bytes (`FunctionBody.code`) but are scanned once for their
/// structure, so malformed instruction encodings, missing `end`s and `memory.init`/`data.drop`
/// without a data count section are reported as decode errors (bodies using GC or SIMD
/// instructions are scanned only up to the first such instruction).
public struct ModuleDecoder {
    var buffer: [UInt8] = []
    /// Offset of the first byte not yet decoded.
    var consumed = 0
    var headerDone = false
    var module = Module()
    /// Rank (in the required section order) of the last non-custom section decoded.
    var lastRank = 0
    var isFinished = false
    /// Set when a complete section could only be decoded by reading past its end (malformed
    /// input); decoding then waits for `finish()` instead of retrying on every chunk.
    var isDeferred = false
    /// The first error; once set, every later call throws it again.
    var failure: DecodeError?

    /// Creates a decoder for the streaming interface.
    public init() {}

    /// Decodes a complete module binary.
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Module {
        var d = ModuleDecoder()
        d.buffer = bytes
        return try d.finish()
    }

    /// Adds bytes; decodes every section that is now complete. Errors in complete sections are
    /// thrown right away.
    public mutating func append(_ chunk: some Collection<UInt8>) throws(DecodeError) {
        if let failure { throw failure }
        guard !isFinished else { throw DecodeError(offset: buffer.count, message: "decoder already finished") }
        buffer.append(contentsOf: chunk)
        do throws(DecodeError) {
            try process(final: false)
        } catch {
            failure = error
            throw error
        }
    }

    /// Signals the end of input and returns the module.
    public mutating func finish() throws(DecodeError) -> Module {
        if let failure { throw failure }
        if !isFinished {
            isFinished = true
            do throws(DecodeError) {
                try process(final: true)
                // Like the reference decoder, cross-section counts are checked once all sections are read.
                let end = buffer.count
                if module.functions.count != module.bodies.count {
                    throw DecodeError(offset: end, message: "function and code section have inconsistent lengths")
                }
                if let n = module.dataCount, Int(n) != module.data.count {
                    throw DecodeError(offset: end, message: "data count and data section have inconsistent lengths")
                }
            } catch {
                failure = error
                throw error
            }
        }
        return module
    }

    static func isDeferrable(_ e: DecodeError) -> Bool {
        e.message == unexpectedEndMessage || e.message == "length out of bounds"
    }

    static func sectionRank(_ id: UInt8) -> Int {
        switch id {
        case 1: 1
        case 2: 2
        case 3: 3
        case 4: 4
        case 5: 5
        case 13: 6
        case 6: 7
        case 7: 8
        case 8: 9
        case 9: 10
        case 12: 11
        case 10: 12
        case 11: 13
        default: 0
        }
    }

    /// Decodes as many complete sections as the buffer holds. When `final`, the buffer is the
    /// whole input and any shortfall is an error.
    mutating func process(final: Bool) throws(DecodeError) {
        if !headerDone {
            guard buffer.count >= 4 else {
                if final { throw DecodeError(offset: buffer.count, message: "unexpected end") }
                return
            }
            guard buffer[0] == 0x00, buffer[1] == 0x61, buffer[2] == 0x73, buffer[3] == 0x6D else {
                throw DecodeError(offset: 0, message: "magic header not detected")
            }
            guard buffer.count >= 8 else {
                if final { throw DecodeError(offset: buffer.count, message: "unexpected end") }
                return
            }
            guard buffer[4] == 1, buffer[5] == 0, buffer[6] == 0, buffer[7] == 0 else {
                throw DecodeError(offset: 4, message: "unknown binary version")
            }
            headerDone = true
            consumed = 8
        }
        if isDeferred && !final { return }
        while consumed < buffer.count {
            var r = BinaryReader(bytes: buffer, start: consumed)
            let id = try r.readByte()
            guard id <= 13 else { throw r.error("malformed section id", at: consumed) }
            let sizePos = r.pos
            let size: Int
            do throws(DecodeError) {
                size = Int(try r.readU32())
            } catch {
                if !final && error.message == unexpectedEndMessage { return }
                throw error
            }
            guard size <= r.remaining else {
                if final { throw r.error("length out of bounds", at: sizePos) }
                return
            }
            let sectionStart = r.pos
            let sectionEnd = sectionStart &+ size
            if id != 0 {
                let rank = Self.sectionRank(id)
                guard rank > lastRank else {
                    throw r.error("unexpected content after last section", at: consumed)
                }
            }
            let result: Section
            do throws(DecodeError) {
                result = try decodeSection(id: id, reader: &r, end: sectionEnd)
                if id != 0 && r.pos != sectionEnd {
                    throw r.error("section size mismatch", at: sectionStart)
                }
            } catch {
                if !final && Self.isDeferrable(error) { isDeferred = true; return }
                throw error
            }
            apply(result)
            consumed = sectionEnd
            if id != 0 { lastRank = Self.sectionRank(id) }
        }
    }
}
