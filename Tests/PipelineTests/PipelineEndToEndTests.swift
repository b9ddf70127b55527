import Broker
import Foundation
import TestSupport
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
        // si-generate starts once the culprit is published and marked sent by another daemon's relay. Were its own
        // relay to publish it, the kill could come before the row is marked sent, and the relay after the restart
        // would send a second, fresh copy: a first delivery again, so one crash more (seen in CI; see docs/worker.md).
        for stage in PipelineProcesses.stages(recipe: "alpaca") where stage != "si-generate" { try pipeline.startWorker(stage) }
        try pipeline.createAndStart(name: "e2e-crashloop", recipe: "alpaca", seeds: exampleSeedsPath, target: 60, concurrency: 2)
        let published = ContinuousClock.now + .seconds(30)
        while try pipeline.query("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL", column: "n", as: Int.self) > 0,
              ContinuousClock.now < published { usleep(100_000) }
        #expect(try pipeline.query("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL", column: "n", as: Int.self) == 0)
        try pipeline.startWorker("si-generate")

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
        // Given back on purpose, not crashed: their next delivery will not count towards SI_DELIVERY_LIMIT.
        #expect(try pipeline.query(
            "SELECT count(*) AS n FROM delivery_counts WHERE stage = 'generate' AND excused = 1", column: "n", as: Int.self) == 2)
        // (The probe could not decide against this server, so each prompt of a generation was its own request.)
        let cancelled = try pipeline.query(
            "SELECT count(*) AS n FROM llm_calls WHERE error_kind = 'cancelled'", column: "n", as: Int.self)
        #expect(cancelled >= 2)
        #expect(try pipeline.query(
            "SELECT count(*) AS n FROM llm_calls WHERE error_kind IS DISTINCT FROM 'cancelled'", column: "n", as: Int.self) == 0)
    }

    /// Poison in every queue beside a live run: a NUL byte, invalid UTF-8 without a message id, a 2 MiB body, text
    /// that is not JSON, an unknown schema version, a message of a run that does not exist and one of a cancelled
    /// run. Each is settled once (dead-lettered with its reason, or acked as a no-op for the cancelled run), never
    /// redelivered; the daemons go back to idle; the run completes and its audit passes.
    @Test func poisonInEveryQueueIsSettledOnceBesideALiveRun() throws {
        let pipeline = try PipelineProcesses(faults: "")
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        try pipeline.createAndStart(name: "e2e-live", recipe: "self-instruct", seeds: exampleSeedsPath, target: 150, concurrency: 4)
        try pipeline.createAndStart(name: "e2e-cancelled", recipe: "alpaca", seeds: exampleSeedsPath, target: 5, concurrency: 1)
        let cancel = try pipeline.sictl(["run", "cancel", "e2e-cancelled"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let cancelledRun = try pipeline.query("SELECT id FROM runs WHERE name = 'e2e-cancelled'", column: "id", as: Int64.self)

        let queues: [(stage: String, kind: String)] = [
            ("generate", "generation_token"), ("filter.instructions", "instruction_candidates"), ("classify", "admitted_instruction"),
            ("instances", "admitted_instruction"), ("filter.instances", "instance_candidates"), ("shards", "shard_request"),
        ]
        // The cancelled run's entities: its first generation request (generate, filter.instructions), the run itself
        // (shards); it has no instructions, so the instruction stages get an id no run has.
        let cancelledRequest = try pipeline.query(
            "SELECT min(id) AS id FROM generation_requests WHERE run_id = \(cancelledRun)", column: "id", as: Int64.self)
        func entity(cancelled queue: String) -> Int64 {
            switch queue {
            case "generate", "filter.instructions": cancelledRequest
            case "shards": cancelledRun
            default: 987_654_320
            }
        }
        func body(_ json: String) -> [UInt8] { Array(json.utf8) }
        func message(run: Int64, entity: Int64, kind: String) -> [UInt8] {
            body("{\"schema_version\":1,\"run_id\":\(run),\"entity_id\":\(entity),\"attempt\":1,\"kind\":\"\(kind)\"}")
        }
        let connection = try AMQPConnection.connect(url: pipeline.amqpURL)
        defer { connection.close() }
        // Per poison and queue, the key its dead letter would have: the message id of a body that does not parse,
        // the stage's own id (stage/kind/entity) of one that does.
        var keys: [String: [String: String]] = [:]
        var published = 0
        for queue in queues {
            let cancelledEntity = entity(cancelled: queue.stage)
            let poison: [(name: String, body: [UInt8], id: String?, key: String)] = [
                ("nul", body("{\"schema_version\":1,\"run_id\":1\u{0}}"), "poison/\(queue.stage)/nul", "poison/\(queue.stage)/nul"),
                ("invalid-utf8", [0xFF, 0xFE, 0x00, 0x41, 0xC3], nil, ""),
                ("2-mib", Array(repeating: UInt8(ascii: "z"), count: 2 << 20), "poison/\(queue.stage)/2-mib", "poison/\(queue.stage)/2-mib"),
                ("not-json", body("hello, queue"), "poison/\(queue.stage)/not-json", "poison/\(queue.stage)/not-json"),
                ("schema-99", body("{\"schema_version\":99,\"run_id\":1,\"entity_id\":1,\"attempt\":1,\"kind\":\"\(queue.kind)\"}"),
                 "poison/\(queue.stage)/schema-99", "poison/\(queue.stage)/schema-99"),
                ("unknown-run", message(run: 987_654_321, entity: 987_654_321, kind: queue.kind), "poison/\(queue.stage)/unknown-run",
                 "\(queue.stage)/\(queue.kind)/987654321"),
                ("cancelled-run", message(run: cancelledRun, entity: cancelledEntity, kind: queue.kind), "poison/\(queue.stage)/cancelled-run",
                 "\(queue.stage)/\(queue.kind)/\(cancelledEntity)"),
            ]
            for item in poison {
                _ = try connection.publish(exchange: pipeline.namespace, routingKey: "\(pipeline.namespace).\(queue.stage)",
                                           body: item.body, messageID: item.id)
                keys[item.name, default: [:]][queue.stage] = item.key
                published += 1
            }
        }
        try pipeline.waitUntilCompleted(name: "e2e-live", timeout: .seconds(300))
        // Whatever is left in flight settles.
        sleep(2)

        // The table: poison × queue → outcome (dead-letter kind and attempts, or acked as a no-op).
        var table = "poison \\ queue: " + queues.map(\.stage).joined(separator: " | ") + "\n"
        for name in ["nul", "2-mib", "not-json", "schema-99", "unknown-run", "cancelled-run"] {
            let cells = try queues.map { queue -> String in
                let key = keys[name]?[queue.stage] ?? ""
                let letters = try pipeline.query(
                    "SELECT count(*) AS n FROM dead_letters WHERE stage = '\(queue.stage)' AND message_id = '\(key)'", column: "n", as: Int.self)
                #expect(letters <= 1, "\(name) in \(queue.stage) dead-lettered \(letters) times")
                if letters == 0 { return "acked, no-op" }
                return try pipeline.query(
                    "SELECT error_kind || ' x' || attempts AS k FROM dead_letters WHERE stage = '\(queue.stage)' AND message_id = '\(key)'",
                    column: "k", as: String.self)
            }
            table += "\(name): " + cells.joined(separator: " | ") + "\n"
        }
        let withoutID = try pipeline.query("""
            SELECT string_agg(stage || ' ' || error_kind || ' x' || attempts || ' ' || body_encoding, ' | ' ORDER BY stage) AS k
            FROM dead_letters WHERE message_id LIKE 'unsafe-id/%'
            """, column: "k", as: String?.self)
        table += "invalid-utf8 (no message id): \(withoutID ?? "none")\n"
        print(table)
        #expect(try pipeline.query(
            "SELECT count(*) AS n FROM dead_letters WHERE message_id LIKE 'unsafe-id/%'", column: "n", as: Int.self) == queues.count)
        // Every dead letter was written once, after one delivery: no requeue, no redelivery.
        #expect(try pipeline.query("SELECT count(*) AS n FROM dead_letters WHERE attempts <> 1", column: "n", as: Int.self) == 0)
        #expect(try pipeline.query("SELECT count(*) AS n FROM delivery_counts", column: "n", as: Int.self) == 0)
        let logs = pipeline.allLogs()
        let deadLettered = logs.split(separator: "\n").filter { $0.contains("dead-lettered") }.count
        let letters = try pipeline.query("SELECT count(*) AS n FROM dead_letters", column: "n", as: Int.self)
        #expect(deadLettered == letters)
        #expect(!logs.contains("cannot record the dead letter"))
        // No poison touched the live run, which completed and audits clean.
        #expect(try pipeline.query(
            "SELECT count(*) AS n FROM dead_letters d JOIN runs r ON r.id = d.run_id WHERE r.name = 'e2e-live'", column: "n", as: Int.self) == 0)
        try Self.expectAuditPasses(pipeline, run: "e2e-live")

        // Back to idle: CPU of each daemon over 3 s.
        func cpuTicks(_ pid: Int32) -> Int {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
            return fields.count > 12 ? (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0) : 0
        }
        let before = pipeline.workers.map { cpuTicks($0.process.processIdentifier) }
        sleep(3)
        let after = pipeline.workers.map { cpuTicks($0.process.processIdentifier) }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        for (index, worker) in pipeline.workers.enumerated() {
            let share = Double(after[index] - before[index]) / ticksPerSecond / 3 * 100
            print("idle after poison: \(worker.stage) \(String(format: "%.1f", share)) % of a core")
            // A redelivery loop spins at 100 %; idle is well under 1 %. Generous for a busy test machine.
            #expect(share < 20, "\(worker.stage) uses \(share) % of a core after the run")
        }
        #expect(published == 7 * queues.count)
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
