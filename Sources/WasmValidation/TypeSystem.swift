import WasmCore

/// The module's defined types with their iso-recursive canonical identities, and the subtyping relation.
///
/// Two type indices denote the same type when their recursion groups are structurally equal (with
/// references inside a group compared by position, and references outside compared by canonical
/// identity) and they sit at the same position in their groups.
public struct TypeTable: Sendable {
    /// The defined types, flattened across recursion groups.
    public let types: [SubType]
    /// Canonical identity of each type index: equal identities mean equal types.
    public let canonicalIDs: [Int]
    /// The recursion group (range of type indices) of each type index.
    let groupOfType: [Range<Int>]

    /// Builds the table and validates the type section ("unknown type", "sub type").
    init(types: [SubType], recursionGroups: [Range<Int>]) throws(ValidationError) {
        self.types = types
        var groups = recursionGroups
        if groups.isEmpty && !types.isEmpty {
            groups = types.indices.map { $0 ..< $0 + 1 }
        }
        // Groups must be consecutive and cover every type.
        var expected = 0
        for g in groups {
            guard g.lowerBound == expected, g.upperBound >= g.lowerBound, g.upperBound <= types.count else {
                throw ValidationError("malformed recursion groups")
            }
            expected = g.upperBound
        }
        guard expected == types.count else { throw ValidationError("malformed recursion groups") }

        var canon = [Int](repeating: -1, count: types.count)
        var groupOf = [Range<Int>](repeating: 0 ..< 0, count: types.count)
        var known: [[Int]: Int] = [:]
        var nextID = 0
        var key: [Int] = []
        for g in groups {
            key.removeAll(keepingCapacity: true)
            key.append(g.count)
            for i in g {
                groupOf[i] = g
                try Self.encode(types[i], group: g, canon: canon, into: &key)
            }
            let base: Int
            if let b = known[key] {
                base = b
            } else {
                base = nextID
                known[key] = base
                nextID += g.count
            }
            for (j, i) in g.enumerated() { canon[i] = base + j }
        }
        self.canonicalIDs = canon
        self.groupOfType = groupOf

        // Declared supertypes: not final, same kind, and a structural subtype.
        for i in types.indices {
            let t = types[i]
            if t.supertypes.count > 1 { throw ValidationError("sub type: at most one supertype allowed (type \(i))") }
            guard let s = t.supertypes.first else { continue }
            guard Int(s) < i else {
                throw ValidationError("unknown type \(s): supertype of type \(i) must be defined before it")
            }
            let sup = types[Int(s)]
            if sup.isFinal { throw ValidationError("sub type: type \(i) cannot extend final type \(s)") }
            guard isCompositeSubtype(t.composite, sup.composite) else {
                throw ValidationError("sub type: type \(i) does not match its supertype \(s)")
            }
        }
    }

    /// Appends a structural key for `t` to `key`; references inside the group are position-relative.
    private static func encode(_ t: SubType, group: Range<Int>, canon: [Int], into key: inout [Int]) throws(ValidationError) {
        key.append(t.isFinal ? 1 : 0)
        key.append(t.supertypes.count)
        for s in t.supertypes { try encodeIndex(s, group: group, canon: canon, into: &key) }
        switch t.composite {
        case .function(let f):
            key.append(-20)
            key.append(f.parameters.count)
            for p in f.parameters { try encodeValue(p, group: group, canon: canon, into: &key) }
            key.append(f.results.count)
            for r in f.results { try encodeValue(r, group: group, canon: canon, into: &key) }
        case .structure(let fields):
            key.append(-21)
            key.append(fields.count)
            for f in fields { try encodeField(f, group: group, canon: canon, into: &key) }
        case .array(let f):
            key.append(-22)
            try encodeField(f, group: group, canon: canon, into: &key)
        }
    }

    private static func encodeIndex(_ idx: UInt32, group: Range<Int>, canon: [Int], into key: inout [Int]) throws(ValidationError) {
        let i = Int(idx)
        guard i < group.upperBound else { throw ValidationError("unknown type \(idx)") }
        if i >= group.lowerBound {
            key.append(-1000 - (i - group.lowerBound))
        } else {
            key.append(canon[i])
        }
    }

    private static func encodeField(_ f: FieldType, group: Range<Int>, canon: [Int], into key: inout [Int]) throws(ValidationError) {
        key.append(f.isMutable ? 1 : 0)
        switch f.storage {
        case .i8: key.append(-8)
        case .i16: key.append(-9)
        case .value(let v): try encodeValue(v, group: group, canon: canon, into: &key)
        }
    }

