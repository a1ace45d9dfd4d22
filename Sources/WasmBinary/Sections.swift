import WasmCore

/// The decoded content of one section, applied to the module once the section is fully decoded
/// (so a failed or deferred section leaves the decoder unchanged).
enum Section {
    case custom(CustomSection, NameMap?)
    case types([SubType], [Range<Int>])
    case imports([Import])
    case functions([UInt32])
    case tables([TableDefinition])
    case memories([MemoryType])
    case tags([TagType])
    case globals([GlobalDefinition])
    case exports([Export])
    case start(UInt32)
    case elements([ElementSegment])
    case dataCount(UInt32)
    case code([FunctionBody])
    case data([DataSegment])
}

extension ModuleDecoder {
    mutating func apply(_ section: Section) {
        switch section {
        case .custom(let c, let names):
            module.customSections.append(c)
            if let names { module.names = names }
        case .types(let t, let groups):
            module.types = t
            module.recursionGroups = groups
        case .imports(let i): module.imports = i
        case .functions(let f):
            module.functions = f
        case .tables(let t): module.tables = t
        case .memories(let m): module.memories = m
        case .tags(let t): module.tags = t
        case .globals(let g): module.globals = g
        case .exports(let e): module.exports = e
        case .start(let s): module.start = s
        case .elements(let e): module.elements = e
        case .dataCount(let n): module.dataCount = n
        case .code(let b):
            module.bodies = b
        case .data(let d):
            module.data = d
        }
    }

    /// Decodes the payload of section `id`. `reader` is positioned at the payload and may read
    /// beyond `end` (as the reference interpreter does); the caller checks the final position.
    func decodeSection(id: UInt8, reader r: inout BinaryReader, end: Int) throws(DecodeError) -> Section {
        switch id {
        case 0:
            var cr = BinaryReader(bytes: buffer, start: r.pos, end: end)
            let lenPos = cr.pos
            let len = Int(try cr.readU32())
            guard len <= cr.remaining else { throw cr.error(unexpectedEndMessage, at: lenPos) }
            let nameStart = cr.pos
            guard let name = decodeUTF8(buffer, nameStart, nameStart &+ len) else {
                throw cr.error("malformed UTF-8 encoding", at: nameStart)
            }
            cr.pos &+= len
            let payload = Array(buffer[cr.pos..<end])
            r.pos = end
            let names = name == "name" ? decodeNameSection(payload) : nil
            return .custom(CustomSection(name: name, bytes: payload), names)
        case 1:
            var types: [SubType] = []
            var groups: [Range<Int>] = []
            let n = try r.readCount()
            for _ in 0..<n {
                let first = types.count
                if r.peekByte() == 0x4E {
                    r.pos &+= 1
                    let m = try r.readCount()
                    for _ in 0..<m { types.append(try r.readSubType()) }
                } else {
                    types.append(try r.readSubType())
                }
                groups.append(first..<types.count)
            }
            return .types(types, groups)
        case 2:
            var imports: [Import] = []
            let n = try r.readCount()
            for _ in 0..<n {
                let moduleName = try r.readName()
                let name = try r.readName()
                let kindPos = r.pos
                let kind = try r.readByte()
                let desc: ImportDescriptor
                switch kind {
                case 0: desc = .function(typeIndex: try r.readU32())
                case 1: desc = .table(try r.readTableType())
                case 2: desc = .memory(try r.readMemoryType())
                case 3: desc = .global(try r.readGlobalType())
                case 4: desc = .tag(try r.readTagType())
                default: throw r.error("malformed import kind", at: kindPos)
                }
                imports.append(Import(module: moduleName, name: name, descriptor: desc))
            }
            return .imports(imports)
        case 3:
            var f: [UInt32] = []
            let n = try r.readCount()
            f.reserveCapacity(n)
            for _ in 0..<n { f.append(try r.readU32()) }
            return .functions(f)
        case 4:
            var tables: [TableDefinition] = []
            let n = try r.readCount()
            for _ in 0..<n {
                if r.peekByte() == 0x40 {
                    r.pos &+= 1
                    let p = r.pos
                    guard try r.readByte() == 0x00 else { throw r.error("malformed table", at: p) }
                    let t = try r.readTableType()
                    tables.append(TableDefinition(type: t, initializer: try r.readConstantExpression()))
                } else {
                    tables.append(TableDefinition(type: try r.readTableType()))
                }
            }
            return .tables(tables)
        case 5:
            var mems: [MemoryType] = []
            let n = try r.readCount()
            for _ in 0..<n { mems.append(try r.readMemoryType()) }
            return .memories(mems)
        case 6:
            var globals: [GlobalDefinition] = []
            let n = try r.readCount()
            for _ in 0..<n {
                let t = try r.readGlobalType()
                globals.append(GlobalDefinition(type: t, initializer: try r.readConstantExpression()))
            }
            return .globals(globals)
        case 7:
            var exports: [Export] = []
            let n = try r.readCount()
            for _ in 0..<n {
                let name = try r.readName()
                let kindPos = r.pos
                guard let kind = ExternalKind(rawValue: try r.readByte()) else {
                    throw r.error("malformed export kind", at: kindPos)
                }
                exports.append(Export(name: name, kind: kind, index: try r.readU32()))
            }
            return .exports(exports)
        case 8:
            return .start(try r.readU32())
        case 9:
            var elems: [ElementSegment] = []
            let n = try r.readCount()
            for _ in 0..<n { elems.append(try r.readElementSegment()) }
            return .elements(elems)
        case 10:
            return .code(try decodeCodeSection(&r))
        case 11:
            let n = try r.readCount()
            var data: [DataSegment] = []
            for _ in 0..<n { data.append(try r.readDataSegment()) }
            return .data(data)
        case 12:
            return .dataCount(try r.readU32())
        case 13:
            var tags: [TagType] = []
            let n = try r.readCount()
            for _ in 0..<n { tags.append(try r.readTagType()) }
            return .tags(tags)
        default:
            throw r.error("malformed section id", at: r.pos)
        }
    }

