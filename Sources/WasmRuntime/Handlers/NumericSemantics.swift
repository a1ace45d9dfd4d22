import WasmCore
import WasmRuntimeDispatch

/// The semantics of every numeric instruction (`NumericOp`) on 64-bit cells: i32 values zero-extended, floats as
/// their bit patterns. One function per instruction, named as its `NumericOp` case, taking the operands in order;
/// an instruction that may trap also takes `trap`, which it sets (returning 0) instead of throwing, so that its
/// handler needs no throw machinery. The handler families (Numeric.swift, CompareBranches.swift) take these
/// functions as arguments; Scripts/gen-numerics.py checks that each numeric instruction has one, and reads from
/// its parameters whether it traps.
enum NumericSemantics {
    // MARK: - Integer comparisons

    @inline(__always) static func i32Eqz(_ a: UInt64) -> UInt64 {
        UInt32(truncatingIfNeeded: a) == 0 ? 1 : 0
    }
    @inline(__always) static func i32Eq(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (x == y) ? 1 : 0
    }
    @inline(__always) static func i32Ne(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (x != y) ? 1 : 0
    }
    @inline(__always) static func i32LtS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (Int32(bitPattern: x) < Int32(bitPattern: y)) ? 1 : 0
    }
    @inline(__always) static func i32LtU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (x < y) ? 1 : 0
    }
    @inline(__always) static func i32GtS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (Int32(bitPattern: x) > Int32(bitPattern: y)) ? 1 : 0
    }
    @inline(__always) static func i32GtU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (x > y) ? 1 : 0
    }
    @inline(__always) static func i32LeS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (Int32(bitPattern: x) <= Int32(bitPattern: y)) ? 1 : 0
    }
    @inline(__always) static func i32LeU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (x <= y) ? 1 : 0
    }
    @inline(__always) static func i32GeS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (Int32(bitPattern: x) >= Int32(bitPattern: y)) ? 1 : 0
    }
    @inline(__always) static func i32GeU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return (x >= y) ? 1 : 0
    }
    @inline(__always) static func i64Eqz(_ a: UInt64) -> UInt64 {
        a == 0 ? 1 : 0
    }
    @inline(__always) static func i64Eq(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (x == y) ? 1 : 0
    }
    @inline(__always) static func i64Ne(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (x != y) ? 1 : 0
    }
    @inline(__always) static func i64LtS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (Int64(bitPattern: x) < Int64(bitPattern: y)) ? 1 : 0
    }
    @inline(__always) static func i64LtU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (x < y) ? 1 : 0
    }
    @inline(__always) static func i64GtS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (Int64(bitPattern: x) > Int64(bitPattern: y)) ? 1 : 0
    }
    @inline(__always) static func i64GtU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (x > y) ? 1 : 0
    }
    @inline(__always) static func i64LeS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (Int64(bitPattern: x) <= Int64(bitPattern: y)) ? 1 : 0
    }
    @inline(__always) static func i64LeU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (x <= y) ? 1 : 0
    }
    @inline(__always) static func i64GeS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (Int64(bitPattern: x) >= Int64(bitPattern: y)) ? 1 : 0
    }
    @inline(__always) static func i64GeU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (x >= y) ? 1 : 0
    }

    // MARK: - Float comparisons

    @inline(__always) static func f32Eq(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Float(bitPattern: UInt32(truncatingIfNeeded: a)) == Float(bitPattern: UInt32(truncatingIfNeeded: b)) ? 1 : 0
    }
    @inline(__always) static func f32Ne(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Float(bitPattern: UInt32(truncatingIfNeeded: a)) != Float(bitPattern: UInt32(truncatingIfNeeded: b)) ? 1 : 0
    }
    @inline(__always) static func f32Lt(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Float(bitPattern: UInt32(truncatingIfNeeded: a)) < Float(bitPattern: UInt32(truncatingIfNeeded: b)) ? 1 : 0
    }
    @inline(__always) static func f32Gt(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Float(bitPattern: UInt32(truncatingIfNeeded: a)) > Float(bitPattern: UInt32(truncatingIfNeeded: b)) ? 1 : 0
    }
    @inline(__always) static func f32Le(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Float(bitPattern: UInt32(truncatingIfNeeded: a)) <= Float(bitPattern: UInt32(truncatingIfNeeded: b)) ? 1 : 0
    }
    @inline(__always) static func f32Ge(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Float(bitPattern: UInt32(truncatingIfNeeded: a)) >= Float(bitPattern: UInt32(truncatingIfNeeded: b)) ? 1 : 0
    }
    @inline(__always) static func f64Eq(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Double(bitPattern: a) == Double(bitPattern: b) ? 1 : 0
    }
    @inline(__always) static func f64Ne(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Double(bitPattern: a) != Double(bitPattern: b) ? 1 : 0
    }
    @inline(__always) static func f64Lt(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Double(bitPattern: a) < Double(bitPattern: b) ? 1 : 0
    }
    @inline(__always) static func f64Gt(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Double(bitPattern: a) > Double(bitPattern: b) ? 1 : 0
    }
    @inline(__always) static func f64Le(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Double(bitPattern: a) <= Double(bitPattern: b) ? 1 : 0
    }
    @inline(__always) static func f64Ge(_ a: UInt64, _ b: UInt64) -> UInt64 {
        Double(bitPattern: a) >= Double(bitPattern: b) ? 1 : 0
    }

    // MARK: - i32 arithmetic

    @inline(__always) static func i32Clz(_ a: UInt64) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: a).leadingZeroBitCount)
    }
    @inline(__always) static func i32Ctz(_ a: UInt64) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: a).trailingZeroBitCount)
    }
    @inline(__always) static func i32Popcnt(_ a: UInt64) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: a).nonzeroBitCount)
    }
    @inline(__always) static func i32Add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(x &+ y)
    }
    @inline(__always) static func i32Sub(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(x &- y)
    }
    @inline(__always) static func i32Mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(x &* y)
    }
    @inline(__always) static func i32DivS(_ a: UInt64, _ b: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let x = Int32(bitPattern: UInt32(truncatingIfNeeded: a)), y = Int32(bitPattern: UInt32(truncatingIfNeeded: b))
        if y == 0 { trap = .integerDivideByZero; return 0 }
        if x == Int32.min && y == -1 { trap = .integerOverflow; return 0 }
        return UInt64(UInt32(bitPattern: x / y))
    }
    @inline(__always) static func i32DivU(_ a: UInt64, _ b: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        if y == 0 { trap = .integerDivideByZero; return 0 }
        return UInt64(x / y)
    }
    @inline(__always) static func i32RemS(_ a: UInt64, _ b: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let x = Int32(bitPattern: UInt32(truncatingIfNeeded: a)), y = Int32(bitPattern: UInt32(truncatingIfNeeded: b))
        if y == 0 { trap = .integerDivideByZero; return 0 }
        if y == -1 { return 0 }
        return UInt64(UInt32(bitPattern: x % y))
    }
    @inline(__always) static func i32RemU(_ a: UInt64, _ b: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        if y == 0 { trap = .integerDivideByZero; return 0 }
        return UInt64(x % y)
    }
    @inline(__always) static func i32And(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(x & y)
    }
    @inline(__always) static func i32Or(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(x | y)
    }
    @inline(__always) static func i32Xor(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(x ^ y)
    }
    @inline(__always) static func i32Shl(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(x &<< y)
    }
    @inline(__always) static func i32ShrS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(UInt32(bitPattern: Int32(bitPattern: x) &>> Int32(bitPattern: y)))
    }
    @inline(__always) static func i32ShrU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64(x &>> y)
    }
    @inline(__always) static func i32Rotl(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64((x &<< y) | (x &>> (32 &- y)))
    }
    @inline(__always) static func i32Rotr(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return UInt64((x &>> y) | (x &<< (32 &- y)))
    }

    // MARK: - i64 arithmetic

    @inline(__always) static func i64Clz(_ a: UInt64) -> UInt64 {
        UInt64(a.leadingZeroBitCount)
    }
    @inline(__always) static func i64Ctz(_ a: UInt64) -> UInt64 {
        UInt64(a.trailingZeroBitCount)
    }
    @inline(__always) static func i64Popcnt(_ a: UInt64) -> UInt64 {
        UInt64(a.nonzeroBitCount)
    }
    @inline(__always) static func i64Add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return x &+ y
    }
    @inline(__always) static func i64Sub(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return x &- y
    }
    @inline(__always) static func i64Mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return x &* y
    }
    @inline(__always) static func i64DivS(_ a: UInt64, _ b: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
        if y == 0 { trap = .integerDivideByZero; return 0 }
        if x == Int64.min && y == -1 { trap = .integerOverflow; return 0 }
        return UInt64(bitPattern: x / y)
    }
    @inline(__always) static func i64DivU(_ a: UInt64, _ b: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let x = a, y = b
        if y == 0 { trap = .integerDivideByZero; return 0 }
        return UInt64(x / y)
    }
    @inline(__always) static func i64RemS(_ a: UInt64, _ b: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
        if y == 0 { trap = .integerDivideByZero; return 0 }
        if y == -1 { return 0 }
        return UInt64(bitPattern: x % y)
    }
    @inline(__always) static func i64RemU(_ a: UInt64, _ b: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let x = a, y = b
        if y == 0 { trap = .integerDivideByZero; return 0 }
        return UInt64(x % y)
    }
    @inline(__always) static func i64And(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return x & y
    }
    @inline(__always) static func i64Or(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return x | y
    }
    @inline(__always) static func i64Xor(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return x ^ y
    }
    @inline(__always) static func i64Shl(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return x &<< y
    }
    @inline(__always) static func i64ShrS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return UInt64(bitPattern: Int64(bitPattern: x) &>> Int64(bitPattern: y))
    }
    @inline(__always) static func i64ShrU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return x &>> y
    }
    @inline(__always) static func i64Rotl(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (x &<< y) | (x &>> (64 &- y))
    }
    @inline(__always) static func i64Rotr(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = a, y = b
        return (x &>> y) | (x &<< (64 &- y))
    }

    // MARK: - f32 arithmetic

    @inline(__always) static func f32Abs(_ a: UInt64) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: a) & ~0x8000_0000)
    }
    @inline(__always) static func f32Neg(_ a: UInt64) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: a) ^ 0x8000_0000)
    }
    @inline(__always) static func f32Ceil(_ a: UInt64) -> UInt64 {
        UInt64(Float(bitPattern: UInt32(truncatingIfNeeded: a)).rounded(.up).bitPattern)
    }
    @inline(__always) static func f32Floor(_ a: UInt64) -> UInt64 {
        UInt64(Float(bitPattern: UInt32(truncatingIfNeeded: a)).rounded(.down).bitPattern)
    }
    @inline(__always) static func f32Trunc(_ a: UInt64) -> UInt64 {
        UInt64(Float(bitPattern: UInt32(truncatingIfNeeded: a)).rounded(.towardZero).bitPattern)
    }
    @inline(__always) static func f32Nearest(_ a: UInt64) -> UInt64 {
        UInt64(Float(bitPattern: UInt32(truncatingIfNeeded: a)).rounded(.toNearestOrEven).bitPattern)
    }
    /// `swasm_sqrt_*` is a square root that never sets errno: one instruction, where `squareRoot()` may call libm.
    @inline(__always) static func f32Sqrt(_ a: UInt64) -> UInt64 {
        UInt64(swasm_sqrt_f32(Float(bitPattern: UInt32(truncatingIfNeeded: a))).bitPattern)
    }
    @inline(__always) static func f32Add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64((Float(bitPattern: UInt32(truncatingIfNeeded: a)) + Float(bitPattern: UInt32(truncatingIfNeeded: b))).bitPattern)
    }
    @inline(__always) static func f32Sub(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64((Float(bitPattern: UInt32(truncatingIfNeeded: a)) - Float(bitPattern: UInt32(truncatingIfNeeded: b))).bitPattern)
    }
    @inline(__always) static func f32Mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64((Float(bitPattern: UInt32(truncatingIfNeeded: a)) * Float(bitPattern: UInt32(truncatingIfNeeded: b))).bitPattern)
    }
    @inline(__always) static func f32Div(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64((Float(bitPattern: UInt32(truncatingIfNeeded: a)) / Float(bitPattern: UInt32(truncatingIfNeeded: b))).bitPattern)
    }
    @inline(__always) static func f32Min(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = Float(bitPattern: UInt32(truncatingIfNeeded: a)), y = Float(bitPattern: UInt32(truncatingIfNeeded: b))
        if x.isNaN || y.isNaN { return UInt64((x + y).bitPattern) }
        if x == y { return UInt64(x.bitPattern | y.bitPattern) }
        return UInt64((x < y ? x : y).bitPattern)
    }
    @inline(__always) static func f32Max(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = Float(bitPattern: UInt32(truncatingIfNeeded: a)), y = Float(bitPattern: UInt32(truncatingIfNeeded: b))
        if x.isNaN || y.isNaN { return UInt64((x + y).bitPattern) }
        if x == y { return UInt64(x.bitPattern & y.bitPattern) }
        return UInt64((x > y ? x : y).bitPattern)
    }
    @inline(__always) static func f32Copysign(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64((UInt32(truncatingIfNeeded: a) & ~0x8000_0000) | (UInt32(truncatingIfNeeded: b) & 0x8000_0000))
    }

    // MARK: - f64 arithmetic

    @inline(__always) static func f64Abs(_ a: UInt64) -> UInt64 {
        a & ~0x8000_0000_0000_0000
    }
    @inline(__always) static func f64Neg(_ a: UInt64) -> UInt64 {
        a ^ 0x8000_0000_0000_0000
    }
    @inline(__always) static func f64Ceil(_ a: UInt64) -> UInt64 {
        Double(bitPattern: a).rounded(.up).bitPattern
    }
    @inline(__always) static func f64Floor(_ a: UInt64) -> UInt64 {
        Double(bitPattern: a).rounded(.down).bitPattern
    }
    @inline(__always) static func f64Trunc(_ a: UInt64) -> UInt64 {
        Double(bitPattern: a).rounded(.towardZero).bitPattern
    }
    @inline(__always) static func f64Nearest(_ a: UInt64) -> UInt64 {
        Double(bitPattern: a).rounded(.toNearestOrEven).bitPattern
    }
    @inline(__always) static func f64Sqrt(_ a: UInt64) -> UInt64 {
        swasm_sqrt_f64(Double(bitPattern: a)).bitPattern
    }
    @inline(__always) static func f64Add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (Double(bitPattern: a) + Double(bitPattern: b)).bitPattern
    }
    @inline(__always) static func f64Sub(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (Double(bitPattern: a) - Double(bitPattern: b)).bitPattern
    }
    @inline(__always) static func f64Mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (Double(bitPattern: a) * Double(bitPattern: b)).bitPattern
    }
    @inline(__always) static func f64Div(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (Double(bitPattern: a) / Double(bitPattern: b)).bitPattern
    }
    @inline(__always) static func f64Min(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = Double(bitPattern: a), y = Double(bitPattern: b)
        if x.isNaN || y.isNaN { return (x + y).bitPattern }
        if x == y { return UInt64(x.bitPattern | y.bitPattern) }
        return (x < y ? x : y).bitPattern
    }
    @inline(__always) static func f64Max(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = Double(bitPattern: a), y = Double(bitPattern: b)
        if x.isNaN || y.isNaN { return (x + y).bitPattern }
        if x == y { return UInt64(x.bitPattern & y.bitPattern) }
        return (x > y ? x : y).bitPattern
    }
    @inline(__always) static func f64Copysign(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a & ~0x8000_0000_0000_0000) | (b & 0x8000_0000_0000_0000)
    }

    // MARK: - Conversions

    @inline(__always) static func i32WrapI64(_ a: UInt64) -> UInt64 {
        a & 0xFFFF_FFFF
    }
    @inline(__always) static func i32TruncF32S(_ a: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let d = Double(Float(bitPattern: UInt32(truncatingIfNeeded: a)))
        if d.isNaN { trap = .invalidConversionToInteger; return 0 }
        guard d > -2147483649.0 && d < 2147483648.0 else { trap = .integerOverflow; return 0 }
        return UInt64(UInt32(bitPattern: Int32(d)))
    }
    @inline(__always) static func i32TruncF32U(_ a: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let d = Double(Float(bitPattern: UInt32(truncatingIfNeeded: a)))
        if d.isNaN { trap = .invalidConversionToInteger; return 0 }
        guard d > -1.0 && d < 4294967296.0 else { trap = .integerOverflow; return 0 }
        return UInt64(UInt32(d))
    }
    @inline(__always) static func i32TruncF64S(_ a: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let d = Double(bitPattern: a)
        if d.isNaN { trap = .invalidConversionToInteger; return 0 }
        guard d > -2147483649.0 && d < 2147483648.0 else { trap = .integerOverflow; return 0 }
        return UInt64(UInt32(bitPattern: Int32(d)))
    }
    @inline(__always) static func i32TruncF64U(_ a: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let d = Double(bitPattern: a)
        if d.isNaN { trap = .invalidConversionToInteger; return 0 }
        guard d > -1.0 && d < 4294967296.0 else { trap = .integerOverflow; return 0 }
        return UInt64(UInt32(d))
    }
    @inline(__always) static func i64ExtendI32S(_ a: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: a))))
    }
    @inline(__always) static func i64ExtendI32U(_ a: UInt64) -> UInt64 {
        a & 0xFFFF_FFFF
    }
    @inline(__always) static func i64TruncF32S(_ a: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let d = Double(Float(bitPattern: UInt32(truncatingIfNeeded: a)))
        if d.isNaN { trap = .invalidConversionToInteger; return 0 }
        guard d > -9223372036854777856.0 && d < 9223372036854775808.0 else { trap = .integerOverflow; return 0 }
        return UInt64(bitPattern: Int64(d))
    }
    @inline(__always) static func i64TruncF32U(_ a: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let d = Double(Float(bitPattern: UInt32(truncatingIfNeeded: a)))
        if d.isNaN { trap = .invalidConversionToInteger; return 0 }
        guard d > -1.0 && d < 18446744073709551616.0 else { trap = .integerOverflow; return 0 }
        return UInt64(d)
    }
    @inline(__always) static func i64TruncF64S(_ a: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let d = Double(bitPattern: a)
        if d.isNaN { trap = .invalidConversionToInteger; return 0 }
        guard d > -9223372036854777856.0 && d < 9223372036854775808.0 else { trap = .integerOverflow; return 0 }
        return UInt64(bitPattern: Int64(d))
    }
    @inline(__always) static func i64TruncF64U(_ a: UInt64, _ trap: inout TrapCode) -> UInt64 {
        let d = Double(bitPattern: a)
        if d.isNaN { trap = .invalidConversionToInteger; return 0 }
        guard d > -1.0 && d < 18446744073709551616.0 else { trap = .integerOverflow; return 0 }
        return UInt64(d)
    }
    @inline(__always) static func f32ConvertI32S(_ a: UInt64) -> UInt64 {
        UInt64(Float(Int32(bitPattern: UInt32(truncatingIfNeeded: a))).bitPattern)
    }
    @inline(__always) static func f32ConvertI32U(_ a: UInt64) -> UInt64 {
        UInt64(Float(UInt32(truncatingIfNeeded: a)).bitPattern)
    }
    @inline(__always) static func f32ConvertI64S(_ a: UInt64) -> UInt64 {
        UInt64(Float(Int64(bitPattern: a)).bitPattern)
    }
    @inline(__always) static func f32ConvertI64U(_ a: UInt64) -> UInt64 {
        UInt64(Float(a).bitPattern)
    }
    @inline(__always) static func f32DemoteF64(_ a: UInt64) -> UInt64 {
        UInt64(Float(Double(bitPattern: a)).bitPattern)
    }
    @inline(__always) static func f64ConvertI32S(_ a: UInt64) -> UInt64 {
        Double(Int32(bitPattern: UInt32(truncatingIfNeeded: a))).bitPattern
    }
    @inline(__always) static func f64ConvertI32U(_ a: UInt64) -> UInt64 {
        Double(UInt32(truncatingIfNeeded: a)).bitPattern
    }
    @inline(__always) static func f64ConvertI64S(_ a: UInt64) -> UInt64 {
        Double(Int64(bitPattern: a)).bitPattern
    }
    @inline(__always) static func f64ConvertI64U(_ a: UInt64) -> UInt64 {
        Double(a).bitPattern
    }
    @inline(__always) static func f64PromoteF32(_ a: UInt64) -> UInt64 {
        Double(Float(bitPattern: UInt32(truncatingIfNeeded: a))).bitPattern
    }
    @inline(__always) static func i32ReinterpretF32(_ a: UInt64) -> UInt64 {
        a
    }
    @inline(__always) static func i64ReinterpretF64(_ a: UInt64) -> UInt64 {
        a
    }
    @inline(__always) static func f32ReinterpretI32(_ a: UInt64) -> UInt64 {
        a
    }
    @inline(__always) static func f64ReinterpretI64(_ a: UInt64) -> UInt64 {
        a
    }
    @inline(__always) static func i32Extend8S(_ a: UInt64) -> UInt64 {
        UInt64(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: a))))
    }
    @inline(__always) static func i32Extend16S(_ a: UInt64) -> UInt64 {
        UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: a))))
    }
    @inline(__always) static func i64Extend8S(_ a: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: a)))
    }
    @inline(__always) static func i64Extend16S(_ a: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: a)))
    }
    @inline(__always) static func i64Extend32S(_ a: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a)))
    }

    // MARK: - Saturating truncations

    @inline(__always) static func i32TruncSatF32S(_ a: UInt64) -> UInt64 {
        let d = Double(Float(bitPattern: UInt32(truncatingIfNeeded: a)))
        if d.isNaN { return 0 }
        if d <= -2147483649.0 { return UInt64(UInt32(bitPattern: Int32.min)) }
        if d >= 2147483648.0 { return UInt64(UInt32(bitPattern: Int32.max)) }
        return UInt64(UInt32(bitPattern: Int32(d)))
    }
    @inline(__always) static func i32TruncSatF32U(_ a: UInt64) -> UInt64 {
        let d = Double(Float(bitPattern: UInt32(truncatingIfNeeded: a)))
        if d.isNaN { return 0 }
        if d <= -1.0 { return UInt64(UInt32.min) }
        if d >= 4294967296.0 { return UInt64(UInt32.max) }
        return UInt64(UInt32(d))
    }
    @inline(__always) static func i32TruncSatF64S(_ a: UInt64) -> UInt64 {
        let d = Double(bitPattern: a)
        if d.isNaN { return 0 }
        if d <= -2147483649.0 { return UInt64(UInt32(bitPattern: Int32.min)) }
        if d >= 2147483648.0 { return UInt64(UInt32(bitPattern: Int32.max)) }
        return UInt64(UInt32(bitPattern: Int32(d)))
    }
    @inline(__always) static func i32TruncSatF64U(_ a: UInt64) -> UInt64 {
        let d = Double(bitPattern: a)
        if d.isNaN { return 0 }
        if d <= -1.0 { return UInt64(UInt32.min) }
        if d >= 4294967296.0 { return UInt64(UInt32.max) }
        return UInt64(UInt32(d))
    }
    @inline(__always) static func i64TruncSatF32S(_ a: UInt64) -> UInt64 {
        let d = Double(Float(bitPattern: UInt32(truncatingIfNeeded: a)))
        if d.isNaN { return 0 }
        if d <= -9223372036854777856.0 { return UInt64(bitPattern: Int64.min) }
        if d >= 9223372036854775808.0 { return UInt64(bitPattern: Int64.max) }
        return UInt64(bitPattern: Int64(d))
    }
    @inline(__always) static func i64TruncSatF32U(_ a: UInt64) -> UInt64 {
        let d = Double(Float(bitPattern: UInt32(truncatingIfNeeded: a)))
        if d.isNaN { return 0 }
        if d <= -1.0 { return UInt64.min }
        if d >= 18446744073709551616.0 { return UInt64.max }
        return UInt64(d)
    }
    @inline(__always) static func i64TruncSatF64S(_ a: UInt64) -> UInt64 {
        let d = Double(bitPattern: a)
        if d.isNaN { return 0 }
        if d <= -9223372036854777856.0 { return UInt64(bitPattern: Int64.min) }
        if d >= 9223372036854775808.0 { return UInt64(bitPattern: Int64.max) }
        return UInt64(bitPattern: Int64(d))
    }
    @inline(__always) static func i64TruncSatF64U(_ a: UInt64) -> UInt64 {
        let d = Double(bitPattern: a)
        if d.isNaN { return 0 }
        if d <= -1.0 { return UInt64.min }
        if d >= 18446744073709551616.0 { return UInt64.max }
        return UInt64(d)
    }
}
