import Broker
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The product as users run it: separate daemon processes, two replicas of every stage, the real broker and
/// database, the simulator with injected faults, `sictl` to drive and audit. Serialized: each test already
/// runs a dozen processes on the machine.
@Suite(.serialized, .timeLimit(.minutes(10))) struct PipelineEndToEndTests {
    // control: a NUL, an escape and a bell in 5 % of the choices; PostgreSQL cannot store the NUL (issue 13).
    static let faults = "429=0.03,500=0.02,503=0.03,malformed=0.02,truncated=0.03,control=0.05,retry-after=0"

    /// Runs `sictl audit` and expects every check to pass.
    static func expectAuditPasses(_ pipeline: PipelineProcesses, run: String) throws {
        let audit = try pipeline.sictl(["audit", run, "--shards-dir", pipeline.shardsDirectory.path])
        #expect(audit.status == 0, "audit failed:\n\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("all 12 checks passed"), "\(audit.stdout)")
        #expect(!audit.stdout.contains("FAIL"))
    }

    /// The manifest `si-shards` wrote, parsed.
    static func manifest(_ pipeline: PipelineProcesses, run: String) throws -> [String: Any] {
        let url = pipeline.shardsDirectory.appendingPathComponent("\(run)/manifest.json")
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url))
        return try #require(object as? [String: Any])
    }

    @Test func selfInstructTwoReplicasOfEveryStageWithTeacherFaults() throws {
        let pipeline = try PipelineProcesses(faults: Self.faults)
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "self-instruct", replicas: 2)
        try pipeline.createAndStart(name: "e2e-si", recipe: "self-instruct", seeds: exampleSeedsPath, target: 300, concurrency: 6,
                                    options: ["--format", "all", "--system-prompt", "You write training data."])
        try pipeline.waitUntilCompleted(name: "e2e-si", timeout: .seconds(420))

        try Self.expectAuditPasses(pipeline, run: "e2e-si")
        let admitted = try pipeline.query(
            "SELECT count(*) AS n FROM instructions WHERE status = 'admitted'", column: "n", as: Int.self)
        #expect(admitted == 300)
        let classified = try pipeline.query("SELECT count(*) AS n FROM classifications", column: "n", as: Int.self)
        #expect(classified == 300)
        // The faults really happened, and retries absorbed them: no dead letters.
        let failedCalls = try pipeline.query(
            "SELECT count(*) AS n FROM llm_calls WHERE error_kind IS NOT NULL", column: "n", as: Int.self)
        #expect(failedCalls > 0)
        let deadLetters = try pipeline.query("SELECT count(*) AS n FROM dead_letters", column: "n", as: Int.self)
        #expect(deadLetters == 0)
        // The control-character faults reached the data: no NUL failed a write (no dead letters above), and the
        // hygiene pass cleaned the escapes and bells out of the instances that carried them.
        #expect(try pipeline.query("""
            SELECT count(*) AS n FROM instances WHERE 'hygiene_control_characters' = ANY(hygiene_fixes)
            """, column: "n", as: Int.self) > 0)
        #expect(try pipeline.query(
            "SELECT count(*) AS n FROM instances WHERE status = 'valid' AND (input ~ '[\\x01-\\x08\\x1b]' OR output ~ '[\\x01-\\x08\\x1b]')",
            column: "n", as: Int.self) == 0)
        // Every instruction went through the three per-instruction stages.
        let busyStages = try pipeline.query("""
            SELECT count(DISTINCT stage) AS n FROM processed_messages WHERE stage IN ('classify', 'instances', 'filter.instances')
            """, column: "n", as: Int.self)
        #expect(busyStages == 3)
        let valid = try pipeline.query("SELECT count(*) AS n FROM instances WHERE status = 'valid'", column: "n", as: Int.self)
        let manifest = try Self.manifest(pipeline, run: "e2e-si")
        #expect(manifest["records"] as? Int == valid)
        #expect(valid > 300, "about 1.5 valid instances per instruction expected, got \(valid)")
        try Self.expectEveryFormatLoads(pipeline, run: "e2e-si")
        try Self.expectExportsRepeatByteForByte(pipeline, run: "e2e-si")
    }

    /// The repository's checker of written training data (Tools/formats), run with the test venv's Python, which
    /// has Hugging Face `datasets`: every file of every format loads with `load_dataset("json")`, the chat lines
    /// pass OpenAI's fine-tuning format rules, dataset_info.json has LLaMA-Factory's keys, no instruction is in
    /// both splits, and sizes, sha256 and counts match the manifest.
    static func expectEveryFormatLoads(_ pipeline: PipelineProcesses, run: String) throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["SI_TEST_DATASETS_PYTHON"] else {
            #expect(environment["SI_TEST_REQUIRE_SERVICES"] != "1", "SI_TEST_DATASETS_PYTHON is not set (deploy/local/test.sh sets it)")
            return
        }
        let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tools/formats/check_training_files.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [checker, pipeline.shardsDirectory.appendingPathComponent(run).path,
                             "--expect-formats", "jsonl,alpaca-json,self-instruct,openai-chat,sharegpt"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print("check_training_files:\n\(text)")
        #expect(process.terminationStatus == 0, "the training files failed their consumers' checks:\n\(text)")
        let manifest = try Self.manifest(pipeline, run: run)
        let files = try #require(manifest["files"] as? [[String: Any]])
        #expect(Set(files.compactMap { $0["format"] as? String })
                == ["jsonl", "alpaca-json", "self-instruct", "openai-chat", "sharegpt", "dataset_info"])
    }

    /// `sictl export` writes the same bytes twice, in every format.
    static func expectExportsRepeatByteForByte(_ pipeline: PipelineProcesses, run: String) throws {
        for format in ["jsonl", "alpaca-json", "self-instruct", "openai-chat", "sharegpt"] {
            var bytes: [Data] = []
            for attempt in 0..<2 {
                let path = pipeline.shardsDirectory.appendingPathComponent("export-\(format)-\(attempt)").path
                let export = try pipeline.sictl(["export", run, "--format", format, "--output", path])
                #expect(export.status == 0, "\(export.stderr)")
                bytes.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
            #expect(bytes[0] == bytes[1] && !bytes[0].isEmpty, "\(format): two exports differ")
        }
    }

    @Test func alpacaRecipeEndToEnd() throws {
        let pipeline = try PipelineProcesses(faults: "429=0.05,503=0.05,retry-after=0")
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "alpaca", replicas: 2, shardReplicas: 2)
        try pipeline.createAndStart(name: "e2e-alpaca", recipe: "alpaca", seeds: exampleSeedsPath, target: 300, concurrency: 4)
        try pipeline.waitUntilCompleted(name: "e2e-alpaca", timeout: .seconds(300))

        try Self.expectAuditPasses(pipeline, run: "e2e-alpaca")
        // Alpaca has no classification or instance stage: one instance per instruction, straight from generation.
        #expect(try pipeline.query("SELECT count(*) AS n FROM classifications", column: "n", as: Int.self) == 0)
        #expect(try pipeline.query("SELECT count(*) AS n FROM llm_calls WHERE stage <> 'generate'", column: "n", as: Int.self) == 0)
        let perInstruction = try pipeline.query(
            "SELECT coalesce(max(c), 0) AS n FROM (SELECT count(*) AS c FROM instances GROUP BY instruction_id) t",
            column: "n", as: Int.self)
        #expect(perInstruction == 1)
        let valid = try pipeline.query("SELECT count(*) AS n FROM instances WHERE status = 'valid'", column: "n", as: Int.self)
        #expect(try Self.manifest(pipeline, run: "e2e-alpaca")["records"] as? Int == valid)
    }

    /// A message that kills its worker every time (SI_FAULT_CRASH_MESSAGE_ID: SIGKILL on that message, as an
    /// out-of-memory kill would) is dead-lettered with kind `delivery_limit` after SI_DELIVERY_LIMIT deliveries,
    /// counted in PostgreSQL across the crashes; the message delivered alongside it is not, and the run completes.
    @Test func aMessageThatKillsItsWorkerIsDeadLetteredAtTheDeliveryLimit() throws {
        let pipeline = try PipelineProcesses(faults: "")
        defer { pipeline.shutdown() }
        let limit = 3
        // The run's first generation request in this private schema is id 1: its token is the first message.
        let culprit = "generate/generation_token/1"
        pipeline.workerEnvironment = ["SI_DELIVERY_LIMIT": "\(limit)", "SI_FAULT_CRASH_MESSAGE_ID": culprit]
        try pipeline.startStages(recipe: "alpaca", replicas: 1)
        try pipeline.createAndStart(name: "e2e-crashloop", recipe: "alpaca", seeds: exampleSeedsPath, target: 60, concurrency: 2)

        var crashes = 0
        let deadline = ContinuousClock.now + .seconds(240)
        while try pipeline.query("SELECT status FROM runs WHERE name = 'e2e-crashloop'", column: "status", as: String.self) != "completed" {
            #expect(ContinuousClock.now < deadline, "the run did not complete\n\(pipeline.diagnostics())")
            if ContinuousClock.now >= deadline { return }
            for index in pipeline.workers.indices.reversed() where !pipeline.workers[index].process.isRunning {
                let (stage, process) = pipeline.workers[index]
                #expect(stage == "si-generate" && process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
                        "\(stage) exited with \(process.terminationStatus)\n\(pipeline.diagnostics())")
                _ = pipeline.kill(workerAt: index)
                crashes += 1
                // A supervisor restarting the crashed daemon, as compose's restart policy or Kubernetes would.
                try pipeline.startWorker(stage)
            }
            usleep(100_000)
        }
        print("crash loop: \(crashes) crashes before the culprit was dead-lettered (limit \(limit))")
        #expect(crashes == limit)
        let kind = try pipeline.query(
            "SELECT error_kind FROM dead_letters WHERE message_id = '\(culprit)'", column: "error_kind", as: String.self)
        #expect(kind == "delivery_limit")
        #expect(try pipeline.query(
            "SELECT attempts FROM dead_letters WHERE message_id = '\(culprit)'", column: "attempts", as: Int.self) == limit + 1)
        // Only the culprit: the other token, killed alongside it at first, was handled alone once isolated.
        #expect(try pipeline.query("SELECT count(*) AS n FROM dead_letters", column: "n", as: Int.self) == 1)
        #expect(try pipeline.query("SELECT count(*) AS n FROM instructions WHERE status = 'admitted'", column: "n", as: Int.self) == 60)

        // Without the fault, the replayed letter is handled (the run is finished, so it only records that) and the
        // audit, which wants every dead letter dealt with, passes.
        pipeline.stopWorkers()
        pipeline.workerEnvironment = [:]
        try pipeline.startStages(recipe: "alpaca", replicas: 1)
        let replay = try pipeline.sictl(["dlq", "replay", "e2e-crashloop", "--force"])
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
        try Self.expectAuditPasses(pipeline, run: "e2e-crashloop")
    }

    /// SIGTERM while teacher calls would take 2 minutes: the daemon waits SI_SHUTDOWN_GRACE_S for them, then
    /// cancels them, gives their messages back to the queue and exits cleanly, well before an orchestrator's
    /// SIGKILL; nothing is dead-lettered.
    @Test func sigtermCancelsSlowTeacherCallsAfterTheGracePeriod() throws {
        let pipeline = try PipelineProcesses(faults: "", simulatorEnvironment: ["SI_SIM_LATENCY": "fixed:120000"])
        defer { pipeline.shutdown() }
        pipeline.workerEnvironment = ["SI_SHUTDOWN_GRACE_S": "3"]
        let generate = try pipeline.startWorker("si-generate")
        try pipeline.createAndStart(name: "e2e-grace", recipe: "alpaca", seeds: exampleSeedsPath, target: 40, concurrency: 2)
        // The token-counting probe at start gives up after 15 s against this server; then the daemon consumes.
        let deadline = ContinuousClock.now + .seconds(60)
        while !pipeline.allLogs().contains("consuming") && ContinuousClock.now < deadline { usleep(200_000) }
        #expect(pipeline.allLogs().contains("consuming"), "si-generate did not start consuming\n\(pipeline.diagnostics())")
        sleep(3)  // both tokens delivered (the relay publishes within a second) and their calls waiting on the server

        let stopping = ContinuousClock.now
        generate.terminate()
        generate.waitUntilExit()
        let took = ContinuousClock.now - stopping
        print("SIGTERM with 2 calls of 120 s in flight: exited after \(took) (SI_SHUTDOWN_GRACE_S 3)")
        #expect(generate.terminationReason == .exit && generate.terminationStatus == 0, "\(pipeline.diagnostics())")
        #expect(took >= .seconds(2.5) && took < .seconds(10))
        // Both messages are back in the queue, nothing is dead, and the cancelled calls are on record.
        let connection = try AMQPConnection.connect(url: pipeline.amqpURL)
        defer { connection.close() }
        #expect(try connection.inspectQueue("\(pipeline.namespace).generate").messageCount == 2)
        #expect(try pipeline.query("SELECT count(*) AS n FROM dead_letters", column: "n", as: Int.self) == 0)
        #expect(try pipeline.query(
            "SELECT count(*) AS n FROM generation_requests WHERE status = 'pending'", column: "n", as: Int.self) == 2)
        // (The probe could not decide against this server, so each prompt of a generation was its own request.)
        let cancelled = try pipeline.query(
            "SELECT count(*) AS n FROM llm_calls WHERE error_kind = 'cancelled'", column: "n", as: Int.self)
        #expect(cancelled >= 2)
        #expect(try pipeline.query(
            "SELECT count(*) AS n FROM llm_calls WHERE error_kind IS DISTINCT FROM 'cancelled'", column: "n", as: Int.self) == 0)
    }

    /// SIGKILLs a random daemon several times during the run and starts a fresh replica each time: the run still
    /// completes, nothing is lost or duplicated (the audit's invariants), and work was really interrupted.
    @Test func survivesWorkersKilledAtRandom() throws {
        let pipeline = try PipelineProcesses(faults: "429=0.02,503=0.02,retry-after=0")
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "self-instruct", replicas: 2)
        try pipeline.createAndStart(name: "e2e-crash", recipe: "self-instruct", seeds: exampleSeedsPath, target: 600, concurrency: 6)

        var random = SystemRandomNumberGenerator()
        var kills: [String] = []
        // Stages in a random order, repeated, so every kind of daemon is hit; the replica is random. A kill every
        // 0.25–0.75 s in a 600-instruction run (about 10 s here): at least 5 kills must land in it.
        let victims = (0..<2).flatMap { _ in PipelineProcesses.stages(recipe: "self-instruct").shuffled(using: &random) }
        var nextKill = ContinuousClock.now + .milliseconds(Int.random(in: 250...750, using: &random))
        try pipeline.waitUntilCompleted(name: "e2e-crash", timeout: .seconds(480)) {
            guard kills.count < victims.count, ContinuousClock.now >= nextKill else { return }
            let candidates = pipeline.workers.indices.filter { pipeline.workers[$0].stage == victims[kills.count] }
            let stage = pipeline.kill(workerAt: candidates.randomElement(using: &random)!)
            kills.append(stage)
            try pipeline.startWorker(stage)
            nextKill = ContinuousClock.now + .milliseconds(Int.random(in: 250...750, using: &random))
        }
        print("killed: \(kills.joined(separator: ", "))")
        #expect(kills.count >= 5, "the run ended before enough kills: \(kills)")

        try Self.expectAuditPasses(pipeline, run: "e2e-crash")
        #expect(try pipeline.query("SELECT count(*) AS n FROM instructions WHERE status = 'admitted'", column: "n", as: Int.self) == 600)
        // Every valid instance is in exactly one shard file line: the manifest total equals the valid rows.
        let valid = try pipeline.query("SELECT count(*) AS n FROM instances WHERE status = 'valid'", column: "n", as: Int.self)
        #expect(try Self.manifest(pipeline, run: "e2e-crash")["records"] as? Int == valid)
        // The jsonl files of both splits (the run's one format).
        let shardLines = try ["train", "validation"].flatMap { split in
            let directory = pipeline.shardsDirectory.appendingPathComponent("e2e-crash/jsonl/\(split)")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return try files.filter { $0.hasSuffix(".jsonl") }.map { file in
                try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").count
            }
        }.reduce(0, +)
        #expect(shardLines == valid)
    }
}
