// Loads and stores. The fast forms access memory 0 with a 32-bit address: an i32 cell is zero-extended and the
// offset (word 1) is below 2^32, so `address + offset + width` cannot overflow and one comparison checks the bounds
// (a module without memory has size 0, so the check also covers a nil base). Their bodies are parameterised by
// the accessed type, how the address is formed (`AddressMode`: a slot, the sum of two, a slot plus an immediate),
// the operand sources and, for loads, the accumulator that receives the value; each instruction and variant is a
// one-line `run_<opcode>` calling one (Generated/Handlers.swift). Other memories and 64-bit addresses take
// `memoryLoad`/`memoryStore`, which name the access in a third word.

/// How a fast load or store forms its address, to which the offset in word 1 is added.
protocol AddressMode {
    /// Words the instruction occupies.
    var length: Int { get }
    /// The address (before the offset) of the instruction `w`.
    func address(_ w: InstructionWord, _ fp: UnsafeMutablePointer<UInt64>, _ s: borrowing LoopState) -> UInt64
}

/// The address is the operand `b` (the plain `i32.load` etc.).
struct SlotAddress<B: OperandSource>: AddressMode {
    let b: B
    @inline(__always) init(b: B) { self.b = b }
    @inline(__always) var length: Int { 2 }
    @inline(__always) func address(_ w: InstructionWord, _ fp: UnsafeMutablePointer<UInt64>, _ s: borrowing LoopState) -> UInt64 {
        b.read(fp, w.b, s)
    }
}

/// The address is the i32 sum of the operands `b` and `c` (a fused `i32.add`, the `...Indexed` forms).
struct IndexedAddress<B: OperandSource, C: OperandSource>: AddressMode {
    let b: B
    let c: C
    @inline(__always) init(b: B, c: C) { self.b = b; self.c = c }
    @inline(__always) var length: Int { 2 }
    @inline(__always) func address(_ w: InstructionWord, _ fp: UnsafeMutablePointer<UInt64>, _ s: borrowing LoopState) -> UInt64 {
        (b.read(fp, w.b, s) &+ c.read(fp, w.c, s)) & 0xFFFF_FFFF
    }
}

/// The address is the i32 sum of the operand `b` and the signed 16-bit immediate in c (a fused i32.add-immediate,
/// the `...PlusImm` forms; three words, the third left over from fusion).
struct PlusImmediateAddress<B: OperandSource>: AddressMode {
    let b: B
    @inline(__always) init(b: B) { self.b = b }
    @inline(__always) var length: Int { 3 }
    @inline(__always) func address(_ w: InstructionWord, _ fp: UnsafeMutablePointer<UInt64>, _ s: borrowing LoopState) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: b.read(fp, w.b, s)) &+ UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: w.c))))
    }
}

/// What each load makes of the value it reads: its cell (i32 values zero-extended, floats as their bits). One
/// function per load instruction, named as its opcode; the load's width is its parameter's.
enum LoadSemantics {
    @inline(__always) static func i32Load(_ v: UInt32) -> UInt64 { UInt64(v) }
    @inline(__always) static func i64Load(_ v: UInt64) -> UInt64 { v }
    @inline(__always) static func f32Load(_ v: UInt32) -> UInt64 { UInt64(v) }
    @inline(__always) static func f64Load(_ v: UInt64) -> UInt64 { v }
    @inline(__always) static func i32Load8S(_ v: Int8) -> UInt64 { UInt64(UInt32(bitPattern: Int32(v))) }
    @inline(__always) static func i32Load8U(_ v: UInt8) -> UInt64 { UInt64(v) }
    @inline(__always) static func i32Load16S(_ v: Int16) -> UInt64 { UInt64(UInt32(bitPattern: Int32(v))) }
    @inline(__always) static func i32Load16U(_ v: UInt16) -> UInt64 { UInt64(v) }
    @inline(__always) static func i64Load8S(_ v: Int8) -> UInt64 { UInt64(bitPattern: Int64(v)) }
    @inline(__always) static func i64Load8U(_ v: UInt8) -> UInt64 { UInt64(v) }
    @inline(__always) static func i64Load16S(_ v: Int16) -> UInt64 { UInt64(bitPattern: Int64(v)) }
    @inline(__always) static func i64Load16U(_ v: UInt16) -> UInt64 { UInt64(v) }
    @inline(__always) static func i64Load32S(_ v: Int32) -> UInt64 { UInt64(bitPattern: Int64(v)) }
    @inline(__always) static func i64Load32U(_ v: UInt32) -> UInt64 { UInt64(v) }
}

