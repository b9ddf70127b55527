import Logging
import Store
import TestSupport
import Testing
import Worker

@Suite("Pruning the bookkeeping tables", .timeLimit(.minutes(1)))
struct BookkeepingPrunerTests {
    static let quiet = Logger(label: "si.test.pruner", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Rows older than the retention go, in batches; what a redelivery or a live run still needs stays.
    @Test("sent outbox rows, delivery counts and a finished run's processed messages are pruned after the retention; unsent rows and a running run's rows stay")
    func prunesOnlyExpiredRows() async throws {
        try await withMigratedSchema { database in
            // Two runs: one finished two days ago, one running since then.
            try await database.execute("""
                INSERT INTO runs (name, recipe, target, seed, status, started_at, finished_at) VALUES
                  ('old', 'alpaca', 5, 1, 'completed', now() - interval '3 days', now() - interval '2 days'),
                  ('live', 'alpaca', 5, 1, 'running', now() - interval '3 days', NULL)
                """)
            let old = try await database.query("SELECT id FROM runs WHERE name = 'old'").singleRow().decode("id", as: Int64.self)
            let live = try await database.query("SELECT id FROM runs WHERE name = 'live'").singleRow().decode("id", as: Int64.self)
            // 12 processed messages per run, two days old; 7 sent outbox rows two days old, 1 sent just now, 2 unsent.
            for run in [old, live] {
                try await database.execute("""
                    INSERT INTO processed_messages (stage, message_id, run_id, processed_at)
                    SELECT 'generate', \(run)::text || '/' || i, \(run), now() - interval '2 days' FROM generate_series(1, 12) i
                    """)
            }
            try await database.execute("""
                INSERT INTO outbox (message_id, run_id, routing_key, body, created_at, sent_at)
                SELECT 'old/' || i, \(live), 'si.generate', '{}', now() - interval '2 days',
                       CASE WHEN i <= 7 THEN now() - interval '2 days' WHEN i = 8 THEN now() END
                FROM generate_series(1, 10) i
                """)
            try await database.execute("""
                INSERT INTO delivery_counts (stage, message_id, redeliveries, last_seen) VALUES
                  ('generate', 'a', 2, now() - interval '2 days'), ('generate', 'b', 1, now())
                """)

            let pruner = BookkeepingPruner(database: database, retention: .seconds(24 * 3600), batchSize: 5, logger: Self.quiet)
            let pass = try await pruner.prune()
            #expect(pass == BookkeepingPruner.Pass(outbox: 7, processedMessages: 12, deliveryCounts: 1))
            func count(_ sql: String) async throws -> Int {
                try await database.query(SQLQuery(unsafeSQL: sql)).singleRow().decode("n", as: Int.self)
            }
            #expect(try await count("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL") == 2)
            #expect(try await count("SELECT count(*) AS n FROM outbox") == 3)
            #expect(try await count("SELECT count(*) AS n FROM processed_messages WHERE run_id = \(live)") == 12)
            #expect(try await count("SELECT count(*) AS n FROM processed_messages WHERE run_id = \(old)") == 0)
            #expect(try await count("SELECT count(*) AS n FROM delivery_counts") == 1)
            // A second pass finds nothing.
            #expect(try await pruner.prune() == BookkeepingPruner.Pass())
        }
    }
}
