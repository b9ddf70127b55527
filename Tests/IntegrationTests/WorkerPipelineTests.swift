import Broker
import Logging
import ServiceLifecycle
import SelfInstruct
import Store
import Teacher
import TeacherSimulator
import TestSupport
import Testing
import Records
import Stages
import Worker

/// si-generate and si-filter in-process against real PostgreSQL and RabbitMQ and the simulator over HTTP.
@Suite("Worker runtime: generate + filter end to end", .timeLimit(.minutes(5)))
struct WorkerPipelineTests {
    static let quiet = Logger(label: "si.test.worker", factory: { _ in SwiftLogNoOpLogHandler() })

    static let seeds = [
        "Plan a two-day weekend trip to a city you have never visited, with a budget of 300 dollars.",
        "Classify the tone of the email as formal or informal.",
        "Sort the given numbers in ascending order.",
        "Explain photosynthesis to a ten-year-old in three sentences.",
        "Decide whether the message is spam.",
        "Rewrite the sentence in the active voice.",
        "Suggest a substitute for eggs in a cake recipe and say how much to use.",
        "Tell whether the statement is a fact or an opinion.",
        "Summarize the paragraph in one sentence.",
        "Write three questions a hiring manager might ask a candidate for a junior accountant role.",
        "Translate the sentence into French.",
        "Label the sentiment of the product review as positive, negative or neutral.",
        "Write a short birthday message for a coworker you do not know well.",
        "Find the word that does not belong with the others.",
        "Correct the grammar mistakes in the sentence.",
        "List two advantages and two disadvantages of working from home.",
    ]

    /// The servers and clients of one test: a private schema, a private broker namespace, a simulator.
    struct Infrastructure {
        let database: Database
        let topology: Topology
        let settings: BrokerSettings
        let publisher: BrokerPublisher
        let teacher: TeacherClient

        func count(_ sql: SQLQuery) async throws -> Int {
            try await database.query(sql).singleRow().decode("n", as: Int.self)
        }

        /// A fresh set of services, with caches of their own as new processes would have.
        func services(replicas: Int, promptsPerRequest: Int) -> Pipeline {
            let relay = OutboxRelay(database: database, publisher: publisher, exchange: topology.exchange,
                                    pollInterval: .milliseconds(50), logger: quiet)
            let generators = (0..<replicas).map { _ in
                StageService(
                    handler: GenerateHandler(database: database, teacher: teacher, catalog: RunCatalog(database: database),
                                             promptsPerRequest: promptsPerRequest),
                    database: database, settings: settings, topology: topology, concurrency: 2,
                    retryDelay: .milliseconds(20), relay: relay, logger: quiet)
            }
            let filters = (0..<replicas).map { _ in
                StageService(
                    handler: FilterInstructionsHandler(database: database, catalog: RunCatalog(database: database)),
                    database: database, settings: settings, topology: topology, concurrency: 2,
                    retryDelay: .milliseconds(20), relay: relay, logger: quiet)
            }
            return Pipeline(infrastructure: self, relay: relay, generators: generators, filters: filters)
        }
    }

    /// One set of running services over the infrastructure.
    struct Pipeline {
        let infrastructure: Infrastructure
        let relay: OutboxRelay
        /// Replicas of each stage, each with its own caches, as separate processes would have.
        let generators: [StageService<GenerateHandler>]
        let filters: [StageService<FilterInstructionsHandler>]

        var database: Database { infrastructure.database }
        var topology: Topology { infrastructure.topology }
        var publisher: BrokerPublisher { infrastructure.publisher }
        var duplicates: Int { (generators.map(\.counts.duplicates) + filters.map(\.counts.duplicates)).reduce(0, +) }
        var deadLettered: Int { (generators.map(\.counts.deadLettered) + filters.map(\.counts.deadLettered)).reduce(0, +) }
        /// In the order a daemon lists them; a ServiceGroup shuts them down in reverse (stages, then the relay).
        var all: [any Service] { [relay] + generators.map { $0 as any Service } + filters.map { $0 as any Service } }

        func count(_ sql: SQLQuery) async throws -> Int { try await infrastructure.count(sql) }

        func stop() {
            generators.forEach { $0.stop() }
            filters.forEach { $0.stop() }
            relay.stop()
        }
    }