    func decodeCodeSection(_ r: inout BinaryReader) throws(DecodeError) -> [FunctionBody] {
        let n = try r.readCount()
        var bodies: [FunctionBody] = []
        bodies.reserveCapacity(n)
        for _ in 0..<n {
            let size = try r.readCount()
            let bodyStart = r.pos
            let bodyEnd = bodyStart &+ size
            let localCount = try r.readCount()
            var locals: [LocalDeclaration] = []
            locals.reserveCapacity(localCount)
            var total: UInt64 = 0
            for _ in 0..<localCount {
                let c = try r.readU32()
                let t = try r.readValueType()
                total &+= UInt64(c)
                locals.append(LocalDeclaration(count: c, type: t))
            }
            guard total <= UInt64(UInt32.max) else { throw r.error("too many locals", at: bodyStart) }
            let codeStart = r.pos
            try scanBody(codeStart: codeStart, bodyEnd: bodyEnd)
            guard codeStart <= bodyEnd else { throw r.error("section size mismatch", at: bodyStart) }
            bodies.append(FunctionBody(locals: locals, code: Array(buffer[codeStart..<bodyEnd]), codeOffset: codeStart))
            r.pos = bodyEnd
        }
        return bodies
    }

    /// Reads the instructions of a body to find its final `end`, as the reference decoder does
    /// (including reading past a body that lacks it). Stops quietly at GC/SIMD instructions.
    func scanBody(codeStart: Int, bodyEnd: Int) throws(DecodeError) {
        var r = BinaryReader(bytes: buffer, start: codeStart)
        var depth = 1
        let hasDataCount = module.dataCount != nil
        while true {
            // Most instructions are skipped without being decoded.
            if r.skipCommonInstruction(depth: &depth) { continue }
            let p = r.pos
            let ins: Instruction
            do throws(DecodeError) {
                ins = try r.readInstruction()
            } catch {
                if error.message.hasPrefix("unsupported") { return }
                throw error
            }
            switch ins {
            case .block, .loop, .if, .try, .tryTable:
                depth &+= 1
            case .end:
                depth &-= 1
                if depth == 0 {
                    guard r.pos == bodyEnd else { throw r.error("section size mismatch", at: p) }
                    return
                }
            case .else:
                if depth == 1 { throw r.error("END opcode expected", at: p) }
            case .delegate:
                if depth == 1 { throw r.error("END opcode expected", at: p) }
                depth &-= 1
            case .memoryInit, .dataDrop:
                if !hasDataCount { throw r.error("data count section required", at: p) }
            default:
                break
            }
        }
    }
}

