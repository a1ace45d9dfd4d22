import WasmRuntime

extension WebAssembly {
    /// Resource limits for an instance's store: they stop runaway guests with a trap (or a failed `grow`)
    /// instead of exhausting the host.
    ///
    /// ```swift
    /// var limits = WebAssembly.Limits()
    /// limits.fuel = 1_000_000          // about a million calls and loop iterations
    /// limits.maxMemoryBytes = 16 << 20 // 16 MiB per memory
    /// let instance = try WebAssembly.Instance(module: module, limits: limits)
    /// ```
    public struct Limits: Sendable, Hashable {
        /// Maximum bytes of one linear memory; `memory.grow` beyond it fails. nil: the memory's own maximum, and
        /// at most 16 GiB for a 64-bit memory (as in browsers; a 32-bit memory cannot exceed 4 GiB).
        ///
        /// Memory is reserved, not allocated: pages cost physical memory only once written, so a limit is about
        /// what a guest may touch, not about what instantiating costs.
        public var maxMemoryBytes: UInt64?
        /// Maximum elements of one table.
        public var maxTableElements: UInt64
        /// Maximum nesting of wasm calls; deeper recursion traps with ``RuntimeError/Kind/callStackExhausted``.
        public var maxCallDepth: Int
        /// Fuel: one unit is used per function call and per loop iteration; when it runs out, code traps with
        /// ``RuntimeError/Kind/outOfFuel``. nil means unlimited. Top up with ``Instance/fuel``.
        public var fuel: UInt64?

        /// The defaults: no memory limit beyond the memory's own (16 GiB for a 64-bit memory), 10,000,000 table
        /// elements (as in browsers), call depth 20,000, unlimited fuel.
        public init(maxMemoryBytes: UInt64? = nil, maxTableElements: UInt64 = 10_000_000, maxCallDepth: Int = 20_000,
                    fuel: UInt64? = nil) {
            self.maxMemoryBytes = maxMemoryBytes
            self.maxTableElements = maxTableElements
            self.maxCallDepth = maxCallDepth
            self.fuel = fuel
        }

        var storeLimits: StoreLimits {
            var l = StoreLimits()
            l.maxMemoryBytes = maxMemoryBytes
            l.maxTableElements = maxTableElements
            l.maxCallDepth = maxCallDepth
            l.fuel = fuel
            return l
        }
    }

    /// Stops wasm code running in an instance, from any thread.
    ///
    /// Get one from ``Instance/interruptHandle`` before starting long-running code and call ``interrupt()``
    /// from another thread or task: the running code traps with ``RuntimeError/Kind/interrupted`` at its next
    /// call or loop iteration. The interrupt stays pending (so later calls trap too) until ``reset()``.
    public final class InterruptHandle: Sendable {
        let handle: WasmRuntime.InterruptHandle
        init(_ handle: WasmRuntime.InterruptHandle) { self.handle = handle }

        /// Asks running (and future) code in the instance's store to stop with a trap.
        public func interrupt() { handle.interrupt() }
        /// Clears a pending interrupt so the instance can run code again.
        public func reset() { handle.reset() }
        /// Whether an interrupt is pending.
        public var isInterrupted: Bool { handle.isInterrupted }
    }
}