    private func withInfrastructure(
        faults: FaultInjection = .none, _ body: (Infrastructure) async throws -> Void
    ) async throws {
        // PostgreSQL: a private schema with the real migrations, applied by the owner and used as the worker role.
        let privateSchema = try ServiceGate.privateSchema()
        defer { try? privateSchema.drop() }
        let schema = privateSchema.name
        try await privateSchema.migrate()
        let database = try Database(configuration: .init(
            url: privateSchema.serverURL, poolSize: 8, applicationName: "si-worker-tests", searchPath: [schema]))

        // RabbitMQ: a namespace of its own.
        let topology = Topology(namespace: "si-test-\(uniqueSuffix())")
        let broker = try ServiceGate.broker()
        defer {
            try? topology.delete(on: broker)
            broker.close()
        }
        try topology.declare(on: broker)
        let settings = BrokerSettings(url: try ServiceGate.brokerURL(), logger: Self.quiet, heartbeat: .seconds(5),
                                      topology: topology, backoff: Backoff(base: .milliseconds(50), cap: .seconds(1)),
                                      maxConsecutiveFailures: 20)

        try await SimulatorHarness.run(SimulatorConfiguration(seed: 7, faults: faults)) { simulator in
            let transport = try CurlTransport(logger: Self.quiet)
            let teacherConfig = TeacherConfig(
                baseURL: simulator.baseURL, model: "si-sim-1", contextTokens: 8192,
                retry: RetryPolicy(maximumAttempts: 4, backoff: BackoffPolicy(base: .milliseconds(20), cap: .milliseconds(100))))
            let teacher = TeacherClient(
                config: teacherConfig, transport: transport,
                recorder: DatabaseCallRecorder(database: database, logger: Self.quiet), jitterSeed: 3)
            let publisher = try await BrokerPublisher.connect(settings: settings)
            let infrastructure = Infrastructure(
                database: database, topology: topology, settings: settings, publisher: publisher, teacher: teacher)
            do {
                try await body(infrastructure)
            } catch {
                await publisher.close()
                await transport.shutdown()
                await database.close()
                throw error
            }
            await publisher.close()
            await transport.shutdown()
            await database.close()
        }
    }

    /// Runs `body` while one set of services consumes; stops them and waits for them afterwards.
    private func run(_ pipeline: Pipeline, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { services in
            for service in pipeline.all { services.addTask { try await service.run() } }
            defer { pipeline.stop() }
            try await body()
            pipeline.stop()
            try await services.waitForAll()
        }
    }

    private func withPipeline(
        replicas: Int = 1, promptsPerRequest: Int = SamplingParameters.referencePromptsPerRequest,
        faults: FaultInjection = .none, _ body: (Pipeline) async throws -> Void
    ) async throws {
        try await withInfrastructure(faults: faults) { infrastructure in
            let pipeline = infrastructure.services(replicas: replicas, promptsPerRequest: promptsPerRequest)
            try await run(pipeline) { try await body(pipeline) }
        }
    }

    /// Inserts a running self-instruct run with the seeds and returns its id.
    private func createRun(_ database: Database, target: Int, tokens: Int) async throws -> Int64 {
        try await database.transaction { transaction in
            let row = try await transaction.query("""
                INSERT INTO runs (name, recipe, status, target, seed, concurrency, started_at)
                VALUES (\("wk-\(uniqueSuffix())"), 'self-instruct', 'running', \(Int32(target)), \(Int64(20_251_129)),
                        \(Int32(tokens)), now())
                RETURNING id
                """).singleRow()
            let runID = try row.decode("id", as: Int64.self)
            for (position, instruction) in Self.seeds.enumerated() {
                try await transaction.execute("""
                    INSERT INTO seed_tasks (run_id, id, position, instruction)
                    VALUES (\(runID), \("seed_task_\(position)"), \(Int32(position)), \(instruction))
                    """)
            }
            return runID
        }
    }

