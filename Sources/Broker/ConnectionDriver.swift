internal import CRabbitMQ
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one thread that owns a rabbitmq-c connection: it connects (and reconnects with backoff), drains the
/// mailbox, sleeps in `poll` on the socket and the wakeup eventfd, and keeps calling the library so heartbeats are
/// serviced whatever the callers are doing.
///
/// Not `Sendable`: it is created on, and never leaves, its thread. Callers talk to it through `DriverCore`.
final class ConnectionDriver {
    enum Role {
        case publisher(window: Int)
        case consumer
    }

    private let core: DriverCore
    private let settings: BrokerSettings
    private let role: Role
    private var logger: Logger

    private var connection: AMQPConnection?
    private var machine: ReconnectStateMachine<ContinuousClock>
    /// The nodes of `settings.url` (one, or a cluster's as a comma-separated list); empty when it did not parse.
    private let endpoints: [AMQPEndpoint]
    private let endpointError: BrokerError?
    /// The node of the open connection.
    private var endpoint: AMQPEndpoint?
    /// Set when a connection is lost, until the next connection's first delivery: logged as the failover's end.
    private var lostFrom: (address: String, unixMilliseconds: Int64)?
    /// Counts connections; deliveries carry it so an ack never reaches a channel that did not deliver the message.
    private var epoch: UInt64 = 0
    private var lastInbound = ContinuousClock.now
    private var negotiatedHeartbeat: Duration = .zero

    /// Publisher: published messages awaiting their confirm, in sequence order from `inFlightHead`.
    private var inFlight: [(sequence: UInt64, request: PublishRequest)] = []
    private var inFlightHead = 0

    /// Consumer: what to consume once connected, the live consumer tag, and whether the caller cancelled.
    private var consumeRequest: (queue: String, prefetch: UInt16)?
    private var consumerTag: String?
    private var cancelled = false

    private var connectedWaiters: [CheckedContinuation<Void, any Error>] = []
    private var closeWaiters: [CheckedContinuation<Void, Never>?] = []

    private var isConsumer: Bool {
        if case .consumer = role { return true }
        return false
    }

    private var inFlightCount: Int { inFlight.count - inFlightHead }

    /// Starts the thread; it runs until `close` or until the reconnect policy gives up.
    static func start(core: DriverCore, settings: BrokerSettings, role: Role, name: String) {
        OSThread.start(name: name) {
            ConnectionDriver(core: core, settings: settings, role: role).run()
        }
    }

    private init(core: DriverCore, settings: BrokerSettings, role: Role) {
        self.core = core
        self.settings = settings
        self.role = role
        self.logger = settings.logger
        logger[metadataKey: "amqp.role"] = "\(role)"
        var endpoints: [AMQPEndpoint] = []
        var endpointError: BrokerError?
        do throws(BrokerError) {
            endpoints = try AMQPConnection.parseList(settings.url)
        } catch {
            endpointError = error
        }
        self.endpoints = endpoints
        self.endpointError = endpointError
        // Replicas spread over a cluster's nodes: each connection starts on a node of its own choosing.
        machine = ReconnectStateMachine(clock: ContinuousClock(), backoff: settings.backoff,
                                        stableAfter: settings.stableAfter,
                                        maxConsecutiveFailures: settings.maxConsecutiveFailures,
                                        endpointCount: max(1, endpoints.count),
                                        firstEndpoint: settings.firstEndpoint ?? Int.random(in: 0..<max(1, endpoints.count)))
    }

    // MARK: - Lifecycle

