import Synchronization
internal import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deliveries handed from the connection thread to the consumer's iterator, bounded by the prefetch count.
final class DeliveryBuffer: Sendable {
    private struct State {
        var items: [Delivery] = []
        var head = 0
        var waiter: CheckedContinuation<Result<Delivery?, BrokerError>, Never>?
        /// `.success` after a normal end (cancel, close), `.failure` when the consumer gave up.
        var end: Result<Void, BrokerError>?

        mutating func popFirst() -> Delivery? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            }
            return item
        }
    }

    private let state = Mutex(State())

    /// Hands `delivery` to a waiting iterator or keeps it; ignored after the end.
    func push(_ delivery: Delivery) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<Delivery?, BrokerError>, Never>? in
            guard state.end == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.items.append(delivery)
            return nil
        }
        waiter?.resume(returning: .success(delivery))
    }

    /// Removes and returns everything not yet taken by the iterator (to nack it back to the queue).
    func takeAll() -> [Delivery] {
        state.withLock { state in
            let rest = Array(state.items[state.head...])
            state.items.removeAll()
            state.head = 0
            return rest
        }
    }

    /// Drops deliveries that came through a connection other than `epoch`: the broker redelivers them.
    func dropAll(except epoch: UInt64) {
        state.withLock { state in
            let kept = state.items[state.head...].filter { $0.epoch == epoch }
            state.items = Array(kept)
            state.head = 0
        }
    }

    /// Ends the stream: the iterator returns what is buffered, then nil (or throws `error`, dropping the rest).
    func finish(_ error: BrokerError?) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<Delivery?, BrokerError>, Never>? in
            guard state.end == nil else { return nil }
            if let error {
                state.end = .failure(error)
                state.items.removeAll()
                state.head = 0
            } else {
                state.end = .success(())
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        if let error { waiter?.resume(returning: .failure(error)) } else { waiter?.resume(returning: .success(nil)) }
    }

    /// The next delivery; nil after a normal end or when the calling task is cancelled.
    func next() async throws(BrokerError) -> Delivery? {
        let result: Result<Delivery?, BrokerError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Delivery?, BrokerError>, Never>) in
                let immediate = state.withLock { state -> Result<Delivery?, BrokerError>? in
                    if let item = state.popFirst() { return .success(item) }
                    switch state.end {
                    case .success: return .success(nil)
                    case .failure(let error): return .failure(error)
                    case nil: break
                    }
                    if Task.isCancelled { return .success(nil) }
                    precondition(state.waiter == nil, "a DeliveryStream supports one iterator at a time")
                    state.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: .success(nil))
        }
        return try result.get()
    }
}