    /// Waits until every generation request has been generated and filtered and nothing is left to publish.
    private func waitForQuiescence(_ pipeline: Infrastructure, runID: Int64, timeout: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            let requests = try await pipeline.count("SELECT count(*) AS n FROM generation_requests WHERE run_id = \(runID)")
            let generated = try await pipeline.count(
                "SELECT count(*) AS n FROM processed_messages WHERE run_id = \(runID) AND stage = 'generate'")
            let filtered = try await pipeline.count(
                "SELECT count(*) AS n FROM processed_messages WHERE run_id = \(runID) AND stage = 'filter.instructions'")
            let unsent = try await pipeline.count("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL")
            let dead = try await pipeline.count("SELECT count(*) AS n FROM dead_letters")
            if dead > 0 { return }
            if requests > 0, generated == requests, filtered == requests, unsent == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the pipeline did not settle within \(timeout)")
    }

    /// One case of the end-to-end test.
    struct RunCase: Sendable, CustomTestStringConvertible {
        var replicas: Int
        var target: Int
        var promptsPerRequest: Int
        var faults: FaultInjection
        var testDescription: String {
            "\(replicas) replica(s), target \(target), \(promptsPerRequest) prompt(s)/request\(faults == .none ? "" : ", teacher faults")"
        }
    }

