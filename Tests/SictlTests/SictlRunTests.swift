import Foundation
import Store
import TestSupport
import Testing

/// `sictl run create|start|…`, `status` and `audit` as an operator meets them: argument and file errors
/// without a server, then the lifecycle against PostgreSQL when SI_TEST_DATABASE_URL is set.
@Suite(.timeLimit(.minutes(2))) struct SictlRunTests {
    static func run(_ arguments: [String], databaseURL: String? = nil) throws -> SictlDedupTests.Outcome {
        try SictlMigrateTests.run(arguments, environment: databaseURL.map { ["SI_DATABASE_URL": $0] } ?? [:])
    }

    /// `sictl migrate` of a private schema as its owner, granting the worker role.
    static func migrate(_ schema: PrivateSchema) throws -> SictlDedupTests.Outcome {
        try SictlMigrateTests.run(["migrate"], environment: schema.migrationEnvironment.merging(["SI_DATABASE_URL": schema.url]) { $1 })
    }

    static let seedLines = [
        #"{"id": "s0", "instruction": "Write a poem about the ocean.", "instances": [{"input": "", "output": "Waves."}], "is_classification": false}"#,
        #"{"id": "s1", "instruction": "List three prime numbers.", "instances": [{"input": "", "output": "2, 3, 5"}], "is_classification": false}"#,
    ]

    static func writeSeeds(in dir: URL, lines: [String] = seedLines) throws -> String {
        let path = dir.appendingPathComponent("seeds.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: path)
        return path.path
    }

    @Test func missingFlagsAreAUsageError() throws {
        let outcome = try Self.run(["run", "create", "--name", "x"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("missing --recipe, --seeds, --target"))
    }

    @Test(arguments: [
        (["--recipe", "dolly"], "--recipe must be self-instruct or alpaca"),
        (["--threshold", "2"], "--threshold must be between 0 and 1"),
        (["--target", "0"], "--target must be positive"),
        (["--concurrency", "0"], "--concurrency must be positive"),
        (["--batch", "shards"], "--batch: batch stages: 'shards' is not a stage that calls the teacher; expected all or generate, classify, instances"),
        (["--batch", "all", "--batch-max-requests", "50001"], "--batch-max-requests must be in 1...50000"),
        (["--batch", "all", "--batch-poll", "0"], "--batch-poll must be positive"),
        (["--batch", "all", "--batch-price-factor", "2"], "--batch-price-factor must be in 0...1"),
    ])
    func invalidValuesAreUsageErrors(extra: [String], message: String) throws {
        var arguments = ["run", "create", "--name", "x", "--recipe", "alpaca", "--seeds", "s.jsonl", "--target", "5"]
        arguments += extra
        let outcome = try Self.run(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains(message))
    }

    @Test func badSeedFileNamesFileAndLineBeforeTouchingTheDatabase() throws {
        let dir = try SictlDedupTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let seeds = try Self.writeSeeds(in: dir, lines: [Self.seedLines[0], #"{"id": "s1", "instances": []}"#])
        // No SI_DATABASE_URL: the seed error must come first.
        let outcome = try Self.run(["run", "create", "--name", "x", "--recipe", "self-instruct", "--seeds", seeds, "--target", "5"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("seeds.jsonl:2:"))
        #expect(outcome.stderr.contains("'instruction'"))
        #expect(outcome.stdout.isEmpty)
    }

    /// The novelty index packs member numbers into 24 bits: a run that could outgrow it is refused at create,
    /// with the bound, instead of crashing its filter at instruction 16,777,197.
    @Test func aTargetBeyondTheNoveltyIndexIsRefusedWithItsBound() throws {
        let dir = try SictlDedupTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let seeds = try Self.writeSeeds(in: dir)
        let outcome = try Self.run(["run", "create", "--name", "huge", "--recipe", "alpaca", "--seeds", seeds, "--target", "16777216"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("target: at most 16777"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("novelty pool holds 16777216 instructions"), "\(outcome.stderr)")
    }

    @Test func runFileErrorsNameTheFieldAndSeedsResolveBesideIt() throws {
        let dir = try SictlDedupTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.writeSeeds(in: dir)
        let runFile = dir.appendingPathComponent("run.json")
        try Data(#"{"name": "r", "recipe": "alpaca", "seeds": "seeds.jsonl", "target": "many"}"#.utf8).write(to: runFile)
        let typeError = try Self.run(["run", "create", "--run-file", runFile.path])
        #expect(typeError.status == 1)
        #expect(typeError.stderr.contains("run.json: field 'target': expected an integer, found string"))

        try Data(#"{"name": "r", "recipe": "alpaca", "seeds": "seeds.jsonl", "target": 5,"#.utf8).write(to: runFile)
        let syntax = try Self.run(["run", "create", "--run-file", runFile.path])
        #expect(syntax.status == 1)
        #expect(syntax.stderr.contains("run.json: invalid JSON"))

        // A valid file with its seeds beside it gets as far as the database.
        try Data(#"{"name": "r", "recipe": "alpaca", "seeds": "seeds.jsonl", "target": 5}"#.utf8).write(to: runFile)
        let valid = try Self.run(["run", "create", "--run-file", runFile.path])
        #expect(valid.status == 1)
        #expect(valid.stderr.contains("SI_DATABASE_URL is not set"))
    }

    @Test func runFileHygieneMustBeABoolean() throws {
        let dir = try SictlDedupTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.writeSeeds(in: dir)
        let runFile = dir.appendingPathComponent("run.json")
        try Data(#"{"name": "r", "recipe": "alpaca", "seeds": "seeds.jsonl", "target": 5, "hygiene": "no"}"#.utf8).write(to: runFile)
        let outcome = try Self.run(["run", "create", "--run-file", runFile.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("run.json: field 'hygiene': expected true or false, found string"))
    }

    @Test func noHygieneIsStoredInRunsConfig() throws {
        try ServiceGate.withPrivateSchema { schema in
            let url = schema.url
            #expect(try Self.migrate(schema).status == 0)
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let seeds = try Self.writeSeeds(in: dir)
            let runFile = dir.appendingPathComponent("run.json")
            try Data(#"{"name": "file", "recipe": "alpaca", "seeds": "seeds.jsonl", "target": 5, "hygiene": true, "shard_size": 7}"#.utf8)
                .write(to: runFile)
            #expect(try Self.run(["run", "create", "--run-file", runFile.path, "--no-hygiene"], databaseURL: url).status == 0)
            #expect(try Self.run(["run", "create", "--name", "flags", "--recipe", "alpaca", "--seeds", seeds, "--target", "5"],
                                 databaseURL: url).status == 0)
            let sql: String = "SELECT name, config->>'hygiene' AS hygiene, config->>'shard_size' AS shard_size FROM \(schema.name).runs ORDER BY name"
            let configs = try schema.admin.execute(sql)
            #expect(configs.rows == [["file", "false", "7"], ["flags", nil, nil]])
        }
    }

    @Test func batchSettingsAreStoredInRunsConfigAndTuningNeedsBatch() throws {
        try ServiceGate.withPrivateSchema { schema in
            let url = schema.url
            #expect(try Self.migrate(schema).status == 0)
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let seeds = try Self.writeSeeds(in: dir)
            let base = ["run", "create", "--recipe", "self-instruct", "--seeds", seeds, "--target", "5"]
            let tuned = try Self.run(base + ["--name", "tuned", "--batch-max-age", "2"], databaseURL: url)
            #expect(tuned.status != 0)
            #expect(tuned.stderr.contains("need --batch"), "\(tuned.stderr)")
            #expect(try Self.run(base + ["--name", "some", "--batch", "classify,instances", "--batch-max-age", "2",
                                         "--batch-price-factor", "0.4"], databaseURL: url).status == 0)
            // A run file's batch object, with a flag set over it.
            let runFile = dir.appendingPathComponent("run.json")
            try Data(#"{"name": "file", "recipe": "alpaca", "seeds": "seeds.jsonl", "target": 5, "batch": {"stages": "generate", "max_requests": 9}}"#.utf8)
                .write(to: runFile)
            #expect(try Self.run(["run", "create", "--run-file", runFile.path, "--batch-poll", "5"], databaseURL: url).status == 0)
            try Data(#"{"name": "bad", "recipe": "alpaca", "seeds": "seeds.jsonl", "target": 5, "batch": {"stages": "shards"}}"#.utf8)
                .write(to: runFile)
            let bad = try Self.run(["run", "create", "--run-file", runFile.path], databaseURL: url)
            #expect(bad.status != 0 && bad.stderr.contains("'shards' is not a stage that calls the teacher"), "\(bad.stderr)")
            let sql = """
                SELECT name, config->'batch'->>'stages' AS stages, config->'batch'->>'max_age_seconds' AS age,
                       config->'batch'->>'price_factor' AS factor, config->'batch'->>'max_requests' AS requests,
                       config->'batch'->>'poll_seconds' AS poll
                FROM \(schema.name).runs ORDER BY name
                """
            let configs = try schema.admin.execute(sql)
            #expect(configs.rows == [
                ["file", #"["generate"]"#, "300.0", "0.5", "9", "5.0"],
                ["some", #"["classify", "instances"]"#, "2.0", "0.4", "10000", "30.0"],
            ])
        }
    }

    @Test(arguments: ["start", "pause", "resume", "cancel", "drain"])
    func lifecycleVerbsNeedARun(verb: String) throws {
        let outcome = try Self.run(["run", verb])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("<run>"))
    }

    @Test func lifecycleAgainstPostgreSQL() throws {
        try ServiceGate.withPrivateSchema { schema in
            let url = schema.url
            #expect(try Self.migrate(schema).status == 0)
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let seeds = try Self.writeSeeds(in: dir)
            let created = try Self.run(["run", "create", "--name", "cli", "--recipe", "self-instruct", "--seeds", seeds,
                                        "--target", "3", "--concurrency", "2", "--json"], databaseURL: url)
            #expect(created.status == 0, "\(created.stderr)")
            let document = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any]
            let runID = try #require(document?["run_id"] as? Int)
            #expect(document?["seed_tasks"] as? Int == 2)

            let again = try Self.run(["run", "create", "--name", "cli", "--recipe", "alpaca", "--seeds", seeds, "--target", "3"], databaseURL: url)
            #expect(again.status == 1)
            #expect(again.stderr.contains("a run named 'cli' already exists"))

            let resumeEarly = try Self.run(["run", "resume", "cli"], databaseURL: url)
            #expect(resumeEarly.status == 1)
            #expect(resumeEarly.stderr.contains("cannot resume run \(runID) (cli): it is created"))

            let start = try Self.run(["run", "start", String(runID), "--json"], databaseURL: url)
            #expect(start.status == 0, "\(start.stderr)")
            let transition = try JSONSerialization.jsonObject(with: Data(start.stdout.utf8)) as? [String: Any]
            #expect(transition?["from"] as? String == "created")
            #expect(transition?["to"] as? String == "running")
            #expect(transition?["tokens_issued"] as? Int == 2)
            #expect(try Self.run(["run", "pause", "cli"], databaseURL: url).stdout.contains("running -> paused"))
            #expect(try Self.run(["run", "cancel", "cli"], databaseURL: url).stdout.contains("paused -> cancelled"))
            let resumeFinished = try Self.run(["run", "resume", "cli"], databaseURL: url)
            #expect(resumeFinished.status == 1)
            #expect(resumeFinished.stderr.contains("finished runs stay finished"))

            let status = try Self.run(["status", "cli", "--json"], databaseURL: url)
            #expect(status.status == 0, "\(status.stderr)")
            let progress = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            let runs = try #require(progress?["runs"] as? [[String: Any]])
            #expect(runs.first?["status"] as? String == "cancelled")
            #expect(runs.first?["target"] as? Int == 3)

            // --watch --json: one JSON document per line, refreshed every 2 s until stopped.
            let watcher = Process()
            watcher.executableURL = SictlDedupTests.executable
            watcher.arguments = ["status", "cli", "--watch", "--json"]
            watcher.environment = ProcessInfo.processInfo.environment.merging(["SI_DATABASE_URL": url]) { $1 }
            let pipe = Pipe()
            watcher.standardOutput = pipe
            watcher.standardError = FileHandle.nullDevice
            try watcher.run()
            Thread.sleep(forTimeInterval: 3)
            watcher.terminate()
            let lines = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n")
            watcher.waitUntilExit()
            #expect(lines.count >= 2)
            for line in lines {
                let snapshot = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect((snapshot?["runs"] as? [[String: Any]])?.first?["name"] as? String == "cli")
            }

            // Nothing admitted: the audit fails, prints every check, exits 1.
            let audit = try Self.run(["audit", "cli"], databaseURL: url)
            #expect(audit.status == 1)
            #expect(audit.stdout.contains("FAIL admitted_equals_target"))
            #expect(audit.stdout.contains("PASS admission_seq_contiguous"))
            let unknown = try Self.run(["audit", "no-such-run"], databaseURL: url)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("no run 'no-such-run'"))
        }
    }
}
