import Foundation
import Operations
import Records
import SelfInstruct
import Store
import TestSupport
import Testing

/// Runs `body` with a database confined to a schema of its own, dropped afterwards: migrated by the owner role,
/// used as the worker role (as the daemons use it).
func withMigratedSchema(_ body: (Database) async throws -> Void) async throws {
    try await ServiceGate.withPrivateSchema { schema in
        try await schema.migrate()
        let database = try Database(configuration: Database.Configuration(
            url: schema.serverURL, poolSize: 2, applicationName: "si-operations-tests", searchPath: [schema.name]))
        do {
            try await body(database)
            await database.close()
        } catch {
            await database.close()
            throw error
        }
    }
}

/// `withMigratedSchema` with a second database as the schema owner, for tests that change the schema itself.
func withMigratedSchemaAndOwner(_ body: (_ worker: Database, _ owner: Database) async throws -> Void) async throws {
    try await ServiceGate.withPrivateSchema { schema in
        try await schema.migrate()
        let worker = try Database(configuration: Database.Configuration(
            url: schema.serverURL, poolSize: 2, applicationName: "si-operations-tests", searchPath: [schema.name]))
        let owner = try Database(configuration: Database.Configuration(
            url: schema.ownerServerURL, poolSize: 1, applicationName: "si-operations-tests-owner", searchPath: [schema.name]))
        do {
            try await body(worker, owner)
            await worker.close()
            await owner.close()
        } catch {
            await worker.close()
            await owner.close()
            throw error
        }
    }
}

/// A fresh directory for one test's shard files.
func temporaryShardsDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("si-audit-\(uniqueSuffix())").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

extension Data {
    /// Appends these bytes to the file at `path`.
    func append(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: self)
    }
}

/// A small, complete self-instruct run written directly with SQL: the shape the daemons leave behind.
enum SmallRun {
    static let seeds = [
        SeedTask(id: "seed_task_0", instruction: "Write a poem about the ocean.",
                 instances: [TaskInstance(input: "", output: "Waves.")], isClassification: false),
        SeedTask(id: "seed_task_1", instruction: "List three prime numbers greater than ten.",
                 instances: [TaskInstance(input: "", output: "11, 13, 17")], isClassification: false),
        SeedTask(id: "seed_task_2", instruction: "Translate the sentence into French.",
                 instances: [TaskInstance(input: "Hello", output: "Bonjour")], isClassification: false),
    ]
    static let admitted = [
        "Summarize the main idea of the following paragraph.",
        "Suggest a name for a new coffee shop downtown.",
        "Explain how photosynthesis works to a child.",
        "Classify the animal as a mammal, bird or reptile.",
    ]
    /// Rejected as too similar to admission #2.
    static let similar = "Suggest a good name for a new coffee shop downtown."