    private static func encodeValue(_ v: ValueType, group: Range<Int>, canon: [Int], into key: inout [Int]) throws(ValidationError) {
        switch v {
        case .i32: key.append(-1)
        case .i64: key.append(-2)
        case .f32: key.append(-3)
        case .f64: key.append(-4)
        case .v128: key.append(-5)
        case .ref(let r):
            key.append(r.isNullable ? -6 : -7)
            switch r.heapType {
            case .abstract(let a): key.append(-100 - Int(a.rawValue))
            case .concrete(let idx): try encodeIndex(idx, group: group, canon: canon, into: &key)
            }
        }
    }

    // MARK: Queries

    /// True if `index` names a defined type.
    @inline(__always) func contains(_ index: UInt32) -> Bool { Int(index) < types.count }

    /// Throws "unknown type" unless every type index in `v` is defined.
    func check(_ v: ValueType) throws(ValidationError) {
        if case .ref(let r) = v { try check(r.heapType) }
    }

    func check(_ h: HeapType) throws(ValidationError) {
        if case .concrete(let i) = h, !contains(i) { throw ValidationError("unknown type \(i)") }
    }

    /// The abstract kind a concrete type sits under (`func`, `struct` or `array`).
    func abstractKind(of index: UInt32) -> AbstractHeapType? {
        guard Int(index) < types.count else { return nil }
        switch types[Int(index)].composite {
        case .function: return .func
        case .structure: return .struct
        case .array: return .array
        }
    }

    /// Whether value type `a` matches (is a subtype of) `b`.
    @inline(__always) public func isSubtype(_ a: ValueType, of b: ValueType) -> Bool {
        if a == b { return true }
        guard case .ref(let ra) = a, case .ref(let rb) = b else { return false }
        return isSubtype(ra, of: rb)
    }

    /// Whether reference type `a` matches `b`.
    public func isSubtype(_ a: RefType, of b: RefType) -> Bool {
        if a.isNullable && !b.isNullable { return false }
        return isSubtype(a.heapType, of: b.heapType)
    }

    /// Whether heap type `a` matches `b`.
    public func isSubtype(_ a: HeapType, of b: HeapType) -> Bool {
        switch (a, b) {
        case (.abstract(let x), .abstract(let y)):
            return Self.isAbstractSubtype(x, y)
        case (.concrete(let x), .abstract(let y)):
            guard let k = abstractKind(of: x) else { return false }
            switch k {
            case .func: return y == .func
            case .struct: return y == .struct || y == .eq || y == .any
            default: return y == .array || y == .eq || y == .any
            }
        case (.abstract(let x), .concrete(let y)):
            guard let k = abstractKind(of: y) else { return false }
            return x == k.bottom
        case (.concrete(let x), .concrete(let y)):
            let xi = Int(x), yi = Int(y)
            guard xi < types.count, yi < types.count else { return false }
            let target = canonicalIDs[yi]
            var cur = xi
            while true {
                if canonicalIDs[cur] == target { return true }
                guard let s = types[cur].supertypes.first, Int(s) < cur else { return false }
                cur = Int(s)
            }
        }
    }

    /// Subtyping between abstract heap types.
    static func isAbstractSubtype(_ x: AbstractHeapType, _ y: AbstractHeapType) -> Bool {
        if x == y { return true }
        let top = x.top
        if top != y.top { return false }
        if y == top { return true }
        if x == x.bottom { return true }
        if y == .eq { return x == .i31 || x == .struct || x == .array }
        return false
    }

    /// Whether two value types denote the same type.
    func isEqual(_ a: ValueType, _ b: ValueType) -> Bool {
        isSubtype(a, of: b) && isSubtype(b, of: a)
    }

    func isFieldSubtype(_ a: FieldType, _ b: FieldType) -> Bool {
        guard a.isMutable == b.isMutable else { return false }
        switch (a.storage, b.storage) {
        case (.i8, .i8), (.i16, .i16): return true
        case (.value(let x), .value(let y)):
            return a.isMutable ? isEqual(x, y) : isSubtype(x, of: y)
        default: return false
        }
    }

    /// Structural subtyping of composite types (function types: contravariant parameters, covariant results).
    func isCompositeSubtype(_ a: CompositeType, _ b: CompositeType) -> Bool {
        switch (a, b) {
        case (.function(let f), .function(let g)):
            guard f.parameters.count == g.parameters.count, f.results.count == g.results.count else { return false }
            for (p, q) in zip(f.parameters, g.parameters) where !isSubtype(q, of: p) { return false }
            for (r, s) in zip(f.results, g.results) where !isSubtype(r, of: s) { return false }
            return true
        case (.structure(let fs), .structure(let gs)):
            guard fs.count >= gs.count else { return false }
            for (f, g) in zip(fs, gs) where !isFieldSubtype(f, g) { return false }
            return true
        case (.array(let f), .array(let g)):
            return isFieldSubtype(f, g)
        default:
            return false
        }
    }
}
