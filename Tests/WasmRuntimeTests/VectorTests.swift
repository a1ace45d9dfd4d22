import Testing
import WasmCore
import WasmText
@testable import WasmRuntime

/// SIMD in the interpreter: v128 values in two adjacent slots, the SIMD instructions' translation, and relaxed
/// SIMD's two profiles. (The testsuite's simd_* and relaxed_* scripts check every instruction's results.)
@Suite struct VectorTests {
    static let wat = """
        (module
          (memory 1)
          (global $g (mut v128) (v128.const i32x4 1 2 3 4))
          (func (export "madd") (param v128 v128 v128) (result v128)
            (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
          (func (export "mix") (param $p i32) (param $v v128) (result i32)
            (local $t v128)
            (local.set $t (i32x4.add (local.get $v) (v128.const i32x4 1 1 1 1)))
            (global.set $g (local.get $t))
            (v128.store offset=16 (local.get $p)
              (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $t) (v128.load (local.get $p))))
            (i32x4.extract_lane 2 (i32x4.replace_lane 1 (local.get $t) (local.get $p))))
          (func (export "trunc") (param f32) (result i32)
            (i32x4.extract_lane 0 (i32x4.relaxed_trunc_f32x4_s (f32x4.splat (local.get 0)))))
          (func (export "global") (result v128) (global.get $g))
          (func (export "select") (param v128 v128 i32) (result v128)
            (select (local.get 0) (local.get 1) (local.get 2)))
          (func (export "addSplat") (param v128) (result v128)
            (i16x8.add (local.get 0) (i16x8.splat (i32.const 0x12345)))))
        """

    /// A v128 local, parameter, constant, global and temp each take two slots; an instruction names the first.
    /// The producer of a v128 result writes a local's slots (`local.set`) or slots 0 and 1 (`return`) directly.
    @Test func translation() throws {
        try expectCode(Self.wat, """
            func 0:
            frame: 17 slots, 6 parameters, template of 0 words: []
            0: f32x4RelaxedMadd result=s0 first=s0 second=s2 third=s4
            2: return

            func 1:
            frame: 46 slots, 3 parameters, template of 4 words: [0, 0, 4294967297, 4294967297]
            0: i32x4Add lhs=s1 rhs=s5 result=s3
            1: globalSetVector value=s3 global=0
            2: v128Load result=s44 address=s0 offset=0
            4: i8x16Shuffle result=s42 first=s3 second=s44 lanesLow=1374179596769034496 lanesHigh=1663540288121341188
            7: v128Store value=s42 address=s0 offset=16
            9: i32x4ReplaceLane result=s41 vector=s3 scalar=s0 lane=1
            11: i32x4ExtractLane result=s0 vector=s41 lane=2
            12: return

            func 2:
            frame: 8 slots, 1 parameters, template of 0 words: []
            0: f32x4Splat operand=s0 result=s6
            1: i32x4RelaxedTruncF32x4S operand=s6 result=s6
            2: i32x4ExtractLane result=s0 vector=s6 lane=0
            3: return

            func 3:
            frame: 3 slots, 0 parameters, template of 0 words: []
            0: globalGetVector result=s0 global=0
            1: return

            func 4:
            frame: 14 slots, 5 parameters, template of 0 words: []
            0: selectVector result=s0 ifFalse=s2 condition=s4 ifTrue=s0
            2: return

            func 5:
            frame: 12 slots, 2 parameters, template of 2 words: [2541476344571962181, 2541476344571962181]
            0: i16x8Add lhs=s0 rhs=s2 result=s0
            1: return
            """)
    }

