import Broker
import Foundation
import Store
import TestSupport
import Testing

/// `sictl dlq list|replay`, `export` and `doctor` run as the built binary against PostgreSQL (a private schema),
/// RabbitMQ (a private namespace) and the teacher simulator process; fixtures are written with SQL.
@Suite(.timeLimit(.minutes(2))) struct SictlOperationsTests {
    /// Runs sictl with only the SI_* variables given (none inherited).
    static func run(_ arguments: [String], environment: [String: String]) throws -> SictlDedupTests.Outcome {
        try CapturedRun.run(SictlDedupTests.executable, arguments,
                            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SI_") }
                                .merging(environment) { $1 })
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A migrated private schema and a connection to it for fixtures.
    static func withDatabase(_ body: (_ url: String, _ db: PGConnection) throws -> Void) throws {
        try ServiceGate.withPrivateSchema { schema in
            let url = schema.url
            // Migrated by the owner; every verb and fixture after it runs as the worker role.
            let migrate = try run(["migrate"], environment: schema.migrationEnvironment.merging(["SI_DATABASE_URL": url]) { $1 })
            try #require(migrate.status == 0, "\(migrate.stderr)")
            let db = try PGConnection.connect(url: url)
            defer { db.close() }
            try body(url, db)
        }
    }

    static func scalar(_ db: PGConnection, _ sql: String, _ parameters: [String?] = []) throws -> String? {
        try db.execute(sql, parameters).rows.first?.first ?? nil
    }

    static func insertRun(_ db: PGConnection, name: String, status: String = "running") throws -> String {
        try #require(try scalar(db, """
            INSERT INTO runs (name, recipe, target, seed, status) VALUES ($1, 'self-instruct', 10, 1, $2) RETURNING id
            """, [name, status]))
    }

    /// A pending generation request whose token message was sent and then dead-lettered after 3 attempts, written
    /// exactly as StageService writes a dead letter. Returns (dead letter id, message id, request id).
    static func insertDeadToken(
        _ db: PGConnection, runID: String, token: Int, requestStatus: String = "pending", namespace: String = "si",
        error: String = "teacher server_error (retryable) in POST /v1/completions, HTTP 503: overloaded"
    ) throws -> (id: String, messageID: String, requestID: String) {
        let requestID = try #require(try scalar(db, """
            INSERT INTO generation_requests (run_id, token, round, status) VALUES ($1, $2, 0, $3) RETURNING id
            """, [runID, String(token), requestStatus]))
        let messageID = "generate/generation_token/\(requestID)"
        let body = #"{"schema_version":1,"run_id":\#(runID),"entity_id":\#(requestID),"attempt":1,"kind":"generation_token"}"#
        _ = try db.execute("""
            INSERT INTO outbox (message_id, run_id, routing_key, body, sent_at, publish_attempts)
            VALUES ($1, $2, $3, $4, now() - interval '1 minute', 1)
            """, [messageID, runID, "\(namespace).generate", body])
        let id = try #require(try scalar(db, """
            INSERT INTO dead_letters (run_id, stage, message_id, routing_key, body, attempts, last_error, error_kind)
            VALUES ((SELECT id FROM runs WHERE id = $1::bigint), 'generate', $2, $3, $4, 3, $5, 'teacher.server_error')
            ON CONFLICT (stage, message_id) DO UPDATE SET
                attempts = dead_letters.attempts + EXCLUDED.attempts, last_error = EXCLUDED.last_error,
                error_kind = EXCLUDED.error_kind, body = EXCLUDED.body, dead_at = now(), replayed_at = NULL
            RETURNING id
            """, [runID, messageID, "\(namespace).generate", body, error]))
        return (id, messageID, requestID)
    }

    // MARK: dlq

    @Test func migrateNeedsTheOwnerAndGrantsTheWorkerRole() throws {
        _ = try ServiceGate.twoRoles()
        try ServiceGate.withPrivateSchema { schema in
            let role = try #require(schema.workerRole)
            // As the worker role alone: refused by PostgreSQL, with what to set, and nothing applied.
            let asWorker = try Self.run(["migrate"], environment: ["SI_DATABASE_URL": schema.url])
            #expect(asWorker.status == 1)
            #expect(asWorker.stderr.contains("[3F000]") || asWorker.stderr.contains("[42501]"), "\(asWorker.stderr)")
            #expect(asWorker.stderr.contains("set SI_MIGRATE_DATABASE_URL to the owner's URL"), "\(asWorker.stderr)")
            // As the owner, the role from --grant-to (over SI_DATABASE_WORKER_ROLE) gets its rights.
            let environment = ["SI_DATABASE_URL": schema.url, "SI_MIGRATE_DATABASE_URL": schema.ownerURL,
                               "SI_DATABASE_WORKER_ROLE": "si_no_such_role"]
            let text = try Self.run(["migrate", "--grant-to", role], environment: environment)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("granted role \(role) in schema \(schema.name)"), "\(text.stdout)")
            let json = try Self.json(try Self.run(["migrate", "--json", "--grant-to", role], environment: environment).stdout)
            let grants = try #require(json["grants"] as? [String: Any])
            #expect(grants["role"] as? String == role)
            #expect((grants["tables"] as? [String])?.contains("runs") == true)
            #expect((grants["read_only"] as? [String])?.contains("si_run_progress") == true)
            // SI_DATABASE_WORKER_ROLE alone, naming a role that does not exist: a clear failure.
            let missing = try Self.run(["migrate"], environment: environment)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("does not exist"), "\(missing.stderr)")
            // The worker role can run the data verbs.
            #expect(try Self.run(["doctor", "--json"], environment: ["SI_DATABASE_URL": schema.url]).stdout.contains("current"))
        }
    }

    @Test func dlqListShowsUnreplayedLettersNewestFirst() throws {
        try Self.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let runID = try Self.insertRun(db, name: "dlq-list")
            let longError = "first line of a long failure " + String(repeating: "x", count: 200) + "\nsecond line"
            let older = try Self.insertDeadToken(db, runID: runID, token: 0, error: longError)
            _ = try db.execute("UPDATE dead_letters SET dead_at = now() - interval '1 hour' WHERE id = $1::bigint", [older.id])
            let newer = try Self.insertDeadToken(db, runID: runID, token: 1)
            let replayed = try Self.insertDeadToken(db, runID: runID, token: 2)
            _ = try db.execute("UPDATE dead_letters SET replayed_at = now() WHERE id = $1::bigint", [replayed.id])
            let otherRun = try Self.insertRun(db, name: "dlq-other")
            _ = try Self.insertDeadToken(db, runID: otherRun, token: 0)

            let listing = try Self.run(["dlq", "list", "dlq-list", "--json"], environment: env)
            #expect(listing.status == 0, "\(listing.stderr)")
            let document = try Self.json(listing.stdout)
            let letters = try #require(document["dead_letters"] as? [[String: Any]])
            #expect(letters.map { $0["message_id"] as? String } == [newer.messageID, older.messageID])
            #expect(document["total"] as? Int == 2)
            let first = try #require(letters.last)
            #expect(first["run_name"] as? String == "dlq-list")
            #expect(first["stage"] as? String == "generate")
            #expect(first["attempts"] as? Int == 3)
            #expect(first["error_kind"] as? String == "teacher.server_error")
            #expect(first["last_error"] as? String == longError)
            #expect((first["dead_at"] as? String)?.hasSuffix("Z") == true)

            let human = try Self.run(["dlq", "list", "dlq-list"], environment: env)
            #expect(human.status == 0)
            let lines = human.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4)  // header, two letters, count
            #expect(lines[0].hasPrefix("ID"))
            #expect(lines[1].contains(newer.messageID))
            #expect(lines[2].contains(older.messageID) && lines[2].contains("first line of a long failure"))
            #expect(lines[2].hasSuffix("…") && !human.stdout.contains("second line"))

            let all = try Self.json(try Self.run(["dlq", "list", "--all", "--json"], environment: env).stdout)
            #expect(all["total"] as? Int == 4)
            let none = try Self.run(["dlq", "list", "dlq-list", "--stage", "classify"], environment: env)
            #expect(none.stdout.contains("no dead letters"))
            let badStage = try Self.run(["dlq", "list", "--stage", "nonsense"], environment: env)
            #expect(badStage.status == 64)
            #expect(badStage.stderr.contains("unknown stage 'nonsense'"))
            let unknownRun = try Self.run(["dlq", "list", "no-such-run"], environment: env)
            #expect(unknownRun.status == 1)
            #expect(unknownRun.stderr.split(separator: "\n").count == 1 && unknownRun.stderr.contains("no run 'no-such-run'"))
        }
    }

    @Test func dlqReplayWritesTheOutboxRowOnceAndMarksTheLetter() throws {
        try Self.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let runID = try Self.insertRun(db, name: "dlq-replay")
            let dead = try Self.insertDeadToken(db, runID: runID, token: 0)
            let finished = try Self.insertDeadToken(db, runID: runID, token: 1, requestStatus: "failed")
            _ = try db.execute("""
                INSERT INTO dead_letters (run_id, stage, message_id, routing_key, body, attempts, last_error, error_kind)
                VALUES ($1::bigint, 'generate', 'delivery-7-unparsable', 'si.generate', 'not json', 1, 'bad body', 'invalid_message')
                """, [runID])

            let dryRun = try Self.run(["dlq", "replay", "dlq-replay", "--dry-run", "--json"], environment: env)
            #expect(dryRun.status == 0, "\(dryRun.stderr)")
            #expect((try Self.json(dryRun.stdout)["replayed"] as? [Any])?.count == 1)
            #expect(try Self.scalar(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == "0")
            #expect(try Self.scalar(db, "SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL") == "0")

            let replay = try Self.run(["dlq", "replay", "dlq-replay", "--wait", "0", "--json"], environment: env)
            #expect(replay.status == 0, "\(replay.stderr)")
            let report = try Self.json(replay.stdout)
            let replayed = try #require(report["replayed"] as? [[String: Any]])
            #expect(replayed.count == 1)
            #expect(replayed.first?["message_id"] as? String == dead.messageID)
            #expect(replayed.first?["attempt"] as? Int == 2)
            let skipped = try #require(report["skipped"] as? [[String: Any]])
            #expect(Set(skipped.compactMap { $0["message_id"] as? String }) == [finished.messageID, "delivery-7-unparsable"])
            #expect(skipped.contains { ($0["reason"] as? String)?.contains("is failed, not pending") == true })

            // The same id, one row, unsent, the same routing key, the body with attempt + 1.
            let rows = try db.execute("SELECT routing_key, body, sent_at FROM outbox WHERE message_id = $1", [dead.messageID]).rows
            #expect(rows.count == 1)
            #expect(rows.first?[0] == "si.generate")
            #expect(rows.first?[1] == #"{"schema_version":1,"run_id":\#(runID),"entity_id":\#(dead.requestID),"attempt":2,"kind":"generation_token"}"#)
            #expect(rows.first?[2] == nil)
            #expect(try Self.scalar(db, "SELECT replayed_at IS NOT NULL FROM dead_letters WHERE id = $1::bigint", [dead.id]) == "t")
            #expect(try Self.scalar(db, "SELECT replayed_at IS NULL FROM dead_letters WHERE id = $1::bigint", [finished.id]) == "t")

            // Nothing left to replay: a second run changes nothing.
            _ = try db.execute("UPDATE outbox SET sent_at = now() WHERE message_id = $1", [dead.messageID])
            let again = try Self.run(["dlq", "replay", "dlq-replay", "--wait", "0"], environment: env)
            #expect(again.status == 0)
            #expect(again.stdout.contains("replayed 0 dead letters"))
            #expect(try Self.scalar(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == "0")
            let byID = try Self.run(["dlq", "replay", "dlq-replay", "--id", dead.id, "--wait", "0"], environment: env)
            #expect(byID.stdout.contains("already replayed"))
            let missing = try Self.run(["dlq", "replay", "--id", "999999", "--wait", "0"], environment: env)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no dead letter with id 999999"))
        }
    }

    @Test func dlqReplayRefusesFinishedRunsUnlessForced() throws {
        try Self.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let runID = try Self.insertRun(db, name: "dlq-cancelled", status: "cancelled")
            let dead = try Self.insertDeadToken(db, runID: runID, token: 0)
            let refused = try Self.run(["dlq", "replay", "dlq-cancelled", "--wait", "0"], environment: env)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("is cancelled") && refused.stderr.contains("--force"))
            // Without a run named, the letter is skipped with the same advice.
            let unnamed = try Self.run(["dlq", "replay", "--wait", "0"], environment: env)
            #expect(unnamed.status == 0)
            #expect(unnamed.stdout.contains("replayed 0") && unnamed.stdout.contains("use --force"))
            #expect(try Self.scalar(db, "SELECT replayed_at IS NULL FROM dead_letters WHERE id = $1::bigint", [dead.id]) == "t")

            let forced = try Self.run(["dlq", "replay", "dlq-cancelled", "--force", "--wait", "0"], environment: env)
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(forced.stdout.contains("replayed 1 dead letter"))
            #expect(try Self.scalar(db, "SELECT replayed_at IS NOT NULL FROM dead_letters WHERE id = $1::bigint", [dead.id]) == "t")
        }
    }

    // MARK: export

    /// Two admitted instructions (inserted out of admission order), a rejected one, and instances of every status.
    static func insertExportFixture(_ db: PGConnection, runID: String) throws {
        func instruction(_ text: String, seq: Int?, status: String) throws -> String {
            try #require(try scalar(db, """
                INSERT INTO instructions (run_id, position, text, status, admission_seq, reject_reason)
                VALUES ($1::bigint, 0, $2, $3, $4::int, $5) RETURNING id
                """, [runID, text, status, seq.map(String.init), status == "rejected" ? "too_similar" : nil]))
        }
        func instance(_ instructionID: String, _ position: Int, _ input: String, _ output: String, _ status: String) throws {
            _ = try db.execute("""
                INSERT INTO instances (run_id, instruction_id, position, input, output, status, reject_reason)
                VALUES ($1::bigint, $2::bigint, $3::int, $4, $5, $6, $7)
                """, [runID, instructionID, String(position), input, output, status, status == "rejected" ? "empty_output" : nil])
        }
        let second = try instruction("Translate \"hello\" into French.", seq: 2, status: "admitted")
        let first = try instruction("Name a prime number.\nJust one.", seq: 1, status: "admitted")
        let rejected = try instruction("Name a prime.", seq: nil, status: "rejected")
        try instance(second, 0, "hello", "bonjour", "valid")
        try instance(first, 1, "", "7", "valid")
        try instance(first, 0, "", "2 — the only even prime", "valid")
        try instance(first, 2, "", "", "rejected")
        try instance(second, 1, "bye", "au revoir", "pending")
        _ = rejected
    }

    static let expectedRecords = [
        ["Name a prime number.\nJust one.", "", "2 — the only even prime"],
        ["Name a prime number.\nJust one.", "", "7"],
        ["Translate \"hello\" into French.", "hello", "bonjour"],
    ]

    @Test func exportWritesValidInstancesInAdmissionOrder() throws {
        try Self.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let runID = try Self.insertRun(db, name: "export-run")
            try Self.insertExportFixture(db, runID: runID)
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }

            let path = dir.appendingPathComponent("out.jsonl").path
            let jsonl = try Self.run(["export", "export-run", "--output", path], environment: env)
            #expect(jsonl.status == 0, "\(jsonl.stderr)")
            #expect(jsonl.stdout.isEmpty)
            #expect(jsonl.stderr.contains("3 records written to \(path)"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.jsonl"])
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 4 && lines.last == "")
            for (line, expected) in zip(lines, Self.expectedRecords) {
                #expect(line.hasPrefix("{\"instruction\": "))
                let keys = ["\"instruction\"", "\"input\"", "\"output\""].map { line.range(of: $0)?.lowerBound }
                #expect(keys.compactMap { $0 }.count == 3 && keys == keys.sorted { $0! < $1! })
                let object = try Self.json(String(line))
                #expect([object["instruction"], object["input"], object["output"]].map { $0 as? String } == expected)
            }

            // The same records as one Alpaca JSON list, on stdout.
            let alpaca = try Self.run(["export", runID, "--format", "alpaca-json"], environment: env)
            #expect(alpaca.status == 0, "\(alpaca.stderr)")
            #expect(alpaca.stderr.contains("3 records written to stdout"))
            let list = try #require(try JSONSerialization.jsonObject(with: Data(alpaca.stdout.utf8)) as? [[String: String]])
            #expect(list.map { [$0["instruction"] ?? "-", $0["input"] ?? "-", $0["output"] ?? "-"] } == Self.expectedRecords)

            let badFormat = try Self.run(["export", "export-run", "--format", "csv"], environment: env)
            #expect(badFormat.status == 64)
            #expect(badFormat.stderr.contains("--format must be jsonl, alpaca-json, self-instruct, openai-chat, sharegpt (got 'csv')"))
        }
    }

    @Test func exportOfARunWithoutValidInstancesIsEmpty() throws {
        try Self.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let runID = try Self.insertRun(db, name: "export-empty")
            _ = try db.execute("""
                INSERT INTO instructions (run_id, position, text, status, admission_seq) VALUES ($1::bigint, 0, 'Say hi.', 'admitted', 1)
                """, [runID])
            let other = try Self.insertRun(db, name: "export-other")
            try Self.insertExportFixture(db, runID: other)
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("empty.jsonl").path
            let outcome = try Self.run(["export", "export-empty", "--output", path], environment: env)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("0 records"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
            let alpaca = try Self.run(["export", "export-empty", "--format", "alpaca-json"], environment: env)
            #expect(alpaca.stdout == "[]\n")
            let unknown = try Self.run(["export", "nope", "--output", path], environment: env)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("no run 'nope'"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["empty.jsonl"])
        }
    }

    // MARK: doctor

    /// si-teacher-sim on an ephemeral port, requiring `apiKey`; stopped after `body`.
    static func withSimulator(apiKey: String, _ body: (_ url: String) throws -> Void) throws {
        let simulator = try SimulatorProcess(environment: ["SI_SIM_API_KEY": apiKey, "SI_LOG_LEVEL": "error"])
        defer { simulator.stop() }
        try body(simulator.url)
    }

    /// A private broker namespace with the pipeline's topology declared, deleted afterwards.
    static func withTopology(_ body: (_ amqpURL: String, _ namespace: String) throws -> Void) throws {
        let url = try ServiceGate.brokerURL()
        let namespace = "sictl-doctor-\(uniqueSuffix())"
        let topology = Topology(namespace: namespace)
        let broker = try ServiceGate.broker()
        defer { broker.close() }
        try topology.declare(on: broker)
        defer { try? topology.delete(on: broker) }
        try body(url, namespace)
    }

    @Test func doctorPassesWithRealServersAndNamesWhatFails() throws {
        try Self.withDatabase { databaseURL, _ in
            try Self.withTopology { amqpURL, namespace in
                let key = "sk-doctor-\(UUID().uuidString)"
                try Self.withSimulator(apiKey: key) { teacherURL in
                    let env = ["SI_DATABASE_URL": databaseURL, "SI_AMQP_URL": amqpURL, "SI_AMQP_NAMESPACE": namespace,
                               "SI_TEACHER_URL": teacherURL, "SI_TEACHER_MODEL": "si-sim-1", "SI_TEACHER_API_KEY": key]
                    let amqpPassword = try #require(URLComponents(string: amqpURL)?.password)
                    func noSecrets(_ outcome: SictlDedupTests.Outcome) {
                        for secret in [key, amqpPassword] {
                            #expect(!outcome.stdout.contains(secret) && !outcome.stderr.contains(secret))
                        }
                    }

                    let healthy = try Self.run(["doctor"], environment: env)
                    #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
                    #expect(healthy.stdout.contains("all 6 checks passed"))
                    noSecrets(healthy)
                    let document = try Self.json(try Self.run(["doctor", "--json"], environment: env).stdout)
                    #expect(document["ok"] as? Bool == true)
                    #expect((document["checks"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                            == ["database", "migrations", "broker", "queues", "teacher", "model"])

                    var closedBroker = env
                    closedBroker["SI_AMQP_URL"] = "amqp://si:\(amqpPassword)@127.0.0.1:1/si"
                    let brokerDown = try Self.run(["doctor", "--timeout", "3"], environment: closedBroker)
                    #expect(brokerDown.status == 1)
                    let brokerLine = try #require(brokerDown.stdout.split(separator: "\n").first { $0.hasPrefix("FAIL broker") })
                    #expect(brokerLine.contains("amqp://si:***@127.0.0.1:1/si"))
                    #expect(brokerDown.stdout.contains("fix: start RabbitMQ"))
                    #expect(brokerDown.stdout.contains("ok   database"))
                    noSecrets(brokerDown)

                    var wrong = env
                    wrong["SI_TEACHER_API_KEY"] = key + "-wrong"
                    wrong["SI_AMQP_NAMESPACE"] = namespace + "-absent"
                    let misconfigured = try Self.run(["doctor", "--json"], environment: wrong)
                    #expect(misconfigured.status == 1)
                    let checks = try #require(try Self.json(misconfigured.stdout)["checks"] as? [[String: Any]])
                    let failed = checks.filter { $0["ok"] as? Bool == false }.compactMap { $0["name"] as? String }
                    #expect(failed == ["queues", "teacher", "model"])
                    #expect(checks.first { $0["name"] as? String == "teacher" }?["detail"] as? String ?? "" != "")
                    #expect(misconfigured.stdout.contains("credentials rejected"))
                    #expect(!misconfigured.stdout.contains(key))

                    var otherModel = env
                    otherModel["SI_TEACHER_MODEL"] = "gpt-nonexistent"
                    let modelMissing = try Self.run(["doctor"], environment: otherModel)
                    #expect(modelMissing.status == 1)
                    #expect(modelMissing.stdout.contains("FAIL model") && modelMissing.stdout.contains("si-sim-1"))
                }
            }
        }
    }

    @Test(arguments: [["dlq", "list"], ["dlq", "replay"], ["export"], ["doctor"]])
    func helpHasAnExample(verb: [String]) throws {
        let outcome = try Self.run(verb + ["--help"], environment: [:])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("Example"))
        #expect(outcome.stdout.contains("sictl \(verb.joined(separator: " "))"))
    }
}
