import Foundation
import Testing
import WasmCore
import WasmText
@testable import WasmRuntime

@Suite struct LimitsTests {
    static let spin = "(module (func (export \"spin\") (loop $l (br $l))) (func (export \"one\") (result i32) (i32.const 1)))"

    @Test func opcodesFitTwelveBits() {
        // `Opcode(unchecked:)` reinterprets the low 12 bits of a code word as the enum's two-byte tag, and the
        // handler tables have 4096 entries: the enum must be two bytes wide and its last case below 4096.
        #expect(MemoryLayout<Opcode>.size == 2)
        #expect(HandlerSet.opcodeCapacity == 4096)
        #expect(Opcode.caseCount > 256 && Opcode.caseCount <= HandlerSet.opcodeCapacity)
        #expect(Opcode(rawValue: UInt16(Opcode.caseCount - 1)) != nil)
        #expect(Opcode(rawValue: UInt16(Opcode.caseCount)) == nil)
    }

    @Test func everyOpcodeHasAHandlerOfItsOwnWithinReach() {
        // Finished code names each instruction by its handler's distance from the first handler (16 bits, in
        // 8-byte units), or in the portable dispatch by its index in the handler table; the disassembler, and
        // anything else reading finished code, maps it back.
        for set in [HandlerSet.native, .portable] {
            var seen = Set<UInt16>()
            for raw in 0..<UInt16(Opcode.caseCount) {
                let op = Opcode(rawValue: raw)!
                let reference = set.reference(op)
                #expect(seen.insert(reference).inserted, "\(op) shares its handler")
                #expect(HandlerSet.opcode(of: UInt64(reference) | 0xABCD_0000) == op)
            }
        }
        // The two sets differ only in the bit-count handlers.
        #expect(HandlerSet.native.reference(.i32Add) == HandlerSet.portable.reference(.i32Add))
        // The portable dispatch names handlers by their index in the C table: the opcode itself.
        if HandlerSet.isPortable {
            #expect(HandlerSet.native.reference(.i64Popcnt) == Opcode.i64Popcnt.rawValue)
        }
    }

    @Test func dispatchMatchesTheBuildSwitch() {
        // CI runs the spec suite, the examples and the WASI tests a second time, built with
        // SWASM_PORTABLE_DISPATCH=1 (.ci/run): this fails if that build ran the native dispatch after all (or
        // the C handlers and Swift were compiled for different ones, which HandlerSet stops on).
        let dispatch = HandlerSet.dispatch
        #expect(HandlerSet.isPortable == (dispatch != .native))
        guard let setting = ProcessInfo.processInfo.environment["SWASM_PORTABLE_DISPATCH"], !setting.isEmpty else { return }
        #if arch(x86_64)
        let byDefault = HandlerSet.Dispatch.native
        #elseif arch(arm64)
        let byDefault = HandlerSet.Dispatch.portable
        #else
        let byDefault = HandlerSet.Dispatch.portableLoop
        #endif
        let expected: HandlerSet.Dispatch = switch setting {
        case "0": byDefault
        case "loop": .portableLoop
        default: byDefault == .native ? .portable : byDefault
        }
        #expect(dispatch == expected, "SWASM_PORTABLE_DISPATCH=\(setting) but this build runs the \(dispatch.rawValue) dispatch")
    }

    @Test func fuelStopsAnInfiniteLoopAndTheStoreStaysUsable() throws {
        var limits = StoreLimits()
        limits.fuel = 50_000
        let (s, i) = try instantiate(Self.spin, limits: limits)
        try expectTrap(.outOfFuel, calling: "spin", in: s, i)
        #expect(s.fuel == 0)
        s.fuel = 100
        #expect(try call(s, i, "one") == [1])
        #expect(s.fuel.map { $0 > 0 && $0 <= 100 } == true)
    }

    @Test func fuelStopsEndlessTailCalls() throws {
        // No loop: only return_call ticks, so this ends only if tail calls are counted.
        var limits = StoreLimits()
        limits.fuel = 50_000
        let (s, i) = try instantiate("""
            (module (func $f (export "f") (param i32) (result i32) (return_call $f (i32.add (local.get 0) (i32.const 1)))))
            """, limits: limits)
        try expectTrap(.outOfFuel, calling: "f", [0], in: s, i)
        #expect(s.fuel == 0)
    }

