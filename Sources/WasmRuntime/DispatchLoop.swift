import WasmCore

/// Linear memory access state for the memory-0 fast path.
struct MemoryView {
    var base: UnsafeMutableRawPointer?
    var size: UInt64

    init(base: UnsafeMutableRawPointer?, size: UInt64) {
        self.base = base
        self.size = size
    }

    init(_ instance: ModuleInstance) {
        if let m = instance.memory0 {
            base = m.base
            size = UInt64(m.byteCount)
        } else {
            base = nil
            size = 0
        }
    }

    /// The host address of `width` bytes at wasm address `address + offset`, or a trap.
    @inline(__always)
    func address(_ address: UInt64, _ offset: UInt64, _ width: UInt64) throws(Unwind) -> UnsafeMutableRawPointer {
        let (ea, overflow) = address.addingReportingOverflow(offset)
        guard !overflow, width <= size, ea <= size &- width, let base else { throw .trap(.outOfBoundsMemoryAccess) }
        return base + Int(truncatingIfNeeded: ea)
    }
}

extension Executor {
    /// The view of memory `index` of `instance` (memory 0 comes from the cached `view`).
    @inline(__always)
    static func memory(_ index: Int, _ view: MemoryView, _ instance: ModuleInstance) -> MemoryView {
        if index == 0 { return view }
        let m = instance.memories[index]
        return MemoryView(base: m.base, size: UInt64(m.byteCount))
    }