extension BinaryReader {
    /// Skips the instruction at `pos` if it is a common one in its usual encoding: one that `readInstruction`
    /// reads without error, and that `scanBody` only counts (blocks with an empty or one-value type raise
    /// `depth`, an `end` that is not the body's last lowers it). Returns false, moving nothing, for any other.
    @inline(__always)
    mutating func skipCommonInstruction(depth: inout Int) -> Bool {
        guard pos < end else { return false }
        var q = pos &+ 1
        switch bytes[pos] {
        case 0x00, 0x01, 0x0F, 0x1A, 0x1B, 0x45 ... 0xC4:
            break
        case 0x0B:
            guard depth > 1 else { return false }
            depth &-= 1
        case 0x02, 0x03, 0x04:
            guard q < end else { return false }
            switch bytes[q] {
            case 0x40, 0x7C ... 0x7F: q &+= 1
            default: return false
            }
            depth &+= 1
        case 0x0C, 0x0D, 0x10, 0x20 ... 0x24:
            guard skipShortLEB(&q, maxBytes: 4) else { return false }
        case 0x11:
            guard skipShortLEB(&q, maxBytes: 4), skipShortLEB(&q, maxBytes: 4) else { return false }
        case 0x0E:
            // The count's LEB has at most 4 bytes; each label, at least 1, must fit in what remains.
            let countStart = q
            guard skipShortLEB(&q, maxBytes: 4) else { return false }
            var count = 0
            var shift = 0
            for i in countStart ..< q {
                count |= Int(bytes[i] & 0x7F) &<< shift
                shift &+= 7
            }
            guard count < end &- q else { return false }
            for _ in 0 ... count {
                guard skipShortLEB(&q, maxBytes: 4) else { return false }
            }
        case 0x28 ... 0x3E:
            // Alignment flags in one byte without a memory index, and an offset of at most 9 bytes.
            guard q < end, bytes[q] < 0x40 else { return false }
            q &+= 1
            guard skipShortLEB(&q, maxBytes: 9) else { return false }
        case 0x41:
            guard skipShortLEB(&q, maxBytes: 4) else { return false }
        case 0x42:
            guard skipShortLEB(&q, maxBytes: 9) else { return false }
        case 0x43:
            guard end &- q >= 4 else { return false }
            q &+= 4
        case 0x44:
            guard end &- q >= 8 else { return false }
            q &+= 8
        case 0xFC:
            // The saturating truncations (sub-opcodes 0 to 7, no immediates).
            guard q < end, bytes[q] < 8 else { return false }
            q &+= 1
        default:
            return false
        }
        pos = q
        return true
    }

    /// Skips a LEB128 integer of at most `maxBytes` bytes at `q` (few enough that it is within range of the
    /// integer type read there); false, with `q` unchanged, if it is longer or runs past the end.
    @inline(__always)
    func skipShortLEB(_ q: inout Int, maxBytes: Int) -> Bool {
        var i = q
        let limit = Swift.min(end, q &+ maxBytes)
        while i < limit {
            let b = bytes[i]
            i &+= 1
            if b < 0x80 {
                q = i
                return true
            }
        }
        return false
    }

    mutating func readMutability() throws(DecodeError) -> Bool {
        let p = pos
        switch try readByte() {
        case 0: return false
        case 1: return true
        default: throw error("malformed mutability", at: p)
        }
    }

