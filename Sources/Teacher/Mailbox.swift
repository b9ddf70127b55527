internal import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
#elseif canImport(Darwin)
import Darwin
#endif

/// State shared between callers and the loop thread, always accessed under the mutex.
struct Mailbox: ~Copyable {
    enum Lifecycle { case running, shuttingDown, stopped }

    var lifecycle = Lifecycle.running
    var nextID: UInt64 = 1
    /// IDs handed to `send` whose transfer has not been submitted yet.
    var reserved: Set<UInt64> = []
    /// Reserved IDs whose task was cancelled before submission.
    var cancelledBeforeSubmit: Set<UInt64> = []
    /// Submitted transfers the loop has not picked up yet.
    var pending: [PendingTransfer] = []
    /// IDs of picked-up transfers to abort.
    var cancellations: [UInt64] = []
    var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
}
