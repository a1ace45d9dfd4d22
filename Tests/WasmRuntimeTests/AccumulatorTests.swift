import Testing
import WasmCore
import WasmText
@testable import WasmRuntime

/// The accumulator variants chosen by `Translator.useAccumulators`: each test checks that a variant is
/// really emitted where the value is still in the register, that none is emitted where it is not (a jump
/// target, after a call, after the slot is overwritten), and that the results are the plain semantics.
@Suite struct AccumulatorTests {
    @Test func chainsReadTheAccumulator() throws {
        // (a * b + c) / d - a, with each result consumed by the next instruction; and x * x from the accumulator.
        let wat = """
            (module
              (func (export "chain") (param f64 f64 f64 f64) (result f64)
                (f64.sub (f64.div (f64.add (local.get 2) (f64.mul (local.get 0) (local.get 1))) (local.get 3))
                         (local.get 0)))
              (func (export "square") (param f64) (result f64) (local f64)
                (local.set 1 (f64.add (local.get 0) (f64.const 1)))
                (f64.mul (local.get 1) (local.get 1)))
              (func (export "f32") (param f32 f32) (result f32)
                (f32.sqrt (f32.div (local.get 0) (local.get 1))))
              (func (export "ints") (param i32 i64) (result i64)
                (i64.add (i64.extend_i32_s (i32.sub (i32.const 100) (i32.mul (local.get 0) (local.get 0))))
                         (local.get 1))))
            """
        try expectCode(wat, """
            func 0:
            frame: 14 slots, 4 parameters, template of 0 words: []
            0: f64MulAdd lhs=s0 rhs=s1 result=s11 other=s2 intermediateOnRight=true
            2: f64DivAccA lhs=s11 rhs=s3 result=s11
            3: f64SubAccA lhs=s11 rhs=s0 result=s0
            4: return

            func 1:
            frame: 14 slots, 1 parameters, template of 2 words: [0, 4607182418800017408]
            0: f64Add lhs=s0 rhs=s2 result=s1
            1: f64MulAccAB lhs=s1 rhs=s1 result=s0
            2: return

            func 2:
            frame: 7 slots, 2 parameters, template of 0 words: []
            0: f32Div lhs=s0 rhs=s1 result=s5
            1: f32SqrtAccA operand=s5 result=s0
            2: return

            func 3:
            frame: 12 slots, 2 parameters, template of 2 words: [100, 0]
            0: i32Mul lhs=s0 rhs=s0 result=s10
            1: i32SubAccB lhs=s2 rhs=s10 result=s9
            2: i64ExtendI32SAccA operand=s9 result=s9
            3: i64AddAccA lhs=s9 rhs=s1 result=s0
            4: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "chain", [f64(2), f64(3), f64(4), f64(5)]) == [f64((4 + 2 * 3) / 5 - 2)])
        #expect(try call(s, i, "square", [f64(2.5)]) == [f64(12.25)])
        #expect(try call(s, i, "ints", [7, 1000]) == [1051])
        #expect(try call(s, i, "f32", [UInt64(Float(18).bitPattern), UInt64(Float(2).bitPattern)])
                == [UInt64(Float(3).bitPattern)])
        #expect(try call(s, i, "ints", [11, 0]) == [UInt64(bitPattern: 100 - 121)])
    }

    @Test func sequencesPassTheValueThroughTheAccumulator() throws {
        let wat = """
            (module
              (func (export "collatz") (param i64) (result i64)
                (i64.add (i64.mul (local.get 0) (i64.const 3)) (i64.const 1)))
              (func (export "shl") (param i32 i32) (result i32)
                (i32.add (i32.shl (local.get 0) (local.get 1)) (i32.const -5)))
              (func (export "both") (param i64) (result i64)
                (i64.add (i64.mul (i64.sub (local.get 0) (i64.const 7)) (i64.const 3)) (i64.const 1))))
            """
        try expectCode(wat, """
            func 0:
            frame: 7 slots, 1 parameters, template of 2 words: [3, 0]
            0: i64MulThenI64AddImmAccA lhs=s0 rhs=s1 result=s5
            1: i64AddImm operand=s5 immediate=#1 result=s0
            2: return

            func 1:
            frame: 8 slots, 2 parameters, template of 0 words: []
            0: i32ShlThenI32AddImmAccA lhs=s0 rhs=s1 result=s6
            1: i32AddImm operand=s6 immediate=#-5 result=s0
            2: return

            func 2:
            frame: 9 slots, 1 parameters, template of 2 words: [3, 0]
            0: i64AddImm operand=s0 immediate=#-7 result=s7
            1: i64MulAccAThenI64AddImmAccA lhs=s7 rhs=s1 result=s7
            2: i64AddImm operand=s7 immediate=#1 result=s0
            3: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "collatz", [27]) == [82])
        #expect(try call(s, i, "collatz", [UInt64.max]) == [UInt64.max &- 1])
        #expect(try call(s, i, "shl", [3, 4]) == [43])
        #expect(try call(s, i, "shl", [0, 4]) == [UInt64(UInt32(bitPattern: -5))])
        #expect(try call(s, i, "both", [10]) == [10])
        #expect(try call(s, i, "both", [0]) == [UInt64(bitPattern: -20)])
    }

    @Test func selectsTakeTheLastComputedArmFromTheAccumulator() throws {
        // The branch-free `c ? x : y` clang emits: both arms, then the condition, then the select. The arm computed
        // last is still in the accumulator when the select runs (its condition stays in the handler).
        let wat = """
            (module
              (func (export "collatz") (param i64) (result i64)
                (select (i64.shr_u (local.get 0) (i64.const 1))
                        (i64.add (i64.mul (local.get 0) (i64.const 3)) (i64.const 1))
                        (i64.eqz (i64.and (local.get 0) (i64.const 1)))))
              (func (export "min") (param i32 i32) (result i32) (local i32)
                (local.set 2 (i32.sub (local.get 1) (i32.const 1)))
                (select (local.get 0) (i32.add (local.get 2) (i32.const 7))
                        (i32.lt_u (local.get 0) (local.get 2))))
              (func (export "product") (param i32 i32) (result i32)
                (select (i32.mul (local.get 0) (local.get 1)) (local.get 1)
                        (i32.lt_u (local.get 1) (local.get 0)))))
            """
        try expectCode(wat, """
            func 0:
            frame: 15 slots, 1 parameters, template of 2 words: [1, 3]
            0: i64ShrU lhs=s0 rhs=s1 result=s11
            1: i64MulThenI64AddImmAccA lhs=s0 rhs=s2 result=s12
            2: i64AddImm operand=s12 immediate=#1 result=s12
            3: i64AndThenSelect64KeepingFirst lhs=s0 rhs=s1 result=s13
            4: select64 result=s0 ifFalse=s11 condition=s13 ifTrue=s12
            6: return

            func 1:
            frame: 17 slots, 2 parameters, template of 2 words: [0, 0]
            0: i32AddImmThenI32AddImmAccA operand=s1 immediate=#-1 result=s2
            1: i32AddImm operand=s2 immediate=#7 result=s14
            2: i32LtUThenSelectKeepingSecond lhs=s0 rhs=s2 result=s15
            3: select result=s0 ifFalse=s14 condition=s15 ifTrue=s0
            5: return

            func 2:
            frame: 13 slots, 2 parameters, template of 0 words: []
            0: i32Mul lhs=s0 rhs=s1 result=s9
            1: i32LtUThenSelectKeepingFirst lhs=s1 rhs=s0 result=s11
            2: select result=s0 ifFalse=s1 condition=s11 ifTrue=s9
            4: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "collatz", [7]) == [22])
        #expect(try call(s, i, "collatz", [10]) == [5])
        #expect(try call(s, i, "collatz", [UInt64.max]) == [UInt64.max &* 3 &+ 1])
        #expect(try call(s, i, "min", [3, 20]) == [3])
        #expect(try call(s, i, "min", [30, 20]) == [26])
        #expect(try call(s, i, "product", [6, 5]) == [30])
        #expect(try call(s, i, "product", [6, 12]) == [12])
    }

    @Test func indexedAccessesTakeTheirIndexFromTheAccumulator() throws {
        // base + (i << 2): the shift and the indexed access form one sequence whose second half reads the
        // shifted index from the register, not from the slot its first half has just written.
        let wat = """
            (module
              (memory 1)
              (data (i32.const 8) "\\01\\00\\00\\00\\02\\00\\00\\00\\03\\00\\00\\00")
              (func (export "get") (param i32 i32) (result i32)
                (i32.load (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))
              (func (export "put") (param i32 i32 i32)
                (i32.store (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2))) (local.get 2))))
            """
        try expectCode(wat, """
            func 0:
            frame: 11 slots, 2 parameters, template of 2 words: [2, 0]
            0: i32ShlThenI32LoadIndexedAccC lhs=s1 rhs=s2 result=s9
            1: i32LoadIndexed result=s0 base=s0 index=s9 offset=0
            3: return

            func 1:
            frame: 13 slots, 3 parameters, template of 2 words: [2, 0]
            0: i32ShlThenI32StoreIndexedAccC lhs=s1 rhs=s3 result=s11
            1: i32StoreIndexed value=s2 base=s0 index=s11 offset=0
            3: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "get", [8, 2]) == [3])
        #expect(try call(s, i, "put", [8, 1, 42]) == [])
        #expect(try call(s, i, "get", [8, 1]) == [42])
        #expect(try call(s, i, "get", [2, 3]) == [3 << 16])  // unaligned: bytes 14...17
        #expect(throws: ExecutionError.self) { try call(s, i, "get", [65_532, 1]) }
    }

    @Test func branchTableIndexFromTheAccumulator() throws {
        let wat = """
            (module
              (func (export "pick") (param i32) (result i32)
                (block (block (block
                  (br_table 0 1 2 (i32.and (local.get 0) (i32.const 3))))
                  (return (i32.const 10)))
                  (return (i32.const 11)))
                (i32.const 12)))
            """
        try expectCode(wat, """
            func 0:
            frame: 17 slots, 1 parameters, template of 2 words: [3, 0]
            0: i32And lhs=s0 rhs=s1 result=s15
            1: brTableAccA index=s15 count=2 targets=[@5, @7, @9]
            5: const32 destination=s0 value=10
            6: return
            7: const32 destination=s0 value=11
            8: return
            9: const32 destination=s0 value=12
            10: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "pick", [4]) == [10])
        #expect(try call(s, i, "pick", [5]) == [11])
        #expect(try call(s, i, "pick", [6]) == [12])
        #expect(try call(s, i, "pick", [7]) == [12])
    }

    @Test func swappedComparisonsKeepTheirMeaning() throws {
        // The computed value is the right operand: the comparison is mirrored to read it as the left one.
        let wat = """
            (module
              (func (export "lt") (param i32 i32) (result i32)
                (i32.lt_s (local.get 1) (i32.add (local.get 0) (i32.const 1000))))
              (func (export "branch") (param f64 f64) (result i32)
                (block (br_if 0 (f64.le (local.get 1) (f64.mul (local.get 0) (local.get 0)))) (return (i32.const 0)))
                (i32.const 1)))
            """
        try expectCode(wat, """
            func 0:
            frame: 10 slots, 2 parameters, template of 0 words: []
            0: i32AddImm operand=s0 immediate=#1000 result=s8
            1: i32GtSAccA lhs=s8 rhs=s1 result=s0
            2: return

            func 1:
            frame: 14 slots, 2 parameters, template of 0 words: []
            0: f64Mul lhs=s0 rhs=s0 result=s12
            1: brIfF64GeAccA lhs=s12 rhs=s1 offset=@5
            3: const32 destination=s0 value=0
            4: return
            5: const32 destination=s0 value=1
            6: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "lt", [5, 1004]) == [1])
        #expect(try call(s, i, "lt", [5, 1005]) == [0])
        #expect(try call(s, i, "branch", [f64(3), f64(9)]) == [1])
        #expect(try call(s, i, "branch", [f64(3), f64(9.5)]) == [0])
        #expect(try call(s, i, "branch", [f64(.nan), f64(1)]) == [0])
    }

    @Test func nothingIsAssumedAtALoopHeadOrAfterACall() throws {
        // The loop's first add reads local 1, written before the loop by an add (in the accumulator on the first
        // entry only) and at the end of every iteration by a copy: the loop head is a jump target, so the read
        // stays a frame read. After the call, the accumulator holds the callee's values, not the caller's.
        let wat = """
            (module
              (func $id (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
              (func (export "loop") (param i32) (result i32) (local i32 i32)
                (local.set 1 (i32.add (local.get 0) (i32.const 1)))
                (loop $l
                  (local.set 2 (i32.add (local.get 1) (local.get 2)))
                  (local.set 1 (local.get 2))
                  (br_if $l (i32.lt_u (local.get 2) (i32.const 1000))))
                (local.get 2))
              (func (export "call") (param i32) (result i32) (local i32)
                (local.set 1 (i32.add (local.get 0) (i32.const 5)))
                (drop (call $id (i32.const 7)))
                (i32.sub (local.get 1) (i32.const 1))))
            """
        try expectCode(wat, """
            func 0:
            frame: 6 slots, 1 parameters, template of 2 words: [3, 0]
            0: i32Mul lhs=s0 rhs=s1 result=s0
            1: return

            func 1:
            frame: 21 slots, 1 parameters, template of 2 words: [0, 0]
            0: i32AddImm operand=s0 immediate=#1 result=s1
            1: i32Add lhs=s1 rhs=s2 result=s2
            2: copy destination=s1 source=s2
            3: brIfI32LtUImmAccA lhs=s2 immediate=#1000 offset=@1
            5: returnValue value=s2

            func 2:
            frame: 13 slots, 1 parameters, template of 2 words: [0, 0]
            0: i32AddImm operand=s0 immediate=#5 result=s1
            1: const32 destination=s11 value=7
            2: callInternal arguments=s11 function=0 link=frame 6
            4: i32AddImmThenReturn operand=s1 immediate=#-1 result=s0
            5: return
            """)
        let (s, i) = try instantiate(wat)
        var a: UInt32 = 3, b: UInt32 = 0
        repeat { b = a &+ b; a = b } while b < 1000
        #expect(try call(s, i, "loop", [2]) == [UInt64(b)])
        #expect(try call(s, i, "call", [10]) == [14])
    }

    @Test func anOverwrittenSlotIsNotReadFromTheAccumulator() throws {
        // local 1 gets an f64 sum (float accumulator), then an i32 (the slot is reused by a select): the
        // comparison must read the new value.
        let wat = """
            (module
              (func (export "f") (param f64 i32) (result i32) (local i64)
                (local.set 2 (i64.add (i64.extend_i32_u (local.get 1)) (i64.const 1)))
                (local.set 2 (select (i64.const 50) (i64.const 60) (local.get 1)))
                (i64.lt_u (local.get 2) (i64.const 55))))
            """
        try expectCode(wat, """
            func 0:
            frame: 17 slots, 2 parameters, template of 4 words: [0, 60, 50, 0]
            0: i64ExtendI32U operand=s1 result=s14
            1: i64AddImmAccA operand=s14 immediate=#1 result=s2
            2: select result=s2 ifFalse=s3 condition=s1 ifTrue=s4
            4: i64LtUImmAccA operand=s2 immediate=#55 result=s0
            5: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "f", [f64(1), 1]) == [1])
        #expect(try call(s, i, "f", [f64(1), 0]) == [0])
    }
}
