internal import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The requests callers left for the connection thread, plus its parking flag.
struct Mailbox {
    var publishes: [PublishRequest] = []
    var publishHead = 0
    var controls: [ControlRequest] = []
    /// True while the thread sleeps (or is about to) in `poll`; a caller adding work then signals the eventfd.
    var parked = false
    /// Set once the thread has finished: later requests fail at once with this error.
    var finished: BrokerError?
    var status = BrokerConnectionStatus(isConnected: false, connectionsOpened: 0, lastError: nil, isFinished: false)

    var pendingPublishes: Int { publishes.count - publishHead }

    mutating func takePublishes(limit: Int) -> ArraySlice<PublishRequest> {
        let count = min(limit, pendingPublishes)
        guard count > 0 else { return [] }
        let taken = publishes[publishHead..<(publishHead + count)]
        publishHead += count
        if publishHead == publishes.count {
            publishes.removeAll(keepingCapacity: true)
            publishHead = 0
        } else if publishHead > 4096 && publishHead * 2 > publishes.count {
            publishes.removeFirst(publishHead)
            publishHead = 0
        }
        return taken
    }

    mutating func takeAllPublishes() -> ArraySlice<PublishRequest> {
        takePublishes(limit: pendingPublishes)
    }
}