    /// Creates the run (target 4) and everything a finished run holds, its shard file in `shardsDirectory`;
    /// returns its id.
    static func build(_ database: Database, shardsDirectory: String) async throws -> Int64 {
        let runID = try await RunControl(database: database).create(RunDefinition(
            name: "audit-\(uniqueSuffix())", recipe: .selfInstruct, target: admitted.count, seed: 7, threshold: 0.7,
            concurrency: 2, teacherModel: "sim", seeds: seeds))
        var pool = seeds.map(\.instruction)
        for (index, text) in admitted.enumerated() {
            let best = pool.map { RougeL.score(target: $0, prediction: text).fmeasure }.max() ?? 0
            let id = try await database.query("""
                INSERT INTO instructions (run_id, position, text, status, admission_seq, nearest_score, instance_outcome, decided_at)
                VALUES (\(runID), \(Int32(index)), \(text), 'admitted', \(Int32(index + 1)), \(best), 'generated', now())
                RETURNING id
                """).singleRow().decode("id", as: Int64.self)
            pool.append(text)
            try await database.execute("""
                INSERT INTO classifications (instruction_id, run_id, is_classification) VALUES (\(id), \(runID), \(index == 3))
                """)
            try await database.execute("""
                INSERT INTO instances (run_id, instruction_id, position, input, output, status, split, shard_no, decided_at, sharded_at)
                VALUES (\(runID), \(id), 0, '', \("output \(index)"), 'valid', 'train', 0, now(), now())
                """)
        }
        let similarScore = RougeL.score(target: admitted[1], prediction: similar).fmeasure
        try await database.execute("""
            INSERT INTO instructions (run_id, position, text, status, reject_reason, nearest_match, nearest_score, decided_at)
            VALUES (\(runID), 10, \(similar), 'rejected', 'rouge_too_similar', \(admitted[1]), \(similarScore), now()),
                   (\(runID), 11, 'Write.', 'rejected', 'too_short', NULL, NULL, now())
            """)
        let shard = Array((0..<4).map { #"{"instruction": "i\#($0)", "input": "", "output": "output \#($0)"}"# + "\n" }.joined().utf8)
        try Data(shard).write(to: URL(fileURLWithPath: shardsDirectory + "/train-00000.jsonl"))
        try await database.execute("""
            INSERT INTO shards (run_id, split, shard_no, format, path, record_count, byte_count, sha256)
            VALUES (\(runID), 'train', 0, 'jsonl', 'train-00000.jsonl', 4, \(shard.count), \(SHA256.hexDigest(ofBytes: shard)))
            """)
        try await database.execute("""
            INSERT INTO llm_calls (run_id, stage, model, prompt_tokens, completion_tokens, latency_ms, cost_usd, error_kind)
            VALUES (\(runID), 'generate', 'sim', 900, 300, 12.5, 0.0021, NULL),
                   (\(runID), 'generate', 'sim', 0, 0, 3.0, 0, 'timeout'),
                   (\(runID), 'classify', 'sim', 120, 2, 4.0, 0.0001, NULL)
            """)
        try await database.execute("""
            INSERT INTO dead_letters (run_id, stage, message_id, attempts, last_error, replayed_at)
            VALUES (\(runID), 'classify', 'm-replayed', 5, 'teacher timeout', now())
            """)
        try await database.execute("UPDATE runs SET status = 'completed', finished_at = now() WHERE id = \(runID)")
        return runID
    }
}

@Suite("RunAudit over runs built with SQL", .timeLimit(.minutes(3)))
struct RunAuditIntegrationTests {
    static let allChecks = [
        "admitted_equals_target", "admitted_text_unique", "admission_seq_contiguous", "novelty_pairs_below_threshold",
        "greedy_replay", "admitted_classified", "admitted_have_instance_outcome", "valid_instances_sharded",
        "shard_record_counts", "shard_files_match", "llm_usage_totals", "dead_letters_resolved",
    ]

    @Test("a valid run passes every check")
    func validRunPasses() async throws {
        try await withMigratedSchema { database in
            let directory = try temporaryShardsDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let runID = try await SmallRun.build(database, shardsDirectory: directory)
            let report = try await RunAudit(database: database, shardsDirectory: directory).audit(runID: runID)
            #expect(report.checks.map(\.name) == Self.allChecks)
            for check in report.checks {
                #expect(check.passed, "\(check.name): \(check.examples)")
            }
            #expect(report.passed)
            let replay = try #require(report.checks.first { $0.name == "greedy_replay" })
            #expect(replay.checked == 5)
        }
    }

    /// A corruption of the valid run and the checks it must fail (and no others).
    struct Corruption: Sendable, CustomTestStringConvertible {
        let label: String
        let sql: [String]
        let failing: Set<String>
        /// Applied to the shard file after the run is built.
        var file: (@Sendable (String) throws -> Void)? = nil
        var testDescription: String { label }
    }

    static let corruptions: [Corruption] = [
        Corruption(label: "duplicate admitted text", sql: [
            "DROP INDEX instructions_admitted_text",
            "UPDATE instructions SET text = (SELECT text FROM instructions WHERE admission_seq = 1 AND run_id = $RUN) WHERE admission_seq = 4 AND run_id = $RUN",
        ], failing: ["admitted_text_unique", "novelty_pairs_below_threshold", "greedy_replay"]),
        Corruption(label: "gap in admission_seq", sql: [
            "UPDATE instructions SET admission_seq = 6 WHERE admission_seq = 4 AND run_id = $RUN",
        ], failing: ["admission_seq_contiguous"]),
        Corruption(label: "admitted pair above the threshold", sql: [
            "UPDATE instructions SET text = 'Write a short poem about the ocean.' WHERE admission_seq = 3 AND run_id = $RUN",
        ], failing: ["novelty_pairs_below_threshold", "greedy_replay"]),
        Corruption(label: "a rejection the greedy filter does not reproduce", sql: [
            "UPDATE instructions SET text = 'Describe the water cycle in three sentences.' WHERE reject_reason = 'rouge_too_similar' AND run_id = $RUN",
        ], failing: ["greedy_replay"]),
        Corruption(label: "recorded nearest score differs from the replay", sql: [
            "UPDATE instructions SET nearest_score = 0.9 WHERE admission_seq = 2 AND run_id = $RUN",
        ], failing: ["greedy_replay"]),
        Corruption(label: "token totals mismatch", sql: [
            """
            CREATE OR REPLACE VIEW si_llm_usage AS
            SELECT run_id, stage, model, count(*) AS calls, count(*) FILTER (WHERE error_kind IS NOT NULL) AS failures,
                   count(*) FILTER (WHERE attempt > 1) AS retries, count(*) FILTER (WHERE cached) AS cached_calls,
                   (sum(prompt_tokens) + CASE WHEN stage = 'classify' THEN 1 ELSE 0 END)::bigint AS prompt_tokens,
                   sum(completion_tokens)::bigint AS completion_tokens, sum(cost_usd) AS cost_usd,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50_ms,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_ms,
                   count(*) FILTER (WHERE batch_id IS NOT NULL) AS batched_calls
            FROM llm_calls GROUP BY run_id, stage, model
            """,
        ], failing: ["llm_usage_totals"]),
        Corruption(label: "admitted fewer than the target", sql: [
            "UPDATE runs SET target = 5 WHERE id = $RUN",
        ], failing: ["admitted_equals_target"]),
        Corruption(label: "an admitted instruction without classification", sql: [
            "DELETE FROM classifications WHERE instruction_id = (SELECT id FROM instructions WHERE admission_seq = 2 AND run_id = $RUN)",
        ], failing: ["admitted_classified"]),
        Corruption(label: "an admitted instruction without instance outcome", sql: [
            "UPDATE instructions SET instance_outcome = NULL WHERE admission_seq = 1 AND run_id = $RUN",
        ], failing: ["admitted_have_instance_outcome"]),
        Corruption(label: "a valid instance in no shard", sql: [
            "UPDATE instances SET shard_no = NULL WHERE id = (SELECT min(id) FROM instances WHERE run_id = $RUN)",
        ], failing: ["valid_instances_sharded", "shard_record_counts"]),
        Corruption(label: "an unresolved dead letter", sql: [
            "INSERT INTO dead_letters (run_id, stage, message_id, attempts, last_error) VALUES ($RUN, 'generate', 'm-dead', 5, 'parse failure')",
        ], failing: ["dead_letters_resolved"]),
        Corruption(label: "a shard file that differs from its manifest", sql: [], failing: ["shard_files_match"], file: { path in
            try Data(#"{"instruction": "extra", "input": "", "output": "x"}"#.utf8 + [0x0A]).append(toFile: path)
        }),
        Corruption(label: "a missing shard file", sql: [], failing: ["shard_files_match"], file: { path in
            try FileManager.default.removeItem(atPath: path)
        }),
    ]

    @Test("each corruption fails exactly its checks", arguments: corruptions)
    func corruptionFailsItsChecks(corruption: Corruption) async throws {
        // The corruptions drop an index or replace a view: the owner makes them, the worker role audits.
        try await withMigratedSchemaAndOwner { database, owner in
            let directory = try temporaryShardsDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let runID = try await SmallRun.build(database, shardsDirectory: directory)
            try corruption.file?(directory + "/train-00000.jsonl")
            for statement in corruption.sql {
                try await owner.execute(SQLQuery(unsafeSQL: statement.replacingOccurrences(of: "$RUN", with: String(runID))))
            }
            let report = try await RunAudit(database: database, shardsDirectory: directory).audit(runID: runID)
            let failed = Set(report.checks.filter { !$0.passed }.map(\.name))
            #expect(failed == corruption.failing)
            #expect(!report.passed)
            for check in report.checks where !check.passed {
                #expect(check.violations > 0 && !check.examples.isEmpty, "\(check.name)")
            }
        }
    }
}

@Suite("RunControl: creation and lifecycle", .timeLimit(.minutes(2)))
struct RunControlIntegrationTests {
    @Test("create stores the run and its seeds; start issues one generation token per concurrency slot")
    func createAndStart() async throws {
        try await withMigratedSchema { database in
            let control = RunControl(database: database)
            let runID = try await control.create(RunDefinition(
                name: "lifecycle", recipe: .alpaca, target: 10, seed: UInt64.max, concurrency: 3, seeds: SmallRun.seeds))
            let run = try await database.query("SELECT status, seed, started_at FROM runs WHERE id = \(runID)").singleRow()
            #expect(try run.decode("status", as: String.self) == "created")
            #expect(try run.decode("seed", as: Int64.self) == -1)
            #expect(try run.decode("started_at", as: String?.self) == nil)
            let seeds = try await database.query(
                "SELECT id, instances->0->>'output' AS output FROM seed_tasks WHERE run_id = \(runID) ORDER BY position")
            #expect(seeds.rows.map { $0[0] } == SmallRun.seeds.map(\.id))
            #expect(seeds.rows.map { $0[1] } == SmallRun.seeds.map { $0.instances[0].output })

            let started = try await control.apply(.start, to: "lifecycle")
            #expect(started.from == .created && started.to == .running && started.tokensIssued == 3)
            // One stage envelope per token, pointing at its generation request (the workers' format).
            let outbox = try await database.query("""
                SELECT o.routing_key, o.body::jsonb->>'kind' AS kind, r.token
                FROM outbox o JOIN generation_requests r ON r.id = (o.body::jsonb->>'entity_id')::bigint
                WHERE o.run_id = \(runID) ORDER BY r.token
                """)
            #expect(outbox.rows.map { $0[0] } == Array(repeating: "si.generate", count: 3))
            #expect(outbox.rows.map { $0[1] } == Array(repeating: StageMessage.Kind.generationToken.rawValue, count: 3))
            #expect(outbox.rows.map { $0[2] } == ["0", "1", "2"])
            let requests = try await database.query("SELECT count(*) AS n FROM generation_requests WHERE run_id = \(runID)")
            #expect(try requests.singleRow().decode("n", as: Int.self) == 3)
            #expect(try await database.query("SELECT started_at FROM runs WHERE id = \(runID)").singleRow()
                .decode("started_at", as: String?.self) != nil)
        }
    }

    @Test("transitions follow the lifecycle; impossible ones are refused and change nothing")
    func transitions() async throws {
        try await withMigratedSchema { database in
            let control = RunControl(database: database)
            let runID = try await control.create(RunDefinition(name: "t", recipe: .selfInstruct, target: 5, seeds: SmallRun.seeds))
            let reference = String(runID)
            await #expect(throws: RunControlError.impossibleTransition(run: "\(runID) (t)", command: .resume, from: .created)) {
                try await control.apply(.resume, to: reference)
            }
            #expect(try await control.apply(.start, to: reference).to == .running)
            #expect(try await control.apply(.pause, to: reference).to == .paused)
            #expect(try await control.apply(.resume, to: reference).to == .running)
            #expect(try await control.apply(.drain, to: reference).to == .draining)
            #expect(try await control.apply(.cancel, to: reference).to == .cancelled)
            for command in RunCommand.allCases {
                let error = await #expect(throws: RunControlError.self) { try await control.apply(command, to: reference) }
                #expect(error?.description.contains("finished runs stay finished") == true)
            }
            let row = try await database.query("SELECT status, finished_at FROM runs WHERE id = \(runID)").singleRow()
            #expect(try row.decode("status", as: String.self) == "cancelled")
            #expect(try row.decode("finished_at", as: String?.self) != nil)
            await #expect(throws: RunControlError.unknownRun("nope")) { try await control.apply(.start, to: "nope") }
        }
    }

    @Test("a second run with the same name is refused; the first stays intact")
    func duplicateName() async throws {
        try await withMigratedSchema { database in
            let control = RunControl(database: database)
            let definition = RunDefinition(name: "same", recipe: .selfInstruct, target: 5, seeds: SmallRun.seeds)
            _ = try await control.create(definition)
            await #expect(throws: RunControlError.nameTaken("same")) { try await control.create(definition) }
            let counts = try await database.query("SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM seed_tasks) AS seeds").singleRow()
            #expect(try counts.decode("runs", as: Int.self) == 1)
            #expect(try counts.decode("seeds", as: Int.self) == SmallRun.seeds.count)
        }
    }

    @Test("status reports counts, tokens and rejection reasons from the views")
    func progressReport() async throws {
        try await withMigratedSchema { database in
            let directory = try temporaryShardsDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let runID = try await SmallRun.build(database, shardsDirectory: directory)
            let reports = try await RunProgress(database: database).reports(runID: runID)
            let report = try #require(reports.first)
            #expect(reports.count == 1)
            #expect(report.admitted == 4 && report.rejected == 2 && report.candidates == 6)
            #expect(report.classified == 4 && report.instancesValid == 4 && report.recordsSharded == 4)
            #expect(report.pctComplete == 100)
            #expect(report.promptTokens == 1020 && report.completionTokens == 302)
            #expect(abs(report.costUSD - 0.0022) < 1e-12)
            #expect(Set(report.topRejections.map(\.reason)) == ["rouge_too_similar", "too_short"])
            #expect(report.unresolvedDeadLetters == 0)
        }
    }
}
