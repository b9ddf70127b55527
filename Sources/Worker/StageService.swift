// The stage loop every daemon runs: consume with prefetch = concurrency, handle up to N messages at once,
// write results + outbox + processed row in one transaction, ack after COMMIT, dead-letter after N failures.

public import Broker
public import Logging
import Records
public import Stages
public import ServiceLifecycle
public import Store
import SelfInstruct
import Synchronization
import Teacher
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Consumes one stage's queue and runs its handler; a `Service` for the daemon's `ServiceGroup`.
public final class StageService<Handler: StageHandler>: Service {
    /// The stage's handler (tests reach its caches through it).
    public let handler: Handler
    private let database: Database
    private let settings: BrokerSettings
    private let topology: Topology
    private let concurrency: Int
    private let maxAttempts: Int
    private let deliveryLimit: Int
    private let crashOnMessageID: String?
    private let retryBackoff: Backoff
    private let logger: Logger
    private let relay: OutboxRelay?
    private let reachability: TeacherReachability
    private let consumer = Mutex<BrokerConsumer?>(nil)
    private let stopped = Mutex(false)
    private let counters = Mutex(StageCounters())
    /// Failed dead-letter writes per message key, in a row (reset when one succeeds).
    private let recordFailures = Mutex<[String: Int]>([:])
    /// Messages redelivered more than once are handled here one at a time (see `SerialLane`); one lane per process,
    /// shared by its stages, since a crash takes all of them down.
    private let isolation: SerialLane
    /// Pauses between failed dead-letter writes: 1 s doubling to 30 s.
    private let recordBackoff = Backoff(base: .seconds(1), cap: .seconds(30))
    /// Failed dead-letter writes of one message before it is rejected to the broker's dead-letter queue.
    static var maximumRecordFailures: Int { 8 }

    /// What the loop did so far (tests and the final log line).
    public struct StageCounters: Sendable, Hashable {
        public var processed = 0
        public var duplicates = 0
        public var failedAttempts = 0
        public var deadLettered = 0
        /// Messages of self-paused runs kept in `parked_messages`.
        public var parked = 0
        /// Items the teacher refused, recorded as failed with the server's message.
        public var refused = 0
        /// Runs this service paused (budget, credentials, outage).
        public var runsPaused = 0
        /// Messages whose teacher request now waits for a batch (acked; sent again once it is answered).
        public var awaitingBatch = 0
    }

    /// A stage loop. `relay` (optional) is nudged after each commit that emitted messages.
    public init(
        handler: Handler, database: Database, settings: BrokerSettings, topology: Topology, concurrency: Int,
        maxAttempts: Int = 3, deliveryLimit: Int = 5, crashOnMessageID: String? = nil, isolation: SerialLane = SerialLane(),
        retryDelay: Duration = .milliseconds(200), relay: OutboxRelay? = nil,
        reachability: TeacherReachability = TeacherReachability(unreachableAfter: .seconds(120)), logger: Logger
    ) {
        precondition(concurrency >= 1 && maxAttempts >= 1 && deliveryLimit >= 1, "concurrency, attempts and delivery limit must be positive")
        self.deliveryLimit = deliveryLimit
        self.crashOnMessageID = crashOnMessageID
        self.isolation = isolation
        self.handler = handler
        self.database = database
        self.settings = settings
        self.topology = topology
        self.concurrency = min(concurrency, handler.concurrencyLimit ?? concurrency)
        self.maxAttempts = maxAttempts
        // Full jitter, so the failed attempts of many messages (a teacher outage) do not come back in step.
        self.retryBackoff = Backoff(base: retryDelay, cap: retryDelay * 64)
        self.relay = relay
        self.reachability = reachability
        var logger = logger
        logger[metadataKey: MetadataKey.stage] = "\(handler.stage.rawValue)"
        self.logger = logger
    }

    public var counts: StageCounters { counters.withLock { $0 } }

