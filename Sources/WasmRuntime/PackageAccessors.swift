import WasmCore

// Package-level accessors used by the `Swasm` embedding API (Sources/Swasm). They only expose existing
// internal entry points; nothing here changes how the runtime works.

extension FunctionInstance {
    /// The function as a reference cell (what wasm code sees for a `funcref`).
    package var referenceCell: UInt64 { cell }
    /// The function a non-null `funcref` cell points to.
    package static func fromReferenceCell(_ cell: UInt64) -> FunctionInstance? { from(cell: cell) }
    /// The instance that defines this function (nil for host functions).
    package var definingInstance: ModuleInstance? { instance }
    /// True for functions implemented by the host.
    package var isHostFunction: Bool { host != nil }
}

extension ExternObject {
    /// The host object an `externref` cell points to.
    package static func fromReferenceCell(_ cell: UInt64) -> ExternObject? { from(cell: cell) }
}

extension ExceptionInstance {
    /// The exception as an `exnref` cell.
    package var referenceCell: UInt64 { cell }
    /// The exception an `exnref` cell points to.
    package static func fromReferenceCell(_ cell: UInt64) -> ExceptionInstance? { from(cell: cell) }
}

extension MemoryInstance {
    /// A memory that belongs to no instance yet (for example one created by the embedder and imported later).
    package static func make(type: MemoryType, limits: StoreLimits) throws(LinkError) -> MemoryInstance {
        try MemoryInstance(type: type, limits: limits)
    }
    /// The largest page count this memory may grow to (its type's maximum and the store limits).
    package var maximumPageCount: UInt64 { maxPages }
}

extension TableInstance {
    /// A table that belongs to no instance yet; every element starts as `initial` (a reference cell).
    package static func make(type: TableType, initial: UInt64, limits: StoreLimits) throws(LinkError) -> TableInstance {
        try TableInstance(type: type, initial: initial, limits: limits)
    }
}

extension GlobalInstance {
    /// A global that belongs to no instance yet.
    package static func make(type: GlobalType, value: UInt64) -> GlobalInstance {
        GlobalInstance(type: type, value: value)
    }
}

extension Store {
    /// A new exception tag whose payload has the parameter types of `type`, registered in this store's types.
    package func makeTag(type: FunctionType) -> TagInstance {
        TagInstance(type: type, typeID: types.canonicalID(of: type))
    }

    /// A new exception with this tag and payload cells, kept alive by the store.
    package func makeExceptionInstance(tag: TagInstance, payload: [UInt64]) -> ExceptionInstance {
        makeException(tag: tag, payload: payload)
    }

    /// Keeps a host object alive for the store's lifetime.
    package func keepAlive(_ object: AnyObject) { retain(object) }
}
