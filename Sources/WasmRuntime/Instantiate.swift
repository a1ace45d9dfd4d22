import WasmCore

/// Why instantiation failed.
package enum InstantiationError: Error, CustomStringConvertible {
    /// An import is missing or does not match (the module is "unlinkable").
    case link(LinkError)
    /// Initialisation or the start function trapped (or threw); the store may be partially updated, as the spec says.
    case execution(ExecutionError)

    package var description: String {
        switch self {
        case .link(let e): e.description
        case .execution(let e): e.description
        }
    }
}

extension Store {
    /// Instantiates `module`, resolving each import with `resolve(module, name)`.
    package func instantiate(_ module: CompiledModule,
                             resolve: (String, String) -> ExternalValue?) throws(InstantiationError) -> ModuleInstance {
        let m = module.module
        let instance = ModuleInstance(module: module, store: self)
        instance.typeIDs = types.canonicalize(m)
        register(instance)

        // Imports.
        for imp in m.imports {
            guard let value = resolve(imp.module, imp.name) else {
                throw .link(LinkError("unknown import \"\(imp.module)\" \"\(imp.name)\""))
            }
            do { try checkImport(imp, value, instance) } catch { throw .link(error) }
            switch value {
            case .function(let f): instance.importedFunctions.append(f)
            case .table(let t): instance.tables.append(t)
            case .memory(let mem): instance.memories.append(mem)
            case .global(let g): instance.globals.append(g)
            case .tag(let t): instance.tags.append(t)
            }
        }

        // Definitions. Functions get headers only; their objects are made when asked for.
        instance.defineFunctions()
        for tag in m.tags {
            instance.tags.append(TagInstance(type: module.functionType(ofTypeIndex: tag.typeIndex),
                                             typeID: instance.typeIDs[Int(tag.typeIndex)]))
        }
        do {
            for g in m.globals {
                let global = GlobalInstance(type: canonical(g.type, instance), value: 0)
                global.cells = try evaluateCells(g.initializer, instance)
                instance.globals.append(global)
            }
            for mem in m.memories {
                do { instance.memories.append(try MemoryInstance(type: mem, limits: limits)) } catch { throw InstantiationError.link(error) }
            }
            for t in m.tables {
                let initial = try t.initializer.map { try evaluate($0, instance) } ?? 0
                var type = t.type
                type.elementType = canonical(type.elementType, instance)
                do { instance.tables.append(try TableInstance(type: type, initial: initial, limits: limits)) } catch { throw InstantiationError.link(error) }
            }
            for seg in m.elements {
                instance.elementSegments.append(try seg.items.map { try evaluate($0, instance) })
            }
        } catch let e as InstantiationError {
            throw e
        } catch {
            throw .execution(Executor.executionError(error))
        }
        instance.dataSegments = m.data.map(\.bytes)
        instance.finishContext()

        instance.exportsByName.reserveCapacity(m.exports.count)
        instance.exportNames.reserveCapacity(m.exports.count)
        for e in m.exports {
            instance.exportsByName[Array(e.name.utf8)] = (e.kind, Int(e.index))
            instance.exportNames.append(e.name)
        }

        // Active segments, in order; a failure traps but leaves earlier effects in place.
        do {
            for (i, seg) in m.elements.enumerated() {
                switch seg.mode {
                case .active(let tableIndex, let offsetExpr):
                    let offset = try evaluate(offsetExpr, instance)
                    let table = instance.tables[Int(tableIndex)]
                    let items = instance.elementSegments[i]
                    let (end, o) = offset.addingReportingOverflow(UInt64(items.count))
                    guard !o, end <= UInt64(table.elements.count) else { throw Trap.outOfBoundsTableAccess }
                    table.elements.replaceSubrange(Int(offset)..<Int(end), with: items)
                    instance.elementSegments[i] = []
                case .declarative:
                    instance.elementSegments[i] = []
                case .passive:
                    break
                }
            }
            for (i, seg) in m.data.enumerated() {
                guard case .active(let memoryIndex, let offsetExpr) = seg.mode else { continue }
                let offset = try evaluate(offsetExpr, instance)
                let memory = instance.memories[Int(memoryIndex)]
                let (end, o) = offset.addingReportingOverflow(UInt64(seg.bytes.count))
                guard !o, end <= UInt64(memory.byteCount) else { throw Trap.outOfBoundsMemoryAccess }
                if !seg.bytes.isEmpty {
                    seg.bytes.withUnsafeBytes { src in
                        if let b = src.baseAddress { (memory.base + Int(offset)).copyMemory(from: b, byteCount: src.count) }
                    }
                }
                instance.dataSegments[i] = []
            }
        } catch let t as Trap {
            throw .execution(.trap(t, backtrace: []))
        } catch {
            throw .execution(Executor.executionError(error))
        }

        if let start = m.start {
            guard let f = instance.function(Int(start)) else {
                throw .execution(.trap(.host("unknown start function \(start)"), backtrace: []))
            }
            do { _ = try executor.invoke(f, arguments: []) } catch { throw .execution(error) }
        }
        return instance
    }

