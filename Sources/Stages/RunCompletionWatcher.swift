// Asks si-shards for the shards of a run once its work is done.

public import Logging
import Records
import SelfInstruct
public import ServiceLifecycle
public import Store

/// Asks `si-shards` for the shards of every watched run that has admitted its target and whose admitted
/// instructions all have their instance outcome. Polling (two index probes per running run) instead of
/// deciding in the instance filter's transactions: there, seeing the last outcome reliably would need a lock
/// that serialises every outcome of the run. Runs in every `si-shards` replica; the request's message id is
/// deterministic, so asking twice is a no-op.
public final class RunCompletionWatcher: Service {
    private let database: Database
    private let namespace: String
    private let requested: @Sendable () -> Void
    private let interval: Duration
    private let activeInterval: Duration
    private let logger: Logger

    /// A watcher writing shard requests into the outbox of broker namespace `namespace`; `requested` runs after a
    /// sweep that wrote any (the daemon nudges its outbox relay).
    /// A watcher checking every `activeInterval` while some run is watched (a run's last outcome becomes its
    /// shards within that) and every `idleInterval` while none is: the probes are two index lookups per run, and
    /// an idle daemon should cost nothing.
    public init(
        database: Database, namespace: String, activeInterval: Duration = .milliseconds(100),
        idleInterval: Duration = .seconds(1), logger: Logger, requested: @escaping @Sendable () -> Void = {}
    ) {
        self.database = database
        self.namespace = namespace
        self.requested = requested
        self.activeInterval = activeInterval
        self.interval = idleInterval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var watching = false
            do {
                let pass = try await check()
                watching = pass.watched > 0
                if pass.asked > 0 { requested() }
            } catch {
                logger.info("completion check failed; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: watching ? activeInterval : interval)
        }
    }

    /// One pass: how many runs were watched, and for how many shards were requested.
    private func check() async throws -> (watched: Int, asked: Int) {
        var asked = 0
        let runs = try await RunsTable.watchedForCompletion(on: database)
        for run in runs {
            let namespace = self.namespace
            let complete = try await database.transaction { transaction in
                guard try await InstructionsTable.runIsComplete(runID: run.id, target: run.target, on: transaction) else {
                    return false
                }
                let request = OutgoingMessage(
                    stage: .shards, message: StageMessage(runID: run.id, entityID: run.id, kind: .shardRequest))
                try await OutboxTable.insert([request], namespace: namespace, on: transaction)
                return true
            }
            if complete {
                asked += 1
                logger.debug("run complete; shards requested", metadata: [MetadataKey.runID: "\(run.id)"])
            }
        }
        return (runs.count, asked)
    }
}