extension Executor {
    /// A load from memory 0 of a `T` at `address` plus word 1's offset, made a cell by `extend` (a `LoadSemantics`
    /// function), into slot `a` and `result`.
    @inline(__always) func runLoad<T: FixedWidthInteger, M: AddressMode, R: ResultAccumulator>(
        _ s: inout LoopState, _ extend: (T) -> UInt64, address: M, result: R
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let ea = address.address(w, fp, s) &+ s.pc[1]
        guard ea &+ UInt64(MemoryLayout<T>.size) <= s.memorySize else { return s.stop(.outOfBoundsMemoryAccess) }
        let v = s.memoryBase.unsafelyUnwrapped.loadUnaligned(fromByteOffset: Int(bitPattern: UInt(ea)), as: T.self)
        let value = extend(v)
        fp[w.a] = value
        result.keep(value, &s)
        s.pc += address.length
        return true
    }

    /// A store to memory 0 of the operand `a`, truncated to a `T`, at `address` plus word 1's offset.
    @inline(__always) func runStore<T: FixedWidthInteger, A: OperandSource, M: AddressMode>(
        _ s: inout LoopState, _: T.Type, a: A, address: M
    ) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        let ea = address.address(w, fp, s) &+ s.pc[1]
        guard ea &+ UInt64(MemoryLayout<T>.size) <= s.memorySize else { return s.stop(.outOfBoundsMemoryAccess) }
        (s.memoryBase.unsafelyUnwrapped + Int(bitPattern: UInt(ea))).storeBytes(of: T(truncatingIfNeeded: a.read(fp, w.a, s)), as: T.self)
        s.pc += address.length
        return true
    }

    /// A load from any memory (`memoryLoad` of the instruction word).
    @inline(__always) func run_memoryLoad(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        do throws(Unwind) {
            try memoryLoad(w.word, s)
            s.pc += 3
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// A store to any memory (`memoryStore` of the instruction word).
    @inline(__always) func run_memoryStore(_ s: inout LoopState) -> Bool {
        let w = InstructionWord(s.pc)
        do throws(Unwind) {
            try memoryStore(w.word, s)
            s.pc += 3
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    /// `memoryLoad`: the load word 2 names (by its fast opcode) from memory `c` at the address in `b` plus the
    /// offset in word 1, into `a`.
    @inline(never)
    func memoryLoad(_ w: UInt64, _ s: LoopState) throws(Unwind) {
        let (base, size) = Self.memory(w.c, s)
        let address = s.fp[w.b], offset = s.pc[1]
        /// The `T` at the address, made a cell by `extend`.
        func load<T: FixedWidthInteger>(_ extend: (T) -> UInt64) throws(Unwind) -> UInt64 {
            extend(try Self.address(base, size, address, offset, UInt64(MemoryLayout<T>.size)).loadUnaligned(as: T.self))
        }
        let value: UInt64
        switch Opcode(unchecked: s.pc[2]) {
        case .i32Load: value = try load(LoadSemantics.i32Load)
        case .i64Load: value = try load(LoadSemantics.i64Load)
        case .f32Load: value = try load(LoadSemantics.f32Load)
        case .f64Load: value = try load(LoadSemantics.f64Load)
        case .i32Load8S: value = try load(LoadSemantics.i32Load8S)
        case .i32Load8U: value = try load(LoadSemantics.i32Load8U)
        case .i32Load16S: value = try load(LoadSemantics.i32Load16S)
        case .i32Load16U: value = try load(LoadSemantics.i32Load16U)
        case .i64Load8S: value = try load(LoadSemantics.i64Load8S)
        case .i64Load8U: value = try load(LoadSemantics.i64Load8U)
        case .i64Load16S: value = try load(LoadSemantics.i64Load16S)
        case .i64Load16U: value = try load(LoadSemantics.i64Load16U)
        case .i64Load32S: value = try load(LoadSemantics.i64Load32S)
        case .i64Load32U: value = try load(LoadSemantics.i64Load32U)
        default: throw .trap(.host("bad load"))
        }
        s.fp[w.a] = value
    }

    /// `memoryStore`: the store word 2 names (by its fast opcode) of the value in `a` to memory `c` at the address
    /// in `b` plus the offset in word 1.
    @inline(never)
    func memoryStore(_ w: UInt64, _ s: LoopState) throws(Unwind) {
        let (base, size) = Self.memory(w.c, s)
        let address = s.fp[w.b], offset = s.pc[1], value = s.fp[w.a]
        /// Stores `value` truncated to a `T`.
        func store<T: FixedWidthInteger>(_: T.Type) throws(Unwind) {
            try Self.address(base, size, address, offset, UInt64(MemoryLayout<T>.size))
                .storeBytes(of: T(truncatingIfNeeded: value), as: T.self)
        }
        switch Opcode(unchecked: s.pc[2]) {
        case .i32Store, .f32Store, .i64Store32: try store(UInt32.self)
        case .i64Store, .f64Store: try store(UInt64.self)
        case .i32Store8, .i64Store8: try store(UInt8.self)
        case .i32Store16, .i64Store16: try store(UInt16.self)
        default: throw .trap(.host("bad store"))
        }
    }
}