    /// Stops consuming (deliveries not yet taken go back to the queue); in-flight messages finish, then `run` returns.
    public func stop() {
        let current = stopped.withLock { stopped -> BrokerConsumer? in
            stopped = true
            return consumer.withLock { $0 }
        }
        if let current { Task { await current.cancel() } }
    }

    public func run() async throws {
        let consumer = try await BrokerConsumer.connect(settings: settings)
        let alreadyStopped = stopped.withLock { stopped in
            self.consumer.withLock { $0 = consumer }
            return stopped
        }
        if alreadyStopped { await consumer.cancel() }
        logger.info("consuming", metadata: ["amqp.queue": "\(topology.queue(handler.stage))", "si.concurrency": "\(concurrency)"])
        var loopError: (any Error)?
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                loopError = await consumeLoop(consumer)
            } onCancel: {
                self.stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        await consumer.close()
        let final = counts
        logger.info("stopped", metadata: [
            "si.processed": "\(final.processed)", "si.duplicates": "\(final.duplicates)",
            "si.dead_lettered": "\(final.deadLettered)",
        ])
        if let loopError { throw loopError }
    }

    /// At most `concurrency` handlers at once: N child tasks, then one more after each finishes.
    private func consumeLoop(_ consumer: BrokerConsumer) async -> (any Error)? {
        let deliveries = consumer.deliveries(queue: topology.queue(handler.stage), prefetch: UInt16(clamping: concurrency))
        return await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var failure: (any Error)?
            do {
                for try await delivery in deliveries {
                    if inFlight >= concurrency {
                        await group.next()
                        inFlight -= 1
                    }
                    group.addTask { await self.process(delivery, consumer: consumer) }
                    inFlight += 1
                }
            } catch {
                if !stopped.withLock({ $0 }) { failure = error }
            }
            await group.waitForAll()
            return failure
        }
    }

    /// Handles one delivery to its end: acked after COMMIT, or dead-lettered and acked, or (when even that
    /// cannot be recorded) requeued. Never dropped silently.
    private func process(_ delivery: Delivery, consumer: BrokerConsumer) async {
        var logger = self.logger
        logger[metadataKey: MetadataKey.deliveryTag] = "\(delivery.deliveryTag)"
        let message: StageMessage
        do {
            message = try StageMessage(json: delivery.body)
        } catch {
            // Not the delivery tag (it restarts with every channel): the key of the id and body, so the same poison
            // message always finds its own row and two never share one.
            let messageID = DeadLetterBody.key(messageID: delivery.messageID.map { Array($0.utf8) }, body: delivery.body)
            await deadLetter(delivery, consumer: consumer, runID: nil, messageID: messageID, attempts: 1,
                             error: error, kind: "invalid_message", logger: logger)
            return
        }
        let messageID = message.messageID(stage: handler.stage.rawValue)
        logger[metadataKey: MetadataKey.runID] = "\(message.runID)"
        logger[metadataKey: MetadataKey.entityID] = "\(message.entityID)"
        logger[metadataKey: MetadataKey.messageID] = "\(messageID)"
        // Counted before anything can crash: a message that took its worker down `deliveryLimit` times goes no further.
        var isolated = false
        if delivery.redelivered {
            switch await checkDeliveryCount(delivery, message: message, messageID: messageID, consumer: consumer, logger: logger) {
            case .deadLettered: return
            case .handle(let alone): isolated = alone
            }
        }
        await handle(delivery, message: message, messageID: messageID, consumer: consumer, logger: logger)
        if isolated { await isolation.release() }
    }

    /// What the delivery count says about a redelivered message.
    private enum DeliveryCheck {
        /// Handle it; `alone` when it holds the isolation lane (release it afterwards).
        case handle(alone: Bool)
        /// Over the limit: dead-lettered and acked.
        case deadLettered
    }

    /// Counts a redelivery in `delivery_counts`. A message redelivered more than once is handled alone (it waits
    /// for the isolation lane before it is counted, so messages that only crashed alongside a culprit stop being
    /// counted). Past `deliveryLimit` deliveries the message is dead-lettered with kind `delivery_limit`. A message
    /// already processed is left to the duplicate check; a count that cannot be read or written (the database is
    /// away) lets the message be handled, where the same outage will show.
    private func checkDeliveryCount(
        _ delivery: Delivery, message: StageMessage, messageID: String, consumer: BrokerConsumer, logger: Logger
    ) async -> DeliveryCheck {
        let stage = handler.stage
        var alone = false
        do {
            if try await DeliveryCountsTable.redeliveries(stage: stage, messageID: messageID, on: database) >= 1 {
                await isolation.acquire()
                alone = true
            }
            let deliveries = try await DeliveryCountsTable.countRedelivery(stage: stage, messageID: messageID, on: database) + 1
            guard deliveries > deliveryLimit,
                  try await !ProcessedMessagesTable.contains(stage: stage, messageID: messageID, on: database)
            else { return .handle(alone: alone) }
            await deadLetter(delivery, consumer: consumer, runID: message.runID, messageID: messageID, attempts: deliveries,
                             error: DeliveryLimitExceeded(deliveries: deliveries, limit: deliveryLimit), kind: "delivery_limit",
                             logger: logger)
        } catch {
            logger.info("cannot count the redelivery; handling it", metadata: ["error": "\(error)"])
            return .handle(alone: alone)
        }
        if alone { await isolation.release() }
        return .deadLettered
    }

    /// Records that the next redelivery of `messageID` comes from this process giving it back (a shutdown past its
    /// grace period), not from a crash, so it does not count towards `deliveryLimit`. Detached: the cancelled task's
    /// own database calls are refused. Best effort: if it cannot be written, the redelivery counts.
    private func excuseRequeue(messageID: String) async {
        let stage = handler.stage
        let database = self.database
        await Task.detached {
            try? await DeliveryCountsTable.excuse(stage: stage, messageID: messageID, on: database)
        }.value
    }

    /// Handles a parsed message to its end (acked, parked, requeued or dead-lettered).
    private func handle(
        _ delivery: Delivery, message: StageMessage, messageID: String, consumer: BrokerConsumer, logger: Logger
    ) async {
        var logger = logger
        if let crashOnMessageID, crashOnMessageID == messageID {
            logger.critical("fault injection: \(EnvironmentVariable.faultCrashMessageID) names this message; killing the process")
            kill(getpid(), SIGKILL)
        }

        var attempt = 0
        // When this message first met a teacher outage: failures after an answer since then are the item's own.
        var outageSeen: ContinuousClock.Instant?
        while true {
            attempt += 1
            logger[metadataKey: MetadataKey.attempt] = "\(attempt)"
            do {
                let duplicate = try await handleOnce(
                    message, messageID: messageID, mayBeDuplicate: delivery.redelivered || attempt > 1 || message.attempt > 1,
                    logger: logger) { try await self.handler.handle(message, logger: logger) }
                if handler.stage.callsTeacher { reachability.answered() }
                counters.withLock { duplicate ? ($0.duplicates += 1) : ($0.processed += 1) }
                logger.debug(duplicate ? "duplicate message: already processed" : "processed")
                await acknowledge(delivery, consumer: consumer, logger: logger)
                return
            } catch is AwaitingBatch {
                // Its request is stored (`batch_requests`) with this message, which comes back once the batch answers.
                counters.withLock { $0.awaitingBatch += 1 }
                logger.debug("waiting for a batch")
                await acknowledge(delivery, consumer: consumer, logger: logger)
                return
            } catch let held as RunHeld {
                // Not an attempt of the message's own: park it, or go again when the run was resumed meanwhile.
                attempt -= 1
                if await park(delivery, message: message, messageID: messageID, reason: held.reason, consumer: consumer, logger: logger) {
                    return
                }
            } catch let error as TeacherError where error.classification == .stopCaller {
                // Credentials rejected or budget spent: nothing will work until an operator acts. Pause the run and
                // give the message back; its redelivery finds the run paused and parks it. Nothing is dead-lettered.
                reachability.answered()
                let reason: PauseReason = switch error.kind {
                case .budgetExhausted: .budgetExhausted
                case .credentialsRejected: .teacherCredentialsRejected
                // TLS and transport set-up failures: this daemon cannot talk to the teacher until someone fixes it.
                default: .teacherUnreachable
                }
                if await pauseRun(message.runID, reason: reason, error: error, logger: logger) {
                    try? await consumer.nack(delivery, requeue: true)
                    return
                }
                // The run could not be paused (it finished meanwhile): an ordinary failed attempt, so it never loops.
                if await failedAttempt(delivery, message: message, messageID: messageID, attempt: attempt, error: error,
                                       consumer: consumer, logger: logger) { return }
            } catch let error as TeacherError where error.classification == .failItem {
                // 400/404/422, prompt too long: the item fails once with the server's message; no retry is paid for.
                reachability.answered()
                if await recordRefusal(delivery, message: message, messageID: messageID, error: error, consumer: consumer, logger: logger) {
                    return
                }
                // Not recorded (the database failed): an attempt like any other, so this never loops.
                if await failedAttempt(delivery, message: message, messageID: messageID, attempt: attempt, error: error,
                                       consumer: consumer, logger: logger) { return }
            } catch let error as TeacherError where TeacherReachability.isOutage(error) && !Task.isCancelled {
                counters.withLock { $0.failedAttempts += 1 }
                let firstSeen = outageSeen ?? .now
                outageSeen = firstSeen
                if reachability.failed(), await pauseRun(message.runID, reason: .teacherUnreachable, error: error, logger: logger) {
                    try? await consumer.nack(delivery, requeue: true)
                    return
                }
                // While the server answers nobody, the message waits for it instead of spending its attempts.
                if attempt >= maxAttempts && reachability.answered(after: firstSeen) {
                    await deadLetter(delivery, consumer: consumer, runID: message.runID, messageID: messageID,
                                     attempts: attempt, error: error, kind: Self.errorKind(error), logger: logger)
                    return
                }
                let delay = retryBackoff.delay(attempt: attempt)
                logger.info("teacher unreachable; retrying", metadata: [
                    MetadataKey.errorKind: "\(error.kind.rawValue)", "error": "\(error)", "si.delay": "\(delay)",
                ])
                try? await Task.sleep(for: delay)
            } catch let error as any PermanentFailure {
                await deadLetter(delivery, consumer: consumer, runID: message.runID, messageID: messageID,
                                 attempts: attempt, error: error, kind: error.kind, logger: logger)
                return
            } catch {
                if Task.isCancelled {
                    // Shutdown ran past its deadline: not the message's fault, so back to the queue, not the dead letters.
                    logger.info("cancelled in flight; requeueing", metadata: ["error": "\(error)"])
                    await excuseRequeue(messageID: messageID)
                    try? await consumer.nack(delivery, requeue: true)
                    return
                }
                if await failedAttempt(delivery, message: message, messageID: messageID, attempt: attempt, error: error,
                                       consumer: consumer, logger: logger) { return }
            }
        }
    }

    /// Counts a failed attempt: dead-letters the message after the last one (returns true), or waits out a jittered
    /// backoff before the next (returns false).
    private func failedAttempt(
        _ delivery: Delivery, message: StageMessage, messageID: String, attempt: Int, error: any Error,
        consumer: BrokerConsumer, logger: Logger
    ) async -> Bool {
        counters.withLock { $0.failedAttempts += 1 }
        if attempt >= maxAttempts {
            await deadLetter(delivery, consumer: consumer, runID: message.runID, messageID: messageID,
                             attempts: attempt, error: error, kind: Self.errorKind(error), logger: logger)
            return true
        }
        let delay = retryBackoff.delay(attempt: attempt)
        // At notice: a repeated attempt repeats the whole handler (for si-shards, the whole run's files), and the
        // benchmark's notice-level logs should show it.
        logger.notice("attempt failed; retrying", metadata: [
            MetadataKey.errorKind: "\(Self.errorKind(error))", "error": "\(error)", "si.delay": "\(delay)",
        ])
        try? await Task.sleep(for: delay)
        return false
    }

    /// Keeps the message of a self-paused run in `parked_messages` and acks it. Under a share lock on the run row,
    /// so a concurrent `resume` either sends this message again or is seen here as `running` (returns false: handle
    /// it now). A database failure leaves the message unacked and requeued after a pause, never lost.
    private func park(
        _ delivery: Delivery, message: StageMessage, messageID: String, reason: PauseReason, consumer: BrokerConsumer,
        logger: Logger
    ) async -> Bool {
        let stage = handler.stage
        do {
            let parked = try await database.transaction { transaction -> Bool in
                guard let state = try await RunsTable.state(id: message.runID, share: true, on: transaction),
                      state.holds(stage), let current = state.pauseReason
                else { return false }
                try await ParkedMessagesTable.park(message, stage: stage, messageID: messageID, reason: current, on: transaction)
                // Its requeue while the run paused was no crash: sent again on resume, it starts with a clean count.
                try await DeliveryCountsTable.forget(stage: stage, messageID: messageID, on: transaction)
                return true
            }
            guard parked else { return false }
        } catch {
            logger.warning("cannot park the message of a paused run; requeueing it", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: retryBackoff.ceiling(attempt: 4))
            try? await consumer.nack(delivery, requeue: true)
            return true
        }
        counters.withLock { $0.parked += 1 }
        logger.debug("parked: the run paused itself", metadata: ["si.pause_reason": "\(reason.rawValue)"])
        await acknowledge(delivery, consumer: consumer, logger: logger)
        return true
    }

    /// Records the teacher's refusal of the message's item through the handler and acks; false when it could not
    /// be written (the caller retries). A handler without a refusal record dead-letters the message.
    private func recordRefusal(
        _ delivery: Delivery, message: StageMessage, messageID: String, error: TeacherError, consumer: BrokerConsumer,
        logger: Logger
    ) async -> Bool {
        do {
            guard let work = try await handler.refused(message, error: error, logger: logger) else {
                await deadLetter(delivery, consumer: consumer, runID: message.runID, messageID: messageID, attempts: 1,
                                 error: error, kind: Self.errorKind(error), logger: logger)
                return true
            }
            _ = try await handleOnce(message, messageID: messageID, mayBeDuplicate: true, logger: logger) { work }
        } catch {
            logger.info("cannot record the teacher's refusal", metadata: ["error": "\(error)"])
            return false
        }
        counters.withLock { $0.refused += 1 }
        logger.info("the teacher refused the item; it failed with the server's message", metadata: [
            MetadataKey.errorKind: "\(error.kind.rawValue)", "error": "\(error)",
        ])
        await acknowledge(delivery, consumer: consumer, logger: logger)
        return true
    }

    /// Pauses the run for `reason` (a run another replica paused already keeps its reason) and says so in the log.
    /// Returns true when the run now holds this stage's messages, so a requeued message will be parked; false when
    /// it cannot (the run finished), and the caller must not requeue it in a loop. A database failure counts as
    /// held after a wait: the requeued message comes back to the same question.
    private func pauseRun(_ runID: Int64, reason: PauseReason, error: TeacherError, logger: Logger) async -> Bool {
        let detail = "si-\(handler.stage.rawValue): \(error)"
        do {
            if try await RunsTable.pauseItself(id: runID, reason: reason, detail: detail, on: database) {
                counters.withLock { $0.runsPaused += 1 }
                logger.error("run paused", metadata: ["si.pause_reason": "\(reason.rawValue)", "error": "\(error)"])
                return true
            }
            return try await RunsTable.state(id: runID, on: database)?.holds(handler.stage) ?? false
        } catch let storeError {
            logger.error("cannot pause the run", metadata: ["si.pause_reason": "\(reason.rawValue)", "error": "\(storeError)"])
            // Requeued right after this: wait, so a database outage does not turn into a hot loop.
            try? await Task.sleep(for: retryBackoff.ceiling(attempt: 4))
            return true
        }
    }

    /// One attempt. Returns true when the message had been processed before (nothing written, nothing re-run).
    private func handleOnce(
        _ message: StageMessage, messageID: String, mayBeDuplicate: Bool, logger: Logger,
        work produce: () async throws -> StageWork
    ) async throws -> Bool {
        let stage = handler.stage
        // A redelivery (or a retry, or a replay) checks first, so it never repeats the teacher call. A first
        // delivery skips the round trip: it is a duplicate only when a relay published the same row twice (after
        // a crash between publish and mark-sent), and then the claim below still keeps the write single.
        if mayBeDuplicate, try await ProcessedMessagesTable.contains(stage: stage, messageID: messageID, on: database) {
            return true
        }

        let work = try await produce()
        let namespace = topology.namespace
        let emitted = try await database.transaction { transaction -> Int? in
            // Taken first: a concurrent twin of this message blocks here until the other commits, then sees it.
            guard try await ProcessedMessagesTable.claim(
                stage: stage, messageID: messageID, runID: message.runID, on: transaction) else { return nil }
            let messages = try await work.write(transaction)
            try await OutboxTable.insert(messages, namespace: namespace, on: transaction)
            return messages.count
        }
        guard let emitted else { return true }
        work.afterCommit()
        if emitted > 0 { relay?.nudge() }
        return false
    }

    private func acknowledge(_ delivery: Delivery, consumer: BrokerConsumer, logger: Logger) async {
        do {
            try await consumer.ack(delivery)
        } catch {
            // The work is committed; the broker redelivers and the processed row turns it into a no-op.
            logger.info("ack failed; the redelivery will be recognised as a duplicate", metadata: ["error": "\(error)"])
        }
    }

    private func deadLetter(
        _ delivery: Delivery, consumer: BrokerConsumer, runID: Int64?, messageID: String, attempts: Int,
        error: any Error, kind: String, logger: Logger
    ) async {
        let reason = "\(error)"
        do {
            try await DeadLettersTable.record(
                runID: runID, stage: handler.stage, messageID: messageID, routingKey: delivery.routingKey, body: delivery.body,
                attempts: attempts, lastError: reason, errorKind: kind, on: database)
            recordFailures.withLock { _ = $0.removeValue(forKey: messageID) }
        } catch let storeError {
            // Not recorded (the database is away, say): never a hot loop. Back off while holding the delivery, then
            // give it back to the queue; after `maximumRecordFailures` in a row, reject it to the broker's
            // dead-letter exchange (the stage's `.dead` queue), where it waits without being redelivered.
            let failures = recordFailures.withLock { failures -> Int in
                failures[messageID, default: 0] += 1
                return failures[messageID] ?? 1
            }
            let giveUp = failures >= Self.maximumRecordFailures
            logger.error(giveUp ? "cannot record the dead letter; rejecting it to the broker's dead-letter queue"
                                : "cannot record the dead letter; requeueing after a pause", metadata: [
                "error": "\(storeError)", "si.record_failures": "\(failures)",
            ])
            if giveUp {
                recordFailures.withLock { _ = $0.removeValue(forKey: messageID) }
                try? await consumer.nack(delivery, requeue: false)
                return
            }
            try? await Task.sleep(for: recordBackoff.delay(attempt: failures))
            try? await consumer.nack(delivery, requeue: true)
            return
        }
        counters.withLock { $0.deadLettered += 1 }
        logger.warning("dead-lettered", metadata: [
            MetadataKey.errorKind: "\(kind)", "si.attempts": "\(attempts)", "error": "\(reason)",
        ])
        await acknowledge(delivery, consumer: consumer, logger: logger)
    }

    /// A bounded reason code for logs and `dead_letters.error_kind`.
    static func errorKind(_ error: any Error) -> String {
        switch error {
        case let error as any PermanentFailure: error.kind
        case let error as StoreError: "store.\(error.kind)"
        case let error as TransactionError: "store.transaction_\(error.phase.rawValue)"
        case let error as BrokerError: "broker.\(error.kind.rawValue)"
        default: String(describing: type(of: error))
        }
    }
}