    mutating func readGlobalType() throws(DecodeError) -> GlobalType {
        let t = try readValueType()
        return GlobalType(valueType: t, isMutable: try readMutability())
    }

    mutating func readTagType() throws(DecodeError) -> TagType {
        let p = pos
        guard try readByte() == 0 else { throw error("malformed tag attribute", at: p) }
        return TagType(typeIndex: try readU32())
    }

    /// Limits flags byte: bit 0 has-max, bit 1 shared, bit 2 64-bit addresses.
    mutating func readLimits() throws(DecodeError) -> (Limits, shared: Bool, AddressType) {
        let p = pos
        let flags = try readByte()
        guard flags <= 7 else { throw error("malformed limits flags", at: p) }
        let is64 = flags & 4 != 0
        let min = try readU64()
        var max: UInt64? = nil
        if flags & 1 != 0 { max = try readU64() }
        return (Limits(min: min, max: max), flags & 2 != 0, is64 ? .i64 : .i32)
    }

    mutating func readTableType() throws(DecodeError) -> TableType {
        let t = try readRefType()
        let p = pos
        let (limits, shared, addr) = try readLimits()
        if shared { throw error("malformed limits flags", at: p) }
        return TableType(elementType: t, limits: limits, addressType: addr)
    }

    mutating func readMemoryType() throws(DecodeError) -> MemoryType {
        let (limits, shared, addr) = try readLimits()
        return MemoryType(limits: limits, isShared: shared, addressType: addr)
    }

    mutating func readStorageType() throws(DecodeError) -> StorageType {
        switch peekByte() {
        case 0x78: pos &+= 1; return .i8
        case 0x77: pos &+= 1; return .i16
        default: return .value(try readValueType())
        }
    }

    mutating func readFieldType() throws(DecodeError) -> FieldType {
        let s = try readStorageType()
        return FieldType(storage: s, isMutable: try readMutability())
    }