    private func run() {
        if let endpointError {
            logger.error("broker URL refused", metadata: ["error": "\(endpointError)"])
            finish(with: endpointError)
            return
        }
        var action = machine.start()
        while true {
            switch action {
            case .none:
                // Only reachable after stop(); the loop below always returns first.
                finish(with: closedError(operation: "connection"))
                return
            case .connect(let attempt, let index):
                if takeCloseRequest() {
                    finish(with: closedError(operation: "connection"))
                    return
                }
                do throws(BrokerError) {
                    try establish(endpoints[index])
                    _ = machine.connectSucceeded()
                } catch {
                    logger.info("broker connect failed", metadata: [
                        "amqp.attempt": "\(attempt)", "amqp.endpoint": "\(endpoints[index].address)",
                        "error.kind": "\(error.kind.rawValue)", "error": "\(error)",
                    ])
                    recordStatus(connected: false, error: error)
                    action = machine.connectFailed(error, unitRandom: Double.random(in: 0..<1))
                    continue
                }
                switch serve() {
                case .closed:
                    finish(with: closedError(operation: "connection"))
                    return
                case .lost(let error):
                    let address = endpoint?.address ?? "?"
                    lostFrom = (address, Self.unixMilliseconds())
                    logger.info("broker connection lost", metadata: [
                        "amqp.endpoint": "\(address)", "amqp.unix_ms": "\(lostFrom?.unixMilliseconds ?? 0)",
                        "error.kind": "\(error.kind.rawValue)", "error": "\(error)",
                    ])
                    dropConnection(failingWith: error)
                    action = machine.connectionLost(error, unitRandom: Double.random(in: 0..<1))
                }
            case .wait(let until, let delay, let attempt):
                logger.info("broker reconnect scheduled", metadata: [
                    "amqp.attempt": "\(attempt)", "amqp.delay_ms": "\(Int(delay.seconds * 1000))",
                ])
                if sleepWhileDisconnected(until: until) {
                    finish(with: closedError(operation: "connection"))
                    return
                }
                action = machine.timerFired()
            case .giveUp(let error):
                logger.error("broker connection given up", metadata: [
                    "error.kind": "\(error.kind.rawValue)", "error": "\(error)",
                ])
                finish(with: error)
                return
            }
        }
    }

    /// Connects to `target`, declares the topology, and sets up confirms or the consumer.
    private func establish(_ target: AMQPEndpoint) throws(BrokerError) {
        let connection = try AMQPConnection.connect(endpoint: target, tls: settings.tls, heartbeat: settings.heartbeat,
                                                    connectTimeout: settings.connectTimeout,
                                                    rpcTimeout: settings.rpcTimeout)
        do throws(BrokerError) {
            try settings.topology?.declare(on: connection)
            switch role {
            case .publisher: try connection.confirmSelect()
            case .consumer: if let consumeRequest, !cancelled { try startConsumer(on: connection, consumeRequest) }
            }
        } catch {
            connection.close()
            throw error
        }
        self.connection = connection
        endpoint = target
        epoch += 1
        lastInbound = .now
        negotiatedHeartbeat = .seconds(connection.negotiatedHeartbeatSeconds)
        recordStatus(connected: true, error: nil, opened: true)
        core.deliveries.dropAll(except: epoch)
        for waiter in connectedWaiters { waiter.resume() }
        connectedWaiters.removeAll()
        // Info, once per connection: with a cluster, which node each daemon is on (and when it moved) is in the log.
        logger.info("broker connected", metadata: [
            "amqp.endpoint": "\(target.address)", "amqp.epoch": "\(epoch)", "amqp.unix_ms": "\(Self.unixMilliseconds())",
        ])
    }

    private func startConsumer(on connection: AMQPConnection, _ request: (queue: String, prefetch: UInt16)) throws(BrokerError) {
        try connection.basicQos(prefetch: request.prefetch)
        consumerTag = try connection.consume(queue: request.queue)
    }

    /// Fails what depended on the dead connection with `error` and frees it.
    private func dropConnection(failingWith error: BrokerError) {
        connection?.markUnusable()
        connection?.close()
        connection = nil
        endpoint = nil
        consumerTag = nil
        recordStatus(connected: false, error: error)
        for index in inFlightHead..<inFlight.count { inFlight[index].request.continuation.resume(throwing: error) }
        inFlight.removeAll()
        inFlightHead = 0
        // Everything already in the mailbox was meant for the dead connection: it fails with the same error.
        let (publishes, controls) = core.mailbox.withLock { box in
            let publishes = box.takeAllPublishes()
            let controls = box.controls
            box.controls.removeAll()
            return (Array(publishes), controls)
        }
        for publish in publishes { publish.continuation.resume(throwing: error) }
        for control in controls { handleWhileDisconnected(control, error: error) }
        core.deliveries.dropAll(except: epoch + 1)
    }

