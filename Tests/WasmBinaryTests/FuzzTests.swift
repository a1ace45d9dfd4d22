import Testing
import WasmBinary
import WasmCore

/// SplitMix64: a small deterministic generator so the fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Decodes a module and reads every instruction of every body; returns the error message, if any.
func decodeFully(_ bytes: [UInt8]) -> DecodeError? {
    do {
        let m = try ModuleDecoder.decode(bytes)
        for b in m.bodies {
            var r = InstructionReader(body: b)
            while !r.isAtEnd { _ = try r.read() }
        }
        return nil
    } catch {
        return error
    }
}

func decodeChunked(_ bytes: [UInt8], chunk: Int) -> Result<Module, DecodeError> {
    var d = ModuleDecoder()
    do throws(DecodeError) {
        var i = 0
        while i < bytes.count {
            try d.append(bytes[i..<min(i + chunk, bytes.count)])
            i += chunk
        }
        return .success(try d.finish())
    } catch {
        return .failure(error)
    }
}

@Suite struct FuzzTests {
    static let seeds: [[UInt8]] = WastCorpus.allCases().filter { $0.expectedError == nil && $0.bytes.count > 8 }.map(\.bytes)

    @Test func streamingAgreesWithWholeDecodeOnCorpus() {
        let all = WastCorpus.allCases()
        var checked = 0
        for c in all {
            let whole: Result<Module, DecodeError>
            do throws(DecodeError) { whole = .success(try ModuleDecoder.decode(c.bytes)) } catch { whole = .failure(error) }
            for chunk in [1, 5] {
                let streamed = decodeChunked(c.bytes, chunk: chunk)
                #expect(streamed == whole, "\(c.file) chunk \(chunk)")
            }
            checked += 1
        }
        print("streaming: \(checked) modules agree")
    }

    @Test func randomMutationsNeverCrash() {
        var rng = SplitMix64(state: 0x5EED_CAFE)
        let seeds = Self.seeds
        guard !seeds.isEmpty else { return }
        var rejected = 0
        let iterations = 40_000
        for iteration in 0..<iterations {
            var bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
            let mutations = 1 + Int(rng.next() % 4)
            for _ in 0..<mutations {
                guard !bytes.isEmpty else { break }
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 6 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes[at] ^= 1 << UInt8(rng.next() % 8)
                case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                case 3: bytes.remove(at: at)
                case 4: bytes.removeLast(min(bytes.count, Int(rng.next() % 8)))
                default:
                    // Interesting LEB/count values.
                    let specials: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x80, 0x80, 0x80, 0x80, 0x80], [0x00], [0x7F], [0x0B], [0xFC, 0x08]]
                    let s = specials[Int(rng.next() % UInt64(specials.count))]
                    bytes.replaceSubrange(at..<min(bytes.count, at + s.count), with: s)
                }
            }
            if decodeFully(bytes) != nil { rejected += 1 }
            if iteration % 16 == 0 {
                let whole: Result<Module, DecodeError>
                do throws(DecodeError) { whole = .success(try ModuleDecoder.decode(bytes)) } catch { whole = .failure(error) }
                #expect(decodeChunked(bytes, chunk: 1 + Int(rng.next() % 9)) == whole)
            }
        }
        print("fuzz: \(iterations) mutated modules, \(rejected) rejected, no crash")
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(state: 42)
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 64)
            var bytes = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00] as [UInt8]
            for _ in 0..<n { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            _ = decodeFully(bytes)
            var r = InstructionReader(bytes: Array(bytes.dropFirst(8)), baseOffset: 8)
            while !r.isAtEnd { if (try? r.read()) == nil { break } }
        }
    }
}
