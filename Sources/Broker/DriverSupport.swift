internal import CRabbitMQ
public import Logging
public import SelfInstruct
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a publisher or consumer reaches the broker and what it does when the connection goes away.
public struct BrokerSettings: Sendable {
    /// `amqp://user:password@host:port/vhost`.
    public var url: String
    /// The heartbeat interval proposed to the broker (whole seconds); the connection thread services it.
    public var heartbeat: Duration
    /// Bound on the TCP connect.
    public var connectTimeout: Duration
    /// Bound on each synchronous AMQP round trip (declare, qos, consume, cancel, close).
    public var rpcTimeout: Duration
    /// Declared after every (re)connect, before publishing or consuming; nil declares nothing.
    public var topology: Topology?
    /// Delays between reconnect attempts (default: 100 ms doubling up to 30 s, fully jittered).
    public var backoff: Backoff
    /// A connection that stayed up this long resets the backoff.
    public var stableAfter: Duration
    /// Consecutive failures after which the façade gives up; nil retries forever.
    public var maxConsecutiveFailures: Int?
    /// Receives reconnects (info) and routine events (debug); the connection thread cannot see task-locals.
    public var logger: Logger

    /// Makes settings with production defaults.
    public init(
        url: String,
        logger: Logger,
        heartbeat: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10),
        rpcTimeout: Duration = .seconds(30),
        topology: Topology? = nil,
        backoff: Backoff = Backoff(base: .milliseconds(100), cap: .seconds(30)),
        stableAfter: Duration = .seconds(10),
        maxConsecutiveFailures: Int? = nil
    ) {
        self.url = url
        self.logger = logger
        self.heartbeat = heartbeat
        self.connectTimeout = connectTimeout
        self.rpcTimeout = rpcTimeout
        self.topology = topology
        self.backoff = backoff
        self.stableAfter = stableAfter
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }
}

/// A snapshot of a publisher's or consumer's connection.
public struct BrokerConnectionStatus: Sendable, Equatable {
    /// True while a connection is open.
    public var isConnected: Bool
    /// Connections opened so far (1 after the first connect, 2 after the first reconnect, …).
    public var connectionsOpened: Int
    /// The error that ended the previous connection or connect attempt, if any.
    public var lastError: BrokerError?
    /// True once the façade has closed or given up; it never connects again.
    public var isFinished: Bool
}

/// Starts a detached OS thread running `body`: the connection owner, which blocks in `poll` and in rabbitmq-c.
enum OSThread {
    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            body.name.withCString { si_set_thread_name($0) }
            body.run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            fatalError("pthread_create failed with \(status)")
        }
        pthread_detach(thread)
    }
}

/// A message waiting in the mailbox to be published.
struct PublishRequest: Sendable {
    let exchange: String
    let routingKey: String
    let body: [UInt8]
    let messageID: String?
    let continuation: CheckedContinuation<Void, any Error>
}

/// Everything else callers ask of the connection thread.
enum ControlRequest: Sendable {
    case ack(deliveryTag: UInt64, epoch: UInt64, continuation: CheckedContinuation<Void, any Error>)
    case nack(deliveryTag: UInt64, epoch: UInt64, requeue: Bool, continuation: CheckedContinuation<Void, any Error>)
    case startConsuming(queue: String, prefetch: UInt16)
    case cancel(CheckedContinuation<Void, Never>)
    case awaitConnected(CheckedContinuation<Void, any Error>)
    /// Graceful close; the continuation is nil when `deinit` asks (it cannot wait).
    case close(CheckedContinuation<Void, Never>?)

    /// Resumes the request's continuation with `error` (or plainly, for those that cannot fail).
    func fail(_ error: BrokerError) {
        switch self {
        case .ack(_, _, let continuation), .nack(_, _, _, let continuation), .awaitConnected(let continuation):
            continuation.resume(throwing: error)
        case .cancel(let continuation):
            continuation.resume()
        case .close(let continuation):
            continuation?.resume()
        case .startConsuming:
            break
        }
    }
}

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

/// Deliveries from a `BrokerConsumer`, in arrival order; ends after `cancel()`/`close()`, throws when it gives up.
public struct DeliveryStream: AsyncSequence, Sendable {
    public typealias Element = Delivery
    public typealias Failure = BrokerError

    let buffer: DeliveryBuffer

    /// Iterates the stream; one iterator per stream.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = Delivery
        public typealias Failure = BrokerError

        let buffer: DeliveryBuffer

        public mutating func next() async throws(BrokerError) -> Delivery? {
            try await buffer.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(BrokerError) -> Delivery? {
            try await buffer.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: buffer)
    }
}

/// Runs `body` with a continuation and rethrows its `BrokerError` typed (only BrokerErrors are ever resumed).
func withBrokerContinuation(
    operation: String,
    _ body: (CheckedContinuation<Void, any Error>) -> Void
) async throws(BrokerError) {
    do {
        try await withCheckedThrowingContinuation { continuation in body(continuation) }
    } catch let error as BrokerError {
        throw error
    } catch {
        throw BrokerError(kind: .library, operation: operation, detail: "unexpected error \(error)")
    }
}