    /// Ends the thread: fails everything still waiting with `error` and refuses later requests with it.
    private func finish(with error: BrokerError) {
        _ = machine.stop()
        connection?.close()
        connection = nil
        let (publishes, controls) = core.mailbox.withLock { box in
            box.finished = error
            box.status.isConnected = false
            box.status.isFinished = true
            let publishes = box.takeAllPublishes()
            let controls = box.controls
            box.controls.removeAll()
            return (Array(publishes), controls)
        }
        for index in inFlightHead..<inFlight.count { inFlight[index].request.continuation.resume(throwing: error) }
        inFlight.removeAll()
        for publish in publishes { publish.continuation.resume(throwing: error) }
        for control in controls { control.fail(error) }
        core.deliveries.finish(error.kind == .closed ? nil : error)
        for waiter in connectedWaiters { waiter.resume(throwing: error) }
        connectedWaiters.removeAll()
        for waiter in closeWaiters { waiter?.resume() }
        closeWaiters.removeAll()
    }

    // MARK: - Disconnected

    /// Sleeps until `until`, answering the mailbox meanwhile; returns true when a close was requested.
    private func sleepWhileDisconnected(until: ContinuousClock.Instant) -> Bool {
        let error = core.mailbox.withLock { $0.status.lastError } ?? closedError(operation: "connection")
        while true {
            let controls = core.mailbox.withLock { box in
                defer { box.controls.removeAll() }
                return box.controls
            }
            var closeRequested = false
            for control in controls {
                if case .close(let waiter) = control {
                    closeWaiters.append(waiter)
                    closeRequested = true
                } else {
                    handleWhileDisconnected(control, error: error)
                }
            }
            if closeRequested { return true }
            let remaining = ContinuousClock.now.duration(to: until)
            if remaining <= .zero { return false }
            // Publishes wait for the next connection; only controls wake this sleep early.
            let parked = core.mailbox.withLock { box -> Bool in
                guard box.controls.isEmpty else { return false }
                box.parked = true
                return true
            }
            if parked {
                var socketEvents: Int16 = 0
                var wakeupEvents: Int16 = 0
                _ = si_poll_two(-1, core.wakeup, Self.milliseconds(remaining), &socketEvents, &wakeupEvents)
                core.mailbox.withLock { $0.parked = false }
                si_eventfd_drain(core.wakeup)
            }
        }
    }

    /// Answers a control request that cannot be carried out without a connection.
    private func handleWhileDisconnected(_ control: ControlRequest, error: BrokerError) {
        switch control {
        case .ack(_, _, let continuation), .nack(_, _, _, let continuation):
            continuation.resume(throwing: BrokerError(
                kind: .connectionClosed, operation: "basic.ack",
                detail: "the delivery's connection was lost (\(error.kind.rawValue)); the broker redelivers it"))
        case .startConsuming(let queue, let prefetch):
            consumeRequest = (queue, prefetch)
        case .cancel(let continuation):
            cancelled = true
            core.deliveries.finish(nil)
            continuation.resume()
        case .awaitConnected(let continuation):
            connectedWaiters.append(continuation)
        case .close(let continuation):
            closeWaiters.append(continuation)
        }
    }

    private func takeCloseRequest() -> Bool {
        let controls = core.mailbox.withLock { box in
            defer { box.controls.removeAll() }
            return box.controls
        }
        var closeRequested = false
        let error = core.mailbox.withLock { $0.status.lastError } ?? closedError(operation: "connection")
        for control in controls {
            if case .close(let waiter) = control {
                closeWaiters.append(waiter)
                closeRequested = true
            } else {
                handleWhileDisconnected(control, error: error)
            }
        }
        return closeRequested
    }

    // MARK: - Connected

    private enum Outcome {
        case closed
        case lost(BrokerError)
    }

