import Testing
import WasmCore
import WasmText
@testable import WasmRuntime

/// The translator's fused instructions (`Translator.fuseAdjacentPairs` and the address folds): each test
/// checks that the fused opcode is really emitted and that the results equal the unfused semantics.
@Suite struct FusionTests {
    @Test func binaryPairsKeepOperandOrder() throws {
        let wat = """
            (module
              (func (export "rightSub") (param f64 f64 f64) (result f64)
                (f64.sub (local.get 2) (f64.mul (local.get 0) (local.get 1))))
              (func (export "leftSub") (param f64 f64 f64) (result f64)
                (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "shlAdd") (param i32 i32) (result i32)
                (i32.add (i32.shl (local.get 0) (i32.const 2)) (local.get 1))))
            """
        try expectCode(wat, """
            func 0:
            frame: 10 slots, 3 parameters, template of 0 words: []
            0: f64MulSub lhs=s0 rhs=s1 result=s0 other=s2 intermediateOnRight=true
            2: return

            func 1:
            frame: 9 slots, 3 parameters, template of 0 words: []
            0: f64MulSub lhs=s0 rhs=s1 result=s0 other=s2 intermediateOnRight=false
            2: return

            func 2:
            frame: 8 slots, 2 parameters, template of 2 words: [2, 0]
            0: i32ShlAdd lhs=s0 rhs=s2 result=s0 other=s1 intermediateOnRight=false
            2: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "rightSub", [f64(2), f64(3), f64(10)]) == [f64(4)])
        #expect(try call(s, i, "leftSub", [f64(2), f64(3), f64(10)]) == [f64(-4)])
        #expect(try call(s, i, "shlAdd", [5, UInt64(UInt32(bitPattern: -1))]) == [19])
    }

    @Test func internalCallsCarryTheCalleeCode() throws {
        // `link` writes the callee's code address and frame size into word 1 of each callInternal;
        // the callee's frame template (a zero for its local, then its constant) sits before its code.
        let wat = """
            (module
              (import "m" "f" (func $imported))
              (func $scale (param i32) (result i32) (local i64) (i32.mul (local.get 0) (i32.const 1000)))
              (func (export "twice") (param i32) (result i32) (call $scale (call $scale (local.get 0)))))
            """
        let compiled = try compileModule(try WAT.encode(wat))
        let caller = compiled.functions[1], callee = compiled.functions[0]
        var linked = 0, i = 0
        while i < caller.codeCount {
            let op = try #require(HandlerSet.opcode(of: caller.code[i]))
            if op == .callInternal {
                #expect(caller.code[i + 1] >> 16 == UInt64(UInt(bitPattern: callee.code)))
                #expect(Int(caller.code[i + 1] & 0xFFFF) == callee.frameSize)
                let prefix = CompiledFunction.prefix(ofCode: callee.code)
                #expect(prefix.paramCount == 1 && prefix.count == callee.frameInitCount)
                #expect(Array(UnsafeBufferPointer(start: prefix.template, count: prefix.count)) == [0, 1000])
                linked += 1
            }
            i += op.words(caller.code[i])
        }
        #expect(linked == 2)
    }

    @Test func callsAndReturnsFuseWithTheInstructionBefore() throws {
        // An argument computed right before a call, and a result right before a return, share the call's or
        // the return's dispatch (sequences whose second half calls or returns).
        let wat = """
            (module
              (func $fib (export "fib") (param i32) (result i32)
                (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                  (then (local.get 0))
                  (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                                 (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
              (func (export "sum") (param i32 i32) (result i32)
                (return (i32.add (local.get 0) (local.get 1)))))
            """
        try expectCode(wat, """
            func 0:
            frame: 17 slots, 1 parameters, template of 0 words: []
            0: brIfI32GeUImm lhs=s0 immediate=#2 offset=@4
            2: copy destination=s14 source=s0
            3: returnValue value=s14
            4: i32AddImmThenCallInternal operand=s0 immediate=#-1 result=s14
            5: callInternal arguments=s14 function=0 link=frame 17
            7: i32AddImmThenCallInternal operand=s0 immediate=#-2 result=s15
            8: callInternal arguments=s15 function=0 link=frame 17
            10: i32AddThenReturnValue lhs=s14 rhs=s15 result=s14
            11: returnValue value=s14

            func 1:
            frame: 7 slots, 2 parameters, template of 0 words: []
            0: i32AddThenReturn lhs=s0 rhs=s1 result=s0
            1: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "fib", [20]) == [6765])
        #expect(try call(s, i, "sum", [40, 2]) == [42])
        #expect(try call(s, i, "sum", [0xFFFF_FFFF, 2]) == [1])
    }

    @Test func selectOnEqzSwapsItsOperands() throws {
        // select(a, b, eqz(x)) runs as select(b, a, x); i64.eqz needs all 64 bits of x tested.
        let wat = """
            (module
              (func (export "s32") (param i32 i32 i32) (result i32)
                (select (local.get 0) (local.get 1) (i32.eqz (local.get 2))))
              (func (export "s64") (param i32 i32 i64) (result i32)
                (select (local.get 0) (local.get 1) (i64.eqz (local.get 2)))))
            """
        try expectCode(wat, """
            func 0:
            frame: 10 slots, 3 parameters, template of 0 words: []
            0: select result=s0 ifFalse=s0 condition=s2 ifTrue=s1
            2: return

            func 1:
            frame: 10 slots, 3 parameters, template of 0 words: []
            0: select64 result=s0 ifFalse=s0 condition=s2 ifTrue=s1
            2: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "s32", [10, 20, 0]) == [10])
        #expect(try call(s, i, "s32", [10, 20, 7]) == [20])
        #expect(try call(s, i, "s64", [10, 20, 0]) == [10])
        #expect(try call(s, i, "s64", [10, 20, 1 << 40]) == [20])
    }

    @Test func localsSetOnceAndReadInTheSameStraightLineCodeCostNothing() throws {
        // clang -O0 style: every temporary goes through a local. The constant and the copy are never written:
        // the reads take the values themselves (the add becomes an add-immediate of the parameter).
        let wat = """
            (module
              (func (export "spilled") (param i32) (result i32) (local i32 i32 i32)
                i32.const 40
                local.set 1
                local.get 0
                local.set 2
                local.get 2
                local.get 1
                i32.add
                local.set 3
                local.get 3)
              (func (export "sourceChanges") (param i32) (result i32) (local i32)
                ;; local 1 copies the parameter, which changes before the read: the copy is written first.
                local.get 0
                local.set 1
                i32.const 7
                local.set 0
                local.get 1
                local.get 0
                i32.sub)
              (func (export "readInALaterBlock") (param i32) (result i32) (local i32)
                ;; read after a block boundary: a normal local.
                i32.const 9
                local.set 1
                (block (br_if 0 (local.get 0)))
                local.get 1))
            """
        try expectCode(wat, """
            func 0:
            frame: 15 slots, 1 parameters, template of 4 words: [0, 0, 0, 0]
            0: i32AddImmThenReturn operand=s0 immediate=#40 result=s0
            1: return

            func 1:
            frame: 11 slots, 1 parameters, template of 2 words: [0, 0]
            0: copyThenConst32 destination=s1 source=s0
            1: const32 destination=s0 value=7
            2: i32Sub lhs=s1 rhs=s0 result=s0
            3: return

            func 2:
            frame: 10 slots, 1 parameters, template of 2 words: [0, 0]
            0: const32 destination=s1 value=9
            1: brIf condition=s0 offset=@2
            2: returnValue value=s1
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "spilled", [2]) == [42])
        #expect(try call(s, i, "sourceChanges", [10]) == [3])
        #expect(try call(s, i, "readInALaterBlock", [0]) == [9])
        #expect(try call(s, i, "readInALaterBlock", [1]) == [9])
    }

    @Test func maskedAndNegatedComparisonsThroughSpilledLocalsBecomeOneBranch() throws {
        // clang -O0: the comparison goes through a local, is masked with 1 (through another), goes through a
        // third local and is tested with eqz + br_if. The locals are never written, the mask is dropped, eqz
        // negates the integer comparison, and the branch fuses with it.
        let wat = """
            (module
              (func (export "lt") (param i32 i32) (result i32) (local i32 i32 i32)
                (block
                  local.get 0
                  local.get 1
                  i32.lt_s
                  local.set 2
                  i32.const 1
                  local.set 3
                  local.get 2
                  local.get 3
                  i32.and
                  local.set 4
                  local.get 4
                  i32.eqz
                  br_if 0
                  i32.const 1
                  return)
                i32.const 0)
              (func (export "notLess") (param f64 f64) (result i32)
                ;; eqz of a float comparison is not the opposite comparison: with a NaN both are false.
                (i32.eqz (f64.lt (local.get 0) (local.get 1)))))
            """
        try expectCode(wat, """
            func 0:
            frame: 23 slots, 2 parameters, template of 4 words: [0, 0, 0, 0]
            0: brIfI32GeS lhs=s0 rhs=s1 offset=@4
            2: const32 destination=s0 value=1
            3: return
            4: const32 destination=s0 value=0
            5: return

            func 1:
            frame: 7 slots, 2 parameters, template of 0 words: []
            0: f64Lt lhs=s0 rhs=s1 result=s5
            1: i32EqzAccA operand=s5 result=s0
            2: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "lt", [1, 2]) == [1])
        #expect(try call(s, i, "lt", [2, 1]) == [0])
        #expect(try call(s, i, "lt", [2, 2]) == [0])
        #expect(try call(s, i, "lt", [UInt64(UInt32(bitPattern: -1)), 0]) == [1])
        #expect(try call(s, i, "notLess", [f64(.nan), f64(1)]) == [1])
        #expect(try call(s, i, "notLess", [f64(2), f64(1)]) == [1])
        #expect(try call(s, i, "notLess", [f64(0), f64(1)]) == [0])
    }

    @Test func constantAddressesTakeNoConstantSlots() throws {
        // C globals: loads and stores at constant addresses use the constant 0's slot as their base and carry the
        // address in the offset word, so three globals need one constant slot (the 0), not three.
        let wat = """
            (module
              (memory 1)
              (data (i32.const 2000) "\\05")
              (func (export "bump") (result i32)
                (i32.store (i32.const 1000) (i32.add (i32.load (i32.const 1000)) (i32.const 1)))
                (i32.store offset=4 (i32.const 1000) (i32.load (i32.const 2000)))
                (i32.add (i32.load (i32.const 1000)) (i32.load offset=4 (i32.const 1000))))
              (func (export "edge") (result i32) (i32.load (i32.const 65532)))
              (func (export "beyond") (result i32) (i32.load offset=1 (i32.const 65532))))
            """
        try expectCode(wat, """
            func 0:
            frame: 23 slots, 0 parameters, template of 2 words: [0, 0]
            0: i32Load result=s21 address=s0 offset=1000
            2: i32AddImmAccA operand=s21 immediate=#1 result=s21
            3: i32StoreAccAThenI32Load value=s21 address=s0 offset=1000
            5: i32Load result=s21 address=s0 offset=2000
            7: i32StoreAccAThenI32Load value=s21 address=s0 offset=1004
            9: i32Load result=s20 address=s0 offset=1000
            11: i32Load result=s21 address=s0 offset=1004
            13: i32AddThenReturn lhs=s20 rhs=s21 result=s0
            14: return

            func 1:
            frame: 5 slots, 0 parameters, template of 2 words: [0, 0]
            0: i32Load result=s0 address=s0 offset=65532
            2: return

            func 2:
            frame: 5 slots, 0 parameters, template of 2 words: [0, 0]
            0: i32Load result=s0 address=s0 offset=65533
            2: return
            """)
        let compiled = try compileModule(try WAT.encode(wat))
        #expect(compiled.functions[0].frameInitCount <= 2)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "bump") == [6])
        #expect(try call(s, i, "bump") == [7])
        #expect(try call(s, i, "edge") == [0])
        #expect(throws: ExecutionError.self) { try call(s, i, "beyond") }
    }

    @Test func constantsUsedInLoopsGetSlotsFirst() throws {
        // 70 distinct constants before the loop use up the 64 slots; a second translation gives the loop's
        // multiplier a slot, so the loop does not materialise it on every iteration.
        let before = (0..<70).map { "(drop (i32.mul (local.get 0) (i32.const \(100_000 + $0))))" }.joined(separator: " ")
        let wat = """
            (module
              (func (export "f") (param i32) (result i32) (local i32)
                \(before)
                (local.set 1 (i32.const 7))
                (loop $l
                  (local.set 1 (i32.mul (local.get 1) (i32.const 16777619)))
                  (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
                (local.get 1)))
            """
        let code = try compileModule(try WAT.encode(wat)).disassembly[0].code
        let loop = instructions(code)
        #expect(loop.contains { $0.opcode == "i32Mul" })
        #expect(!loop.contains { $0.opcode == "const32" && $0.fields["value"] == "16777619" })
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "f", [3]) == [UInt64(UInt32(truncatingIfNeeded: 7 &* 16_777_619 &* 16_777_619 &* 16_777_619))])
    }

    /// An interpreter-style loop: a `br_table` dispatch at the loop head, every case ending in `br` back to it.
    static let dispatchLoop = """
        (module
          (func (export "run") (param $n i32) (result i32) (local $acc i32)
            (loop $next
              (block $done
                (block $odd
                  (block $even
                    (br_table $even $odd $done (select (i32.and (local.get $n) (i32.const 1)) (i32.const 2) (local.get $n))))
                  (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br $next))
                (local.set $acc (i32.add (local.get $acc) (i32.const 10)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $next)))
            (local.get $acc))
          (func (export "spin") (local $n i32)
            (loop $next
              (block $b
                (block $a (br_table $a $b (i32.and (local.get $n) (i32.const 1))))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br $next))
              (local.set $n (i32.add (local.get $n) (i32.const 3)))
              (br $next))))
        """

    @Test func jumpsToShortBlocksBecomeCopiesOfThem() throws {
        // Each case's `br $next` is replaced by a copy of the loop head (up to and including its br_table): three
        // br_tables in each function.
        try expectCode(Self.dispatchLoop, """
            func 0:
            frame: 36 slots, 1 parameters, template of 4 words: [0, 1, 2, 0]
            0: i32And lhs=s0 rhs=s2 result=s33
            1: select result=s33 ifFalse=s3 condition=s0 ifTrue=s33
            3: brTableAccA index=s33 count=2 targets=[@7, @16, @25]
            7: i32AddImmThenI32AddImm operand=s1 immediate=#1 result=s1
            8: i32AddImm operand=s0 immediate=#-1 result=s0
            9: i32AndAccA lhs=s0 rhs=s2 result=s33
            10: select result=s33 ifFalse=s3 condition=s0 ifTrue=s33
            12: brTableAccA index=s33 count=2 targets=[@7, @16, @25]
            16: i32AddImmThenI32AddImm operand=s1 immediate=#10 result=s1
            17: i32AddImm operand=s0 immediate=#-1 result=s0
            18: i32AndAccA lhs=s0 rhs=s2 result=s33
            19: select result=s33 ifFalse=s3 condition=s0 ifTrue=s33
            21: brTableAccA index=s33 count=2 targets=[@7, @16, @25]
            25: returnValue value=s1

            func 1:
            frame: 21 slots, 0 parameters, template of 2 words: [0, 1]
            0: i32And lhs=s0 rhs=s1 result=s19
            1: brTableAccA index=s19 count=1 targets=[@4, @9]
            4: i32AddImmThenI32AndAccA operand=s0 immediate=#1 result=s0
            5: i32And lhs=s0 rhs=s1 result=s19
            6: brTableAccA index=s19 count=1 targets=[@4, @9]
            9: i32AddImmThenI32AndAccA operand=s0 immediate=#3 result=s0
            10: i32And lhs=s0 rhs=s1 result=s19
            11: brTableAccA index=s19 count=1 targets=[@4, @9]
            14: return
            """)
        let (s, i) = try instantiate(Self.dispatchLoop)
        #expect(try call(s, i, "run", [0]) == [0])
        #expect(try call(s, i, "run", [4]) == [22])
        #expect(try call(s, i, "run", [5]) == [32])
    }

    @Test func loopsThroughCopiedBlocksStillCountTicks() throws {
        // The cycle now runs through the copies' br_tables; a backward jump among them still counts a tick.
        var limits = StoreLimits()
        limits.fuel = 50_000
        let (s, i) = try instantiate(Self.dispatchLoop, limits: limits)
        try expectTrap(.outOfFuel, calling: "spin", in: s, i)
    }

    @Test func pairsAreNotFusedAcrossABranchTarget() throws {
        // The block's result is produced by the i32.add on one path and by the br_if on the other (its value is
        // already in the label's slot, so the br_if jumps straight to the label): the outer add starts at the
        // block's end label, a jump target, so it must stay a separate instruction.
        let wat = """
            (module
              (func (export "f") (param i32 i32) (result i32)
                (i32.add
                  (block (result i32)
                    (drop (br_if 0 (i32.mul (local.get 0) (i32.const 100)) (local.get 0)))
                    (i32.add (local.get 1) (local.get 0)))
                  (i32.const 100000))))
            """
        try expectCode(wat, """
            func 0:
            frame: 16 slots, 2 parameters, template of 2 words: [100, 100000]
            0: i32Mul lhs=s0 rhs=s2 result=s14
            1: brIf condition=s0 offset=@3
            2: i32Add lhs=s1 rhs=s0 result=s14
            3: i32AddThenReturn lhs=s14 rhs=s3 result=s0
            4: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "f", [1, 5]) == [100_100])
        #expect(try call(s, i, "f", [0, 5]) == [100_005])
    }

    @Test func addImmediateBranchCountsLoops() throws {
        let wat = """
            (module
              (func (export "count") (param i32) (result i32) (local i32)
                (loop $l
                  (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                  (br_if $l (i32.ne (local.get 1) (local.get 0))))
                (local.get 1))
              (func (export "down") (param i32) (result i32) (local i32)
                (loop $l
                  (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                  (br_if $l (i32.gt_s (local.tee 0 (i32.add (local.get 0) (i32.const -3))) (i32.const 0))))
                (local.get 1)))
            """
        try expectCode(wat, """
            func 0:
            frame: 14 slots, 1 parameters, template of 2 words: [0, 0]
            0: i32AddImmBrIfNe operand=s1 immediate=#1 sum=s1 other=s0 offset=@0
            3: returnValue value=s1

            func 1:
            frame: 16 slots, 1 parameters, template of 2 words: [0, 0]
            0: i32AddImmThenI32AddImm operand=s1 immediate=#1 result=s1
            1: i32AddImm operand=s0 immediate=#-3 result=s0
            2: brIfI32GtSImmAccA lhs=s0 immediate=#0 offset=@0
            4: returnValue value=s1
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "count", [5]) == [5])
        #expect(try call(s, i, "count", [1]) == [1])
        #expect(try call(s, i, "down", [10]) == [4])
    }

    @Test func addImmediateBranchMirrorsARightHandSum() throws {
        // `n > i + 1` becomes `i + 1 < n`: the sum must end up on the left of the mirrored comparison.
        let wat = """
            (module
              (func (export "count") (param i32) (result i32) (local i32)
                (loop $l
                  (br_if $l (i32.gt_u (local.get 0) (local.tee 1 (i32.add (local.get 1) (i32.const 1))))))
                (local.get 1)))
            """
        try expectCode(wat, """
            func 0:
            frame: 14 slots, 1 parameters, template of 2 words: [0, 0]
            0: i32AddImmBrIfLtU operand=s1 immediate=#1 sum=s1 other=s0 offset=@0
            3: returnValue value=s1
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "count", [7]) == [7])
        #expect(try call(s, i, "count", [0]) == [1])
    }

    @Test func comparisonsWithSmallConstantsTakeImmediates() throws {
        // The immediate is sign-extended to the operand type: -1 is 0xFFFF_FFFF for an unsigned i32 comparison.
        let wat = """
            (module
              (func (export "ltU") (param i32) (result i32) (i32.lt_u (local.get 0) (i32.const -1)))
              (func (export "gtS") (param i32) (result i32) (i32.gt_s (local.get 0) (i32.const -5)))
              (func (export "big") (param i32) (result i32) (i32.eq (local.get 0) (i32.const 32768)))
              (func (export "ltU64") (param i64) (result i32) (i64.lt_u (local.get 0) (i64.const -2)))
              (func (export "branch64") (param i64) (result i32)
                (if (result i32) (i64.ge_s (local.get 0) (i64.const -32768)) (then (i32.const 1)) (else (i32.const 0))))
              (func (export "count") (result i32) (local i32)
                (loop $l
                  (local.set 0 (i32.add (local.get 0) (i32.const 3)))
                  (br_if $l (i32.ne (local.get 0) (i32.const 30))))
                (local.get 0)))
            """
        try expectCode(wat, """
            func 0:
            frame: 6 slots, 1 parameters, template of 0 words: []
            0: i32LtUImm operand=s0 immediate=#-1 result=s0
            1: return

            func 1:
            frame: 6 slots, 1 parameters, template of 0 words: []
            0: i32GtSImm operand=s0 immediate=#-5 result=s0
            1: return

            func 2:
            frame: 7 slots, 1 parameters, template of 2 words: [32768, 0]
            0: i32Eq lhs=s0 rhs=s1 result=s0
            1: return

            func 3:
            frame: 6 slots, 1 parameters, template of 0 words: []
            0: i64LtUImm operand=s0 immediate=#-2 result=s0
            1: return

            func 4:
            frame: 11 slots, 1 parameters, template of 0 words: []
            0: brIfI64LtSImm lhs=s0 immediate=#-32768 offset=@4
            2: const32 destination=s9 value=1
            3: returnValue value=s9
            4: const32 destination=s9 value=0
            5: returnValue value=s9

            func 5:
            frame: 13 slots, 0 parameters, template of 2 words: [0, 0]
            0: i32AddImmBrIfNeImm operand=s0 immediate=#3 sum=s0 bound=#30 offset=@0
            3: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "ltU", [0xFFFF_FFFE]) == [1])
        #expect(try call(s, i, "ltU", [0xFFFF_FFFF]) == [0])
        #expect(try call(s, i, "gtS", [UInt64(UInt32(bitPattern: -4))]) == [1])
        #expect(try call(s, i, "gtS", [UInt64(UInt32(bitPattern: -5))]) == [0])
        #expect(try call(s, i, "big", [32768]) == [1])
        #expect(try call(s, i, "big", [UInt64(UInt32(bitPattern: -32768))]) == [0])
        #expect(try call(s, i, "ltU64", [UInt64.max - 2]) == [1])
        #expect(try call(s, i, "ltU64", [UInt64.max - 1]) == [0])
        #expect(try call(s, i, "branch64", [UInt64(bitPattern: -32768)]) == [1])
        #expect(try call(s, i, "branch64", [UInt64(bitPattern: -32769)]) == [0])
        #expect(try call(s, i, "count") == [30])
    }

    @Test func bitOperationsTakeImmediatesWhenConstantSlotsRunOut() throws {
        // 70 distinct constants: the first 64 get frame slots, the rest become immediates.
        let constants = (0..<70).map { 0x100 + $0 * 3 }
        let body = constants.reduce("(local.get 0)") { "(i32.xor \($0) (i32.const \($1)))" }
        let wat = "(module (func (export \"f\") (param i32) (result i32) \(body)))"
        #expect(instructions(try disassembly(wat)).contains { ["i32XorImm", "i32XorImmAccA"].contains($0.opcode) })
        let (s, i) = try instantiate(wat)
        let expected = constants.reduce(UInt32(0x5A5A_5A5A)) { $0 ^ UInt32($1) }
        #expect(try call(s, i, "f", [0x5A5A_5A5A]) == [UInt64(expected)])
    }

    @Test func sequencesRunBothInstructions() throws {
        // Two independent increments and a pair of copies (a swap through a third local): each becomes one
        // sequence instruction that must perform both writes, in order.
        let wat = """
            (module
              (func (export "bump") (param i32 i32) (result i32)
                (local.set 0 (i32.add (local.get 0) (i32.const 3)))
                (local.set 1 (i32.add (local.get 1) (i32.const -5)))
                (i32.sub (local.get 0) (local.get 1)))
              (func (export "swap") (param i32 i32) (result i32) (local i32)
                (local.set 2 (local.get 0))
                (local.set 0 (local.get 1))
                (local.set 1 (local.get 2))
                (i32.sub (local.get 0) (local.get 1))))
            """
        try expectCode(wat, """
            func 0:
            frame: 14 slots, 2 parameters, template of 0 words: []
            0: i32AddImmThenI32AddImm operand=s0 immediate=#3 result=s0
            1: i32AddImm operand=s1 immediate=#-5 result=s1
            2: i32SubAccB lhs=s0 rhs=s1 result=s0
            3: return

            func 1:
            frame: 14 slots, 2 parameters, template of 2 words: [0, 0]
            0: copyThenCopy destination=s2 source=s0
            1: copy destination=s0 source=s1
            2: copy destination=s1 source=s2
            3: i32Sub lhs=s0 rhs=s1 result=s0
            4: return
            """)
        let (s, i) = try instantiate(wat)
        #expect(try call(s, i, "bump", [10, 20]) == [UInt64(UInt32(bitPattern: -2))])
        #expect(try call(s, i, "swap", [7, 3]) == [UInt64(UInt32(bitPattern: -4))])
    }

    @Test func foldedAddressesWrapAt32Bits() throws {
        // i32.add of an address and a constant wraps at 2^32 before the offset is added: 0xFFFFFFFF + 1
        // addresses byte 0, in the fused instruction as in the spec.
        let wat = """
            (module (memory 1)
              (func (export "load") (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.const 1))))
              (func (export "loadIndexed") (param i32 i32) (result i32)
                (i32.load (i32.add (local.get 0) (local.get 1))))
              (func (export "store") (param i32 i32) (i32.store8 (i32.add (local.get 0) (i32.const 4)) (local.get 1)))
              (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
            """
        try expectCode(wat, """
            func 0:
            frame: 7 slots, 1 parameters, template of 0 words: []
            0: i32LoadPlusImm result=s0 base=s0 immediate=#1 offset=0
            3: return

            func 1:
            frame: 8 slots, 2 parameters, template of 0 words: []
            0: i32LoadIndexed result=s0 base=s0 index=s1 offset=0
            2: return

            func 2:
            frame: 9 slots, 2 parameters, template of 0 words: []
            0: i32Store8PlusImm value=s1 base=s0 immediate=#4 offset=0
            3: return

            func 3:
            frame: 5 slots, 1 parameters, template of 0 words: []
            0: i32Load8U result=s0 address=s0 offset=0
            2: return
            """)
        let (s, i) = try instantiate(wat)
        try _ = call(s, i, "store", [UInt64(UInt32.max) - 3, 0x2A])  // wraps to address 0
        #expect(try call(s, i, "byte", [0]) == [0x2A])
        #expect(try call(s, i, "load", [UInt64(UInt32.max)]) == [0x2A])
        #expect(try call(s, i, "loadIndexed", [UInt64(UInt32.max), 1]) == [0x2A])
        #expect(throws: ExecutionError.self) { try call(s, i, "load", [65_533]) }
        #expect(throws: ExecutionError.self) { try call(s, i, "store", [65_532, 1]) }
    }
}

/// The translated code of every function of `wat`, as `swasm inspect --disassemble` prints it (without names):
/// `func <index>:`, the frame line, then one instruction per line; a blank line between functions.
func disassembly(_ wat: String) throws -> String {
    let compiled = try compileModule(try WAT.encode(wat))
    return compiled.disassembly.map { "func \($0.functionIndex):\n" + $0.code }.joined(separator: "\n\n")
}

/// Expects the translated code of `wat` to be `expected`, line for line (see `disassembly`).
func expectCode(_ wat: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let actual = try disassembly(wat)
    guard actual != expected else { return }
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let k = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
    Issue.record("""
        translated code differs at line \(k + 1): expected \(k < e.count ? String(reflecting: String(e[k])) : "the end"), \
        got \(k < a.count ? String(reflecting: String(a[k])) : "the end"); the whole code:
        \(actual)
        """, sourceLocation: sourceLocation)
}

/// The instructions of a disassembly: each line's opcode and its operand fields by name.
func instructions(_ code: String) -> [(opcode: String, fields: [String: String])] {
    code.split(separator: "\n").compactMap { line in
        let words = line.split(separator: " ")
        guard words.count >= 2, words[0].hasSuffix(":"), words[0].dropLast().allSatisfy(\.isNumber) else { return nil }
        var fields: [String: String] = [:]
        for word in words.dropFirst(2) {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return (String(words[1]), fields)
    }
}

/// An f64 as the cell the interpreter keeps.
func f64(_ x: Double) -> UInt64 { x.bitPattern }