    /// The dispatch loop: runs from `regs` until the entry frame returns, or throws.
    func loop(_ regs: inout Registers) throws(Unwind) {
        var pc = regs.pc
        var fp = regs.fp
        var function = regs.function
        guard var instance = function.takeUnretainedValue().instance else { throw .trap(.host("no instance")) }
        var mem = MemoryView(instance)
        defer {
            regs.pc = pc
            regs.fp = fp
            regs.function = function
        }

        /// Switches to `callee` (a wasm function) with its frame at `newFP`.
        @inline(__always)
        func enter(_ callee: FunctionInstance, _ newFP: UnsafeMutablePointer<UInt64>, returnTo: UnsafeMutablePointer<UInt64>?) throws(Unwind) {
            guard depth < maxDepth, stackEnd - newFP > callee.frameSize, let code = callee.code,
                  let calleeInstance = callee.instance else { throw .trap(.callStackExhausted) }
            if let returnTo {
                frames[depth] = CallFrame(returnPC: returnTo, fp: fp, function: function)
                depth += 1
            }
            var i = callee.paramCount
            while i < callee.localCount {
                newFP[i] = 0
                i += 1
            }
            fp = newFP
            pc = code
            function = Unmanaged.passUnretained(callee)
            if calleeInstance !== instance {
                instance = calleeInstance
            }
            mem = MemoryView(instance)
        }

        /// Runs a host function with its arguments and results at `slots`.
        func callHost(_ callee: FunctionInstance, _ host: HostCode, _ slots: UnsafeMutablePointer<UInt64>) throws(Unwind) {
            guard stackEnd - slots > callee.frameSize else { throw .trap(.callStackExhausted) }
            let saved = stackTop
            stackTop = slots + callee.frameSize
            defer { stackTop = saved }
            do {
                try host(HostCall(slots: slots, caller: instance, store: store))
            } catch {
                switch Self.executionError(error) {
                case .exception(let e): throw .exception(e)
                case .trap(let t, _): throw .trap(t)
                case .host(let e): throw .host(e)
                }
            }
            mem = MemoryView(instance)
        }

        /// Calls `callee` with arguments at `newFP`; continues at `next` when it returns.
        @inline(__always)
        func call(_ callee: FunctionInstance, _ newFP: UnsafeMutablePointer<UInt64>, next: UnsafeMutablePointer<UInt64>) throws(Unwind) {
            if let host = callee.host {
                try callHost(callee, host, newFP)
                pc = next
            } else {
                try enter(callee, newFP, returnTo: next)
            }
        }

        /// Returns from the current function; false when the entry frame is reached.
        @inline(__always)
        func returnFromFunction() -> Bool {
            depth -= 1
            let frame = frames[depth]
            guard let next = frame.returnPC else { return false }
            pc = next
            fp = frame.fp
            function = frame.function
            if let i = function.takeUnretainedValue().instance { instance = i }
            mem = MemoryView(instance)
            return true
        }

        /// Tail-calls `callee` with its arguments already at fp[0...].
        func tailCall(_ callee: FunctionInstance) throws(Unwind) -> Bool {
            if let host = callee.host {
                try callHost(callee, host, fp)
                return returnFromFunction()
            }
            try enter(callee, fp, returnTo: nil)
            return true
        }

        func indirectCallee(table: Int, index: UInt64, typeIndex: UInt64) throws(Unwind) -> FunctionInstance {
            let t = instance.tables[table]
            guard index < UInt64(t.elements.count) else { throw .trap(.undefinedElement(index)) }
            guard let callee = FunctionInstance.from(cell: t.elements[Int(index)]) else { throw .trap(.uninitializedElement(index)) }
            let expected = instance.typeIDs[Int(typeIndex)]
            guard callee.typeID == expected || store.types.isSubtype(callee.typeID, of: expected) else {
                throw .trap(.indirectCallTypeMismatch)
            }
            return callee
        }

        while true {
            let w = pc.pointee
            guard let op = Opcode(rawValue: UInt16(truncatingIfNeeded: w)) else { throw .trap(.host("corrupt code")) }
            switch op {
            case .unreachable:
                throw .trap(.unreachable)
            case .copy:
                fp[w.a] = fp[w.b]
                pc += 1
            case .const32:
                fp[w.a] = UInt64(w.hi32)
                pc += 1
            case .const64:
                fp[w.a] = pc[1]
                pc += 2
            case .br:
                pc += w.offset
            case .brIf:
                pc += fp[w.a] & 0xFFFF_FFFF != 0 ? w.offset : 1
            case .brIfNot:
                pc += fp[w.a] & 0xFFFF_FFFF == 0 ? w.offset : 1
            case .brIfNull:
                pc += fp[w.a] == 0 ? w.offset : 1
            case .brIfNotNull:
                pc += fp[w.a] != 0 ? w.offset : 1
            case .brTable:
                let count = UInt64(w.hi32)
                let i = min(fp[w.a] & 0xFFFF_FFFF, count)
                pc += pc[1 + Int(i)].offset
            case .return:
                if !returnFromFunction() { return }
            case .call:
                let callee = instance.functions[Int(w.hi32)]
                try call(callee, fp + w.a, next: pc + 1)
            case .callIndirect:
                let callee = try indirectCallee(table: w.c, index: fp[w.b], typeIndex: pc[1])
                try call(callee, fp + w.a, next: pc + 2)
            case .callRef:
                guard let callee = FunctionInstance.from(cell: fp[w.b]) else { throw .trap(.nullFunctionReference) }
                try call(callee, fp + w.a, next: pc + 2)
            case .returnCall:
                if try !tailCall(instance.functions[Int(w.hi32)]) { return }
            case .returnCallIndirect:
                let callee = try indirectCallee(table: w.c, index: fp[w.b], typeIndex: pc[1])
                if try !tailCall(callee) { return }
            case .returnCallRef:
                guard let callee = FunctionInstance.from(cell: fp[w.b]) else { throw .trap(.nullFunctionReference) }
                if try !tailCall(callee) { return }
            case .select:
                fp[w.a] = fp[w.c] & 0xFFFF_FFFF != 0 ? fp[Int(pc[1])] : fp[w.b]
                pc += 2
            case .globalGet:
                fp[w.a] = instance.globals[Int(w.hi32)].cell.pointee
                pc += 1
            case .globalSet:
                instance.globals[Int(w.hi32)].cell.pointee = fp[w.a]
                pc += 1

            // Loads: fp[a] = mem_c[fp[b] + offset]
            case .i32Load:
                fp[w.a] = UInt64(try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 4).loadUnaligned(as: UInt32.self))
                pc += 2
            case .i64Load:
                fp[w.a] = try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 8).loadUnaligned(as: UInt64.self)
                pc += 2
            case .f32Load:
                fp[w.a] = UInt64(try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 4).loadUnaligned(as: UInt32.self))
                pc += 2
            case .f64Load:
                fp[w.a] = try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 8).loadUnaligned(as: UInt64.self)
                pc += 2
            case .i32Load8S:
                let v = try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 1).loadUnaligned(as: Int8.self)
                fp[w.a] = UInt64(UInt32(bitPattern: Int32(v)))
                pc += 2
            case .i32Load8U:
                fp[w.a] = UInt64(try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 1).loadUnaligned(as: UInt8.self))
                pc += 2
            case .i32Load16S:
                let v = try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 2).loadUnaligned(as: Int16.self)
                fp[w.a] = UInt64(UInt32(bitPattern: Int32(v)))
                pc += 2
            case .i32Load16U:
                fp[w.a] = UInt64(try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 2).loadUnaligned(as: UInt16.self))
                pc += 2
            case .i64Load8S:
                let v = try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 1).loadUnaligned(as: Int8.self)
                fp[w.a] = UInt64(bitPattern: Int64(v))
                pc += 2
            case .i64Load8U:
                fp[w.a] = UInt64(try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 1).loadUnaligned(as: UInt8.self))
                pc += 2
            case .i64Load16S:
                let v = try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 2).loadUnaligned(as: Int16.self)
                fp[w.a] = UInt64(bitPattern: Int64(v))
                pc += 2
            case .i64Load16U:
                fp[w.a] = UInt64(try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 2).loadUnaligned(as: UInt16.self))
                pc += 2
            case .i64Load32S:
                let v = try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 4).loadUnaligned(as: Int32.self)
                fp[w.a] = UInt64(bitPattern: Int64(v))
                pc += 2
            case .i64Load32U:
                fp[w.a] = UInt64(try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 4).loadUnaligned(as: UInt32.self))
                pc += 2

            // Stores: mem_c[fp[b] + offset] = fp[a]
            case .i32Store, .f32Store, .i64Store32:
                try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 4).storeBytes(of: UInt32(truncatingIfNeeded: fp[w.a]), as: UInt32.self)
                pc += 2
            case .i64Store, .f64Store:
                try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 8).storeBytes(of: fp[w.a], as: UInt64.self)
                pc += 2
            case .i32Store8, .i64Store8:
                try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 1).storeBytes(of: UInt8(truncatingIfNeeded: fp[w.a]), as: UInt8.self)
                pc += 2
            case .i32Store16, .i64Store16:
                try Self.memory(w.c, mem, instance).address(fp[w.b], pc[1], 2).storeBytes(of: UInt16(truncatingIfNeeded: fp[w.a]), as: UInt16.self)
                pc += 2

            case .memorySize:
                fp[w.a] = instance.memories[w.c].pageCount
                pc += 1
            case .memoryGrow:
                let m = instance.memories[w.c]
                let old = m.grow(by: fp[w.b])
                fp[w.a] = old ?? (m.type.addressType == .i64 ? UInt64.max : 0xFFFF_FFFF)
                mem = MemoryView(instance)
                pc += 1
            case .memoryFill:
                let view = Self.memory(w.c, mem, instance)
                let n = fp[Int(pc[1])]
                let p = try view.address(fp[w.a], 0, n)
                p.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: fp[w.b]), count: Int(n))
                pc += 2
            case .memoryCopy:
                let x = pc[1]
                let dst = Self.memory(Int(x & 0xFFFF_FFFF), mem, instance)
                let src = Self.memory(Int(x >> 32), mem, instance)
                let n = fp[w.c]
                let d = try dst.address(fp[w.a], 0, n)
                let s = try src.address(fp[w.b], 0, n)
                d.copyMemory(from: s, byteCount: Int(n))
                pc += 2
            case .memoryInit:
                let x = pc[1]
                let data = instance.dataSegments[Int(x & 0xFFFF_FFFF)]
                let view = Self.memory(Int(x >> 32), mem, instance)
                let n = fp[w.c], s = fp[w.b]
                let (end, o) = s.addingReportingOverflow(n)
                guard !o, end <= UInt64(data.count) else { throw .trap(.outOfBoundsMemoryAccess) }
                let d = try view.address(fp[w.a], 0, n)
                if n > 0 {
                    data.withUnsafeBytes { src in
                        if let b = src.baseAddress { d.copyMemory(from: b + Int(s), byteCount: Int(n)) }
                    }
                }
                pc += 2
            case .dataDrop:
                instance.dataSegments[Int(w.hi32)] = []
                pc += 1

            case .tableGet:
                let t = instance.tables[w.c]
                let i = fp[w.b]
                guard i < UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
                fp[w.a] = t.elements[Int(i)]
                pc += 1
            case .tableSet:
                let t = instance.tables[w.c]
                let i = fp[w.a]
                guard i < UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
                t.elements[Int(i)] = fp[w.b]
                pc += 1
            case .tableSize:
                fp[w.a] = UInt64(instance.tables[w.c].elements.count)
                pc += 1
            case .tableGrow:
                let t = instance.tables[w.c]
                let old = t.grow(by: fp[Int(pc[1])], value: fp[w.b])
                fp[w.a] = old ?? (t.type.addressType == .i64 ? UInt64.max : 0xFFFF_FFFF)
                pc += 2
            case .tableFill:
                let t = instance.tables[w.c]
                let i = fp[w.a], n = fp[Int(pc[1])], v = fp[w.b]
                let (end, o) = i.addingReportingOverflow(n)
                guard !o, end <= UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
                for k in Int(i)..<Int(end) { t.elements[k] = v }
                pc += 2
            case .tableCopy:
                let x = pc[1]
                let dt = instance.tables[Int(x & 0xFFFF_FFFF)], st = instance.tables[Int(x >> 32)]
                let d = fp[w.a], s = fp[w.b], n = fp[w.c]
                let (de, o1) = d.addingReportingOverflow(n), (se, o2) = s.addingReportingOverflow(n)
                guard !o1, !o2, de <= UInt64(dt.elements.count), se <= UInt64(st.elements.count) else {
                    throw .trap(.outOfBoundsTableAccess)
                }
                if n > 0 {
                    let values = Array(st.elements[Int(s)..<Int(se)])
                    dt.elements.replaceSubrange(Int(d)..<Int(de), with: values)
                }
                pc += 2
            case .tableInit:
                let x = pc[1]
                let seg = instance.elementSegments[Int(x & 0xFFFF_FFFF)]
                let t = instance.tables[Int(x >> 32)]
                let d = fp[w.a], s = fp[w.b], n = fp[w.c]
                let (de, o1) = d.addingReportingOverflow(n), (se, o2) = s.addingReportingOverflow(n)
                guard !o1, !o2, de <= UInt64(t.elements.count), se <= UInt64(seg.count) else {
                    throw .trap(.outOfBoundsTableAccess)
                }
                if n > 0 { t.elements.replaceSubrange(Int(d)..<Int(de), with: seg[Int(s)..<Int(se)]) }
                pc += 2
            case .elemDrop:
                instance.elementSegments[Int(w.hi32)] = []
                pc += 1

            case .refIsNull:
                fp[w.a] = fp[w.b] == 0 ? 1 : 0
                pc += 1
            case .refFunc:
                fp[w.a] = instance.functions[Int(w.hi32)].cell
                pc += 1
            case .refAsNonNull:
                guard fp[w.b] != 0 else { throw .trap(.nullReference) }
                fp[w.a] = fp[w.b]
                pc += 1

            case .throw:
                let tag = instance.tags[Int(w.hi32)]
                let n = tag.type.parameters.count
                let payload = (0..<n).map { fp[w.a + $0] }
                throw .exception(store.makeException(tag: tag, payload: payload))
            case .throwRef, .rethrow:
                guard let exn = ExceptionInstance.from(cell: fp[w.a]) else { throw .trap(.nullExceptionReference) }
                throw .exception(exn)

            default:
                do { try Interpreter.executeNumeric(op, w, fp) } catch { throw .trap(error) }
                pc += 1
            }
        }
    }
}
