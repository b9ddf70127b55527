import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Batch mode (issue 15) through every daemon against the simulator's Files and Batches endpoints: a run whose
/// teacher requests all go through batches completes and audits at half the price of the same run online; daemons
/// SIGKILLed while batches are out (and one killed between creating a batch and recording it) submit nothing twice;
/// an expired batch sends again exactly the requests it did not answer.
@Suite(.serialized, .timeLimit(.minutes(10))) struct BatchPipelineTests {
    /// Fast batch settings: a batch waits at most 0.4 s for requests and is polled every 0.3 s.
    static let fastBatches = ["--batch", "all", "--batch-max-age", "0.4", "--batch-poll", "0.3"]
    static let prices = ["--price-prompt", "1.5", "--price-completion", "2"]

    /// The simulator's `batches` counters.
    static func batchStats(_ pipeline: PipelineProcesses) async throws -> [String: Any] {
        let response = try await SimulatorClient(baseURL: pipeline.teacherURL).send("GET", "/sim/stats")
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        return try #require(object?["batches"] as? [String: Any], "no batches in /sim/stats")
    }

    static func count(_ stats: [String: Any], _ key: String) throws -> Int {
        try #require(stats[key] as? Int, "/sim/stats batches.\(key) missing")
    }

    /// The run's total cost in `si_llm_usage`.
    static func cost(_ pipeline: PipelineProcesses, run: String) throws -> Double {
        try pipeline.query("""
            SELECT coalesce(sum(u.cost_usd), 0)::float8 AS usd FROM si_llm_usage u JOIN runs r ON r.id = u.run_id WHERE r.name = '\(run)'
            """, column: "usd", as: Double.self)
    }

    @Test func aBatchRunCompletesAuditsAndCostsHalfTheOnlineRun() async throws {
        let pipeline = try PipelineProcesses(faults: "", simulatorEnvironment: ["SI_SIM_BATCH": "delay=0.5"])
        defer { pipeline.shutdown() }
        // Two replicas of every stage: their batch services share the batches without doing a step twice.
        try pipeline.startStages(recipe: "self-instruct", replicas: 2)
        // The same run online and in batches, side by side on the same daemons.
        try pipeline.createAndStart(name: "online", recipe: "self-instruct", seeds: exampleSeedsPath, target: 60, concurrency: 4,
                                    options: Self.prices)
        try pipeline.createAndStart(name: "batched", recipe: "self-instruct", seeds: exampleSeedsPath, target: 60, concurrency: 4,
                                    options: Self.prices + Self.fastBatches)
        try pipeline.waitUntilCompleted(name: "online", timeout: .seconds(300))
        try pipeline.waitUntilCompleted(name: "batched", timeout: .seconds(300))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "online")
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "batched")

        // Every call of the batch run came from a batch, in all three teacher stages.
        let online = try pipeline.query("""
            SELECT count(*) AS n FROM llm_calls c JOIN runs r ON r.id = c.run_id WHERE r.name = 'batched' AND c.batch_id IS NULL
            """, column: "n", as: Int.self)
        #expect(online == 0, "calls of the batch run made online")
        let stages = try pipeline.query("""
            SELECT count(DISTINCT stage) AS n FROM llm_calls c JOIN runs r ON r.id = c.run_id WHERE r.name = 'batched' AND c.batch_id IS NOT NULL
            """, column: "n", as: Int.self)
        #expect(stages == 3)
        let viewBatched = try pipeline.query("""
            SELECT coalesce(sum(batched_calls), 0)::bigint AS n FROM si_llm_usage u JOIN runs r ON r.id = u.run_id WHERE r.name = 'batched'
            """, column: "n", as: Int.self)
        #expect(viewBatched > 0)

        let onlineCost = try Self.cost(pipeline, run: "online")
        let batchCost = try Self.cost(pipeline, run: "batched")
        print("cost: online $\(onlineCost), batched $\(batchCost), ratio \(batchCost / onlineCost)")
        #expect(onlineCost > 0 && batchCost > 0.35 * onlineCost && batchCost < 0.65 * onlineCost)

        let stats = try await Self.batchStats(pipeline)
        let batches = try pipeline.query("SELECT count(*) AS n FROM teacher_batches", column: "n", as: Int.self)
        print("batch run: \(batches) batches; simulator: \(stats)")
        #expect(try Self.count(stats, "batches_created") == batches)
        #expect(try Self.count(stats, "duplicate_submissions") == 0)

        let status = try pipeline.sictl(["status", "batched"])
        #expect(status.stdout.contains("batches     0 in flight, \(batches) of \(batches) read back"), "\(status.stdout)")

        // The response cache still applies: the same run again reuses the answers of identical requests (the same
        // seed draws the same first prompts) instead of sending them in a batch.
        let submittedBefore = try Self.count(stats, "requests_submitted")
        try pipeline.createAndStart(name: "batched-again", recipe: "self-instruct", seeds: exampleSeedsPath, target: 60,
                                    concurrency: 4, options: Self.prices + Self.fastBatches)
        try pipeline.waitUntilCompleted(name: "batched-again", timeout: .seconds(300))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "batched-again")
        let cached = try pipeline.query("""
            SELECT count(*) FILTER (WHERE cached) AS n FROM llm_calls c JOIN runs r ON r.id = c.run_id WHERE r.name = 'batched-again'
            """, column: "n", as: Int.self)
        let cachedCost = try pipeline.query("""
            SELECT coalesce(sum(cost_usd), 0)::float8 AS usd FROM llm_calls c JOIN runs r ON r.id = c.run_id
            WHERE r.name = 'batched-again' AND c.cached
            """, column: "usd", as: Double.self)
        let sentAgain = try pipeline.query("""
            SELECT count(*) AS n FROM llm_calls c JOIN runs r ON r.id = c.run_id WHERE r.name = 'batched-again' AND c.batch_id IS NOT NULL
            """, column: "n", as: Int.self)
        let submittedAfter = try Self.count(try await Self.batchStats(pipeline), "requests_submitted")
        print("batched again: \(cached) calls answered from the cache at $\(cachedCost), \(sentAgain) sent in batches")
        #expect(cached > 0 && cachedCost == 0)
        #expect(submittedAfter - submittedBefore == sentAgain, "a cached request was sent to the provider")
    }

    @Test func killingTheBatchingDaemonsWhileBatchesAreOutSubmitsNothingTwice() async throws {
        // Batches take 2 s at the provider: long enough to kill the daemons while they are out.
        let pipeline = try PipelineProcesses(faults: "", simulatorEnvironment: ["SI_SIM_BATCH": "delay=2"])
        defer { pipeline.shutdown() }
        // This si-generate dies right after creating its first batch, before recording the batch's id.
        pipeline.workerEnvironment = ["SI_FAULT_CRASH_AFTER_BATCH_CREATE": "1"]
        try pipeline.startWorker("si-generate")
        pipeline.workerEnvironment = [:]
        for stage in ["si-filter", "si-classify", "si-instances", "si-shards"] { try pipeline.startWorker(stage) }
        try pipeline.createAndStart(name: "killed", recipe: "self-instruct", seeds: exampleSeedsPath, target: 60, concurrency: 4,
                                    options: Self.fastBatches)

        // The crash: a batch exists at the provider that our table knows only as `submitting`.
        let generate = try #require(pipeline.workers.firstIndex { $0.stage == "si-generate" })
        let crashDeadline = ContinuousClock.now + .seconds(60)
        while pipeline.workers[generate].process.isRunning && ContinuousClock.now < crashDeadline { usleep(100_000) }
        #expect(!pipeline.workers[generate].process.isRunning, "the fault did not kill si-generate")
        #expect(try pipeline.query("SELECT count(*) AS n FROM teacher_batches WHERE status = 'submitting'", column: "n", as: Int.self) == 1)
        _ = pipeline.kill(workerAt: generate)
        try pipeline.startWorker("si-generate")

        // Then every batching daemon SIGKILLed while batches of classify or instances are out, twice.
        var kills = 0
        try pipeline.waitUntilCompleted(name: "killed", timeout: .seconds(400)) {
            guard kills < 2 else { return }
            let out = try pipeline.query("""
                SELECT count(*) AS n FROM teacher_batches WHERE status = 'submitted' AND stage IN ('classify', 'instances')
                """, column: "n", as: Int.self)
            guard out > 0 else { return }
            // What an operator sees while batches are out.
            let status = try pipeline.sictl(["status", "killed"]).stdout
            #expect(status.contains("in flight") && status.contains("submitted as batch_"), "\(status)")
            kills += 1
            for stage in ["si-generate", "si-classify", "si-instances"] {
                if let index = pipeline.workers.firstIndex(where: { $0.stage == stage }) { _ = pipeline.kill(workerAt: index) }
            }
            usleep(500_000)
            for stage in ["si-generate", "si-classify", "si-instances"] { try pipeline.startWorker(stage) }
        }
        #expect(kills == 2)
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "killed")

        let stats = try await Self.batchStats(pipeline)
        let batches = try pipeline.query("SELECT count(*) AS n FROM teacher_batches", column: "n", as: Int.self)
        let submissions = try pipeline.query(
            "SELECT coalesce(sum(submissions), 0)::bigint AS n FROM batch_requests", column: "n", as: Int.self)
        print("killed: \(kills) kills of the batching daemons, \(batches) batches, \(submissions) request submissions; simulator: \(stats)")
        // Every batch of ours was created once at the provider (the one whose creation was never recorded was found,
        // not created again), and no request was sent while an earlier submission of it was out or answered.
        #expect(try Self.count(stats, "batches_created") == batches)
        #expect(try Self.count(stats, "requests_submitted") == submissions)
        #expect(try Self.count(stats, "duplicate_submissions") == 0)
        #expect(try Self.count(stats, "input_files_reused") == 0)
        #expect(pipeline.allLogs().contains("batch found at the provider; not created again"))
    }

    @Test func aBudgetedBatchRunPausesAtItsCapAndCompletesWhenRaised() async throws {
        let pipeline = try PipelineProcesses(faults: "", simulatorEnvironment: ["SI_SIM_BATCH": "delay=0.3"])
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        // About a quarter of what the run costs at batch prices; a generation request's worst case is about $0.016.
        try pipeline.createAndStart(name: "capped", recipe: "self-instruct", seeds: exampleSeedsPath, target: 60, concurrency: 4,
                                    options: Self.prices + Self.fastBatches + ["--budget-usd", "0.02"])
        try pipeline.waitForStatus(name: "capped", status: "paused", timeout: .seconds(120))
        let reason = try pipeline.query("SELECT pause_reason AS r FROM runs WHERE name = 'capped'", column: "r", as: String.self)
        #expect(reason == "budget_exhausted")
        // Batches still out settle after the pause; then nothing is reserved and what was spent stays within the cap.
        let settled = ContinuousClock.now + .seconds(30)
        while try pipeline.query("SELECT count(*) AS n FROM teacher_batches WHERE status <> 'done'", column: "n", as: Int.self) > 0,
              ContinuousClock.now < settled { usleep(200_000) }
        let spent = try pipeline.query("SELECT spent_usd::float8 AS v FROM run_budgets", column: "v", as: Double.self)
        let reserved = try pipeline.query("SELECT reserved_usd::float8 AS v FROM run_budgets", column: "v", as: Double.self)
        let costs = try Self.cost(pipeline, run: "capped")
        print("capped batch run: paused with $\(spent) spent, $\(reserved) reserved of $0.02 (llm_calls $\(costs))")
        #expect(spent > 0 && spent <= 0.02 && reserved == 0)
        #expect(abs(costs - spent) < 1e-6, "the ledger books what llm_calls cost")

        #expect(try pipeline.sictl(["run", "resume", "capped", "--budget-usd", "1"]).status == 0)
        try pipeline.waitUntilCompleted(name: "capped", timeout: .seconds(300))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "capped")
        let finalSpent = try pipeline.query("SELECT spent_usd::float8 AS v FROM run_budgets", column: "v", as: Double.self)
        #expect(abs(try Self.cost(pipeline, run: "capped") - finalSpent) < 1e-6)
        #expect(try pipeline.query("SELECT reserved_usd::float8 AS v FROM run_budgets", column: "v", as: Double.self) == 0)
    }

    @Test func cancellingARunCancelsItsBatchesAtTheProvider() async throws {
        let pipeline = try PipelineProcesses(faults: "", simulatorEnvironment: ["SI_SIM_BATCH": "delay=30"])
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        try pipeline.createAndStart(name: "stopped", recipe: "self-instruct", seeds: exampleSeedsPath, target: 60, concurrency: 4,
                                    options: Self.fastBatches)
        let deadline = ContinuousClock.now + .seconds(60)
        while try pipeline.query("SELECT count(*) AS n FROM teacher_batches WHERE status = 'submitted'", column: "n", as: Int.self) == 0 {
            guard ContinuousClock.now < deadline else { throw PipelineProcesses.Failure("no batch submitted\n\(pipeline.diagnostics())") }
            usleep(200_000)
        }
        #expect(try pipeline.sictl(["run", "cancel", "stopped"]).status == 0)
        // Read back as cancelled long before the provider's 30 s would have run out.
        let readBack = ContinuousClock.now + .seconds(20)
        while try pipeline.query("SELECT count(*) AS n FROM teacher_batches WHERE status <> 'done'", column: "n", as: Int.self) > 0 {
            guard ContinuousClock.now < readBack else { throw PipelineProcesses.Failure("batch not read back\n\(pipeline.diagnostics())") }
            usleep(200_000)
        }
        let remote = try pipeline.query("SELECT string_agg(DISTINCT remote_status, ',') AS s FROM teacher_batches", column: "s", as: String.self)
        let stats = try await Self.batchStats(pipeline)
        print("cancelled run: batches \(remote); simulator: \(stats)")
        #expect(remote == "cancelled")
        #expect(((stats["by_status"] as? [String: Int])?["cancelled"] ?? 0) >= 1)
    }

    @Test func anExpiredBatchResubmitsOnlyItsMissingRequests() async throws {
        // The provider's first batch expires with half of its requests done.
        let pipeline = try PipelineProcesses(
            faults: "", simulatorEnvironment: ["SI_SIM_BATCH": "delay=0.3,expire-first=1,expire-done=0.5"])
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        try pipeline.createAndStart(name: "expired", recipe: "self-instruct", seeds: exampleSeedsPath, target: 40, concurrency: 8,
                                    options: Self.fastBatches)
        try pipeline.waitUntilCompleted(name: "expired", timeout: .seconds(300))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "expired")

        let first = "(SELECT min(id) FROM teacher_batches)"
        let requests = try pipeline.query("SELECT requests AS n FROM teacher_batches WHERE id = \(first)", column: "n", as: Int.self)
        let answered = try pipeline.query("SELECT answered AS n FROM teacher_batches WHERE id = \(first)", column: "n", as: Int.self)
        let resubmitted = try pipeline.query("SELECT resubmitted AS n FROM teacher_batches WHERE id = \(first)", column: "n", as: Int.self)
        let remoteStatus = try pipeline.query("SELECT remote_status AS s FROM teacher_batches WHERE id = \(first)", column: "s", as: String.self)
        // Requests sent more than once: exactly the expired batch's missing ones, each sent twice.
        let sentAgain = try pipeline.query("SELECT count(*) AS n FROM batch_requests WHERE submissions > 1", column: "n", as: Int.self)
        let sentTwice = try pipeline.query("SELECT count(*) AS n FROM batch_requests WHERE submissions = 2", column: "n", as: Int.self)
        let stats = try await Self.batchStats(pipeline)
        print("expired: first batch \(requests) requests, \(answered) answered, \(resubmitted) sent again (\(remoteStatus)); requests sent twice \(sentTwice); simulator: \(stats)")
        #expect(remoteStatus == "expired")
        #expect(requests >= 2 && answered == requests / 2 && resubmitted == requests - answered)
        #expect(sentAgain == resubmitted && sentTwice == resubmitted)
        #expect(try Self.count(stats, "requests_expired") == resubmitted)
        #expect(try Self.count(stats, "duplicate_submissions") == 0)
        let submissions = try pipeline.query(
            "SELECT coalesce(sum(submissions), 0)::bigint AS n FROM batch_requests", column: "n", as: Int.self)
        #expect(try Self.count(stats, "requests_submitted") == submissions)
    }
}
