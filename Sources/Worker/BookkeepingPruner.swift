// Keeps the bookkeeping tables from growing without end: sent outbox rows, delivery counts, and the
// processed-message rows of runs that finished, each once it is older than the retention period.

public import Logging
import Records
public import ServiceLifecycle
public import Store

/// Deletes expired bookkeeping rows at start and then every `interval`, in batches so no statement holds many
/// row locks or runs long; a `Service` of `si-shards`. Safe in several replicas at once (each delete is
/// idempotent) and after any crash (nothing is half done).
public final class BookkeepingPruner: Service {
    /// Rows deleted by one pass, per table.
    public struct Pass: Sendable, Hashable {
        public var outbox = 0
        public var processedMessages = 0
        public var deliveryCounts = 0

        public init(outbox: Int = 0, processedMessages: Int = 0, deliveryCounts: Int = 0) {
            self.outbox = outbox
            self.processedMessages = processedMessages
            self.deliveryCounts = deliveryCounts
        }
    }

    private let database: Database
    private let retention: Duration
    private let interval: Duration
    private let batchSize: Int
    private let logger: Logger

    public init(database: Database, retention: Duration, interval: Duration = .seconds(600), batchSize: Int = 5000, logger: Logger) {
        self.database = database
        self.retention = retention
        self.interval = interval
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let pass = try await prune()
                if pass != Pass() {
                    logger.info("bookkeeping pruned", metadata: [
                        "si.outbox": "\(pass.outbox)", "si.processed_messages": "\(pass.processedMessages)",
                        "si.delivery_counts": "\(pass.deliveryCounts)",
                    ])
                }
            } catch {
                logger.info("bookkeeping pruning failed; trying again later", metadata: ["error": "\(error)"])
            }
            // Woken by a graceful shutdown too: ten minutes' sleep would hold up the daemon's exit.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// One pass over the three tables, each until a batch comes back short.
    @discardableResult
    public func prune() async throws -> Pass {
        let seconds = Int(retention.components.seconds)
        var pass = Pass()
        pass.outbox = try await drain { [database, batchSize] in
            try await OutboxTable.pruneSent(retentionSeconds: seconds, limit: batchSize, on: database)
        }
        pass.processedMessages = try await drain { [database, batchSize] in
            try await ProcessedMessagesTable.pruneFinished(retentionSeconds: seconds, limit: batchSize, on: database)
        }
        pass.deliveryCounts = try await drain { [database, batchSize] in
            try await DeliveryCountsTable.prune(retentionSeconds: seconds, limit: batchSize, on: database)
        }
        return pass
    }

    private func drain(_ batch: () async throws -> Int) async throws -> Int {
        var total = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let deleted = try await batch()
            total += deleted
            if deleted < batchSize { break }
        }
        return total
    }
}