    @Test("a run reaches exactly its target; admission is contiguous, unique and greedy-consistent; redelivery is a no-op",
          arguments: [
            // One prompt per request keeps generations small, so tokens circulate for several rounds.
            RunCase(replicas: 1, target: 30, promptsPerRequest: 1, faults: .none),
            RunCase(replicas: 2, target: 30, promptsPerRequest: 1, faults: .none),
            RunCase(replicas: 2, target: 300, promptsPerRequest: SamplingParameters.referencePromptsPerRequest,
                    faults: FaultInjection(rate500: 0.1, rate503: 0.05, rateTruncated: 0.1, faultsOnlyOnFirstAttempts: 1)),
          ])
    func runReachesTarget(_ runCase: RunCase) async throws {
        try await withPipeline(replicas: runCase.replicas, promptsPerRequest: runCase.promptsPerRequest,
                               faults: runCase.faults) { pipeline in
            let target = runCase.target
            let started = ContinuousClock.now
            let runID = try await createRun(pipeline.database, target: target, tokens: 3)
            #expect(try await GenerationTokens.issueInitial(runID: runID, namespace: pipeline.topology.namespace, database: pipeline.database) == 3)
            // Issuing again owes nothing new.
            try await GenerationTokens.issueInitial(runID: runID, namespace: pipeline.topology.namespace, database: pipeline.database)
            #expect(try await pipeline.count("SELECT count(*) AS n FROM outbox") == 3)
            pipeline.relay.nudge()
            try await waitForQuiescence(pipeline.infrastructure, runID: runID, timeout: .seconds(120))
            let elapsed = ContinuousClock.now - started

            let database = pipeline.database
            #expect(try await pipeline.count("SELECT count(*) AS n FROM dead_letters") == 0)
            let admitted = try await database.query("""
                SELECT admission_seq, text FROM instructions WHERE run_id = \(runID) AND status = 'admitted' ORDER BY admission_seq
                """).decodableRows.map { (try $0.decode("admission_seq", as: Int.self), try $0.decode("text", as: String.self)) }
            #expect(admitted.count == target)
            #expect(admitted.map(\.0) == Array(1...target))
            #expect(Set(admitted.map(\.1)).count == admitted.count)
            #expect(try await pipeline.count(
                "SELECT count(*) AS n FROM instructions WHERE run_id = \(runID) AND status = 'candidate'") == 0)
            #expect(try await pipeline.count(
                "SELECT count(*) AS n FROM instructions WHERE status = 'rejected' AND reject_reason IS NULL") == 0)

            // Replaying admissions in order through a fresh pool keeps every one: no admitted pair is too similar,
            // and none is too similar to a seed.
            var replay = AdmissionPool(threshold: 0.7, seedInstructions: Self.seeds)
            for (sequence, text) in admitted {
                #expect(replay.evaluate(text).keep, "admission \(sequence) is too similar to an earlier member")
                try replay.admit(text, sequence: Int64(sequence))
            }

            // Every generation is in llm_calls; no request is left pending.
            let requests = try await pipeline.count("SELECT count(*) AS n FROM generation_requests WHERE run_id = \(runID)")
            #expect(try await pipeline.count(
                "SELECT count(*) AS n FROM generation_requests WHERE run_id = \(runID) AND status = 'done'") == requests)
            let calls = try await pipeline.count(
                "SELECT count(*) AS n FROM llm_calls WHERE run_id = \(runID) AND stage = 'generate' AND error_kind IS NULL")
            #expect(calls == requests)
            // The simulator's usage covers each request: every success says so, no failure claims a method.
            #expect(try await pipeline.count(
                "SELECT count(*) AS n FROM llm_calls WHERE run_id = \(runID) AND error_kind IS NULL AND token_count_method = 'usage'")
                == pipeline.count("SELECT count(*) AS n FROM llm_calls WHERE run_id = \(runID) AND error_kind IS NULL"))
            #expect(try await pipeline.count(
                "SELECT count(*) AS n FROM llm_calls WHERE run_id = \(runID) AND error_kind IS NOT NULL AND token_count_method IS NOT NULL") == 0)
            // Tokens went round again, and later rounds sampled admitted machine instructions.
            #expect(try await pipeline.count(
                "SELECT count(*) AS n FROM generation_requests WHERE run_id = \(runID) AND round > 0") > 0)
            #expect(try await pipeline.count(
                "SELECT count(*) AS n FROM generation_requests WHERE run_id = \(runID) AND pool_size > 0") > 0)
            // No token runs on past the target: every request after it was issued by a filter below target.
            #expect(try await pipeline.count(
                "SELECT count(DISTINCT token) AS n FROM generation_requests WHERE run_id = \(runID)") == 3)
            print("worker pipeline: target \(target) reached in \(elapsed) with \(requests) generations, "
                  + "\(try await pipeline.count("SELECT count(*) AS n FROM instructions WHERE run_id = \(runID)")) decided rows")

            // Redeliver a generate and a filter message that were processed: nothing changes.
            let firstRequest = try await database.query(
                "SELECT min(id) AS id FROM generation_requests WHERE run_id = \(runID)").singleRow().decode("id", as: Int64.self)
            let snapshot = try await tableCounts(pipeline)
            let duplicatesBefore = pipeline.duplicates
            for (stage, kind) in [(Topology.Stage.generate, StageMessage.Kind.generationToken),
                                  (.filterInstructions, .instructionCandidates)] {
                let message = StageMessage(runID: runID, entityID: firstRequest, kind: kind, attempt: 2)
                try await pipeline.publisher.publish(
                    exchange: pipeline.topology.exchange, routingKey: pipeline.topology.routingKey(stage),
                    body: message.jsonBytes, messageID: message.messageID(stage: stage.rawValue))
            }
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while pipeline.duplicates < duplicatesBefore + 2,
                  ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(pipeline.duplicates == duplicatesBefore + 2)
            #expect(try await tableCounts(pipeline) == snapshot)
        }
    }

    @Test("the instruction filter keeps a run's pool only while the run needs it: a finished run's pool and an idle one are evicted")
    func poolsOfFinishedAndIdleRunsAreEvicted() async throws {
        try await withPipeline { pipeline in
            let handler = pipeline.filters[0].handler
            let first = try await createRun(pipeline.database, target: 20, tokens: 2)
            try await GenerationTokens.issueInitial(runID: first, namespace: pipeline.topology.namespace, database: pipeline.database)
            pipeline.relay.nudge()
            try await waitForQuiescence(pipeline.infrastructure, runID: first, timeout: .seconds(60))
            #expect(handler.cachedPools == 1)
            // Running and just used: kept.
            #expect(try await handler.evictPools(idleFor: .seconds(600)) == 0)
            #expect(handler.cachedPools == 1)
            // Finished: evicted however recently used.
            try await pipeline.database.execute("UPDATE runs SET status = 'completed', finished_at = now() WHERE id = \(first)")
            #expect(try await handler.evictPools(idleFor: .seconds(600)) == 1)
            #expect(handler.cachedPools == 0)

            // A second run, still running but idle longer than the limit: evicted too.
            let second = try await createRun(pipeline.database, target: 20, tokens: 2)
            try await GenerationTokens.issueInitial(runID: second, namespace: pipeline.topology.namespace, database: pipeline.database)
            pipeline.relay.nudge()
            try await waitForQuiescence(pipeline.infrastructure, runID: second, timeout: .seconds(60))
            #expect(handler.cachedPools == 1)
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await handler.evictPools(idleFor: .milliseconds(10)) == 1)
            #expect(handler.cachedPools == 0)
            #expect(try await pipeline.count("SELECT count(*) AS n FROM dead_letters") == 0)
        }
    }

    @Test("a message that cannot succeed is dead-lettered with its reason and acked, not dropped or retried forever")
    func poisonMessageIsDeadLettered() async throws {
        try await withPipeline { pipeline in
            let runID = try await createRun(pipeline.database, target: 5, tokens: 1)
            // A generation request that does not exist: permanent. An unparsable body: permanent too. Candidates of a
            // run that does not exist: the records module's RecordError, permanent as well.
            let missing = StageMessage(runID: runID, entityID: 987_654, kind: .generationToken)
            try await pipeline.publisher.publish(
                exchange: pipeline.topology.exchange, routingKey: pipeline.topology.routingKey(.generate),
                body: missing.jsonBytes, messageID: missing.messageID(stage: "generate"))
            try await pipeline.publisher.publish(
                exchange: pipeline.topology.exchange, routingKey: pipeline.topology.routingKey(.filterInstructions),
                body: Array("not json".utf8), messageID: "garbage-1")
            let orphan = StageMessage(runID: 987_654_321, entityID: 1, kind: .instructionCandidates)
            try await pipeline.publisher.publish(
                exchange: pipeline.topology.exchange, routingKey: pipeline.topology.routingKey(.filterInstructions),
                body: orphan.jsonBytes, messageID: orphan.messageID(stage: "filter.instructions"))
            // Bodies PostgreSQL text cannot hold (a NUL, invalid UTF-8) and one of 2 MiB: each dead-lettered once and
            // acked. Their insert used to fail and requeue them at once, forever.
            let poison: [(body: [UInt8], id: String?)] = [
                (Array("{\"run_id\": 1\u{0}}".utf8), "nul-body"), ([0xFF, 0xFE, 0x00, 0x41], nil),
                (Array(repeating: UInt8(ascii: "z"), count: 2 << 20), "huge-body"),
            ]
            for item in poison {
                try await pipeline.publisher.publish(
                    exchange: pipeline.topology.exchange, routingKey: pipeline.topology.routingKey(.filterInstructions),
                    body: item.body, messageID: item.id)
            }
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while try await pipeline.count("SELECT count(*) AS n FROM dead_letters") < 6, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            // A looping message would go on being counted: give it time to show.
            try await Task.sleep(for: .seconds(2))
            let poisonRows = try await pipeline.database.query("""
                SELECT message_id, body_encoding, body_truncated, attempts, error_kind FROM dead_letters
                WHERE stage = 'filter.instructions' AND message_id IN ('nul-body', 'huge-body') OR message_id LIKE 'unsafe-id/%'
                ORDER BY message_id
                """).decodableRows
            #expect(poisonRows.count == 3)
            #expect(try poisonRows.map { try $0.decode("attempts", as: Int.self) } == [1, 1, 1])
            #expect(try poisonRows.allSatisfy { try $0.decode("error_kind", as: String.self) == "invalid_message" })
            let byID = Dictionary(uniqueKeysWithValues: try poisonRows.map { (try $0.decode("message_id", as: String.self), $0) })
            #expect(try byID["nul-body"]?.decode("body_encoding", as: String.self) == "base64")
            #expect(try byID["huge-body"]?.decode("body_truncated", as: Bool.self) == true)
            #expect(byID.keys.contains { $0.hasPrefix("unsafe-id/") }, "no message id: keyed by its hash, \(byID.keys)")
            let rows = try await pipeline.database.query(
                """
                SELECT stage, message_id, error_kind, last_error, attempts, run_id FROM dead_letters
                WHERE message_id NOT IN ('nul-body', 'huge-body') AND message_id NOT LIKE 'unsafe-id/%' ORDER BY stage
                """).decodableRows
            #expect(rows.count == 3)
            let byMessage = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode("message_id", as: String.self), $0) })
            let generate = try #require(byMessage[missing.messageID(stage: "generate")])
            #expect(try generate.decode("stage", as: String.self) == "generate")
            #expect(try generate.decode("error_kind", as: String.self) == "unknown_entity")
            #expect(try generate.decode("run_id", as: Int64?.self) == runID)
            #expect(try generate.decode("attempts", as: Int.self) == 1)
            let filter = try #require(byMessage["garbage-1"])
            #expect(try filter.decode("stage", as: String.self) == "filter.instructions")
            #expect(try filter.decode("error_kind", as: String.self) == "invalid_message")
            #expect(try filter.decode("last_error", as: String.self).isEmpty == false)
            let unknownRun = try #require(byMessage[orphan.messageID(stage: "filter.instructions")])
            #expect(try unknownRun.decode("error_kind", as: String.self) == "unknown_run")
            #expect(try unknownRun.decode("run_id", as: Int64?.self) == nil)
            #expect(try unknownRun.decode("attempts", as: Int.self) == 1)
            #expect(pipeline.deadLettered == 6)
            #expect(try await pipeline.count("SELECT count(*) AS n FROM processed_messages") == 0)
        }
    }

    @Test("a graceful shutdown mid-run loses nothing: fresh workers finish at exactly the target despite teacher faults")
    func gracefulShutdownThenRestart() async throws {
        let faults = FaultInjection(rate500: 0.2, rate503: 0.1, rateTruncated: 0.1, faultsOnlyOnFirstAttempts: 1)
        try await withInfrastructure(faults: faults) { infrastructure in
            // Far enough that the in-flight work finished during the shutdown cannot complete the run.
            let target = 150
            let runID = try await createRun(infrastructure.database, target: target, tokens: 4)
            try await GenerationTokens.issueInitial(runID: runID, namespace: infrastructure.topology.namespace,
                                                    database: infrastructure.database)
            let admittedSQL: SQLQuery = "SELECT count(*) AS n FROM instructions WHERE run_id = \(runID) AND status = 'admitted'"

            // Phase 1: two replicas per stage in a ServiceGroup, shut down gracefully part-way.
            let first = infrastructure.services(replicas: 2, promptsPerRequest: 1)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: first.all.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: Self.quiet))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let deadline = ContinuousClock.now.advanced(by: .seconds(60))
                while try await infrastructure.count(admittedSQL) < 10, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let admittedAtStop = try await infrastructure.count(admittedSQL)
            #expect(admittedAtStop >= 10)
            #expect(admittedAtStop < target, "phase 1 finished the run; the restart proves nothing")
            #expect(first.deadLettered == 0)

            // Phase 2: new workers (empty caches) pick up requeued deliveries and unsent outbox rows.
            let second = infrastructure.services(replicas: 1, promptsPerRequest: 1)
            try await run(second) {
                second.relay.nudge()
                try await waitForQuiescence(infrastructure, runID: runID, timeout: .seconds(120))
            }
            #expect(try await infrastructure.count("SELECT count(*) AS n FROM dead_letters") == 0)
            let sequences = try await infrastructure.database.query("""
                SELECT admission_seq, text FROM instructions WHERE run_id = \(runID) AND status = 'admitted' ORDER BY admission_seq
                """).decodableRows.map { (try $0.decode("admission_seq", as: Int.self), try $0.decode("text", as: String.self)) }
            #expect(sequences.map(\.0) == Array(1...target))
            #expect(Set(sequences.map(\.1)).count == target)
            let requests = try await infrastructure.count("SELECT count(*) AS n FROM generation_requests WHERE run_id = \(runID)")
            #expect(try await infrastructure.count(
                "SELECT count(*) AS n FROM generation_requests WHERE run_id = \(runID) AND status = 'done'") == requests)
            #expect(try await infrastructure.count("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL") == 0)
            // Failed attempts are accounted as well as successful ones.
            #expect(try await infrastructure.count(
                "SELECT count(*) AS n FROM llm_calls WHERE run_id = \(runID) AND error_kind IS NOT NULL") > 0)
            #expect(try await infrastructure.count(
                "SELECT count(*) AS n FROM llm_calls WHERE run_id = \(runID) AND error_kind IS NULL") == requests)
            print("worker restart: \(admittedAtStop) admitted at the graceful stop, \(target) after the restart, "
                  + "\(requests) generations")
        }
    }

    @Test("pausing parks every token; resuming re-issues them and the run still stops exactly at its target")
    func pauseAndResume() async throws {
        try await withPipeline(promptsPerRequest: 1) { pipeline in
            let target = 120
            let runID = try await createRun(pipeline.database, target: target, tokens: 3)
            try await GenerationTokens.issueInitial(runID: runID, namespace: pipeline.topology.namespace, database: pipeline.database)
            let admittedSQL: SQLQuery = "SELECT count(*) AS n FROM instructions WHERE run_id = \(runID) AND status = 'admitted'"
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while try await pipeline.count(admittedSQL) < 10, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            // While the tokens circulate there is nothing to re-issue: each filter issued its next round atomically.
            #expect(try await GenerationTokens.reissueParked(runID: runID, namespace: pipeline.topology.namespace, database: pipeline.database) == 0)
            try await pipeline.database.execute("UPDATE runs SET status = 'paused' WHERE id = \(runID)")
            try await waitForQuiescence(pipeline.infrastructure, runID: runID, timeout: .seconds(60))
            let parkedAt = try await pipeline.count(admittedSQL)
            #expect(parkedAt < target)
            // Paused: a re-issue does nothing.
            #expect(try await GenerationTokens.reissueParked(runID: runID, namespace: pipeline.topology.namespace, database: pipeline.database) == 0)

            try await pipeline.database.execute("UPDATE runs SET status = 'running' WHERE id = \(runID)")
            #expect(try await GenerationTokens.reissueParked(runID: runID, namespace: pipeline.topology.namespace, database: pipeline.database) == 3)
            pipeline.relay.nudge()
            try await waitForQuiescence(pipeline.infrastructure, runID: runID, timeout: .seconds(120))
            #expect(try await pipeline.count(admittedSQL) == target)
            #expect(try await pipeline.count(
                "SELECT count(DISTINCT admission_seq) AS n FROM instructions WHERE run_id = \(runID) AND admission_seq <= \(Int32(target))") == target)
            print("worker pause/resume: parked at \(parkedAt) admitted, resumed to \(target)")
        }
    }

    /// Holds every message until its task is cancelled.
    struct StallingHandler: StageHandler {
        let stage = Topology.Stage.classify
        let started: AsyncStream<Void>.Continuation

        func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
            started.yield()
            try await Task.sleep(for: .seconds(60))
            return .emit([])
        }
    }

    @Test("work cancelled in flight (shutdown past its deadline) goes back to the queue, not to the dead letters")
    func cancelledInFlightIsRequeued() async throws {
        try await withInfrastructure { infrastructure in
            let runID = try await createRun(infrastructure.database, target: 5, tokens: 1)
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let service = StageService(
                handler: StallingHandler(started: startedContinuation), database: infrastructure.database,
                settings: infrastructure.settings, topology: infrastructure.topology, concurrency: 1,
                retryDelay: .milliseconds(1), logger: Self.quiet)
            let task = Task { try await service.run() }
            let message = StageMessage(runID: runID, entityID: 1, kind: .admittedInstruction)
            try await infrastructure.publisher.publish(
                exchange: infrastructure.topology.exchange, routingKey: infrastructure.topology.routingKey(.classify),
                body: message.jsonBytes, messageID: message.messageID(stage: "classify"))
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()
            task.cancel()
            _ = try? await task.value
            // Cancellation is not the message's fault: no attempt is spent on it, nothing is dead-lettered.
            #expect(service.counts.failedAttempts == 0)
            #expect(service.counts.deadLettered == 0)
            #expect(try await infrastructure.count("SELECT count(*) AS n FROM dead_letters") == 0)
            let admin = try ServiceGate.broker()
            defer { admin.close() }
            var ready = try admin.inspectQueue(infrastructure.topology.queue(.classify)).messageCount
            for _ in 0..<50 where ready != 1 {
                try await Task.sleep(for: .milliseconds(100))
                ready = try admin.inspectQueue(infrastructure.topology.queue(.classify)).messageCount
            }
            #expect(ready == 1)
        }
    }

    private func tableCounts(_ pipeline: Pipeline) async throws -> [Int] {
        var counts: [Int] = []
        for table in ["instructions", "generation_requests", "llm_calls", "outbox", "processed_messages", "dead_letters"] {
            counts.append(try await pipeline.count("SELECT count(*) AS n FROM \(unsafeRaw: table)"))
        }
        counts.append(try await pipeline.count("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL"))
        return counts
    }
}
