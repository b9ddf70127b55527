import Synchronization
internal import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state shared by callers and the connection thread: a `Mutex`-guarded mailbox and an eventfd wakeup.
final class DriverCore: Sendable {
    let mailbox = Mutex(Mailbox())
    /// Signalled when work arrives for a parked thread; closed in `deinit`, after the thread has let go.
    let wakeup: Int32
    /// Deliveries on their way to the consumer's iterator (unused by publishers).
    let deliveries = DeliveryBuffer()

    init() {
        wakeup = si_eventfd_open()
        precondition(wakeup >= 0, "eventfd failed: errno \(errno)")
    }

    deinit {
        close(wakeup)
    }

    /// Queues a publish, or fails it at once when the thread has finished.
    func submit(_ request: PublishRequest) {
        let (finished, signal) = mailbox.withLock { box -> (BrokerError?, Bool) in
            if let finished = box.finished { return (finished, false) }
            box.publishes.append(request)
            defer { box.parked = false }
            return (nil, box.parked)
        }
        if let finished { request.continuation.resume(throwing: finished) }
        if signal { si_eventfd_signal(wakeup) }
    }

    /// Queues a control request, or fails it at once when the thread has finished.
    func submit(_ request: ControlRequest) {
        let (finished, signal) = mailbox.withLock { box -> (BrokerError?, Bool) in
            if let finished = box.finished { return (finished, false) }
            box.controls.append(request)
            defer { box.parked = false }
            return (nil, box.parked)
        }
        if let finished { request.fail(finished) }
        if signal { si_eventfd_signal(wakeup) }
    }

    var status: BrokerConnectionStatus {
        mailbox.withLock { $0.status }
    }
}