    @Test func execution() throws {
        let (s, i) = try instantiate(Self.wat)
        // 16 bytes at 0: 0x00, 0x01, ... 0x0F.
        let memory = try #require(i.memories.first)
        for k in 0..<16 { memory.base.storeBytes(of: UInt8(k), toByteOffset: k, as: UInt8.self) }
        let v: [UInt64] = [0x0000_0020_0000_0010, 0x0000_0040_0000_0030]  // i32x4 16 32 48 64
        // t = v + 1 = (17, 33, 49, 65); lane 1 replaced by p = 0; lane 2 is 49.
        #expect(try call(s, i, "mix", [0] + v) == [49])
        #expect(try call(s, i, "global") == [0x0000_0021_0000_0011, 0x0000_0041_0000_0031])
        // The shuffle interleaves the words of t and of the loaded bytes: t0 m0 t1 m1, stored at 16.
        let stored = (16..<32).map { memory.base.load(fromByteOffset: $0, as: UInt8.self) }
        #expect(stored == [17, 0, 0, 0, 0, 1, 2, 3, 33, 0, 0, 0, 4, 5, 6, 7])
        // A splat of a constant is a constant: 0x12345 splats its low 16 bits, 0x2345.
        #expect(try call(s, i, "addSplat", [1, 2]) == [0x2345_2345_2345_2346, 0x2345_2345_2345_2347])
        #expect(try call(s, i, "select", v + [1, 2, 0]) == [1, 2])
        #expect(try call(s, i, "select", v + [1, 2, 7]) == v)
        let one = UInt64(Float(1).bitPattern), two = UInt64(Float(2).bitPattern), three = UInt64(Float(3).bitPattern)
        let seven = UInt64(Float(7).bitPattern)  // 2 * 3 + 1
        #expect(try call(s, i, "madd", [two | two << 32, two | two << 32, three | three << 32, three | three << 32,
                                         one | one << 32, one | one << 32]) == [seven | seven << 32, seven | seven << 32])
    }

    /// Loads and stores of memory 0 with 32-bit addresses, of another memory and of a 64-bit memory (the
    /// `...AnyMemory` forms), and lane accesses: values, and the bounds (the last byte in, one byte out).
    @Test func memories() throws {
        let (s, i) = try instantiate("""
            (module
              (memory $a 1)
              (memory $b 1)
              (memory $c i64 1)
              (func (export "copy") (param $from i32) (param $to i64)
                (v128.store $b (i32.wrap_i64 (local.get $to)) (v128.load $a (local.get $from)))
                (v128.store $c (local.get $to) (v128.load $b (i32.wrap_i64 (local.get $to)))))
              (func (export "load0") (param i32) (result v128) (v128.load (local.get 0)))
              (func (export "load64") (param i64) (result v128) (v128.load $c (local.get 0)))
              (func (export "splat64") (param i64) (result v128) (v128.load32_splat $c (local.get 0)))
              (func (export "lane") (param i64) (result v128)
                (v128.store16_lane $c 5 (local.get 0) (v128.load16_lane $b 5 (i32.const 16) (v128.const i64x2 0 0)))
                (v128.load $c (i64.const 0))))
            """)
        let a = try #require(i.memories.first)
        for k in 0..<16 { a.base.storeBytes(of: UInt8(k + 1), toByteOffset: k, as: UInt8.self) }
        _ = try call(s, i, "copy", [0, 16])
        let bytes: [UInt64] = [0x0807_0605_0403_0201, 0x100F_0E0D_0C0B_0A09]
        #expect(try call(s, i, "load64", [16]) == bytes)
        #expect(try call(s, i, "splat64", [20]) == [0x0807_0605_0807_0605, 0x0807_0605_0807_0605])
        #expect(try call(s, i, "load0", [65_520]) == [0, 0])
        try expectTrap(.outOfBoundsMemoryAccess, calling: "load0", [65_521], in: s, i)
        #expect(try call(s, i, "load64", [65_520]) == [0, 0])
        try expectTrap(.outOfBoundsMemoryAccess, calling: "load64", [65_521], in: s, i)
        try expectTrap(.outOfBoundsMemoryAccess, calling: "load64", [UInt64.max], in: s, i)
        try expectTrap(.outOfBoundsMemoryAccess, calling: "splat64", [65_533], in: s, i)
        // Bytes 1, 2 (memory b at 16, from `copy`) into lane 5 of a zero vector, lane 5 stored to memory c at 2.
        #expect(try call(s, i, "lane", [2]) == [0x0000_0000_0201_0000, 0])
        try expectTrap(.outOfBoundsMemoryAccess, calling: "lane", [65_535], in: s, i)
    }

    /// `v128.load`/`v128.store` at an `i32.add` address: the add is folded into the access (the i32 sum wraps).
    @Test func indexedAccesses() throws {
        let wat = """
            (module
              (memory 1)
              (func (export "move") (param $p i32) (param $q i32)
                (v128.store (i32.add (local.get $p) (i32.const 32)) (v128.load (i32.add (local.get $p) (local.get $q)))))
              (func (export "storeAt") (param $p i32) (param $q i32) (param $v v128)
                (v128.store (i32.add (local.get $p) (local.get $q)) (local.get $v))))
            """
        try expectCode(wat, """
            func 0:
            frame: 14 slots, 2 parameters, template of 0 words: []
            0: i32AddImm operand=s0 immediate=#32 result=s11
            1: v128LoadIndexed result=s12 base=s0 index=s1 offset=0
            3: v128Store value=s12 address=s11 offset=0
            5: return

            func 1:
            frame: 13 slots, 4 parameters, template of 0 words: []
            0: v128StoreIndexed value=s2 base=s0 index=s1 offset=0
            2: return
            """)
        let (s, i) = try instantiate(wat)
        let memory = try #require(i.memories.first)
        for k in 0..<16 { memory.base.storeBytes(of: UInt8(k + 1), toByteOffset: 16 + k, as: UInt8.self) }
        _ = try call(s, i, "move", [0xFFFF_FFF0, 0x20])  // loads at 16 (the sum wraps), stores at 0xFFFF_FFF0 + 32 = 16
        #expect((16..<32).map { memory.base.load(fromByteOffset: $0, as: UInt8.self) } == (1...16).map { UInt8($0) })
        _ = try call(s, i, "move", [0, 16])  // loads at 16, stores at 32
        #expect((32..<48).map { memory.base.load(fromByteOffset: $0, as: UInt8.self) } == (1...16).map { UInt8($0) })
        try expectTrap(.outOfBoundsMemoryAccess, calling: "move", [0, 65_521], in: s, i)
        _ = try call(s, i, "storeAt", [0xFFFF_FFFF, 0x41, 0x0807_0605_0403_0201, 0x100F_0E0D_0C0B_0A09])  // at 0x40
        #expect((64..<80).map { memory.base.load(fromByteOffset: $0, as: UInt8.self) } == (1...16).map { UInt8($0) })
        try expectTrap(.outOfBoundsMemoryAccess, calling: "storeAt", [65_520, 1, 0, 0], in: s, i)
    }

    /// `i32x4.relaxed_trunc_f32x4_s` of NaN: 0 in the deterministic profile (as `trunc_sat`); on x86-64 the fastest
    /// result is what `cvttps2dq` gives, INT32_MIN.
    @Test func relaxedProfiles() throws {
        let nan = UInt64(Float.nan.bitPattern)
        let store = Store()
        func trunc(_ profile: RelaxedSIMD) throws -> [UInt64] {
            let module = try compileModule(try WAT.encode(Self.wat), relaxedSIMD: profile)
            let instance = try store.instantiate(module) { _, _ in nil }
            return try call(store, instance, "trunc", [nan])
        }
        #expect(try trunc(.deterministic) == [0])
        #if arch(x86_64)
        #expect(try trunc(.fastest) == [0x8000_0000])
        #endif
        let deterministic = try compileModule(try WAT.encode(Self.wat), translation: .eager, relaxedSIMD: .deterministic)
        #expect(deterministic.disassembly.contains { $0.code.contains("i32x4RelaxedTruncF32x4SDeterministic operand=s6") })
    }
}