    /// The event loop while a connection is open.
    private func serve() -> Outcome {
        guard let connection else { return .lost(closedError(operation: "connection")) }
        do throws(BrokerError) {
            while true {
                let window: Int
                if case .publisher(let size) = role { window = size } else { window = 0 }
                let (controls, publishes) = core.mailbox.withLock { box in
                    let controls = box.controls
                    box.controls.removeAll()
                    return (controls, Array(box.takePublishes(limit: window - inFlightCount)))
                }
                for (index, control) in controls.enumerated() {
                    if case .close(let waiter) = control {
                        closeWaiters.append(waiter)
                        closeGracefully(connection)
                        return .closed
                    }
                    do throws(BrokerError) {
                        try handleConnected(control, connection)
                    } catch {
                        // The failing one is answered; the rest go back to the mailbox, where the loss answers them.
                        let rest = controls[(index + 1)...]
                        core.mailbox.withLock { $0.controls.insert(contentsOf: rest, at: 0) }
                        throw error
                    }
                }
                for (index, publish) in publishes.enumerated() {
                    do throws(BrokerError) {
                        let sequence = try connection.publish(exchange: publish.exchange, routingKey: publish.routingKey,
                                                              body: publish.body, messageID: publish.messageID,
                                                              persistent: true)
                        inFlight.append((sequence ?? 0, publish))
                    } catch {
                        // Taken from the mailbox but never in flight: they fail with the connection, like those in flight.
                        for unsent in publishes[index...] { unsent.continuation.resume(throwing: error) }
                        throw error
                    }
                }
                try readAvailable(connection, limit: 512)
                try checkHeartbeat()
                if connection.hasBufferedInput { continue }
                let mayPark = core.mailbox.withLock { box -> Bool in
                    let hasWork = !box.controls.isEmpty || (box.pendingPublishes > 0 && inFlightCount < window)
                    guard !hasWork else { return false }
                    box.parked = true
                    return true
                }
                if mayPark { try park(connection) }
            }
        } catch {
            return .lost(error)
        }
    }

    /// Sleeps in `poll` until the socket is readable, a caller signals, or a fraction of the heartbeat passes.
    private func park(_ connection: AMQPConnection) throws(BrokerError) {
        var socketEvents: Int16 = 0
        var wakeupEvents: Int16 = 0
        let status = si_poll_two(connection.socketDescriptor, core.wakeup, Self.milliseconds(pollInterval),
                                 &socketEvents, &wakeupEvents)
        core.mailbox.withLock { $0.parked = false }
        if wakeupEvents != 0 { si_eventfd_drain(core.wakeup) }
        if status > 0 && socketEvents != 0 { lastInbound = .now }
    }

    /// Under half the heartbeat, so a heartbeat is always sent in time; one second without heartbeats.
    private var pollInterval: Duration {
        negotiatedHeartbeat > .zero ? min(negotiatedHeartbeat / 4, .seconds(1)) : .seconds(1)
    }

    /// Fails the connection when the broker has been silent for two heartbeat intervals (a stalled peer).
    private func checkHeartbeat() throws(BrokerError) {
        guard negotiatedHeartbeat > .zero else { return }
        let silence = lastInbound.duration(to: .now)
        guard silence > negotiatedHeartbeat * 2 else { return }
        connection?.markUnusable()
        throw BrokerError(kind: .connectionClosed, operation: "heartbeat",
                          detail: "nothing heard from the broker for \(Int(silence.seconds)) s "
                              + "(heartbeat \(Int(negotiatedHeartbeat.seconds)) s)")
    }

    /// Reads up to `limit` complete frames that are already available, without waiting.
    private func readAvailable(_ connection: AMQPConnection, limit: Int) throws(BrokerError) {
        for _ in 0..<limit {
            guard let event = try connection.pollEvent(consuming: isConsumer) else { return }
            lastInbound = .now
            handle(event, connection)
        }
    }

    private func handle(_ event: ConnectionEvent, _ connection: AMQPConnection) {
        switch event {
        case .delivery(var delivery):
            delivery.epoch = epoch
            if consumerTag == nil || cancelled {
                // Sent before our basic.cancel took effect: straight back to the queue.
                _ = try? connection.nack(delivery.deliveryTag, requeue: true)
            } else {
                if let lostFrom {
                    // The failover's end as a consumer sees it: messages flow again, from this node.
                    self.lostFrom = nil
                    logger.info("broker first delivery since reconnect", metadata: [
                        "amqp.endpoint": "\(endpoint?.address ?? "?")", "amqp.previous_endpoint": "\(lostFrom.address)",
                        "amqp.lost_unix_ms": "\(lostFrom.unixMilliseconds)", "amqp.unix_ms": "\(Self.unixMilliseconds())",
                    ])
                }
                core.deliveries.push(delivery)
            }
        case .confirm(let sequence, let multiple, let positive):
            resolveConfirms(upTo: sequence, multiple: multiple, positive: positive)
        case .ignored:
            break
        }
    }

