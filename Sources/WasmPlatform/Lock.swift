/// A mutual-exclusion lock on the host's own mutex (pthread, or an SRW lock on Windows).
///
/// Used where state is shared between threads (a compiled module's translated functions). The host's mutex
/// rather than the Synchronization module's `Mutex`: it needs no minimum OS version on Apple platforms, and
/// ThreadSanitizer models it (it intercepts pthread's calls), so races it reports behind this lock are real.
package final class Lock: @unchecked Sendable {
    #if os(Windows)
    private let handle: UnsafeMutablePointer<SRWLOCK>
    #else
    private let handle: UnsafeMutablePointer<pthread_mutex_t>
    #endif

    package init() {
        handle = .allocate(capacity: 1)
        #if os(Windows)
        InitializeSRWLock(handle)
        #else
        handle.initialize(to: pthread_mutex_t())
        pthread_mutex_init(handle, nil)
        #endif
    }

    deinit {
        #if !os(Windows)
        pthread_mutex_destroy(handle)
        #endif
        handle.deallocate()
    }

    /// Runs `body` while holding the lock.
    package func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        #if os(Windows)
        AcquireSRWLockExclusive(handle)
        defer { ReleaseSRWLockExclusive(handle) }
        #else
        pthread_mutex_lock(handle)
        defer { pthread_mutex_unlock(handle) }
        #endif
        return try body()
    }
}