    @Test func deadlineStopsAnInfiniteLoop() throws {
        let (s, i) = try instantiate(Self.spin)
        s.deadline = ContinuousClock.now + .milliseconds(50)
        try expectTrap(.deadlineExceeded, calling: "spin", in: s, i)
    }

    /// The interrupt comes from a plain thread: a Swift concurrency task could starve on a 2-core machine
    /// while test threads spin. A deadline backs it up so the test cannot hang.
    @Test func interruptFromAnotherThread() throws {
        let (s, i) = try instantiate(Self.spin)
        let handle = s.interruptHandle
        s.deadline = ContinuousClock.now + .seconds(20)
        let started = ContinuousClock.now
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.05)
            handle.interrupt()
        }
        try expectTrap(.interrupted, calling: "spin", in: s, i)
        #expect(ContinuousClock.now - started < .seconds(10), "the interrupt, not the deadline, should stop the loop")
        handle.reset()
        s.deadline = nil
        #expect(try call(s, i, "one") == [1])
    }

    @Test func compareAndBranchFusionKeepsSemantics() throws {
        let (s, i) = try instantiate("""
            (module (func (export "count") (param i32) (result i32) (local $i i32)
              (block $done (loop $l
                (br_if $done (i32.ge_s (local.get $i) (local.get 0)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $l)))
              (local.get $i))
              (func (export "pick") (param i32 i32) (result i32)
                (block (result i32) (br_if 0 (i32.const 10) (i32.lt_u (local.get 0) (local.get 1))) (drop) (i32.const 20))))
            """)
        #expect(try call(s, i, "count", [1000]) == [1000])
        #expect(try call(s, i, "count", [UInt64(UInt32(bitPattern: -5))]) == [0])
        #expect(try call(s, i, "pick", [1, 2]) == [10])
        #expect(try call(s, i, "pick", [2, 1]) == [20])
    }

    @Test func addImmediateFusionKeepsSemantics() throws {
        let (s, i) = try instantiate("""
            (module
              (func (export "sub32") (param i32) (result i32) (i32.sub (local.get 0) (i32.const 32768)))
              (func (export "add32") (param i32) (result i32) (i32.add (local.get 0) (i32.const -7)))
              (func (export "sub64") (param i64) (result i64) (i64.sub (local.get 0) (i64.const -32768)))
              (func (export "add64") (param i64) (result i64) (i64.add (local.get 0) (i64.const 100000))))
            """)
        #expect(try call(s, i, "sub32", [0]) == [UInt64(UInt32(bitPattern: -32768))])
        #expect(try call(s, i, "add32", [3]) == [UInt64(UInt32(bitPattern: -4))])
        #expect(try call(s, i, "sub64", [1]) == [32769])
        #expect(try call(s, i, "add64", [UInt64.max]) == [99999])
    }

    @Test func ifAndBrIfFuseComparisonsAndEqz() throws {
        let (s, i) = try instantiate("""
            (module
              (func (export "max") (param i32 i32) (result i32)
                (if (result i32) (i32.gt_s (local.get 0) (local.get 1)) (then (local.get 0)) (else (local.get 1))))
              (func (export "isZero") (param i32) (result i32)
                (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (i32.const 0))))
              (func (export "firstZero") (param i32) (result i32)
                (block $done (loop $l
                  (br_if $done (i32.eqz (local.get 0)))
                  (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                  (br $l)))
                (local.get 0)))
            """)
        #expect(try call(s, i, "max", [3, UInt64(UInt32(bitPattern: -9))]) == [3])
        #expect(try call(s, i, "max", [UInt64(UInt32(bitPattern: -9)), 3]) == [3])
        #expect(try call(s, i, "isZero", [0]) == [1])
        #expect(try call(s, i, "isZero", [5]) == [0])
        #expect(try call(s, i, "firstZero", [10]) == [0])
    }

    /// Fused float compare-and-branch must keep NaN semantics: `!(a < b)` is not `a >= b`.
    @Test func floatCompareBranchesHandleNaN() throws {
        let (s, i) = try instantiate("""
            (module
              (func (export "lt") (param f64 f64) (result i32)
                (if (result i32) (f64.lt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
              (func (export "ge") (param f32 f32) (result i32)
                (block (result i32) (br_if 0 (i32.const 1) (f32.ge (local.get 0) (local.get 1))) (drop) (i32.const 0))))
            """)
        let nan64 = Double.nan.bitPattern, one64 = Double(1).bitPattern, two64 = Double(2).bitPattern
        let nan32 = UInt64(Float.nan.bitPattern), one32 = UInt64(Float(1).bitPattern)
        #expect(try call(s, i, "lt", [one64, two64]) == [1])
        #expect(try call(s, i, "lt", [two64, one64]) == [0])
        #expect(try call(s, i, "lt", [nan64, one64]) == [0])
        #expect(try call(s, i, "ge", [one32, one32]) == [1])
        #expect(try call(s, i, "ge", [nan32, one32]) == [0])
        #expect(try call(s, i, "ge", [one32, nan32]) == [0])
    }

    /// A module whose function 0 has 50,000 i32 locals (the validator's limit) and an operand stack `height`
    /// deep (that many `i32.const 0`, then as many `drop`), and whose function 1 calls it.
    static func bigFrame(height: Int) -> [UInt8] {
        func leb(_ v: Int) -> [UInt8] { LEB128.unsigned(UInt64(v)) }
        let code = [UInt8](repeating: 0, count: 2 * height).enumerated().map { $0.offset % 2 == 0 ? 0x41 : 0 }
            + [UInt8](repeating: 0x1A, count: height) + [0x0B]
        let big: [UInt8] = [1] + leb(50_000) + [0x7F] + code
        let caller: [UInt8] = [0, 0x10, 0, 0x0B]
        let bodies: [UInt8] = [2] + leb(big.count) + big + leb(caller.count) + caller
        return [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 3, 2, 0, 0, 10] + leb(bodies.count) + bodies
    }

    @Test func framesUpTo65534SlotsCompileAndCallsCarryTheirSize() throws {
        // The frame size travels in 16 bits of callInternal's second word (`link`); one slot is kept
        // free for the template's padding word, so the limit is 65,534: 50,000 locals, 64 constant slots and
        // the operand stack.
        let compiled = try compileModule(Self.bigFrame(height: 15_470))
        #expect(compiled.functions[0].frameSize == 65_534)
        let caller = compiled.functions[1]
        #expect(HandlerSet.opcode(of: caller.code[0]) == .callInternal)
        #expect(caller.code[1] & 0xFFFF == 65_534)
        #expect(caller.code[1] >> 16 == UInt64(UInt(bitPattern: compiled.functions[0].code)))
        do {
            _ = try compileModule(Self.bigFrame(height: 15_471))
            Issue.record("expected a frame-size error")
        } catch CompileError.unsupported(let message) {
            #expect(message == "function 0 needs 65535 value slots; the interpreter supports at most 65534")
        }
    }

    @Test func aTableNeverGrowsPastWhatCanBeAllocatedWhateverTheLimit() throws {
        var limits = StoreLimits()
        limits.maxTableElements = UInt64.max
        let (s, i) = try instantiate("""
            (module (table (export "t") i64 1 funcref)
              (func (export "grow") (param i64) (result i64) (table.grow (ref.null func) (local.get 0)))
              (func (export "size") (result i64) (table.size)))
            """, limits: limits)
        #expect(try call(s, i, "grow", [0xFFFF_FFFF_FFFF]) == [UInt64.max])
        #expect(try call(s, i, "grow", [UInt64.max]) == [UInt64.max])
        #expect(try call(s, i, "grow", [TableInstance.elementCeiling]) == [UInt64.max])
        #expect(try call(s, i, "grow", [3]) == [1])
        #expect(try call(s, i, "size") == [4])
        #expect {
            _ = try instantiate("(module (table i64 0x100000000000 funcref))", limits: limits)
        } throws: { error in
            "\(error)".contains("table of 17592186044416 elements exceeds the limit of 268435456 elements")
        }
    }
}