    private func resolveConfirms(upTo sequence: UInt64, multiple: Bool, positive: Bool) {
        func resume(_ request: PublishRequest) {
            if positive {
                request.continuation.resume()
            } else {
                request.continuation.resume(throwing: BrokerError(
                    kind: .publishNacked, operation: "basic.publish",
                    detail: "the broker nacked message \(request.messageID ?? "without id") to \(request.routingKey)"))
            }
        }
        if multiple {
            while inFlightHead < inFlight.count && inFlight[inFlightHead].sequence <= sequence {
                resume(inFlight[inFlightHead].request)
                inFlightHead += 1
            }
        } else if let index = inFlight[inFlightHead...].firstIndex(where: { $0.sequence == sequence }) {
            resume(inFlight[index].request)
            if index == inFlightHead {
                inFlightHead += 1
            } else {
                inFlight.remove(at: index)
            }
        }
        if inFlightHead == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            inFlightHead = 0
        } else if inFlightHead > 4096 {
            inFlight.removeFirst(inFlightHead)
            inFlightHead = 0
        }
    }

    private func handleConnected(_ control: ControlRequest, _ connection: AMQPConnection) throws(BrokerError) {
        switch control {
        case .ack(let tag, let deliveryEpoch, let continuation):
            guard deliveryEpoch == epoch else {
                continuation.resume(throwing: staleDelivery(operation: "basic.ack"))
                return
            }
            do throws(BrokerError) {
                try connection.ack(tag)
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
                throw error
            }
        case .nack(let tag, let deliveryEpoch, let requeue, let continuation):
            guard deliveryEpoch == epoch else {
                continuation.resume(throwing: staleDelivery(operation: "basic.nack"))
                return
            }
            do throws(BrokerError) {
                try connection.nack(tag, requeue: requeue)
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
                throw error
            }
        case .startConsuming(let queue, let prefetch):
            consumeRequest = (queue, prefetch)
            if !cancelled && consumerTag == nil { try startConsumer(on: connection, (queue, prefetch)) }
        case .cancel(let continuation):
            stopConsuming(connection)
            continuation.resume()
        case .awaitConnected(let continuation):
            continuation.resume()
        case .close(let continuation):
            closeWaiters.append(continuation)
        }
    }

    /// Cancels the consumer and returns every delivery the caller has not taken to the queue.
    private func stopConsuming(_ connection: AMQPConnection) {
        cancelled = true
        if let tag = consumerTag {
            consumerTag = nil
            // Deliveries that arrive until cancel-ok are queued by rabbitmq-c; reading them below nacks them.
            _ = try? connection.cancelConsumer(tag)
            _ = try? readAvailable(connection, limit: Int.max)
        }
        for delivery in core.deliveries.takeAll() where delivery.epoch == epoch {
            _ = try? connection.nack(delivery.deliveryTag, requeue: true)
        }
        core.deliveries.finish(nil)
    }

    /// Consumer: cancel and requeue what was not handed out. Publisher: fail unsent messages and wait (bounded by
    /// the RPC timeout) for confirms of those in flight. Then channel, then connection.
    private func closeGracefully(_ connection: AMQPConnection) {
        if isConsumer {
            stopConsuming(connection)
        } else {
            let closed = closedError(operation: "basic.publish")
            let unsent = core.mailbox.withLock { Array($0.takeAllPublishes()) }
            for publish in unsent { publish.continuation.resume(throwing: closed) }
            let deadline = ContinuousClock.now + settings.rpcTimeout
            while inFlightCount > 0 && ContinuousClock.now < deadline {
                do throws(BrokerError) {
                    try readAvailable(connection, limit: 512)
                    if inFlightCount > 0 && !connection.hasBufferedInput { try park(connection) }
                } catch {
                    break
                }
            }
        }
        connection.close()
        self.connection = nil
    }

    // MARK: - Helpers

    private func recordStatus(connected: Bool, error: BrokerError?, opened: Bool = false) {
        core.mailbox.withLock { box in
            box.status.isConnected = connected
            if opened { box.status.connectionsOpened += 1 }
            if let error { box.status.lastError = error }
        }
    }

    private func staleDelivery(operation: String) -> BrokerError {
        BrokerError(kind: .connectionClosed, operation: operation,
                    detail: "the delivery came through a connection that has since been lost; the broker redelivers it")
    }

    private func closedError(operation: String) -> BrokerError {
        BrokerError(kind: .closed, operation: operation, detail: "the \(isConsumer ? "consumer" : "publisher") was closed")
    }

    /// Wall-clock milliseconds since 1970, so the logs of processes on different hosts line up with a fault's time.
    private static func unixMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: Int((duration.seconds * 1000).rounded(.up)))
    }
}
