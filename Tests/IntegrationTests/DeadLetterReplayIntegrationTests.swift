import Broker
import Logging
import Operations
import SelfInstruct
import Store
import TestSupport
import Testing
import Worker

/// `DeadLetters.replay` end to end: the outbox row it writes is published by the worker runtime's own relay and
/// arrives on the stage queue; and `RunExport` pages.
@Suite("Operations: dead-letter replay and export against real servers", .timeLimit(.minutes(2)))
struct DeadLetterReplayIntegrationTests {
    static let quiet = Logger(label: "si.test.dlq", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("a replayed dead generation token is published by the outbox relay with attempt + 1 and the same id")
    func replayedMessageReachesTheQueue() async throws {
        let admin = try ServiceGate.broker()
        defer { admin.close() }
        let topology = Topology(namespace: "si-dlq-\(uniqueSuffix())")
        try topology.declare(on: admin)
        defer { try? topology.delete(on: admin) }

        try await withMigratedSchema { database in
            let runID = try await database.query(
                "INSERT INTO runs (name, recipe, target, seed, status) VALUES ('dlq', 'self-instruct', 5, 1, 'running') RETURNING id"
            ).singleRow().decode("id", as: Int64.self)
            let requestID = try await database.query(
                "INSERT INTO generation_requests (run_id, token, round) VALUES (\(runID), 0, 0) RETURNING id"
            ).singleRow().decode("id", as: Int64.self)
            let message = StageMessage(runID: runID, entityID: requestID, kind: .generationToken)
            let messageID = message.messageID(stage: Topology.Stage.generate.rawValue)
            let routingKey = topology.routingKey(.generate)
            // The original send (already published) and the dead letter StageService wrote after 3 failures.
            try await database.execute("""
                INSERT INTO outbox (message_id, run_id, routing_key, body, sent_at, publish_attempts)
                VALUES (\(messageID), \(runID), \(routingKey), \(message.jsonText), now(), 1)
                """)
            try await database.execute("""
                INSERT INTO dead_letters (run_id, stage, message_id, routing_key, body, attempts, last_error, error_kind)
                VALUES (\(runID), 'generate', \(messageID), \(routingKey), \(message.jsonText), 3, 'HTTP 503', 'teacher.server_error')
                """)

            let letters = DeadLetters(database: database, namespace: topology.namespace)
            let report = try await letters.replay(DeadLetterSelection(runID: runID))
            #expect(report.replayed.map(\.messageID) == [messageID])
            #expect(try await letters.unpublishedCount(messageIDs: [messageID]) == 1)

            let settings = BrokerSettings(url: try ServiceGate.brokerURL(), logger: Self.quiet, topology: topology)
            let publisher = try await BrokerPublisher.connect(settings: settings)
            let relay = OutboxRelay(database: database, publisher: publisher, exchange: topology.exchange,
                                    pollInterval: .milliseconds(50), logger: Self.quiet)
            let relayTask = Task { try await relay.run() }
            let published = try await letters.waitForPublication(messageIDs: [messageID], timeout: .seconds(10))
            relay.stop()
            try await relayTask.value
            await publisher.close()
            #expect(published == 1)

            let consumer = try ServiceGate.broker()
            defer { consumer.close() }
            _ = try consumer.consume(queue: topology.queue(.generate))
            let delivery = try #require(try consumer.nextDelivery(timeout: .seconds(5)))
            try consumer.ack(delivery.deliveryTag)
            var expected = message
            expected.attempt = 2
            #expect(try StageMessage(json: delivery.body) == expected)
            #expect(delivery.messageID == messageID)
            #expect(delivery.routingKey == routingKey)
            #expect(try consumer.nextDelivery(timeout: .milliseconds(300)) == nil)

            // Replayed once: a second replay finds nothing and writes nothing.
            let second = try await letters.replay(DeadLetterSelection(runID: runID))
            #expect(second.replayed.isEmpty && second.skipped.isEmpty)
            #expect(try await letters.unpublishedCount(messageIDs: [messageID]) == 0)
        }
    }

    @Test("export pages by admission order whatever the page size", arguments: [1, 2, 3, 500])
    func exportPages(pageSize: Int) async throws {
        try await withMigratedSchema { database in
            let runID = try await database.query(
                "INSERT INTO runs (name, recipe, target, seed) VALUES ('export', 'alpaca', 5, 1) RETURNING id"
            ).singleRow().decode("id", as: Int64.self)
            // Admission sequence 5, 4, …, 1 inserted in that order; instruction 3 has no valid instance.
            var expected: [(instruction: String, input: String, output: String)] = []
            for seq in (1...5).reversed() {
                let id = try await database.query("""
                    INSERT INTO instructions (run_id, position, text, status, admission_seq)
                    VALUES (\(runID), 0, \("task \(seq)"), 'admitted', \(Int32(seq))) RETURNING id
                    """).singleRow().decode("id", as: Int64.self)
                for position in [1, 0] where seq != 3 {
                    try await database.execute("""
                        INSERT INTO instances (run_id, instruction_id, position, input, output, status)
                        VALUES (\(runID), \(id), \(Int32(position)), \("in \(seq).\(position)"), \("out \(seq).\(position)"), 'valid')
                        """)
                }
            }
            for seq in 1...5 where seq != 3 {
                for position in 0...1 {
                    expected.append((instruction: "task \(seq)", input: "in \(seq).\(position)", output: "out \(seq).\(position)"))
                }
            }
            var records: [TrainingRecord] = []
            let count = try await RunExport(database: database, pageSize: pageSize).records(runID: runID) { records.append($0) }
            #expect(count == 8)
            #expect(records.map { [$0.instruction, $0.input, $0.output] } == expected.map { [$0.instruction, $0.input, $0.output] })
            #expect(Set(records.map(\.key)).count == 8, "each record keyed by its own instance")
        }
    }
}