    /// Evaluates a constant expression of a scalar or reference type: its cell.
    func evaluate(_ expr: ConstantExpression, _ instance: ModuleInstance) throws(Trap) -> UInt64 {
        try evaluateCells(expr, instance).last ?? 0
    }

    /// Evaluates a constant expression: its value's cells (two for a v128, whose instructions push two).
    func evaluateCells(_ expr: ConstantExpression, _ instance: ModuleInstance) throws(Trap) -> [UInt64] {
        var stack: [UInt64] = []
        func pop() -> UInt64 { stack.popLast() ?? 0 }
        for ins in expr.instructions {
            switch ins {
            case .i32Const(let v): stack.append(UInt64(UInt32(bitPattern: v)))
            case .i64Const(let v): stack.append(UInt64(bitPattern: v))
            case .f32Const(let v): stack.append(UInt64(v))
            case .f64Const(let v): stack.append(v)
            case .v128Const(let v): stack += [v.low, v.high]
            case .refNull: stack.append(0)
            case .refFunc(let f):
                guard let header = instance.functionHeader(Int(f)) else { throw .host("unknown function \(f) in constant expression") }
                stack.append(UInt64(UInt(bitPattern: header)))
            case .globalGet(let g):
                guard Int(g) < instance.globals.count else { throw .host("unknown global \(g) in constant expression") }
                stack += instance.globals[Int(g)].cells
            case .numeric(let op):
                let b = pop(), a = pop()
                switch op {
                case .i32Add: stack.append(NumericSemantics.i32Add(a, b))
                case .i32Sub: stack.append(NumericSemantics.i32Sub(a, b))
                case .i32Mul: stack.append(NumericSemantics.i32Mul(a, b))
                case .i64Add: stack.append(NumericSemantics.i64Add(a, b))
                case .i64Sub: stack.append(NumericSemantics.i64Sub(a, b))
                case .i64Mul: stack.append(NumericSemantics.i64Mul(a, b))
                default: throw .host("\(op.name) is not a constant instruction")
                }
            case .end: break
            default: throw .host("unsupported constant instruction \(ins)")
            }
        }
        return stack
    }

    // MARK: Import matching

    /// Rewrites module-relative type indices in a value type to canonical ids.
    func canonical(_ t: ValueType, _ instance: ModuleInstance) -> ValueType {
        if case .ref(let r) = t { return .ref(canonical(r, instance)) }
        return t
    }

    func canonical(_ r: RefType, _ instance: ModuleInstance) -> RefType {
        if case .concrete(let i) = r.heapType, Int(i) < instance.typeIDs.count {
            return RefType(nullable: r.isNullable, .concrete(UInt32(instance.typeIDs[Int(i)])))
        }
        return r
    }

    func canonical(_ g: GlobalType, _ instance: ModuleInstance) -> GlobalType {
        GlobalType(valueType: canonical(g.valueType, instance), isMutable: g.isMutable)
    }

    /// Subtyping between canonical value types (concrete heap types are canonical ids).
    func isSubtype(_ a: ValueType, of b: ValueType) -> Bool {
        if a == b { return true }
        guard case .ref(let ra) = a, case .ref(let rb) = b else { return false }
        if ra.isNullable && !rb.isNullable { return false }
        return isSubtype(ra.heapType, of: rb.heapType)
    }

