// Publishes outbox rows with publisher confirms and marks them sent. Safe to run in every process at once
// (rows are claimed with SKIP LOCKED) and to repeat (consumers recognise a message they already processed).

public import Broker
public import Logging
import Records
import SelfInstruct
public import ServiceLifecycle
public import Store
import Synchronization

/// The outbox relay loop; a `Service`.
public final class OutboxRelay: Service {
    private let database: Database
    private let publisher: BrokerPublisher
    private let exchange: String
    private let batchSize: Int
    private let pollInterval: Duration
    /// After a failed batch: 2, 4, 8… poll intervals, at most 32 of them and at most 10 s.
    private let failureBackoff: Backoff
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let stopped = Mutex(false)
    private let sentTotal = Mutex(0)
    private let polls = Mutex(0)

    /// A relay publishing to `exchange` (rows hold the routing key). It looks for rows after every `nudge()`
    /// and at least every `pollInterval`. A process nudges its own relay after each commit that emitted messages,
    /// so the poll only catches rows written elsewhere (`sictl run start`, `dlq replay`, a crashed replica's
    /// leftovers); it is kept slow because every replica runs one.
    public init(
        database: Database, publisher: BrokerPublisher, exchange: String, batchSize: Int = 500,
        pollInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.database = database
        self.publisher = publisher
        self.exchange = exchange
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.failureBackoff = Backoff(base: pollInterval * 2, cap: min(pollInterval * 32, .seconds(10)))
        self.logger = logger
        let stream = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeups = stream.stream
        wake = stream.continuation
    }

    /// Messages this relay has published and marked sent.
    public var sent: Int { sentTotal.withLock { $0 } }

    /// Waits the loop has finished (woken by a nudge or by its poll interval): without nudges, one per interval.
    public var waits: Int { polls.withLock { $0 } }

    /// Asks the loop to look for new rows now.
    public func nudge() { wake.yield() }

    /// Ends `run` after its current batch.
    public func stop() {
        stopped.withLock { $0 = true }
        wake.yield()
    }

    public func run() async throws {
        var failures = 0
        var iterator = wakeups.makeAsyncIterator()
        while !stopped.withLock({ $0 }) && !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let count = try await relayBatch()
                failures = 0
                if count == batchSize { continue }
            } catch {
                failures += 1
                logger.info("outbox relay failed; retrying", metadata: ["si.attempt": "\(failures)", "error": "\(error)"])
            }
            let wait = failures == 0 ? pollInterval : failureBackoff.ceiling(attempt: failures)
            await waitForWakeup(&iterator, timeout: wait)
        }
        // Whatever committed before shutdown goes out now, so a clean stop leaves nothing behind.
        _ = try? await relayBatch()
    }

    /// Publishes up to `batchSize` unsent rows (oldest first) and marks them sent; returns how many.
    @discardableResult
    public func relayBatch() async throws -> Int {
        let publisher = self.publisher
        let exchange = self.exchange
        let count = try await database.transaction { transaction -> Int in
            let rows = try await OutboxTable.claimUnsent(limit: batchSize, in: transaction)
            if rows.isEmpty { return 0 }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for row in rows {
                    group.addTask {
                        try await publisher.publish(
                            exchange: exchange, routingKey: row.routingKey, body: Array(row.body.utf8), messageID: row.messageID)
                    }
                }
                try await group.waitForAll()
            }
            try await OutboxTable.markSent(ids: rows.map(\.id), on: transaction)
            return rows.count
        }
        if count > 0 {
            sentTotal.withLock { $0 += count }
            logger.debug("outbox rows published", metadata: ["si.count": "\(count)"])
        }
        return count
    }

    private func waitForWakeup(_ iterator: inout AsyncStream<Void>.Iterator, timeout: Duration) async {
        // A timer task wakes the same stream, so one `next()` waits for whichever comes first.
        let wake = self.wake
        let timer = Task {
            // Only a timer that ran out wakes the stream. A cancelled one must not: its wake-up would end the next
            // wait at once, whose cancelled timer would end the one after, and the relay would poll without pause.
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            wake.yield()
        }
        _ = await iterator.next()
        timer.cancel()
        polls.withLock { $0 += 1 }
    }
}
