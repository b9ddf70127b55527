// The shared `main` of the stage daemons: configuration from the environment, logging to stderr, adapters,
// one ServiceGroup (relay, stage) with SIGTERM/SIGINT as graceful signals, then the adapters closed.

import Broker
public import Logging
import Records
import SelfInstruct
public import Stages
public import ServiceLifecycle
import UnixSignals
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store
import Teacher

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one stage daemon until SIGTERM or SIGINT.
public enum WorkerDaemon {
    /// Builds everything from the process environment and runs the stage `makeHandler` returns. Exits the
    /// process with status 2 on a configuration error (the message names the variable) and 1 on a failure.
    public static func main<Handler: StageHandler>(
        name: String, needsTeacher: Bool, makeHandler: (WorkerResources) throws -> Handler
    ) async -> Never {
        await main(name: name, needsTeacher: needsTeacher, makeHandlers: { [AnyStageHandler(try makeHandler($0))] })
    }

    /// `main` for a daemon that consumes several queues (one `StageService` per handler).
    public static func main(
        name: String, needsTeacher: Bool, makeHandlers: (WorkerResources) throws -> [AnyStageHandler],
        makeServices: (WorkerResources, OutboxRelay) -> [any Service] = { _, _ in [] }
    ) async -> Never {
        let environment = processEnvironment()
        let config: WorkerConfig
        do {
            config = try WorkerConfig(environment: environment, needsTeacher: needsTeacher)
        } catch {
            writeStandardError("\(name): configuration: \(error)\n")
            exit(2)
        }
        let level = config.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: name)
        logger.info("starting", metadata: ["si.config": "\(config)"])
        do {
            try await run(config: config, logger: logger, makeHandlers: makeHandlers, makeServices: makeServices)
            logger.info("stopped cleanly")
            exit(0)
        } catch {
            logger.error("giving up", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Connects the adapters, runs the relay, `makeServices`' services and one stage service per handler in one
    /// ServiceGroup, and closes everything after.
    public static func run(
        config: WorkerConfig, logger: Logger, makeHandlers: (WorkerResources) throws -> [AnyStageHandler],
        makeServices: (WorkerResources, OutboxRelay) -> [any Service] = { _, _ in [] }
    ) async throws {
        let database = try Database(
            configuration: .init(url: config.databaseURL, poolSize: config.databasePoolSize, applicationName: logger.label),
            logger: logger)
        // The daemons never migrate (their role may not): they refuse a schema that is missing, older than they
        // are, or not granted to them, instead of failing message by message.
        do {
            if let problem = try await database.checkSchema().problem { throw SchemaNotReady(description: problem) }
        } catch {
            await database.close()
            throw error
        }
        var transport: CurlTransport?
        var teacher: TeacherClient?
        var accounting: Database?
        if let teacherConfig = config.teacher {
            let curl = try CurlTransport(configuration: .init(for: teacherConfig), logger: logger)
            transport = curl
            // Call records get their own small pool without synchronous commit: one row per teacher attempt would
            // otherwise wait for a WAL flush each, and at full speed those flushes were the pipeline's bottleneck.
            // A worker crash loses nothing (the row is committed); a PostgreSQL crash may lose the last instant.
            var accountingConfiguration = Database.Configuration(
                url: config.databaseURL, poolSize: 2, applicationName: logger.label + "-calls")
            accountingConfiguration.synchronousCommit = false
            let callsDatabase = try Database(configuration: accountingConfiguration, logger: logger)
            accounting = callsDatabase
            let client = TeacherClient(
                config: teacherConfig, transport: curl, recorder: DatabaseCallRecorder(database: callsDatabase, logger: logger),
                spendGate: DatabaseSpendGate(database: database, prices: teacherConfig.prices, logger: logger),
                logger: logger, tokenCounting: nil)
            // Once per process, before any message: whether the server's usage covers a list of prompts decides
            // whether lists go whole or one prompt per request (issue 11). A failed probe is retried on a later call.
            let probe = await client.probeTokenCounting()
            logger.log(
                level: probe.decided ? .info : .warning,
                "teacher token counting: \(probe.mode.rawValue)\(probe.decided ? "" : " until a probe succeeds")",
                metadata: ["teacher.probe_decided": "\(probe.decided)", "teacher.probe_reason": "\(probe.reason)",
                           "teacher.probe_duration": "\(probe.duration)"])
            teacher = client
        }
        let resources = WorkerResources(
            config: config, database: database, catalog: RunCatalog(database: database), teacher: teacher, logger: logger)
        let settings = BrokerSettings(url: config.amqpURL, logger: logger, tls: config.amqpTLS, heartbeat: config.amqpHeartbeat,
                                      topology: config.topology)
        let publisher = BrokerPublisher(settings: settings)
        let relay = OutboxRelay(database: database, publisher: publisher, exchange: config.topology.exchange, logger: logger)
        // Rows written outside the daemons (sictl run start, resume, dlq replay) wake the relay at once instead of at
        // its next poll; a connection of its own, since LISTEN holds it. Not through a transaction-mode pooler
        // (SI_DATABASE_LISTEN_URL=off): the relay's one-second poll then finds those rows.
        let listener = config.databaseListenURL.map { url in
            NotificationListener(
                url: url, channel: OutboxTable.wakeupChannel(namespace: config.topology.namespace),
                applicationName: logger.label + "-listen", logger: logger) { relay.nudge() }
        }
        let reachability = TeacherReachability(unreachableAfter: config.teacherUnreachableAfter)
        let handlers = try makeHandlers(resources)
        // Batch mode (issue 15): runs that batch a stage leave its requests in `batch_requests`; this daemon sends and
        // reads the batches of its own teacher stages.
        var batchServices: [any Service] = []
        let batchStages = handlers.map(\.stage).filter(\.callsTeacher)
        if let teacher, let transport, let teacherConfig = config.teacher, !batchStages.isEmpty {
            batchServices.append(BatchService(
                stages: batchStages, database: database, client: BatchClient(config: teacherConfig, transport: transport, logger: logger),
                teacher: teacher, catalog: resources.catalog, relay: relay, namespace: config.topology.namespace,
                crashAfterCreate: config.crashAfterBatchCreate, logger: logger))
        }
        let isolation = SerialLane()
        let stages = handlers.map { handler in
            StageService(
                handler: handler, database: database, settings: settings, topology: config.topology,
                concurrency: config.concurrency, maxAttempts: config.maxAttempts, deliveryLimit: config.deliveryLimit,
                crashOnMessageID: config.crashOnMessageID, isolation: isolation, relay: relay, reachability: reachability, logger: logger)
        }
        // Shutdown runs in reverse: the stages stop consuming and finish in flight, then the relay drains.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: relay)] + makeServices(resources, relay).map { .init(service: $0) }
                + batchServices.map { .init(service: $0) }
                + handlers.flatMap { $0.backgroundServices(logger: logger) }.map { .init(service: $0) }
                + stages.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        // SI_SHUTDOWN_GRACE_S (default 20 s, below the usual 30 s orchestrator grace period): then the services are
        // cancelled, which aborts teacher calls in flight; their messages go back to the queue.
        groupConfiguration.maximumGracefulShutdownDuration = config.shutdownGrace
        let group = ServiceGroup(configuration: groupConfiguration)
        var failure: (any Error)?
        listener?.start()
        do {
            try await group.run()
        } catch {
            failure = error
        }
        await listener?.stop()
        await publisher.close()
        await transport?.shutdown()
        await accounting?.close()
        await database.close()
        if let failure { throw failure }
    }

    /// The process environment as a dictionary.
    public static func processEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment
    }

    private static func writeStandardError(_ text: String) {
        _ = text.withCString { write(2, $0, strlen($0)) }
    }
}