    func isSubtype(_ a: HeapType, of b: HeapType) -> Bool {
        switch (a, b) {
        case (.concrete(let x), .concrete(let y)):
            return types.isSubtype(Int(x), of: Int(y))
        case (.concrete(let x), .abstract(let h)):
            let kind = abstractKind(of: Int(x))
            return h == kind || (kind != .func && (h == .eq || h == .any))
        case (.abstract(let h), .concrete(let y)):
            return h == abstractKind(of: Int(y)).bottom
        case (.abstract(let x), .abstract(let y)):
            if x == y { return true }
            if x.top != y.top { return false }
            if x == x.bottom { return true }
            switch y {
            case .any: return true
            case .eq: return x == .i31 || x == .struct || x == .array
            default: return false
            }
        }
    }

    private func abstractKind(of canonicalID: Int) -> AbstractHeapType {
        guard canonicalID >= 0 && canonicalID < types.types.count else { return .func }
        switch types.types[canonicalID].composite {
        case .function: return .func
        case .structure: return .struct
        case .array: return .array
        }
    }

    private func limitsMatch(_ actual: Limits, current: UInt64, _ expected: Limits) -> Bool {
        guard current >= expected.min else { return false }
        if let emax = expected.max {
            guard let amax = actual.max, amax <= emax else { return false }
        }
        return true
    }

    /// "i32 memory of at least 2 pages, at most 10" (a type wanted) or "i32 memory of 1 pages, no maximum" (what
    /// an import is: `limits.min` is its current size).
    private func sizes(_ address: AddressType, _ limits: Limits, _ what: String, _ unit: String, wanted: Bool) -> String {
        "\(address) \(what) of \(wanted ? "at least " : "")\(limits.min) \(unit), "
            + (limits.max.map { "at most \($0)" } ?? "no maximum")
    }

    func checkImport(_ imp: Import, _ value: ExternalValue, _ instance: ModuleInstance) throws(LinkError) {
        let what = "\"\(imp.module)\" \"\(imp.name)\""
        func incompatible(_ why: String) -> LinkError { LinkError("incompatible import type for \(what): \(why)") }
        switch (imp.descriptor, value) {
        case (.function(let typeIndex), .function(let f)):
            let expected = instance.typeIDs[Int(typeIndex)]
            guard f.typeID == expected || types.isSubtype(f.typeID, of: expected) else {
                throw incompatible("function type mismatch")
            }
        case (.table(let expected), .table(let t)):
            guard t.type.addressType == expected.addressType,
                  t.type.elementType == canonical(expected.elementType, instance),
                  limitsMatch(t.type.limits, current: UInt64(t.elements.count), expected.limits) else {
                throw incompatible("table type mismatch: the module needs "
                    + sizes(expected.addressType, expected.limits, "\(expected.elementType) table", "elements", wanted: true)
                    + ", the import is " + sizes(t.type.addressType, Limits(min: UInt64(t.elements.count), max: t.type.limits.max),
                                                 "\(t.type.elementType) table", "elements", wanted: false))
            }
            if expected.limits.max != nil, t.maxElements > (expected.limits.max ?? 0), t.type.limits.max == nil {
                throw incompatible("table maximum mismatch")
            }
        case (.memory(let expected), .memory(let mem)):
            guard mem.type.addressType == expected.addressType, mem.type.isShared == expected.isShared,
                  mem.type.pageSizeLog2 == expected.pageSizeLog2,
                  limitsMatch(mem.type.limits, current: mem.pageCount, expected.limits) else {
                func kind(_ t: MemoryType) -> String {
                    (t.isShared ? "shared " : "") + (t.pageSizeLog2 == 16 ? "" : "\(1 << t.pageSizeLog2)-byte-page ")
                }
                throw incompatible("memory type mismatch: the module needs "
                    + sizes(expected.addressType, expected.limits, kind(expected) + "memory", "pages", wanted: true)
                    + ", the import is " + sizes(mem.type.addressType, Limits(min: mem.pageCount, max: mem.type.limits.max),
                                                 kind(mem.type) + "memory", "pages", wanted: false))
            }
        case (.global(let expected), .global(let g)):
            let e = canonical(expected, instance)
            guard g.type.isMutable == e.isMutable else { throw incompatible("global mutability mismatch") }
            let ok = e.isMutable ? g.type.valueType == e.valueType : isSubtype(g.type.valueType, of: e.valueType)
            guard ok else { throw incompatible("global type mismatch") }
        case (.tag(let expected), .tag(let t)):
            guard t.typeID == instance.typeIDs[Int(expected.typeIndex)] else { throw incompatible("tag type mismatch") }
        default:
            throw incompatible("expected a \(imp.descriptor.kind.name), got a \(value.kind.name)")
        }
    }
}
