import WasmCore

// Table instructions: not on the hot path, so one function does the work of them all.

extension Executor {
    /// The table instruction `op` (`tableInstruction(_:_:_:_:_:)`).
    @inline(__always) func run_table(_ s: inout LoopState, _ op: Opcode) -> Bool {
        let w = InstructionWord(s.pc)
        let fp = s.fp
        do throws(Unwind) {
            try tableInstruction(op, w.word, s.pc[1], fp, s)
            s.pc += op.hasExtraWord ? 2 : 1
        } catch {
            s.machine.pointee.unwind = error
            return false
        }
        return true
    }

    @inline(__always) func run_tableGet(_ s: inout LoopState) -> Bool { run_table(&s, .tableGet) }
    @inline(__always) func run_tableSet(_ s: inout LoopState) -> Bool { run_table(&s, .tableSet) }
    @inline(__always) func run_tableSize(_ s: inout LoopState) -> Bool { run_table(&s, .tableSize) }
    @inline(__always) func run_tableGrow(_ s: inout LoopState) -> Bool { run_table(&s, .tableGrow) }
    @inline(__always) func run_tableFill(_ s: inout LoopState) -> Bool { run_table(&s, .tableFill) }
    @inline(__always) func run_tableCopy(_ s: inout LoopState) -> Bool { run_table(&s, .tableCopy) }
    @inline(__always) func run_tableInit(_ s: inout LoopState) -> Bool { run_table(&s, .tableInit) }
    @inline(__always) func run_elemDrop(_ s: inout LoopState) -> Bool { run_table(&s, .elemDrop) }

    /// Table instructions (not on the hot path).
    func tableInstruction(_ op: Opcode, _ w: UInt64, _ x: UInt64, _ fp: UnsafeMutablePointer<UInt64>, _ s: LoopState) throws(Unwind) {
        let instance = s.context.pointee.instance.takeUnretainedValue()
        switch op {
        case .tableGet:
            let t = instance.tables[w.c]
            let i = fp[w.b]
            guard i < UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
            fp[w.a] = t.elements[Int(i)]
        case .tableSet:
            let t = instance.tables[w.c]
            let i = fp[w.a]
            guard i < UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
            t.elements[Int(i)] = fp[w.b]
        case .tableSize:
            fp[w.a] = UInt64(instance.tables[w.c].elements.count)
        case .tableGrow:
            let t = instance.tables[w.c]
            let old = t.grow(by: fp[Int(x)], value: fp[w.b])
            fp[w.a] = old ?? (t.type.addressType == .i64 ? UInt64.max : 0xFFFF_FFFF)
        case .tableFill:
            let t = instance.tables[w.c]
            let i = fp[w.a], n = fp[Int(x)], v = fp[w.b]
            let (end, o) = i.addingReportingOverflow(n)
            guard !o, end <= UInt64(t.elements.count) else { throw .trap(.outOfBoundsTableAccess) }
            for k in Int(i)..<Int(end) { t.elements[k] = v }
        case .tableCopy:
            let dt = instance.tables[Int(x & 0xFFFF_FFFF)], st = instance.tables[Int(x >> 32)]
            let d = fp[w.a], src = fp[w.b], n = fp[w.c]
            let (de, o1) = d.addingReportingOverflow(n), (se, o2) = src.addingReportingOverflow(n)
            guard !o1, !o2, de <= UInt64(dt.elements.count), se <= UInt64(st.elements.count) else {
                throw .trap(.outOfBoundsTableAccess)
            }
            if n > 0 {
                let values = Array(st.elements[Int(src)..<Int(se)])
                dt.elements.replaceSubrange(Int(d)..<Int(de), with: values)
            }
        case .tableInit:
            let seg = instance.elementSegments[Int(x & 0xFFFF_FFFF)]
            let t = instance.tables[Int(x >> 32)]
            let d = fp[w.a], src = fp[w.b], n = fp[w.c]
            let (de, o1) = d.addingReportingOverflow(n), (se, o2) = src.addingReportingOverflow(n)
            guard !o1, !o2, de <= UInt64(t.elements.count), se <= UInt64(seg.count) else {
                throw .trap(.outOfBoundsTableAccess)
            }
            if n > 0 { t.elements.replaceSubrange(Int(d)..<Int(de), with: seg[Int(src)..<Int(se)]) }
        case .elemDrop:
            instance.elementSegments[Int(w.hi32)] = []
        default:
            break
        }
    }
}