    mutating func readValueTypes() throws(DecodeError) -> [ValueType] {
        let n = try readCount()
        var out: [ValueType] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try readValueType()) }
        return out
    }

    mutating func readSubType() throws(DecodeError) -> SubType {
        var isFinal = true
        var supers: [UInt32] = []
        if let b = peekByte(), b == 0x50 || b == 0x4F {
            pos &+= 1
            isFinal = b == 0x4F
            let n = try readCount()
            for _ in 0..<n { supers.append(try readU32()) }
        }
        let p = pos
        let composite: CompositeType
        switch try readByte() {
        case 0x60:
            let params = try readValueTypes()
            composite = .function(FunctionType(parameters: params, results: try readValueTypes()))
        case 0x5F:
            let n = try readCount()
            var fields: [FieldType] = []
            for _ in 0..<n { fields.append(try readFieldType()) }
            composite = .structure(fields)
        case 0x5E:
            composite = .array(try readFieldType())
        case let b where b & 0x80 != 0:
            throw error("integer representation too long", at: p)
        default:
            throw error("malformed type", at: p)
        }
        return SubType(isFinal: isFinal, supertypes: supers, composite: composite)
    }

    /// Instructions up to the matching `end` (which is consumed but not stored).
    mutating func readConstantExpression() throws(DecodeError) -> ConstantExpression {
        let start = pos
        var instrs: [Instruction] = []
        var depth = 0
        while true {
            let ins = try readInstruction()
            switch ins {
            case .block, .loop, .if, .try, .tryTable: depth &+= 1
            case .end:
                if depth == 0 { return ConstantExpression(instrs, offset: baseOffset &+ start) }
                depth &-= 1
            default: break
            }
            instrs.append(ins)
        }
    }

    mutating func readElementKind() throws(DecodeError) {
        let p = pos
        guard try readByte() == 0 else { throw error("malformed element kind", at: p) }
    }

    mutating func readFunctionIndexItems() throws(DecodeError) -> [ConstantExpression] {
        let n = try readCount()
        var items: [ConstantExpression] = []
        items.reserveCapacity(n)
        for _ in 0..<n {
            let p = pos
            items.append(ConstantExpression([.refFunc(try readU32())], offset: baseOffset &+ p))
        }
        return items
    }

    mutating func readExpressionItems() throws(DecodeError) -> [ConstantExpression] {
        let n = try readCount()
        var items: [ConstantExpression] = []
        for _ in 0..<n { items.append(try readConstantExpression()) }
        return items
    }

    /// Segments written as function indices hold non-null function references (WebAssembly 3.0).
    static let functionIndexElementType = RefType(nullable: false, .func)

    mutating func readElementSegment() throws(DecodeError) -> ElementSegment {
        let p = pos
        let flags = try readU32()
        switch flags {
        case 0:
            let offset = try readConstantExpression()
            return ElementSegment(type: Self.functionIndexElementType, mode: .active(tableIndex: 0, offset: offset), items: try readFunctionIndexItems())
        case 1:
            try readElementKind()
            return ElementSegment(type: Self.functionIndexElementType, mode: .passive, items: try readFunctionIndexItems())
        case 2:
            let table = try readU32()
            let offset = try readConstantExpression()
            try readElementKind()
            return ElementSegment(type: Self.functionIndexElementType, mode: .active(tableIndex: table, offset: offset), items: try readFunctionIndexItems())
        case 3:
            try readElementKind()
            return ElementSegment(type: Self.functionIndexElementType, mode: .declarative, items: try readFunctionIndexItems())
        case 4:
            let offset = try readConstantExpression()
            return ElementSegment(type: .funcref, mode: .active(tableIndex: 0, offset: offset), items: try readExpressionItems())
        case 5:
            let t = try readRefType()
            return ElementSegment(type: t, mode: .passive, items: try readExpressionItems())
        case 6:
            let table = try readU32()
            let offset = try readConstantExpression()
            let t = try readRefType()
            return ElementSegment(type: t, mode: .active(tableIndex: table, offset: offset), items: try readExpressionItems())
        case 7:
            let t = try readRefType()
            return ElementSegment(type: t, mode: .declarative, items: try readExpressionItems())
        default:
            throw error("malformed elements segment kind", at: p)
        }
    }

    mutating func readDataSegment() throws(DecodeError) -> DataSegment {
        let p = pos
        let flags = try readU32()
        let mode: DataSegment.Mode
        switch flags {
        case 0: mode = .active(memoryIndex: 0, offset: try readConstantExpression())
        case 1: mode = .passive
        case 2:
            let mem = try readU32()
            mode = .active(memoryIndex: mem, offset: try readConstantExpression())
        default: throw error("malformed data segment kind", at: p)
        }
        let len = try readCount()
        return DataSegment(mode: mode, bytes: try readBytes(len))
    }
}

/// Decodes the `name` custom section payload; nil when malformed.
func decodeNameSection(_ payload: [UInt8]) -> NameMap? {
    var r = BinaryReader(bytes: payload)
    var names = NameMap()
    do throws(DecodeError) {
        while !r.isAtEnd {
            let id = try r.readByte()
            let size = try r.readCount()
            let end = r.pos &+ size
            var sub = BinaryReader(bytes: payload, start: r.pos, end: end)
            switch id {
            case 0:
                names.moduleName = try sub.readName()
            case 1:
                names.functionNames = try sub.readNameMap()
            case 2:
                let n = try sub.readCount()
                var locals: [UInt32: [UInt32: String]] = [:]
                for _ in 0..<n {
                    let f = try sub.readU32()
                    locals[f] = try sub.readNameMap()
                }
                names.localNames = locals
            default:
                sub.pos = end
            }
            guard sub.pos == end else { return nil }
            r.pos = end
        }
    } catch {
        return nil
    }
    return names
}

extension BinaryReader {
    mutating func readNameMap() throws(DecodeError) -> [UInt32: String] {
        let n = try readCount()
        var map: [UInt32: String] = [:]
        for _ in 0..<n {
            let i = try readU32()
            map[i] = try readName()
        }
        return map
    }
}
